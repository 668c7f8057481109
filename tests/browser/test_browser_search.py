"""The search page as a reader uses it: with JavaScript a query lists matching articles;
without it the page still lists every article."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_site_has_a_search_page(page_paths):
    assert "/search/" in page_paths, page_paths


def test_search_lists_the_articles_that_mention_a_word(visit):
    page, log = visit("/search/")
    box = page.get_by_role("searchbox", name="Words to look for")
    expect(box).to_be_visible()
    box.fill("Telegram")
    box.press("Enter")
    results = page.locator("#search-results")
    expect(results.get_by_role("heading")).to_contain_text("Telegram")
    expect(results.get_by_role("link").first).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("Telegram", re.IGNORECASE))).not_to_have_count(0)
    assert log.console_errors == [], log.console_errors
    assert log.failed_requests == [], log.failed_requests


def test_search_page_lists_every_article_without_javascript(visit):
    page, _ = visit("/search/", java_script_enabled=False)
    expect(page.get_by_role("search")).to_be_hidden()
    expect(page.locator(".search-fallback .article-list li").first).to_be_visible()


def test_search_finds_articles_in_every_shard_of_the_index(visit, served_site):
    # The browser suite's site is indexed in shards of a few articles (see conftest.py).
    search_page = (served_site / "search/index.html").read_text(encoding="utf-8")
    assert len(re.search(r'data-bundles="([^"]+)"', search_page).group(1).split()) > 1
    articles = sorted((served_site / "articles").glob("*/index.html"))
    page, log = visit("/search/")
    box = page.get_by_role("searchbox", name="Words to look for")
    box.fill("Binance")
    box.press("Enter")
    # Every article names Binance, so every shard contributes its articles.
    expect(page.locator("#search-results li a")).to_have_count(len(articles))
    # ...and each result links to its article.
    hrefs = page.locator("#search-results li a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert sorted(hrefs) == [f"/articles/{article.parent.name}/" for article in articles]
    assert log.console_errors == [], log.console_errors
    assert log.failed_requests == [], log.failed_requests
