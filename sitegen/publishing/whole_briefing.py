"""The whole briefing in one file, per edition, as HTML and as PDF: made, reused, and offered on every page.

Input: each edition's build context, the digests of its rendered pages in the file store,
the static files and the renderer. Output: `briefing.html` (publishing/one_file.py) and
`briefing.pdf` (publishing/pdf_file.py) in each edition's folder (output path -> digest in the store),
and every page with the two files' sizes in its footer ("HTML 0.4 MB · PDF 1.1 MB").

Every page shows the sizes of files made from the pages: a cycle, broken in two places.
The files are made from the pages' <main> alone, never their footers; and pages are
rendered with a slot in the footer (`<!-- whole-briefing-html-size -->`), filled once the
files are made. A page's record keeps the page as rendered, with its slot; the filled copy
is a second file in the store, found again by (page, sizes), so a warm build fills nothing.

Reuse: the one-file HTML is remembered by what it is made of (its pages' digests, the
template, the stylesheets, the edition's site digest), and each of its parts by its page and
the links between parts, with its place in the file: an edit rewrites one part and copies
the others. The PDF is remembered by that HTML's digest, the WeasyPrint version and the
fonts. A PDF takes seconds (about 13 s for this briefing), so it is made in a fresh worker
process per edition, started while the social cards are drawn and the search index is
built, and awaited only before the files are handed on. Each of these is a node of the
dependency graph (reuse/graph.py): "briefing-html" and "briefing-pdf" per edition,
"briefing-part" per page (needed by its file), "filled" per page and sizes. The dev server
makes neither file on a save: it asks `one_file_now` when a reader opens one (commands/serve.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from ..rendering.parallel import FreshWorkers
from ..rendering.typography import NBSP
from ..reuse.graph import MISSING, DependencyGraph
from ..reuse.store import FileStore
from .mirror import megabytes
from .one_file import ONE_FILE, LinkMap, edition_parts, linked_stylesheets, render_part, write_one_file
from .pdf_file import PDF_FILE, make_pdf_of_file, pdf_inputs_version, warm_up

HTML_SIZE_SLOT = "<!-- whole-briefing-html-size -->"  # in templates/partials/footer.html
PDF_SIZE_SLOT = "<!-- whole-briefing-pdf-size -->"
FILLS_AT_ONCE, FILL_THREADS = 64, 4  # more pages to fill than this: several threads make their files
PDF_MADE = "make"  # BuildOptions.pdf: the build makes the PDF
PDF_OFFERED = "offer"  # linked but made elsewhere: `check` makes nothing, the dev server makes it when asked


@dataclass(frozen=True)
class Offer:
    """What every page's footer links to: an edition's one-file HTML, and its PDF when there is one."""

    html: str  # /briefing.html, /ru/briefing.html
    pdf: str = ""


def offer(prefix: str, pdf: str) -> Offer:
    """Return what the pages of the edition in `prefix` link to, given BuildOptions.pdf."""
    return Offer(f"/{prefix}{ONE_FILE}", f"/{prefix}{PDF_FILE}" if pdf else "")


def offered_files(publication, pdf: str) -> set[str]:
    """Return the output path of every file the pages offer: each edition's one-file HTML, and its PDF."""
    return {path.lstrip("/") for site in publication.editions for path in (offer(site.prefix, pdf).html, offer(site.prefix, pdf).pdf)
            if path}


