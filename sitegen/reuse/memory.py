"""What a builder keeps from one build for the next: the dependency graph, the file store, and the
page records' inputs.

Input: the project's root and whether the cache is in use. Output: a `BuildMemory` holding
the dependency graph (reuse/graph.py), which alone decides what is current, read from .cache/
and saved back (reuse/cache.py); the file store (.cache/store/) with the bytes its nodes name;
and the renderers that draw charts, cards, chart downloads, the mirror and the whole briefing
through that graph. Here too: a page's record (`PageRecord`, what a "page" node holds), the
site-wide digest every page of an edition is made from, and the variant of the publication a
build is (drafts or not, the base URL), whose page records and other outputs are its own.
The dev server keeps one memory alive between builds; a one-off build or `check` reads it
from .cache/ and saves it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..checking.links import LinkSource, PageLinks
from ..model import Article, ChartPage, HomePage, Publication
from ..publishing.cards import CardRenderer
from ..publishing.chart_files import ChartFiles
from ..publishing.mirror import MirrorCopy
from ..publishing.whole_briefing import WholeBriefing
from ..rendering.chart_drawing import ChartRenderer
from .cache import load_cache, save_cache, store_folder
from .graph import MISSING, DependencyGraph
from .store import FileStore
from .whole_build import stored_by_roots

if TYPE_CHECKING:
    from ..rendering.render import BuildContext


@dataclass(frozen=True)
class PageRecord:
    """A rendered page and the content hashes of every input it was rendered from."""

    inputs: dict[str, str]
    html_digest: str  # the page, in the builder's file store
    links: PageLinks
    link_source: LinkSource
    body_digest: str = ""  # the body alone of an article in the feed when rendered, in the file store
    cited: tuple[str, ...] = ()  # the ids of the sources the page cites


def sharing_strings(record: PageRecord) -> PageRecord:
    """Return a record that shares its strings with the other records (`sys.intern`).

    A record from a worker arrives with its own copies of the links and the input digests
    that most pages share: 5.6 MB of the build's memory per 1,000 pages, 4.0 MB shared.
    """
    links = PageLinks(frozenset(map(sys.intern, record.links.ids)), tuple(map(sys.intern, record.links.hrefs)),
                      tuple(map(sys.intern, record.links.drawn)))
    return replace(record, inputs={sys.intern(k): sys.intern(v) for k, v in record.inputs.items()}, links=links,
                   cited=tuple(map(sys.intern, record.cited)))


def digest(payload) -> str:
    """Return a hash of any JSON-able payload (other values by their str())."""
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


def site_digest(context: BuildContext, graph: DependencyGraph) -> str:
    """Hash what every page of an edition may show of the whole site: config, strings, the article list.

    Each article's entry in the list is a "listing" node of the graph, by the article's text and
    its update: an unchanged article's is not written out again. Whether drafts are included shows
    in the listing and the editions' articles: a site without drafts builds the same pages either
    way, so `check` (with drafts) and `build` share their records.
    """
    site = context.site
    # One ask for the edition's entries (reuse/graph.py, `current_all`): an entry's input is named by its article.
    # The update by its day number: formatting 10,000 dates took longer than the rest of the ask.
    updated = context.updated  # context.last_updated(article), without a call for each of 10,000 articles
    now = {a.path: f"{a.digest}:{updated.get(a.slug, a.date).toordinal()}" for a in site.articles}
    known = graph.current_all("listing", site.prefix, now, now)
    listing = [known.get(article.path, MISSING) for article in site.articles]
    if len(known) < len(listing):
        for index, article in enumerate(site.articles):
            if listing[index] is MISSING:
                listing[index] = graph.record("listing", article.path, {article.path: now[article.path]},
                                              listing_entry(article, context.last_updated(article)))
    home = [site.home.title, site.home.summary] if site.home else None
    # Which pages exist in which edition: every page links to its translations.
    editions = [[e.language, e.prefix, e.config.title, [a.slug for a in e.articles]] for e in context.publication.editions]
    # The entries are JSON text, which holds no NUL: joined by one, they are hashed without escaping 1.8 MB of
    # JSON again at 10,000 articles (issue 29).
    entries = hashlib.sha256("\0".join(listing).encode()).hexdigest()
    return digest([__version__, site.config, dict(site.strings), entries, home, editions])


def listing_entry(article: Article, updated: dt.date) -> str:
    a = article
    return json.dumps([a.slug, a.title, a.summary, a.date, updated, a.order, a.draft, a.tags, a.layout], default=str)


def doc_key(page: Article | HomePage | ChartPage) -> str:
    """Return the key of a page's own inputs among a build's inputs: its source file, or a chart's place in it."""
    return f"doc:{page.doc_key}" if isinstance(page, ChartPage) else f"doc:{page.path}"


def variant(publication: Publication) -> str:
    """Name the set of page records a build of this publication reuses: one per base URL, with drafts or without
    (see `DependencyGraph.use_variant`)."""
    original = publication.original
    return digest([original.config.base_url, any(a.draft for site in publication.editions for a in site.articles)])


class BuildMemory:
    """What a builder keeps from one build for the next: the dependency graph and the file store, with the
    renderers that make charts, cards, chart downloads, the mirror and the whole briefing through them."""

    def __init__(self, root: Path, use_cache: bool) -> None:
        self.root = root
        self.use_cache = use_cache
        # Pages, cards and search files go to disk as they are made (see reuse/store.py).
        self.store = FileStore(store_folder(root) if use_cache else None)
        self.graph = load_cache(root, self.store) if use_cache else DependencyGraph()
        self.charts = ChartRenderer(self.graph)
        self.cards = CardRenderer(self.store, self.graph)
        self.chart_files = ChartFiles(self.store, self.graph)
        self.mirror = MirrorCopy(self.store, self.graph)
        self.whole_briefing = WholeBriefing(self.store, self.graph)

    def use_variant(self, name: str) -> None:
        """Take the page records and search bundles of a variant of the publication (see `variant`)."""
        self.graph.use_variant(name)

    def keep_pages(self, records: dict[str, PageRecord]) -> None:
        """Record the pages of this build as they are now (a feed's article may have gained its body since it rendered)."""
        for path in self.graph.not_recorded("page", records):  # those taken from the graph are there as they are
            record = records[path]
            self.graph.record("page", path, record.inputs, record, stored=(record.html_digest, record.body_digest))

    def finish_build(self) -> None:
        """Keep what this build used and forget the rest (reuse/graph.py says what stays)."""
        self.graph.finish()

    def save(self) -> None:
        """Keep the graph for the next build (when the cache is in use and anything changed), and let the
        store drop the files no node names any more."""
        if self.use_cache and self.graph.changed:
            save_cache(self.root, self.graph)
            self.store.keep_only(self.graph.stored_digests() | stored_by_roots(self.root))  # whole_build.py's too
            self.graph.changed = False
