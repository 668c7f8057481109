"""The dev server's rebuild path: after an edit the served folder equals a clean build,
a broken edit keeps the last good pages and shows the errors in them, and fixing the
file recovers by itself."""

from __future__ import annotations

from sitegen.content import Project
from sitegen.pipeline import BuildOptions, build_site
from sitegen.serve import DevSite

OPTIONS = BuildOptions(include_drafts=True, search_index=False)


def served(dev_site: DevSite, path: str) -> tuple[str, bytes]:
    """Return (status, body) of one request to the dev server's WSGI app."""
    answer = {}
    body = b"".join(dev_site.respond({"PATH_INFO": path}, lambda status, headers: answer.update(status=status)))
    return answer["status"], body


def test_rebuild_after_an_edit_serves_what_a_clean_build_writes(make_site, read_tree, tmp_path):
    root = make_site()
    project = Project.from_content_dir(root / "content")
    dev_site = DevSite(project, root / "_serve", OPTIONS)
    dev_site.first_build()
    article = root / "content/articles/second.md"
    article.write_text(article.read_text().replace("Back to", "Go back to"), encoding="utf-8")

    changed = dev_site.rebuild({article.resolve()})

    assert "articles/second/index.html" in changed
    build_site(project, tmp_path / "clean", OPTIONS)
    assert read_tree(root / "_serve") == read_tree(tmp_path / "clean")
    status, body = served(dev_site, "/articles/second/")
    assert status == "200 OK" and b"Go back to" in body


def test_a_broken_edit_keeps_the_last_good_page_with_the_errors_on_it_until_fixed(make_site):
    root = make_site()
    dev_site = DevSite(Project.from_content_dir(root / "content"), root / "_serve", OPTIONS)
    dev_site.first_build()
    article = root / "content/articles/second.md"
    good = article.read_text()
    article.write_text(good.replace("title: Second article", "title: [broken"), encoding="utf-8")

    dev_site.rebuild({article.resolve()})

    status, body = served(dev_site, "/articles/second/")
    assert status == "200 OK" and b"Second article" in body  # the last good version
    assert b'role="alert"' in body and b"content/articles/second.md:2: YAML syntax error" in body

    article.write_text(good, encoding="utf-8")
    dev_site.rebuild({article.resolve()})

    assert b'role="alert"' not in served(dev_site, "/articles/second/")[1]


def test_unknown_addresses_get_the_404_page(make_site):
    root = make_site()
    dev_site = DevSite(Project.from_content_dir(root / "content"), root / "_serve", OPTIONS)
    dev_site.first_build()

    status, body = served(dev_site, "/no/such/page/")

    assert status == "404 Not Found" and b"Page not found" in body
