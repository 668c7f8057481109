"""The whole briefing in one file (issue 30): the one-file HTML edition and the PDF of each language.

Real builds in tmp_path. The one-file HTML holds every page in reading order, loads
nothing and has no dangling in-file link; the PDF has its title, language, contents with
page numbers, extractable Russian, charts drawn as vectors and clickable links, and the
same bytes build after build; every page and the feeds offer both; an unchanged briefing
does not make them again; the dev server makes the PDF only when it is asked for.
"""

from __future__ import annotations

import io
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest

from sitegen.commands.cli import main
from sitegen.commands.serve import DevSite
from sitegen.options import BuildOptions
from sitegen.reading.project import PACKAGE_ROOT, Project
from tests.conftest import CHART_BLOCK, RUSSIAN_EDITION

# The one test chart (conftest), with an id of its own so that its page has a stable address.
CHART = CHART_BLOCK.replace("```chart\n", "```chart\nid: numbers-by-year\n", 1)
RU_CHART = CHART.replace("Bar chart of value by year, 1 in 2023 and 2 in 2024.", "Столбцы по годам.")
FIRST = """\
---
title: First article
summary: The first article.
date: 2024-01-02
order: 1
---
## Background

A report says so [@test-report].[^1] Read [the details](/articles/second/#details), see
[the chart's page](/charts/numbers-by-year/), [the corrections](/changes/) and [the sources](/sources/#test-report).

{chart}

[^1]: A note of the first article.
""".replace("{chart}", CHART)
SECOND = """\
---
title: Second article
summary: The second article.
date: 2024-01-03
order: 2
---
## Details

Back to [the first article](/articles/first/).[^1]

[^1]: A note of the second article.
"""
RU_FIRST = """\
---
title: Первая статья
summary: Первая статья по-русски.
date: 2024-01-02
translated_from: 2024-01-02
---
## Подробности

Отчёт говорит об этом [@test-report]. Смотрите [вторую статью](/articles/second/#details).

{chart}
""".replace("{chart}", RU_CHART)


