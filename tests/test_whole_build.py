"""A build or check with nothing changed is the dependency graph's root node (issue 29): a new
process finds every input as the last run left it, prints what that run printed and stops,
without loading the pipeline; any change to any input runs the whole build, which then
writes the same bytes as a clean build. When only the output folder is gone or touched (a
deploy: a fresh clone with the last .cache/), the output is written from the file store,
again without the pipeline; a file missing from the store and the build runs in full."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.reading.project import PACKAGE_ROOT
from sitegen.reuse.cache import CACHE_FOLDER, store_folder

FIGURE = ("Back to [the first article](/articles/first/).",
          "Back to [the first article](/articles/first/). It had 42 users in 2023.")
DRAFT = "---\ntitle: Unfinished draft\nsummary: Not ready.\ndate: 2024-01-05\ndraft: true\n---\nWork in progress.\n"
THIRD = "---\ntitle: Third article\nsummary: The third article.\ndate: 2024-01-04\n---\nBack to [the first](/articles/first/).\n"
# Runs the command line as build.py does, then says whether the pipeline was loaded: the root path never loads it.
RUN = ("import sys\nfrom sitegen.commands.cli import main\ncode = main(sys.argv[1:])\n"
       "print('pipeline loaded' if 'sitegen.pipeline' in sys.modules else 'pipeline not loaded')\nsys.exit(code)")
CLOSING = re.compile(r"built (\d+) files into \S+ in [\d.]+ s \((\d+) unchanged, not rewritten\)")


@pytest.fixture
def site(make_site) -> Path:
    """Return a project with its own templates/ and static/, a draft, a third article and an uncited figure (a warning)."""
    root = make_site({"content/articles/unfinished.md": DRAFT, "content/articles/third.md": THIRD})
    second = root / "content/articles/second.md"
    second.write_text(second.read_text(encoding="utf-8").replace(*FIGURE), encoding="utf-8")
    shutil.copytree(PACKAGE_ROOT / "templates", root / "templates")
    shutil.copytree(PACKAGE_ROOT / "static", root / "static")
    return root


def in_new_process(root: Path, *arguments: str) -> tuple[int, str, str, bool]:
    """Run `build.py <arguments>` on the project in a new process; return (exit code, stdout, stderr, pipeline loaded)."""
    environment = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)}
    done = subprocess.run([sys.executable, "-c", RUN, *arguments, "--content", str(root / "content"), "--lang", "en"],
                          capture_output=True, text=True, cwd=root, env=environment, check=False)
    out, _, loaded = done.stdout.rstrip("\n").rpartition("\n")
    return done.returncode, out + "\n" if out else "", done.stderr, loaded == "pipeline loaded"


def test_an_unchanged_build_in_a_new_process_prints_what_the_first_printed_and_builds_nothing(site, read_tree):
    code, _, first, loaded = in_new_process(site, "build")
    assert (code, loaded) == (0, True), first
    written = read_tree(site / "_site")

    code, _, second, loaded = in_new_process(site, "build")

    assert (code, loaded) == (0, False), second
    warnings, _, closing = second.rstrip("\n").rpartition("\n")
    assert "content/articles/second.md:8: warning: uncited figure" in warnings
    assert first.startswith(warnings + "\n"), second
    files, unchanged = CLOSING.fullmatch(closing).groups()
    assert files == unchanged == str(len(written)), closing
    assert read_tree(site / "_site") == written


def write(root: Path, path: str, change) -> None:
    target = root / path
    if change is None:
        target.unlink()
    elif isinstance(change, tuple):
        target.write_text(target.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    else:
        target.write_text(change, encoding="utf-8")


# Each change to an input: (path, what happens to it: a (before, after) replacement, a whole new text, or None to
# delete it; the options of the build after it).
CHANGES = {
    "a byte of an article": ("content/articles/first.md", ("A report says so", "A report said so"), ()),
    "a template": ("templates/article.html", ('<p class="kicker">', '<p class="kicker">!'), ()),
    "a static file": ("static/css/site.css", ("}", "} "), ()),
    "an added article": ("content/articles/fourth.md", THIRD.replace("Third", "Fourth"), ()),
    "a deleted article": ("content/articles/third.md", None, ()),
    "a deleted output file": ("_site/articles/first/index.html", None, ()),
    "another base URL": (None, None, ("--base-url", "https://example.org/briefing/")),
    "drafts": (None, None, ("--drafts",)),
}


@pytest.mark.parametrize("changed", CHANGES)
def test_any_change_builds_in_full_and_gives_the_bytes_of_a_clean_build(site, build, capsys, read_tree, changed):
    path, change, options = CHANGES[changed]
    assert build(site) == 0
    assert build(site) == 0  # the root path
    assert CLOSING.search(capsys.readouterr().err.splitlines()[-1])
    if path:
        write(site, path, change)

    assert build(site, *options) == 0

    files, unchanged = CLOSING.search(capsys.readouterr().err.splitlines()[-1]).groups()
    assert int(unchanged) < int(files)  # something was written: the build ran
    assert build(site, "--no-cache", *options, output="_clean") == 0
    assert read_tree(site / "_site") == read_tree(site / "_clean")


def test_a_static_file_touched_but_unchanged_still_takes_the_root_path(site):
    assert in_new_process(site, "build")[0] == 0
    css = site / "static/css/site.css"
    os.utime(css, (css.stat().st_atime + 60, css.stat().st_mtime + 60))  # a fresh clone's times: not a change

    code, _, err, loaded = in_new_process(site, "build")

    assert (code, loaded) == (0, False), err


@pytest.mark.parametrize("format_name", ["text", "github", "json"])
def test_an_unchanged_check_says_what_the_first_and_a_check_without_the_cache_say(site, format_name):
    cold = in_new_process(site, "check", "--format", format_name, "--no-cache")
    first = in_new_process(site, "check", "--format", format_name)
    second = in_new_process(site, "check", "--format", format_name)

    assert [run[3] for run in (cold, first, second)] == [True, True, False]
    assert first[:3] == second[:3] == cold[:3], second[2]
    assert "uncited figure" in second[1 if format_name != "text" else 2]


def test_a_check_after_an_edit_runs_in_full_and_says_so(site):
    assert in_new_process(site, "check")[0] == 0
    write(site, "content/articles/second.md", FIGURE[::-1])

    code, _, err, loaded = in_new_process(site, "check")

    assert (code, loaded) == (0, True), err
    assert "uncited figure" not in err


def fresh_clone(root: Path, folder: Path) -> Path:
    """Copy a project's inputs as a new checkout has them (every file a new time, no output), and its .cache/."""
    for name in ("content", "templates", "static"):
        shutil.copytree(root / name, folder / name, copy_function=shutil.copyfile)
    later = (root / "content").stat().st_mtime + 3600
    for path in folder.rglob("*"):
        os.utime(path, (later, later))
    shutil.copytree(root / CACHE_FOLDER, folder / CACHE_FOLDER)
    return folder


