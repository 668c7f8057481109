"""The dev server's edits through the graph's fast path (`DependencyGraph.current_all`, issue 29): a builder kept
alive and told which files changed gives, edit after edit, the files (bytes), warnings and errors of a clean
build of the same content, whether the edit changes one body, a title (the listings and other pages' links),
breaks the site, adds or deletes an article, or makes an alias clash with another article's address."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sitegen.errors import BuildFailed
from sitegen.options import BuildOptions
from sitegen.pipeline import SiteBuilder
from sitegen.reading.project import Project
from sitegen.reuse.graph import DependencyGraph
from tests.conftest import RUSSIAN_EDITION
from tests.test_editions import RU_FIRST

OPTIONS = BuildOptions(include_drafts=True, search_index=False, mirror_zip=False, one_file=False,
                       sourcing_warnings=False)  # what the dev server builds

THIRD = """\
    ---
    title: Third article
    summary: The third article.
    date: 2024-01-04{aliases}
    ---
    It is currently the newest. Back to [the first article](/articles/first/).
    """


def outcome(builder: SiteBuilder, root: Path, changed: set[Path] | None) -> tuple[dict, list[str], list[str]]:
    """Build; return (every file's bytes, the warnings, the errors), each message as an editor reads it."""
    try:
        result = builder.build(changed)
    except BuildFailed as failure:
        return {}, [w.format(root) for w in failure.warnings], [e.format(root) for e in failure.errors]
    files = {path: bytes(result.pages[path]) for path in result.pages}
    return files, [w.format(root) for w in result.warnings], []


def test_edits_through_the_fast_path_equal_a_clean_build(make_site):
    root = make_site()
    project = Project.from_content_dir(root / "content")
    live = SiteBuilder(project, OPTIONS)
    outcome(live, root, None)
    articles = root / "content" / "articles"
    second, third = articles / "second.md", articles / "third.md"

    def edit(path: Path, text: str | None) -> None:
        if text is None:
            path.unlink()
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        edited = outcome(live, root, {path.resolve()})
        clean = outcome(SiteBuilder(project, OPTIONS), root, None)
        assert edited == clean, path.name
        return edited

    base_second = second.read_text(encoding="utf-8")
    assert edit(second, base_second + "\nOne more line.\n")[0]
    assert edit(second, base_second.replace("Second article", "Second piece"))[0]  # listings, other pages' links
    assert edit(second, base_second + "\nA [dead link](/articles/nowhere/).\n")[2]  # an error
    assert edit(second, base_second)[0]  # fixed
    assert edit(third, THIRD.format(aliases=""))[0]  # added
    assert edit(third, THIRD.format(aliases="\n    aliases: [/articles/second/]"))[2]  # clashes with second's address
    assert edit(third, THIRD.format(aliases="\n    aliases: [/old/third/]"))[0]
    assert edit(second, base_second.replace("date: 2024-01-03", "date: 2024-01-03\naliases: [/old/third/]"))[2]
    assert edit(second, base_second)[0]
    assert edit(third, None)[0]  # deleted
    assert edit(articles / "fourth.markdown", THIRD.format(aliases=""))[1]  # warned of: not read
    assert edit(articles / "fourth.markdown", None)[0]
    assert edit(second, base_second + "\nThe last line.\n")[0]


def test_an_edit_tests_only_the_pages_and_links_that_read_what_changed(make_site):
    root = make_site()
    project = Project.from_content_dir(root / "content")
    live = SiteBuilder(project, OPTIONS)
    outcome(live, root, None)
    second = root / "content" / "articles" / "second.md"
    second.write_text(second.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    graph = live.memory.graph
    tested = []
    holds_all = graph.current_all

    def spy(kind, scope, now, keys):
        found = holds_all(kind, scope, now, keys)
        tested.extend((kind, key) for key in set(keys) - found.keys())
        return found

    graph.current_all = spy
    outcome(live, root, {second.resolve()})
    assert ("page", "articles/second/index.html") in tested
    assert ("page", "articles/first/index.html") not in tested and ("links", "articles/first/index.html") not in tested


def test_edits_to_an_original_and_its_translation_through_the_fast_path_equal_a_clean_build(make_site):
    root = make_site({"content/articles/first.ru.md": RU_FIRST, **RUSSIAN_EDITION})
    project = Project.from_content_dir(root / "content")
    live = SiteBuilder(project, OPTIONS)
    outcome(live, root, None)
    first, translation = root / "content" / "articles" / "first.md", root / "content" / "articles" / "first.ru.md"
    base_first = first.read_text(encoding="utf-8")
    for path, text in ((first, base_first.replace("First article", "The first article")),  # the original's title
                       (translation, RU_FIRST + "\nЕщё строка.\n"),
                       (translation, RU_FIRST.replace("date: 2024-01-02\n", "date: 2024-01-02\norder: 1\n", 1)),  # an error
                       (translation, RU_FIRST), (first, base_first)):
        path.write_text(text, encoding="utf-8")
        assert outcome(live, root, {path.resolve()}) == outcome(SiteBuilder(project, OPTIONS), root, None), path.name


def test_the_graph_tests_again_each_key_that_read_a_changed_input_or_was_recorded_anew():
    graph = DependencyGraph()
    graph.start_build()
    graph.record("page", "a", {"x": "1"}, "A")
    graph.record("page", "b", {"y": "1"}, "B")
    assert graph.current_all("page", "pages", {"x": "1", "y": "1"}, ["a", "b"]) == {"a": "A", "b": "B"}
    graph.finish()

    graph.start_build()  # y changed: b is tested (and made again), a is carried over
    assert graph.current_all("page", "pages", {"x": "1", "y": "2"}, ["a", "b"]) == {"a": "A"}
    graph.record("page", "b", {"y": "2"}, "B2")
    graph.record("page", "a", {"x": "9"}, "A9")  # made again from other inputs after it was found: no longer vouched for
    graph.finish()

    graph.start_build()
    assert graph.current_all("page", "pages", {"x": "1", "y": "2"}, ["a", "b"]) == {"b": "B2"}
    graph.record("page", "a", {"x": "1"}, "A")  # a build that fails after recording b from other inputs
    graph.record("page", "b", {"y": "3"}, "B3")
    graph.start_build()
    assert graph.current_all("page", "pages", {"x": "1", "y": "2"}, ["a", "b"]) == {"a": "A"}
