"""Fixtures for the browser tests: the real site, built once, served on 127.0.0.1, one Chromium.

The site is built from the repository's content/ into a temporary folder (never inside
the repository), served in a subprocess on a free port by audit/serve.py (Python's
`http.server` plus the production host's gzip and headers), and read by the Debian
Chromium through Playwright. Pages are discovered from the built folder, so a new
article is tested without touching this file.

The fixtures are package-scoped (this folder has an `__init__.py` for that): Playwright's
sync API keeps an asyncio loop marked as running in the main thread for as long as it is
started, and the build's search indexing calls `asyncio.run`, which then fails. So the
site is built before Chromium starts, and Chromium stops when the last browser test is
done, before the rest of the suite builds sites of its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, Request, Response, sync_playwright

import sitegen.publishing.search
from sitegen.commands.cli import main as sitegen_main

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
SERVER_SCRIPT = REPO / "audit" / "serve.py"
LOCAL_HOST = "127.0.0.1"
SERVER_START_TIMEOUT = 10.0
ACTION_TIMEOUT_MS = 10_000
SEARCH_SHARD_SIZE = 3


@dataclass
class Server:
    """The static file server subprocess and where its output goes."""

    process: subprocess.Popen
    log: Path
    url: str

    def output(self) -> str:
        """Return everything the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class PageLog:
    """What went wrong while a page loaded, as a reader's browser saw it."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="package")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the repository's content once into a temporary folder and return it."""
    output = tmp_path_factory.mktemp("browser") / "site"
    # Search indexes in shards of a few articles, so that every search test also merges
    # several Pagefind bundles, as the search of a site with thousands of articles does.
    shard_size, sitegen.publishing.search.PAGES_PER_SHARD = sitegen.publishing.search.PAGES_PER_SHARD, SEARCH_SHARD_SIZE
    try:
        code = sitegen_main(["build", "--content", str(REPO / "content"), "--output", str(output)])
    finally:
        sitegen.publishing.search.PAGES_PER_SHARD = shard_size
    assert code == 0, f"building the site from {REPO / 'content'} failed with exit code {code} (see captured stderr)"
    return output


# The whole briefing in one file is a document of another kind: no site navigation or skip link,
# a title per part; test_browser_one_file.py holds it to what it promises.
ONE_FILE_NAME = "briefing.html"


@pytest.fixture(scope="package")
def one_file_paths(served_site: Path) -> list[str]:
    """Return the URL path of each edition's whole briefing in one file: '/briefing.html', '/ru/briefing.html'."""
    paths = ["/" + file.relative_to(served_site).as_posix() for file in sorted(served_site.rglob(ONE_FILE_NAME))]
    assert paths, f"the build wrote no {ONE_FILE_NAME} into {served_site}"
    return paths


@pytest.fixture(scope="package")
def page_paths(served_site: Path) -> list[str]:
    """Return the URL path of every HTML page in the built site: '/', '/articles/x/', '/404.html'."""
    paths = []
    for file in sorted(served_site.rglob("*.html")):
        relative = file.relative_to(served_site).as_posix()
        if file.name == ONE_FILE_NAME:
            continue
        if relative == "index.html":
            paths.append("/")
        elif relative.endswith("/index.html"):
            paths.append("/" + relative.removesuffix("index.html"))
        else:
            paths.append("/" + relative)
    assert paths, f"the build wrote no HTML pages into {served_site}"
    return paths


