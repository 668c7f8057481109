"""Citations: `[@id]` names a source of content/sources.yaml; each page numbers its sources in reading
order, links each note to its Sources entry and back, in feeds and in every edition too; /sources/
lists every source by kind with the pages citing it; `check` warns about uncited figures and stale or
unused sources; and every mistake in the registry or a citation names its file and line."""

from __future__ import annotations

import datetime as dt
import re
from xml.etree import ElementTree as ET

import pytest

from sitegen.commands.cli import main

TODAY = dt.date.today()
ATOM = {"a": "http://www.w3.org/2005/Atom"}
ARTICLE = "---\ntitle: Bad article\nsummary: An article with one mistake.\ndate: 2024-01-04\n---\n"
# BASE_SITE's one source, lines 1-8 of content/sources.yaml.
FIRST_SOURCE = (
    "- id: test-report\n"
    "  outlet: The Test Times\n"
    "  title: A report for the tests\n"
    "  url: https://example.org/report\n"
    "  published: 2024-01-01\n"
    "  language: en\n"
    "  kind: news\n"
    f"  accessed: {TODAY.isoformat()}\n"
)
# A second source after it: id on line 9, outlet 10, title 11, url 12, published 13, language 14,
# kind 15, accessed 16; anything added after it starts on line 17.
SECOND_SOURCE = (
    "- id: other-report\n"
    "  outlet: The Other Times\n"
    "  title: Another report\n"
    "  url: https://example.org/other\n"
    "  published: 2023-09\n"
    "  language: en\n"
    "  kind: news\n"
    f"  accessed: {TODAY.isoformat()}\n"
)
RUSSIAN_SITE = {"content/site.ru.yaml": "title: Тестовый обзор\ndescription: Сайт для тестов.\n"}


def article(body: str, name: str = "bad") -> dict[str, str]:
    """Return files adding content/articles/<name>.md: valid front matter, then body from line 6."""
    return {f"content/articles/{name}.md": ARTICLE + body}


def registry(*changes: tuple[str, str], added: str = "") -> dict[str, str]:
    """Return a content/sources.yaml of the base source and SECOND_SOURCE, each (old, new) replaced in
    the second, then `added` (further fields or sources) from line 17."""
    second = SECOND_SOURCE
    for old, new in changes:
        assert old in second, old
        second = second.replace(old, new)
    return {"content/sources.yaml": FIRST_SOURCE + second + added}


def source(source_id: str, outlet: str, title: str, *, published: str = "2024-01-01", language: str = "en",
           kind: str = "news", accessed: dt.date = TODAY, more: str = "") -> str:
    """Return one valid sources.yaml entry."""
    return (f"- id: {source_id}\n  outlet: {outlet}\n  title: {title}\n  url: https://example.org/{source_id}\n"
            f"  published: {published}\n  language: {language}\n  kind: {kind}\n  accessed: {accessed.isoformat()}\n{more}")