def clean_build(root: Path, build, read_tree, *options: str) -> dict[str, bytes]:
    assert build(root, "--no-cache", *options, output="_clean") == 0
    return read_tree(root / "_clean")


def test_a_fresh_clone_with_the_last_cache_writes_a_clean_builds_bytes_without_the_pipeline(site, build, read_tree,
                                                                                             tmp_path_factory):
    assert in_new_process(site, "build")[0] == 0
    clone = fresh_clone(site, tmp_path_factory.mktemp("clone"))

    code, _, err, loaded = in_new_process(clone, "build")

    assert (code, loaded) == (0, False), err
    files, unchanged = CLOSING.search(err.splitlines()[-1]).groups()
    assert unchanged == "0", err
    assert "content/articles/second.md:8: warning: uncited figure" in err
    assert read_tree(clone / "_site") == clean_build(clone, build, read_tree)
    code, _, err, loaded = in_new_process(clone, "build")  # the manifest is written: the output stands as it is
    assert (code, loaded) == (0, False), err
    assert CLOSING.search(err.splitlines()[-1]).groups() == (files, files)


@pytest.mark.parametrize("change", [None, "<p>edited by hand</p>"], ids=["deleted", "edited"])
def test_a_deleted_or_edited_output_file_is_written_again_from_the_store(site, read_tree, change):
    assert in_new_process(site, "build")[0] == 0
    written = read_tree(site / "_site")
    write(site, "_site/articles/first/index.html", change)

    code, _, err, loaded = in_new_process(site, "build")

    assert (code, loaded) == (0, False), err
    assert read_tree(site / "_site") == written


def trusted_store_files(root: Path) -> list[Path]:
    """Return the store's files under their digests' names (not lent, not half written)."""
    return [path for path in store_folder(root).glob("*/*") if "." not in path.name]


