"""Editors' mistakes: each one is reported as `path:line: message`, and a failed build
leaves the previous site exactly as it was (issue #3)."""

from __future__ import annotations

import shutil

import pytest

from sitegen.commands.cli import main
from sitegen.commands.new_article import NEW_ARTICLE
from sitegen.errors import BuildFailed
from sitegen.options import BuildOptions
from sitegen.reading.project import PACKAGE_ROOT, Project
from sitegen.runs import check_site

ARTICLE = "---\ntitle: Bad article\nsummary: An article with one mistake.\ndate: 2024-01-04\n---\n"


def article(body: str) -> dict[str, str]:
    """Return files adding content/articles/bad.md: valid front matter, then body from line 6."""
    return {"content/articles/bad.md": ARTICLE + body}


def chart(spec: str) -> dict[str, str]:
    """Return files adding an article whose chart block's fence is on line 6, its YAML from line 7."""
    return article("```chart\n" + spec + "```\n")


def templates(name: str, old: str, new: str) -> dict[str, bytes]:
    """Return files giving the site its own copy of the shipped templates, `old` replaced by `new` in one of them."""
    shipped = PACKAGE_ROOT / "templates"
    files = {f"templates/{p.relative_to(shipped).as_posix()}": p.read_bytes() for p in shipped.rglob("*") if p.is_file()}
    text = files[f"templates/{name}"].decode()
    assert old in text, f"templates/{name} no longer has {old!r}: update the test"
    files[f"templates/{name}"] = text.replace(old, new, 1).encode()
    return files


def shipped_line(name: str, text: str) -> int:
    """Return the number of the first line of a shipped template that contains text."""
    lines = (PACKAGE_ROOT / "templates" / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text.strip() in line)