BAD_INPUT = [
    pytest.param(
        article("A claim [@test-reprot].\n"),
        "content/articles/bad.md:6: there is no source 'test-reprot' in content/sources.yaml\n"
        "    6 | A claim [@test-reprot].\n"
        "    hint: did you mean 'test-report'?",
        id="unknown-id-did-you-mean",
    ),
    pytest.param(
        article("Intro.\n\nTwo claims [@test-report; @nothing-like-it].\n"),
        "content/articles/bad.md:8: there is no source 'nothing-like-it' in content/sources.yaml\n"
        "    8 | Two claims [@test-report; @nothing-like-it].\n"
        "    hint: add the source to content/sources.yaml first, or copy its id from there",
        id="unknown-id-among-several",
    ),
    pytest.param(
        article("A claim [@ test-report].\n"),
        "content/articles/bad.md:6: '[@ test-report]' is not a citation\n"
        "    6 | A claim [@ test-report].\n"
        "    hint: write [@id] for one source and [@id; @other] for several, with ids from content/sources.yaml",
        id="citation-with-space",
    ),
    pytest.param(
        article("A claim [@test-report, @other].\n"),
        "content/articles/bad.md:6: '[@test-report, @other]' is not a citation",
        id="citation-with-comma",
    ),
    pytest.param(
        article("A claim [@Test-Report].\n"),
        "content/articles/bad.md:6: '[@Test-Report]' is not a citation",
        id="citation-in-capitals",
    ),
    pytest.param(
        article("A claim [@test-report and no bracket.\n"),
        "content/articles/bad.md:6: '[@test-report and no bracket.' is not a citation",
        id="citation-not-closed",
    ),
    pytest.param(
        registry(("id: other-report", "id: test-report")),
        "content/sources.yaml:9: the source id 'test-report' is used twice\n"
        "    9 | - id: test-report\n"
        "    hint: the first is on line 1; give each source its own id",
        id="duplicate-id",
    ),
    pytest.param(
        registry(("id: other-report", "id: Other_Report")),
        "content/sources.yaml:9: the source id 'Other_Report' may hold only lowercase letters, digits, '-' and '.'",
        id="id-with-capitals",
    ),
    pytest.param(
        registry(("url: https://example.org/other", "url: example.org/other")),
        "content/sources.yaml:12: 'url' is not a web address: 'example.org/other'\n"
        "    12 |   url: example.org/other\n"
        "    hint: write the whole address, starting with https://, without spaces",
        id="url-without-scheme",
    ),
    pytest.param(
        registry(("url: https://example.org/other", "url: https://example.org/other report")),
        "content/sources.yaml:12: 'url' is not a web address: 'https://example.org/other report'",
        id="url-with-space",
    ),
    pytest.param(
        registry(added="  archive_url: web.archive.org/other\n"),
        "content/sources.yaml:17: 'archive_url' is not a web address: 'web.archive.org/other'",
        id="archive-url-without-scheme",
    ),
    pytest.param(
        registry(("published: 2023-09", "published: 2023-13")),
        "content/sources.yaml:13: 'published' is not a date: '2023-13'\n"
        "    13 |   published: 2023-13\n"
        "    hint: write a day as YYYY-MM-DD, a month as YYYY-MM or a year as YYYY, e.g. 2023-09-27, 2023-09 or 2023",
        id="published-not-a-date",
    ),
    pytest.param(
        registry(("published: 2023-09", "published: September 2023")),
        "content/sources.yaml:13: 'published' is not a date: 'September 2023'",
        id="published-in-words",
    ),
    pytest.param(
        registry((f"accessed: {TODAY.isoformat()}", "accessed: 2024-02-30")),
        "content/sources.yaml:16: 'accessed' is not a real date: '2024-02-30'",
        id="accessed-not-a-real-date",
    ),
    pytest.param(
        registry(("published: 2023-09", f"published: {TODAY.year + 1}")),
        f"content/sources.yaml:13: 'published' is in the future: {TODAY.year + 1}\n"
        f"    13 |   published: {TODAY.year + 1}\n"
        "    hint: a source cannot be published after today; check the year",
        id="published-in-the-future",
    ),
    pytest.param(
        registry((f"accessed: {TODAY.isoformat()}", f"accessed: {(TODAY + dt.timedelta(days=1)).isoformat()}")),
        f"content/sources.yaml:16: 'accessed' is in the future: {(TODAY + dt.timedelta(days=1)).isoformat()}",
        id="accessed-in-the-future",
    ),
    pytest.param(
        registry(("kind: news", "kind: newz")),
        "content/sources.yaml:15: unknown kind 'newz'\n"
        "    15 |   kind: newz\n"
        "    hint: did you mean 'news'?",
        id="unknown-kind-did-you-mean",
    ),
    pytest.param(
        registry(("kind: news", "kind: state-media")),
        "content/sources.yaml:15: unknown kind 'state-media'\n"
        "    15 |   kind: state-media\n"
        "    hint: did you mean 'state media'?",
        id="unknown-kind-state-media-with-hyphen",
    ),
    pytest.param(
        registry(("language: en", "language: english")),
        "content/sources.yaml:14: 'language' must be a two-letter code such as en, ru or it, found 'english'",
        id="language-not-a-code",
    ),
    pytest.param(
        registry(("  accessed:", "  acessed:")),
        "content/sources.yaml:16: unknown source field 'acessed'\n"
        f"    16 |   acessed: {TODAY.isoformat()}\n"
        "    hint: did you mean 'accessed'?",
        id="unknown-field-did-you-mean",
    ),
    pytest.param(
        registry(("  outlet: The Other Times\n", "")),
        "content/sources.yaml:9: the source is missing the required field 'outlet'",
        id="missing-outlet",
    ),
    pytest.param(
        {**RUSSIAN_SITE, **registry(added="  note:\n    en: Only in English.\n")},
        "content/sources.yaml:18: the note has no 'ru' sentence\n"
        "    18 |     en: Only in English.\n"
        "    hint: every edition shows the note in its own language",
        id="note-missing-a-language",
    ),
    pytest.param(
        {"content/data/numbers.yaml": 'description: d\nsources: [test-reprot]\nrows:\n  - year: "2023"\n    value: 1\n'},
        "content/data/numbers.yaml:2: there is no source 'test-reprot' in content/sources.yaml\n"
        "    2 | sources: [test-reprot]\n"
        "    hint: did you mean 'test-report'?",
        id="data-file-unknown-source",
    ),
    pytest.param(
        {"content/data/numbers.yaml": 'rows:\n  - year: "2023"\n    value: 1\n    sources: [nothing-like-it]\n'},
        "content/data/numbers.yaml:4: there is no source 'nothing-like-it' in content/sources.yaml",
        id="data-row-unknown-source",
    ),
    pytest.param(
        {"content/articles/bad.md": "---\ntitle: t\nsummary: s\ndate: 2024-01-04\nsources: [test-report]\n---\n"},
        "content/articles/bad.md:5: the field 'sources' is no longer used\n"
        "    5 | sources: [test-report]\n"
        "    hint: cite sources in the text as [@id]; each article's Sources list is made from its citations (see EDITING.md)",
        id="retired-front-matter-sources",
    ),
    pytest.param(
        {"content/data/numbers.yaml": 'source: The Test Times\nrows:\n  - year: "2023"\n    value: 1\n'},
        "content/data/numbers.yaml:1: the field 'source' is no longer used",
        id="retired-data-source",
    ),
]


