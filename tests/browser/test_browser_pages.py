"""Every page of the built site, as a reader's browser shows it: loads cleanly, stays on
this server, fits a phone, shows keyboard focus, works without JavaScript, in dark mode
and on paper. Each check runs over every page; a failing page is reported on its own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MAX_TABS = 300  # more focus stops than any page has: stop even if focus never cycles

ACTIVE_ELEMENT = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    html: element.outerHTML.slice(0, 120),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    top: box.top, bottom: box.bottom, left: box.left, right: box.right,
    viewportHeight: innerHeight, viewportWidth: innerWidth,
  };
}"""


def relative_luminance(css_color: str) -> float:
    """Return the WCAG relative luminance of an 'rgb(r, g, b)' colour."""
    channels = [int(value) / 255 for value in re.findall(r"\d+", css_color)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_site_has_the_expected_kinds_of_page(page_paths):
    assert "/" in page_paths, page_paths
    assert "/404.html" in page_paths, page_paths
    assert any(path.startswith("/articles/") for path in page_paths), page_paths


def test_every_page_loads_without_console_errors_or_failed_requests(page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, log = visit(path)
            expect(page.locator("h1")).to_be_visible()
            assert log.console_errors == [], f"{path}: console errors: {log.console_errors}"
            assert log.failed_requests == [], f"{path}: failed requests: {log.failed_requests}"


def test_no_page_requests_another_host(page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, log = visit(path)
            page.wait_for_load_state("networkidle")
            assert log.foreign_requests == [], f"{path} asked other hosts for: {log.foreign_requests}"


def test_no_page_scrolls_sideways_on_a_phone(page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, _ = visit(path, viewport=PHONE)
            scroll_width, client_width = page.evaluate(
                "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
            )
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                     .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                     .slice(0, 5).map(e => e.outerHTML.slice(0, 80))"""
            )
            assert scroll_width <= client_width, f"{path} is {scroll_width} px wide at {client_width} px; too wide: {wide}"


def test_first_tab_shows_the_skip_link_and_every_focus_is_outlined(page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, _ = visit(path, viewport=PHONE)
            page.keyboard.press("Tab")
            skip = page.locator("a.skip-link")  # by class: its text is translated in other editions
            expect(skip).to_be_focused()
            first = page.evaluate(ACTIVE_ELEMENT)
            assert first["top"] >= 0 and first["bottom"] <= first["viewportHeight"], f"{path}: focused skip link is off screen: {first}"
            assert first["left"] >= 0 and first["right"] <= first["viewportWidth"], f"{path}: focused skip link is off screen: {first}"

            unoutlined, seen = [], []
            focused = first
            while focused is not None and len(seen) < MAX_TABS:
                if focused["outlineStyle"] == "none" or focused["outlineWidth"] == 0:
                    unoutlined.append(focused["html"])
                seen.append(focused["html"])
                page.keyboard.press("Tab")
                focused = page.evaluate(ACTIVE_ELEMENT)
                if focused is not None and focused["html"] == first["html"]:
                    break
            assert len(seen) > 1, f"{path}: Tab reached nothing after the skip link"
            assert unoutlined == [], f"{path}: focused without a visible outline: {unoutlined}"


def test_skip_link_moves_focus_to_the_main_content(page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, _ = visit(path)
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            expect(page.locator("main")).to_be_focused()


def test_pages_read_fully_without_javascript(page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, log = visit(path, java_script_enabled=False)
            expect(page.locator("h1")).to_be_visible()
            expect(page.locator("main")).to_contain_text(re.compile(r"\w{3,}"))
            for chart in page.locator(".chart-image svg").all():
                expect(chart).to_be_visible()
            assert log.failed_requests == [], f"{path}: failed requests without JavaScript: {log.failed_requests}"


def test_dark_mode_has_a_dark_background_and_light_text(page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, _ = visit(path, color_scheme="dark")
            body = page.locator("body")
            background = body.evaluate("element => getComputedStyle(element).backgroundColor")
            text = body.evaluate("element => getComputedStyle(element).color")
            assert relative_luminance(background) < 0.05, f"{path}: dark mode background is {background}"
            assert relative_luminance(text) > 0.5, f"{path}: dark mode text is {text}"


def test_light_mode_has_a_light_background(page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, _ = visit(path, color_scheme="light")
            background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
            assert relative_luminance(background) > 0.9, f"{path}: light mode background is {background}"


def test_print_hides_navigation(page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, _ = visit(path)
            page.emulate_media(media="screen")
            expect(page.get_by_role("navigation").first).to_be_visible()
            page.emulate_media(media="print")
            for nav in page.locator("nav").all():
                expect(nav).to_be_hidden()
            expect(page.locator(".skip-link")).to_be_hidden()
            expect(page.locator("h1")).to_be_visible()


def test_an_unknown_address_shows_the_not_found_page(visit):
    page, log = visit("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator(".article-list a").first).to_be_visible()
    assert any("HTTP 404" in failure for failure in log.failed_requests), log.failed_requests
