"""Typed data files: each mistake an editor makes in a charted data file is one clear error."""

from __future__ import annotations

import pytest

CHART_BLOCK = "```chart\ndata: numbers\nkind: bar\nx: year\ny: value\ndescription: d\n```\n"

COLUMNS = "columns:\n  year: category\n  value: {type: percent, title: Share}\n"
# A category whose values readers see as words: the rows keep the key, the table shows the label.
LABELLED_COLUMNS = ('columns:\n  year:\n    type: category\n    labels: {"2023": last year, "2024": this year}\n'
                    "  value: {type: percent, title: Share}\n")


def numbers(rows: str, columns: str = COLUMNS) -> dict[str, str]:
    """Return content/data/numbers.yaml with these columns and rows, charted in an article."""
    return {
        "content/data/numbers.yaml": f"description: d\nsources: [test-report]\n{columns}rows:\n{rows}",
        "content/articles/second.md": "---\ntitle: t\nsummary: s\ndate: 2024-01-03\n---\n## Details\n\n" + CHART_BLOCK,
    }


def chart(spec: str, columns: str = COLUMNS + "  other: {type: number, unit: visits}\n",
          rows: str = '  - year: "2023"\n    value: 1\n    other: 5\n') -> dict[str, str]:
    files = numbers(rows, columns)
    files["content/articles/second.md"] = "---\ntitle: t\nsummary: s\ndate: 2024-01-03\n---\n## Details\n\n```chart\n" + spec + "```\n"
    return files


BAD_DATA = [
    pytest.param(
        numbers('  - year: "2023"\n    value: 43%\n'),
        "content/data/numbers.yaml:8: '43%' in 'value' is not a number: write 43; the unit comes from the column\n"
        "    8 |     value: 43%",
        id="percent-sign-in-a-percent-column",
    ),
    pytest.param(
        numbers('  - year: "2023"\n    value: 43%\n', "columns:\n  year: category\n  value: number\n"),
        "content/data/numbers.yaml:8: '43%' in 'value' is not a number: write 43; declare 'value' as percent",
        id="percent-sign-in-a-number-column",
    ),
    pytest.param(
        numbers('  - year: "2023"\n    value: 1,200\n'),
        "content/data/numbers.yaml:8: '1,200' in 'value' is not a number: write 1200 without separators; the site formats it",
        id="thousands-separator",
    ),
    pytest.param(
        numbers('  - year: "2023"\n    value: "0,5"\n'),
        "content/data/numbers.yaml:8: '0,5' in 'value' is not a number: write 0.5 with a point; the site formats it",
        id="decimal-comma",
    ),
    pytest.param(
        numbers('  - year: "2023"\n    value: 1\n  - year: "2024"\n'),
        "content/data/numbers.yaml:9: the row has no 'value'\n"
        "    9 |   - year: \"2024\"\n"
        "    hint: every row has every column; write 'value: null' where there is no value",
        id="row-missing-a-value",
    ),
    pytest.param(
        numbers('  - year: "2023"\n    value: 1\n    comment: x\n'),
        "content/data/numbers.yaml:9: unknown column 'comment'\n"
        "    9 |     comment: x\n"
        "    hint: declare it in 'columns:' at the top of the file, or remove it",
        id="row-with-an-extra-column",
    ),
    pytest.param(
        numbers('  - year: "2023"\n    valeu: 1\n'),
        "content/data/numbers.yaml:8: unknown column 'valeu'\n"
        "    8 |     valeu: 1\n"
        "    hint: did you mean 'value'?",
        id="misspelt-column-did-you-mean",
    ),
    pytest.param(
        numbers('  - year: "2023"\n    value: 1\n', "columns:\n  year: category\n  value: nubmer\n"),
        "content/data/numbers.yaml:5: unknown column type 'nubmer' for 'value'\n"
        "    5 |   value: nubmer\n"
        "    hint: did you mean 'number'?",
        id="unknown-column-type",
    ),
    pytest.param(
        numbers('  - year: "2023"\n    value: 1\n', "columns:\n  year: category\n  value: {type: percent, unit: people}\n"),
        "content/data/numbers.yaml:5: only a number column has a unit; 'value' is percent",
        id="unit-on-a-percent",
    ),
    pytest.param(
        numbers('  - year: 2023-13\n    value: 1\n', "columns:\n  year: date\n  value: number\n"),
        "content/data/numbers.yaml:7: '2023-13' in 'year' is not a date\n"
        "    7 |   - year: 2023-13\n"
        "    hint: write a day as YYYY-MM-DD, a month as YYYY-MM or a year as YYYY",
        id="not-a-date",
    ),
    pytest.param(
        {"content/data/numbers.yaml": 'rows:\n  - year: "2023"\n    value: 1\n',
         "content/articles/second.md": "---\ntitle: t\nsummary: s\ndate: 2024-01-03\n---\n## Details\n\n" + CHART_BLOCK},
        "content/articles/second.md:9: the data file content/data/numbers.yaml does not declare its columns\n"
        "    9 | data: numbers\n"
        "    hint: add 'columns:' before 'rows:' with each column's type",
        id="chart-of-an-untyped-data-file",
    ),
    pytest.param(
        chart("data: numbers\nkind: bar\nx: year\ny: value\nlabel: other\ndescription: d\n"),
        "content/articles/second.md:13: the chart mixes metrics with different units: 'value' (percent) and "
        "'other' (number of visits)\n"
        "    13 | label: other\n"
        "    hint: a chart shows one metric; draw the other in a chart of its own",
        id="chart-mixing-units",
    ),
    pytest.param(
        chart("data: numbers\nkind: bar\nx: year\ny: year\ndescription: d\n"),
        "content/articles/second.md:12: the chart has nothing to measure: 'year' (category) and 'year' (category)",
        id="chart-without-a-measure",
    ),
    pytest.param(
        chart("data: numbers\nkind: bar\nx: year\ny: value\ncolor: other\ndescription: d\n"),
        "content/articles/second.md:13: 'color' groups rows by category; 'other' (number of visits) is a measure",
        id="chart-coloured-by-a-measure",
    ),
    pytest.param(
        chart("data: numbers\nkind: timeline\nx: year\ny: year\ndescription: d\n"),
        "content/articles/second.md:11: a timeline's 'x' must be a date column; 'year' (category) is not",
        id="timeline-without-dates",
    ),
    pytest.param(
        chart("data: numbers\nkind: bar\nid: Numbers Chart\nx: year\ny: value\ndescription: d\n"),
        "content/articles/second.md:11: the chart id 'Numbers Chart' may hold only lowercase letters, digits and single hyphens",
        id="chart-id-not-a-slug",
    ),
    pytest.param(
        {**chart("data: numbers\nkind: bar\nx: year\ny: value\ndescription: d\n"),
         "content/articles/first.md": "---\ntitle: First article\nsummary: s\ndate: 2024-01-02\n---\n"
                                      "```chart\ndata: numbers\nkind: line\nx: year\ny: value\ndescription: d\n```\n"},
        "content/articles/second.md:8: the chart id 'numbers' is already used by the chart on line 6 of "
        "content/articles/first.md\n",
        id="two-charts-one-id",
    ),
    pytest.param(
        {"content/data/numbers.ru.yaml": 'columns:\n  year: category\n  value: text\nrows:\n  - year: "2023"\n    value: "1"\n',
         "content/site.ru.yaml": "title: Тест\n"},
        "content/data/numbers.ru.yaml:1: the columns differ from the original data file's\n"
        "    1 | columns:\n"
        "    hint: declare the same columns with the same types as content/data/numbers.yaml: year: category, value: number",
        id="translated-columns-differ",
    ),
    pytest.param(
        numbers('  - year: "2o23"\n    value: 1\n', LABELLED_COLUMNS),
        "content/data/numbers.yaml:9: '2o23' in 'year' is none of its labelled values\n"
        "    9 |   - year: \"2o23\"\n"
        "    hint: did you mean '2023'?",
        id="a-value-with-no-label",
    ),
    pytest.param(
        numbers('  - year: "2023"\n    value: 1\n', "columns:\n  year: category\n  value: {type: percent, labels: {1: one}}\n"),
        "content/data/numbers.yaml:5: only a category column has labels; this one is percent",
        id="labels-on-a-measure",
    ),
]


