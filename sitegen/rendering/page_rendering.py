"""Rendering pages: each page of an edition, only when what it was made from changed, on every core.

Input: the Jinja renderer, an edition's build context and its current inputs (key -> digest),
and which kinds of page to render. Output: a PageRecord per page (its HTML in the file store,
the content hashes it read, its links, the sources it cites), or the editors' mistakes. Each
page is a "page" node of the dependency graph (reuse/graph.py), which says whether it is
current; a page rendered again is recorded there with the inputs it read and the charts it drew.
The listing pages that need the other pages first (sources, search, the mirror's own pages) are
here too; pipeline.py says when each kind is rendered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import replace

from markdown import Markdown

from ..checking.links import LinkSource, extract_links
from ..errors import SiteError
from ..messages import N_, _
from ..model import Article, ChartPage, HomePage, Publication, Site
from ..publishing.edition_files import SITE_DIGEST, chart_language
from ..publishing.mirror import MIRROR_PAGE, ONE_FILE, Addresses, MirrorFacts, megabytes
from ..publishing.search import SearchIndexing
from ..reading.assets import Assets
from ..reading.project import Project
from ..reuse.graph import MISSING
from ..reuse.memory import BuildMemory, PageRecord, digest, doc_key, sharing_strings
from .chart_pages import chart_download, render_chart_page
from .charts import chart_key
from .markup import create_markdown, render_markdown
from .parallel import parallel_map
from .print_links import mark_print_links
from .render import (
    PAGE_TEMPLATES,
    BuildContext,
    render_article,
    render_feed_body,
    render_home,
    render_listing,
)
from .templating import DataAccess, Renderer
from .typography import typeset_html

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


def _render_in_worker(state: tuple, item: tuple) -> tuple[str, PageRecord | SiteError]:
    """Render one page; runs in a worker process (or inline) with the page renderer's state."""
    pages, renderer, context, current, feed_slugs = state
    kind, output_path, page, chart_svgs = item
    pages.charts.remember(chart_svgs)  # drawn after this worker was forked
    try:
        return output_path, pages.render_page(renderer, context, kind, page, current, feed_slugs)
    except SiteError as error:
        return output_path, error


