"""`check-links`: every source's address asked over the network, against a server of our own (issue 31, items 1 and 2).

A threaded http.server on 127.0.0.1 answers each kind of page a source can have become
(fine, moved, missing, gone, refusing robots, slow, erring); a closed port refuses, and
`nonexistent.invalid` never resolves (RFC 6761). No test reaches any other machine.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from sitegen.commands.cli import main
from sitegen.reading.project import PACKAGE_ROOT

DEAD_HINT = ("    hint: find an archived copy (web.archive.org, archive.today) and add its address to this source as "
             "'archive_url:', or replace the source; EDITING.md says how")
UNVERIFIED_HINT = "    hint: open the address in a browser: if the page is there, there is nothing to change"
MOVED_HINT = "    hint: open the new address; if it is the same page, write it as 'url:' and set 'accessed:' to today"
SLOW_SECONDS = 5  # the slow page answers after this, or when the test ends; the tests wait 0.3 s


class SourcePages(BaseHTTPRequestHandler):
    """Answers as the sites of cited sources may: path -> (status, Location), some by method."""

    ROUTES = {
        "/": (200, None),
        "/ok": (200, None),
        "/moved": (301, "/ok"),
        "/moved-home": (301, "/"),
        "/moved-away": (308, "/missing"),
        "/missing": (404, None),
        "/gone": (410, None),
        "/busy": (429, None),
        "/forbidden": (403, None),
        "/paywalled": (302, "/account/login?next=/paywalled"),
        "/account/login": (200, None),
        "/error": (500, None),
        "/loop": (302, "/loop"),
        "/статья": (200, None),
        "/переехала": (301, "/статья"),
    }

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's name)
        self.answer()

    def do_GET(self) -> None:  # noqa: N802
        self.answer()

    def answer(self) -> None:
        server = self.server
        with server.lock:
            server.requests.append((self.command, self.path, self.headers.get("User-Agent"), time.monotonic()))
            server.in_flight += 1
            server.most_at_once = max(server.most_at_once, server.in_flight)
        try:
            path = unquote(self.path.partition("?")[0])
            if path == "/slow":
                server.release.wait(SLOW_SECONDS)
                status, location = 200, None
            elif path == "/head-refused":
                status, location = (405, None) if self.command == "HEAD" else (200, None)
            else:
                status, location = self.ROUTES.get(path, (404, None))
            self.send_response(status)
            if location:
                self.send_header("Location", location.encode().decode("latin-1"))  # UTF-8 bytes, as some servers send
            self.send_header("Content-Length", "0")
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on the slow page: as a real server, carry on
        finally:
            with server.lock:
                server.in_flight -= 1

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        pass


@pytest.fixture
def pages():
    """Serve SourcePages on 127.0.0.1 at a free port; the server has .base, .requests and .most_at_once."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), SourcePages)
    server.lock, server.requests, server.in_flight, server.most_at_once = threading.Lock(), [], 0, 0
    server.release = threading.Event()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    """Return a port nothing listens on: bound, then closed again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def registry(sources: dict[str, str | tuple[str, str]]) -> str:
    """Return sources.yaml with a source per id: {id: url} or {id: (url, archive_url)}."""
    entries = []
    for source_id, addresses in sources.items():
        url, archive = addresses if isinstance(addresses, tuple) else (addresses, None)
        entries.append(f"- id: {source_id}\n  outlet: The Test Times\n  url: {url}\n"
                       + (f"  archive_url: {archive}\n" if archive else "")
                       + "  published: 2024-01-01\n  language: en\n  kind: news\n  accessed: 2024-02-01\n")
    return "\n".join(entries)


def line_of(text: str, fragment: str) -> int:
    """Return the 1-based line of the first line holding fragment."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def check_links(root: Path, *options: str) -> int:
    return main(["check-links", "--content", str(root / "content"), "--timeout", "0.3", "--wait", "0", *options])


