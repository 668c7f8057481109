"""Publishing: the Atom feed and sitemap list exactly the published articles, every page
carries its meta (canonical, description, Open Graph, Twitter, JSON-LD) and a social
card, aliases become redirects, assets are fingerprinted, the search index finds words,
and the netlify.toml headers are what the site needs."""

from __future__ import annotations

import io
import json
import re
import tempfile
import threading
import tomllib
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import sitegen.publishing.search
from sitegen.options import BuildOptions
from sitegen.pipeline import SiteBuilder
from sitegen.publishing.search import SearchIndexing
from sitegen.reading.project import PACKAGE_ROOT, Project
from sitegen.rendering.page_rendering import PageRenderer
from sitegen.reuse.graph import DependencyGraph
from sitegen.reuse.store import FileStore

ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://example.org/briefing/"
DRAFT = "---\ntitle: Not yet\nsummary: A draft.\ndate: 2024-01-05\ndraft: true\n---\nDraft text.\n"


@pytest.fixture
def published(make_site, build, capsys):
    """Return the output folder of the base site plus a draft, built under a sub-path."""
    root = make_site({"content/articles/draft.md": DRAFT})
    assert build(root, "--base-url", BASE) == 0, capsys.readouterr().err
    return root / "_site"


def test_feed_is_atom_with_exactly_the_published_articles(published):
    feed = ET.parse(published / "feed.xml").getroot()

    entries = feed.findall("a:entry", ATOM)
    assert sorted(e.find("a:id", ATOM).text for e in entries) == [BASE + "articles/first/", BASE + "articles/second/"]
    assert feed.find("a:link[@rel='self']", ATOM).get("href") == BASE + "feed.xml"
    assert feed.find("a:updated", ATOM).text == "2024-01-03T00:00:00Z"
    for entry in entries:
        assert entry.find("a:updated", ATOM).text and entry.find("a:published", ATOM).text
        content = entry.find("a:content", ATOM)
        assert content.get("type") == "html" and "<h2 id=" in content.text  # full content, not a teaser


def test_feed_carries_the_most_recently_updated_articles_only(make_site):
    from sitegen.publishing.feeds import FEED_ENTRIES

    articles = {f"content/articles/day-{day:02d}.md": f"---\ntitle: Day {day}\nsummary: Day {day}.\ndate: 2024-02-{day:02d}\n---\nText.\n"
                for day in range(1, FEED_ENTRIES + 2)}
    root = make_site(articles)

    pages = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions(search_index=False, social_cards=False)).build().pages

    ids = [e.find("a:id", ATOM).text for e in ET.fromstring(pages["feed.xml"]).findall("a:entry", ATOM)]
    assert len(ids) == FEED_ENTRIES
    assert ids[0].endswith(f"/articles/day-{FEED_ENTRIES + 1:02d}/")  # newest first; the oldest articles are left out
    assert not any(i.endswith(("/articles/day-01/", "/articles/first/")) for i in ids)


def test_sitemap_lists_exactly_the_published_pages_with_lastmod(published):
    urls = ET.parse(published / "sitemap.xml").getroot().findall("s:url", SITEMAP)
    locations = {u.find("s:loc", SITEMAP).text: u.find("s:lastmod", SITEMAP) for u in urls}

    assert set(locations) == {BASE, BASE + "articles/first/", BASE + "articles/second/", BASE + "search/", BASE + "changes/",
                              BASE + "sources/", BASE + "charts/", BASE + "mirror/"}
    assert locations[BASE + "articles/second/"].text == "2024-01-03"
    assert (published / "robots.txt").read_text() == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"


@pytest.mark.parametrize("path", ["index.html", "articles/first/index.html", "search/index.html", "changes/index.html"])
def test_every_page_has_canonical_description_social_meta_and_json_ld(published, path):
    html = (published / path).read_text(encoding="utf-8")
    url = BASE + path.removesuffix("index.html")

    assert f'<link rel="canonical" href="{url}">' in html
    assert re.search(r'<meta name="description" content="[^"]+">', html)
    for meta in ("og:title", "og:description", "og:type", "og:image"):
        assert f'<meta property="{meta}"' in html, meta
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'href="/briefing/feed.xml"' in html  # the feed is linked from every page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == ("NewsArticle" if path.startswith("articles/") else "WebSite")
    assert data["publisher"]["name"] == "Test briefing"


