"""The whole briefing in one file, as a reader opens it on the site (issue 30): served under its
own policy it loads nothing and breaks nothing, reads on a phone without sideways scrolling, in
light and dark, and its charts keep their names. (Opened from disk: test_browser_mirror.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser_charts import ACCESSIBLE_NAME
from tests.browser.test_browser_csp import RECORD_VIOLATIONS
from tests.browser.test_browser_pages import PHONE, relative_luminance

pytestmark = pytest.mark.browser


def test_the_one_file_loads_nothing_and_violates_no_policy(browser, site_url, one_file_paths, subtests):
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        for path in one_file_paths:
            with subtests.test(path=path):
                requests.clear()
                response = page.goto(site_url + path, wait_until="load")
                policy = response.headers.get("content-security-policy", "")
                assert "script-src" not in policy and "default-src 'none'" in policy, policy
                assert page.evaluate("window.__violations") == [], path
                assert requests == [site_url + path], f"{path} asked for more than itself: {requests}"
    finally:
        context.close()


def test_the_one_file_reads_on_a_phone_in_light_and_dark(one_file_paths, visit, subtests):
    for path in one_file_paths:
        for scheme, light in (("light", True), ("dark", False)):
            with subtests.test(page=path, scheme=scheme):
                page, log = visit(path, viewport=PHONE, color_scheme=scheme)
                assert log.console_errors == [] and log.failed_requests == [], log
                width = page.evaluate("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
                assert width[0] <= width[1], f"{path} is {width[0]} px wide at {width[1]} px"
                background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
                luminance = relative_luminance(background)
                assert luminance > 0.9 if light else luminance < 0.05, f"{path}: {scheme} background is {background}"


def test_every_chart_in_the_one_file_has_its_own_name(one_file_paths, visit, subtests):
    for path in one_file_paths:
        with subtests.test(page=path):
            page, _ = visit(path)
            charts = page.locator("figure.chart .chart-image svg")
            assert charts.count() > 0, path
            for index, chart in enumerate(charts.all()):
                expect(chart).to_be_attached()
                match = ACCESSIBLE_NAME.search(chart.aria_snapshot())
                described = " ".join(chart.locator("title").first.text_content().split())
                # Named by the sentence that describes it, and by nothing else (a part's title, say).
                assert match and match["name"].replace("''", "'") == described, f"{path}: chart {index + 1}: {match}"