# Each case: the source's address, its status line after `content/sources.yaml:LINE: `, its hint, the exit code.
CASES = {
    "fine": ("{base}/ok", "ok: case: HTTP 200, {base}/ok", None, 0),
    "moved": ("{base}/moved", "moved: case: {base}/moved now leads to {base}/ok", MOVED_HINT, 0),
    "moved-to-front-page": ("{base}/moved-home",
                            "moved: case: {base}/moved-home now leads to the site's front page, {base}/: the page may be gone",
                            DEAD_HINT, 0),
    "moved-to-a-missing-page": ("{base}/moved-away", "dead: case: HTTP 404 at {base}/missing", DEAD_HINT, 1),
    "not-found": ("{base}/missing", "dead: case: HTTP 404 at {base}/missing", DEAD_HINT, 1),
    "gone": ("{base}/gone", "dead: case: HTTP 410 at {base}/gone", DEAD_HINT, 1),
    "too-many-requests": ("{base}/busy", "could not verify: case: HTTP 429 at {base}/busy: the site asks us to slow down",
                          UNVERIFIED_HINT, 0),
    "forbidden": ("{base}/forbidden",
                  "could not verify: case: HTTP 403 at {base}/forbidden: the site refuses automated requests", UNVERIFIED_HINT, 0),
    "login-wall": ("{base}/paywalled", "could not verify: case: it sends readers to a login, subscription or consent page: "
                   "{base}/account/login?next=/paywalled", UNVERIFIED_HINT, 0),
    "server-error": ("{base}/error", "could not verify: case: HTTP 500 at {base}/error, twice: the server failed",
                     UNVERIFIED_HINT, 0),
    "redirect-loop": ("{base}/loop", "could not verify: case: the redirects never arrive at a page (the last led to {base}/loop)",
                      UNVERIFIED_HINT, 0),
    "slow": ("{base}/slow", "could not verify: case: no answer within 0.3 s, twice", UNVERIFIED_HINT, 0),
    "cyrillic-address": ("{base}/переехала", "moved: case: {base}/переехала now leads to "
                         "{base}/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F", MOVED_HINT, 0),
    "head-refused": ("{base}/head-refused", "ok: case: HTTP 200, {base}/head-refused", None, 0),
    "closed-port": ("http://127.0.0.1:{closed}/page", "could not verify: case: 127.0.0.1 refused the connection, twice",
                    UNVERIFIED_HINT, 0),
    "no-such-name": ("http://nonexistent.invalid/page", "dead: case: the name nonexistent.invalid does not exist", DEAD_HINT, 1),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_kind_of_address_gets_its_status_its_address_and_its_hint(case, pages, closed_port, make_site, capsys):
    address, status_line, hint, exit_code = (part.format(base=pages.base, closed=closed_port) if isinstance(part, str) else part
                                             for part in case)
    sources = registry({"test-report": f"{pages.base}/ok?cited", "case": address})
    root = make_site({"content/sources.yaml": sources})

    code = check_links(root)

    out, err = capsys.readouterr()
    expected = [f"content/sources.yaml:3: ok: test-report: HTTP 200, {pages.base}/ok?cited",
                f"content/sources.yaml:11: {status_line}", *([hint] if hint else [])]
    assert out.splitlines()[:-1] == expected, out + err
    assert out.splitlines()[-1].startswith("2 addresses checked: "), out
    assert code == exit_code, out + err
    assert err == "", err


def test_politeness_one_request_at_a_time_per_site_a_pause_between_two_and_a_named_user_agent(pages, make_site, capsys):
    root = make_site({"content/sources.yaml": registry({f"page-{n}": f"{pages.base}/ok?n={n}" for n in range(4)})})

    code = main(["check-links", "--content", str(root / "content"), "--wait", "0.2"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert pages.most_at_once == 1, pages.requests
    assert [request[:2] for request in pages.requests] == [("HEAD", f"/ok?n={n}") for n in range(4)]
    started = [request[3] for request in pages.requests]
    assert all(later - earlier >= 0.2 for earlier, later in zip(started, started[1:], strict=False)), started
    assert all(request[2].startswith("Mozilla/5.0 (compatible; sitegen-check-links/1.0; ") for request in pages.requests)


def test_a_server_error_is_asked_once_more_a_missing_page_is_not(pages, make_site, capsys):
    root = make_site({"content/sources.yaml": registry({"erring": f"{pages.base}/error", "missing": f"{pages.base}/missing"})})

    check_links(root)

    asked = [request[:2] for request in pages.requests]
    # HEAD answered with an error is asked again with GET, as a server may answer HEAD wrongly.
    assert asked.count(("HEAD", "/error")) == 2 and asked.count(("GET", "/error")) == 2, asked
    assert asked.count(("HEAD", "/missing")) == 1 and asked.count(("GET", "/missing")) == 1, asked


def test_a_dead_address_with_an_archived_copy_that_answers_is_a_warning_and_exits_0(pages, make_site, capsys):
    sources = registry({"archived": (f"{pages.base}/gone", f"{pages.base}/ok")})
    root = make_site({"content/sources.yaml": sources})

    code = check_links(root)

    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines() == [
        f"content/sources.yaml:{line_of(sources, '/gone')}: dead: archived: HTTP 410 at {pages.base}/gone",
        f"    hint: readers still have the archived copy, {pages.base}/ok; replace 'url:' when you find where the page went",
        f"content/sources.yaml:{line_of(sources, 'archive_url')}: ok: archived (archive_url): HTTP 200, {pages.base}/ok",
        "2 addresses checked: 1 ok, 0 moved, 0 could not be verified, 1 dead",
    ], out


def test_offline_it_says_so_in_one_line_and_exits_0(make_site, capsys):
    root = make_site({"content/sources.yaml": registry({"a": "http://nonexistent.invalid/a",
                                                        "b": "https://www.nonexistent.invalid/b"})})

    code = check_links(root)

    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert out == "offline: no source's site name resolves, so no address was checked\n", out


@pytest.mark.parametrize(("options", "expected"), [
    (["--format", "github"], '::notice title=build.py check-links::offline: no source\'s site name resolves, so no address was checked\n'),
    (["--format", "json"], '{"offline": true, "message": "offline: no source\'s site name resolves, so no address was checked"}\n'),
    (["--lang", "ru"], "нет сети: ни одно имя сайта источников не находится, поэтому ни один адрес не проверен\n"),
], ids=["github", "json", "russian"])
def test_offline_is_one_line_in_every_format(options, expected, make_site, capsys):
    root = make_site({"content/sources.yaml": registry({"a": "http://nonexistent.invalid/a"})})

    assert check_links(root, *options) == 0
    assert capsys.readouterr().out == expected


def test_a_site_without_sources_has_nothing_to_check(make_site, capsys):
    root = make_site({"content/site.yaml": "title: t\ndescription: d\n"}, base=False)

    assert check_links(root) == 0
    assert capsys.readouterr().out == "0 addresses checked: 0 ok, 0 moved, 0 could not be verified, 0 dead\n"


def test_github_format_annotates_dead_moved_and_unverified_at_their_lines(pages, make_site, capsys):
    sources = registry({"fine": f"{pages.base}/ok", "moved": f"{pages.base}/moved", "gone": f"{pages.base}/gone",
                        "refused": f"{pages.base}/forbidden"})
    root = make_site({"content/sources.yaml": sources})

    code = check_links(root, "--format", "github")

    out = capsys.readouterr().out
    at = "::{} file=content/sources.yaml,line={},title=build.py check-links::".format
    assert code == 1, out
    assert out.splitlines() == [
        at("warning", line_of(sources, "/moved")) + f"moved: moved: {pages.base}/moved now leads to {pages.base}/ok"
        "%0Ahint: open the new address; if it is the same page, write it as 'url:' and set 'accessed:' to today",
        at("error", line_of(sources, "/gone")) + f"dead: gone: HTTP 410 at {pages.base}/gone%0Ahint: find an archived copy "
        "(web.archive.org, archive.today) and add its address to this source as 'archive_url:', or replace the source; "
        "EDITING.md says how",
        at("notice", line_of(sources, "/forbidden")) + f"could not verify: refused: HTTP 403 at {pages.base}/forbidden: "
        "the site refuses automated requests%0Ahint: open the address in a browser: if the page is there, there is nothing to change",
        "check-links: 4 addresses checked: 1 ok, 1 moved, 1 could not be verified, 1 dead",
    ], out


def test_json_format_gives_every_address_its_status_final_address_and_severity(pages, make_site, capsys):
    sources = registry({"fine": f"{pages.base}/ok", "moved": f"{pages.base}/moved", "gone": f"{pages.base}/gone"})
    root = make_site({"content/sources.yaml": sources})

    code = check_links(root, "--format", "json")

    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {key: document[key] for key in ("offline", "errors", "warnings", "notices")} == \
        {"offline": False, "errors": 1, "warnings": 1, "notices": 0}
    assert [(s["id"], s["field"], s["line"], s["status"], s["http_status"], s["final_url"], s["severity"])
            for s in document["sources"]] == [
        ("fine", "url", line_of(sources, "/ok"), "ok", 200, f"{pages.base}/ok", None),
        ("moved", "url", line_of(sources, "/moved"), "moved", 200, f"{pages.base}/ok", "warning"),
        ("gone", "url", line_of(sources, "/gone"), "dead", 410, f"{pages.base}/gone", "error"),
    ]
    assert document["sources"][2]["hint"].startswith("find an archived copy")
    assert document["sources"][2]["path"] == "content/sources.yaml"


def test_markdown_format_is_a_summary_with_the_problems_first_and_the_rest_folded(pages, make_site, capsys):
    sources = registry({"fine": f"{pages.base}/ok", "moved": f"{pages.base}/moved", "gone": f"{pages.base}/gone"})
    root = make_site({"content/sources.yaml": sources})

    code = check_links(root, "--format", "markdown")

    out = capsys.readouterr().out
    assert code == 1, out
    lines = out.splitlines()
    assert lines[0].startswith("### Sources' addresses, checked on "), out
    assert lines[2] == "3 addresses checked: 1 ok, 1 moved, 0 could not be verified, 1 dead", out
    assert lines[4:8] == [
        "| status | source | where | what we found | what to do |",
        "| --- | --- | --- | --- | --- |",
        f"| **dead** | `gone` | `content/sources.yaml:{line_of(sources, '/gone')}` | HTTP 410 at {pages.base}/gone | find an archived "
        "copy (web.archive.org, archive.today) and add its address to this source as 'archive_url:', or replace the source; "
        "EDITING.md says how |",
        f"| moved | `moved` | `content/sources.yaml:{line_of(sources, '/moved')}` | {pages.base}/moved now leads to "
        f"{pages.base}/ok | open the new address; if it is the same page, write it as 'url:' and set 'accessed:' to today |",
    ], out
    assert "<summary>1 address answered as it should</summary>" in out
    assert f"| `fine` | `content/sources.yaml:{line_of(sources, '/ok')}` | {pages.base}/ok |" in out


def test_it_never_changes_the_registry(pages, make_site, capsys):
    sources = registry({"moved": f"{pages.base}/moved", "gone": f"{pages.base}/gone"})
    root = make_site({"content/sources.yaml": sources})

    check_links(root)

    assert (root / "content/sources.yaml").read_text(encoding="utf-8") == sources


def test_a_broken_registry_is_reported_at_its_line_and_nothing_is_asked(pages, make_site, capsys):
    root = make_site({"content/sources.yaml": registry({"bad": "not-an-address"})})

    code = check_links(root)

    err = capsys.readouterr().err
    assert code == 1, err
    assert "content/sources.yaml:3: 'url' is not a web address: 'not-an-address'" in err, err
    assert pages.requests == []


@pytest.mark.parametrize("value", ["-1", "soon", "inf"])
def test_a_timeout_that_is_not_seconds_is_a_misused_command_line(value, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check-links", "--timeout", value])

    err = capsys.readouterr().err
    assert exit_info.value.code == 2, err
    assert f"'{value}' is not a number of seconds, such as 15 or 0.5" in err, err


def test_the_command_has_help_and_is_in_the_readme_and_editing(capsys):
    with pytest.raises(SystemExit):
        main(["check-links", "--help"])

    assert capsys.readouterr().out.startswith("usage: build.py check-links")
    assert "build.py check-links" in (PACKAGE_ROOT / "README.md").read_text(encoding="utf-8")
    assert "check-links" in (PACKAGE_ROOT / "EDITING.md").read_text(encoding="utf-8")


def test_the_scheduled_workflow_runs_weekly_and_on_demand_writes_the_summary_and_reads_only():
    workflow = yaml.safe_load((PACKAGE_ROOT / ".github/workflows/links.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true

    assert set(triggers) == {"schedule", "workflow_dispatch"}, triggers  # never a pull request's check
    assert len(triggers["schedule"]) == 1 and len(triggers["schedule"][0]["cron"].split()) == 5
    assert workflow["permissions"] == {"contents": "read"}
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    assert all(step["uses"].split("@")[1].isalnum() and len(step["uses"].split("@")[1]) == 40 for step in steps if "uses" in step)
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    runs = " ".join(step.get("run", "") for step in steps)
    assert "build.py check-links --format markdown" in runs and "$GITHUB_STEP_SUMMARY" in runs, runs