@pytest.mark.parametrize(("files", "expected"), BAD_INPUT)
def test_citation_and_registry_mistakes_are_reported_and_previous_site_survives(assert_fails_cleanly, files, expected):
    assert_fails_cleanly(files, expected)


# Rendering: the second article cites the Russian source three times and the base source twice.
RBC = source("rbc-exit", "РБК", "Binance уходит из России", published="2023-09", language="ru")
COPY = source("copy-site", "Crypto Copies", "A republished report", published="2023", kind="aggregator")
CITING = {
    "content/sources.yaml": FIRST_SOURCE + RBC + COPY,
    "content/articles/second.md": "---\ntitle: Second article\nsummary: s\ndate: 2024-01-03\n---\n## Details\n\n"
                                  "One [@rbc-exit]. Two [@test-report; @rbc-exit].\n\n"
                                  "Three [@rbc-exit] and [@copy-site]; again [@test-report].\n",
}


@pytest.fixture
def cited(make_site, build, capsys):
    """Return the output folder of the base site whose second article cites three sources."""
    root = make_site(CITING)
    assert build(root) == 0, capsys.readouterr().err
    return root / "_site"


def note(number: int, place: int) -> str:
    """Return one note reference as the text shows it."""
    return (f'<a href="#source-{number}" id="cite-{number}-{place}" role="doc-noteref" '
            f'aria-label="Source {number}">{number}</a>')


def endnote(html: str, number: int) -> str:
    """Return the Sources entry <li id="source-N"> of a page."""
    found = re.search(rf'<li id="source-{number}">.*?</li>', html, re.DOTALL)
    assert found, html
    return found.group(0)


def test_sources_are_numbered_in_reading_order_each_place_with_its_own_id(cited):
    html = (cited / "articles/second/index.html").read_text(encoding="utf-8")

    sup = '<sup class="noteref" data-pagefind-ignore>[{}]</sup>'
    assert f"One {sup.format(note(1, 1))}. Two {sup.format(note(2, 1) + ', ' + note(1, 2))}." in html, html
    assert f"Three {sup.format(note(1, 3))} and {sup.format(note(3, 1))}; again {sup.format(note(2, 2))}." in html, html
    assert re.findall(r'id="(cite-\d-\d)"', html) == ["cite-1-1", "cite-2-1", "cite-1-2", "cite-1-3", "cite-3-1", "cite-2-2"], html
    assert "data-cite" not in html, html


