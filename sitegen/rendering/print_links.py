"""Where a printed link leads: the addresses site.css prints after links on paper.

Input: a rendered page's HTML and the site's base URL. Output: the same HTML in which each
link inside <main> that leads to another page of this site carries its absolute address,
`data-print-href="https://example.org/articles/x/"`, when the base URL is absolute (a
production build); site.css prints it in brackets after the link text. A root-relative
path ("/articles/x/") means nothing on paper, so a site without an absolute base URL
prints no address for its own links. Links to other sites print their href from CSS
alone, except those whose text already is their address: they get `data-url-text`, so
the address is not printed twice. Links within the page (#source-3) print nothing.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

from ..publishing.feeds import is_absolute

_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.DOTALL)
_LINK = re.compile(r"<a\b(?P<attributes>[^>]*)>(?P<text>.*?)</a>", re.DOTALL)
_HREF = re.compile(r'(?<![\w-])href="(?P<href>[^"]*)"')
_TAG = re.compile(r"<[^>]*>")
_SCHEME = re.compile(r"^[a-z]+://", re.IGNORECASE)


def _bare(address: str) -> str:
    return _SCHEME.sub("", address).removeprefix("www.").rstrip("/")


def _mark(link: re.Match, base_url: str | None) -> str:
    attributes = link["attributes"]
    found = _HREF.search(attributes)
    if not found or "data-print-href" in attributes or "data-url-text" in attributes:
        return link[0]
    href = html.unescape(found["href"])
    if _SCHEME.match(href):
        text = html.unescape(_TAG.sub("", link["text"])).strip()
        if text and _bare(text) == _bare(href):
            return f"<a{attributes} data-url-text>{link['text']}</a>"
        return link[0]
    if base_url and href.startswith("/") and not href.startswith("//"):
        address = html.escape(urljoin(base_url, href))
        return f'<a{attributes} data-print-href="{address}">{link["text"]}</a>'
    return link[0]


def mark_print_links(page: str, base_url: str) -> str:
    """Return the page with its main content's links marked for print (see the module's docstring)."""
    main = _MAIN.search(page)
    if not main:
        return page
    absolute = base_url if is_absolute(base_url) else None
    content = _LINK.sub(lambda link: _mark(link, absolute), main[1])
    return page[:main.start(1)] + content + page[main.end(1):]