def test_article_json_ld_has_dates_and_a_social_card_of_the_right_size(published):
    html = (published / "articles/second/index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))

    assert (data["datePublished"], data["dateModified"]) == ("2024-01-03", "2024-01-03")
    assert data["image"] == [BASE + "articles/second/card.png"]
    card = (published / "articles/second/card.png").read_bytes()
    assert card[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(card[16:20], "big"), int.from_bytes(card[20:24], "big")) == (1200, 630)


def test_front_matter_updated_is_the_last_updated_date(make_site, build, capsys):
    root = make_site({"content/articles/second.md": "---\ntitle: Second article\nsummary: s\ndate: 2024-01-03\n"
                                                    "updated: 2024-02-01\n---\n## Details\n\nText.\n"})
    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/second/index.html").read_text(encoding="utf-8")
    assert 'Last updated <time datetime="2024-02-01">1 February 2024</time>' in html


def test_the_header_names_a_day_of_change_once_and_the_contents_show_headings_as_written(make_site, build, capsys):
    root = make_site({"content/articles/second.md": "---\ntitle: Second article\nsummary: s\ndate: 2024-01-03\n"
                                                    "updated: 2024-02-01\nchanges:\n  - date: 2024-02-01\n    kind: update\n"
                                                    "    note: Added the pardon.\n---\n## Details\n\nText.\n\n## Zhao's pardon\n\nText.\n\n"
                                                    "## Q&A\n\nText.\n\n## The end\n\nText.\n"})
    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/second/index.html").read_text(encoding="utf-8")
    meta = re.search(r'<p class="meta">.*?</p>', html, re.DOTALL).group(0)
    assert meta.count("1 February 2024") == 1 and "Updated" in meta, meta
    contents = re.search(r'<nav class="toc".*?</nav>', html, re.DOTALL).group(0)
    assert "Zhao&rsquo;s pardon</a>" in contents and "Q&amp;A</a>" in contents, contents


def test_aliases_are_written_as_netlify_redirects(make_site, build, capsys):
    root = make_site({"content/articles/second.md": "---\ntitle: Second article\nsummary: s\ndate: 2024-01-03\n"
                                                    "aliases: [/articles/old-name/, /2024/second/]\n---\n## Details\n"})
    assert build(root, "--base-url", BASE) == 0, capsys.readouterr().err

    assert (root / "_site/_redirects").read_text() == (
        "/briefing/2024/second/ /briefing/articles/second/ 301\n"
        "/briefing/articles/old-name/ /briefing/articles/second/ 301\n"
    )


def test_an_alias_that_is_still_a_page_is_an_error(make_site, build, capsys):
    root = make_site({"content/articles/second.md": "---\ntitle: Second article\nsummary: s\ndate: 2024-01-03\n"
                                                    "aliases: [/articles/first/]\n---\n## Details\n"})
    code = build(root)

    err = capsys.readouterr().err
    assert code == 1, err
    assert "content/articles/second.md: the alias '/articles/first/' is already the address of content/articles/first.md" in err


def test_assets_are_fingerprinted_and_pages_name_the_fingerprinted_files(published):
    css = sorted((published / "static/css").glob("site.*.css"))
    assert len(css) == 1 and re.fullmatch(r"site\.[0-9a-f]{8}\.css", css[0].name)
    assert not (published / "static/css/site.css").exists()
    assert f'href="/briefing/static/css/{css[0].name}"' in (published / "index.html").read_text(encoding="utf-8")


def test_search_index_is_fingerprinted_and_finds_a_word_from_an_article(make_site):
    root = make_site({"content/articles/second.md": "---\ntitle: Second article\nsummary: s\ndate: 2024-01-03\n---\n"
                                                    "## Details\n\nThe zeppelin flies over the exchange.\n"})
    pages = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions()).build().pages

    bundles = {path.split("/")[1] for path in pages if path.startswith("static/pagefind.")}
    assert len(bundles) == 1 and re.fullmatch(r"pagefind\.[0-9a-f]{10}", bundles.pop())
    search_page = pages["search/index.html"].decode()
    assert re.search(r'data-bundles="/static/pagefind\.[0-9a-f]{10}/"', search_page)
    # Pagefind stores each page's words in a fragment: the article's word is in the index.
    import gzip

    fragments = [gzip.decompress(body) for path, body in pages.items() if path.endswith(".pf_fragment")]
    assert any(b"zeppelin" in fragment for fragment in fragments)