def with_translation(files: dict[str, str]) -> dict[str, str]:
    """Return the files plus a Russian edition whose twin of the data is fine and whose article charts it."""
    return {**files,
            "content/site.ru.yaml": "title: Тест\ndescription: Сайт.\n",
            "content/data/numbers.ru.yaml": "description: d\nsources: [test-report]\n" + COLUMNS
                                            + 'rows:\n  - year: "2023"\n    value: 1\n',
            "content/articles/second.ru.md": "---\ntitle: т\nsummary: с\ndate: 2024-01-03\ntranslated_from: 2024-01-03\n---\n"
                                             "## Подробности\n\n" + CHART_BLOCK}


# A mistake in an original data file is reported once, there: not again as "no dataset" for its translation and charts.
BAD_DATA.append(pytest.param(
    with_translation(numbers('  - year: "2023"\n    value: 43%\n')),
    "content/data/numbers.yaml:8: '43%' in 'value' is not a number: write 43; the unit comes from the column",
    id="a-broken-original-is-one-error-not-three",
))


@pytest.mark.parametrize(("files", "expected"), BAD_DATA)
def test_data_and_chart_mistakes_are_reported_and_previous_site_survives(assert_fails_cleanly, files, expected):
    assert_fails_cleanly(files, expected)


def test_an_explicit_null_is_a_gap_in_the_chart_and_no_data_in_the_table(make_site, build, capsys):
    root = make_site(numbers('  - year: "2023"\n    value: null\n  - year: "2024"\n    value: 2\n'))

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/second/index.html").read_text()
    assert "<td>no data</td>" in html
    assert "undefined" not in html


def test_a_category_shows_its_labels_in_the_table(make_site, build, capsys):
    root = make_site(numbers('  - year: "2023"\n    value: 1\n  - year: "2024"\n    value: 2\n', LABELLED_COLUMNS))

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/second/index.html").read_text()
    assert "<td>last year</td>" in html and "<td>this year</td>" in html, html