class WholeBriefing:
    """Make each edition's one-file HTML and PDF, and fill the pages' footers with their sizes."""

    def __init__(self, store: FileStore, graph: DependencyGraph) -> None:
        self.store = store
        self.graph = graph
        self._workers: FreshWorkers | None = None
        self._making: list[tuple[str, dict[str, str]]] = []  # (edition prefix, inputs) of the PDFs being made
        self._sources: list[str] = []  # where the HTML each of them is made from is stored (read by the worker)
        self._files: dict[str, str] = {}  # this build's: output path -> digest
        self._fills: dict[str, tuple[str, str]] = {}  # edition prefix -> (HTML size, PDF size) as the footer writes them
        self._fill_keys: dict[str, str] = {}  # edition prefix -> digest of its sizes
        self._last: tuple | None = None  # what the last build's files are made of (see `start`)

    def warm_up(self, editions: int, jobs: int) -> None:
        """Start the PDF workers now, to load WeasyPrint while the pages render (a cold build)."""
        if jobs > 1 and self._workers is None:
            self._workers = FreshWorkers(min(editions, jobs), warm_up)

    def dismiss(self) -> None:
        """End PDF workers that were given nothing to do, or whose build failed."""
        if self._workers is not None:
            self._workers.dismiss()
            self._workers = None
        self._making, self._sources = [], []

    def start(self, renderer, editions: Iterable, pages: Mapping[str, str], files: Mapping[str, bytes],
              inputs: Mapping[str, str], pdf: str, jobs: int, make: bool = True) -> None:
        """Compose each edition's one-file HTML and start making the PDFs not made before (when `pdf` is PDF_MADE).

        `editions` are the build contexts, `pages` every page's digest in the store by output
        path, `files` the static files, `inputs` what else the files show, by edition prefix:
        the site digest, the static files' and the template's digests. Unless `make`, only
        remember all that, for `one_file_now` (the dev server makes the files when asked).
        """
        self._files, self._fills, self._fill_keys = {}, {}, {}
        editions = list(editions)
        self._last = (renderer, {context.site.prefix: context for context in editions}, dict(pages), files, inputs)
        if not make:
            return
        for context in editions:
            prefix = context.site.prefix
            html_digest = self._files[prefix + ONE_FILE] = self._one_file(prefix)
            if pdf == PDF_MADE:
                inputs = {"html": html_digest, "version": pdf_inputs_version()}
                if self.graph.current("briefing-pdf", prefix, inputs) is MISSING:
                    self._making.append((prefix, inputs))
                    self._sources.append(str(self.store.path(html_digest)))
        if not self._making:
            self.dismiss()
        elif jobs > 1:
            workers = self._workers or FreshWorkers(min(len(self._making), jobs))
            workers.give(make_pdf_of_file, None, self._sources)
            self._workers = workers

    def one_file_now(self, prefix: str) -> bytes | None:
        """Return the one-file HTML of an edition as of the last build (made now if it was not), or None."""
        if self._last is None or prefix not in self._last[1]:
            return None
        return self.store.get(self._one_file(prefix))

    def _one_file(self, prefix: str) -> str:
        """Return the digest of an edition's one-file HTML as of the last build, made again only when its inputs changed."""
        renderer, contexts, pages, files, inputs = self._last
        context = contexts[prefix]
        paths = _part_paths(context.site)
        made_from = {"made_from": digest([inputs[prefix], _newest(context), [(path, pages.get(path)) for path in paths]])}
        html_digest = self.graph.current("briefing-html", prefix, made_from)
        if html_digest is MISSING:
            html_digest = self._compose(renderer, context, pages, files)
            # Its parts are kept while it is, for the next change (see `_compose`).
            self.graph.record("briefing-html", prefix, made_from, html_digest, stored=(html_digest,),
                              needs=[("briefing-part", path) for path in _part_paths(context.site)])
        return html_digest

    def finish(self, editions: Iterable, pdf: str) -> dict[str, str]:
        """Wait for the PDFs; return every file made (output path -> digest), and ready the footers' sizes."""
        if self._making:
            pdfs = self._workers.results() if self._workers is not None else [make_pdf_of_file(None, s) for s in self._sources]
            for (prefix, inputs), made in zip(self._making, pdfs, strict=True):
                pdf_digest = self.store.put(made)
                self.graph.record("briefing-pdf", prefix, inputs, pdf_digest, stored=(pdf_digest,))
            self._workers, self._making, self._sources = None, [], []
        for context in editions:
            prefix, language = context.site.prefix, context.site.language
            if pdf == PDF_MADE:
                self._files[prefix + PDF_FILE] = self.graph.current(
                    "briefing-pdf", prefix, {"html": self._files[prefix + ONE_FILE], "version": pdf_inputs_version()})
            size_text = context.site.strings.get("whole_briefing_size", "{size} MB")
            sizes = [self._size_text(size_text, prefix + name, language) for name in (ONE_FILE, PDF_FILE)]
            self._fills[prefix] = (sizes[0], sizes[1])
            self._fill_keys[prefix] = digest(self._fills[prefix])
        return dict(self._files)

    def _size_text(self, text: str, path: str, language: str) -> str:
        if path not in self._files:
            return ""  # not made by this build: linked without a size
        size = self.store.path(self._files[path]).stat().st_size
        return " " + text.replace("{size}", megabytes(size, language)).replace(" ", NBSP)

    def filled(self, prefix: str, page_digest: str) -> str:
        """Return the digest of a page of the edition in `prefix` with the files' sizes in its footer."""
        sizes = self._fills.get(prefix)
        if sizes is None:
            return page_digest  # no files made (`check`)
        inputs = {"sizes": self._fill_keys[prefix]}
        filled = self.graph.current("filled", page_digest, inputs)
        if filled is MISSING:
            filled = self._fill(page_digest, sizes)
            self.graph.record("filled", page_digest, inputs, filled, stored=(filled,))
        return filled

    def filled_pages(self, pages: Mapping[str, str], prefixes: Iterable[str]) -> dict[str, str]:
        """Return every page (output path -> digest) filled, each with its edition's sizes."""
        longest_first = sorted(prefixes, key=len, reverse=True)
        edition_of = {path: next(p for p in longest_first if path.startswith(p)) for path in pages}
        if self._fills:
            # A cold build fills every page: a new file each, which the file system makes faster several at once.
            missing = {(page_digest, edition_of[path]) for path, page_digest in pages.items()
                       if self.graph.current("filled", page_digest, {"sizes": self._fill_keys[edition_of[path]]}) is MISSING}
            if len(missing) > FILLS_AT_ONCE:
                with ThreadPoolExecutor(FILL_THREADS) as threads:
                    filled = dict(zip(missing, threads.map(lambda item: self._fill(item[0], self._fills[item[1]]), missing),
                                      strict=True))
                for (page_digest, prefix), made in filled.items():
                    self.graph.record("filled", page_digest, {"sizes": self._fill_keys[prefix]}, made, stored=(made,))
        return {path: self.filled(edition_of[path], page_digest) for path, page_digest in pages.items()}

    @property
    def has_pdfs(self) -> bool:
        """Tell whether a PDF was made before (a cold build has none: its workers load WeasyPrint meanwhile)."""
        return self.graph.has("briefing-pdf")

    def pdf_for(self, one_file: bytes) -> bytes | None:
        """Return the PDF made from this one-file HTML, if one was made (the dev server asks, from another thread)."""
        inputs = {"html": hashlib.sha256(one_file).hexdigest(), "version": pdf_inputs_version()}
        for _prefix, made_from, pdf_digest in self.graph.results("briefing-pdf"):
            if made_from == inputs and self.store.path(pdf_digest).is_file():
                return self.store.get(pdf_digest)
        return None

    def _compose(self, renderer, context, pages: Mapping[str, str], files: Mapping[str, bytes]) -> str:
        """Write an edition's one-file HTML into the store, part by part, and return its digest.

        A part whose page and links are unchanged is copied from the file it was last part of
        (its "briefing-part" node keeps where it was there, in bytes), so an edit rewrites one
        part, and no part is a file of its own. Neither this file nor an earlier one is held whole.
        """
        site = context.site
        parts = edition_parts(site)
        links = LinkMap(site, parts)
        sizes: list[int] = []
        draft = self.store.draft("briefing")
        try:
            with open(draft, "wb") as out, _EarlierFiles(self.store) as earlier:
                def part_texts() -> Iterator[bytes]:
                    for part in parts:
                        placed = self.graph.current("briefing-part", part.path, {"page": pages[part.path], "links": links.key})
                        text = earlier.read(*placed) if placed is not MISSING else None
                        if text is None:
                            text = render_part(part, self.store.get(pages[part.path]).decode("utf-8"), links).encode("utf-8")
                        sizes.append(len(text))
                        yield text

                styles = _site_styles(site, pages, files, self.store)
                starts = write_one_file(out, renderer, site, parts, part_texts(), styles, _newest(context))
            made = self.store.adopt(draft)
        finally:
            draft.unlink(missing_ok=True)
        for part, start, size in zip(parts, starts, sizes, strict=True):
            # Where it is in the file: the part is found there again, not kept as a file of its own.
            self.graph.record("briefing-part", part.path, {"page": pages[part.path], "links": links.key},
                              (made, start, start + size), stored=(made,))
        return made

    def _fill(self, page_digest: str, sizes: tuple[str, str]) -> str:
        page = self.store.get(page_digest)
        if HTML_SIZE_SLOT.encode() not in page:
            return page_digest  # a template without the slot
        page = page.replace(HTML_SIZE_SLOT.encode(), sizes[0].encode(), 1).replace(PDF_SIZE_SLOT.encode(),
                                                                                  sizes[1].encode(), 1)
        return self.store.put(page)