def test_endnotes_link_back_to_every_place_that_cites_a_source(cited):
    html = (cited / "articles/second/index.html").read_text(encoding="utf-8")

    endnotes = re.search(r'<section class="endnotes" role="doc-endnotes" aria-labelledby="endnotes-heading">.*?</section>',
                         html, re.DOTALL)
    assert endnotes, html
    assert re.findall(r'<li id="(source-\d)">', endnotes.group(0)) == ["source-1", "source-2", "source-3"], endnotes.group(0)
    backlinks = {n: re.findall(r'<a href="#(cite-[\d-]+)" role="doc-backlink"', endnote(html, n)) for n in (1, 2, 3)}
    assert backlinks == {1: ["cite-1-1", "cite-1-2", "cite-1-3"], 2: ["cite-2-1", "cite-2-2"], 3: ["cite-3-1"]}, backlinks
    assert '<span class="source-outlet">РБК</span>' in endnote(html, 1)


def test_endnote_gives_the_date_at_its_precision_the_title_in_its_language_and_the_aggregator_badge(cited):
    html = (cited / "articles/second/index.html").read_text(encoding="utf-8")

    rbc, copy = endnote(html, 1), endnote(html, 3)
    assert '<time datetime="2023-09">September 2023</time>' in rbc, rbc
    assert ('<a href="https://example.org/rbc-exit" class="source-title" hreflang="ru">'
            '<cite lang="ru">Binance уходит из России</cite></a>') in rbc, rbc
    assert '<span class="source-aside">[Russian]</span>' in rbc, rbc
    assert '<time datetime="2023">2023</time>' in copy, copy
    assert '<strong class="source-kind">Republished copy or user post</strong>' in copy, copy
    assert "source-kind" not in rbc, rbc


def test_feed_entry_carries_the_numbered_notes_and_its_sources(cited):
    entries = ET.parse(cited / "feed.xml").getroot().findall("a:entry", ATOM)
    content = next(e.find("a:content", ATOM).text for e in entries if e.find("a:id", ATOM).text.endswith("/articles/second/"))

    assert f'Two <sup class="noteref" data-pagefind-ignore>[{note(2, 1)}, {note(1, 2)}]</sup>' in content, content
    assert '<section class="endnotes" role="doc-endnotes"' in content, content
    assert re.findall(r'<li id="(source-\d)">', content) == ["source-1", "source-2", "source-3"], content
    assert '<cite lang="ru">Binance уходит из России</cite>' in content, content
    assert "data-cite" not in content, content


def test_page_without_citations_has_no_sources_list(make_site, build, capsys):
    root = make_site(article("No claims here.\n", name="plain"))

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/plain/index.html").read_text(encoding="utf-8")
    assert "endnotes" not in html and "noteref" not in html, html


@pytest.fixture
def checked(capsys):
    """Return a function running `build.py check` on a project root, returning its exit code and stderr."""

    def run(root) -> tuple[int, str]:
        code = main(["check", "--content", str(root / "content")])
        return code, capsys.readouterr().err

    return run


def test_base_site_checks_without_warnings(make_site, checked):
    code, err = checked(make_site())

    assert (code, err) == (0, ""), err


def test_uncited_figure_is_a_warning_with_its_line(make_site, checked):
    root = make_site(article("Intro.\n\nSales rose by 40 percent\nlast year.\n\n- In 2023 it left.\n- It said so [@test-report] in 2024.\n"
                             "\n| Year | Value |\n|---|---|\n| 2023 | 5 |\n"))

    code, err = checked(root)

    assert code == 0, err
    warning = "warning: uncited figure: this states a figure or a date without citing a source"
    assert f"content/articles/bad.md:8: {warning}\n    8 | Sales rose by 40 percent\n" in err, err
    assert f"content/articles/bad.md:11: {warning}" in err, err  # a list item
    assert f"content/articles/bad.md:16: {warning}" in err, err  # a table row, not its header
    assert err.count("uncited figure") == 3, err


