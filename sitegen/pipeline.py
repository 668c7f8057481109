"""The build, in order: load -> validate -> render -> whole-edition files -> check links -> write.

Input: a project and build options. Output: every file of the site (output path ->
bytes), and on `build` the site on disk. `SiteBuilder.build` runs the stages; what it
reuses from the last build (page records, cache, file store) is in reuse/memory.py, the files
made from whole editions (sitemap, feeds, social cards, chart downloads) in
publishing/edition_files.py, how each page is rendered (or reused) in rendering/page_rendering.py, the page
kinds' HTML in rendering/render.py. The dev server keeps one builder alive; a one-off build uses a
fresh one and its .cache/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .checking.links import LinkChecker
from .checking.sourcing import sourcing_warnings
from .checking.validate import ArticleMemo, validate_site
from .errors import BuildFailed, SiteError
from .messages import _
from .model import Publication, Site
from .publishing.edition_files import SITE_DIGEST, EditionFiles
from .publishing.mirror import MIRROR_ZIP, Addresses, folder_name
from .publishing.output import StagedSite, holding_output_lock, sync_site, will_write_whole_site, write_site
from .publishing.pdf_file import PdfUnavailable
from .publishing.search import SearchIndexing
from .publishing.whole_briefing import PDF_MADE, offer, offered_files
from .reading.assets import load_assets
from .reading.content import Project, ReadCache, has_data_files, load_content
from .reading.history import History, HistoryReader
from .rendering.page_rendering import PAGE_KINDS, PageRenderer
from .rendering.render import BuildContext
from .rendering.templating import Renderer
from .reuse.cache import output_manifest_file
from .reuse.memory import BuildMemory, ListingEntries, PageRecord, digest, site_digest, variant
from .reuse.store import SiteFiles


@dataclass(frozen=True)
class BuildOptions:
    """What the command line can change about a build."""

    include_drafts: bool = False
    base_url: str | None = None
    search_index: bool = True
    social_cards: bool = True  # `check` writes nothing, so it draws no cards either
    use_cache: bool = False  # read and write .cache/ (the CLI turns it on; tests mostly not)
    jobs: int = 1  # processes for rendering pages and cards
    mirror_zip: bool = True  # make mirror.zip, the mirrorable copy zipped (`serve` and `check` do not)
    relative: bool = False  # the output is the mirrorable copy itself: relative links, no zip (`build --relative`)
    # Make each edition's whole briefing in one file. Pages offer it either way: `check` writes nothing, so makes
    # none; the dev server makes it when it is asked for, and fills in no sizes (commands/serve.py).
    one_file: bool = True
    # The PDF of each: "make" (`build`), "offer" (every page links it, but this build makes none: `check`, and
    # `serve`, which makes it when it is asked for), "" (none: no page links it; `build --no-pdf`).
    pdf: str = ""


ProgressReport = Callable[[int, int, str], None]  # (done, to do, what is counted: "pages", "social cards", ...)


@dataclass
class BuildResult:
    """What one run produced: every output file, which pages had to be rendered again, and warnings."""

    site: Site  # the original edition
    pages: Mapping[str, bytes]  # every output file, in path order
    rendered: list[str] = field(default_factory=list)
    warnings: list[SiteError] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # output files whose bytes were written


def updated_dates(site: Site, history: History) -> dict[str, dt.date]:
    """Return each article's last update: front matter 'updated', else its last commit, else 'date'."""
    return {a.slug: a.updated or history.last_changed.get(a.path) or a.date for a in site.articles}


def stale_translations(publication: Publication, history: History) -> list[SiteError]:
    """Warn about each translation whose original changed after the version it was translated from."""
    warnings = []
    originals = {a.slug: a for a in publication.original.articles}
    for edition in publication.editions[1:]:
        for article in edition.articles:
            original = originals.get(article.slug)
            if original is None:
                continue
            changed = original.updated or history.last_changed.get(original.path) or original.date
            translated = article.translated_from or history.last_changed.get(article.path)
            if translated is None or translated < changed:
                if translated:
                    message = _("warning: the original {original} changed on {changed}, since {translated}",
                                original=original.path, changed=changed.isoformat(), translated=translated.isoformat())
                else:
                    message = _("warning: the original {original} changed on {changed}, and the translation has no "
                                "'translated_from' date", original=original.path, changed=changed.isoformat())
                warnings.append(SiteError(article.path, None, message,
                                          _("update the translation, then set 'translated_from' to the original's date")))
    return warnings


