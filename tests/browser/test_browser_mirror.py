"""The mirrorable copy as a reader meets it: mirror.zip unzipped on a disk and opened from file://,
with no server, its styles loaded, and links leading from article to article in both editions
(issue 30)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import ACTION_TIMEOUT_MS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unzipped_copy(served_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Unzip the site's mirror.zip as a reader would, and return the folder it holds."""
    target = tmp_path_factory.mktemp("copy")
    with zipfile.ZipFile(served_site / "mirror.zip") as archive:
        archive.extractall(target)
    (folder,) = target.iterdir()  # one folder, so that unzipping spills nothing beside it
    return folder


@pytest.fixture
def disk_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """Return a tab that may open files only, and the list of requests that failed in it."""
    context = browser.new_context()
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.route(lambda url: not url.startswith(("file:", "data:", "about:")), lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    failed: list[str] = []
    # A request cancelled because the tab moved on (net::ERR_ABORTED: the favicon of a page left at
    # once) is not a missing file, which fails as net::ERR_FILE_NOT_FOUND.
    page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED"
            and failed.append(f"{request.url}: {request.failure}"))
    page.on("console", lambda message: message.type == "error" and failed.append(message.text))
    yield page, failed
    context.close()


def styled(page: Page) -> bool:
    """Tell whether the site's stylesheet applies: its font stack, not the browser's default serif."""
    return "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")


def test_the_copy_opens_from_disk_and_leads_from_article_to_article_in_both_editions(unzipped_copy, disk_page):
    page, failed = disk_page
    page.goto((unzipped_copy / "index.html").as_uri())
    assert styled(page)

    page.locator("main a[href^='articles/']").first.click()  # the home page's way into the articles
    page.wait_for_url("**/articles/*/index.html")
    first = page.url
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert styled(page)

    page.locator("a[rel='next']").click()
    page.wait_for_url("**/articles/*/index.html")
    assert page.url != first and styled(page)
    english = page.url

    page.get_by_role("link", name="Читать по-русски").click()
    page.wait_for_url("**/ru/articles/*/index.html")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.url.rsplit("/", 2)[-2] == english.rsplit("/", 2)[-2]  # the same article, in Russian
    assert styled(page)

    page.locator("a[rel='next']").click()
    page.wait_for_url("**/ru/articles/*/index.html")
    assert page.locator("html").get_attribute("lang") == "ru" and styled(page)

    page.get_by_role("link", name="Read in English").click()
    page.wait_for_url("**/articles/*/index.html")
    assert "/ru/" not in page.url and page.locator("html").get_attribute("lang") == "en"
    assert failed == [], failed


def test_the_copys_charts_and_search_page_work_without_a_server(unzipped_copy, disk_page):
    page, failed = disk_page
    page.goto((unzipped_copy / "articles/website-traffic/index.html").as_uri())
    chart = page.locator("figure.chart").first
    expect(chart.locator("svg")).to_be_visible()

    page.goto((unzipped_copy / "search/index.html").as_uri())
    expect(page.get_by_text("Search needs a web server")).to_be_visible()
    page.locator("main .article-list a").first.click()
    page.wait_for_url("**/articles/*/index.html")
    assert styled(page)
    assert failed == [], failed
