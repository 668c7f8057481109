"""The dev server's rebuild path: after an edit the served folder equals a clean build,
a broken edit keeps the last good pages and shows the errors in them, and fixing the
file recovers by itself; no fault ends its watcher, and its memory does not grow from one
storm of faults to the next (issue 20)."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from sitegen.commands.serve import SETTLE_SECONDS, DevSite
from sitegen.options import BuildOptions
from sitegen.reading.project import PACKAGE_ROOT, Project
from sitegen.runs import build_site

OPTIONS = BuildOptions(include_drafts=True, search_index=False, mirror_zip=False, one_file=False)  # what the dev server makes


def served(dev_site: DevSite, path: str) -> tuple[str, bytes]:
    """Return (status, body) of one request to the dev server's WSGI app."""
    answer = {}
    body = b"".join(dev_site.respond({"PATH_INFO": path}, lambda status, headers: answer.update(status=status)))
    return answer["status"], body


def edited_in_the_dev_server(root: Path) -> tuple[Project, DevSite, list[str]]:
    """Start a dev server on a site, edit one article and rebuild: (project, dev server, changed output files)."""
    project = Project.from_content_dir(root / "content")
    dev_site = DevSite(project, root / "_serve", OPTIONS)
    dev_site.first_build()
    article = root / "content/articles/second.md"
    article.write_text(article.read_text().replace("Back to", "Go back to"), encoding="utf-8")
    return project, dev_site, dev_site.rebuild({article.resolve()})


def test_rebuild_after_an_edit_serves_what_a_clean_build_writes(make_site, read_tree, tmp_path):
    root = make_site()
    project, dev_site, changed = edited_in_the_dev_server(root)

    assert "articles/second/index.html" in changed
    build_site(project, tmp_path / "clean", OPTIONS)
    assert read_tree(root / "_serve") == read_tree(tmp_path / "clean")
    status, body = served(dev_site, "/articles/second/")
    assert status == "200 OK" and b"Go back to" in body


def test_an_edit_to_an_article_makes_that_article_alone_again(make_site, read_tree, tmp_path):
    root = make_site()
    project, dev_site, changed = edited_in_the_dev_server(root)

    made = dev_site.builder.memory.graph.made
    assert sorted(changed) == ["articles/second/index.html", "feed.xml"], changed  # the feed carries its body
    # Issue 29: an edit's work is that article's: read, validated, listed, rendered; its links are as they were.
    assert made == {"read": 1, "article": 1, "wording": 1, "listing": 1, "page": 1, "feed": 1}, made
    build_site(project, tmp_path / "clean", OPTIONS)
    assert read_tree(root / "_serve") == read_tree(tmp_path / "clean")


def test_a_broken_edit_keeps_the_last_good_page_with_the_errors_on_it_until_fixed(make_site):
    root = make_site()
    dev_site = DevSite(Project.from_content_dir(root / "content"), root / "_serve", OPTIONS)
    dev_site.first_build()
    article = root / "content/articles/second.md"
    good = article.read_text()
    article.write_text(good.replace("title: Second article", "title: [broken"), encoding="utf-8")

    dev_site.rebuild({article.resolve()})

    status, body = served(dev_site, "/articles/second/")
    assert status == "200 OK" and b"Second article" in body  # the last good version
    assert b'role="alert"' in body and b"content/articles/second.md:2: YAML syntax error" in body

    article.write_text(good, encoding="utf-8")
    dev_site.rebuild({article.resolve()})

    assert b'role="alert"' not in served(dev_site, "/articles/second/")[1]


def test_unknown_addresses_get_the_404_page(make_site):
    root = make_site()
    dev_site = DevSite(Project.from_content_dir(root / "content"), root / "_serve", OPTIONS)
    dev_site.first_build()

    status, body = served(dev_site, "/no/such/page/")

    assert status == "404 Not Found" and b"Page not found" in body