def _wait_for_url(server: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        match = re.search(r"on (http://127\.0\.0\.1:\d+)/", log.read_text(encoding="utf-8", errors="replace"))
        if match:
            return match.group(1)
        if server.poll() is not None:
            break
        time.sleep(0.05)
    server.kill()
    pytest.fail(f"the site server did not start (exit code {server.poll()}); it printed:\n{log.read_text()}")


@pytest.fixture(scope="package")
def site_server(served_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Serve the built site on 127.0.0.1 at a free port, as the production host would.

    audit/serve.py adds what the host adds (gzip, netlify.toml's headers, among them the
    Content-Security-Policy, and a 404 page), so a page that breaks the policy fails here.
    """
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-u", str(SERVER_SCRIPT), str(served_site), "--port", "0"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = _wait_for_url(process, log)
    yield Server(process, log, url)
    process.terminate()
    process.wait(timeout=5)


@pytest.fixture
def site_url(site_server: Server) -> str:
    """Return the server's base URL, failing with the server's output if it has died."""
    if site_server.process.poll() is not None:
        pytest.fail(f"the static server died with exit code {site_server.process.returncode}; it printed:\n{site_server.output()}")
    return site_server.url


@pytest.fixture(scope="package")
def browser(served_site: Path) -> Iterator[Browser]:
    """Launch the Debian Chromium once for these tests, after the site is built (see above)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need the Debian package "
            "(apt-get install chromium; .ci/run does this), or set CHROMIUM_PATH. "
            "Skip them with: pytest -m 'not browser'",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def axe_script() -> Path:
    """Return the path of axe-core's script, installed from npm by `npm ci`."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` in {REPO} (make test does it)", pytrace=False)
    return AXE_SCRIPT


def is_local(url: str) -> bool:
    """Tell whether a request stays on the test server's host (data: and about: URLs do)."""
    parsed = urlparse(url)
    return parsed.scheme not in ("http", "https", "ws", "wss") or parsed.hostname == LOCAL_HOST


@dataclass
class Tab:
    """One open page, reused for every visit with the same context options, and its current log.

    Each request is charged to the log of the visit that made it: the next visit's
    navigation aborts what the previous page still had in flight (a favicon, typically),
    and that is no fault of either page.
    """

    page: Page
    log: PageLog = field(default_factory=PageLog)
    log_of_request: dict[Request, PageLog] = field(default_factory=dict)

    def on_request(self, request: Request) -> None:
        self.log_of_request[request] = self.log
        if not is_local(request.url):
            self.log.foreign_requests.append(request.url)

    def on_request_failed(self, request: Request) -> None:
        # ERR_ABORTED is the browser cancelling a request, as the next navigation does with
        # the last page's favicon; Playwright may report that request's start only after the
        # navigation began, so it cannot always be charged to the right visit. A file the
        # server lacks still fails as HTTP 404 (on_response), and a refused connection as itself.
        if request.failure != "net::ERR_ABORTED":
            self.log_of_request.get(request, self.log).failed_requests.append(f"{request.url}: {request.failure}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.log_of_request.get(response.request, self.log).failed_requests.append(f"{response.url}: HTTP {response.status}")


def _open_tab(browser: Browser, options: dict) -> Tab:
    context = browser.new_context(**options)
    # Every page here is local and tiny: a click still waiting after 10 s will never succeed.
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    # Requests elsewhere are aborted, so a stray CDN link fails fast instead of hanging.
    context.route(lambda url: not is_local(url), lambda route: route.abort("blockedbyclient"))
    tab = Tab(context.new_page())
    tab.page.on("console", lambda message: message.type == "error" and tab.log.console_errors.append(message.text))
    tab.page.on("pageerror", lambda error: tab.log.console_errors.append(f"uncaught: {error}"))
    tab.page.on("request", tab.on_request)
    tab.page.on("requestfailed", tab.on_request_failed)
    tab.page.on("response", tab.on_response)
    return tab


@pytest.fixture
def visit(browser: Browser, site_url: str) -> Iterator[Callable[..., tuple[Page, PageLog]]]:
    """Return a function that loads a site path the way a reader would.

    `visit("/articles/x/", color_scheme="dark")` takes Playwright's context options and
    returns the loaded page with a fresh log of its console errors and bad or foreign
    requests. Visits with the same options share one tab (opening a tab costs more
    than loading a page of this site); navigating resets everything a test changed in
    the page except emulated media.
    """
    tabs: dict[str, Tab] = {}

    def load(path: str, **context_options) -> tuple[Page, PageLog]:
        key = repr(sorted(context_options.items()))
        if key not in tabs:
            tabs[key] = _open_tab(browser, context_options)
        tab = tabs[key]
        tab.log = PageLog()
        tab.page.goto(site_url + path, wait_until="load")
        return tab.page, tab.log

    yield load
    for tab in tabs.values():
        tab.page.context.close()
