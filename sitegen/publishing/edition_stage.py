"""The edition-files stage: what is made from whole editions once their pages are rendered.

Input: the rendered editions (rendering/editions.py) and the site's small files (assets).
Output: `EditionOutputs`: every file besides the pages (small ones by bytes, the rest by
digest in the file store), with the pages this stage renders itself added to the records:
each edition's whole briefing in one file and its PDF (whole_briefing.py), the sitemap,
feeds, social cards and chart downloads (edition_files.py), the mirrorable copy and its zip
(mirror.py), the search index and search page (search.py), and last the mirror page, which
offers the zip. The cards, the zip and the search index are made on other cores while the
build goes on; the build waits for each only where it needs it. Mistakes are collected, not
raised: the pipeline reports them with the render stage's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import SiteError
from ..messages import _
from ..model import Publication
from ..options import BuildOptions
from ..reading.project import Project
from ..rendering.editions import Edition, RenderedEditions
from ..rendering.page_rendering import PageRenderer
from ..rendering.templating import Renderer
from ..reuse.memory import BuildMemory, PageRecord, digest
from ..reuse.store import SiteFiles
from .edition_files import SITE_DIGEST, EditionFiles
from .mirror import MIRROR_ZIP, Addresses, folder_name
from .pdf_file import PdfUnavailable
from .whole_briefing import PDF_MADE


@dataclass
class EditionOutputs:
    """Every file of the site besides its pages, and the mistakes met making them."""

    files: dict[str, bytes]  # small files, held in memory: output path -> bytes
    stored: dict[str, str] = field(default_factory=dict)  # the rest: output path -> digest in the file store
    copy: SiteFiles | None = None  # the mirrorable copy, when this build makes one
    errors: list[SiteError] = field(default_factory=list)


class EditionStage:
    """Makes the files of whole editions, reusing each that is still current (see `BuildMemory`)."""

    def __init__(self, project: Project, options: BuildOptions, memory: BuildMemory, pages: PageRenderer,
                 edition_files: EditionFiles) -> None:
        self.project = project
        self.options = options
        self.memory = memory
        self.pages = pages
        self.edition_files = edition_files
        self.whole_briefing = memory.whole_briefing

    def warm_up(self, publication: Publication, pdf: str) -> None:
        """Start the PDF workers while the pages render, when no PDF was made before and one is to be made per edition."""
        if pdf == PDF_MADE and self.options.one_file and not self.whole_briefing.has_pdfs:
            self.whole_briefing.warm_up(len(publication.editions), self.options.jobs)

    def make(self, renderer: Renderer, publication: Publication, rendered: RenderedEditions, files: dict[str, bytes],
             pdf: str, rendered_paths: list[str]) -> EditionOutputs:
        """Make every whole-edition file; add the pages made here to `rendered.records` (and their paths to `rendered_paths`)."""
        made = EditionOutputs(dict(files))
        records, editions = rendered.records, rendered.editions
        # A failure here leaves PDF workers and search indexing running: the pipeline stops them.
        zip_size = None
        # The whole briefing in one file, from the pages; its PDFs are made while the rest is.
        self._start_whole_briefing(renderer, editions, records, made.files, pdf)
        # The social cards start on the other cores; the sitemap, feeds and chart downloads are made meanwhile.
        edition_files, chart_files, cards = self.edition_files.make(publication, editions, rendered.by_edition)
        made.files.update(edition_files)
        made.stored.update(chart_files)
        for edition_records in rendered.by_edition:
            records.update(edition_records)  # the feed's articles now all have their bodies kept
        if self.options.one_file:
            try:
                made.stored.update(self.whole_briefing.finish([context for context, _current in editions], pdf))
            except PdfUnavailable as missing:
                made.errors.append(SiteError(self.project.display(self.project.content / "site.yaml"), None,
                                             _("the PDF of the briefing cannot be made on this machine: {problem}",
                                               problem=str(missing)),
                                             _("install Pango and HarfBuzz (README, 'Start here'), or build with --no-pdf")))
        # While Pagefind indexes and the cards are drawn: the mirrorable copy (which has neither) and its zip.
        zipped = self._mirror(renderer, publication, editions, made, records) if not made.errors else None
        made.stored.update(cards())
        search_files, search_records, failed = self.pages.search_pages(renderer, editions, rendered.searches,
                                                                       rendered_paths)
        made.stored.update(search_files)
        records.update(search_records)
        made.errors.extend(failed)
        if zipped is not None:
            made.stored[MIRROR_ZIP] = zipped()
            zip_size = self.memory.store.path(made.stored[MIRROR_ZIP]).stat().st_size
        if not made.errors:
            # Last: each edition's mirror page, which offers the zip.
            mirror_records, errors = self.pages.mirror_pages(renderer, editions, zip_size, rendered_paths)
            records.update(mirror_records)
            made.errors.extend(errors)
        return made

    def page_files(self, publication: Publication, records: dict[str, PageRecord]) -> dict[str, str]:
        """Return every page as it is written (output path -> digest): with the whole briefing's sizes in its footer."""
        return self.whole_briefing.filled_pages({path: record.html_digest for path, record in records.items()},
                                                [edition.prefix for edition in publication.editions])

    def _mirror(self, renderer: Renderer, publication: Publication, editions: list[Edition], made: EditionOutputs,
                records: dict[str, PageRecord]) -> Callable[[], str] | None:
        """Make the mirrorable copy (mirror.py) and start its zip; return the function that waits for the zip
        and returns its digest in the store (None: no zip is made).

        The copy leaves out the search index and the cards and has search and mirror pages of
        its own, so it is made before those are ready.
        """
        for _context, current in editions:
            current["mirror"] = ""  # the zip's size, once it is made
        if not (self.options.relative or self.options.mirror_zip):
            return None
        config = publication.original.config
        addresses = Addresses.of(config.base_url, config.base_path)
        site_stored = {**made.stored, **self.page_files(publication, records)}
        try:
            own_pages = self.pages.mirror_own_pages(renderer, editions, made.files.keys() | site_stored.keys(), addresses)
        except SiteError as error:
            made.errors.append(error)
            return None
        copy = self.memory.mirror.copy(made.files, site_stored, own_pages, addresses, zip_only=not self.options.relative)
        if self.options.relative:
            made.copy = copy
            return None
        newest = max((date for context, _current in editions for date in context.updated.values()),
                     default=dt.date(1980, 1, 1))
        return self.memory.mirror.start_zip(copy, folder_name(config.title), newest)

    def _start_whole_briefing(self, renderer: Renderer, editions: list[Edition], records: dict[str, PageRecord],
                              files: dict[str, bytes], pdf: str) -> None:
        """Compose each edition's one-file HTML from its pages, and start making the PDFs (whole_briefing.py)."""
        inputs = {context.site.prefix: digest([current[SITE_DIGEST], current["assets"], current.get("template:briefing.html")])
                  for context, current in editions}
        self.whole_briefing.start(renderer, [context for context, _current in editions],
                                  {path: record.html_digest for path, record in records.items()}, files, inputs,
                                  pdf, self.options.jobs, make=self.options.one_file)