class SiteBuilder:
    """Runs the build stages, remembering page inputs so that reruns are incremental."""

    def __init__(self, project: Project, options: BuildOptions, progress: ProgressReport | None = None):
        self.project = project
        self.options = options
        self.progress = progress
        self.memory = BuildMemory(project.root, options.use_cache)
        self.store, self.charts, self.cards, self.chart_files = (self.memory.store, self.memory.charts, self.memory.cards,
                                                                 self.memory.chart_files)
        self._reads = ReadCache()
        self._validated = ArticleMemo()
        self._history = HistoryReader()
        self._links = LinkChecker(project.root)
        self._listing_entries: ListingEntries = {}  # see site_digest
        self.page_renderer = PageRenderer(project, self.memory, options.jobs, progress)
        self.edition_files = EditionFiles(self.memory, options.jobs, options.social_cards, self.page_renderer.feed_body,
                                          progress)
        self.whole_briefing = self.memory.whole_briefing
        if options.jobs > 1 and not self.charts.svg_by_key and has_data_files(project.content):  # charts need data
            # No chart is cached, so every chart a page has is to be drawn: the chart worker loads
            # its libraries while the content is read (and is ended if no page has a chart).
            self.charts.warm_up()

    def save_cache(self) -> None:
        """Keep what this build rendered and parsed for the next one (when the cache is in use and changed)."""
        self.memory.save()

    def load_and_validate(self, changed: set[Path] | None = None) -> Publication:
        """Read and check every input (only the changed files, when the caller knows them)."""
        templates = self.project.display(self.project.templates)
        self._reads.changed = changed
        publication = validate_site(load_content(self.project, self._reads), self.options.include_drafts, templates,
                                    self._validated)
        if self.options.base_url:
            publication = Publication(tuple(replace(edition, config=replace(edition.config, base_url=self.options.base_url))
                                            for edition in publication.editions), publication.warnings)
        return publication

    def build(self, changed: set[Path] | None = None,
              validated: Callable[[Publication], None] | None = None) -> BuildResult:
        """Run load, validate and render; raise BuildFailed on any editor mistake.

        `changed` lists the files saved since the last build (the dev server's watcher knows
        them); None means anything may have changed. `validated` hears of the publication
        before its pages render.
        """
        try:
            publication = self.load_and_validate(changed)
            if validated is not None:
                validated(publication)
            return self.render_site(publication)
        finally:
            # A build that failed before its charts leaves the chart worker started for them
            # unused; later builds are incremental and would not wait for it. End it now.
            self.charts.dismiss_warm_worker()

    def render_site(self, publication: Publication) -> BuildResult:
        """Render every file of every edition (reusing unchanged pages) and check the links between them."""
        history = self._history.load(self.project.root, self.project.content)
        warnings = [*publication.warnings, *stale_translations(publication, history)]  # shown even if errors follow
        try:
            assets = load_assets(self.project.static)
        except BuildFailed as failure:  # a static file too large to publish
            raise BuildFailed(failure.errors, warnings) from None
        renderer = self.page_renderer.current_renderer(publication.original, assets)
        if renderer.check_syntax():
            raise BuildFailed(renderer.check_syntax(), warnings)
        shared = {"assets": assets.digest, "registry": publication.original.sources.digest}
        self.memory.use_variant(variant(publication))  # with drafts or at another base URL: records of their own
        pdf = self.options.pdf if publication.original.config.pdf else ""  # a site.yaml may offer no PDF
        if pdf == PDF_MADE and self.options.one_file and not self.whole_briefing.made:
            # No PDF was made before, so one is to be made per edition: its workers load WeasyPrint meanwhile.
            self.whole_briefing.warm_up(len(publication.editions), self.options.jobs)
        shared.update({f"template:{n}": d for n, d in self.page_renderer.template_digests.items()})
        result = BuildResult(publication.original, {}, warnings=warnings)
        files = dict(assets.files)  # small files, held in memory
        stored: dict[str, str] = {}  # the rest: output path -> digest in the file store
        records: dict[str, PageRecord] = {}
        errors: list[SiteError] = []
        editions = []
        by_edition = []  # each edition's pages
        searches: list[SearchIndexing | None] = []  # each edition's, indexing its pages as they are rendered
        listing_entries: ListingEntries = {}
        try:
            for site in publication.editions:
                context = BuildContext(site, updated_dates(site, history), publication,
                                       whole_briefing=offer(site.prefix, pdf))
                current = {**shared, SITE_DIGEST: site_digest(context, self._listing_entries)}
                listing_entries.update((id(a), self._listing_entries[id(a)]) for a in site.articles)
                current.update({f"data:{n}": d.digest for n, d in site.datasets.items()})
                current["changes"] = digest([(c, a.url, a.title) for c, a in context.changes])
                current["charts"] = digest([(p.id, p.digest) for p in site.chart_pages])
                current["newest_source"] = context.newest_source.id if context.newest_source else ""  # the home page's
                current["whole_briefing"] = repr(context.whole_briefing)  # what every page's footer offers
                searches.append(self.page_renderer.start_search(site) if self.options.search_index else None)
                rendered, failed = self.page_renderer.render_pages(renderer, context, current, result.rendered, PAGE_KINDS,
                                                                   searches[-1])
                records.update(rendered)
                errors.extend(failed)
                editions.append((context, current))
                by_edition.append(rendered)
            self._listing_entries = listing_entries  # only the current articles' entries are kept
            if not errors:
                sources_records, failed = self.page_renderer.sources_pages(renderer, editions, by_edition,
                                                                                 result.rendered)
                records.update(sources_records)
                errors.extend(failed)
            if not errors:
                # The whole briefing in one file, from the pages; its PDFs are made while the cards and search index are.
                self._start_whole_briefing(renderer, editions, records, files, pdf)
            if not errors:
                # While Pagefind indexes: the sitemap and feeds, and the social cards on the other cores.
                edition_files, cards = self.edition_files.make(publication, editions, by_edition)
                files.update(edition_files)
                stored.update(cards)
                for edition_records in by_edition:
                    records.update(edition_records)  # the feed's articles now all have their bodies kept
                search_files, search_records, failed = self.page_renderer.search_pages(renderer, editions, searches,
                                                                                       result.rendered)
                stored.update(search_files)
                records.update(search_records)
                errors.extend(failed)
            if not errors and self.options.one_file:
                try:
                    stored.update(self.whole_briefing.finish([context for context, _current in editions], pdf))
                except PdfUnavailable as missing:
                    errors.append(SiteError(self.project.display(self.project.content / "site.yaml"), None,
                                            _("the PDF of the briefing cannot be made on this machine: {problem}",
                                              problem=str(missing)),
                                            _("install Pango and HarfBuzz (README, 'Start here'), or build with --no-pdf")))
        finally:
            self.whole_briefing.dismiss()  # the PDF workers of a build that failed
            for search in searches:
                if search is not None:
                    search.cancel()  # a failed build indexes nothing more, and leaves no Pagefind running
        copy = None
        if not errors:
            # Last, as it carries every other file: the mirrorable copy and its zip, then the pages offering it.
            copy, zipped, mirror_records, errors = self._mirror(renderer, publication, editions, files, stored, records,
                                                                result)
            stored.update(zipped)
            records.update(mirror_records)
        if not errors:
            errors = self._links.check(
                {path: r.links for path, r in records.items()},
                # The mirror page links the zip, every page the whole briefing's files; `serve` and `check` make none.
                frozenset(files.keys() | stored.keys() | {MIRROR_ZIP} | offered_files(publication, pdf)),
                {path: r.link_source for path, r in records.items()},
                publication.original.config.base_path,
            )
        if errors:
            self.memory.records.update(records)  # the pages that did render are worth keeping
            # A mistake in a template shared by pages is reported once.
            raise BuildFailed(list(dict.fromkeys(errors)), result.warnings)
        cited = {source_id for record in records.values() for source_id in record.cited}
        result.warnings.extend(sourcing_warnings(publication, cited, dt.date.today()))
        self.memory.keep_only_records(records)
        stored.update(self._page_files(publication, records))
        if self.options.one_file:
            self.memory.outdated |= self.whole_briefing.finish_build()
        result.pages = copy if self.options.relative else SiteFiles(self.store, files, stored)
        return result

    def _mirror(self, renderer: Renderer, publication: Publication, editions: list[tuple[BuildContext, dict[str, str]]],
                files: dict[str, bytes], stored: dict[str, str], records: dict[str, PageRecord], result: BuildResult,
                ) -> tuple[SiteFiles | None, dict[str, str], dict[str, PageRecord], list[SiteError]]:
        """Make the mirrorable copy and its zip (publishing/mirror.py), then render each edition's mirror page, which offers the zip.

        Return the copy (None when this build needs none), the zip (output path -> digest in the store),
        the mirror pages' records, and errors.
        """
        copy, zipped, zip_size = None, {}, None
        for _context, current in editions:
            current["mirror"] = ""  # the zip's size, once it is made
        if self.options.relative or self.options.mirror_zip:
            config = publication.original.config
            addresses = Addresses.of(config.base_url, config.base_path)
            site_stored = {**stored, **self._page_files(publication, records)}
            try:
                own_pages = self.page_renderer.mirror_own_pages(renderer, editions, files.keys() | site_stored.keys(), addresses)
            except SiteError as error:
                return None, {}, {}, [error]
            copy = self.memory.mirror.copy(files, site_stored, own_pages, addresses)
            if self.options.mirror_zip and not self.options.relative:
                newest = max((date for context, _current in editions for date in context.updated.values()),
                             default=dt.date(1980, 1, 1))
                zipped[MIRROR_ZIP] = self.memory.mirror.zip(copy, folder_name(config.title), newest)
                zip_size = self.store.path(zipped[MIRROR_ZIP]).stat().st_size
            self.memory.outdated |= self.memory.mirror.finish()
        mirror_records, errors = self.page_renderer.mirror_pages(renderer, editions, zip_size, result.rendered)
        return copy, zipped, mirror_records, errors

    def _start_whole_briefing(self, renderer: Renderer, editions: list[tuple[BuildContext, dict[str, str]]],
                              records: dict[str, PageRecord], files: dict[str, bytes], pdf: str) -> None:
        """Compose each edition's one-file HTML from its pages, and start making the PDFs (publishing/whole_briefing.py)."""
        inputs = {context.site.prefix: digest([current[SITE_DIGEST], current["assets"], current.get("template:briefing.html")])
                  for context, current in editions}
        self.whole_briefing.start(renderer, [context for context, _current in editions],
                                  {path: record.html_digest for path, record in records.items()}, files, inputs,
                                  pdf, self.options.jobs, make=self.options.one_file)

    def _page_files(self, publication: Publication, records: dict[str, PageRecord]) -> dict[str, str]:
        """Return every page as it is written (output path -> digest): with the whole briefing's sizes in its footer."""
        return self.whole_briefing.filled_pages({path: record.html_digest for path, record in records.items()},
                                                [edition.prefix for edition in publication.editions])


