"""The audit's measurements that need a browser: axe-core on every page, and page weight.

Input: the URL of the served site and the page paths. Output: plain dicts (JSON-ready):
axe violations per page in light and dark colour schemes, and every response the home
page loads with its transferred (compressed) and decoded size. Uses the Debian
Chromium through Playwright, as the browser tests do.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
# Dark mode changes only colours, so only the colour rules run again there.
AXE_OPTIONS = {
    "light": {},
    "dark": {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}},
}


def launch(playwright) -> Browser:
    """Launch the system Chromium; never a downloaded one."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def run_axe(base_url: str, paths: list[str]) -> dict[str, dict[str, list[dict]]]:
    """Return {path: {scheme: [violation summaries]}} for every page."""
    results: dict[str, dict[str, list[dict]]] = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for scheme, options in AXE_OPTIONS.items():
            # The site's Content-Security-Policy forbids injected scripts; axe is ours, not the page's.
            context = browser.new_context(color_scheme=scheme, bypass_csp=True)
            page = context.new_page()
            for path in paths:
                page.goto(base_url + path, wait_until="load")
                page.add_script_tag(path=AXE_SCRIPT)
                found = page.evaluate("options => axe.run(document, options)", options)
                results.setdefault(path, {})[scheme] = [
                    {
                        "id": violation["id"],
                        "impact": violation["impact"],
                        "help": violation["help"],
                        "targets": [" ".join(node["target"]) for node in violation["nodes"]],
                    }
                    for violation in found["violations"]
                ]
            context.close()
        browser.close()
    return results


def measure_page_weight(url: str) -> list[dict]:
    """Load a page as a phone would and return every request with its sizes and host."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True)
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="networkidle")
        rows = []
        for response in responses:
            sizes = response.request.sizes()
            rows.append(
                {
                    "url": response.url,
                    "host": urlparse(response.url).hostname,
                    "status": response.status,
                    "type": response.request.resource_type,
                    "encoding": response.headers.get("content-encoding", ""),
                    "transferred": sizes["responseHeadersSize"] + sizes["responseBodySize"],
                    "body_transferred": sizes["responseBodySize"],
                    "decoded": len(response.body()) if response.status < 300 else 0,
                }
            )
        context.close()
        browser.close()
    return rows