def test_search_results_link_to_each_article_under_the_base_path(published):
    # Pagefind reads the pages side by side under numbers: each names its own URL for its results.
    import gzip

    fragments = [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
                 for path in published.glob("static/pagefind.*/fragment/*.pf_fragment")]
    articles = {f"/briefing/articles/{page.parent.name}/" for page in published.glob("articles/*/index.html")}
    assert sorted(fragment["meta"]["url"] for fragment in fragments) == sorted(articles)
    assert all(fragment["meta"]["title"] for fragment in fragments)


def test_a_large_edition_is_indexed_in_shards_and_an_edit_reindexes_only_its_shard(make_site, monkeypatch):
    # Three articles in shards of two: two Pagefind bundles, each bounded in memory while it indexes.
    monkeypatch.setattr("sitegen.publishing.search.PAGES_PER_SHARD", 2)
    third = "---\ntitle: Third article\nsummary: s\ndate: 2024-01-04\n---\n## Notes\n\nThe {word} lands.\n"
    root = make_site({"content/articles/third.md": third.format(word="zeppelin")})
    builder = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions())
    pages = builder.build().pages

    folders = re.search(r'data-bundles="([^"]+)"', pages["search/index.html"].decode()).group(1).split(" ")
    assert len(folders) == 2 and all(re.fullmatch(r"/static/pagefind\.[0-9a-f]{10}/", f) for f in folders), folders
    for folder in folders:
        assert f"{folder.lstrip('/')}pagefind-entry.json" in pages, folder
    # The shards hold the articles in path order: first and second, then third.
    import gzip

    last_shard = [gzip.decompress(body) for path, body in pages.items()
                  if path.startswith(folders[1].lstrip("/")) and path.endswith(".pf_fragment")]
    assert len(last_shard) == 1 and b"zeppelin" in last_shard[0]

    (root / "content/articles/third.md").write_text(third.format(word="airship"), encoding="utf-8")
    again = re.search(r'data-bundles="([^"]+)"', builder.build().pages["search/index.html"].decode()).group(1).split(" ")
    assert again[0] == folders[0] and again[1] != folders[1]


def test_a_shard_is_indexed_while_later_pages_render(make_site, monkeypatch):
    monkeypatch.setattr("sitegen.publishing.search.PAGES_PER_SHARD", 2)  # first and second, then third
    root = make_site({"content/articles/third.md": "---\ntitle: Third article\nsummary: s\ndate: 2024-01-04\n---\nText.\n"})
    indexing_started = threading.Event()
    index_shard = sitegen.publishing.search.index_shard

    def noting_index_shard(*args):
        indexing_started.set()
        return index_shard(*args)

    render_page = PageRenderer.render_page
    waited = []

    def render_page_after_indexing(self, renderer, context, kind, page, *args):
        if kind == "article" and page.slug == "third":  # the last page waits until the first shard is being indexed
            waited.append(indexing_started.wait(timeout=60))
        return render_page(self, renderer, context, kind, page, *args)

    monkeypatch.setattr("sitegen.publishing.search.index_shard", noting_index_shard)
    monkeypatch.setattr(PageRenderer, "render_page", render_page_after_indexing)
    pages = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions()).build().pages

    assert waited == [True]
    assert len(re.search(r'data-bundles="([^"]+)"', pages["search/index.html"].decode()).group(1).split(" ")) == 2


