"""The dependency graph (sitegen/reuse/graph.py), the one place that decides reuse (issue 29).

Its rules on their own first; then whole builds, each warm one in a new process reading the
graph from .cache/: after an edit to a template, a data file, the registry or a translation it
writes the bytes a clean build writes, says the warnings a cold build says, and validates no
article that did not change.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sitegen
from sitegen.checking.links import LinkChecker, LinkSource, PageLinks
from sitegen.options import BuildOptions
from sitegen.reading.project import PACKAGE_ROOT, Project
from sitegen.reuse.graph import MAX_VARIANTS, MISSING, DependencyGraph
from sitegen.runs import build_site, check_site

from .conftest import CHART_BLOCK, RUSSIAN_EDITION

# --- the graph's rules


def test_a_node_is_current_while_every_input_it_was_made_from_is_unchanged():
    graph = DependencyGraph()
    assert graph.current("page", "a", {"doc": "1"}) is MISSING
    graph.record("page", "a", {"doc": "1", "template": ""}, "made")

    assert graph.current("page", "a", {"doc": "1", "other": "x"}) == "made"  # more inputs now than it read
    assert graph.current("page", "a", {"doc": "1", "template": ""}) == "made"  # "" recorded: it did not exist, nor now
    assert graph.current("page", "a", {"doc": "2"}) is MISSING
    assert graph.current("page", "a", {"doc": "1", "template": "new"}) is MISSING
    assert graph.current("card", "a", {"doc": "1"}) is MISSING  # another kind


def test_a_build_keeps_what_it_used_and_what_that_needs_and_the_kinds_it_never_asked_about():
    graph = DependencyGraph()
    for key in ("old", "kept"):
        graph.record("chart", key, {}, f"<svg {key}>")
    graph.record("page", "p", {"doc": "1"}, "page", needs=[("chart", "kept")])
    graph.record("page", "gone", {"doc": "1"}, "page")
    graph.record("zip", "zip", {"files": "1"}, "zip")
    graph.finish()

    graph.start_build()
    assert graph.current("page", "p", {"doc": "1"}) == "page"  # the page is reused, its chart not asked for
    graph.record("chart", "new", {}, "<svg new>")  # another page's chart is drawn
    graph.finish()

    assert graph.current("page", "gone", {"doc": "1"}) is MISSING  # no page of it any more
    assert graph.current("chart", "kept", {}) == "<svg kept>"  # needed by a page kept
    assert graph.current("chart", "old", {}) is MISSING
    assert graph.current("chart", "new", {}) == "<svg new>"
    assert graph.current("zip", "zip", {"files": "1"}) == "zip"  # this build made no zip: the last one stays


def test_page_records_are_kept_per_variant_and_the_least_recent_variant_goes_first():
    graph = DependencyGraph()
    for number in range(MAX_VARIANTS + 1):
        graph.use_variant(f"variant {number}")
        graph.record("page", "index.html", {"base": str(number)}, f"page {number}", stored=[f"digest {number}"])
        graph.record("article", "a.md", {"text": "1"}, "article")  # not kept per variant
        graph.finish()

    assert graph.stored_digests() == {f"digest {number}" for number in range(1, MAX_VARIANTS + 1)}
    graph.use_variant("variant 1")
    assert graph.current("page", "index.html", {"base": "1"}) == "page 1"
    graph.use_variant("variant 0")
    assert graph.current("page", "index.html", {"base": "0"}) is MISSING  # the oldest of five went
    assert graph.current("article", "a.md", {"text": "1"}) == "article"


def test_the_graph_survives_pickling_and_drops_the_nodes_whose_stored_files_are_gone():
    graph = DependencyGraph()
    graph.record("card", "a", {}, "digest-a", stored=["digest-a"])
    graph.record("card", "b", {}, "digest-b", stored=["digest-b"])
    graph.record("article", "x.md", {"text": "1"}, None)  # a result may be None: MISSING is not

    again = pickle.loads(pickle.dumps(graph)).without_missing_files({"digest-a"})  # noqa: S301 (made here)

    assert again.current("card", "a", {}) == "digest-a"
    assert again.current("card", "b", {}) is MISSING
    assert again.current("article", "x.md", {"text": "1"}) is None
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING  # noqa: S301 (made here)


def test_a_page_whose_links_were_good_is_judged_again_when_a_file_it_links_to_goes_and_only_then(tmp_path):
    checker = LinkChecker(tmp_path, DependencyGraph())
    pages = {"index.html": PageLinks(frozenset(), ("/a/", "/b/#part")), "a/index.html": PageLinks(frozenset(), ()),
             "b/index.html": PageLinks(frozenset({"part"}), ())}
    sources = dict.fromkeys(pages, LinkSource(("content/index.md",)))
    assert checker.check(pages, frozenset({"static/unrelated.css"}), sources, "/") == []
    checker.graph.start_build()
    assert checker.check(pages, frozenset({"static/other.css"}), sources, "/") == []
    assert checker.graph.made == {}, "a file no link leads to judges no page again"

    renamed = {**pages, "b/index.html": PageLinks(frozenset({"whole"}), ())}
    assert [error.message for error in checker.check(renamed, frozenset(), sources, "/")] == [
        "the link '/b/#part' names an anchor '#part' that does not exist on that page"]
    without_a = {path: links for path, links in pages.items() if path != "a/index.html"}
    assert [error.message for error in checker.check(without_a, frozenset(), sources, "/")] == [
        "the link '/a/' leads to no page"]


# --- whole builds, the warm ones in new processes

# Builds in a process of its own with the cache, as `build.py build` does, and says what it made again and warned about.
NEW_PROCESS = """
import json, sys
from pathlib import Path
from sitegen.checking.links import LinkChecker, LinkSource, PageLinks
from sitegen.options import BuildOptions
from sitegen.reading.project import Project
from sitegen.runs import build_site, check_site
root = Path(sys.argv[1])
result = build_site(Project.from_content_dir(root / "content"), root / "_site", BuildOptions(use_cache=True))
print(json.dumps({"made": result.made, "warnings": [warning.format(root) for warning in result.warnings]}))
"""

TRANSLATION = """\
---
title: Первая статья
summary: Первая статья.
date: 2024-01-02
---
## Предыстория

