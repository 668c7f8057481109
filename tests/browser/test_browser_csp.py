"""The production Content-Security-Policy (served from netlify.toml by audit/serve.py) is
fully satisfied: no page, including the search page running its script and Pagefind's
WebAssembly, triggers a single violation report."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Recorded before any page script runs, so that violations during loading count too.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI}`));
"""


def test_the_policy_is_served(site_url, browser):
    page = browser.new_page()
    response = page.goto(site_url + "/")
    policy = response.headers.get("content-security-policy", "")
    page.close()
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy, policy


def test_no_page_violates_the_policy(browser, site_url, page_paths, subtests):
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    try:
        for path in page_paths + ["/search/?q=telegram", "/ru/search/?q=binance"]:
            with subtests.test(path=path):
                page.goto(site_url + path, wait_until="load")
                page.wait_for_timeout(300 if "?q=" in path else 0)  # let the search script and WebAssembly run
                assert page.evaluate("window.__violations") == [], path
    finally:
        context.close()