def test_a_stopped_search_index_leaves_no_pagefind_running_and_no_folder(tmp_path, monkeypatch, child_processes):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where each shard's Pagefind works
    store = FileStore(tmp_path / "store")
    page = store.put(b'<html lang="en"><body data-pagefind-body><p>A zeppelin lands.</p></body></html>')
    indexing_starts = threading.Event()
    indexing = SearchIndexing(["articles/a/index.html"], DependencyGraph(), store, "en", before_each=indexing_starts.set)
    indexing.page_rendered("articles/a/index.html", page)
    assert indexing_starts.wait(timeout=60)

    indexing.cancel()  # as a build that failed does, whether Pagefind is running yet or not

    assert [command for command in child_processes().values() if b"pagefind" in command] == []
    assert list(tmp_path.glob("sitegen-search-*")) == []


def test_netlify_serves_a_strict_policy_and_caches_only_fingerprinted_files_for_a_year():
    config = tomllib.loads((PACKAGE_ROOT / "netlify.toml").read_text())
    headers = {rule["for"]: rule["values"] for rule in config["headers"]}

    policy = headers["/*"]["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    for name in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"):
        assert name in headers["/*"], name
    assert headers["/*"]["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert headers["/static/*"]["Cache-Control"] == "public, max-age=31536000, immutable"
    assert config["build"]["publish"] == "_site"
    assert "--drafts" in config["context"]["deploy-preview"]["command"]
    assert "--drafts" not in config["build"]["command"]


def test_the_404_page_exists_and_links_home(published):
    html = (published / "404.html").read_text(encoding="utf-8")
    assert "<h1>Page not found</h1>" in html and 'href="/briefing/"' in html


def test_pages_with_a_relative_base_url_write_no_half_absolute_addresses(make_site, build, capsys):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in html and "og:image" not in html
    assert "Sitemap:" not in (root / "_site/robots.txt").read_text()


def test_the_corrections_page_says_so_when_nothing_was_corrected(published):
    assert "No article has been corrected or updated yet." in (published / "changes/index.html").read_text(encoding="utf-8")


def test_published_site_never_contains_drafts(published):
    assert not (published / "articles/draft").exists()
    assert "Not yet" not in Path(published / "index.html").read_text(encoding="utf-8")


def test_last_updated_comes_from_git_and_commit_messages_never_reach_readers(make_site, build, capsys, monkeypatch):
    import subprocess

    root = make_site()
    dates = {"GIT_AUTHOR_DATE": "2024-05-06T12:00:00Z", "GIT_COMMITTER_DATE": "2024-05-06T12:00:00Z"}
    for name, value in {**dates, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.invalid",
                        "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.invalid"}.items():
        monkeypatch.setenv(name, value)
    for command in (["init", "-q"], ["add", "content"], ["commit", "-q", "-m", "Site engine: fix the second article"]):
        subprocess.run(["git", "-C", str(root), *command], check=True)

    assert build(root) == 0, capsys.readouterr().err

    article = (root / "_site/articles/second/index.html").read_text(encoding="utf-8")
    assert 'Last updated <time datetime="2024-05-06">6 May 2024</time>' in article
    site_text = "".join(path.read_text(encoding="utf-8") for path in (root / "_site").rglob("*.html"))
    assert "Site engine" not in site_text and "Site engine" not in (root / "_site/feed.xml").read_text(encoding="utf-8")


def test_corrections_and_updates_show_on_the_article_the_changes_page_and_the_feed(make_site, build, capsys):
    root = make_site({"content/articles/second.md": """\
        ---
        title: Second article
        summary: The second article.
        date: 2024-01-03
        changes:
          - date: 2024-02-01
            kind: update
            note: Added the details section.
          - date: 2024-03-05
            kind: correction
            note: The closing day is the tenth, not the ninth.
        ---
        ## Details

        Back to [the first article](/articles/first/).
        """, "content/articles/draft.md": """\
        ---
        title: Not yet
        summary: s
        date: 2024-01-04
        draft: true
        changes:
          - date: 2024-04-01
            kind: correction
            note: A draft's own note.
        ---
        Draft.
        """})

    assert build(root) == 0, capsys.readouterr().err

    article = (root / "_site/articles/second/index.html").read_text(encoding="utf-8")
    assert 'Corrected <time datetime="2024-03-05">5 March 2024</time></a>' in article  # the latest, in the header
    notes = re.search(r'<section class="article-changes".*?</section>', article, re.DOTALL).group(0)
    assert notes.index("The closing day is the tenth") < notes.index("Added the details section")  # newest first
    changes = (root / "_site/changes/index.html").read_text(encoding="utf-8")
    assert re.search(r'2024-03-05.*Corrected.*href="/articles/second/">Second article</a>.*the tenth, not the ninth.*'
                     r'2024-02-01.*Updated.*Added the details section', changes, re.DOTALL), changes
    assert "A draft's own note" not in changes  # drafts appear nowhere public
    feed = (root / "_site/feed.xml").read_text(encoding="utf-8")
    assert "The closing day is the tenth, not the ninth." in feed


def test_a_change_of_an_unknown_kind_is_an_error_naming_its_line(make_site, build, capsys):
    root = make_site({"content/articles/second.md": "---\ntitle: T\nsummary: s\ndate: 2024-01-03\nchanges:\n"
                                                     "  - date: 2024-02-01\n    kind: corection\n    note: n\n---\nText.\n"})

    assert build(root) == 1
    assert "content/articles/second.md:7: unknown kind of change 'corection'" in capsys.readouterr().err


def test_history_is_read_from_git_again_only_after_head_moves(make_site, monkeypatch):
    import subprocess

    from sitegen.reading.history import HistoryReader

    root = make_site()
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "Editor")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "editor@example.invalid")

    def git(*command):
        subprocess.run(["git", "-C", str(root), *command], check=True)

    git("init", "-q")
    git("add", "content")
    git("commit", "-q", "-m", "First")
    reader = HistoryReader()
    first = reader.load(root, root / "content")
    assert "content/articles/first.md" in first.last_changed
    (root / "content/articles/first.md").write_text("---\ntitle: First\nsummary: s\ndate: 2024-01-02\n---\nEdited.\n")
    assert reader.load(root, root / "content") is first  # an edit, not yet committed: git is not asked

    git("commit", "-q", "-am", "Edit the first article")
    assert reader.load(root, root / "content") is not first


def test_social_cards_draw_cyrillic_with_the_packaged_font():
    from sitegen.publishing.cards import card_font, wrap

    font = card_font("Bold", 64)
    # Without Cyrillic glyphs every Russian letter would be the same empty box.
    shapes = {bytes(font.getmask(letter)) for letter in "ЖДЯБ"}
    assert len(shapes) == 4
    lines = wrap("Как Binance остаётся в России после объявления об уходе " * 3, font, 1056, 2)
    assert len(lines) == 2 and lines[-1].endswith("…") and all(font.getlength(line) <= 1056 for line in lines)


def test_a_social_card_is_a_valid_png_in_the_card_colours():
    from PIL import Image

    from sitegen.publishing.cards import ACCENT, BACKGROUND, WHITE, CardText, draw_card

    png = draw_card(CardText("Binance in Russia", "How Binance stays present", "1", "a key figure"))
    Image.open(io.BytesIO(png)).verify()  # chunk CRCs and structure, as a reader's browser checks them
    card = Image.open(io.BytesIO(png)).convert("RGB")
    assert card.size == (1200, 630)
    colours = {colour for _count, colour in card.getcolors(64)}
    # The background, full white title ink, the accent, and only blends of them in between.
    assert {BACKGROUND, WHITE, ACCENT} <= colours and len(colours) <= 32
    assert card.getpixel((600, 600)) == BACKGROUND and card.getpixel((4, 300)) == ACCENT
