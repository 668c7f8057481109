"""Machine-readable outputs: the Atom feed, the sitemap, robots.txt and _redirects.

Input: the validated site, each article's rendered body (typeset), its last-updated date,
and the site's absolute base URL. Output: the bytes of `feed.xml`, `sitemap.xml`,
`robots.txt` and Netlify's `_redirects`, built with ElementTree so they are always
well-formed and escaped, and byte-identical for identical input.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from collections.abc import Mapping
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from ..model import Article, Site
from ..rendering.typography import typeset_text

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
# Feed readers fetch the whole feed on every poll, many of our readers over slow or
# filtered networks: the feed carries the most recently updated articles, not all
# (with full content, 1,000 articles would make a 7 MB feed).
FEED_ENTRIES = 20


def absolute_url(base_url: str, path: str) -> str:
    """Join the site's base URL and a root-relative path: ('https://x.org/sub/', '/a/') -> 'https://x.org/sub/a/'."""
    return (base_url if base_url.endswith("/") else base_url + "/") + path.lstrip("/")


def _timestamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def feed_articles(site: Site, updated: Mapping[str, dt.date]) -> list[Article]:
    """Return the articles the feed carries: the FEED_ENTRIES most recently updated, newest first."""
    # The newest few of all the articles: no sort of the whole list (10,000 articles, four times an edit).
    return heapq.nlargest(FEED_ENTRIES, site.articles, key=lambda a: (updated[a.slug], a.slug))


def render_atom_feed(site: Site, bodies: Mapping[str, str], updated: Mapping[str, dt.date],
                     related: tuple[tuple[str, str, str], ...] = ()) -> bytes:
    """Return the Atom feed of one edition: the FEED_ENTRIES most recently updated articles, with full content.

    `related` lists other forms of the whole edition, (root-relative path, media type, title):
    the whole briefing in one file, as HTML and as PDF.
    """
    base, config, language = site.config.base_url, site.config, site.language
    home = f"/{site.prefix}"
    newest = max(updated.values(), default=None)
    head = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f'<feed xmlns="{ATOM}" xml:lang={quoteattr(config.language)}>',
        f"  <title>{escape(typeset_text(config.title, language))}</title>",
        f"  <subtitle>{escape(typeset_text(config.description, language))}</subtitle>",
        f"  <id>{escape(absolute_url(base, home))}</id>",
        f'  <link rel="self" href={quoteattr(absolute_url(base, home + "feed.xml"))} />',
        f'  <link rel="alternate" type="text/html" href={quoteattr(absolute_url(base, home))} />',
    ]
    head += [f"  <link rel=\"related\" type={quoteattr(media_type)} href={quoteattr(absolute_url(base, path))} "
             f"title={quoteattr(title)} />" for path, media_type, title in related]
    if newest is not None:
        head.append(f"  <updated>{_timestamp(newest)}</updated>")
    head.append(f"  <author>\n    <name>{escape(config.title)}</name>\n  </author>")
    articles = feed_articles(site, updated)
    entries = [
        _atom_entry(typeset_text(a.title, language), absolute_url(base, a.url), _timestamp(a.date),
                    _timestamp(updated[a.slug]), typeset_text(a.summary, language), a.tags, bodies[a.slug])
        for a in articles
    ]
    return ("\n".join(head) + "\n" + "".join(entries) + "</feed>\n").encode("utf-8")


@functools.lru_cache(maxsize=50_000)
def _atom_entry(title: str, url: str, published: str, updated: str, summary: str,
                tags: tuple[str, ...], body: str) -> str:
    # Text, not ElementTree: entries are cached, so an edit re-serialises one entry, not all.
    categories = "".join(f"\n    <category term={quoteattr(tag)} />" for tag in tags)
    return (
        f"  <entry>\n    <title>{escape(title)}</title>\n    <id>{escape(url)}</id>\n"
        f'    <link rel="alternate" type="text/html" href={quoteattr(url)} />\n'
        f"    <published>{published}</published>\n    <updated>{updated}</updated>\n"
        f"    <summary>{escape(summary)}</summary>{categories}\n"
        # Full content as escaped HTML with xml:base, so relative links resolve in readers.
        f"    <content type=\"html\" xml:base={quoteattr(url)}>{escape(body)}</content>\n  </entry>\n"
    )


def render_sitemap(site: Site, entries: list[tuple[str, dt.date | None, list[tuple[str, str | None]]]]) -> bytes:
    """Return sitemap.xml: each page's absolute URL, last modification and its translations."""
    # Most rebuilds change no address or date: the same entries give the same sitemap.
    key = tuple(sorted((path, date, tuple(alternates)) for path, date, alternates in entries))
    return _sitemap(site.config.base_url, key)


@functools.lru_cache(maxsize=4)
def _sitemap(base_url: str, entries: tuple[tuple[str, dt.date | None, tuple[tuple[str, str | None], ...]], ...]) -> bytes:
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for path, date, alternates in entries:
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = absolute_url(base_url, path)
        if date is not None:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = date.isoformat()
        available = [(language, href) for language, href in alternates if href]
        if len(available) > 1:
            for language, href in available:
                ET.SubElement(url, f"{{{XHTML}}}link", {"rel": "alternate", "hreflang": language,
                                                        "href": absolute_url(base_url, href)})
    return _serialise(urlset)


def render_redirects(site: Site) -> bytes:
    """Return Netlify's _redirects: each article's old addresses, moved permanently."""
    base = site.config.base_path
    lines = [
        f"{base}{alias.lstrip('/')} {base}{article.url.lstrip('/')} 301"
        for article in site.articles
        for alias in article.aliases
    ]
    return ("\n".join(sorted(lines)) + "\n").encode() if lines else b""


def render_robots(site: Site) -> bytes:
    """Return robots.txt: everything may be crawled; here is the sitemap (when the site's address is known)."""
    text = "User-agent: *\nAllow: /\n"
    if is_absolute(site.config.base_url):  # robots.txt may only name a sitemap by its full address
        text += f"\nSitemap: {absolute_url(site.config.base_url, '/sitemap.xml')}\n"
    return text.encode()


def is_absolute(url: str) -> bool:
    """Tell whether a URL names its host (https://example.org/) rather than only a path."""
    return url.startswith(("http://", "https://"))
