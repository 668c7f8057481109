"""Machine-readable outputs: the Atom feed, the sitemap, robots.txt and _redirects.

Input: the validated site, each article's rendered body, its last-updated date, and
the site's absolute base URL. Output: the bytes of `feed.xml`, `sitemap.xml`,
`robots.txt` and Netlify's `_redirects`, built with ElementTree so they are always
well-formed and escaped, and byte-identical for identical input.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

from .model import Article, Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def absolute_url(base_url: str, path: str) -> str:
    """Join the site's base URL and a root-relative path: ('https://x.org/sub/', '/a/') -> 'https://x.org/sub/a/'."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", path.lstrip("/"))


def _timestamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def render_atom_feed(site: Site, bodies: dict[str, str], updated: dict[str, dt.date]) -> bytes:
    """Return an Atom feed of every published article, with full content."""
    ET.register_namespace("", ATOM)
    base = site.config.base_url
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": site.config.language})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = site.config.title
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = site.config.description
    ET.SubElement(feed, f"{{{ATOM}}}id").text = absolute_url(base, "/")
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": absolute_url(base, "/feed.xml")})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": absolute_url(base, "/")})
    newest = max(updated.values(), default=None)
    if newest is not None:
        ET.SubElement(feed, f"{{{ATOM}}}updated").text = _timestamp(newest)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = site.config.title
    for article in sorted(site.articles, key=lambda a: (updated[a.slug], a.slug), reverse=True):
        feed.append(_atom_entry(article, bodies[article.slug], updated[article.slug], base))
    return _serialise(feed)


def _atom_entry(article: Article, body: str, updated: dt.date, base: str) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    url = absolute_url(base, article.url)
    ET.SubElement(entry, f"{{{ATOM}}}title").text = article.title
    ET.SubElement(entry, f"{{{ATOM}}}id").text = url
    ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": url})
    ET.SubElement(entry, f"{{{ATOM}}}published").text = _timestamp(article.date)
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = _timestamp(updated)
    ET.SubElement(entry, f"{{{ATOM}}}summary").text = article.summary
    for tag in article.tags:
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag})
    # Full content as escaped HTML with xml:base, so relative links resolve in readers.
    content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html", "xml:base": url})
    content.text = body
    return entry


def render_sitemap(site: Site, entries: list[tuple[str, dt.date | None, list[tuple[str, str | None]]]]) -> bytes:
    """Return sitemap.xml: each page's absolute URL, last modification and its translations."""
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for path, date, alternates in sorted(entries, key=lambda entry: entry[0]):
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = absolute_url(site.config.base_url, path)
        if date is not None:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = date.isoformat()
        available = [(language, href) for language, href in alternates if href]
        if len(available) > 1:
            for language, href in available:
                ET.SubElement(url, f"{{{XHTML}}}link", {"rel": "alternate", "hreflang": language,
                                                        "href": absolute_url(site.config.base_url, href)})
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
