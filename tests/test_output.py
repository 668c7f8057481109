"""Warm builds through the command line: with .cache/ in use, a build rewrites only the
output files whose bytes changed, and swaps in a whole new folder whenever the output
is not exactly what the last build left. Either way the result equals a clean build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sitegen.reuse.cache import output_manifest_file

FIRST_ALONE = "---\ntitle: First article\nsummary: The first article.\ndate: 2024-01-02\n---\nAlone.\n"


def write_marks(folder: Path) -> dict[str, tuple[int, int]]:
    """Return (mtime_ns, inode) of the folder and of every file under it: a rewrite changes both."""
    marks = {".": (folder.stat().st_mtime_ns, folder.stat().st_ino)}
    for path in folder.rglob("*"):
        if path.is_file():
            marks[path.relative_to(folder).as_posix()] = (path.stat().st_mtime_ns, path.stat().st_ino)
    return marks


def rewritten(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """Return the paths present after a build that it wrote."""
    return sorted(path for path in after if path != "." and before.get(path) != after[path])


def clean_build(root: Path, build, read_tree) -> dict[str, bytes]:
    """Return the files of a build from scratch, beside the output under test."""
    assert build(root, "--no-cache", output="_clean") == 0
    tree = read_tree(root / "_clean")
    shutil.rmtree(root / "_clean")
    return tree


def test_an_unchanged_rebuild_writes_nothing(make_site, build, capsys):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    before = write_marks(root / "_site")

    code = build(root)

    assert code == 0, capsys.readouterr().err
    assert write_marks(root / "_site") == before


def test_editing_an_article_rewrites_only_the_files_whose_bytes_changed(make_site, build, capsys, read_tree):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    old_tree, before = read_tree(root / "_site"), write_marks(root / "_site")
    second = root / "content/articles/second.md"
    second.write_text(second.read_text(encoding="utf-8").replace("Back to", "Go back to"), encoding="utf-8")

    code = build(root)

    assert code == 0, capsys.readouterr().err
    new_tree, after = read_tree(root / "_site"), write_marks(root / "_site")
    differing = sorted(path for path in new_tree if old_tree.get(path) != new_tree[path])
    assert "articles/second/index.html" in differing
    assert "articles/first/index.html" not in differing
    assert rewritten(before, after) == differing
    assert after["."][1] == before["."][1], "the output folder was swapped instead of updated"
    assert new_tree == clean_build(root, build, read_tree)


def test_a_removed_article_disappears_with_its_folder(make_site, build, capsys, read_tree):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    before = write_marks(root / "_site")
    make_site({"content/articles/second.md": None, "content/articles/first.md": FIRST_ALONE}, base=False)

    code = build(root)

    assert code == 0, capsys.readouterr().err
    assert not (root / "_site/articles/second").exists()
    assert write_marks(root / "_site")["."][1] == before["."][1], "the output folder was swapped instead of updated"
    assert read_tree(root / "_site") == clean_build(root, build, read_tree)


def edit_same_size(site: Path) -> None:
    page = site / "404.html"
    page.write_bytes(page.read_bytes().upper())


def add_empty_folder(site: Path) -> None:
    (site / "drafts").mkdir()


@pytest.mark.parametrize("tamper", [
    edit_same_size,
    lambda site: (site / "index.html").write_text("edited by hand", encoding="utf-8"),
    lambda site: (site / "articles/first/index.html").unlink(),
    lambda site: (site / "notes.txt").write_text("added by hand", encoding="utf-8"),
    add_empty_folder,
    lambda site: os.symlink(site / "index.html", site / "home.html"),
    shutil.rmtree,
], ids=["edit-same-size", "edit", "delete", "add", "add-empty-folder", "add-symlink", "remove-output"])
def test_a_hand_change_to_the_output_is_undone_by_a_full_write(make_site, build, capsys, read_tree, tamper):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    expected = read_tree(root / "_site")
    tamper(root / "_site")

    code = build(root)

    assert code == 0, capsys.readouterr().err
    assert read_tree(root / "_site") == expected
    assert not (root / "_site/drafts").exists() and not (root / "_site/home.html").is_symlink()


@pytest.mark.parametrize("manifest_text", ["{", "[]", '{"output": "/elsewhere", "files": {}}'],
                         ids=["damaged", "foreign", "other-output"])
def test_an_unusable_manifest_means_a_full_write(make_site, build, capsys, read_tree, manifest_text):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    expected, before = read_tree(root / "_site"), write_marks(root / "_site")
    output_manifest_file(root).write_text(manifest_text, encoding="utf-8")

    code = build(root)

    assert code == 0, capsys.readouterr().err
    assert write_marks(root / "_site")["."][1] != before["."][1], "the output folder was not swapped"
    assert read_tree(root / "_site") == expected


def test_no_cache_swaps_the_whole_folder_and_the_next_build_notices(make_site, build, capsys, read_tree):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    manifest = output_manifest_file(root).read_bytes()
    first = write_marks(root / "_site")

    assert build(root, "--no-cache") == 0, capsys.readouterr().err
    swapped = write_marks(root / "_site")
    assert build(root) == 0, capsys.readouterr().err
    after = write_marks(root / "_site")

    assert swapped["."][1] != first["."][1], "--no-cache did not swap in a new folder"
    assert output_manifest_file(root).read_bytes() != manifest, "the build after --no-cache trusted a stale manifest"
    assert rewritten(swapped, after) == sorted(after.keys() - {"."})
    assert build(root) == 0, capsys.readouterr().err
    assert write_marks(root / "_site") == after



def test_a_file_the_store_adopts_is_moved_in_under_the_digest_put_gives(tmp_path):
    from sitegen.reuse.store import FileStore

    store = FileStore(tmp_path / "store")
    made, again = tmp_path / "made.js", tmp_path / "again.js"
    made.write_bytes(b"index")
    again.write_bytes(b"index")

    digest = store.adopt(made)

    assert store.adopt(again) == digest == store.put(b"index")
    assert store.get(digest) == b"index" and not made.exists() and not again.exists()


def test_a_copy_over_a_name_that_shares_a_stored_file_leaves_the_stored_file_whole(tmp_path):
    """A deploy's output may be a hard link to a stored file: copying over it makes a new file, never writes through."""
    from sitegen.reuse.store import FileStore

    store = FileStore(tmp_path / "store")
    digest = store.put(b"<p>stored</p>")
    output = tmp_path / "index.html"
    os.link(store.path(digest), output)

    store.place(digest, output, shared=False)

    assert store.get(digest) == b"<p>stored</p>" and output.read_bytes() == b"<p>stored</p>"
    assert not os.path.samefile(store.path(digest), output)


