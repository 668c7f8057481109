"""The build, in order: load -> validate -> render -> check links -> write.

Input: a project and build options. Output: every file of the site (output path ->
bytes), and on `build` the site on disk. `SiteBuilder` keeps, for each page, the inputs
it read (its source file, the datasets it used, the templates in its chain, the
site-wide digest) with their content hashes, so a later run re-renders only the pages
whose inputs changed. The dev server keeps one builder alive; a one-off build uses a
fresh one. Files derived from the whole site (feed, sitemap, social cards, search
index) are put together after the pages, from the pages' records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown import Markdown

from . import __version__
from .assets import Assets, load_assets
from .cache import CacheContents, load_cache, output_manifest_file, save_cache, store_folder
from .cards import CardRenderer, CardText
from .chart_files import ChartFiles
from .chart_pages import chart_download, render_chart_page
from .charts import ChartLanguage, ChartRenderer, chart_key
from .content import PARSED_YAML, Project, ReadCache, has_data_files, load_content
from .errors import BuildFailed, SiteError
from .feeds import render_atom_feed, render_redirects, render_robots, render_sitemap
from .history import History, HistoryReader
from .links import LinkChecker, LinkSource, PageLinks, extract_links
from .markup import create_markdown, render_markdown
from .model import Article, ChartPage, HomePage, Publication, Site
from .output import StagedSite, sync_site, will_write_whole_site, write_site
from .parallel import parallel_map
from .render import (
    PAGE_TEMPLATES,
    BuildContext,
    DataAccess,
    Renderer,
    card_path,
    render_article,
    render_feed_body,
    render_home,
    render_listing,
)
from .search import Bundle, SearchIndexing
from .sourcing import sourcing_warnings
from .store import FileStore, SiteFiles, StoredTexts
from .validate import ArticleMemo, validate_site

SITE_DIGEST = "site"
# The search page comes after the search index, the sources page after the pages whose citations it lists.
PAGE_KINDS = ("home", "article", "chart", "not_found", "changes", "charts")
# What a listing page shows beyond the site digest, by the key of its digest in a build's current inputs.
LISTING_INPUTS = {"changes": ("changes",), "search": ("search",), "sources": ("citations",), "charts": ("charts",)}
LISTING_PAGES = {
    # kind: (output path in an edition, title and description from templates/strings/)
    "not_found": ("404.html", "not_found_title", "not_found_text"),
    "search": ("search/index.html", "search", "search_description"),
    "changes": ("changes/index.html", "changes_title", "changes_description"),
    "sources": ("sources/index.html", "sources_title", "sources_description"),
    "charts": ("charts/index.html", "charts_title", "charts_description"),
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


ProgressReport = Callable[[int, int, str], None]  # (done, to do, what is counted: "pages", "social cards", ...)


@dataclass(frozen=True)
class PageRecord:
    """A rendered page and the content hashes of every input it was rendered from."""

    inputs: dict[str, str]
    html_digest: str  # the page, in the builder's file store
    links: PageLinks
    link_source: LinkSource
    body_digest: str = ""  # the body alone of an article in the feed when rendered, in the file store
    cited: tuple[str, ...] = ()  # the ids of the sources the page cites


def _sharing_strings(record: PageRecord) -> PageRecord:
    """Return a record that shares its strings with the other records (`sys.intern`).

    A record from a worker arrives with its own copies of the links and the input digests
    that most pages share: 5.6 MB of the build's memory per 1,000 pages, 4.0 MB shared.
    """
    links = PageLinks(frozenset(map(sys.intern, record.links.ids)), tuple(map(sys.intern, record.links.hrefs)))
    return replace(record, inputs={sys.intern(k): sys.intern(v) for k, v in record.inputs.items()}, links=links,
                   cited=tuple(map(sys.intern, record.cited)))


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


def _digest(payload) -> str:
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


ListingEntries = dict[int, tuple[Article, dt.date, str]]  # id(article) -> (article, its update, its entry)


def site_digest(context: BuildContext, options: BuildOptions, known: ListingEntries) -> str:
    """Hash what every page of an edition may show of the whole site: config, strings, the article list.

    `known` holds each article's listing entry from the last build; an unchanged article is
    the same object from build to build (see ArticleMemo), so its entry is found by identity,
    without hashing the article. Entries of this edition's articles are left in it.
    """
    site = context.site
    listing = []
    for article in site.articles:
        updated = context.last_updated(article)
        entry = known.get(id(article))
        if entry is None or entry[0] is not article or entry[1] != updated:
            entry = known[id(article)] = (article, updated, _listing_entry(article, updated))
        listing.append(entry[2])
    home = [site.home.title, site.home.summary] if site.home else None
    # Which pages exist in which edition: every page links to its translations.
    editions = [[e.language, e.prefix, e.config.title, [a.slug for a in e.articles]] for e in context.publication.editions]
    return _digest([__version__, site.config, dict(site.strings), options.include_drafts, listing, home, editions])


def _listing_entry(article: Article, updated: dt.date) -> str:
    a = article
    return json.dumps([a.slug, a.title, a.summary, a.date, updated, a.order, a.draft, a.tags, a.layout], default=str)


def _doc_key(page: Article | HomePage | ChartPage) -> str:
    """Return the key of a page's own inputs among a build's inputs: its source file, or a chart's place in it."""
    return f"doc:{page.doc_key}" if isinstance(page, ChartPage) else f"doc:{page.path}"


