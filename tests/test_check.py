"""`check` is a build that writes nothing (issue 29): it reuses and keeps .cache/ as a build does,
and says exactly what a check without the cache says, before and after any edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.commands.cli import main
from sitegen.options import BuildOptions
from sitegen.pipeline import SiteBuilder
from sitegen.reading.project import PACKAGE_ROOT, Project
from sitegen.reuse.cache import load_cache, store_folder
from sitegen.reuse.memory import variant
from sitegen.reuse.store import FileStore
from sitegen.runs import check_site

DRAFT = "---\ntitle: Unfinished draft\nsummary: Not ready.\ndate: 2024-01-05\ndraft: true\n---\nWork in progress.\n"
GLOSSARY = "en:\n  - term: Origins\n    means: where it began\n    avoid: [Background]\n    note: the word the site uses\n"
UNUSED_SOURCE = """\
- id: unused-report
  outlet: The Other Times
  title: A report nothing cites
  url: https://example.org/other
  published: 2024-01-01
  language: en
  kind: news
  accessed: {today}
"""

# What each edit changes (file, text before, text after; None: the file is absent), and what it makes `check` say.
EDITS = {
    "article": ("content/articles/second.md", "Back to [the first article](/articles/first/).",
                "Back to [the first article](/articles/first/). It had 42 users in 2023.",
                "content/articles/second.md:8: warning: uncited figure"),
    "data file": ("content/data/numbers.yaml", "sources: [test-report]\n", "",
                  "content/data/numbers.yaml: warning: uncited figure: 2 of 2 rows cite no source"),
    "template": ("templates/article.html", '<p class="kicker">', '<p class="kicker"><a href="/nowhere/">x</a>',
                 "the link '/nowhere/' leads to no page"),
    "glossary": ("content/glossary.yaml", None, GLOSSARY,
                 "content/articles/first.md:6: warning: 'Background' is not this edition's word for where it began"),
    "sources registry": ("content/sources.yaml", None, UNUSED_SOURCE,
                         "warning: the source 'unused-report' is not cited anywhere"),
}


@pytest.fixture
def site(make_site, chart_block) -> Path:
    """Return a project with its own templates/ and a chart over content/data/numbers.yaml in the first article."""
    root = make_site()
    first = root / "content/articles/first.md"
    first.write_text(first.read_text(encoding="utf-8") + "\n" + chart_block, encoding="utf-8")
    shutil.copytree(PACKAGE_ROOT / "templates", root / "templates")
    return root


@pytest.fixture
def check(capsys):
    """Return a function running `build.py check` on a project as a user does; it returns (exit code, stdout, stderr)."""

    def run(root: Path, *options: str) -> tuple[int, str, str]:
        capsys.readouterr()  # what came before, a build's closing line
        code = main(["check", "--content", str(root / "content"), *options])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def apply_edit(root: Path, path: str, before: str | None, after: str, *, undo: bool = False) -> None:
    """Make an edit of EDITS (or undo it): replace text in a file, or write the whole text to a file that was not there."""
    target = root / path
    old, new = (after, before) if undo else (before, after)
    if before is None and path.endswith("sources.yaml"):  # an entry added at the end of the registry
        text = target.read_text(encoding="utf-8")
        entry = after.format(today=text.split("accessed: ")[-1].strip())
        target.write_text(text.removesuffix(entry) if undo else text + entry, encoding="utf-8")
    elif before is None:
        if undo:
            target.unlink()
        else:
            target.write_text(after, encoding="utf-8")
    else:
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")


def rendered_pages(root: Path, options: BuildOptions) -> int:
    """Run check_site (both its checks, when there are drafts); return how many pages it had to render."""
    counted = []
    check_site(Project.from_content_dir(root / "content"), options,
               lambda done, total, what: counted.append(what) if what == "pages" else None)
    return len(counted)


def published_records(root: Path) -> dict:
    """Return the page records in .cache/ of the site built without drafts (those `build` reuses)."""
    builder = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions())
    graph = load_cache(root, FileStore(store_folder(root)))
    graph.use_variant(variant(builder.load_and_validate()))
    return {path: record for path, _inputs, record in graph.results("page")}


CHECK = BuildOptions(include_drafts=True, use_cache=True)  # what `build.py check` gives check_site
# A page that shows files a check does not make (the search index): a check renders its own version of it.
CHECKS_OWN = "search/index.html"


def content_pages(paths) -> list[str]:
    """Return the home, article and chart pages among output paths: those a check and a build render alike."""
    return [path for path in paths if path == "index.html" or path.startswith(("articles/", "charts/"))]


@pytest.mark.parametrize("edited", EDITS)
def test_a_check_from_the_cache_says_what_a_check_without_it_says_before_and_after_an_edit(site, check, edited):
    path, before, after, said = EDITS[edited]
    cold = check(site, "--no-cache")
    assert not (site / ".cache").exists()  # --no-cache leaves no cache behind

    assert check(site) == cold  # it fills the cache
    assert check(site) == cold  # and reads it
    assert said not in cold[2], cold

    apply_edit(site, path, before, after)
    edited_cold = check(site, "--no-cache")
    assert said in edited_cold[2], edited_cold
    assert check(site) == edited_cold
    assert check(site) == edited_cold

    apply_edit(site, path, before, after, undo=True)
    assert check(site) == cold


def test_a_check_of_unchanged_content_renders_nothing_and_after_an_edit_only_the_pages_it_changes(site):
    assert rendered_pages(site, CHECK) > 5
    assert rendered_pages(site, CHECK) == 0

    apply_edit(site, *EDITS["article"][:3])

    assert rendered_pages(site, CHECK) == 1  # the edited article


def test_a_check_after_a_build_takes_the_builds_pages(site, build, capsys):
    assert build(site) == 0, capsys.readouterr().err

    rendered = check_site(Project.from_content_dir(site / "content"), CHECK).rendered

    assert CHECKS_OWN in rendered
    assert content_pages(rendered) == []


def test_with_a_draft_the_published_check_takes_the_builds_pages_and_a_second_check_renders_nothing(site, build, check,
                                                                                                   capsys):
    (site / "content/articles/unfinished.md").write_text(DRAFT, encoding="utf-8")
    assert build(site) == 0, capsys.readouterr().err
    built = published_records(site)

    rendered = check_site(Project.from_content_dir(site / "content"), CHECK).rendered

    # With the draft, every page is new: each lists the articles.
    assert "articles/unfinished/index.html" in rendered and "articles/first/index.html" in rendered
    # The published site's pages come from the build's records, but for the check's own.
    checked = published_records(site)
    assert checked.keys() == built.keys()
    changed = [path for path in built if checked[path] != built[path]]
    assert CHECKS_OWN in changed and content_pages(changed) == []
    assert rendered_pages(site, CHECK) == 0
    assert check(site) == check(site, "--no-cache")


def test_a_link_to_a_draft_is_reported_from_the_cache_as_without_it(site, check):
    files = {"content/articles/second.md": DRAFT.replace("Work in progress.", "## Details\n")}
    for relative, text in files.items():
        (site / relative).write_text(text, encoding="utf-8")

    cold = check(site, "--no-cache")

    assert cold[0] == 1 and "content/articles/first.md:8: the link '/articles/second/#details' leads to no page" in cold[2]
    assert check(site) == cold
    assert check(site) == cold


def test_check_writes_nothing_to_the_output_folder(site, build, check, capsys, read_tree):
    assert build(site) == 0, capsys.readouterr().err
    output = read_tree(site / "_site")
    manifest = (site / ".cache/output-manifest.json").read_bytes()
    apply_edit(site, *EDITS["article"][:3])

    code, _out, err = check(site)

    assert code == 0, err
    assert read_tree(site / "_site") == output
    assert (site / ".cache/output-manifest.json").read_bytes() == manifest
    assert sorted(p.name for p in site.iterdir()) == [".cache", "_site", "content", "templates"]
