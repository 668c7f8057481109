"""Incremental rebuilds: one SiteBuilder re-renders only the pages whose inputs changed,
and what it produces equals a clean build byte for byte."""

from __future__ import annotations

import shutil

import pytest

from sitegen.errors import BuildFailed
from sitegen.options import BuildOptions
from sitegen.pipeline import SiteBuilder
from sitegen.reading.project import PACKAGE_ROOT, Project

# The search page embeds the address of the search index, which is built from the text
# of every article: it depends on every article body, and on nothing else that changes here.
SEARCH_PAGE = "search/index.html"
# Pagefind takes about half a second per index, so most tests build without it; the
# first test below keeps it to hold the search page's dependency on article text.
FAST = BuildOptions(search_index=False)


@pytest.fixture
def project(make_site, chart_block):
    """Return a project with its own templates/, a chart in the first article and key figures on the home page."""
    root = make_site({
        "content/articles/first.md": "---\ntitle: First article\nsummary: The first article.\ndate: 2024-01-02\n---\n"
                                     "## Background\n\nRead [the details](/articles/second/#details).\n\n" + chart_block,
        "content/data/key_figures.yaml": "rows:\n  - value: '2'\n    label: articles\n    link: /articles/first/\n",
    })
    shutil.copytree(PACKAGE_ROOT / "templates", root / "templates")
    return Project.from_content_dir(root / "content")


def clean_build(project: Project, options: BuildOptions = FAST) -> dict[str, bytes]:
    """Return every output file of a fresh build."""
    return SiteBuilder(project, options).build().pages