def test_list_numbers_and_footnote_marks_are_not_figures(make_site, checked):
    """An ordered list's "1." and a footnote's "[^2]" count or point; they state nothing (issue 29)."""
    root = make_site(article("Two phases.\n\n1. The global phase.\n2. The local phase[^2].\n\n"
                             "[^2]: As the company described it.\n"))

    code, err = checked(root)

    assert (code, err) == (0, ""), err


MANY_UNCITED = article("".join(f"In {2000 + year} it grew.\n\n" for year in range(25)))


def test_a_build_shows_a_screenful_of_warnings_and_check_lists_all(make_site, build, checked, capsys):
    root = make_site(MANY_UNCITED)

    assert build(root) == 0
    shown = capsys.readouterr().err
    code, listed = checked(root)

    assert shown.count("uncited figure") == 20, shown
    assert "25 warnings; the first 20 above; `python build.py check` lists all\n" in shown, shown
    assert code == 0 and listed.count("uncited figure") == 25, listed


def test_a_site_that_is_not_a_briefing_turns_the_uncited_figure_rule_off(make_site, checked):
    root = make_site({**MANY_UNCITED, "content/site.yaml": "title: Test briefing\ndescription: d\nwarn_uncited_figures: false\n"})

    code, err = checked(root)

    assert (code, err) == (0, ""), err


def test_data_file_without_sources_is_a_warning(make_site, checked):
    root = make_site({"content/data/plain.yaml": 'rows:\n  - year: "2023"\n    value: 1\n  - year: "2024"\n    value: 2\n'
                                                 "    sources: [test-report]\n"})

    code, err = checked(root)

    assert code == 0, err
    assert "content/data/plain.yaml: warning: uncited figure: 1 of 2 rows cite no source, and the file names none\n" in err, err


def test_source_not_checked_for_longer_than_allowed_is_a_warning(make_site, checked):
    checked_on = TODAY - dt.timedelta(days=400)
    root = make_site({"content/sources.yaml": FIRST_SOURCE.replace(TODAY.isoformat(), checked_on.isoformat())})

    code, err = checked(root)

    assert code == 0, err
    assert (f"content/sources.yaml:1: warning: the source 'test-report' was last checked on {checked_on.isoformat()}, "
            "more than 180 days ago\n") in err, err


def test_recheck_period_comes_from_site_yaml(make_site, checked):
    checked_on = TODAY - dt.timedelta(days=400)
    root = make_site({
        "content/sources.yaml": FIRST_SOURCE.replace(TODAY.isoformat(), checked_on.isoformat()),
        "content/site.yaml": "title: Test briefing\ndescription: d\nrecheck_sources_after_days: 500\n",
    })

    code, err = checked(root)

    assert (code, err) == (0, ""), err


def test_source_nothing_cites_is_a_warning(make_site, checked):
    root = make_site(registry())

    code, err = checked(root)

    assert code == 0, err
    assert ("content/sources.yaml:9: warning: the source 'other-report' is not cited anywhere\n"
            "    9 | - id: other-report\n"
            "    hint: cite it as [@other-report] where the site relies on it, or remove it\n") in err, err
    assert "test-report" not in err, err


def test_sources_page_groups_sources_by_kind_with_the_pages_citing_them(make_site, build, capsys):
    root = make_site({"content/sources.yaml": FIRST_SOURCE + COPY + source("unused", "Nobody", "Never cited", kind="official")})

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/sources/index.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="kind-([a-z-]+)">([^<]+)</h2>', html)
    assert headings == [("official", "Official documents"), ("news", "News reports"),
                        ("aggregator", "Republished copies and user posts")], html
    report = re.search(r'<li id="test-report">.*?</li>', html, re.DOTALL).group(0)
    assert re.search(r'<span class="cited-in">Cited in:\s*<a href="/articles/first/">First article</a>\.</span>', report), report
    unused = re.search(r'<li id="unused">.*?</li>', html, re.DOTALL).group(0)
    assert '<span class="cited-in">Not cited on any page yet.</span>' in unused, unused


