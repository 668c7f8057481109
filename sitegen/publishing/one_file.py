"""The one-file edition: the whole briefing of one language in one HTML file that loads nothing.

Input: an edition's pages as the build rendered them (home, every article in reading order,
the sources page), the stylesheets they link, and templates/briefing.html (the cover, the
contents and the file's own styles). Output: one HTML file, `briefing.html` in each edition,
to save, pass around in a messenger and read from disk on a phone, and the source of the
PDF edition (publishing/pdf_file.py). Nothing is converted from Markdown again: each page's <main> is
taken as it was rendered and typeset, and only its attributes are rewritten:

- every id gets its part's prefix, `a-<slug>--<id>` (`p-home--`, `p-sources--` for the home
  and sources pages), so the notes and headings of different articles never collide, and
  every in-page link, ARIA reference and SVG `url(#...)` follows it;
- a link to an included page becomes `#a-<slug>`, to a heading in it `#a-<slug>--<heading>`;
  to a chart's own page, the chart's figure in the file; to any other page of the site, its
  absolute address when the site knows it (else the link is left without a target);
- links to other sites stay as they are; nothing is loaded: the stylesheets are inlined,
  any <img> to a file is replaced by its text alternative, and the pager and the links to
  chart pages, which mean nothing in one file, are left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

from ..model import Site
from ..rendering.templating import Renderer
from ..rendering.typography import typeset_html
from .feeds import absolute_url, is_absolute

ONE_FILE = "briefing.html"  # in each edition's folder: /briefing.html, /ru/briefing.html
TEMPLATE = "briefing.html"
PARTS_SLOT = "<!-- parts -->"  # where templates/briefing.html puts the pages
STYLE_SLOT = "/* site styles */"  # where it puts the site's stylesheets

_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.DOTALL)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body>", re.DOTALL)
_STYLESHEET = re.compile(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*>")
_HREF = re.compile(r'\bhref="([^"]*)"')
# Parts of a page that mean nothing once every page is in one file.
_LEFT_OUT = re.compile(r"""
    <nav\ class="pager"[^>]*>.*?</nav>                     # previous / next article
  | <p\ class="chart-page-link"[^>]*>.*?</p>               # "this chart's page": the chart is here
