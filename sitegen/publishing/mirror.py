"""The mirrorable copy: the built site with relative links, and the same copy as one zip.

Input: every file of a built site (output path -> bytes, or -> digest in the file store),
the pages rendered for the copy alone (each edition's search page, which cannot search
without a server, and its mirror page, which cannot offer a zip of itself), and where the
site lives (its base path, and its address when the build knows it).
Output: the copy's files, and `mirror.zip`, the copy in one folder.

In the copy every link between its files is relative and names the file it opens
(`../commex/index.html`: a browser opening files from a disk does not turn a folder into
its index.html), so it works from any folder, any host path and file://. It leaves out
what needs a server or the site's address: the search index, the feeds, the
sitemap, robots.txt, Netlify's redirects and the social cards. A link to one of those
leads to the original site when the build knows its address (`--base-url`), and is
dropped otherwise. Canonical and hreflang links keep naming the original, as a mirror's
should. The zip is deterministic (names sorted, every entry dated the briefing's last
update, fixed attributes), so an unchanged site makes the same bytes; each rewritten file
and the zip are remembered by what they were made from, and made again only when that
changed (nodes of the dependency graph, kept in the build cache: reuse/graph.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..reuse.graph import MISSING, DependencyGraph
from ..reuse.store import FileStore, SiteFiles
from .feeds import absolute_url, is_absolute
from .search import BUNDLE_PREFIX

MIRROR_ZIP = "mirror.zip"
MIRROR_PAGE = "mirror/index.html"  # in each edition: how to get, read and host the copy
ONE_FILE = "briefing.html"  # in each edition: the whole briefing in one file, which the copy's search page points to
# Files that need a server or the site's address, or only speak to crawlers and previews.
LEFT_OUT_FILES = frozenset({"sitemap.xml", "robots.txt", "_redirects", MIRROR_ZIP})
LEFT_OUT_NAMES = frozenset({"feed.xml", "card.png"})
# Bumped when the rewriting or the zip's layout changes, so that nothing made before is reused.
COPY_FORMAT = "1"
# Files already compressed gain nothing from deflating again.
STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".pdf", ".zip", ".woff2", ".gz")
BLOCK = 1 << 20  # a stored page larger than this is rewritten a block at a time (the one-file edition)

_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^>]*)>")
_URL_ATTRIBUTE = re.compile(r'(\s)(href|src|xlink:href|action|poster)="([^"]*)"')
_REL = re.compile(r'\srel="([^"]*)"')
_CSS_URL = re.compile(
    r"""
    url\(\s*                # url(
    (["']?)                 # an optional quote
    ([^"')]+)               # the address
    \1\s*\)                 # the same quote, )
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class MirrorFacts:
    """What a page may say about the mirrorable copy."""

    copy: bool = False  # the page is rendered for the copy itself
    zip_size: str = ""  # the zip's size in megabytes, as the edition writes numbers ("" when this build made none)
    one_file: str = ""  # the edition's one-file edition (root-relative), when the build has one: the copy's search page points to it
    original: str = ""  # the original site's address, when the build knows it


@dataclass(frozen=True)
class Addresses:
    """Where the original site lives: the path its links start with, and its full address when known."""

    base_path: str  # always ends in '/'
    original: str = ""  # e.g. https://example.org/briefing/, or "" when the build has no full address

    @classmethod
    def of(cls, base_url: str, base_path: str) -> Addresses:
        """Return the addresses of a site configured with base_url (whose path is base_path)."""
        return cls(base_path, absolute_url(base_url, "") if is_absolute(base_url) else "")


def in_copy(path: str) -> bool:
    """Tell whether an output file belongs in the copy."""
    name = posixpath.basename(path)
    return path not in LEFT_OUT_FILES and name not in LEFT_OUT_NAMES and not path.startswith(f"static/{BUNDLE_PREFIX}.")


def _split(target: str) -> tuple[str, str]:
    """Split 'articles/x/#notes' into the path and what follows it (a query, a fragment)."""
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    return target[:cut], target[cut:]


def file_of(path: str) -> str:
    """Return the output file a path in the site opens: '' -> 'index.html', 'ru' -> 'ru/index.html'."""
    if path == "" or path.endswith("/"):
        return path + "index.html"
    if "." not in path.rsplit("/", 1)[-1]:
        return path + "/index.html"
    return path


def relative_url(target: str, page: str) -> str:
    """Return a link from the file `page` to `target` (a path in the site, with any query or fragment), naming its file.

    >>> relative_url("ru/articles/commex/#notes", "articles/commex/index.html")
    '../../ru/articles/commex/index.html#notes'
    """
    path, rest = _split(target)
    # As posixpath.relpath, for paths within the site and without its look at the working folder (half the time).
    here, there = page.split("/")[:-1], file_of(path).split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:]) + rest


class _Rewriter:
    """Rewrite the links of one file of the copy."""

    def __init__(self, page: str, addresses: Addresses) -> None:
        self.page = page
        self.addresses = addresses
        self._urls: dict[str, str | None] = {}  # a page links to the same few pages many times

    def target(self, url: str) -> str | None:
        """Return the path in the site a link leads to, or None for a link elsewhere (or within the page)."""
        base, original = self.addresses.base_path, self.addresses.original
        if url.startswith(base) and not url.startswith("//"):
            return url[len(base):]
        if original and url.startswith(original):
            return url[len(original):]
        return None

    def url(self, url: str) -> str | None:
        """Return the link as the copy writes it; None when it leads to a file the copy lacks and to no known original."""
        if url not in self._urls:
            self._urls[url] = self._rewrite(url)
        return self._urls[url]

    def _rewrite(self, url: str) -> str | None:
        target = self.target(url)
        if target is None:
            return url
        if in_copy(file_of(_split(target)[0])):
            return relative_url(target, self.page)
        return absolute_url(self.addresses.original, target) if self.addresses.original else None

    def tag(self, match: re.Match) -> str:
        tag = match.group(0)
        if '="/' not in tag and not (self.addresses.original and self.addresses.original in tag):
            return tag
        name = match.group(1).lower()
        if name == "meta":
            return tag
        if name == "link":
            rel = _REL.search(tag)
            rels = rel.group(1).split() if rel else []
            if "canonical" in rels or ("alternate" in rels and "hreflang=" in tag):
                return tag  # they tell search engines where the original lives
        dropped = False

        def attribute(found: re.Match) -> str:
            nonlocal dropped
            rewritten = self.url(found.group(3))
            if rewritten is None:
                dropped = True
                return ""
            return f'{found.group(1)}{found.group(2)}="{rewritten}"'

        tag = _URL_ATTRIBUTE.sub(attribute, tag)
        # A <link> to nothing is no link; an <a> without its href stays as text.
        return "" if dropped and name == "link" else tag

    def css_url(self, match: re.Match) -> str:
        rewritten = self.url(match.group(2))
        return f"url({match.group(1)}{rewritten or match.group(2)}{match.group(1)})"


def relative_html(html: str, page: str, addresses: Addresses) -> str:
    """Return a page of the site with every link to another file of the site relative to the page."""
    return _START_TAG.sub(_Rewriter(page, addresses).tag, html)


def relative_css(css: str, path: str, addresses: Addresses) -> str:
    """Return a style sheet whose url(...)s to files of the site are relative to it."""
    return _CSS_URL.sub(_Rewriter(path, addresses).css_url, css)


def rewrite_file(path: str, content: bytes, addresses: Addresses) -> bytes:
    """Return a file as the copy holds it: HTML and CSS with relative links, anything else as it is."""
    if path.endswith(".html"):
        return relative_html(content.decode("utf-8"), path, addresses).encode("utf-8")
    if path.endswith(".css"):
        return relative_css(content.decode("utf-8"), path, addresses).encode("utf-8")
    return content


def rewritten_pieces(path: str, source: Path, addresses: Addresses) -> Iterator[bytes]:
    """Yield a stored file as the copy holds it, piece by piece (an HTML file read a block at a time).

    The one-file edition is ~100 MB at 10,000 articles: decoded, rewritten and encoded whole it
    took ~400 MB at once. A block is cut after its last '>', where no start tag can be cut in
    two (a tag ends at the first '>' after its '<') nor a UTF-8 character; one rewriter goes
    through every block, so the pieces join to the bytes `rewrite_file` returns.
    """
    if not path.endswith(".html"):
        yield rewrite_file(path, source.read_bytes(), addresses)
        return
    rewriter = _Rewriter(path, addresses)
    rest = b""
    with open(source, "rb") as file:
        while block := file.read(BLOCK):
            block = rest + block
            cut = block.rfind(b">") + 1
            rest = block[cut:]
            if cut:
                yield _START_TAG.sub(rewriter.tag, block[:cut].decode("utf-8")).encode("utf-8")
    if rest:
        yield _START_TAG.sub(rewriter.tag, rest.decode("utf-8")).encode("utf-8")


def _rewritten(path: str) -> bool:
    return path.endswith((".html", ".css"))


def megabytes(size: int, language: str) -> str:
    """Write a file's size in megabytes as the edition writes numbers: '1.9' (en), '1,9' (ru); never '0.0'."""
    from babel.numbers import format_decimal

    return format_decimal(max(size / 1_000_000, 0.1), "#,##0.0", locale=language)


def folder_name(title: str) -> str:
    """Return the name of the zip's one folder, from the site's title: 'Binance in Russia' -> 'binance-in-russia'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "site"


def zip_files(folder: str, files: Iterable[tuple[str, Iterable[bytes]]], when: dt.date, target: Path) -> None:
    """Write files, each given in order by its name and its pieces, into a zip at target, inside one folder,
    the same bytes for the same files and date.

    Each file's pieces are read as it is written, so no more than a piece is held: the
    pieces of a file make the bytes of its entry, however they are cut.
    """
    with zipfile.ZipFile(target, "w") as archive:
        for name, pieces in files:
            entry = zipfile.ZipInfo(f"{folder}/{name}", date_time=(max(when.year, 1980), when.month, when.day, 0, 0, 0))
            entry.create_system = 3  # Unix, whichever system builds it
            entry.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            stored = name.endswith(STORED_SUFFIXES)
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            # What writestr(entry, content, compresslevel=9) sets; ZipFile.open takes the level from the entry.
            entry._compresslevel = None if stored else 9
            with archive.open(entry, "w") as written:
                for piece in pieces:
                    written.write(piece)


def _key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class ZipOnlyCopy(Mapping[str, bytes]):
    """The copy for its zip alone: its files as `MirrorCopy.copy` makes them, the rewritten ones
    rewritten only when read (see `copy`), in path order."""

    def __init__(self, files: SiteFiles, store: FileStore, rewritten_later: dict[str, str], addresses: Addresses) -> None:
        self._files = files
        self._store = store
        self._later = rewritten_later  # output path -> digest of the site's file in the store
        self._addresses = addresses
        self._paths = sorted(files.keys() | rewritten_later.keys())

    def __getitem__(self, path: str) -> bytes:
        if path in self._later:
            return rewrite_file(path, self._store.get(self._later[path]), self._addresses)
        return self._files[path]

    def pieces(self, path: str) -> Iterable[bytes]:
        """Return a file's bytes in pieces, a rewritten one rewritten as it is read (see `rewritten_pieces`)."""
        if path in self._later:
            return rewritten_pieces(path, self._store.path(self._later[path]), self._addresses)
        return (self._files[path],)

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def digest(self, path: str) -> str:
        """Return what names a file's bytes: its digest, or, for one rewritten when read, a digest of what it is made from."""
        if path in self._later:
            return _key(COPY_FORMAT, path, self._later[path], self._addresses.base_path, self._addresses.original)
        return self._files.digest(path)


class MirrorCopy:
    """Make the copy's own pages, its files and its zip, each a node of the dependency graph
    ("mirror-page", "mirror-file", "mirror-zip"; reuse/graph.py) recorded with what it was made from."""

    def __init__(self, store: FileStore, graph: DependencyGraph) -> None:
        self.store = store
        self.graph = graph

    def _get(self, kind: str, name: str, key: str, make: Callable[[], str]) -> str:
        inputs = {"made_from": key}
        made = self.graph.current(kind, name, inputs)
        if made is MISSING:
            made = make()
            self.graph.record(kind, name, inputs, made, stored=(made,))
        return made

    def own_page(self, path: str, made_from, render: Callable[[], str]) -> str:
        """Return the digest of a page the copy has instead of the site's: rendered again only when `made_from` changed."""
        return self._get("mirror-page", path, _key(COPY_FORMAT, path, made_from), render)

    def copy(self, held: Mapping[str, bytes], stored: Mapping[str, str], own_pages: Mapping[str, str],
             addresses: Addresses, zip_only: bool = False) -> SiteFiles | ZipOnlyCopy:
        """Return the copy of a site whose files are `held` (bytes) and `stored` (digests), with
        `own_pages` (digests) in place of the site's pages at the same paths.

        A copy made `zip_only` by a build whose store goes with it (--no-cache) stores none of its
        rewritten files, which no build would reuse: they are rewritten as the zip takes them.
        """
        copy_held = {path: rewrite_file(path, content, addresses) for path, content in held.items() if in_copy(path)}
        copy_stored: dict[str, str] = {}
        rewritten_later: dict[str, str] = {}
        for path, source in {**stored, **own_pages}.items():
            if not in_copy(path):
                continue
            if not _rewritten(path):
                copy_stored[path] = source
            elif zip_only and self.store.temporary:
                rewritten_later[path] = source
            else:
                key = _key(COPY_FORMAT, path, source, addresses.base_path, addresses.original)
                copy_stored[path] = self._get("mirror-file", path, key,
                                              functools.partial(self._rewrite, path, source, addresses))
        if zip_only and self.store.temporary:
            return ZipOnlyCopy(SiteFiles(self.store, copy_held, copy_stored), self.store, rewritten_later, addresses)
        return SiteFiles(self.store, copy_held, copy_stored)

    def _rewrite(self, path: str, source: str, addresses: Addresses) -> str:
        stored = self.store.path(source)
        if stored.stat().st_size <= BLOCK:
            return self.store.put(rewrite_file(path, stored.read_bytes(), addresses))
        draft = self.store.draft("mirror-file")  # the one-file edition: written as it is rewritten
        try:
            with open(draft, "wb") as out:
                for piece in rewritten_pieces(path, stored, addresses):
                    out.write(piece)
            return self.store.adopt(draft)
        finally:
            draft.unlink(missing_ok=True)

    def zip(self, copy: SiteFiles | ZipOnlyCopy, folder: str, when: dt.date) -> str:
        """Return the digest in the store of the copy's zip, made again only when a file of the copy changed."""
        return self.start_zip(copy, folder, when)()

    def start_zip(self, copy: SiteFiles | ZipOnlyCopy, folder: str, when: dt.date) -> Callable[[], str]:
        """Start making the copy's zip, unless it is unchanged, while the build goes on; return the function
        that waits for it and returns its digest in the store."""
        key = _key(COPY_FORMAT, folder, when.isoformat(), [(path, copy.digest(path)) for path in copy])
        made = self.graph.current("mirror-zip", "zip", {"made_from": key})
        if made is not MISSING:
            return lambda: made
        # A thread of its own: deflating releases the interpreter's lock, so the build goes on meanwhile.
        # The graph is recorded into by the build's thread alone, when it asks for the zip.
        zipping = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mirror-zip")
        zipped = zipping.submit(self._zip, copy, folder, when)
        zipping.shutdown(wait=False)
        return functools.partial(self._get, "mirror-zip", "zip", key, zipped.result)

    def _zip(self, copy: SiteFiles | ZipOnlyCopy, folder: str, when: dt.date) -> str:
        # Named by this process and thread, and made with the mode a stored file has (not mkstemp's 0600):
        # the zip is published as it is kept.
        name = self.store.draft("mirror-zip")
        pieces = copy.pieces if isinstance(copy, ZipOnlyCopy) else lambda path: (copy[path],)
        try:
            zip_files(folder, ((path, pieces(path)) for path in copy), when, name)  # the copy is in path order
            return self.store.adopt(name)
        finally:
            name.unlink(missing_ok=True)
