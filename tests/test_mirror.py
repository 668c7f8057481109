"""The mirrorable copy (issue 30): `build --relative`, and mirror.zip, which every build offers.

The copy must work from any folder, any host path and file://, so no link in it may start
from a host's root or name the original site's address; every relative link must name a
file the copy has. The zip is the same copy in one folder, byte-identical while nothing changes.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import zipfile
from pathlib import Path

import pytest

import sitegen.publishing.mirror
from sitegen.publishing.mirror import Addresses, relative_html, relative_url

BASE = "https://example.org/sub/"
# A link from a host's root (href="/..."), or to the original site, in the attributes that load or open something.
ROOT_RELATIVE = re.compile(r'(?<![\w-])(?:href|src|action)="/')
ORIGINAL = re.compile(r'(?<![\w-])(?:href|src|action)="' + re.escape(BASE))
# What names the original on purpose: a canonical or hreflang link, a feed the copy does not carry.
ABOUT_THE_ORIGINAL = re.compile(r'<link rel="(?:canonical|alternate)"[^>]*>')
LINK = re.compile(r'(?<![\w-])(?:href|src)="([^"]*)"')


def text_files(folder: Path) -> dict[str, str]:
    """Return every HTML and CSS file under folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.suffix in (".html", ".css")}


def dead_links(folder: Path) -> list[str]:
    """Return 'page -> link' for every relative link of the copy whose file is missing."""
    dead = []
    for path, text in text_files(folder).items():
        for link in LINK.findall(text):
            if not link or link.startswith(("#", "http://", "https://", "mailto:", "data:")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), re.split(r"[?#]", link)[0]))
            if not (folder / target).is_file():
                dead.append(f"{path} -> {link}")
    return dead


def zip_of(root: Path, output: str = "_site") -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO((root / output / "mirror.zip").read_bytes()))


@pytest.mark.parametrize("base_url", [None, BASE])
def test_the_relative_build_has_no_link_from_the_root_nor_to_the_original(make_site, build, capsys, base_url):
    root = make_site()
    options = ("--relative", *(("--base-url", base_url) if base_url else ()))

    assert build(root, *options) == 0, capsys.readouterr().err

    files = text_files(root / "_site")
    assert "articles/first/index.html" in files and any(path.endswith(".css") for path in files)
    for path, text in files.items():
        assert not ROOT_RELATIVE.search(text), (path, ROOT_RELATIVE.findall(text))
        assert not ORIGINAL.search(ABOUT_THE_ORIGINAL.sub("", text)), path
    assert dead_links(root / "_site") == []


def test_links_in_the_copy_name_the_file_they_open(make_site, build, capsys):
    root = make_site()

    assert build(root, "--relative") == 0, capsys.readouterr().err

    first = (root / "_site/articles/first/index.html").read_text(encoding="utf-8")
    home = (root / "_site/index.html").read_text(encoding="utf-8")
    assert 'href="../second/index.html#details"' in first  # from Markdown, with its anchor
    assert 'href="../../index.html"' in first  # from the templates
    assert '<link rel="stylesheet" href="../../static/css/site.' in first
    assert 'href="articles/first/index.html"' in home


def test_the_copy_leaves_out_what_needs_a_server_or_the_sites_address(make_site, build, capsys, read_tree):
    root = make_site()

    assert build(root, "--relative") == 0, capsys.readouterr().err

    paths = set(read_tree(root / "_site"))
    left_in = {p for p in paths if p in ("sitemap.xml", "robots.txt", "_redirects", "mirror.zip")
               or p.endswith(("feed.xml", "card.png")) or "pagefind" in p}
    assert left_in == set()
    search = (root / "_site/search/index.html").read_text(encoding="utf-8")
    assert "Search needs a web server, and this copy works without one." in search
    assert "<form" not in search and "<script type=\"module\"" not in search
    assert 'href="../articles/first/index.html"' in search  # every article listed instead
    head = (root / "_site/index.html").read_text(encoding="utf-8").partition("</head>")[0]
    assert "feed.xml" not in head  # a feed needs the site's address: its link is dropped