def test_a_deploy_lends_the_store_its_files_and_no_trusted_one_shares_its_bytes(site, build, read_tree,
                                                                              tmp_path_factory):
    assert in_new_process(site, "build")[0] == 0
    clone = fresh_clone(site, tmp_path_factory.mktemp("clone"))

    assert in_new_process(clone, "build")[3] is False  # written from the store

    page = clone / "_site/articles/first/index.html"
    assert page.stat().st_nlink == 2, "the deploy copied the page: it was to be the store's own file"
    assert all(path.stat().st_nlink == 1 for path in trusted_store_files(clone))
    check = subprocess.run([sys.executable, "-c", RUN, "check", "--content", str(clone / "content"), "--lang", "en"],
                           capture_output=True, text=True, cwd=clone, env={**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)})
    assert check.returncode == 0, check.stderr  # opens the store: the lent files are trusted again, as copies
    assert all(path.stat().st_nlink == 1 for path in trusted_store_files(clone))
    assert not list(store_folder(clone).glob("*/*.lent"))
    assert read_tree(clone / "_site") == clean_build(clone, build, read_tree)


@pytest.mark.parametrize("where", ["this machine", "the next deploy"])
def test_a_deploys_file_edited_in_place_changes_no_later_build(site, build, read_tree, tmp_path_factory, where):
    # A Netlify plugin rewriting the publish folder in place (the same file, not a new one) edits the
    # file the deploy lent it; the store, which no longer trusts that file, drops it and makes it anew.
    assert in_new_process(site, "build")[0] == 0
    clone = fresh_clone(site, tmp_path_factory.mktemp("clone"))
    assert in_new_process(clone, "build")[3] is False  # written from the store
    with (clone / "_site/articles/first/index.html").open("r+b") as page:
        page.write(b"<!-- rewritten by a plugin -->")
    if where == "the next deploy":  # the cache plugin saves .cache/ as it is, and restores it on another machine
        clone = fresh_clone(clone, tmp_path_factory.mktemp("again"))

    code, _, err, _ = in_new_process(clone, "build")

    assert code == 0, err
    assert read_tree(clone / "_site") == clean_build(clone, build, read_tree)
    assert in_new_process(clone, "build")[3] is False  # the store has the page again


def test_a_deploy_beside_another_process_using_the_store_copies_its_files(site, tmp_path_factory):
    # That process may read any stored file by its digest's name: none is lent meanwhile.
    assert in_new_process(site, "build")[0] == 0
    clone = fresh_clone(site, tmp_path_factory.mktemp("clone"))
    user = subprocess.Popen([sys.executable, "-c", USER, str(store_folder(clone))], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)})
    try:
        assert user.stdout.readline() == "using the store\n"
        assert in_new_process(clone, "build")[3] is False
    finally:
        user.communicate("")

    assert (clone / "_site/articles/first/index.html").stat().st_nlink == 1
    assert not list(store_folder(clone).glob("*/*.lent"))


USER = ("import sys\nfrom pathlib import Path\nfrom sitegen.reuse.store import FileStore\n"
        "store = FileStore(Path(sys.argv[1]))\nprint('using the store', flush=True)\nsys.stdin.read()")


def test_a_file_missing_from_the_store_builds_in_full_and_still_gives_a_clean_builds_bytes(site, build, read_tree,
                                                                                         tmp_path_factory):
    assert in_new_process(site, "build")[0] == 0
    page = hashlib.sha256((site / "_site/articles/first/index.html").read_bytes()).hexdigest()
    robots = hashlib.sha256((site / "_site/robots.txt").read_bytes()).hexdigest()  # held in memory by the build
    clone = fresh_clone(site, tmp_path_factory.mktemp("clone"))
    for digest in (page, robots):
        (store_folder(clone) / digest[:2] / digest[2:]).unlink()

    code, _, err, loaded = in_new_process(clone, "build")

    assert (code, loaded) == (0, True), err
    assert read_tree(clone / "_site") == clean_build(clone, build, read_tree)
    assert in_new_process(clone, "build")[3] is False  # the store has them again


@pytest.mark.parametrize("options", [("--relative",), ("--no-pdf",), ("--drafts",)])
def test_a_build_with_other_options_into_the_same_folder_is_a_root_of_its_own(site, build, read_tree, options):
    assert in_new_process(site, "build")[0] == 0
    assert in_new_process(site, "build", *options)[3] is True
    assert read_tree(site / "_site") == clean_build(site, build, read_tree, *options)

    code, _, err, loaded = in_new_process(site, "build")  # the first build's files again, from the store

    assert (code, loaded) == (0, False), err
    assert read_tree(site / "_site") == clean_build(site, build, read_tree)