def test_russian_edition_lists_sources_in_russian_and_keeps_each_title_in_its_language(make_site, build, capsys):
    root = make_site({
        **RUSSIAN_SITE,
        "content/articles/first.ru.md": "---\ntitle: Первая статья\nsummary: Первая статья по-русски.\ndate: 2024-01-02\n"
                                        "translated_from: 2024-01-02\n---\n## Подробности\n\nТак сказано в докладе [@test-report].\n",
        "content/sources.yaml": FIRST_SOURCE.replace("  kind: news\n", "  kind: news\n  note:\n    en: The English note.\n"
                                                                      "    ru: Русская заметка.\n"),
    })

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/ru/articles/first/index.html").read_text(encoding="utf-8")
    assert '<h2 id="endnotes-heading">Источники</h2>' in html, html
    assert 'aria-label="Источник 1">1</a>' in html, html
    entry = endnote(html, 1)
    assert '<cite lang="en">A report for the tests</cite>' in entry, entry
    assert 'hreflang="en"' in entry, entry
    assert "Русская заметка." in entry and "The English note." not in entry, entry
    english = endnote((root / "_site/articles/first/index.html").read_text(encoding="utf-8"), 1)
    assert "The English note." in english and "Русская" not in english, english


def test_citation_in_a_code_span_is_shown_as_written(make_site, build, capsys):
    root = make_site(article("Write `[@test-report]` to cite, not `[@ test-report]` or `[@no-such-source]`.\n", name="howto"))

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/howto/index.html").read_text(encoding="utf-8")
    assert ("<p>Write <code>[@test-report]</code> to cite, not <code>[@ test-report]</code> or "
            "<code>[@no-such-source]</code>.</p>") in html, html
    assert "noteref" not in html and "endnotes" not in html, html


def test_citation_in_a_fenced_code_block_is_shown_as_written(make_site, build, capsys):
    root = make_site(article("```\n[@ test-report] and [@no-such-source]\n```\n", name="howto"))

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/howto/index.html").read_text(encoding="utf-8")
    assert "[@ test-report] and [@no-such-source]" in html and "noteref" not in html, html


def test_citation_in_an_indented_code_block_is_shown_as_written(make_site, build, capsys):
    root = make_site(article("Write it like this:\n\n    [@ test-report] and [@no-such-source]\n", name="howto"))

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/howto/index.html").read_text(encoding="utf-8")
    assert "<pre><code>[@ test-report] and [@no-such-source]\n</code></pre>" in html and "noteref" not in html, html


def test_escaped_bracket_is_text_not_a_citation(make_site, build, capsys):
    root = make_site(article("Citations look like \\[@some-id].\n", name="howto"))

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/howto/index.html").read_text(encoding="utf-8")
    assert "<p>Citations look like [@some-id].</p>" in html, html


def test_citation_in_a_heading_is_numbered_and_left_out_of_the_table_of_contents(make_site, build, capsys):
    root = make_site(article("## One\n\nx\n\n## Two [@test-report]\n\ny\n\n## Three\n\nz\n", name="headed"))

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/headed/index.html").read_text(encoding="utf-8")
    assert f'<h2 id="two">Two <sup class="noteref" data-pagefind-ignore>[{note(1, 1)}]</sup>' in html, html
    assert '<li><a href="#two">Two</a></li>' in html, html
    assert html.count('id="cite-1-1"') == 1, html


BROKEN_REGISTRY = [
    pytest.param(FIRST_SOURCE.replace("outlet: The Test Times", "outlet: [The Test Times"),
                 "content/sources.yaml:2: YAML syntax error: ", id="yaml-syntax"),
    pytest.param("test-report: The Test Times\n",
                 "content/sources.yaml:1: sources.yaml must be a list of sources, each starting with '- id: ...'", id="not-a-list"),
    pytest.param(FIRST_SOURCE.replace("kind: news", "kind: newz"), "content/sources.yaml:7: unknown kind 'newz'", id="cited-entry-broken"),
]


@pytest.mark.parametrize(("registry_text", "expected"), BROKEN_REGISTRY)
def test_broken_registry_is_the_only_error_not_every_citation_of_it(make_site, build, capsys, registry_text, expected):
    root = make_site({"content/sources.yaml": registry_text})

    code = build(root)

    err = capsys.readouterr().err
    assert code == 1, err
    assert expected in err, err
    assert "there is no source" not in err, err
    assert err.endswith("\n1 error; nothing was written.\n"), err
