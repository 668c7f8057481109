"""Deploys start warm (issue 29): Netlify keeps .cache/ between builds, and a fresh clone with that
cache, whose every file has a new time, builds the same bytes as a clean build while rendering nothing.
A deploy preview (drafts, another base URL) keeps its records beside production's."""

from __future__ import annotations

import json
import os
import shutil
import time
import tomllib
from pathlib import Path

import pytest

from sitegen.errors import BuildFailed
from sitegen.options import BuildOptions
from sitegen.reading.project import PACKAGE_ROOT, Project
from sitegen.reuse.cache import CACHE_FOLDER, store_folder
from sitegen.runs import build_site

PRODUCTION = BuildOptions(base_url="https://example.org/briefing/", use_cache=True)
PREVIEW = BuildOptions(include_drafts=True, base_url="https://deploy-preview-7--example.netlify.app/", use_cache=True)
DRAFT = "---\ntitle: Unfinished draft\nsummary: Not ready.\ndate: 2024-01-05\ndraft: true\n---\nWork in progress.\n"


@pytest.fixture
def project(make_site, chart_block) -> Project:
    """Return a project with its own templates/, a draft, and a chart in the first article."""
    root = make_site({"content/articles/unfinished.md": DRAFT})
    first = root / "content/articles/first.md"
    first.write_text(first.read_text(encoding="utf-8") + "\n" + chart_block, encoding="utf-8")
    shutil.copytree(PACKAGE_ROOT / "templates", root / "templates")
    return Project.from_content_dir(root / "content")


def fresh_clone(project: Project, folder: Path) -> Project:
    """Copy the project's inputs as a new checkout does (every file a new time), and its .cache/ as the cache plugin does."""
    for name in ("content", "templates"):
        shutil.copytree(project.root / name, folder / name, copy_function=shutil.copyfile)  # new times, as a clone has
    later = time.time() + 3600
    for path in folder.rglob("*"):
        os.utime(path, (later, later))
    shutil.copytree(project.root / CACHE_FOLDER, folder / CACHE_FOLDER)
    return Project.from_content_dir(folder / "content")


def stored_files(project: Project) -> set[str]:
    """Return the names of the files in the cache's store: a page, chart, card or search file made adds one."""
    return {f"{folder.name}/{file.name}" for folder in store_folder(project.root).iterdir() for file in folder.iterdir()}


def test_a_fresh_clone_with_the_last_cache_builds_the_same_bytes_as_a_clean_build_and_makes_nothing(project, tmp_path,
                                                                                                    read_tree):
    build_site(project, project.root / "_site", PRODUCTION)
    clone = fresh_clone(project, tmp_path / "clone")
    cached = stored_files(clone)

    result = build_site(clone, clone.root / "_site", PRODUCTION)

    assert result.rendered == []
    assert stored_files(clone) == cached  # no page, chart drawing, card or search file made again
    build_site(clone, clone.root / "_clean", BuildOptions(base_url=PRODUCTION.base_url))  # --no-cache
    assert read_tree(clone.root / "_site") == read_tree(clone.root / "_clean")


def test_a_dead_link_found_with_a_copied_cache_names_the_line_in_the_clone(project, tmp_path):
    build_site(project, project.root / "_site", PRODUCTION)
    clone = fresh_clone(project, tmp_path / "clone")
    shutil.rmtree(project.content)  # the first checkout is gone, as on a new build machine
    second = clone.content / "articles/second.md"
    second.write_text(second.read_text(encoding="utf-8").replace("## Details", "## More"), encoding="utf-8")

    with pytest.raises(BuildFailed) as failure:
        build_site(clone, clone.root / "_site", PRODUCTION)

    # The first article's page comes from the cache; its link is found in the clone's file.
    assert [(e.path, e.line) for e in failure.value.errors] == [("content/articles/first.md", 8)]


def test_a_deploy_preview_keeps_its_own_records_and_the_next_production_build_renders_nothing(project, tmp_path, read_tree):
    build_site(project, project.root / "_site", PRODUCTION)
    preview = build_site(project, project.root / "_preview", PREVIEW)
    assert "articles/unfinished/index.html" in preview.rendered

    production = build_site(project, project.root / "_site", PRODUCTION)
    again = build_site(project, project.root / "_preview", PREVIEW)

    assert production.rendered == [] and again.rendered == []
    build_site(project, project.root / "_clean", BuildOptions(base_url=PRODUCTION.base_url))
    assert read_tree(project.root / "_site") == read_tree(project.root / "_clean")


def test_netlify_keeps_the_cache_folder_between_deploys_with_a_pinned_plugin():
    config = tomllib.loads((PACKAGE_ROOT / "netlify.toml").read_text())
    package = json.loads((PACKAGE_ROOT / "package.json").read_text())
    lock = json.loads((PACKAGE_ROOT / "package-lock.json").read_text())

    plugin = next(p for p in config["plugins"] if p["package"] == "netlify-plugin-cache")
    assert plugin["inputs"]["paths"] == [CACHE_FOLDER]
    version = package["devDependencies"]["netlify-plugin-cache"]
    assert version[0].isdigit(), "pin an exact version"
    locked = lock["packages"]["node_modules/netlify-plugin-cache"]
    assert locked["version"] == version and locked["integrity"].startswith("sha512-")