def _part_paths(site) -> list[str]:
    return [f"{site.prefix}index.html", *(a.output_path for a in site.articles), f"{site.prefix}sources/index.html"]


def digest(payload) -> str:
    """Return a hash of what something was made from (as reuse.digest does; reuse/memory.py builds on this module)."""
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


def _newest(context) -> dt.date | None:
    """Return the day the edition last changed: its files' date (and the PDF's creation date), from the content."""
    return max(context.updated.values(), default=None)


def _site_styles(site, pages: Mapping[str, str], files: Mapping[str, bytes], store: FileStore) -> str:
    """Return the stylesheets the edition's home page links, which the one-file copies in."""
    home = store.get(pages[f"{site.prefix}index.html"]).decode("utf-8")
    return linked_stylesheets(home, files, site.config.base_path)


class _EarlierFiles:
    """One-file editions made before, open for reading their parts back (see `WholeBriefing._compose`)."""

    def __init__(self, store: FileStore) -> None:
        self._store = store
        self._open: dict[str, BinaryIO | None] = {}  # digest -> the file (None: gone from the store)

    def read(self, made: str, start: int, end: int) -> bytes | None:
        """Return the bytes from `start` to `end` of the file stored under `made`, or None if it is gone."""
        if made not in self._open:
            path = self._store.path(made)
            self._open[made] = open(path, "rb") if path.is_file() else None  # noqa: SIM115 (closed in __exit__)
        file = self._open[made]
        if file is None:
            return None
        file.seek(start)
        return file.read(end - start)

    def __enter__(self) -> _EarlierFiles:
        return self

    def __exit__(self, *_exc) -> None:
        for file in self._open.values():
            if file is not None:
                file.close()