class Document(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def ids(self) -> list[str]:
        return [attributes["id"] for _tag, attributes in self.tags if attributes.get("id")]


@pytest.fixture
def briefing(make_site):
    """Return a site whose two articles both have a footnote, and the first a chart and links of every kind."""
    return make_site({"content/articles/first.md": FIRST, "content/articles/second.md": SECOND})


@pytest.fixture
def bilingual_with_pdf(make_site):
    """Return a site in English and Russian that offers the PDF."""
    return make_site({
        "content/site.yaml": "title: Test briefing\ndescription: A small site for the tests.\npdf: true\n",
        "content/articles/first.md": FIRST, "content/articles/second.md": SECOND,
        **RUSSIAN_EDITION, "content/articles/first.ru.md": RU_FIRST,
    })


def read(root: Path, path: str) -> str:
    return (root / "_site" / path).read_text(encoding="utf-8")


def assert_self_contained(html: str) -> None:
    """Assert that a one-file edition loads nothing and that its every in-file link lands on exactly one id."""
    document = Document(html)
    ids = document.ids()
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for tag, attributes in document.tags:
        assert tag not in ("link", "script", "img", "iframe", "object", "embed"), (tag, attributes)
        assert "src" not in attributes and "srcset" not in attributes, (tag, attributes)
        for name in ("href", "xlink:href"):
            href = attributes.get(name)
            if href is None:
                continue
            if href.startswith("#"):
                assert ids.count(href[1:]) == 1, f"dangling in-file link {href}"
            else:
                assert re.match(r"(https?:|mailto:)", href), f"a link out of the file to a local file: {href}"


def test_the_one_file_edition_holds_every_page_in_reading_order_and_loads_nothing(briefing, build, capsys):
    assert build(briefing) == 0, capsys.readouterr().err

    html = read(briefing, "briefing.html")
    assert_self_contained(html)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert ".chart-image svg" in html, "the site's stylesheet is copied in"
    parts = re.findall(r'<section class="part part-\w+" id="([^"]+)"', html)
    assert parts == ["p-home", "a-first", "a-second", "p-sources"]
    assert "<h1>First article</h1>" in html and "<h1>Second article</h1>" in html
    # Notes and headings of different articles never collide; links lead to them in the file.
    assert 'id="a-first--fn:1"' in html and 'id="a-second--fn:1"' in html
    assert "A note of the first article." in html and "A note of the second article." in html
    assert 'href="#a-second--details"' in html and 'id="a-second--details"' in html
    assert 'href="#a-first"' in html, "a link to an article leads to its part"
    assert 'href="#p-sources--test-report"' in html
    # A chart: drawn inline with its data table; its page's link leads to it in the file.
    assert '<figure class="chart" id="a-first--chart-1">' in html and "<svg" in html and "<table>" in html
    assert 'href="#a-first--chart-1"' in html
    assert 'class="chart-page-link"' not in html and 'class="pager"' not in html
    # A page the file does not hold, on a site whose address is not known: the link keeps its text only.
    assert re.search(r"<a>the corrections</a>", html)
    assert "https://example.org/report" in html, "links to sources stay links"


def test_with_an_absolute_base_url_other_pages_are_linked_by_their_address(briefing, build, capsys):
    assert build(briefing, "--base-url", "https://example.org/brief/") == 0, capsys.readouterr().err

    html = read(briefing, "briefing.html")
    assert_self_contained(html)
    assert '<a href="https://example.org/brief/changes/">the corrections</a>' in html
    assert 'href="#a-second--details"' in html
    assert '<a href="https://example.org/brief/" data-url-text>https://example.org/brief/</a>' in html


def test_every_page_and_the_feed_offer_the_one_file_with_its_size(briefing, build, capsys):
    assert build(briefing, "--base-url", "https://example.org/") == 0, capsys.readouterr().err

    size = (briefing / "_site/briefing.html").stat().st_size
    assert size < 100_000
    for path in ("index.html", "articles/first/index.html", "sources/index.html", "404.html", "charts/index.html"):
        assert ('The whole briefing in one file: <a href="/briefing.html" type="text/html">HTML 0.1\u00a0MB</a></p>'
                in read(briefing, path)), path
    assert "PDF" not in read(briefing, "index.html").split('class="whole-briefing"')[1], "this site offers no PDF"
    feed = read(briefing, "feed.xml")
    assert '<link rel="related" type="text/html" href="https://example.org/briefing.html"' in feed
    assert not (briefing / "_site/briefing.pdf").exists()


def test_the_pdf_of_each_edition(bilingual_with_pdf, build, capsys, tmp_path):
    root = bilingual_with_pdf
    assert build(root) == 0, capsys.readouterr().err

    pdf = (root / "_site/ru/briefing.pdf").read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert reader.metadata.title == "Тестовый обзор"
    assert catalog["/Lang"] == "ru"
    assert reader.metadata["/CreationDate"].startswith("D:2024"), "dated by the content, not by the clock"
    assert catalog["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in catalog, "tagged for accessibility"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Первая статья" in text and "Отчёт говорит об этом" in text, "Russian text is embedded and extractable"
    assert re.search(r"Содержание.*Первая статья\W+\d", text, re.DOTALL), "the contents give each part's page"
    assert "https://example.org/report" in text, "a note prints its source's address"
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert all("Source-Sans-Pro" in font for font in fonts), fonts
    # The chart is drawn, not pasted in as a picture; its page's text has paths.
    chart_pages = [page for page in reader.pages if "Столбцы по годам" in (page.extract_text() or "")
                   or "2023" in (page.extract_text() or "")]
    assert chart_pages
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert not any(xobject.get_object().get("/Subtype") == "/Image" for xobject in xobjects.values())
    assert any(re.search(rb"\d [\d.]+ (re|l|c)\n", page.get_contents().get_data()) for page in chart_pages)
    uris = [annotation.get_object()["/A"].get("/URI") for page in reader.pages for annotation in page.get("/Annots", ())
            if "/A" in annotation.get_object()]
    assert "https://example.org/report" in uris, "links are clickable"
    english = pypdf.PdfReader(root / "_site/briefing.pdf")
    assert english.metadata.title == "Test briefing" and english.trailer["/Root"]["/Lang"] == "en"

    # Every page offers it with its size; the feed links it.
    assert '<a href="/ru/briefing.pdf" type="application/pdf">PDF 0,1\u00a0МБ</a>' in read(root, "ru/index.html")
    assert 'type="application/pdf" href="/briefing.pdf"' in read(root, "feed.xml")

    # The same bytes from another build in another process, without the cache.
    assert main(["build", "--content", str(root / "content"), "--output", str(tmp_path / "again"), "--no-cache"]) == 0
    assert (tmp_path / "again/ru/briefing.pdf").read_bytes() == pdf
    assert (tmp_path / "again/briefing.html").read_bytes() == (root / "_site/briefing.html").read_bytes()


def test_an_unchanged_briefing_makes_no_file_again_and_a_change_makes_them(bilingual_with_pdf, build, capsys):
    root = bilingual_with_pdf
    assert build(root) == 0
    capsys.readouterr()
    cache = next((root / ".cache").glob("build-*.pickle"))
    saved = cache.stat().st_mtime_ns
    pdf = (root / "_site/briefing.pdf").read_bytes()

    assert build(root, "--verbose") == 0
    err = capsys.readouterr().err
    assert "briefing.html" not in err and "briefing.pdf" not in err, err
    assert cache.stat().st_mtime_ns == saved, "nothing was made, so the cache was not saved again"

    article = root / "content/articles/second.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Back to", "Go back to"), encoding="utf-8")
    assert build(root, "--verbose") == 0
    err = capsys.readouterr().err
    assert "briefing.html" in err and "briefing.pdf" in err and "ru/briefing.pdf" not in err, err
    assert (root / "_site/briefing.pdf").read_bytes() != pdf
    assert "Go back to" in read(root, "briefing.html")


