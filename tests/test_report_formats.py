"""`check --format github` and `check --format json`: the problems of a real site, for CI and other tools (issue 21, item 2)."""

from __future__ import annotations

import json

import pytest

from sitegen.commands.cli import main
from sitegen.commands.report_formats import escape_data, escape_property

# Two mistakes in one article: an unknown field (with a did-you-mean hint) and a date that does not exist.
TWO_ERRORS = {"content/articles/bad.md": "---\ntitle: t\ntitel: t\nsummary: s\ndate: 2024-13-01\n---\n"}
# A figure without a citation, with a '%' the annotation must escape: a warning, not an error.
ONE_WARNING = {"content/articles/third.md": "---\ntitle: t\nsummary: s\ndate: 2024-01-04\n---\nIn 2023, 40% of users left.\n"}


def check(root, *options: str) -> int:
    return main(["check", "--content", str(root / "content"), *options])


def test_github_format_prints_one_annotation_per_error_and_the_totals(make_site, capsys):
    root = make_site(TWO_ERRORS)

    code = check(root, "--format", "github")

    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert out == (
        "::error file=content/articles/bad.md,line=3,title=build.py check::unknown front matter field 'titel'"
        "%0Ahint: did you mean 'title'?\n"
        "::error file=content/articles/bad.md,line=5,title=build.py check::'date' is not a real date: '2024-13-01'"
        "%0Ahint: write the date as YYYY-MM-DD, for example 2024-04-30\n"
        "check: 2 errors, 0 warnings\n"
    ), out
    assert err == "", err


def test_github_format_prints_warnings_and_exits_0(make_site, capsys):
    root = make_site(ONE_WARNING)

    code = check(root, "--format", "github")

    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert out == (
        "::warning file=content/articles/third.md,line=6,title=build.py check::uncited figure: this states a figure "
        "or a date without citing a source%0Ahint: cite the source of the figure or date, e.g. [@test-report]; "
        "the ids are in content/sources.yaml\n"
        "check: 0 errors, 1 warning\n"
    ), out


def test_json_format_lists_path_line_severity_message_and_hint(make_site, capsys):
    root = make_site(TWO_ERRORS)

    code = check(root, "--format", "json")

    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert json.loads(out) == {
        "problems": [
            {"path": "content/articles/bad.md", "line": 3, "severity": "error",
             "message": "unknown front matter field 'titel'", "hint": "did you mean 'title'?"},
            {"path": "content/articles/bad.md", "line": 5, "severity": "error",
             "message": "'date' is not a real date: '2024-13-01'", "hint": "write the date as YYYY-MM-DD, for example 2024-04-30"},
        ],
        "errors": 2,
        "warnings": 0,
    }


def test_json_format_of_a_site_with_only_warnings(make_site, capsys):
    root = make_site(ONE_WARNING)

    code = check(root, "--format", "json")

    out, err = capsys.readouterr()
    assert code == 0, out + err
    document = json.loads(out)
    assert (document["errors"], document["warnings"]) == (0, 1), out
    assert document["problems"][0]["severity"] == "warning"
    assert document["problems"][0]["message"].startswith("uncited figure: "), out


def test_a_clean_site_in_github_format_is_only_the_totals(make_site, capsys):
    root = make_site()

    assert check(root, "--format", "github") == 0
    assert capsys.readouterr().out == "check: 0 errors, 0 warnings\n"


def test_the_default_text_output_is_unchanged(make_site, capsys):
    root = make_site(TWO_ERRORS)

    code = check(root)

    out, err = capsys.readouterr()
    assert code == 1, err
    assert out == ""
    assert err.startswith("content/articles/bad.md:3: unknown front matter field 'titel'\n    3 | titel: t\n"), err
    assert err.endswith("\n2 errors; nothing was written.\n"), err


@pytest.mark.parametrize(("text", "data", "prop"), [
    ("50% done", "50%25 done", "50%25 done"),
    ("line one\r\nline two", "line one%0D%0Aline two", "line one%0D%0Aline two"),
    ("a:b, c", "a:b, c", "a%3Ab%2C c"),
    ("%0A is literal", "%250A is literal", "%250A is literal"),
])
def test_escaping_follows_githubs_toolkit(text, data, prop):
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_an_unknown_format_is_a_misused_command_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--format", "xml"])

    assert exit_info.value.code == 2, capsys.readouterr().err