def is_fresh(record: PageRecord, current: dict[str, str]) -> bool:
    """Tell whether every input a page was rendered from still has the hash it had then."""
    # The C-level subset test settles the common case; an input recorded as "" (a
    # dataset or template that did not exist) also matches one that still does not.
    return record.inputs.items() <= current.items() or all(current.get(k, "") == v for k, v in record.inputs.items())


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
                since = f"since {translated.isoformat()}" if translated else "and the translation has no 'translated_from' date"
                warnings.append(SiteError(article.path, None, f"warning: the original {original.path} changed on "
                                          f"{changed.isoformat()}, {since}",
                                          "update the translation, then set 'translated_from' to the original's date"))
    return warnings


def chart_language(site: Site) -> ChartLanguage:
    """Return the language and the words a chart of this edition uses."""
    strings = site.strings
    return ChartLanguage(site.language, strings.get("source", "Source"), strings.get("show_data_table", "Show the data table"),
                         strings.get("no_data", "no data"), strings.get("chart_page_link", ChartLanguage.page_link))


def render_site_files(publication: Publication, contexts: list[BuildContext]) -> dict[str, bytes]:
    """Return the files that speak for every edition at once: sitemap, robots.txt, redirects."""
    original = publication.original
    entries = []
    for context in contexts:
        newest = max(context.updated.values(), default=None)
        for page_id, url in context.page_urls().items():
            if page_id != "not_found":
                lastmod = context.last_updated(context.article(page_id)) if page_id.startswith("article:") else newest
                entries.append((url, lastmod, context.alternates(page_id)))
    return {
        "sitemap.xml": render_sitemap(original, entries),
        "robots.txt": render_robots(original),
        "_redirects": b"".join(render_redirects(edition) for edition in publication.editions),
    }


def social_cards(site: Site) -> dict[str, CardText]:
    """Return what each page's card says: its title, and the key figure that links to it."""
    figures = site.datasets.get("key_figures")
    rows = figures.rows if figures else ()
    pages = [(f"/{site.prefix}", site.home.title if site.home else site.config.title)]
    pages += [(a.url, a.title) for a in site.articles]
    cards = {}
    for url, title in pages:
        figure = next((r for r in rows if r.get("link") == url), rows[0] if rows and url == f"/{site.prefix}" else None)
        value, label = (str(figure.get("value")), str(figure.get("label"))) if figure else (None, None)
        cards[url] = CardText(site.config.title, title, value, label)
    return cards