def edit(path, old: str, new: str) -> None:
    """Replace text in a file, checking the text was there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_first_build_renders_every_page_and_an_unchanged_rebuild_none(project):
    builder = SiteBuilder(project, FAST)

    first = builder.build()
    again = builder.build()

    assert {"index.html", "404.html", "articles/first/index.html", "articles/second/index.html"} <= set(first.rendered)
    assert again.rendered == []
    assert again.pages == first.pages


def test_editing_an_article_body_rerenders_only_that_article_and_the_search_page(project):
    builder = SiteBuilder(project, BuildOptions())
    builder.build()
    edit(project.content / "articles/second.md", "Back to", "Go back to")

    result = builder.build()

    assert sorted(result.rendered) == ["articles/second/index.html", SEARCH_PAGE]
    assert b"Go back to" in result.pages["articles/second/index.html"]
    assert result.pages == clean_build(project, BuildOptions())


def test_editing_an_article_title_rerenders_every_page_that_lists_it(project):
    builder = SiteBuilder(project, FAST)
    first = builder.build()
    edit(project.content / "articles/second.md", "title: Second article", "title: Second article, renamed")

    result = builder.build()

    assert set(first.rendered) <= set(result.rendered)
    assert b"Second article, renamed" in result.pages["index.html"]
    assert result.pages == clean_build(project)


def test_editing_a_data_file_rerenders_only_pages_that_use_it(project):
    builder = SiteBuilder(project, FAST)
    builder.build()
    edit(project.content / "data/numbers.yaml", "value: 2", "value: 5")

    result = builder.build()

    assert sorted(result.rendered) == ["articles/first/index.html", "charts/numbers/index.html"]  # the chart's own page
    assert b"<td>5</td>" in result.pages["articles/first/index.html"]
    assert result.pages["charts/numbers/numbers.csv"] == b"year,value\n2023,1\n2024,5\n"
    assert result.pages == clean_build(project)


def test_editing_home_page_data_rerenders_only_the_home_page(project):
    builder = SiteBuilder(project, FAST)
    builder.build()
    edit(project.content / "data/key_figures.yaml", "label: articles", "label: articles so far")

    result = builder.build()

    assert sorted(result.rendered) == ["index.html"]
    assert b"articles so far" in result.pages["index.html"]
    assert result.pages == clean_build(project)


def test_editing_a_template_rerenders_only_pages_built_from_it(project):
    builder = SiteBuilder(project, FAST)
    builder.build()
    edit(project.root / "templates/article.html", '<p class="lede">', '<p class="lede standfirst">')

    result = builder.build()

    assert sorted(result.rendered) == ["articles/first/index.html", "articles/second/index.html"]
    assert b'<p class="lede standfirst">' in result.pages["articles/second/index.html"]
    assert result.pages == clean_build(project)


def test_editing_a_shared_template_rerenders_every_page(project):
    builder = SiteBuilder(project, FAST)
    first = builder.build()
    edit(project.root / "templates/base.html", '<main id="main"', '<main class="page" id="main"')

    result = builder.build()

    assert sorted(result.rendered) == sorted(first.rendered)
    assert result.pages == clean_build(project)


def test_a_failed_rebuild_then_a_fix_equals_a_clean_build(project):
    builder = SiteBuilder(project, FAST)
    builder.build()
    second = project.content / "articles/second.md"
    good = second.read_text(encoding="utf-8")
    second.write_text(good.replace("## Details", "## Detail"), encoding="utf-8")
    with pytest.raises(BuildFailed):
        builder.build()
    second.write_text(good.replace("Back to", "Return to"), encoding="utf-8")

    result = builder.build()

    assert result.pages == clean_build(project)


def test_unchanged_rebuild_renders_nothing_when_the_home_page_has_no_key_figures(make_site):
    root = make_site()
    builder = SiteBuilder(Project.from_content_dir(root / "content"), FAST)
    builder.build()

    result = builder.build()

    assert result.rendered == []


# The dev server passes the files its watcher saw change; the builder then re-reads,
# re-validates and re-checks only what those files can affect. These tests hold that
# the shortcuts never hide an error or a new file.


def test_renaming_a_heading_that_another_page_links_to_is_caught_when_only_that_file_changed(project):
    builder = SiteBuilder(project, FAST)
    builder.build()
    second = project.content / "articles/second.md"
    edit(second, "## Details", "## More")

    with pytest.raises(BuildFailed) as failure:
        builder.build({second.resolve()})

    assert [(e.path, e.line) for e in failure.value.errors] == [("content/articles/first.md", 8)]
    assert "'#details' that does not exist" in failure.value.errors[0].message


def test_an_error_in_one_file_is_reported_again_after_another_file_changes(project):
    builder = SiteBuilder(project, FAST)
    builder.build()
    first, second = project.content / "articles/first.md", project.content / "articles/second.md"
    edit(first, "date: 2024-01-02", "date: 2024-13-02")
    with pytest.raises(BuildFailed):
        builder.build({first.resolve()})
    edit(second, "Back to", "Return to")

    with pytest.raises(BuildFailed) as failure:
        builder.build({second.resolve()})

    assert [e.path for e in failure.value.errors] == ["content/articles/first.md"]


def test_an_added_and_a_removed_article_are_seen_from_the_changed_files_alone(project):
    builder = SiteBuilder(project, FAST)
    builder.build()
    added = project.content / "articles/third.md"
    added.write_text("---\ntitle: Third article\nsummary: A new one.\ndate: 2024-02-01\n---\nNew.\n", encoding="utf-8")
    result = builder.build({added.resolve()})
    assert "articles/third/index.html" in result.pages

    added.unlink()
    result = builder.build({added.resolve()})

    assert "articles/third/index.html" not in result.pages
    assert result.pages == clean_build(project)


def test_a_new_process_takes_parsed_front_matter_from_the_cache_and_builds_the_same(project):
    cached = BuildOptions(search_index=False, use_cache=True)
    builder = SiteBuilder(project, cached)
    first = builder.build()
    builder.save_cache()

    again = SiteBuilder(project, cached)  # reads the graph from .cache/, as a new process does
    result = again.build()

    assert again.memory.graph.made.get("read", 0) == 0, "no file parsed again"
    assert result.pages == first.pages


def test_the_store_keeps_only_the_files_the_cache_names_and_a_lost_store_is_rebuilt(project):
    from sitegen.reuse.cache import store_folder

    cached = BuildOptions(use_cache=True)
    first = SiteBuilder(project, cached)
    first.build()
    first.save_cache()
    edit(project.content / "articles/first.md", "## Background", "## Origins")
    builder = SiteBuilder(project, cached)
    result = builder.build()
    builder.save_cache()

    store = store_folder(project.root)
    kept = {f"{folder.name}{file.name}" for folder in store.iterdir() for file in folder.iterdir()}
    # The edited page's former version, and the search bundle built from it, are gone.
    named = load_cache_contents(project).stored_digests()
    assert kept == named
    assert all(result.pages.digest(path) in kept for path in result.pages if path.endswith((".png", "index.html")))

    shutil.rmtree(store)  # a partly deleted .cache/: the records name files that are gone
    assert SiteBuilder(project, cached).build().pages == result.pages


def load_cache_contents(project: Project):
    from sitegen.reuse.cache import load_cache, store_folder
    from sitegen.reuse.store import FileStore

    return load_cache(project.root, FileStore(store_folder(project.root)))


def test_an_article_saved_again_while_the_site_builds_fails_plainly_and_the_next_build_takes_it(project):
    # Bodies are read from their files when rendered; a save between reading and rendering
    # must not render a body that was never validated.
    builder = SiteBuilder(project, FAST)
    publication = builder.load_and_validate()
    edit(project.content / "articles/first.md", "## Background", "## Origins")

    with pytest.raises(BuildFailed) as failure:
        builder.render_site(publication)

    assert [(e.path, e.message) for e in failure.value.errors] == [
        ("content/articles/first.md", "the file changed while the site was being built")]
    assert builder.build().pages == clean_build(project)


def test_an_article_that_joins_the_feed_after_it_was_rendered_gets_its_body_in_the_feed(project, monkeypatch):
    from sitegen.publishing import feeds

    # Only the feed's articles keep their body apart when rendered. Widening the feed
    # changes no input of the second article's page, so the page is not rendered again.
    monkeypatch.setattr(feeds, "FEED_ENTRIES", 1)
    builder = SiteBuilder(project, FAST)
    first = builder.build()
    monkeypatch.setattr(feeds, "FEED_ENTRIES", 2)

    result = builder.build()

    assert first.pages["feed.xml"].count(b"<entry>") == 1
    assert result.pages["feed.xml"].count(b"<entry>") == 2 and "articles/second/index.html" not in result.rendered
    assert result.pages == clean_build(project)
