"""The one-file edition: the whole briefing of one language in one HTML file that loads nothing.

Input: an edition's pages as the build rendered them (home, every article in reading order,
the sources page), the stylesheets they link, and templates/briefing.html (the cover, the
contents and the file's own styles). Output: one HTML file, `briefing.html` in each edition,
to save, pass around in a messenger and read from disk on a phone, and the source of the
PDF edition (pdf_file.py). Nothing is converted from Markdown again: each page's <main> is
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
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .feeds import absolute_url, is_absolute
from .model import Site
from .templating import Renderer
from .typography import typeset_html

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
# A start tag with attributes; pages are our own output, so tags are well formed (see links.py).
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^>]*)>")
_ATTRIBUTE = re.compile(r"""
    (?P<space>\s+)
    (?P<name>[^\s=/>"']+)                                 # attribute name
    (?:\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s"'>]+)))?   # its value, if any
""", re.VERBOSE)
_ID_LISTS = frozenset({"aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-flowto",
                       "aria-details", "aria-errormessage", "aria-activedescendant", "for", "headers", "form", "list"})
_LINKS = frozenset({"href", "xlink:href"})
# Attributes that only the site's search index and print addresses need (see print_links.py).
_DROPPED = frozenset({"data-pagefind-body", "data-pagefind-ignore", "data-pagefind-meta", "data-url",
                      "data-print-href", "srcset", "src"})
_SVG_REFERENCE = re.compile(r"url\(#([^)]*)\)")


@dataclass(frozen=True)
class Part:
    """One page of the edition as a part of the file."""

    anchor: str  # its id in the file: a-<slug>, p-home, p-sources
    url: str  # its address in the site, root-relative without the base path: /articles/x/
    title: str
    kind: str  # home, article, timeline (an article's layout), sources
    page: str  # the page as rendered


def part_anchor(kind: str, slug: str = "") -> str:
    """Return a part's id in the file: an article's `a-<slug>`, the home page's `p-home`, the sources page's `p-sources`."""
    return f"a-{slug}" if slug else f"p-{kind}"


def edition_parts(site: Site, page: Callable[[str], str]) -> list[Part]:
    """Return the parts of an edition's file in reading order; `page(output_path)` gives a rendered page."""
    prefix = site.prefix
    home_title = site.home.title if site.home else site.config.title
    parts = [Part(part_anchor("home"), f"/{prefix}", home_title, "home", page(f"{prefix}index.html"))]
    parts += [Part(part_anchor("article", a.slug), a.url, a.title, a.layout, page(a.output_path)) for a in site.articles]
    parts.append(Part(part_anchor("sources"), f"/{prefix}sources/", site.strings.get("sources_title", "Sources"), "sources",
                      page(f"{prefix}sources/index.html")))
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

    def __init__(self, parts: list[Part], figures: Mapping[str, str], base_url: str, base_path: str) -> None:
        self.targets = {part.url: part.anchor for part in parts}
        self.figures = figures
        self.base_url = base_url if is_absolute(base_url) else ""
        self.base_path = base_path

    def resolve(self, href: str, part: Part) -> str | None:
        """Return the link's target in the file, or None to leave the link without a target."""
        if href.startswith("#"):
            return f"#{part.anchor}--{href[1:]}" if len(href) > 1 else f"#{part.anchor}"
        if self.base_url and href.startswith(self.base_url):
            href = self.base_path + href[len(self.base_url):]  # an absolute link to this very site
        address = urlsplit(urljoin(self.base_path + part.url.lstrip("/"), href))
        if address.scheme or address.netloc:
            return href  # another site, mailto:, tel:: as written
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


def rewrite_part(part: Part, links: LinkMap) -> str:
    """Return a part's content for the file: ids prefixed, links resolved, nothing loaded."""
    found = _MAIN.search(part.page) or _BODY.search(part.page)
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

    def tag(match: re.Match) -> str:
        return f"<{match[1]}{_ATTRIBUTE.sub(attribute, match[2])}>"

    return _START_TAG.sub(tag, content)


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


def compose_one_file(renderer: Renderer, site: Site, parts: list[Part], stylesheets: str, updated: dt.date) -> str:
    """Return an edition's one-file HTML: templates/briefing.html around every part, rewritten."""
    config = site.config
    links = LinkMap(parts, chart_figures(site), config.base_url, config.base_path)
    names = {
        "site": config,
        "strings": site.strings,
        "parts": parts,
        "updated": updated,
        "online": absolute_url(config.base_url, f"/{site.prefix}") if is_absolute(config.base_url) else "",
    }
    # The template's own words are typeset here; the parts were typeset as pages.
    skeleton = typeset_html(renderer.render(TEMPLATE, names), site.language)
    body = "".join(f'<section class="part part-{part.kind}" id="{part.anchor}">\n{rewrite_part(part, links)}\n</section>\n'
                   for part in parts)
    # Inlined, a stylesheet must not close the <style> element early.
    styles = stylesheets.replace("</", "<\\/")
    return skeleton.replace(STYLE_SLOT, styles, 1).replace(PARTS_SLOT, body, 1)