def test_a_draft_left_by_a_killed_build_is_removed_with_the_unused_files(tmp_path):
    import time

    from sitegen.reuse.store import FileStore

    folder = tmp_path / "store"
    folder.mkdir()
    left = FileStore(folder).draft("briefing")
    left.write_bytes(b"half a briefing")  # the build was killed before it adopted it
    os.utime(left, (time.time() - 60, time.time() - 60))

    store = FileStore(folder)
    kept = store.draft("mirror-zip")
    kept.write_bytes(b"being written now")
    store.keep_only(set())

    assert not left.exists() and kept.exists()


def test_a_file_the_store_cannot_move_in_from_another_file_system_is_copied(tmp_path, monkeypatch):
    import errno

    from sitegen.reuse.store import FileStore

    store = FileStore(tmp_path / "store")
    made = tmp_path / "made.js"  # as Pagefind's output in /tmp on tmpfs, beside a store in .cache/
    made.write_bytes(b"index")
    replace = os.replace

    def cross_device(source, target):
        if Path(source) == made:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        replace(source, target)

    monkeypatch.setattr("sitegen.reuse.store.os.replace", cross_device)

    digest = store.adopt(made)

    assert store.get(digest) == b"index"


@pytest.mark.parametrize("options", [("--no-cache",), ()], ids=["no-cache", "with-cache-but-no-manifest"])
def test_a_build_that_fails_after_making_its_folders_ahead_leaves_the_last_good_site_and_nothing_else(
        make_site, build, capsys, read_tree, monkeypatch, options):
    from sitegen.publishing import output

    root = make_site()
    assert build(root, "--no-cache") == 0, capsys.readouterr().err  # writes no manifest
    before = read_tree(root / "_site")
    made_ahead = []
    make_folders_ahead = output.StagedSite.make_folders_ahead
    monkeypatch.setattr(output.StagedSite, "make_folders_ahead",
                        lambda staged, paths: made_ahead.append(staged.folder) or make_folders_ahead(staged, paths))
    make_site({"content/articles/second.md": "---\ntitle: Second\nsummary: s\ndate: 2024-01-03\n---\n"
                                             "See [the missing page](/articles/missing/).\n"}, base=False)

    code = build(root, *options)

    assert code == 1, capsys.readouterr().err
    assert made_ahead, "the failed build made no folders ahead: this test tests nothing"
    assert read_tree(root / "_site") == before
    left = sorted(p.name for p in root.iterdir() if p.name != ".cache")
    assert left == ["_site", "content"], "a temporary folder was left behind"


def test_a_site_written_into_folders_made_ahead_equals_one_written_at_the_end(make_site, build, capsys, read_tree,
                                                                             monkeypatch):
    from sitegen.publishing import output

    root = make_site()
    assert build(root, "--no-cache") == 0, capsys.readouterr().err
    ahead = read_tree(root / "_site")
    monkeypatch.setattr(output.StagedSite, "make_folders_ahead", lambda staged, paths: None)

    assert build(root, "--no-cache") == 0, capsys.readouterr().err

    assert read_tree(root / "_site") == ahead