""", re.DOTALL | re.VERBOSE)
_IMAGE = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\balt="([^"]*)"')
# A start tag with attributes; pages are our own output, so tags are well formed (see checking/links.py).
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^>]*)>")
_ATTRIBUTE = re.compile(r"""
    (?P<space>\s+)
    (?P<name>[^\s=/>"']+)                                 # attribute name
    (?:\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s"'>]+)))?   # its value, if any
""", re.VERBOSE)
_ID_LISTS = frozenset({"aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-flowto",
                       "aria-details", "aria-errormessage", "aria-activedescendant", "for", "headers", "form", "list"})
_LINKS = frozenset({"href", "xlink:href"})
# Attributes that only the site's search index and print addresses need (see rendering/print_links.py).
_DROPPED = frozenset({"data-pagefind-body", "data-pagefind-ignore", "data-pagefind-meta", "data-url",
                      "data-print-href", "srcset", "src"})
_SVG_REFERENCE = re.compile(r"url\(#([^)]*)\)")
# A tag with any attribute above, or a url(#...): the others are left as they are.
_REWRITTEN = re.compile(r"(?:\sid|href|src|srcset|\sfor|headers|\sform|\slist|aria-[a-z]+|data-[a-z-]+)\s*=|url\(#", re.I)
_OTHER_SITES = ("http://", "https://", "mailto:", "tel:")


@dataclass(frozen=True)
class Part:
    """One page of the edition as a part of the file."""

    anchor: str  # its id in the file: a-<slug>, p-home, p-sources
    url: str  # its address in the site, root-relative without the base path: /articles/x/
    title: str
    kind: str  # home, article, timeline (an article's layout), sources
    path: str  # its output path: the page it is made from


def part_anchor(kind: str, slug: str = "") -> str:
    """Return a part's id in the file: an article's `a-<slug>`, the home page's `p-home`, the sources page's `p-sources`."""
    return f"a-{slug}" if slug else f"p-{kind}"


def edition_parts(site: Site) -> list[Part]:
    """Return the parts of an edition's file in reading order: the home page, every article, the sources page."""
    prefix = site.prefix
    home_title = site.home.title if site.home else site.config.title
    parts = [Part(part_anchor("home"), f"/{prefix}", home_title, "home", f"{prefix}index.html")]
    parts += [Part(part_anchor("article", a.slug), a.url, a.title, a.layout, a.output_path) for a in site.articles]
    parts.append(Part(part_anchor("sources"), f"/{prefix}sources/", site.strings.get("sources_title", "Sources"), "sources",
                      f"{prefix}sources/index.html"))
    return parts


def chart_figures(site: Site) -> dict[str, str]:
    """Return where each chart's page leads in the file: its address -> the anchor of its first figure."""
    figures: dict[str, str] = {}
    pages = ([site.home] if site.home else []) + list(site.articles)
    for page in pages:
        anchor = part_anchor("home") if page is site.home else part_anchor("article", page.slug)
        for number, chart in enumerate(page.charts, start=1):  # numbered as the pages number their figures
            figures.setdefault(f"/{site.prefix}charts/{chart.spec.id}/", f"{anchor}--chart-{number}")
    return figures


class LinkMap:
    """Where each link of a page leads in the file."""

    def __init__(self, site: Site, parts: list[Part]) -> None:
        self.targets = {part.url: part.anchor for part in parts}
        self.figures = chart_figures(site)
        self.base_url = site.config.base_url if is_absolute(site.config.base_url) else ""
        self.base_path = site.config.base_path
        self._resolved: dict[str, str | None] = {}  # a link from the site's root -> its target in the file
        # What a part's rewriting depends on besides its page: a part is rewritten again only when this changes.
        self.key = hashlib.sha256(repr((sorted(self.targets.items()), sorted(self.figures.items()), self.base_url,
                                        self.base_path)).encode()).hexdigest()

    def resolve(self, href: str, part: Part) -> str | None:
        """Return the link's target in the file, or None to leave the link without a target."""
        if href.startswith("#"):
            return f"#{part.anchor}--{href[1:]}" if len(href) > 1 else f"#{part.anchor}"
        if self.base_url and href.startswith(self.base_url):
            href = self.base_path + href[len(self.base_url):]  # an absolute link to this very site
        elif href.startswith(_OTHER_SITES):
            return href  # another site, mailto:, tel:: as written
        if not href.startswith(self.base_path) or "/." in href or href.startswith("//"):
            href = urljoin(self.base_path + part.url.lstrip("/"), href)  # relative to the page (a --relative build's)
        if href not in self._resolved:  # most links are to the same few pages, from page after page
            self._resolved[href] = self._resolve_in_site(href)
        return self._resolved[href]

    def _resolve_in_site(self, href: str) -> str | None:
        address = urlsplit(href)
        if address.scheme or address.netloc:
            return href
        if not address.path.startswith(self.base_path):
            return None  # outside the site's folder on its host: nothing the file could lead to
        path = "/" + address.path[len(self.base_path):].removesuffix("index.html")
        if path in self.targets:
            anchor = self.targets[path]
            return f"#{anchor}--{address.fragment}" if address.fragment else f"#{anchor}"
        if path in self.figures:
            return f"#{self.figures[path]}"
        if self.base_url:
            return absolute_url(self.base_url, path) + (f"#{address.fragment}" if address.fragment else "")
        return None


def render_part(part: Part, page: str, links: LinkMap) -> str:
    """Return a part of the file: its page's content in a section named by the part's title."""
    title = part_title_id(part)
    return (f'<section class="part part-{part.kind}" id="{part.anchor}" aria-labelledby="{title}">\n'
            f'<span hidden id="{title}">{html.escape(part.title)}</span>\n{rewrite_part(part, page, links)}\n</section>\n')


def rewrite_part(part: Part, page: str, links: LinkMap) -> str:
    """Return a page's content as a part of the file: ids prefixed, links resolved, nothing loaded."""
    found = _MAIN.search(page) or _BODY.search(page)
    content = found.group(1) if found else ""
    content = _LEFT_OUT.sub("", content)
    content = _IMAGE.sub(_text_alternative, content)
    prefix = part.anchor + "--"

    def attribute(match: re.Match) -> str:
        name = match["name"].lower()
        if name in _DROPPED:
            return ""
        value = next((v for v in match.group("double", "single", "bare") if v is not None), None)
        if value is None:
            return match[0]
        raw = html.unescape(value)
        if name == "id":
            raw = prefix + raw
        elif name in _ID_LISTS:
            raw = " ".join(prefix + token for token in raw.split())
            # "Sources" in every part: a landmark is named "Sources" and the part's title, each unique;
            # a chart's drawing keeps its own name, the sentence that describes it.
            if name == "aria-labelledby" and element[0] != "svg":
                raw += " " + part_title_id(part)
        elif name in _LINKS:
            target = links.resolve(raw, part)
            if target is None:
                return ""
            raw = target
        elif "url(#" in raw:
            raw = _SVG_REFERENCE.sub(lambda reference: f"url(#{prefix}{reference[1]})", raw)
        else:
            return match[0]
        return f'{match["space"]}{match["name"]}="{html.escape(raw)}"'

    element = [""]  # the name of the tag whose attributes are being rewritten

    def tag(match: re.Match) -> str:
        if not _REWRITTEN.search(match[2]):
            return match[0]  # most tags: a chart's marks, paragraphs, table cells
        element[0] = match[1].lower()
        return f"<{match[1]}{_ATTRIBUTE.sub(attribute, match[2])}>"

    return _START_TAG.sub(tag, content)


def part_title_id(part: Part) -> str:
    """Return the id of the part's hidden title, which names the part and the landmarks in it (a-x:title;
    no page's id, prefixed with `a-x--`, and no part's, `a-<slug>`, can be it)."""
    return f"{part.anchor}:title"


def _text_alternative(image: re.Match) -> str:
    alt = _ALT.search(image[0])
    return f'<span class="image-text">{alt[1]}</span>' if alt and alt[1] else ""


def linked_stylesheets(page: str, files: Mapping[str, bytes], base_path: str) -> str:
    """Return the text of every stylesheet a page links (from the build's static files), in order."""
    sheets = []
    for link in _STYLESHEET.findall(page):
        href = _HREF.search(link)
        path = html.unescape(href[1]) if href else ""
        if path.startswith(base_path):
            content = files.get(path[len(base_path):])
            if content is not None:
                sheets.append(content.decode("utf-8"))
    return "\n".join(sheets)


def write_one_file(out: BinaryIO, renderer: Renderer, site: Site, parts: list[Part], rendered: Iterable[bytes],
                   stylesheets: str, updated: dt.date | None) -> list[int]:
    """Write an edition's one-file HTML to `out`: templates/briefing.html around its parts (`rendered`,
    each `render_part`'s text in UTF-8, in order); return where in the file each part begins, in bytes.

    Written part by part, never held whole: at 10,000 articles the file is ~100 MB, and as one
    string, joined and then encoded, it took ~400 MB of the build's memory at once.
    """
    config = site.config
    names = {
        "site": config,
        "strings": site.strings,
        "parts": parts,
        "updated": updated,
        "online": absolute_url(config.base_url, f"/{site.prefix}") if is_absolute(config.base_url) else "",
    }
    # The template's own words are typeset here; the parts were typeset as pages.
    skeleton = typeset_html(renderer.render(TEMPLATE, names), site.language)
    # Inlined, a stylesheet must not close the <style> element early.
    before, _slot, after = skeleton.replace(STYLE_SLOT, stylesheets.replace("</", "<\\/"), 1).partition(PARTS_SLOT)
    starts = []
    place = out.write(before.encode("utf-8"))
    for text in rendered:
        starts.append(place)
        place += out.write(text)
    out.write(after.encode("utf-8"))
    return starts