class SiteBuilder:
    """Runs the build stages, remembering page inputs so that reruns are incremental."""

    def __init__(self, project: Project, options: BuildOptions, progress: ProgressReport | None = None):
        self.project = project
        self.options = options
        self.progress = progress
        # Pages, cards and search files go to disk as they are made (see store.py).
        self.store = FileStore(store_folder(project.root) if options.use_cache else None)
        self.charts = ChartRenderer()
        self.cards = CardRenderer(self.store)
        self.chart_files = ChartFiles(self.store)
        self._markdown: dict[str, Markdown] = {}  # one converter per language: its permalink title differs
        self.records: dict[str, PageRecord] = {}
        self._reads = ReadCache()
        self._validated = ArticleMemo()
        self._history = HistoryReader()
        self._links = LinkChecker()
        self._site_files: tuple[tuple, dict[str, bytes]] | None = None  # (what they depend on, the files)
        self._feeds: dict[str, tuple[tuple, bytes]] = {}  # edition prefix -> (what the feed shows, the feed)
        self._listing_entries: ListingEntries = {}  # see site_digest
        self._cards_by_edition: dict[str, tuple[tuple, dict[str, str]]] = {}  # prefix -> (what they read, the files)
        self._cache_outdated = False  # whether anything was rendered since the cache was read
        self._renderer: Renderer | None = None
        self._template_digests: dict[str, str] = {}
        self._search: dict[str, Bundle] = {}  # search shard key -> its Pagefind bundle
        if options.use_cache:
            cached = load_cache(project.root, self.store)
            self.records, self._search = cached.records, cached.search
            self.charts.svg_by_key, self.cards.digest_by_key = cached.chart_svgs, cached.card_digests
            self.chart_files.digests_by_key = cached.chart_files
            PARSED_YAML.remember(cached.parsed_yaml)
        if options.jobs > 1 and not self.charts.svg_by_key and has_data_files(project.content):  # charts need data
            # No chart is cached, so every chart a page has is to be drawn: the chart worker loads
            # its libraries while the content is read (and is ended if no page has a chart).
            self.charts.warm_up()

    def save_cache(self) -> None:
        """Keep what this build rendered and parsed for the next one (when the cache is in use and changed)."""
        if self.options.use_cache and (self._cache_outdated or PARSED_YAML.parsed_since_saved):
            contents = CacheContents(self.records, self.charts.svg_by_key, self.cards.digest_by_key, self._search,
                                     PARSED_YAML.worth_keeping(), self.chart_files.digests_by_key)
            save_cache(self.project.root, contents)
            self.store.keep_only(contents.stored_digests())
            self._cache_outdated = False
            PARSED_YAML.parsed_since_saved = 0

    def load_and_validate(self, changed: set[Path] | None = None) -> Publication:
        """Read and check every input (only the changed files, when the caller knows them)."""
        templates = self.project.display(self.project.templates)
        self._reads.changed = changed
        publication = validate_site(load_content(self.project, self._reads), self.options.include_drafts, templates,
                                    self._validated)
        if self.options.base_url:
            publication = Publication(tuple(replace(edition, config=replace(edition.config, base_url=self.options.base_url))
                                            for edition in publication.editions))
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
        assets = load_assets(self.project.static)
        renderer = self._current_renderer(publication.original, assets)
        shared = {"assets": assets.digest, "registry": publication.original.sources.digest}
        shared.update({f"template:{n}": d for n, d in self._template_digests.items()})
        result = BuildResult(publication.original, {}, warnings=stale_translations(publication, history))
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
                context = BuildContext(site, updated_dates(site, history), publication)
                current = {**shared, SITE_DIGEST: site_digest(context, self.options, self._listing_entries)}
                listing_entries.update((id(a), self._listing_entries[id(a)]) for a in site.articles)
                current.update({f"data:{n}": d.digest for n, d in site.datasets.items()})
                current["changes"] = _digest([(c, a.url, a.title) for c, a in context.changes])
                current["charts"] = _digest([(p.id, p.digest) for p in site.chart_pages])
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
                # While Pagefind indexes: the sitemap and feeds, and the social cards on the other cores.
                edition_files, cards = self._whole_edition_files(publication, editions, by_edition)
                files.update(edition_files)
                stored.update(cards)
                for edition_records in by_edition:
                    records.update(edition_records)  # the feed's articles now all have their bodies kept
                search_files, search_records, failed = self._search_pages(renderer, editions, searches, result)
                stored.update(search_files)
                records.update(search_records)
                errors.extend(failed)
        finally:
            for search in searches:
                if search is not None:
                    search.cancel()  # a failed build indexes nothing more, and leaves no Pagefind running
        if not errors:
            errors = self._links.check(
                {path: r.links for path, r in records.items()},
                frozenset(files.keys() | stored.keys()),
                {path: r.link_source for path, r in records.items()},
                publication.original.config.base_path,
            )
        self.records.update(records)
        if errors:
            raise BuildFailed(errors)
        cited = {source_id for record in records.values() for source_id in record.cited}
        result.warnings.extend(sourcing_warnings(publication, cited, dt.date.today()))
        for stale in self.records.keys() - records.keys():
            del self.records[stale]
            self._cache_outdated = True
        stored.update({path: record.html_digest for path, record in records.items()})
        result.pages = SiteFiles(self.store, files, stored)
        return result

    def _whole_edition_files(self, publication: Publication, editions: list[tuple[BuildContext, dict[str, str]]],
                             by_edition: list[dict[str, PageRecord]]) -> tuple[dict[str, bytes], dict[str, str]]:
        """Return the files made from whole editions: sitemap, robots.txt, redirects and feeds
        (output path -> bytes), and social cards (output path -> digest in the store).

        An article that has just joined its feed gets its body kept, in its record in `by_edition`.
        """
        # Sitemap, robots.txt and redirects show only what the editions' site digests cover
        # (addresses, dates, translations) plus the chart pages and the aliases: reuse them while those are unchanged.
        key = ([(c[SITE_DIGEST], c["charts"]) for _, c in editions], [a.aliases for e in publication.editions for a in e.articles],
               publication.original.config.base_url)
        if self._site_files is None or self._site_files[0] != key:
            self._site_files = (key, render_site_files(publication, [c for c, _ in editions]))
        files = dict(self._site_files[1])
        cards: dict[str, str] = {}
        for edition_records, (context, current) in zip(by_edition, editions, strict=True):
            bodies = self._feed_bodies(context, edition_records)
            files.update(self._feed(context, current[SITE_DIGEST], bodies))
            if self.options.social_cards:
                cards.update(self._card_files(context.site, current[SITE_DIGEST]))
        cards.update(self._chart_downloads(publication))
        return files, cards

    def _chart_downloads(self, publication: Publication) -> dict[str, str]:
        """Return every chart page's downloads (output path -> digest in the store), drawing those not drawn before."""
        downloads = []
        for site in publication.editions:
            language = chart_language(site)
            for page in site.chart_pages:
                spec = page.chart.spec
                drawing = self.charts.drawing(spec, site.datasets[spec.data], language.code)
                downloads.append((page, chart_download(site, page, language, drawing)))
        self._cache_outdated |= self.chart_files.make([download for _page, download in downloads], self.options.jobs) > 0
        files: dict[str, str] = {}
        for page, download in downloads:
            files.update(self.chart_files.files(download, page.output_path.removesuffix("index.html")))
        return files

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
            current["citations"] = _digest(sorted(citing_pages.items()))
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
            self._cache_outdated |= search is not None and search.indexed > 0
            used_shards.update(bundles)
            for _folder, search_files in bundles.values():
                files.update(search_files)
            folders = tuple(folder for folder, _files in bundles.values())
            current["search"] = " ".join(folders)
            more, failed = self._render_pages(renderer, replace(context, search_bundles=folders), current, result, ("search",))
            records.update(more)
            errors.extend(failed)
        if self.options.search_index:
            self._search = used_shards  # bundles of shards that no longer exist are not kept
        return files, records, errors

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
            owner = page.path if page is not None else f"the {kind} page"
            if output_path in owners:
                errors.append(SiteError(owner, None, f"this page and {owners[output_path]} would both be written to {output_path}"))
                continue
            owners[output_path] = owner
            if page is not None:
                updated = context.last_updated(page) if isinstance(page, Article) else ""
                current[_doc_key(page)] = f"{page.digest}:{updated}"
            record = self.records.get(output_path)
            if record is None or not is_fresh(record, current):
                stale.append((kind, output_path, page))
            else:
                records[output_path] = record
                if search is not None:
                    search.page_rendered(output_path, record.html_digest)
        self._cache_outdated |= bool(stale)
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
                records[output_path] = outcome = _sharing_strings(outcome)
                result.rendered.append(output_path)
                if search is not None:
                    search.page_rendered(output_path, outcome.html_digest)
            if self.progress:
                self.progress(done, len(stale), "pages")
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
            self._renderer = Renderer(self.project.templates, self.project.display)
            self._template_digests = digests
        self._renderer.base_path = site.config.base_path
        self._renderer.base_url = site.config.base_url
        self._renderer.assets = assets
        return self._renderer

    def page_paths(self, publication: Publication) -> list[str]:
        """Return the output path of every page of every edition (the search pages too)."""
        kinds = (*PAGE_KINDS, "search")
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
        inputs = {key: current[key] for key in (SITE_DIGEST, "assets", "registry")}
        sources = []
        body = None
        if page is not None:
            inputs[_doc_key(page)] = current[_doc_key(page)]
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
        link_source = LinkSource(str(self.project.root), tuple(sources))
        keep_body = kind == "article" and page.slug in feed_slugs
        html = page_html.html
        return PageRecord(inputs, self.store.put(html.encode("utf-8")), extract_links(html), link_source,
                          self._store_feed_body(renderer, context, page, body.html) if keep_body else "",
                          page_html.cited)

    def _store_feed_body(self, renderer: Renderer, context: BuildContext, article: Article, body_html: str) -> str:
        """Keep an article's body as its feed entry carries it: citations numbered, sources and changes after it."""
        return self.store.put(render_feed_body(renderer, context, article, body_html).encode("utf-8"))

    def _render_body(self, site: Site, page: Article | HomePage, data: DataAccess):
        """Convert a page's Markdown to HTML, with its charts' figures, each linking to the chart's page."""
        language = chart_language(site)
        base = site.config.base_path
        figures = [self.charts.figure(c.spec, data[c.spec.data], n, language, f"{base}{site.prefix}charts/{c.spec.id}/")
                   for n, c in enumerate(page.charts, start=1)]
        return render_markdown(self._markdown_for(site), page.body, figures, site.config.base_path)

    def _feed_bodies(self, context: BuildContext, records: dict[str, PageRecord]) -> dict[str, str]:
        """Return the stored body of each article the feed carries (slug -> digest).

        An article whose page was rendered while it was not among the feed's entries has
        no body kept: it is converted again here, and its record keeps it. (What decides
        the entries, the articles' dates, is in the site digest, so a change there renders
        every page anyway; this covers any other way in.)
        """
        site = context.site
        bodies = {}
        for article in context.feed:
            path = article.output_path
            if not records[path].body_digest:
                html = self._render_body(site, article, DataAccess(site.datasets)).html
                records[path] = replace(records[path], body_digest=self._store_feed_body(self._renderer, context, article, html))
                self._cache_outdated = True
            bodies[article.slug] = records[path].body_digest
        return bodies

    def _feed(self, context: BuildContext, site_digest: str, bodies: dict[str, str]) -> dict[str, bytes]:
        """Return the Atom feed of one edition, reused while its site digest and its entries' bodies are unchanged."""
        site = context.site
        key = (site_digest, bodies)  # the digest covers the config and every article's title, dates and order
        if self._feeds.get(site.prefix, (None,))[0] != key:
            self._feeds[site.prefix] = (key, render_atom_feed(site, StoredTexts(self.store, bodies), context.updated))
        return {f"{site.prefix}feed.xml": self._feeds[site.prefix][1]}

    def _card_files(self, site: Site, site_digest: str) -> dict[str, str]:
        """Return the social card of every page (output path -> digest in the store), drawing those not drawn before."""
        # What `social_cards` reads: the site's title, the home page's and every article's title and
        # URL, which the site digest covers, and the key figures. Most edits change none of it, and
        # then nothing is looked up again (a key of every title and URL took 8 ms at 10,000 articles).
        figures = site.datasets.get("key_figures")
        key = (site_digest, figures.digest if figures else None)
        if site.prefix not in self._cards_by_edition or self._cards_by_edition[site.prefix][0] != key:
            cards = social_cards(site)
            self._cache_outdated |= self.cards.draw(list(cards.values()), self.options.jobs, self.progress) > 0
            self._cards_by_edition[site.prefix] = (key, {card_path(url).lstrip("/"): self.cards.digest(card)
                                                         for url, card in cards.items()})
        return self._cards_by_edition[site.prefix][1]

    def _start_search(self, site: Site) -> SearchIndexing:
        """Start the search index of an edition's article pages: each shard is indexed once its pages are rendered.

        Shards whose pages are unchanged since they were last indexed keep their bundles.
        """
        article_paths = [path for _kind, path, _page in self._pages(site, ("article",))]
        return SearchIndexing(article_paths, self._search, self.store, site.language,
                              before_each=self.charts.wait_for_drawing, progress=self.progress)


def build_site(project: Project, output: Path, options: BuildOptions,
               progress: ProgressReport | None = None) -> BuildResult:
    """Build the whole site and put it in the output folder; raise BuildFailed on errors."""
    manifest = output_manifest_file(project.root)
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


def check_site(project: Project, options: BuildOptions, progress: ProgressReport | None = None) -> BuildResult:
    """Run every stage a build runs except writing; raise BuildFailed on errors."""
    return SiteBuilder(project, replace(options, search_index=False, social_cards=False), progress).build()
