"""The build, in order: load -> validate -> render -> whole-edition files -> check links -> write.

Input: a project and build options. Output: every file of the site (output path ->
bytes), and on `build` the site on disk. `SiteBuilder.build` runs the stages; what it
reuses from the last build (page records, cache, file store) is in reuse.py, the files
made from whole editions (sitemap, feeds, social cards, chart downloads) in
edition_files.py, the page kinds' HTML in render.py. The dev server keeps one builder
alive; a one-off build uses a fresh one and its .cache/.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown import Markdown

from .assets import Assets, load_assets
from .cache import output_manifest_file
from .chart_pages import render_chart_page
from .charts import chart_key
from .content import Project, ReadCache, has_data_files, load_content
from .edition_files import SITE_DIGEST, EditionFiles, chart_language
from .errors import BuildFailed, SiteError
from .history import History, HistoryReader
from .links import LinkChecker, LinkSource, extract_links
from .markup import create_markdown, render_markdown
from .messages import N_, _
from .mirror import MIRROR_PAGE, MIRROR_ZIP, ONE_FILE, Addresses, MirrorFacts, folder_name, megabytes
from .model import Article, ChartPage, HomePage, Publication, Site
from .output import StagedSite, holding_output_lock, sync_site, will_write_whole_site, write_site
from .parallel import parallel_map
from .pdf_file import PdfUnavailable
from .print_links import mark_print_links
from .render import (
    PAGE_TEMPLATES,
    BuildContext,
    render_article,
    render_feed_body,
    render_home,
    render_listing,
)
from .reuse import BuildMemory, ListingEntries, PageRecord, digest, doc_key, is_fresh, sharing_strings, site_digest, variant
from .search import Bundle, SearchIndexing
from .sourcing import sourcing_warnings
from .store import SiteFiles
from .templating import DataAccess, Renderer
from .typography import typeset_html
from .validate import ArticleMemo, validate_site
from .whole_briefing import PDF_MADE, offer, offered_files

# The search page comes after the search index, the sources page after the pages whose citations it lists.
PAGE_KINDS = ("home", "article", "chart", "not_found", "changes", "charts")
# What a listing page shows beyond the site digest, by the key of its digest in a build's current inputs.
LISTING_INPUTS = {"changes": ("changes",), "search": ("search",), "sources": ("citations",), "charts": ("charts",),
                  "mirror": ("mirror",)}
LISTING_PAGES = {
    # kind: (output path in an edition, title and description from templates/strings/)
    "not_found": ("404.html", "not_found_title", "not_found_text"),
    "search": ("search/index.html", "search", "search_description"),
    "changes": ("changes/index.html", "changes_title", "changes_description"),
    "sources": ("sources/index.html", "sources_title", "sources_description"),
    "charts": ("charts/index.html", "charts_title", "charts_description"),
    "mirror": (MIRROR_PAGE, "mirror_title", "mirror_description"),
}


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
    # none; the dev server makes it when it is asked for, and fills in no sizes (serve.py).
    one_file: bool = True
    # The PDF of each: "make" (`build`), "offer" (every page links it, but this build makes none: `check`, and
    # `serve`, which makes it when it is asked for), "" (none: no page links it; `build --no-pdf`).
    pdf: str = ""


ProgressReport = Callable[[int, int, str], None]  # (done, to do, what is counted: "pages", "social cards", ...)


def _render_in_worker(state: tuple, item: tuple) -> tuple[str, PageRecord | SiteError]:
    """Render one page; runs in a worker process (or inline) with the builder's state."""
    builder, renderer, context, current, feed_slugs = state
    kind, output_path, page, chart_svgs = item
    builder.charts.svg_by_key.update(chart_svgs)  # drawn after this worker was forked
    try:
        return output_path, builder.render_page(renderer, context, kind, page, current, feed_slugs)
    except SiteError as error:
        return output_path, error


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
        self._markdown: dict[str, Markdown] = {}  # one converter per language: its permalink title differs
        self._reads = ReadCache()
        self._validated = ArticleMemo()
        self._history = HistoryReader()
        self._links = LinkChecker(project.root)
        self._listing_entries: ListingEntries = {}  # see site_digest
        self.edition_files = EditionFiles(self.memory, options.jobs, options.social_cards, self._feed_body, progress)
        self._renderer: Renderer | None = None
        self._template_digests: dict[str, str] = {}
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
        renderer = self._current_renderer(publication.original, assets)
        if renderer.check_syntax():
            raise BuildFailed(renderer.check_syntax(), warnings)
        shared = {"assets": assets.digest, "registry": publication.original.sources.digest}
        self.memory.use_variant(variant(publication))  # with drafts or at another base URL: records of their own
        pdf = self.options.pdf if publication.original.config.pdf else ""  # a site.yaml may offer no PDF
        if pdf == PDF_MADE and self.options.one_file and not self.whole_briefing.made:
            # No PDF was made before, so one is to be made per edition: its workers load WeasyPrint meanwhile.
            self.whole_briefing.warm_up(len(publication.editions), self.options.jobs)
        shared.update({f"template:{n}": d for n, d in self._template_digests.items()})
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
                searches.append(self._start_search(site) if self.options.search_index else None)
                rendered, failed = self._render_pages(renderer, context, current, result, PAGE_KINDS, searches[-1])
                records.update(rendered)
                errors.extend(failed)
                editions.append((context, current))
                by_edition.append(rendered)
            self._listing_entries = listing_entries  # only the current articles' entries are kept
            if not errors:
                sources_records, failed = self._sources_pages(renderer, editions, by_edition, result)
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
                search_files, search_records, failed = self._search_pages(renderer, editions, searches, result)
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

    def _sources_pages(self, renderer: Renderer, editions: list[tuple[BuildContext, dict[str, str]]],
                       by_edition: list[dict[str, PageRecord]], result: BuildResult,
                       ) -> tuple[dict[str, PageRecord], list[SiteError]]:
        """Render each edition's sources page, which lists for every source the pages that cite it."""
        records: dict[str, PageRecord] = {}
        errors: list[SiteError] = []
        for (context, current), edition_records in zip(editions, by_edition, strict=True):
            citing: dict[str, list[str]] = {}
            for path in sorted(edition_records):
                for source_id in edition_records[path].cited:
                    citing.setdefault(source_id, []).append("/" + path.removesuffix("index.html"))
            citing_pages = {source_id: tuple(urls) for source_id, urls in citing.items()}
            current["citations"] = digest(sorted(citing_pages.items()))
            more, failed = self._render_pages(renderer, replace(context, citing_pages=citing_pages), current, result,
                                              ("sources",))
            records.update(more)
            errors.extend(failed)
        return records, errors

    def _search_pages(self, renderer: Renderer, editions: list[tuple[BuildContext, dict[str, str]]],
                      searches: list[SearchIndexing | None], result: BuildResult,
                      ) -> tuple[dict[str, str], dict[str, PageRecord], list[SiteError]]:
        """Wait for each edition's search bundles; render its search page, which loads them.

        Return the bundles' files (output path -> digest in the store), the search pages' records, and errors.
        """
        files: dict[str, str] = {}
        records: dict[str, PageRecord] = {}
        errors: list[SiteError] = []
        used_shards: dict[str, Bundle] = {}
        for search, (context, current) in zip(searches, editions, strict=True):
            bundles = search.bundles() if search is not None else {}
            self.memory.outdated |= search is not None and search.indexed > 0
            used_shards.update(bundles)
            for _folder, search_files in bundles.values():
                files.update(search_files)
            folders = tuple(folder for folder, _files in bundles.values())
            current["search"] = " ".join(folders)
            more, failed = self._render_pages(renderer, replace(context, search_bundles=folders), current, result, ("search",))
            records.update(more)
            errors.extend(failed)
        if self.options.search_index:
            self.memory.search = used_shards  # bundles of shards that no longer exist are not kept
        return files, records, errors

    def _mirror(self, renderer: Renderer, publication: Publication, editions: list[tuple[BuildContext, dict[str, str]]],
                files: dict[str, bytes], stored: dict[str, str], records: dict[str, PageRecord], result: BuildResult,
                ) -> tuple[SiteFiles | None, dict[str, str], dict[str, PageRecord], list[SiteError]]:
        """Make the mirrorable copy and its zip (mirror.py), then render each edition's mirror page, which offers the zip.

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
                own_pages = self._mirror_own_pages(renderer, editions, files.keys() | site_stored.keys(), addresses)
            except SiteError as error:
                return None, {}, {}, [error]
            copy = self.memory.mirror.copy(files, site_stored, own_pages, addresses)
            if self.options.mirror_zip and not self.options.relative:
                newest = max((date for context, _current in editions for date in context.updated.values()),
                             default=dt.date(1980, 1, 1))
                zipped[MIRROR_ZIP] = self.memory.mirror.zip(copy, folder_name(config.title), newest)
                zip_size = self.store.path(zipped[MIRROR_ZIP]).stat().st_size
            self.memory.outdated |= self.memory.mirror.finish()
        mirror_records: dict[str, PageRecord] = {}
        errors: list[SiteError] = []
        for context, current in editions:
            facts = MirrorFacts(zip_size=megabytes(zip_size, context.site.language) if zip_size is not None else "")
            current["mirror"] = facts.zip_size
            more, failed = self._render_pages(renderer, replace(context, mirror=facts), current, result, ("mirror",))
            mirror_records.update(more)
            errors.extend(failed)
        return copy, zipped, mirror_records, errors

    def _mirror_own_pages(self, renderer: Renderer, editions: list[tuple[BuildContext, dict[str, str]]],
                          paths: set[str], addresses: Addresses) -> dict[str, str]:
        """Return the pages the copy has instead of the site's (output path -> digest in the store): each edition's
        search page, which cannot search there, and its mirror page, which says it is reading a copy."""
        pages = {}
        for context, current in editions:
            one_file = context.site.prefix + ONE_FILE
            facts = MirrorFacts(copy=True, one_file=f"/{one_file}" if one_file in paths else "", original=addresses.original)
            copy_context = replace(context, mirror=facts, search_bundles=())
            made_from = [facts.one_file, facts.original, sorted(i for i in current.items() if not i[0].startswith("doc:"))]
            for kind in ("search", "mirror"):
                path = context.site.prefix + LISTING_PAGES[kind][0]
                render = functools.partial(self._render_own_page, renderer, copy_context, kind, current)
                page = self.memory.mirror.own_page(path, made_from, render)
                pages[path] = self.whole_briefing.filled(context.site.prefix, page)  # the sizes in its footer
        return pages

    def _render_own_page(self, renderer: Renderer, context: BuildContext, kind: str, current: dict[str, str]) -> str:
        return self.render_page(renderer, context, kind, None, current, frozenset()).html_digest

    def _start_whole_briefing(self, renderer: Renderer, editions: list[tuple[BuildContext, dict[str, str]]],
                              records: dict[str, PageRecord], files: dict[str, bytes], pdf: str) -> None:
        """Compose each edition's one-file HTML from its pages, and start making the PDFs (whole_briefing.py)."""
        inputs = {context.site.prefix: digest([current[SITE_DIGEST], current["assets"], current.get("template:briefing.html")])
                  for context, current in editions}
        self.whole_briefing.start(renderer, [context for context, _current in editions],
                                  {path: record.html_digest for path, record in records.items()}, files, inputs,
                                  pdf, self.options.jobs, make=self.options.one_file)

    def _page_files(self, publication: Publication, records: dict[str, PageRecord]) -> dict[str, str]:
        """Return every page as it is written (output path -> digest): with the whole briefing's sizes in its footer."""
        return self.whole_briefing.filled_pages({path: record.html_digest for path, record in records.items()},
                                                [edition.prefix for edition in publication.editions])

    def _render_pages(self, renderer: Renderer, context: BuildContext, current: dict[str, str], result: BuildResult,
                      kinds: tuple[str, ...], search: SearchIndexing | None = None,
                      ) -> tuple[dict[str, PageRecord], list[SiteError]]:
        """Reuse each page whose recorded inputs are unchanged; render the others, on every core.

        `search` hears of every page, reused or rendered, as soon as it is ready.
        """
        errors: list[SiteError] = []
        records: dict[str, PageRecord] = {}
        owners: dict[str, str] = {}
        stale = []
        for kind, output_path, page in self._pages(context.site, kinds):
            owner = page.path if page is not None else _("the {kind} page", kind=kind)
            if output_path in owners:
                errors.append(SiteError(owner, None, _("this page and {other} would both be written to {output}",
                                                       other=owners[output_path], output=output_path)))
                continue
            owners[output_path] = owner
            if page is not None:
                updated = context.last_updated(page) if isinstance(page, Article) else ""
                current[doc_key(page)] = f"{page.digest}:{updated}"
            record = self.memory.records.get(output_path)
            if record is None or not is_fresh(record, current):
                stale.append((kind, output_path, page))
            else:
                records[output_path] = record
                if search is not None:
                    search.page_rendered(output_path, record.html_digest)
        self.memory.outdated |= bool(stale)
        # In the search index's shard order, each shard's pages with charts last: a shard is
        # indexed while later pages render, and the charts take a few seconds to draw.
        stale.sort(key=lambda item: (search.shard_number(item[1]) if search else 0, bool(item[2] and item[2].charts),
                                     item[1]))
        items = self._with_chart_svgs(stale, context.site)
        # Only the articles the feed carries keep their body apart: a stored file each.
        feed_slugs = frozenset(a.slug for a in context.feed)
        state = (self, renderer, context, current, feed_slugs)
        rendering = parallel_map(_render_in_worker, state, items, self.options.jobs, count=len(stale))
        for done, (output_path, outcome) in enumerate(rendering, 1):
            if isinstance(outcome, SiteError):
                errors.append(outcome)
            else:
                records[output_path] = outcome = sharing_strings(outcome)
                result.rendered.append(output_path)
                if search is not None:
                    search.page_rendered(output_path, outcome.html_digest)
            if self.progress:
                self.progress(done, len(stale), N_("pages"))  # translated where it is shown
        return records, errors

    def _with_chart_svgs(self, pages: list[tuple], site: Site) -> Iterator[tuple]:
        """Yield each page to render with the SVGs of its charts that this build draws.

        The charts are drawn in a worker of their own from the start. A page with charts
        that comes while they are being drawn waits, and the pages after it go first;
        the last pages wait for the drawing (see `parallel_map` on items given while
        workers work).
        """
        language = chart_language(site).code
        charts_of = {path: [(c.spec, site.datasets[c.spec.data], language) for c in page.charts]
                     for _kind, path, page in pages if page is not None and page.charts}
        drawing = self.charts.start_drawing([chart for charts in charts_of.values() for chart in charts], self.options.jobs)

        def with_svgs(kind, path, page) -> tuple:
            if path not in charts_of:
                return kind, path, page, {}
            drawn = drawing.result()
            keys = (chart_key(*chart) for chart in charts_of[path])
            return kind, path, page, {key: drawn[key] for key in keys if key in drawn}

        waiting = []  # pages whose charts were still being drawn when their turn came
        for item in pages:
            if item[1] in charts_of and not drawing.done():
                waiting.append(item)
                continue
            if waiting and drawing.done():
                yield from (with_svgs(*waited) for waited in waiting)
                waiting.clear()
            yield with_svgs(*item)
        yield from (with_svgs(*waited) for waited in waiting)

    def _markdown_for(self, site: Site) -> Markdown:
        if site.language not in self._markdown:
            self._markdown[site.language] = create_markdown(site.strings.get("permalink_title", "Link to this section"))
        return self._markdown[site.language]

    def _current_renderer(self, site: Site, assets: Assets) -> Renderer:
        digests = Renderer(self.project.templates).template_digests()
        if self._renderer is None or digests != self._template_digests:
            self._renderer = Renderer(self.project.templates, self.project.display, self.project.root)
            self._template_digests = digests
        self._renderer.base_path = site.config.base_path
        self._renderer.base_url = site.config.base_url
        self._renderer.assets = assets
        return self._renderer

    def page_paths(self, publication: Publication) -> list[str]:
        """Return the output path of every page of every edition (the search pages too)."""
        kinds = (*PAGE_KINDS, "search", "mirror")
        return [path for site in publication.editions for _kind, path, _page in self._pages(site, kinds)]

    def _pages(self, site: Site, kinds: tuple[str, ...]):
        """Yield (kind, output path, source page) for every page of the given kinds in one edition."""
        if "home" in kinds:
            yield "home", f"{site.prefix}index.html", site.home
        if "article" in kinds:
            for article in site.articles:
                yield "article", article.output_path, article
        if "chart" in kinds:
            for chart_page in site.chart_pages:
                yield "chart", chart_page.output_path, chart_page
        for kind in kinds:
            if kind in LISTING_PAGES and not (kind == "not_found" and site.prefix):  # one 404 page serves all
                yield kind, site.prefix + LISTING_PAGES[kind][0], None

    def render_page(self, renderer: Renderer, context: BuildContext, kind: str, page: Article | HomePage | ChartPage | None,
                    current: dict[str, str], feed_slugs: frozenset[str]) -> PageRecord:
        """Render one page and record the content hashes of everything it read.

        An article in `feed_slugs` also keeps its body alone in the store, for the feed.
        """
        site = context.site
        data = DataAccess(site.datasets)
        inputs = {key: current[key] for key in (SITE_DIGEST, "assets", "registry", "whole_briefing")}
        sources = []
        body = None
        if page is not None:
            inputs[doc_key(page)] = current[doc_key(page)]
            sources.append(page.path)
        if kind == "chart":
            spec = page.chart.spec  # its own page shows the chart alone, without a link to itself
            figure = self.charts.figure(spec, data[spec.data], 1, chart_language(site))
            page_html = render_chart_page(renderer, context, page, figure, data)
            template = PAGE_TEMPLATES["chart"]
        elif kind == "article":
            body = self._render_body(site, page, data)
            page_html = render_article(renderer, context, page, body.html, body.toc, data)
            template = PAGE_TEMPLATES[page.layout]
        elif kind == "home":
            body = self._render_body(site, page, data) if page is not None else None
            page_html = render_home(renderer, context, page, body.html if body else "", data)
            template = PAGE_TEMPLATES["home"]
            inputs["newest_source"] = current["newest_source"]  # the briefing's "facts as of"
        else:
            _path, title_key, description_key = LISTING_PAGES[kind]
            strings = site.strings
            page_html = render_listing(renderer, context, kind, strings[title_key], strings[description_key], data)
            template = PAGE_TEMPLATES[kind]
            inputs.update({key: current[key] for key in LISTING_INPUTS.get(kind, ())})
        for name in sorted(data.read):
            inputs[f"data:{name}"] = current.get(f"data:{name}", "")
        for name in sorted(renderer.template_closure(template)):
            inputs[f"template:{name}"] = current.get(f"template:{name}", "")
            sources.append(self.project.display(self.project.templates / name))
        sources.append(self.project.display(self.project.content / "site.yaml"))
        link_source = LinkSource(tuple(sources))
        keep_body = kind == "article" and page.slug in feed_slugs
        html = typeset_html(page_html.html, site.language)  # no-break spaces in its text, the search index's too
        html = mark_print_links(html, site.config.base_url)  # the absolute address printed after a link on paper
        return PageRecord(inputs, self.store.put(html.encode("utf-8")), extract_links(html), link_source,
                          self._store_feed_body(renderer, context, page, body.html) if keep_body else "",
                          page_html.cited)

    def _store_feed_body(self, renderer: Renderer, context: BuildContext, article: Article, body_html: str) -> str:
        """Keep an article's body as its feed entry carries it: citations numbered, sources and changes after it."""
        body = typeset_html(render_feed_body(renderer, context, article, body_html), context.site.language)
        return self.store.put(body.encode("utf-8"))

    def _feed_body(self, context: BuildContext, article: Article) -> str:
        """Convert an article's body again and keep it as its feed entry carries it; return its digest."""
        html = self._render_body(context.site, article, DataAccess(context.site.datasets)).html
        return self._store_feed_body(self._renderer, context, article, html)

    def _render_body(self, site: Site, page: Article | HomePage, data: DataAccess):
        """Convert a page's Markdown to HTML, with its charts' figures, each linking to the chart's page."""
        language = chart_language(site)
        base = site.config.base_path
        figures = [self.charts.figure(c.spec, data[c.spec.data], n, language, f"{base}{site.prefix}charts/{c.spec.id}/")
                   for n, c in enumerate(page.charts, start=1)]
        return render_markdown(self._markdown_for(site), page.body, figures, site.config.base_path)

    def _start_search(self, site: Site) -> SearchIndexing:
        """Start the search index of an edition's article pages: each shard is indexed once its pages are rendered.

        Shards whose pages are unchanged since they were last indexed keep their bundles.
        """
        article_paths = [path for _kind, path, _page in self._pages(site, ("article",))]
        return SearchIndexing(article_paths, self.memory.search, self.store, site.language,
                              before_each=self.charts.wait_for_drawing, progress=self.progress)


@holding_output_lock  # one process at a time writes an output folder (issue 20, output.py)
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
        staged.make_folders_ahead(builder.page_paths(publication))

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