Отчёт говорит об этом [@test-report].
"""
UNCITED = "\nTrading grew 40% in 2024, and then stopped.\n"


@pytest.fixture
def project(make_site) -> Project:
    """Return a bilingual project with its own templates, a chart, a translation and warnings to give."""
    root = make_site({**RUSSIAN_EDITION, "content/articles/first.ru.md": TRANSLATION})
    for name, extra in (("first.md", "\n" + CHART_BLOCK), ("second.md", UNCITED)):
        article = root / "content/articles" / name
        article.write_text(article.read_text(encoding="utf-8") + extra, encoding="utf-8")
    shutil.copytree(PACKAGE_ROOT / "templates", root / "templates")
    return Project.from_content_dir(root / "content")


def build_in_new_process(project: Project) -> dict:
    """Build with the cache in a new Python process; return what it made again (by kind) and its warnings."""
    env = {**os.environ, "PYTHONPATH": str(Path(sitegen.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-c", NEW_PROCESS, str(project.root)], capture_output=True, text=True,
                          env=env, cwd=project.root, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def clean_build(project: Project, folder: Path) -> tuple[dict[str, bytes], list[str]]:
    """Build without the cache into folder; return every file's bytes and the warnings."""
    result = build_site(project, folder, BuildOptions())
    return tree(folder), [warning.format(project.root) for warning in result.warnings]


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def edit(project: Project, relative: str, old: str, new: str) -> None:
    path = project.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative} lacks {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


ARTICLES = 3  # first.md, second.md, first.ru.md
EDITS = {
    # name: (file, old, new, how many articles are validated again)
    "template": ("templates/base.html", "</main>", "</main>\n<!-- edited -->", 0),
    "data file": ("content/data/numbers.yaml", "value: 2", "value: 7", ARTICLES),  # what every article is checked against
    "registry": ("content/sources.yaml", "A report for the tests", "A revised report for the tests", ARTICLES),
    "translation": ("content/articles/first.ru.md", "Отчёт говорит об этом", "Отчёт это подтверждает", 1),
}


def test_a_warm_build_in_a_new_process_makes_nothing_again_and_says_what_a_cold_build_says(project, tmp_path):
    first = build_in_new_process(project)
    assert first["made"]["article"] == ARTICLES and first["warnings"], first

    warm = build_in_new_process(project)

    clean, warnings = clean_build(project, tmp_path / "clean")
    assert warm["made"] == {}, "nothing validated, parsed, rendered, judged or drawn again"
    assert warm["warnings"] == warnings == first["warnings"]
    assert tree(project.root / "_site") == clean
    assert any("40%" in warning or "figure" in warning for warning in warnings), warnings
    assert any("translated_from" in warning for warning in warnings), warnings


def test_the_project_moved_elsewhere_with_its_cache_validates_and_renders_nothing_again(project, tmp_path):
    build_in_new_process(project)
    moved = Project.from_content_dir(shutil.copytree(project.root, tmp_path / "moved") / "content")
    shutil.rmtree(moved.root / "_site")  # a fresh clone: no output, the last .cache/

    warm = build_in_new_process(moved)

    # Only the templates are compiled again: Jinja's compiled code names the file it came from.
    assert warm["made"].keys() <= {"template"}, warm["made"]
    assert tree(moved.root / "_site") == clean_build(moved, tmp_path / "clean")[0]
    edit(moved, "content/articles/first.md", "A report says so", "A report said so")  # bodies are read from the new place
    assert build_in_new_process(moved)["made"]["article"] == 2  # and its translation, checked against it
    assert tree(moved.root / "_site") == clean_build(moved, tmp_path / "clean-again")[0]


def test_a_check_between_two_builds_judges_again_only_the_links_of_the_page_it_renders_its_own_way(project):
    build_site(project, project.root / "_site", BuildOptions(use_cache=True))
    checked = check_site(project, BuildOptions(include_drafts=True, use_cache=True, pdf="offer"))
    again = build_site(project, project.root / "_site", BuildOptions(use_cache=True))

    # Each edition's search and mirror pages: a check makes no search index to load and no zip to offer.
    own = ["mirror/index.html", "ru/mirror/index.html", "ru/search/index.html", "search/index.html"]
    assert sorted(checked.rendered) == sorted(again.rendered) == own
    # At most those pages' links are judged again (the mirror pages' links are the same either way).
    assert checked.made.keys() == again.made.keys() == {"page", "links"}, (checked.made, again.made)
    assert checked.made["links"] <= len(own) and again.made["links"] <= len(own)


def test_with_a_draft_a_second_check_makes_nothing_again_though_each_check_also_checks_the_published_site(project):
    draft = "---\ntitle: Unfinished\nsummary: Not ready.\ndate: 2024-01-05\ndraft: true\n---\nSee [the first](/articles/first/).\n"
    (project.root / "content/articles/unfinished.md").write_text(draft, encoding="utf-8")
    check = BuildOptions(include_drafts=True, use_cache=True, pdf="offer")
    assert check_site(project, check).made.get("links")  # the site with its draft, then the published site

    # Each variant keeps its own page records and link verdicts: neither replaced the other's.
    assert check_site(project, check).made == {}


@pytest.mark.parametrize("edited", EDITS)
def test_after_an_edit_a_warm_build_in_a_new_process_equals_a_clean_build(project, tmp_path, edited):
    relative, old, new, validated = EDITS[edited]
    build_in_new_process(project)
    edit(project, relative, old, new)

    warm = build_in_new_process(project)

    clean, warnings = clean_build(project, tmp_path / "clean")
    built = tree(project.root / "_site")
    assert built.keys() == clean.keys()
    assert [path for path in clean if built[path] != clean[path]] == []
    assert warm["warnings"] == warnings
    assert warm["made"].get("article", 0) == validated, warm["made"]
    assert warm["made"].get("page", 0) > 0, "the edit shows on some page"
    assert build_in_new_process(project)["made"] == {}, "and the next build makes nothing again"