def test_a_file_saved_again_while_pages_render_is_read_again(make_site):
    # The watcher has not yet reported the article's save when site.yaml's rebuild reads its
    # body again to render it: that SiteError used to escape and end the watcher (issue 20).
    root = make_site()
    dev_site = DevSite(Project.from_content_dir(root / "content"), root / "_serve", OPTIONS)
    dev_site.first_build()
    article, config = root / "content/articles/second.md", root / "content/site.yaml"
    article.write_text(article.read_text().replace("Back to", "Saved meanwhile, back to"), encoding="utf-8")
    config.write_text(config.read_text().replace("A small site", "A smaller site"), encoding="utf-8")

    dev_site.rebuild({config.resolve()})

    status, body = served(dev_site, "/articles/second/")
    assert b'role="alert"' not in body, body
    assert b"Saved meanwhile" in body and b"A smaller site" in body


def test_a_file_read_while_its_save_is_under_way_is_read_again(make_site):
    # Editors truncate a file, then write it: a rebuild that reads it empty waits and reads again.
    root = make_site()
    dev_site = DevSite(Project.from_content_dir(root / "content"), root / "_serve", OPTIONS)
    dev_site.first_build()
    article = root / "content/articles/second.md"
    saved = article.read_text().replace("Back to", "Written after a pause, back to")
    article.write_text("", encoding="utf-8")
    finish_saving = threading.Timer(SETTLE_SECONDS / 4, article.write_text, (saved,), {"encoding": "utf-8"})
    finish_saving.start()

    dev_site.rebuild({article.resolve()})

    finish_saving.join()
    status, body = served(dev_site, "/articles/second/")
    assert b'role="alert"' not in body, body
    assert b"Written after a pause" in body


def test_an_unexpected_error_is_shown_in_the_page_and_the_next_save_recovers(make_site):
    # Another build cleaned the cache's file store under the dev server (issue 20): a
    # FileNotFoundError, not an editor's mistake, so the page shows the traceback.
    root = make_site()
    dev_site = DevSite(Project.from_content_dir(root / "content"), root / "_serve", replace(OPTIONS, use_cache=True))
    dev_site.first_build()
    shutil.rmtree(root / ".cache")
    article = root / "content/articles/second.md"
    article.write_text(article.read_text().replace("Back to", "Go back to"), encoding="utf-8")

    assert dev_site.rebuild({article.resolve()}) == ["(errors)"]

    status, body = served(dev_site, "/articles/second/")
    assert status == "200 OK" and b"Back to" in body  # the last good version
    assert b'role="alert"' in body and b"FileNotFoundError" in body and b"Traceback" in body, body

    article.write_text(article.read_text().replace("Go back to", "Go on back to"), encoding="utf-8")
    assert "(recovered)" in dev_site.rebuild({article.resolve()})

    status, body = served(dev_site, "/articles/second/")
    assert b'role="alert"' not in body and b"Go on back to" in body, body


# The dev server as editors run it, in its own process, under a storm of faults.


