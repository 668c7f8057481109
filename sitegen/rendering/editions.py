"""The render stage: every page of every edition, the unchanged ones reused, then each edition's sources page.

Input: the validated publication, each edition's update dates, what every page shares (the
assets, the registry, the templates) and which whole-briefing files the footers offer.
Output: `RenderedEditions`: per edition its context and the inputs its pages were made
from, its page records, the search index started for it, and the errors of pages that
failed. How one page is rendered or reused is page_rendering.py; this module says what an
edition's pages depend on beyond their own file (the site digest, datasets, corrections,
charts, the home page's newest source, the footer's offer).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SiteError
from ..model import Publication
from ..publishing.edition_files import SITE_DIGEST
from ..publishing.search import SearchIndexing
from ..publishing.whole_briefing import offer
from ..reading.history import History
from ..reuse.graph import DependencyGraph
from ..reuse.memory import PageRecord, digest, site_digest
from .page_rendering import PAGE_KINDS, PageRenderer
from .render import BuildContext
from .templating import Renderer

Edition = tuple[BuildContext, dict[str, str]]  # an edition's context, and the inputs all its pages were made from


@dataclass
class RenderedEditions:
    """Every page of every edition, rendered or reused."""

    editions: list[Edition]
    by_edition: list[dict[str, PageRecord]]  # each edition's pages by output path (its sources page not among them)
    records: dict[str, PageRecord]  # every page by output path; the later stages add theirs
    searches: list[SearchIndexing | None]  # each edition's search index, fed its pages as they were rendered
    errors: list[SiteError]

    def cancel_searches(self) -> None:
        """Stop indexing: a failed build indexes nothing more, and leaves no Pagefind running."""
        for search in self.searches:
            if search is not None:
                search.cancel()


def edition_inputs(context: BuildContext, shared: dict[str, str], graph: DependencyGraph) -> dict[str, str]:
    """Return what every page of an edition is made from, beyond its own file and templates."""
    site = context.site
    current = {**shared, SITE_DIGEST: site_digest(context, graph)}
    current.update({f"data:{name}": dataset.digest for name, dataset in site.datasets.items()})
    current["changes"] = digest([(change, article.url, article.title) for change, article in context.changes])
    current["charts"] = digest([(page.id, page.digest) for page in site.chart_pages])
    current["newest_source"] = context.newest_source.id if context.newest_source else ""  # the home page's
    current["whole_briefing"] = repr(context.whole_briefing)  # what every page's footer offers
    return current


def render_editions(pages: PageRenderer, renderer: Renderer, publication: Publication, history: History,
                    shared: dict[str, str], pdf: str, graph: DependencyGraph, rendered: list[str],
                    search_index: bool) -> RenderedEditions:
    """Render (or reuse) every page of every edition, then, if none failed, each edition's sources page.

    `graph` holds each article's listing entry (reuse/memory.py, `site_digest`);
    `rendered` gets the output path of each page rendered again.
    """
    done = RenderedEditions([], [], {}, [], [])
    try:
        for site in publication.editions:
            context = BuildContext(site, history.updated_dates(site), publication, whole_briefing=offer(site.prefix, pdf))
            current = edition_inputs(context, shared, graph)
            done.searches.append(pages.start_search(site) if search_index else None)
            records, failed = pages.render_pages(renderer, context, current, rendered, PAGE_KINDS, done.searches[-1])
            done.records.update(records)
            done.errors.extend(failed)
            done.editions.append((context, current))
            done.by_edition.append(records)
        if not done.errors:
            records, failed = pages.sources_pages(renderer, done.editions, done.by_edition, rendered)
            done.records.update(records)
            done.errors.extend(failed)
    except BaseException:
        done.cancel_searches()
        raise
    return done