LEDE = '\n    <p class="lede">'
CONTENT_BLOCK = "{% block content %}"
ROW_LABEL = '{{ row["label"] }}'
# A data file without 'columns:', so nothing but the template reading it says what a row's keys should be.
KEY_FIGURES = 'rows:\n  - value: "1"\n    label: one\n  - value: "2"\n    {key}: two\n'
BAD_INPUT = [
    pytest.param(  # blamed on the data file's line, not on the template that reads it (issue 21)
        {"content/data/key_figures.yaml": KEY_FIGURES.format(key="lable")},
        f"content/data/key_figures.yaml:5: unknown key 'lable' in this row; templates/home.html:"
        f"{shipped_line('home.html', ROW_LABEL)} reads 'label'\n"
        "    5 |     lable: two\n"
        "    hint: did you mean 'label'? Correct the key here, in the data file\n",
        id="misspelt-key-in-a-data-row",
    ),
    pytest.param(
        {"content/data/key_figures.yaml": KEY_FIGURES.format(key="note")},
        f"content/data/key_figures.yaml:4: this row has no 'label', which templates/home.html:"
        f"{shipped_line('home.html', ROW_LABEL)} reads\n"
        '    4 |   - value: "2"\n'
        "    hint: add 'label:' to the row; its keys are 'value', 'note'\n",
        id="data-row-without-a-key-the-template-reads",
    ),
    pytest.param(  # Jinja notices at the end of the block content; the if to close is lines above (issue 21)
        templates("home.html", LEDE, "\n    {% if page %}" + LEDE),
        f"templates/home.html:{shipped_line('home.html', LEDE)}: template syntax error: the '{{% if %}}' block opened "
        f"on this line is never closed\n"
        f"    {shipped_line('home.html', LEDE)} |     {{% if page %}}\n"
        "    hint: add '{% endif %}' where the block should end (Jinja reached line ",
        id="unclosed-if-at-its-line",
    ),
    pytest.param(  # every page extends base.html: still one error, not one per page (issue 21)
        templates("base.html", CONTENT_BLOCK, "{% if site.title %}" + CONTENT_BLOCK),
        f"templates/base.html:{shipped_line('base.html', CONTENT_BLOCK)}: template syntax error: the '{{% if %}}' block "
        "opened on this line is never closed\n",
        id="unclosed-if-in-base-template-is-one-error",
    ),
    pytest.param(  # a paragraph is one long line: the echo shows the broken link, not the first one (issue 21)
        article("See [the first](/articles/first/) " + "and more words " * 12 + "then [a gone page](/articles/gone/) "
                + "and the rest of the paragraph " * 6 + "\n"),
        "content/articles/bad.md:6: the link '/articles/gone/' leads to no page\n"
        "    6 | …re words and more words and more words and more words then [a gone page](/articles/gone/) "
        "and the rest of the paragraph and the rest of the paragraph and the re…\n",
        id="long-line-echo-shows-the-broken-link",
    ),
    pytest.param(
        article("Intro.\n\nSee [the background](/articles/first/#backgrund).\n"),
        "    hint: did you mean '#background'? (an anchor on that page)\n",
        id="dead-anchor-suggests-the-nearest",
    ),
    pytest.param(
        {"content/articles/bad.md": NEW_ARTICLE.format(title="t", date="2024-01-04").replace("draft: true\n", "")
         .replace("Write the article here", "Written here")},
        "content/articles/bad.md:3: the summary is still the placeholder that 'build.py new' wrote\n",
        id="placeholder-summary-published",
    ),
    pytest.param(
        {"content/articles/bad.md": NEW_ARTICLE.format(title="t", date="2024-01-04").replace("draft: true\n", "")
         .replace("summary: One or two", "summary: Two")},
        "content/articles/bad.md:7: the article still has the placeholder text that 'build.py new' wrote\n"
        "    7 | Write the article here, in Markdown, and cite the source of every fact by its id in\n"
        "    hint: replace it with the article, or put back 'draft: true' until the article is ready\n",
        id="placeholder-body-published",
    ),
    pytest.param(
        {"content/articles/bad.md": ARTICLE + "x" * 12_000_000 + "\n"},
        "content/articles/bad.md: the file is 12.0 MB, more than the 5 MB a content file may be",
        id="twelve-megabyte-article",
    ),
    pytest.param(
        {"content/data/tabbed.yaml": "description: d\nrows:\n\t- a: 1\n"},
        "content/data/tabbed.yaml:3: YAML syntax error: this line has a tab character; YAML allows only spaces",
        id="a-tab-in-yaml-says-tab",
    ),
    pytest.param(
        {"content/articles/first.md": '---\ntitle: "First article\nsummary: s\ndate: 2024-01-02\n---\nText.\n',
         "content/site.ru.yaml": "title: Т\ndescription: С.\n",
         "content/articles/first.ru.md": "---\ntitle: т\nsummary: с\ndate: 2024-01-02\ntranslated_from: 2024-01-02\n---\nТекст.\n"},
        "content/articles/first.md:2: YAML syntax error",  # and nothing about its translation (one error)
        id="a-broken-original-is-not-also-a-missing-original",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: [unclosed\nsummary: s\ndate: 2024-01-04\n---\n"},
        "content/articles/bad.md:2: YAML syntax error: ",  # the rest is PyYAML's (or libyaml's) wording
        id="front-matter-yaml-syntax",
    ),
    pytest.param(
        {"content/articles/bad.md": '---\ntitle: "unclosed\nsummary: s\ndate: 2024-01-04\n---\n'},
        "content/articles/bad.md:2: YAML syntax error: ",
        id="front-matter-unclosed-quote",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: t\nsummary s\ndate: 2024-01-04\n---\n"},
        "content/articles/bad.md:3: YAML syntax error: a line is missing ':' between a key and its value",
        id="front-matter-missing-colon",
    ),
    pytest.param(
        {"content/data/numbers.yaml": 'rows:\n  - year: "2023"\n   value: 1\n'},
        "content/data/numbers.yaml:3: YAML syntax error: ",
        id="data-yaml-syntax",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: t\nsummary: s\ndate: 2024-01-04\n\nNo closing line.\n"},
        "content/articles/bad.md:1: the front matter is not closed",
        id="front-matter-not-closed",
    ),
    pytest.param(
        {"content/articles/bad.md": "# A heading first\n\n---\ntitle: t\n---\n"},
        "content/articles/bad.md:1: the file must start with front matter: a line '---', the fields, then '---'",
        id="no-front-matter",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\n- title\n- summary\n---\n"},
        "content/articles/bad.md:2: the front matter must be fields like 'title: ...', found a list",
        id="front-matter-is-a-list",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\nsummary: s\ndate: 2024-01-04\n---\n"},
        "content/articles/bad.md:2: the front matter is missing the required field 'title'",
        id="missing-title",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: t\ndate: 2024-01-04\n---\n"},
        "content/articles/bad.md:2: the front matter is missing the required field 'summary'",
        id="missing-summary",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: t\nsummary: s\n---\n"},
        "content/articles/bad.md:2: the front matter is missing the required field 'date'",
        id="missing-date",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle:\nsummary: s\ndate: 2024-01-04\n---\n"},
        "content/articles/bad.md:2: the required front matter field 'title' is empty",
        id="empty-title",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: t\ntitel: t\nsummary: s\ndate: 2024-01-04\n---\n"},
        "content/articles/bad.md:3: unknown front matter field 'titel'\n"
        "    3 | titel: t\n"
        "    hint: did you mean 'title'?",
        id="unknown-key-did-you-mean",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: t\nsummary: s\ndate: 2024-02-30\n---\n"},
        "content/articles/bad.md:4: 'date' is not a real date: '2024-02-30'",
        id="impossible-date",
    ),
    pytest.param(
        {"content/articles/bad.md": b"---\ntitle: t\nsummary: Caf\xe9 in Latin-1\ndate: 2024-01-04\n---\n"},
        "content/articles/bad.md:3: the file is not valid UTF-8 (byte 0xe9)",
        id="not-utf-8",
    ),
    pytest.param(
        {"content/articles/bad.md": ""},
        "content/articles/bad.md:1: the file is empty",
        id="empty-file",
    ),
    pytest.param(
        {"content/data/numbers.yaml": "\n  \n"},
        "content/data/numbers.yaml:1: the file is empty",
        id="empty-data-file",
    ),
    pytest.param(
        chart("data: numbers\nkind bar\nx: year\ny: value\ndescription: d\n"),
        "content/articles/bad.md:8: YAML syntax error: a line is missing ':' between a key and its value",
        id="chart-yaml-syntax",
    ),
    pytest.param(
        chart("data: numbrs\nkind: bar\nx: year\ny: value\ndescription: d\n"),
        "content/articles/bad.md:7: there is no dataset 'numbrs'\n"
        "    7 | data: numbrs\n"
        "    hint: did you mean 'numbers'? (datasets in content/data/: numbers)",
        id="chart-unknown-dataset",
    ),
    pytest.param(
        chart("data: nothing-like-it\nkind: bar\nx: year\ny: value\ndescription: d\n"),
        "content/articles/bad.md:7: there is no dataset 'nothing-like-it'\n"
        "    7 | data: nothing-like-it\n"
        "    hint: datasets in content/data/: numbers",
        id="chart-unknown-dataset-lists-datasets",
    ),
    pytest.param(
        chart("data: numbers\nkind: bar\nx: year\ny: amount\ndescription: d\n"),
        "content/articles/bad.md:10: the dataset 'numbers' has no column 'amount'\n"
        "    10 | y: amount\n"
        "    hint: columns: year, value",
        id="chart-unknown-column",
    ),
    pytest.param(
        chart("data: numbers\nkind: bar\nx: year\ny: value\n"),
        "content/articles/bad.md:7: the chart is missing the required field 'description'",
        id="chart-missing-description",
    ),
    pytest.param(
        chart("data: numbers\nkind: bar\nx: year\ny: value\ndescription:\n"),
        "content/articles/bad.md:11: the required chart field 'description' is empty",
        id="chart-empty-description",
    ),
    pytest.param(
        chart("data: numbers\nkind: pie\nx: year\ny: value\ndescription: d\n"),
        "content/articles/bad.md:8: unknown chart kind 'pie'\n"
        "    8 | kind: pie\n"
        "    hint: expected one of: area, bar, line, point",
        id="chart-unknown-kind",
    ),
    pytest.param(
        article("See [the missing page](/articles/missing/).\n"),
        "content/articles/bad.md:6: the link '/articles/missing/' leads to no page",
        id="dead-link",
    ),
    pytest.param(
        article("Intro.\n\nSee [the background](/articles/first/#backgrund).\n"),
        "content/articles/bad.md:8: the link '/articles/first/#backgrund' names an anchor '#backgrund' that does not exist on that page",
        id="dead-anchor",
    ),
    pytest.param(
        {"content/site.yaml": "title: Test briefing\ndescription: d\nnavigation:\n  - title: Gone\n    url: /articles/gone/\n"},
        "content/site.yaml:5: the link '/articles/gone/' leads to no page",  # once, though every page has it
        id="dead-link-in-navigation",
    ),
    pytest.param(
        article("Jump to [a heading](#no-such-heading).\n"),
        "content/articles/bad.md:6: the link '#no-such-heading' names an anchor '#no-such-heading' that does not exist on that page",
        id="dead-anchor-same-page",
    ),
    pytest.param(  # a drawing's links are read too (issue 28): a chart's mark once led to vega.github.io
        article('<svg viewBox="0 0 9 9"><a xlink:href="https://example.org/#event-1"><rect width="9" height="9"/></a></svg>\n'),
        "content/articles/bad.md:6: the link 'https://example.org/#event-1' in a drawing (an inline SVG, such as a chart) "
        "leads to another site",
        id="svg-link-to-another-site",
    ),
    pytest.param(  # every mark of a chart linking away is one error, not one per mark
        article('<svg viewBox="0 0 9 9"><a xlink:href="https://example.org/#event-1"><rect width="4" height="9"/></a>'
                '<a xlink:href="https://example.org/#event-2"><rect x="5" width="4" height="9"/></a></svg>\n'),
        "content/articles/bad.md:6: the link 'https://example.org/#event-1' and 1 other link in a drawing "
        "(an inline SVG, such as a chart) lead to another site",
        id="svg-links-to-another-site",
    ),
    pytest.param(
        article('<svg viewBox="0 0 9 9"><a href="/articles/missing/"><rect width="9" height="9"/></a></svg>\n'),
        "content/articles/bad.md:6: the link '/articles/missing/' leads to no page",
        id="svg-dead-link",
    ),
    pytest.param(
        article('<svg viewBox="0 0 9 9"><a xlink:href="#event-9"><rect width="9" height="9"/></a></svg>\n'),
        "content/articles/bad.md:6: the link '#event-9' names an anchor '#event-9' that does not exist on that page",
        id="svg-dead-anchor",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: !!python/object/apply:os.system ['echo unsafe']\nsummary: s\ndate: 2024-01-04\n---\n"},
        "content/articles/bad.md:2: the YAML tag '!!python/object/apply:os.system' is not allowed here; write plain values only",
        id="python-tag-in-front-matter",
    ),
    pytest.param(
        {"content/data/numbers.yaml": "rows:\n  - year: !!python/object/apply:os.system ['echo unsafe']\n"},
        "content/data/numbers.yaml:2: the YAML tag '!!python/object/apply:os.system' is not allowed here; write plain values only",
        id="python-tag-in-data",
    ),
    pytest.param(
        article("Text.\n\n<script>alert(1)</script>\n"),
        "content/articles/bad.md:8: a <script> element is not allowed in content",
        id="script-element",
    ),
    pytest.param(
        article('<p onclick="steal()">Click</p>\n'),
        "content/articles/bad.md:6: the event attribute 'onclick=' is not allowed in content",
        id="onclick-attribute",
    ),
    pytest.param(
        article("[Click](javascript:alert(1))\n"),
        "content/articles/bad.md:6: a 'javascript:' link is not allowed in content",
        id="javascript-markdown-link",
    ),
    pytest.param(
        article('<a href=" JavaScript:alert(1)">Click</a>\n'),
        "content/articles/bad.md:6: a 'javascript:' URL in 'href=' is not allowed in content",
        id="javascript-html-link",
    ),
    pytest.param(
        article("[Click][x]\n\n[x]: javascript:alert(1)\n"),
        "content/articles/bad.md:8: a 'javascript:' link is not allowed in content",
        id="javascript-reference-link",
    ),
    pytest.param(
        article("[Click](&#106;avascript:alert(1))\n"),
        "content/articles/bad.md:6: a 'javascript:' link is not allowed in content",
        id="javascript-behind-character-reference",
    ),
    pytest.param(
        {"content/site.yaml": "title: Test briefing\ndescription: A small site.\nlangauge: en\n"},
        "content/site.yaml:3: unknown site field 'langauge'\n"
        "    3 | langauge: en\n"
        "    hint: did you mean 'language'?",
        id="site-config-unknown-key",
    ),
    pytest.param(
        {"content/site.yaml": "title: Test briefing\ndescription: d\nbase_url: example.org/briefing/\n"},
        "content/site.yaml:3: 'base_url' must be a full URL or a path from the root, found 'example.org/briefing/'",
        id="site-config-base-url-without-scheme",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: t\ntitle: u\nsummary: s\ndate: 2024-01-04\n---\n"},
        "content/articles/bad.md:3: YAML syntax error: the key 'title' appears twice",
        id="duplicate-key",
    ),
]


@pytest.mark.parametrize(("files", "expected"), BAD_INPUT)
def test_bad_input_is_reported_and_previous_site_survives(assert_fails_cleanly, files, expected):
    assert_fails_cleanly(files, expected)


def test_error_output_is_exactly_path_line_message_source_hint_and_count(built_site, make_site, build, capsys):
    make_site({"content/articles/bad.md": "---\ntitel: Bad article\ntitle: Bad article\nsummary: s\ndate: 2024-01-04\n---\n"}, base=False)

    code = build(built_site)

    err = capsys.readouterr().err
    assert code == 1, err
    assert err == (
        "content/articles/bad.md:2: unknown front matter field 'titel'\n"
        "    2 | titel: Bad article\n"
        "    hint: did you mean 'title'?\n"
        "1 error; nothing was written.\n"
    )


def test_all_errors_of_a_build_are_reported_together_with_a_count(built_site, make_site, build, capsys):
    make_site(
        {
            "content/articles/first.md": "---\ntitle: First article\nsummary: The first article.\ndate: 2024-13-01\n---\n",
            "content/articles/second.md": "No front matter here.\n",
        },
        base=False,
    )

    code = build(built_site)

    err = capsys.readouterr().err
    assert code == 1, err
    assert err == (
        "content/articles/first.md:4: 'date' is not a real date: '2024-13-01'\n"
        "    4 | date: 2024-13-01\n"
        "    hint: write the date as YYYY-MM-DD, for example 2024-04-30\n"
        "content/articles/second.md:1: the file must start with front matter: a line '---', the fields, then '---'\n"
        "    1 | No front matter here.\n"
        "2 errors; nothing was written.\n"
    )


def test_broken_data_file_is_the_only_error_not_every_chart_using_it(make_site, build, capsys, chart_block):
    root = make_site({
        "content/articles/second.md": ARTICLE + chart_block,
        "content/data/numbers.yaml": "rows:\n  - year: 2023\n    value: [1\n",
    })

    code = build(root)

    err = capsys.readouterr().err
    assert code == 1, err
    lines = err.splitlines()
    assert lines[0].startswith("content/data/numbers.yaml:3: YAML syntax error: "), err
    assert lines[1:] == ["    3 |     value: [1", "1 error; nothing was written."], err


def test_yaml_tags_are_never_executed(make_site, tmp_path, capsys):
    marker = tmp_path / "executed"
    tag = f"!!python/object/apply:os.system ['touch {marker}']"
    root = make_site({
        "content/articles/second.md": f"---\ntitle: {tag}\nsummary: s\ndate: 2024-01-03\n---\n",
        "content/data/numbers.yaml": f"rows:\n  - year: {tag}\n",
    })

    code = main(["check", "--content", str(root / "content")])

    err = capsys.readouterr().err
    assert code == 1, err
    assert "content/articles/second.md:2: the YAML tag '!!python/object/apply:os.system' is not allowed here" in err
    assert "content/data/numbers.yaml:2: the YAML tag '!!python/object/apply:os.system' is not allowed here" in err
    assert not marker.exists(), "loading YAML ran a shell command"


def test_template_mistake_names_the_template_and_line(make_site, build, capsys):
    root = make_site()
    shutil.copytree(PACKAGE_ROOT / "templates", root / "templates")
    article_html = root / "templates" / "article.html"
    lines = article_html.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, start=1) if "{{ page.title }}</h1>" in line)
    lines[number - 1] = lines[number - 1].replace("page.title", "page.titel")
    article_html.write_text("\n".join(lines), encoding="utf-8")

    code = build(root)

    err = capsys.readouterr().err
    assert code == 1, err
    assert f"templates/article.html:{number}: template error: " in err, err
    assert "titel" in err, err
    assert "Traceback" not in err, err
    assert not (root / "_site").exists()