def test_the_dev_server_makes_the_files_only_when_asked(bilingual_with_pdf):
    root = bilingual_with_pdf
    options = BuildOptions(include_drafts=True, search_index=False, mirror_zip=False, pdf="make")
    dev_site = DevSite(Project.from_content_dir(root / "content"), root / "_serve", options)
    dev_site.first_build()
    article = root / "content/articles/second.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Back to", "Go back to"), encoding="utf-8")
    changed = dev_site.rebuild({article.resolve()})
    assert not any("briefing" in path for path in changed), "a save makes neither file"
    assert not (root / "_serve/briefing.html").exists() and not (root / "_serve/briefing.pdf").exists()
    footer = (root / "_serve/index.html").read_text(encoding="utf-8").split('class="whole-briefing"')[1]
    # Offered without a size: the slot for it is left as it is, an HTML comment.
    assert re.search(r'<a href="/briefing.html" type="text/html">HTML(<!--[^>]*-->)?</a>', footer), footer
    assert re.search(r'<a href="/briefing.pdf" type="application/pdf">PDF(<!--[^>]*-->)?</a>', footer), footer

    def ask(path: str) -> tuple[str, dict, bytes]:
        answer = {}
        body = b"".join(dev_site.respond({"PATH_INFO": path}, lambda status, headers: answer.update(status=status,
                                                                                               headers=dict(headers))))
        return answer["status"], answer["headers"], body

    status, headers, body = ask("/ru/briefing.html")
    assert status == "200 OK" and headers["Content-Type"].startswith("text/html"), status
    assert_self_contained(body.decode("utf-8"))
    assert "Go back to" in ask("/briefing.html")[2].decode("utf-8"), "made from the last save"
    answers = []
    for _attempt in range(300):
        status, headers, body = ask("/briefing.pdf")
        answers.append(status)
        if status != "202 Accepted":
            break
        assert b'http-equiv="refresh"' in body
        time.sleep(0.2)
    assert answers[0] == "202 Accepted" and answers[-1] == "200 OK", answers
    assert headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert "Go back to" in "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)


def test_the_real_briefing_in_one_file(tmp_path, capsys):
    """The site itself, both editions: every article in its file, nothing loaded, no dangling link, a Russian PDF."""
    output = tmp_path / "site"
    assert main(["build", "--content", str(PACKAGE_ROOT / "content"), "--output", str(output), "--no-cache"]) == 0, \
        capsys.readouterr().err
    project = Project.from_content_dir(PACKAGE_ROOT / "content")
    slugs = sorted(path.stem for path in (project.content / "articles").glob("*.md") if path.suffixes == [".md"])
    for prefix in ("", "ru/"):
        html = (output / prefix / "briefing.html").read_text(encoding="utf-8")
        assert_self_contained(html)
        anchors = re.findall(r'<section class="part part-\w+" id="a-([^"]+)"', html)
        assert sorted(anchors) == slugs, prefix
    reader = pypdf.PdfReader(output / "ru/briefing.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "ru"
    text = "".join(page.extract_text() for page in reader.pages[:3])
    assert "Содержание" in text and "Хронология" in text
    assert not any(xobject.get_object().get("/Subtype") == "/Image"
                   for page in reader.pages for xobject in page["/Resources"].get("/XObject", {}).values())


def test_check_offers_what_a_build_offers_and_makes_nothing(briefing, capsys):
    code = main(["check", "--content", str(briefing / "content")])
    assert code == 0, capsys.readouterr().err
    assert not (briefing / "_site").exists()

