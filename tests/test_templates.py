"""Templates: the Jinja environment's rules through a dictionary loader, and the shipped
templates with data an editor may legitimately leave out."""

from __future__ import annotations

import datetime as dt

import jinja2
import pytest

from sitegen.errors import SiteError
from sitegen.rendering.charts import Dataset
from sitegen.rendering.templating import DataAccess, Renderer, format_long_date


@pytest.fixture
def renderer(tmp_path):
    """Return a Renderer whose templates come from a dictionary, set per test."""

    def make(templates: dict[str, str]) -> Renderer:
        made = Renderer(tmp_path)
        made.env.loader = jinja2.DictLoader(templates)
        return made

    return make


def test_values_are_escaped(renderer):
    html = renderer({"page.html": "<h1>{{ title }}</h1>"}).render("page.html", {"title": "<script>x()</script> & co"})

    assert html == "<h1>&lt;script&gt;x()&lt;/script&gt; &amp; co</h1>"


def test_an_undefined_name_is_an_error_naming_the_template_and_line(renderer):
    with pytest.raises(SiteError) as error:
        renderer({"page.html": "<h1>{{ title }}</h1>\n<p>{{ summry }}</p>\n"}).render("page.html", {"title": "T"})

    assert (error.value.path, error.value.message) == ("templates/page.html", "template error: 'summry' is undefined")


def test_a_syntax_error_names_the_template_and_line(renderer):
    with pytest.raises(SiteError) as error:
        renderer({"page.html": "<h1>{{ title }}</h1>\n{% if title %}\n"}).render("page.html", {"title": "T"})

    assert error.value.path == "templates/page.html"
    assert error.value.line == 2
    assert error.value.message.startswith("template syntax error: "), error.value.message


@pytest.mark.parametrize(("source", "line", "tag"), [
    ("{% block b %}\n{% if a %}\n{% for x in y %}{% endfor %}\n{% endblock %}\n", 2, "if"),
    ("{% for x in y %}\n{% if x %}\n{% endfor %}\n", 2, "if"),
    ("{% set s = 1 %}{% set t %}text\n{% if s %}{% endif %}\n", 1, "set"),
    ("{% with a = 1 %}\n{% if a %}{% endif %}\n", 1, "with"),
], ids=["before-endblock", "inside-for", "set-block", "with"])
def test_an_unclosed_block_is_reported_at_its_opening_tag(renderer, source, line, tag):
    made = renderer({"page.html": source})

    errors = made.check_syntax()

    assert [(e.path, e.line) for e in errors] == [("templates/page.html", line)], errors
    assert errors[0].message == f"template syntax error: the '{{% {tag} %}}' block opened on this line is never closed"
    assert errors[0].hint.startswith(f"add '{{% end{tag} %}}' where the block should end"), errors[0].hint


def test_an_end_tag_closing_nothing_is_reported_where_it_is(renderer):
    errors = renderer({"page.html": "<p>\n{% endif %}\n"}).check_syntax()

    assert [(e.line, e.message.startswith("template syntax error: Encountered unknown tag 'endif'")) for e in errors] == [(2, True)]


def test_a_key_no_row_has_is_the_templates_mistake_naming_the_data_file(renderer):
    rows = ({"year": "2023", "value": 1}, {"year": "2024", "value": 2})
    data = DataAccess({"numbers": Dataset("numbers", "content/data/numbers.yaml", ("year", "value"), rows)})
    made = renderer({"page.html": '<ul>\n{% for row in data["numbers"].rows %}<li>{{ row.valeu }}</li>{% endfor %}\n</ul>\n'})

    with pytest.raises(SiteError) as error:
        made.render("page.html", {"data": data})

    assert (error.value.path, error.value.message, error.value.hint) == (
        "templates/page.html", "template error: no row of the data file 'numbers' has the key 'valeu'", "did you mean 'value'?")


def test_url_filter_prefixes_root_relative_paths_with_the_base_path(renderer):
    made = renderer({"page.html": "{{ '/articles/a/' | url }} {{ 'https://example.org/' | url }} {{ '#top' | url }}"})
    made.base_path = "/sub/"

    assert made.render("page.html", {}) == "/sub/articles/a/ https://example.org/ #top"


@pytest.mark.parametrize(("day", "text"), [(dt.date(2024, 3, 5), "5 March 2024"), (dt.date(2023, 12, 31), "31 December 2023")])
def test_long_date_is_day_month_year(day, text):
    assert format_long_date(day) == text


def test_a_key_figure_without_a_link_is_shown_unlinked(make_site, build, capsys):
    root = make_site({"content/data/key_figures.yaml": "rows:\n  - value: '43%'\n    label: fewer visits\n"})

    code = build(root)

    assert code == 0, capsys.readouterr().err
    assert "fewer visits" in (root / "_site/index.html").read_text(encoding="utf-8")


def test_a_timeline_event_without_a_track_is_shown(make_site, build, capsys):
    root = make_site({
        "content/data/timeline.yaml": "rows:\n  - date: 2023\n    event: Exit announced\n",
        "content/articles/events.md": "---\ntitle: Timeline\nsummary: s\ndate: 2024-01-01\nlayout: timeline\n---\nEvents.\n",
    })

    code = build(root)

    assert code == 0, capsys.readouterr().err
    assert "Exit announced" in (root / "_site/articles/events/index.html").read_text(encoding="utf-8")
