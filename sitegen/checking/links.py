"""Internal link checking: every link between our pages must land on a page and anchor.

Input: the rendered pages (output path -> HTML), the static files, and where each page
came from. Output: `SiteError`s for dead links and anchors, each naming the source file
and the line where the link was written. Links inside an inline SVG (a chart's marks) are
read too, and may not leave the site: our drawings link only to our own pages. A page whose
links were all good is a "links" node of the dependency graph (reuse/graph.py), with what that
verdict depends on: its own links and ids, whether each file they lead to is there, and the ids
of each page it links to by anchor; it is judged again only when one of them changed, also
across processes.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import posixpath
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from itertools import chain
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..errors import SiteError
from ..messages import N_, _, ngettext
from ..reuse.graph import DependencyGraph


@dataclass(frozen=True)
class PageLinks:
    """The ids a page defines and the links it makes."""

    ids: frozenset[str]
    hrefs: tuple[str, ...]
    drawn: tuple[str, ...] = ()  # the links inside its inline SVGs, e.g. a chart's marks


LINKING_ATTRIBUTES = {("href", "a"), ("href", "link"), ("href", "area"), ("src", "img"), ("src", "source"),
                      # SVG's own: Vega writes a mark's link as xlink:href
                      ("xlink:href", "a"), ("href", "image"), ("xlink:href", "image")}

# A regex instead of html.parser: link checking reads every page of every build, and
# html.parser costs ten times more. Pages are our own output, so tags are well formed.
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^>]*)>")
_ATTRIBUTE = re.compile(
    r"""
    ([^\s=/>"']+)           # attribute name
    \s*=\s*
    (?:"([^"]*)"             # double-quoted value
      |'([^']*)'             # single-quoted value
      |([^\s"'>]+))          # unquoted value
    """,
    re.VERBOSE,
)
_SVG = re.compile(r"<svg[\s>].*?</svg>", re.DOTALL | re.IGNORECASE)


def extract_links(html: str) -> PageLinks:
    """Return the ids and the link targets of one page, the links inside its inline SVGs apart."""
    ids: set[str] = set()
    hrefs: list[str] = []
    drawn: list[str] = []
    # Where each inline SVG begins and ends, flattened: a tag is inside one after an odd number of bounds.
    bounds = [bound for svg in _SVG.finditer(html) for bound in svg.span()] if "<svg" in html or "<SVG" in html else []
    for tag in _START_TAG.finditer(html):
        name, attributes = tag.group(1).lower(), tag.group(2)
        if "=" not in attributes:
            continue
        for attribute in _ATTRIBUTE.finditer(attributes):
            key = attribute.group(1).lower()
            if key != "id" and (key, name) not in LINKING_ATTRIBUTES:
                continue  # most attributes (class, d, style, ...): their values are not decoded
            double, single, bare = attribute.group(2, 3, 4)
            value = double if double is not None else single if single is not None else bare
            value = unescape(value) if "&" in value else value
            if key == "id":
                if value:
                    ids.add(value)
            elif bounds and bisect.bisect_right(bounds, tag.start()) % 2:
                drawn.append(value)
            else:
                hrefs.append(value)
    return PageLinks(frozenset(ids), tuple(hrefs), tuple(drawn))


@dataclass(frozen=True)
class LinkSource:
    """Where a page's links were written, to point an editor at the right line.

    Kept in the build cache, so it names files relative to the project, never where the
    project is: a .cache/ copied into another checkout (a deploy's) points at its files.
    """

    paths: tuple[str, ...]  # the page's source, its templates, site.yaml: relative to the project's root

    def locate(self, href: str, root: Path) -> tuple[str, int | None]:
        """Return the file and line where a link was most likely written.

        Files are read only here, when a link is dead, so that a page's record stays small.
        """
        for path in self.paths:
            try:
                text = (root / path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(text.split("\n"), start=1):
                if href in line:
                    return path, number
        return (self.paths[0] if self.paths else "content"), None


def output_url(output_path: str) -> str:
    """Return the URL path (without base) at which an output file is served."""
    if output_path == "index.html":
        return "/"
    if output_path.endswith("/index.html"):
        return "/" + output_path[: -len("index.html")]
    return "/" + output_path


def resolve_target(href_path: str, files: frozenset[str]) -> str | None:
    """Return the output file a URL path (without base) is served from, if any."""
    path = posixpath.normpath(unquote(href_path)).lstrip("/") if href_path not in ("", "/") else ""
    for candidate in (path, posixpath.join(path, "index.html")):
        candidate = candidate.lstrip("/") or "index.html"
        if candidate in files:
            return candidate
    return None


def _digest(*parts: Iterator[str] | tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update("\0".join(part).encode())
        digest.update(b"\1")
    return digest.hexdigest()


class LinkChecker:
    """Checks every internal link; a page whose links were all good is judged again only when what
    that depends on changed (its "links" node in the dependency graph): its own links, the files they
    lead to, the ids of the pages they name an anchor of. A file added elsewhere, such as the search
    index a build makes and a check does not, judges no page again."""

    def __init__(self, root: Path, graph: DependencyGraph | None = None) -> None:
        self.root = root  # the project's: where the files a `LinkSource` names are
        self.graph = graph if graph is not None else DependencyGraph()
        # The digests of a page's own links and of its ids, by its PageLinks: a page the dev server
        # did not render again keeps its PageLinks, so an edit digests only what rendered again (issue 29).
        self._digested: dict[int, tuple[PageLinks, str, str]] = {}

    def check(self, pages: dict[str, PageLinks], static_files: frozenset[str], sources: dict[str, LinkSource],
              base_path: str) -> list[SiteError]:
        """Return an error for every internal link that leads nowhere."""
        files = frozenset(pages) | static_files
        verdicts: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}  # most links recur: judge each once
        # Every input a verdict may name, in one dict (the graph's test of a node is then one subset test in C):
        # whether each file exists ("file:<path>"), each page's ids ("ids:<path>"), and each page's own links
        # ("links:<path>") and the base path ("base").
        now = dict.fromkeys(map("file:".__add__, files), "1")
        digested = {}
        for output_path, links in pages.items():
            known = self._digested.get(id(links))
            if known is None or known[0] is not links:
                ids = sorted(links.ids)
                known = (links, _digest(links.hrefs, links.drawn, ids), _digest(ids))
            digested[id(links)] = known
            now["links:" + output_path] = known[1]
            now["ids:" + output_path] = known[2]
        self._digested = digested
        now["base"] = base_path
        # One ask for every page: only those that read an input changed since the last build are tested
        # (reuse/graph.py, `current_all`).
        judged = self.graph.current_all("links", "pages", now, pages)
        found_on: list[tuple[str, list[SiteError]]] = []  # the pages with dead links, reported in path order
        for output_path, links in pages.items():
            if output_path in judged:
                continue
            anchored, reached, found = self._check_page(output_path, links, pages, files, sources[output_path], base_path,
                                                        verdicts, self.root)
            if found:  # a page with dead links is judged again: its errors name lines an edit may move
                found_on.append((output_path, found))
                continue
            # Interned: many pages link to the same few, and the cache then keeps each name once.
            needed = [sys.intern(f"file:{path}") for path in sorted(reached)]
            needed += [sys.intern(f"ids:{path}") for path in sorted(anchored) if path in pages]
            own = "links:" + output_path
            self.graph.record("links", output_path, {own: now[own], "base": base_path,
                                                     **{name: now[name] for name in needed}}, True)
        # A link in site.yaml or a template is on every page: report it once.
        return list(dict.fromkeys(error for _path, found in sorted(found_on, key=lambda page: page[0]) for error in found))

    @staticmethod
    def _check_page(output_path: str, links: PageLinks, pages: dict[str, PageLinks], files: frozenset[str],
                    source: LinkSource, base_path: str, verdicts: dict, root: Path,
                    ) -> tuple[frozenset[str], frozenset[str], list[SiteError]]:
        """Judge a page's links; return the pages it links to by anchor, the files its links lead to, and errors."""
        errors = []
        anchored: set[str] = set()
        reached: set[str] = set()
        page_url = base_path + output_url(output_path)[1:]
        outside = [href for href in links.drawn if leaves_site(href)]
        if outside:  # one error for a drawing whose every mark leads away, not one per mark
            errors.append(drawn_outside(outside, source, root))
        for href in chain(links.hrefs, (href for href in links.drawn if not leaves_site(href))):
            if href.startswith("#"):  # the commonest link, to a heading of the same page
                if len(href) > 1 and unquote(href[1:]) not in links.ids:
                    path, line = source.locate(href, root)
                    errors.append(SiteError(path, line, _(DEAD_ANCHOR, href=href, anchor=href), anchor_hint(unquote(href[1:]), links.ids)))
                continue
            key = ("", href) if href.startswith("/") else (page_url, href)
            if key not in verdicts:
                verdicts[key] = link_problem(page_url, href, pages, files, base_path)
            problem, target, file = verdicts[key]
            if target is not None:
                anchored.add(target)
            if file is not None:
                reached.add(file)
            if problem:
                written = href[len(base_path) - 1:] if href.startswith(base_path) and base_path != "/" else href
                path, line = source.locate(written, root)
                if target is not None and target in pages:  # the page exists: its anchor does not
                    hint = anchor_hint(unquote(urlsplit(href).fragment), pages[target].ids)
                else:
                    hint = _("check the address; article pages are /articles/<file name>/")
                errors.append(SiteError(path, line, problem, hint))
        return frozenset(anchored), frozenset(reached), errors


DEAD_ANCHOR = N_("the link '{href}' names an anchor '{anchor}' that does not exist on that page")


def drawn_outside(hrefs: list[str], source: LinkSource, root: Path) -> SiteError:
    """Return the error for the links in a page's drawings that leave the site: the first named, the others counted."""
    path, line = source.locate(hrefs[0], root)
    if len(hrefs) == 1:
        message = _("the link '{href}' in a drawing (an inline SVG, such as a chart) leads to another site", href=hrefs[0])
    else:
        message = ngettext(
            "the link '{href}' and {count} other link in a drawing (an inline SVG, such as a chart) lead to another site",
            "the link '{href}' and {count} other links in a drawing (an inline SVG, such as a chart) lead to another site",
            len(hrefs) - 1, href=hrefs[0])
    return SiteError(path, line, message,
                     _("a drawing links only within the site: a chart's marks link to the rows of its data table (#event-N)"))


def leaves_site(href: str) -> bool:
    """Tell whether a link names another site or a scheme of its own (https://..., //host/..., mailto:...)."""
    parts = urlsplit(href)
    return bool(parts.scheme or parts.netloc)
ANCHOR_HINT = N_("check the heading's words: lowercase, with spaces as hyphens")


def anchor_hint(fragment: str, ids: frozenset[str]) -> str:
    """Return a hint for a dead anchor: the closest anchor the page has, if one is close."""
    close = difflib.get_close_matches(fragment, sorted(ids), n=1, cutoff=0.6)
    if close:
        return _("did you mean '#{anchor}'? (an anchor on that page)", anchor=close[0])
    return _(ANCHOR_HINT)


# A root-relative link with no query, escapes, dot segments or doubled slashes.
_PLAIN_ROOT_LINK = re.compile(r"^/(?!/)(?:[A-Za-z0-9_~-]+(?:\.[A-Za-z0-9]+)?/?)*(?:#[^\s%]*)?$")


def link_problem(page_url: str, href: str, pages: dict[str, PageLinks], files: frozenset[str],
                 base_path: str) -> tuple[str | None, str | None, str | None]:
    """Judge one link from one page: return (what is wrong or None, the page whose ids its anchor was checked
    against, the file of the site it leads to)."""
    if _PLAIN_ROOT_LINK.match(href):  # the common /articles/x/#y: no URL parsing needed
        path, _hash, fragment = href.partition("#")
        if path.startswith(base_path):
            relative = path[len(base_path):]
            target = next((c for c in (relative or "index.html", relative + "index.html", relative + "/index.html")
                           if c in files), None)
            if target is not None:
                if fragment and target in pages:
                    if fragment not in pages[target].ids:
                        return _(DEAD_ANCHOR, href=href, anchor="#" + fragment), target, target
                    return None, target, target
                return None, None, target
    parts = urlsplit(urljoin(page_url, href))
    if parts.scheme not in ("", "http", "https") or parts.netloc or href.startswith(("http:", "https:", "mailto:", "tel:")):
        return None, None, None
    if not parts.path.startswith(base_path):
        return _("the link '{href}' points outside the site", href=href), None, None
    target = resolve_target("/" + parts.path[len(base_path):], files)
    if target is None:
        return _("the link '{href}' leads to no page", href=href), None, None
    if parts.fragment and target in pages:
        if unquote(parts.fragment) not in pages[target].ids:
            return _(DEAD_ANCHOR, href=href, anchor="#" + parts.fragment), target, target
        return None, target, target
    return None, None, target