class PageRenderer:
    """Renders the pages of an edition, reusing each page whose recorded inputs are unchanged."""

    def __init__(self, project: Project, memory: BuildMemory, jobs: int,
                 progress: Callable[[int, int, str], None] | None = None):
        self.project = project
        self.memory = memory
        self.store, self.charts = memory.store, memory.charts
        self.jobs = jobs  # processes for rendering pages
        self.progress = progress
        self._markdown: dict[str, Markdown] = {}  # one converter per language: its permalink title differs
        self._renderer: Renderer | None = None
        self._template_digests: dict[str, str] = {}
        self._template_reads: dict[str, tuple] = {}  # see _templates_read, for the current renderer

    @property
    def template_digests(self) -> dict[str, str]:
        """Return the digest of each template the current renderer compiled (template name -> digest)."""
        return self._template_digests

    def render_pages(self, renderer: Renderer, context: BuildContext, current: dict[str, str], rendered: list[str],
                     kinds: tuple[str, ...], search: SearchIndexing | None = None,
                     ) -> tuple[dict[str, PageRecord], list[SiteError]]:
        """Reuse each page whose recorded inputs are unchanged; render the others, on every core.

        `rendered` gets the output path of each page rendered again; `search` hears of every page, reused or
        rendered, as soon as it is ready.
        """
        errors: list[SiteError] = []
        records: dict[str, PageRecord] = {}
        owners: dict[str, str] = {}
        stale = []
        asked = []
        updated_dates = context.updated  # context.last_updated(page), without a call for each of 10,000 articles
        for kind, output_path, page in self._pages(context.site, kinds):
            owner = page.path if page is not None else _("the {kind} page", kind=kind)
            if output_path in owners:
                errors.append(SiteError(owner, None, _("this page and {other} would both be written to {output}",
                                                       other=owners[output_path], output=output_path)))
                continue
            owners[output_path] = owner
            if page is not None:
                # The update by its day number: formatting 10,000 dates an edit is slow (issue 29).
                updated = updated_dates.get(page.slug, page.date).toordinal() if isinstance(page, Article) else ""
                current[doc_key(page)] = f"{page.digest}:{updated}"
            asked.append((kind, output_path, page))
        # One ask for the edition's pages of these kinds: only those that read an input changed since the last
        # build are tested (reuse/graph.py, `current_all`).
        found = self.memory.graph.current_all("page", f"{context.site.prefix}:{','.join(kinds)}", current, owners)
        for kind, output_path, page in asked:
            record = found.get(output_path, MISSING)
            if record is MISSING:
                stale.append((kind, output_path, page))
            else:
                records[output_path] = record
                if search is not None:
                    search.page_rendered(output_path, record.html_digest)
        # In the search index's shard order, each shard's pages with charts last: a shard is
        # indexed while later pages render, and the charts take a few seconds to draw.
        stale.sort(key=lambda item: (search.shard_number(item[1]) if search else 0, bool(item[2] and item[2].charts),
                                     item[1]))
        items = self._with_chart_svgs(stale, context.site)
        # Only the articles the feed carries keep their body apart: a stored file each. Worked out only when a page
        # renders: the feed orders every article, and a listing page's context (a copy) would order them again.
        feed_slugs = frozenset(a.slug for a in context.feed) if stale else frozenset()
        state = (self, renderer, context, current, feed_slugs)
        rendering = parallel_map(_render_in_worker, state, items, self.jobs, count=len(stale))
        pages = {output_path: page for _kind, output_path, page in stale}
        language = chart_language(context.site).code
        for done, (output_path, outcome) in enumerate(rendering, 1):
            if isinstance(outcome, SiteError):
                errors.append(outcome)
            else:
                records[output_path] = outcome = sharing_strings(outcome)
                page = pages[output_path]
                drawn = [("chart", chart_key(c.spec, context.site.datasets[c.spec.data], language))
                         for c in (page.charts if page is not None else ())]
                self.memory.graph.record("page", output_path, outcome.inputs, outcome,
                                         stored=(outcome.html_digest, outcome.body_digest), needs=drawn)
                rendered.append(output_path)
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
        drawing = self.charts.start_drawing([chart for charts in charts_of.values() for chart in charts], self.jobs,
                                            functools.partial(self._chart_files_work, site))

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

    def _chart_files_work(self, site: Site, svgs: dict[str, str]) -> tuple:
        """Return the work that makes the downloads of the chart pages whose SVGs are `svgs` (by chart key),
        for the chart worker that drew them (see `ChartRenderer.start_drawing`)."""
        language = chart_language(site)
        downloads = []
        for page in site.chart_pages:
            key = chart_key(page.chart.spec, site.datasets[page.chart.spec.data], language.code)
            if key in svgs:
                downloads.append(chart_download(site, page, language, svgs[key]))
        return self.memory.chart_files.work(downloads)

    def _markdown_for(self, site: Site) -> Markdown:
        if site.language not in self._markdown:
            self._markdown[site.language] = create_markdown(site.strings.get("permalink_title", "Link to this section"))
        return self._markdown[site.language]

    def current_renderer(self, site: Site, assets: Assets) -> Renderer:
        """Return the Jinja renderer for an edition, compiled again only when a template changed."""
        digests = Renderer(self.project.templates).template_digests()
        if self._renderer is None or digests != self._template_digests:
            self._renderer = Renderer(self.project.templates, self.project.display, self.project.root, self.memory.graph)
            self._template_reads = {}
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
        template_keys, template_files, site_file = self._templates_read(renderer, template)
        for key in template_keys:
            inputs[key] = current.get(key, "")
        sources.extend(template_files)
        sources.append(site_file)
        link_source = LinkSource(tuple(sources))
        keep_body = kind == "article" and page.slug in feed_slugs
        html = typeset_html(page_html.html, site.language)  # no-break spaces in its text, the search index's too
        html = mark_print_links(html, site.config.base_url)  # the absolute address printed after a link on paper
        return PageRecord(inputs, self.store.put(html.encode("utf-8")), extract_links(html), link_source,
                          self._store_feed_body(renderer, context, page, body.html) if keep_body else "",
                          page_html.cited)

    def _templates_read(self, renderer: Renderer, template: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        """Return what a page of this template reads beyond its content: the keys of the templates it uses
        among the inputs, in name order, those templates as editors name them, and site.yaml so named."""
        if renderer is not self._renderer or template not in self._template_reads:  # the same for every page: kept
            names = sorted(renderer.template_closure(template))
            read = (tuple(f"template:{name}" for name in names),
                    tuple(self.project.display(self.project.templates / name) for name in names),
                    self.project.display(self.project.content / "site.yaml"))
            if renderer is not self._renderer:
                return read
            self._template_reads[template] = read
        return self._template_reads[template]

    def _store_feed_body(self, renderer: Renderer, context: BuildContext, article: Article, body_html: str) -> str:
        """Keep an article's body as its feed entry carries it: citations numbered, sources and changes after it."""
        body = typeset_html(render_feed_body(renderer, context, article, body_html), context.site.language)
        return self.store.put(body.encode("utf-8"))

    def feed_body(self, context: BuildContext, article: Article) -> str:
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

    def start_search(self, site: Site) -> SearchIndexing:
        """Start the search index of an edition's article pages: each shard is indexed once its pages are rendered.

        Shards whose pages are unchanged since they were last indexed keep their bundles.
        """
        article_paths = [path for _kind, path, _page in self._pages(site, ("article",))]
        return SearchIndexing(article_paths, self.memory.graph, self.store, site.language,
                              before_each=self.charts.wait_for_drawing, progress=self.progress)

    def sources_pages(self, renderer: Renderer, editions: list[tuple[BuildContext, dict[str, str]]],
                      by_edition: list[dict[str, PageRecord]], rendered: list[str],
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
            more, failed = self.render_pages(renderer, replace(context, citing_pages=citing_pages), current, rendered,
                                             ("sources",))
            records.update(more)
            errors.extend(failed)
        return records, errors

    def search_pages(self, renderer: Renderer, editions: list[tuple[BuildContext, dict[str, str]]],
                     searches: list[SearchIndexing | None], rendered: list[str],
                     ) -> tuple[dict[str, str], dict[str, PageRecord], list[SiteError]]:
        """Wait for each edition's search bundles; render its search page, which loads them.

        Return the bundles' files (output path -> digest in the store), the search pages' records, and errors.
        """
        files: dict[str, str] = {}
        records: dict[str, PageRecord] = {}
        errors: list[SiteError] = []
        for search, (context, current) in zip(searches, editions, strict=True):
            bundles = search.bundles() if search is not None else {}
            for _folder, search_files in bundles.values():
                files.update(search_files)
            folders = tuple(folder for folder, _files in bundles.values())
            current["search"] = " ".join(folders)
            more, failed = self.render_pages(renderer, replace(context, search_bundles=folders), current, rendered, ("search",))
            records.update(more)
            errors.extend(failed)
        return files, records, errors

    def mirror_pages(self, renderer: Renderer, editions: list[tuple[BuildContext, dict[str, str]]], zip_size: int | None,
                     rendered: list[str]) -> tuple[dict[str, PageRecord], list[SiteError]]:
        """Render each edition's mirror page, which offers the zip (of `zip_size` bytes, None when none is made)."""
        records: dict[str, PageRecord] = {}
        errors: list[SiteError] = []
        for context, current in editions:
            facts = MirrorFacts(zip_size=megabytes(zip_size, context.site.language) if zip_size is not None else "")
            current["mirror"] = facts.zip_size
            more, failed = self.render_pages(renderer, replace(context, mirror=facts), current, rendered, ("mirror",))
            records.update(more)
            errors.extend(failed)
        return records, errors

    def mirror_own_pages(self, renderer: Renderer, editions: list[tuple[BuildContext, dict[str, str]]],
                         paths: set[str], addresses: Addresses) -> dict[str, str]:
        """Return the pages the copy has instead of the site's (output path -> digest in the store): each edition's
        search page, which cannot search there, and its mirror page, which says it is reading a copy."""
        pages = {}
        for context, current in editions:
            current = {**current, "search": ""}  # the copy has no search index (and is made before it is ready)
            one_file = context.site.prefix + ONE_FILE
            facts = MirrorFacts(copy=True, one_file=f"/{one_file}" if one_file in paths else "", original=addresses.original)
            copy_context = replace(context, mirror=facts, search_bundles=())
            made_from = [facts.one_file, facts.original, sorted(i for i in current.items() if not i[0].startswith("doc:"))]
            for kind in ("search", "mirror"):
                path = context.site.prefix + LISTING_PAGES[kind][0]
                render = functools.partial(self._render_own_page, renderer, copy_context, kind, current)
                page = self.memory.mirror.own_page(path, made_from, render)
                pages[path] = self.memory.whole_briefing.filled(context.site.prefix, page)  # the sizes in its footer
        return pages

    def _render_own_page(self, renderer: Renderer, context: BuildContext, kind: str, current: dict[str, str]) -> str:
        return self.render_page(renderer, context, kind, None, current, frozenset()).html_digest