def test_a_failed_build_keeps_the_warnings_found_before_it_stopped(make_site):
    root = make_site({"content/articles/third.markdown": ARTICLE + "Text.\n", **article("See [it](/articles/gone/).\n")})

    with pytest.raises(BuildFailed) as failure:
        check_site(Project.from_content_dir(root / "content"), BuildOptions())

    assert [(e.path, e.line) for e in failure.value.errors] == [("content/articles/bad.md", 6)], failure.value.errors
    assert [w.path for w in failure.value.warnings] == ["content/articles/third.markdown"], failure.value.warnings


@pytest.mark.parametrize(("summary", "expected"), [
    ("[unclosed", "3: YAML syntax error: a list in [ ] is not closed with ']', or a comma is missing between its items"),
    ("a: b", "3: YAML syntax error: a value holds ': ' (a colon and a space): put the whole value in quotes"),
    ("@handle", "3: YAML syntax error: a value starts with a character YAML reserves (such as @ or `): put the whole value in quotes"),
    ('"a \\q"', "3: YAML syntax error: a backslash in double quotes starts an unknown escape: write \\\\ or use single quotes"),
])
def test_common_yaml_mistakes_are_said_in_our_words(make_site, build, capsys, summary, expected):
    root = make_site({"content/articles/bad.md": ARTICLE.replace("An article with one mistake.", summary)})

    assert build(root) == 1
    assert f"content/articles/bad.md:{expected}" in capsys.readouterr().err


