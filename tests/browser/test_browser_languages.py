"""The Russian edition as a reader meets it: the language switch lands on the same page
in the other language, and Russian search finds Russian words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_switch_from_an_english_article_lands_on_its_russian_translation(visit):
    page, log = visit("/articles/commex/")
    page.get_by_role("link", name="Читать по-русски").click()
    page.wait_for_url("**/ru/articles/commex/")
    assert page.locator("html").get_attribute("lang") == "ru"
    expect(page.get_by_role("heading", level=1)).to_contain_text("CommEX")
    assert log.console_errors == [], log.console_errors


def test_switch_from_a_russian_page_leads_back_to_english(visit):
    page, _ = visit("/ru/articles/website-traffic/")
    page.get_by_role("link", name="Read in English").click()
    page.wait_for_url("**/articles/website-traffic/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_russian_charts_speak_russian(visit):
    page, _ = visit("/ru/articles/website-traffic/")
    chart = page.locator("figure.chart").first
    expect(chart.locator("svg")).to_be_visible()
    expect(chart.locator("svg text", has_text="Пять других")).to_have_count(2)  # category labels, wrapped, not cut
    expect(chart.locator("svg text", has_text="Доля в трафике")).to_have_count(1)  # the measure's axis title
    chart.get_by_text("Показать таблицу данных").click()
    expect(chart.locator("table")).to_be_visible()


def test_russian_search_finds_a_russian_word(visit):
    page, log = visit("/ru/search/")
    box = page.get_by_role("searchbox")
    box.fill("подписчиков")
    box.press("Enter")
    expect(page.locator("#search-results li").first).to_be_visible()
    assert all("/ru/" in href for href in page.locator("#search-results a").evaluate_all("els => els.map(e => e.href)"))
    assert log.console_errors == [], log.console_errors
