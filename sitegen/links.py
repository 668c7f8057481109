"""Internal link checking: every link between our pages must land on a page and anchor.

Input: the rendered pages (output path -> HTML), the static files, and where each page
came from. Output: `SiteError`s for dead links and anchors, each naming the source file
and the line where the link was written.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .errors import SiteError


@dataclass(frozen=True)
class PageLinks:
    """The ids a page defines and the links it makes."""

    ids: frozenset[str]
    hrefs: tuple[str, ...]


LINKING_ATTRIBUTES = {("href", "a"), ("href", "link"), ("href", "area"), ("src", "img"), ("src", "source")}

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


def extract_links(html: str) -> PageLinks:
    """Return the ids and the link targets of one page."""
    ids: set[str] = set()
    hrefs: list[str] = []
    for tag in _START_TAG.finditer(html):
        name, attributes = tag.group(1).lower(), tag.group(2)
        if "=" not in attributes:
            continue
        for attribute in _ATTRIBUTE.finditer(attributes):
            key = attribute.group(1).lower()
            value = unescape(next(v for v in attribute.group(2, 3, 4) if v is not None))
            if key == "id" and value:
                ids.add(value)
            elif (key, name) in LINKING_ATTRIBUTES:
                hrefs.append(value)
    return PageLinks(frozenset(ids), tuple(hrefs))


@dataclass(frozen=True)
class LinkSource:
    """Where a page's links were written, to point an editor at the right line."""

    root: str
    paths: tuple[str, ...]  # the page's source, its templates, site.yaml: relative to root

    def locate(self, href: str) -> tuple[str, int | None]:
        """Return the file and line where a link was most likely written.

        Files are read only here, when a link is dead, so that a page's record stays small.
        """
        for path in self.paths:
            try:
                text = (Path(self.root) / path).read_text(encoding="utf-8")
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


def check_links(
    pages: dict[str, PageLinks],
    static_files: frozenset[str],
    sources: dict[str, LinkSource],
    base_path: str,
) -> list[SiteError]:
    """Return an error for every internal link that leads nowhere."""
    errors = []
    files = frozenset(pages) | static_files
    verdicts: dict[tuple[str, str], str | None] = {}  # most links recur on many pages: judge each once
    for output_path, links in sorted(pages.items()):
        page_url = base_path + output_url(output_path)[1:]
        for href in links.hrefs:
            if href.startswith("#"):  # the commonest link, to a heading of the same page
                if len(href) > 1 and unquote(href[1:]) not in links.ids:
                    path, line = sources[output_path].locate(href)
                    errors.append(SiteError(path, line, f"the link '{href}' names an anchor '{href}' that does not exist on that page",
                                            "check the heading's words: lowercase, with spaces as hyphens"))
                continue
            key = ("", href) if href.startswith("/") else (page_url, href)
            if key not in verdicts:
                verdicts[key] = link_problem(page_url, href, pages, files, base_path)
            problem = verdicts[key]
            if problem:
                written = href[len(base_path) - 1:] if href.startswith(base_path) and base_path != "/" else href
                path, line = sources[output_path].locate(written)
                error = SiteError(path, line, problem, "check the address; article pages are /articles/<file name>/")
                if error not in errors:  # a link in site.yaml or a template is on every page: report it once
                    errors.append(error)
    return errors


# A root-relative link with no query, escapes, dot segments or doubled slashes.
_PLAIN_ROOT_LINK = re.compile(r"^/(?!/)(?:[A-Za-z0-9_~-]+(?:\.[A-Za-z0-9]+)?/?)*(?:#[^\s%]*)?$")


def link_problem(page_url: str, href: str, pages: dict[str, PageLinks], files: frozenset[str], base_path: str) -> str | None:
    """Return what is wrong with one link from one page, or None if it lands (or leaves the site)."""
    if _PLAIN_ROOT_LINK.match(href):  # the common /articles/x/#y: no URL parsing needed
        path, _, fragment = href.partition("#")
        if path.startswith(base_path):
            relative = path[len(base_path):]
            target = next((c for c in (relative or "index.html", relative + "index.html", relative + "/index.html")
                           if c in files), None)
            if target is not None:
                if fragment and target in pages and fragment not in pages[target].ids:
                    return f"the link '{href}' names an anchor '#{fragment}' that does not exist on that page"
                return None
    parts = urlsplit(urljoin(page_url, href))
    if parts.scheme not in ("", "http", "https") or parts.netloc or href.startswith(("http:", "https:", "mailto:", "tel:")):
        return None
    if not parts.path.startswith(base_path):
        return f"the link '{href}' points outside the site"
    target = resolve_target("/" + parts.path[len(base_path):], files)
    if target is None:
        return f"the link '{href}' leads to no page"
    if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
        return f"the link '{href}' names an anchor '#{parts.fragment}' that does not exist on that page"
    return None