def test_warnings_are_printed_before_the_errors_that_stopped_the_build(make_site, build, capsys):
    root = make_site({"content/articles/third.markdown": ARTICLE + "Text.\n",
                      "content/articles/bad.md": ARTICLE.replace("title:", "titel:")})

    code = build(root)

    err = capsys.readouterr().err
    assert code == 1, err
    warning = err.index("content/articles/third.markdown: warning: 'third.markdown' is ignored")
    error = err.index("content/articles/bad.md:2: unknown front matter field 'titel'")
    assert warning < error < err.index("1 error; nothing was written."), err


# Legal but surely unintended (issue 21): the build succeeds and says so, naming the file.
RU_SITE = {"content/site.ru.yaml": "title: Т\ndescription: С.\n"}
RU_SECOND = "---\ntitle: Вторая\nsummary: Вторая статья.\ndate: 2024-01-03\ntranslated_from: 2024-01-03\n---\n## Подробности\n"
WORDS_DATA = ("description: Exchanges.\nsources: [test-report]\ncolumns:\n  name: category\n  share: number\n"
              "rows:\n  - name: Binance\n    share: 1\n")
LIKELY_MISTAKES = [
    pytest.param(
        {"content/articles/third.markdown": ARTICLE + "Text.\n"},
        "content/articles/third.markdown: warning: 'third.markdown' is ignored: only files ending in .md are articles\n"
        "    hint: rename it to 'third.md'\n",
        id="markdown-suffix-is-ignored",
    ),
    pytest.param(
        {**RU_SITE, "content/data/exchanges.yaml": WORDS_DATA},
        "content/data/exchanges.yaml: warning: the Russian edition has no translation of this data file, "
        "so its charts and tables show the English labels\n"
        "    hint: copy it to content/data/exchanges.ru.yaml and translate the words; keep the numbers\n",
        id="missing-russian-data-twin",
    ),
    pytest.param(
        {**RU_SITE, "content/articles/second.ru.md": RU_SECOND,
         "content/articles/first.ru.md": RU_SECOND.replace("Вторая", "Первая") + "См. [вторую](/articles/second/#details).\n"},
        "content/articles/first.ru.md:8: warning: the link '/articles/second/#details' leads to the English page, "
        "though the Russian edition has its own\n"
        "    8 | См. [вторую](/articles/second/#details).\n"
        "    hint: link to '/ru/articles/second/' instead (its headings have their own anchors)\n",
        id="russian-article-links-to-english-page",
    ),
]


@pytest.mark.parametrize(("files", "expected"), LIKELY_MISTAKES)
def test_likely_mistakes_are_warnings_and_the_site_builds(make_site, build, capsys, files, expected):
    root = make_site(files)

    code = build(root)

    err = capsys.readouterr().err
    assert code == 0, err
    assert expected in err, err
    assert "Traceback" not in err, err


def test_a_huge_static_file_is_an_error_with_its_size_and_the_limit(make_site, build, capsys):
    root = make_site()
    shutil.copytree(PACKAGE_ROOT / "static", root / "static")
    with open(root / "static/video.mp4", "wb") as stream:
        stream.truncate(200_000_000)  # sparse: 200 MB to stat, nothing on disk

    code = build(root)

    err = capsys.readouterr().err
    assert code == 1, err
    assert err == (
        "static/video.mp4: the file is 200.0 MB, more than the 20 MB a static file may be\n"
        "    hint: make it smaller, or publish it elsewhere (e.g. as a release download) and link to it\n"
        "1 error; nothing was written.\n"
    ), err
