"""Printing, as a reader does: an article with charts printed to PDF by Chromium on A4 and
Letter, and the PDF's text read back page by page (pypdf).

The print styles are in static/css/site.css (`@media print`), the absolute addresses of the
site's own links in data-print-href (sitegen/rendering/print_links.py), and static/js/print.js opens
closed data tables in browsers whose print styles cannot. The site served by conftest.py has
no base URL; a second build here has one, as production does.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTICLE = "/articles/website-traffic/"  # two charts, each with its data table, notes, links to other articles
BASE_URL = "https://briefing.example/"
PAPERS = ("A4", "Letter")
MIN_LINES = 8  # a page before the last holds at least this many lines of text, not a stray heading or note
SERVER_START_TIMEOUT = 10.0
ROOT_RELATIVE = re.compile(r"\(/[\w#]")  # "(/articles/x/)": a path printed as an address


def squeezed(text: str) -> str:
    """Return the text without white space and ligatures: PDF text breaks lines where the page did,
    and writes "traffic" with the ligature "ﬃ" where the font has one."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def printed_pages(page: Page, paper: str) -> list[str]:
    """Print the loaded page to PDF on the given paper and return the text of each PDF page."""
    reader = PdfReader(io.BytesIO(page.pdf(format=paper)))
    return [pdf_page.extract_text() or "" for pdf_page in reader.pages]


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def base_url_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the repository's content with an absolute base URL, as production does.

    In a process of its own: the build's search indexing runs asyncio, which the running
    Playwright forbids in this one (see conftest.py).
    """
    output = tmp_path_factory.mktemp("print") / "site"
    built = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--content", str(REPO / "content"), "--output", str(output),
         "--base-url", BASE_URL],
        cwd=REPO, capture_output=True, text=True, check=False,
    )
    assert built.returncode == 0, f"the build with --base-url {BASE_URL} failed:\n{built.stderr}"
    return output


@pytest.fixture(scope="module")
def base_url_site_url(base_url_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the base-URL build on 127.0.0.1 (its pages link to /..., so it is served from the root)."""
    log = tmp_path_factory.mktemp("print-server") / "server.log"
    with log.open("w") as sink:
        server = subprocess.Popen([sys.executable, "-u", str(REPO / "audit" / "serve.py"), str(base_url_site), "--port", "0"],
                                  stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    found = None
    while found is None and time.monotonic() < deadline and server.poll() is None:
        found = re.search(r"on (http://127\.0\.0\.1:\d+)/", log.read_text(encoding="utf-8", errors="replace"))
        time.sleep(0.05)
    if found is None:
        server.kill()
        pytest.fail(f"the server for the base-URL build did not start; it printed:\n{log.read_text()}")
    yield found.group(1)
    server.terminate()
    server.wait(timeout=5)


@pytest.fixture
def open_page(browser: Browser) -> Iterator:
    """Return a function that opens a URL in a fresh tab, JavaScript on or off."""
    contexts = []

    def load(url: str, javascript: bool = True) -> Page:
        context = browser.new_context(java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.goto(url, wait_until="load")
        return page

    yield load
    for context in contexts:
        context.close()


def chrome_texts(page: Page) -> dict[str, str]:
    """Return the texts of the site's chrome on the page, which paper must not show."""
    texts = {
        "skip link": page.locator(".skip-link").inner_text(),
        "language switch": page.locator(".language-switch").inner_text(),
        "navigation": "".join(page.locator(".site-nav a").all_inner_texts()),
        "pager": "".join(page.locator(".pager a").all_inner_texts()),
        "chart summary": page.locator(".chart-data summary").first.inner_text(),
    }
    assert all(texts.values()), f"{ARTICLE} lacks some of the chrome this test looks for: {texts}"
    return texts


def check_printout(page: Page, pages: list[str], paper: str) -> None:
    """The checks every printout of the article passes, whatever the build's base URL."""
    text = squeezed("".join(pages))
    cells = page.locator("figure.chart .chart-data table").locator("th, td").all_text_contents()
    assert len(cells) > 10, f"{ARTICLE}: expected charts with data tables, found cells {cells}"
    missing = [cell for cell in cells if squeezed(cell) not in text]
    assert not missing, f"{paper}: the data tables' cells {missing} are not in the printout"
    for name, chrome in chrome_texts(page).items():
        assert squeezed(chrome) not in text, f"{paper}: the {name} ({chrome!r}) is printed"
    printed_paths = [match for page_text in pages for match in ROOT_RELATIVE.findall(page_text)]
    assert not printed_paths, f"{paper}: root-relative paths printed: {printed_paths}"
    external = page.locator(".prose a[href^='http'], .endnotes a[href^='http']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    assert external, f"{ARTICLE}: expected links to sources"
    unprinted = [href for href in external if squeezed(href) not in text]
    assert not unprinted, f"{paper}: addresses of links to other sites not printed: {unprinted}"
    thin = {number: lines(page_text) for number, page_text in enumerate(pages[:-1], start=1)
            if len(lines(page_text)) < MIN_LINES}
    assert not thin, f"{paper}: pages with fewer than {MIN_LINES} lines before the last (of {len(pages)}): {thin}"


@pytest.mark.parametrize("paper", PAPERS)
def test_article_prints_its_data_tables_and_no_path_without_a_base_url(open_page, site_url, paper):
    # Without JavaScript: the print styles alone must open the tables.
    page = open_page(site_url + ARTICLE, javascript=False)

    pages = printed_pages(page, paper)

    check_printout(page, pages, paper)
    assert not page.locator("main a[data-print-href]").count(), "a build without a base URL wrote print addresses"
    # A chart's link to its own page is left off paper when there is no address to print.
    internal = page.locator(".prose a[href^='/']").evaluate_all(
        "links => links.filter(link => !link.closest('.chart-page-link')).map(link => link.innerText)")
    assert internal, f"{ARTICLE}: expected links to other pages of the briefing"
    text = squeezed("".join(pages))
    for link_text in internal:  # the link's words, and after them no address at all
        assert squeezed(link_text) in text, f"{paper}: the link {link_text!r} is not printed"
        assert squeezed(link_text) + "(" not in text, f"{paper}: an address is printed after {link_text!r}"


@pytest.mark.parametrize("paper", PAPERS)
def test_article_prints_absolute_addresses_of_the_sites_pages_with_a_base_url(open_page, base_url_site_url, paper):
    page = open_page(base_url_site_url + ARTICLE)

    pages = printed_pages(page, paper)

    check_printout(page, pages, paper)
    addresses = page.locator(".prose a[data-print-href]").evaluate_all(
        "links => links.map(link => link.getAttribute('data-print-href'))")
    assert addresses and all(a.startswith(BASE_URL) for a in addresses), addresses
    text = squeezed("".join(pages))
    unprinted = [address for address in addresses if f"({address})" not in text]
    assert not unprinted, f"{paper}: absolute addresses of the briefing's pages not printed: {unprinted}"


def test_print_script_opens_closed_tables_and_closes_only_those_after(open_page, site_url):
    page = open_page(site_url + ARTICLE)
    tables = page.locator("details.chart-data")
    assert tables.count() >= 2, f"{ARTICLE}: expected at least two charts' data tables"
    tables.first.locator("summary").click()  # the reader opened one before printing
    expect(tables.first).to_have_attribute("open", "")

    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.chart-data:not([open])").count() == 0, "a data table stayed closed for print"
    page.evaluate("dispatchEvent(new Event('afterprint'))")

    expect(tables.first).to_have_attribute("open", "")
    for index in range(1, tables.count()):
        expect(tables.nth(index)).not_to_have_attribute("open", "")
