"""The command line itself: help and README for every subcommand, usage errors, and `new`."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import socket
import stat
import sys
from pathlib import Path

import pytest

from sitegen.commands.cli import main

REPO = Path(__file__).resolve().parent.parent
SUBCOMMANDS = ["build", "check", "serve", "new", "translations", "check-links"]


def test_the_main_help_lists_exactly_these_subcommands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])

    out = capsys.readouterr().out
    assert exit_info.value.code == 0, out
    # A long name has its help on the next line; a name may have a hyphen.
    listed = re.findall(r"^    ([\w-]+)(?: +\S|$)", out, re.MULTILINE)
    assert sorted(listed) == sorted(SUBCOMMANDS), out


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])

    out = capsys.readouterr().out
    assert exit_info.value.code == 0, out
    assert out.startswith(f"usage: build.py {command}"), out
    assert len(out.splitlines()) > 3, out


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_is_in_the_readme(command):
    readme = (REPO / "README.md").read_text(encoding="utf-8")

    assert f"build.py {command}" in readme


@pytest.mark.parametrize("argv", [[], ["publish"], ["build", "--no-such-option"], ["serve", "--port", "eighty"],
                                  ["build", "--base-url", "example.org/briefing/"]],
                         ids=["no-command", "unknown-command", "unknown-option", "bad-port", "base-url-without-scheme"])
def test_misused_command_line_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)

    err = capsys.readouterr().err
    assert exit_info.value.code == 2, err
    assert err.startswith("usage: build.py"), err


def test_new_creates_a_draft_that_builds_and_prints_its_path(make_site, build, capsys):
    root = make_site()
    content = root / "content"

    code = main(["new", "Some Title", "--content", str(content)])

    out, err = capsys.readouterr()
    created = content / "articles" / "some-title.md"
    assert code == 0, err
    assert out == f"{created.as_posix()}\n"
    text = created.read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Some Title"\n'), text
    assert f"date: {dt.date.today().isoformat()}\n" in text
    assert "draft: true\n" in text
    assert build(root, "--drafts") == 0, capsys.readouterr().err
    assert "<h1>Some Title</h1>" in (root / "_site/articles/some-title/index.html").read_text(encoding="utf-8")


def test_new_keeps_quotes_and_backslashes_in_the_title(make_site, capsys):
    root = make_site()
    title = 'The "exit" in C:\\Reports, café'

    assert main(["new", title, "--content", str(root / "content")]) == 0, capsys.readouterr().err
    capsys.readouterr()
    code = main(["check", "--content", str(root / "content")])

    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in (root / "content/articles").iterdir()) == [
        "first.md", "second.md", "the-exit-in-c-reports-cafe.md"]


def test_new_refuses_to_overwrite_an_existing_article(make_site, capsys):
    root = make_site()
    existing = root / "content/articles/second.md"
    before = existing.read_bytes()

    code = main(["new", "Second!", "--content", str(root / "content")])

    out, err = capsys.readouterr()
    assert code == 1, err
    assert out == ""
    assert err == (
        "content/articles/second.md: an article with this file name already exists\n"
        "    hint: choose another title, or edit the existing file\n"
        "1 error; nothing was written.\n"
    )
    assert existing.read_bytes() == before


def test_new_refuses_a_title_without_letters_or_digits(make_site, capsys):
    root = make_site()

    code = main(["new", "!!!", "--content", str(root / "content")])

    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith("content/articles: cannot make a file name from the title '!!!'\n"), err


def test_verbose_build_lists_only_the_files_it_wrote(make_site, build, capsys):
    root = make_site()
    assert build(root, "--verbose") == 0
    first = capsys.readouterr().err
    assert "wrote " in first and re.search(r"built \d+ files into .* \(0 unchanged", first)

    assert build(root, "--verbose") == 0

    again = capsys.readouterr().err
    assert "wrote " not in again
    total = int(re.search(r"built (\d+) files", again).group(1))
    assert f"({total} unchanged, not rewritten)" in again


@pytest.mark.parametrize("options", [(), ("--no-cache",)], ids=["cache", "no-cache"])
def test_built_files_are_readable_by_everyone_and_stand_alone(make_site, build, options):
    # Pages come from the build's file store; a web server running as another user must read
    # them, and an edit to one must not reach the store (or another build's copy).
    root = make_site()
    assert build(root, *options) == 0
    mask = os.umask(0)
    os.umask(mask)
    for path in [root / "_site/index.html", root / "_site/articles/first/index.html"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path
    page = root / "_site/articles/first/index.html"
    if not options:  # from .cache/store/: a copy of its own
        assert page.stat().st_nlink == 1
    before = page.read_bytes()
    page.write_bytes(b"edited by hand")
    assert build(root, "--no-cache") == 0
    assert page.read_bytes() == before


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("ci", [None, "true"], ids=["terminal", "ci"])
def test_a_build_shows_its_progress_on_a_terminal_and_only_its_closing_line_in_ci(make_site, build, monkeypatch, ci):
    root = make_site()
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)

    assert build(root) == 0

    shown = terminal.getvalue()
    closing = r"built \d+ files into .*_site in [\d.]+ s \(\d+ unchanged, not rewritten\)\n$"
    if ci:  # a log gets no progress, but says the build finished (issue 21)
        assert re.fullmatch(closing, shown), shown
    else:
        # Each count ends on its own finished line: pages, then cards and search while they are made.
        for finished in (r"pages: (\d+)/\1, [\d.]+ s\n", r"social cards: (\d+)/\1, [\d.]+ s\n",
                         r"search index shards \(en\): 1/1, [\d.]+ s\n"):
            assert re.search(finished, shown), shown
        # and the build says it is done, and where it wrote.
        assert re.search(closing, shown), shown


def test_serve_on_a_busy_port_is_one_line_with_the_fix(make_site, capsys):
    root = make_site()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        code = main(["serve", "--content", str(root / "content"), "--port", str(port)])

    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith(f"127.0.0.1:{port}: cannot serve here: the port is in use\n"), err
    assert f"run `make serve PORT={port + 1}`" in err and "Traceback" not in err, err
    assert not (root / "_site").exists()  # nothing built