def test_the_copy_names_the_original_when_the_build_knows_its_address(make_site, build, capsys):
    root = make_site()

    assert build(root, "--relative", "--base-url", BASE) == 0, capsys.readouterr().err

    first = (root / "_site/articles/first/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}articles/first/">' in first
    assert f'href="{BASE}feed.xml"' in first  # the original's feed, which the copy does not carry
    mirror = (root / "_site/mirror/index.html").read_text(encoding="utf-8")
    assert f"The original is published at {BASE}." in mirror
    assert "mirror.zip" not in mirror  # a copy cannot offer a zip of itself


def test_the_copys_search_page_points_to_the_one_file_edition_when_there_is_one(make_site, build, capsys):
    root = make_site()

    assert build(root) == 0, capsys.readouterr().err
    assert build(root, "--relative", output="copy") == 0, capsys.readouterr().err

    search = (root / "copy/search/index.html").read_text(encoding="utf-8")
    if (root / "_site/briefing.html").is_file():  # the one-file edition (issue 30, item 2)
        assert 'href="../briefing.html"' in search
        assert (root / "copy/briefing.html").is_file()
    else:
        assert "briefing.html" not in search


def test_every_build_offers_the_copy_as_a_zip_with_its_size(make_site, build, capsys, read_tree):
    root = make_site()

    assert build(root) == 0, capsys.readouterr().err
    assert build(root, "--relative", output="copy") == 0, capsys.readouterr().err

    archive = zip_of(root)
    names = archive.namelist()
    assert names == sorted(names)
    assert "test-briefing/index.html" in names and "test-briefing/articles/first/index.html" in names
    # The zip holds the very files `build --relative` writes.
    assert {name.removeprefix("test-briefing/"): archive.read(name) for name in names} == read_tree(root / "copy")
    page = (root / "_site/mirror/index.html").read_text(encoding="utf-8")
    assert '<a href="/mirror.zip" download>Download the copy</a> (zip, 0.1' in page
    footer = (root / "_site/index.html").read_text(encoding="utf-8").partition('<footer')[2]
    assert 'href="/mirror/"' in footer


def test_the_zip_is_byte_identical_across_builds(make_site, build, capsys):
    root = make_site()

    assert build(root) == 0, capsys.readouterr().err
    assert build(root, "--no-cache", output="again") == 0, capsys.readouterr().err

    assert (root / "_site/mirror.zip").read_bytes() == (root / "again/mirror.zip").read_bytes()
    for entry in zip_of(root).infolist():
        assert entry.date_time == (2024, 1, 3, 0, 0, 0)  # the briefing's last update (second.md's date)
        assert entry.external_attr >> 16 == 0o100644


@pytest.mark.parametrize("flags", [(), ("--no-cache",)])
def test_the_zip_is_published_readable_by_all_like_every_other_file(make_site, build, capsys, flags):
    # It was made with tempfile's mode, 0600, and a build without the cache publishes the stored file itself.
    root = make_site()

    assert build(root, *flags) == 0, capsys.readouterr().err

    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in (root / "_site/mirror.zip", root / "_site/index.html")}
    assert modes["mirror.zip"] == modes["index.html"] == 0o666 & ~current_umask(), modes


def current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_an_unchanged_site_does_not_make_the_zip_again(make_site, build, capsys, monkeypatch):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    zipped = []
    monkeypatch.setattr(sitegen.publishing.mirror, "zip_files", lambda *args: zipped.append(args))

    assert build(root) == 0, capsys.readouterr().err

    assert zipped == []
    assert zip_of(root).read("test-briefing/index.html")


def test_an_edit_makes_the_zip_again(make_site, build, capsys):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    before = (root / "_site/mirror.zip").read_bytes()

    make_site({"content/articles/second.md": "---\ntitle: Second article\nsummary: The second article.\n"
                                             "date: 2024-01-03\n---\n## Details\n\nNow edited.\n"})
    assert build(root) == 0, capsys.readouterr().err

    assert (root / "_site/mirror.zip").read_bytes() != before
    assert b"Now edited." in zip_of(root).read("test-briefing/articles/second/index.html")


def test_the_normal_build_is_untouched_by_the_copy(make_site, build, capsys):
    root = make_site()

    assert build(root) == 0, capsys.readouterr().err

    for path, text in text_files(root / "_site").items():
        assert 'href="../' not in text and "index.html\"" not in text.replace('href="/404.html"', ""), path
        assert "this copy works without one" not in text, path
    assert "You are reading a copy" not in (root / "_site/mirror/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("target", "page", "expected"), [
    ("", "index.html", "index.html"),
    ("", "articles/x/index.html", "../../index.html"),
    ("articles/y/#notes", "articles/x/index.html", "../y/index.html#notes"),
    ("ru", "search/index.html", "../ru/index.html"),
    ("articles/x/", "404.html", "articles/x/index.html"),
    ("charts/c/c.csv", "charts/c/index.html", "c.csv"),
    ("static/css/site.1.css", "ru/articles/x/index.html", "../../../static/css/site.1.css"),
])
def test_a_relative_url_names_the_file_from_the_page(target, page, expected):
    assert relative_url(target, page) == expected


@pytest.mark.parametrize(("html", "expected"), [
    ('<a href="/sub/articles/x/">x</a>', '<a href="../x/index.html">x</a>'),
    ('<a href="https://example.org/sub/articles/x/">x</a>', '<a href="../x/index.html">x</a>'),
    ('<a href="https://elsewhere.org/">x</a>', '<a href="https://elsewhere.org/">x</a>'),
    ('<a href="#notes">x</a>', '<a href="#notes">x</a>'),
    ('<link rel="canonical" href="https://example.org/sub/a/">', '<link rel="canonical" href="https://example.org/sub/a/">'),
    ('<a href="/sub/feed.xml">feed</a>', '<a href="https://example.org/sub/feed.xml">feed</a>'),
    ('<img src="/sub/articles/x/card.png" alt="">', '<img src="https://example.org/sub/articles/x/card.png" alt="">'),
])
def test_links_of_a_page_are_rewritten_for_the_copy(html, expected):
    assert relative_html(html, "articles/y/index.html", Addresses("/sub/", BASE)) == expected


def test_a_link_to_what_the_copy_lacks_is_dropped_when_the_original_is_unknown():
    addresses = Addresses("/", "")
    html = '<link rel="alternate" type="application/atom+xml" href="/feed.xml">\n<a href="/feed.xml">Feed</a>'

    assert relative_html(html, "index.html", addresses) == "\n<a>Feed</a>"