@dataclass
class RunningServer:
    """A `build.py serve` process, its port and the file its output goes to."""

    process: subprocess.Popen
    port: int
    log: Path

    def get(self, path: str) -> bytes:
        """Return the body of one page (the 404 page's too); fail with the server's output if it died."""
        assert self.process.poll() is None, f"the dev server died:\n{self.log.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as answer:
                return answer.read()
        except urllib.error.HTTPError as error:
            return error.read()

    def wait_for(self, path: str, *, shows: str, broken: bool, timeout: float = 20) -> bytes:
        """Wait until the page contains `shows`, with the error panel or without it; return its body."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.get(path)
            if shows.encode() in body and (b'role="alert"' in body) == broken:
                return body
            if time.monotonic() > deadline:
                pytest.fail(f"{path} never showed {shows!r} (broken={broken}); last body:\n{body[:2000]!r}\n"
                            f"server output:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.05)

    def memory(self) -> int:
        """Return the server process's resident memory, in bytes (Linux /proc)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dev_server(make_site, tmp_path_factory) -> Iterator[RunningServer]:
    """Run `build.py serve` on a copy of the test site with its own templates; stop it afterwards."""
    root = make_site()
    shutil.copytree(PACKAGE_ROOT / "templates", root / "templates")
    log = tmp_path_factory.mktemp("server") / "output.txt"
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-u", str(PACKAGE_ROOT / "build.py"), "serve", "--content", str(root / "content"),
             "--output", str(root / "_serve"), "--port", str(port)],
            cwd=root, stdout=output, stderr=subprocess.STDOUT)
    server = RunningServer(process, port, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                server.get("/")
                break
            except urllib.error.URLError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def save_like_an_editor(path: Path, text: str) -> None:
    """Truncate the file, then write it in two parts, as editors and sync tools do."""
    with path.open("w", encoding="utf-8") as stream:
        stream.flush()
        half = len(text) // 2
        stream.write(text[:half])
        stream.flush()
        stream.write(text[half:])


def run_fault_storm(server: RunningServer, root: Path, storm: int) -> None:
    """Break the site every way an editor's machine can, checking each shows in the page and heals."""
    article = root / "content/articles/second.md"
    good = article.read_text(encoding="utf-8")
    for save in range(100):  # a burst of saves; some are read half-written
        save_like_an_editor(article, good.replace("Back to", f"Storm {storm}, save {save}: back to"))
        if save % 10 == 0:
            time.sleep(0.005)
    server.wait_for("/articles/second/", shows=f"Storm {storm}, save 99:", broken=False)

    article.unlink()  # deleted and restored
    server.wait_for("/articles/first/", shows="content/articles/first.md:8: the link", broken=True)
    article.write_text(good, encoding="utf-8")
    server.wait_for("/articles/second/", shows="Back to", broken=False)

    articles = root / "content/articles"  # a folder renamed, then renamed back
    articles.rename(root / "content/articles-renamed")
    server.wait_for("/", shows="content/index.md:5: the link &#x27;/articles/first/&#x27; leads to no page", broken=True)
    (root / "content/articles-renamed").rename(articles)
    server.wait_for("/articles/first/", shows="First article", broken=False)

    template = root / "templates/article.html"  # a template broken and fixed
    good_template = template.read_text(encoding="utf-8")
    save_like_an_editor(template, good_template.replace("{{ page.title }}</h1>", "{{ page.titel }}</h1>"))
    server.wait_for("/articles/first/", shows="templates/article.html:", broken=True)
    save_like_an_editor(template, good_template)
    server.wait_for("/articles/first/", shows="First article", broken=False)

    data = root / "content/data/numbers.yaml"  # a data file replaced by garbage
    good_data = data.read_bytes()
    data.write_bytes(b"\xff" + random.Random(storm).randbytes(4000))
    server.wait_for("/", shows="content/data/numbers.yaml:", broken=True)
    data.write_bytes(good_data)
    server.wait_for("/", shows="Test briefing", broken=False)


def test_the_dev_server_survives_a_fault_storm_and_recovers_without_growing(dev_server, make_site):
    root = make_site({})

    run_fault_storm(dev_server, root, storm=1)
    after_first = dev_server.memory()
    run_fault_storm(dev_server, root, storm=2)
    after_second = dev_server.memory()

    assert after_second - after_first < 20 * 2**20, (after_first, after_second)
    assert "Traceback" not in dev_server.log.read_text(), dev_server.log.read_text()[-3000:]


def test_an_edit_elsewhere_reuses_the_chart_downloads_from_the_graph(make_site, read_tree, tmp_path, chart_block,
                                                                      monkeypatch):
    from sitegen.publishing import edition_files

    root = make_site()
    first = root / "content/articles/first.md"
    first.write_text(first.read_text(encoding="utf-8") + "\n" + chart_block, encoding="utf-8")
    project = Project.from_content_dir(root / "content")
    dev_site = DevSite(project, root / "_serve", OPTIONS)
    dev_site.first_build()
    made_again = []
    real = edition_files.chart_download
    monkeypatch.setattr(edition_files, "chart_download", lambda *args: made_again.append(args) or real(*args))
    article = root / "content/articles/second.md"
    article.write_text(article.read_text().replace("Back to", "Go back to"), encoding="utf-8")

    dev_site.rebuild({article.resolve()})

    # Issue 29: the chart page's downloads are the graph's node, not typeset again at every edit.
    assert made_again == [] and "chart-downloads" not in dev_site.builder.memory.graph.made
    assert any(path.endswith(".csv") for path in read_tree(root / "_serve"))
    build_site(project, tmp_path / "clean", OPTIONS)
    assert read_tree(root / "_serve") == read_tree(tmp_path / "clean")
