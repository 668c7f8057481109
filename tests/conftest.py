"""Fixtures: a small valid site written into tmp_path, and the CLI called as users call it.

`make_site` writes a mapping {relative path: text or bytes} over `BASE_SITE` and returns
the project root. Text is dedented, so a test's files read as they would on disk. The
sites have no templates/ or static/ of their own, so sitegen uses the repository's.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from sitegen.commands.cli import main
from sitegen.messages import LANGUAGE_VARIABLE, LOCALE_VARIABLES, use_language

# The smallest site that uses every kind of content file: config, home page, two
# articles that link to each other (one to a heading's anchor), one data file.
BASE_SITE: dict[str, str | bytes] = {
    "content/site.yaml": """\
        title: Test briefing
        description: A small site for the tests.
        """,
    "content/index.md": """\
        ---
        title: Test briefing
        summary: The front page of the test site.
        ---
        Start with [the first article](/articles/first/).
        """,
    "content/articles/first.md": """\
        ---
        title: First article
        summary: The first article.
        date: 2024-01-02
        ---
        ## Background

        A report says so [@test-report]. Read [the details](/articles/second/#details).
        """,
    "content/articles/second.md": """\
        ---
        title: Second article
        summary: The second article.
        date: 2024-01-03
        ---
        ## Details

        Back to [the first article](/articles/first/).
        """,
    "content/sources.yaml": """\
        - id: test-report
          outlet: The Test Times
          title: A report for the tests
          url: https://example.org/report
          published: 2024-01-01
          language: en
          kind: news
          accessed: {TODAY}
        """,
    "content/data/numbers.yaml": """\
        description: Two numbers for the test charts.
        sources: [test-report]
        columns:
          year: category
          value: number
        rows:
          - year: "2023"
            value: 1
          - year: "2024"
            value: 2
        """,
}

# Every source of BASE_SITE counts as freshly checked, so builds print no "last checked" warning.
BASE_SITE["content/sources.yaml"] = BASE_SITE["content/sources.yaml"].replace("{TODAY}", dt.date.today().isoformat())

# A Russian edition's own settings and home page; tests add its articles and data.
RUSSIAN_EDITION = {
    "content/site.ru.yaml": "title: Тестовый обзор\ndescription: Сайт для тестов.\nnavigation:\n  - title: Главная\n    url: /ru/\n",
    "content/index.ru.md": "---\ntitle: Тестовый обзор\nsummary: Главная страница.\n---\nНачните с [первой статьи](/ru/articles/first/).\n",
}

# One tiny chart over content/data/numbers.yaml; tests reuse it so that vl-convert
# renders as few distinct charts as possible.
CHART_BLOCK = """\
```chart
data: numbers
kind: bar
x: year
y: value
description: Bar chart of value by year, 1 in 2023 and 2 in 2024.
```
"""


def write_files(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write each file under root; text is dedented, None deletes the file."""
    for relative, content in files.items():
        path = root / relative
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Run every test in English, whatever this machine's locale, and leave no language behind."""
    for name in (*LOCALE_VARIABLES, LANGUAGE_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    use_language("en")
    yield
    use_language("en")


@pytest.fixture
def make_site(tmp_path):
    """Return a function writing BASE_SITE plus the given files into tmp_path; it returns the root.

    make_site({"content/articles/b.md": "..."}) adds or replaces files; a value of None
    removes a base file; base=False writes only the given files (to break a built site).
    """

    def make(files: dict[str, str | bytes | None] | None = None, *, base: bool = True) -> Path:
        write_files(tmp_path, {**(BASE_SITE if base else {}), **(files or {})})
        return tmp_path

    return make


@pytest.fixture
def chart_block() -> str:
    """Return the Markdown of the one test chart."""
    return CHART_BLOCK


@pytest.fixture
def build():
    """Return a function running `build.py build` on a project root, as a user would."""

    def run(root: Path, *options: str, output: str = "_site") -> int:
        return main(["build", "--content", str(root / "content"), "--output", str(root / output), *options])

    return run


@pytest.fixture(scope="session")
def good_output(tmp_path_factory) -> Path:
    """Return the _site folder of BASE_SITE built once, for tests that need a previous output."""
    root = tmp_path_factory.mktemp("good")
    write_files(root, BASE_SITE)
    assert main(["build", "--content", str(root / "content"), "--output", str(root / "_site")]) == 0
    return root / "_site"


@pytest.fixture
def built_site(make_site, good_output):
    """Return the root of BASE_SITE with a good build already in _site."""
    root = make_site()
    shutil.copytree(good_output, root / "_site")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under folder, by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def read_tree():
    """Return `snapshot`: every file under a folder by relative path, with its bytes."""
    return snapshot


@pytest.fixture
def assert_fails_cleanly(built_site, make_site, build, capsys, good_output):
    """Return a check: writing `files` into built_site makes the build fail with one error containing `expected`,
    no traceback, the previous output unchanged and no temporary folder left behind."""
    def check(files: dict[str, str], expected: str) -> None:
        make_site(files, base=False)
        code = build(built_site)
        err = capsys.readouterr().err
        assert code == 1, err
        assert expected in err, err
        assert err.endswith("\n1 error; nothing was written.\n"), err
        assert "Traceback" not in err, err
        assert snapshot(built_site / "_site") == snapshot(good_output), "the failed build changed the previous output"
        leftovers = sorted(p.name for p in built_site.iterdir() if p.name != ".cache")
        written = {Path(relative).parts[0] for relative in files}  # e.g. templates/ of a case's own
        assert leftovers == sorted({"_site", "content"} | written), "a temporary folder was left behind"
    return check


def list_child_processes() -> dict[int, bytes]:
    """Return this process's child processes that are still there (ended, unreaped ones too): pid -> command line."""
    found = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            parent = next(line.split()[1] for line in status.read_text().splitlines() if line.startswith("PPid:"))
            command = (status.parent / "cmdline").read_bytes()
        except (OSError, StopIteration):
            continue  # ended meanwhile
        if parent == str(os.getpid()):
            found[int(status.parent.name)] = command
    return found


@pytest.fixture
def child_processes():
    """Return `list_child_processes`: this process's children, pid -> command line (Linux /proc)."""
    return list_child_processes