@holding_output_lock  # one process at a time writes an output folder (issue 20, publishing/output.py)
def build_site(project: Project, output: Path, options: BuildOptions,
               progress: ProgressReport | None = None) -> BuildResult:
    """Build the whole site and put it in the output folder; raise BuildFailed on errors."""
    manifest = output_manifest_file(project.root)
    if options.relative:  # the mirrorable copy carries no search index and no social cards: none are made for it
        options = replace(options, search_index=False, social_cards=False)
    builder = SiteBuilder(project, options, progress)
    # When the whole site will be written, its pages' folders are made while the pages render.
    staged = StagedSite(output) if not options.use_cache or will_write_whole_site(manifest, output) else None

    def make_page_folders(publication: Publication) -> None:
        staged.make_folders_ahead(builder.page_renderer.page_paths(publication))

    try:
        result = builder.build(validated=make_page_folders if staged else None)
    except BaseException:
        if staged:
            staged.discard()
        raise
    finally:
        builder.save_cache()  # pages that did render are worth keeping even when others failed
    if options.use_cache:
        result.written = sync_site(output, result.pages, manifest, staged)
    else:
        write_site(output, result.pages, staged)
        result.written = list(result.pages)
    return result


def check_site(project: Project, options: BuildOptions, progress: ProgressReport | None = None,
               checked: Callable[[BuildResult], None] | None = None) -> BuildResult:
    """Run every stage a build runs except writing the output; raise BuildFailed on errors.

    With `use_cache` it reuses and keeps .cache/ as a build does, so an unchanged site is
    checked in a warm build's time. When drafts are included and one is among the articles,
    the published site is checked next, since a link to a draft is dead there: by the same
    builder, so nothing is read, validated or compiled twice, and its pages come from the
    published variant's records, which `build` keeps too (reuse.variant). `checked` hears of
    the first check's result before the second runs; the second's only say is its errors.
    """
    builder = SiteBuilder(project, replace(options, search_index=False, social_cards=False, mirror_zip=False, one_file=False),
                          progress)
    try:
        result = builder.build()
        if checked is not None:
            checked(result)
        if options.include_drafts and any(article.draft for article in result.site.articles):
            builder.options = replace(builder.options, include_drafts=False)
            builder.build(changed=set())  # the files as the first check read them
    finally:
        builder.save_cache()  # pages that did render are worth keeping even when others failed
    return result
