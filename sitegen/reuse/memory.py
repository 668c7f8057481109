"""What is reused from the last build: page records and their freshness, the cache and the file store.

Input: the project's root and whether the cache is in use. Output: a `BuildMemory` holding,
for each page, the inputs it read (its source file, the datasets it used, the templates in
its chain, the site-wide digest) with their content hashes; the drawn charts, social cards,
chart downloads and search bundles, each keyed by what it was made from; and the file store
(.cache/store/) with their bytes. A later build re-renders only the pages whose recorded
inputs changed (`is_fresh`). The dev server keeps one memory alive between builds; a
one-off build or `check` reads it from .cache/ and saves it back (see reuse/cache.py).

Page records and search bundles are kept per variant of the publication (`variant`): a
build with drafts (check, serve, a deploy preview) or at another base URL renders every
page differently, and must not replace the records of the build without them.
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
from ..reading.yaml_lines import PARSED_YAML
from ..rendering.charts import ChartRenderer
from .cache import CacheContents, load_cache, save_cache, store_folder
from .store import FileStore

if TYPE_CHECKING:
    from ..publishing.search import Bundle
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


ListingEntries = dict[int, tuple[Article, dt.date, str]]  # id(article) -> (article, its update, its entry)


def site_digest(context: BuildContext, known: ListingEntries) -> str:
    """Hash what every page of an edition may show of the whole site: config, strings, the article list.

    `known` holds each article's listing entry from the last build; an unchanged article is
    the same object from build to build (see ArticleMemo), so its entry is found by identity,
    without hashing the article. Entries of this edition's articles are left in it. Whether
    drafts are included shows in the listing and the editions' articles: a site without drafts
    builds the same pages either way, so `check` (with drafts) and `build` share their records.
    """
    site = context.site
    listing = []
    for article in site.articles:
        updated = context.last_updated(article)
        entry = known.get(id(article))
        if entry is None or entry[0] is not article or entry[1] != updated:
            entry = known[id(article)] = (article, updated, listing_entry(article, updated))
        listing.append(entry[2])
    home = [site.home.title, site.home.summary] if site.home else None
    # Which pages exist in which edition: every page links to its translations.
    editions = [[e.language, e.prefix, e.config.title, [a.slug for a in e.articles]] for e in context.publication.editions]
    return digest([__version__, site.config, dict(site.strings), listing, home, editions])


def listing_entry(article: Article, updated: dt.date) -> str:
    a = article
    return json.dumps([a.slug, a.title, a.summary, a.date, updated, a.order, a.draft, a.tags, a.layout], default=str)


def doc_key(page: Article | HomePage | ChartPage) -> str:
    """Return the key of a page's own inputs among a build's inputs: its source file, or a chart's place in it."""
    return f"doc:{page.doc_key}" if isinstance(page, ChartPage) else f"doc:{page.path}"


def is_fresh(record: PageRecord, current: dict[str, str]) -> bool:
    """Tell whether every input a page was rendered from still has the hash it had then."""
    # The C-level subset test settles the common case; an input recorded as "" (a
    # dataset or template that did not exist) also matches one that still does not.
    return record.inputs.items() <= current.items() or all(current.get(k, "") == v for k, v in record.inputs.items())


# Variants whose records are kept: the build, its drafts variant (check, serve), and two deploy previews' or base URLs'.
MAX_VARIANTS = 4


def variant(publication: Publication) -> str:
    """Name the set of page records a build of this publication reuses: one per base URL, with drafts or without.

    Only a speed matter: every record holds its inputs, so one made for another variant is
    never taken (`is_fresh`), only rendered again. But every page shows the base URL and
    the list of articles, so two variants in one set would replace each other's records
    at every turn: `check` with drafts, then the published check, then `build`.
    """
    original = publication.original
    return digest([original.config.base_url, any(a.draft for site in publication.editions for a in site.articles)])


class BuildMemory:
    """What a builder keeps from one build for the next: page records, drawn charts, cards, chart
    downloads and search bundles, with the file store that holds their bytes."""

    def __init__(self, root: Path, use_cache: bool) -> None:
        self.root = root
        self.use_cache = use_cache
        # Pages, cards and search files go to disk as they are made (see reuse/store.py).
        self.store = FileStore(store_folder(root) if use_cache else None)
        self.charts = ChartRenderer()
        self.cards = CardRenderer(self.store)
        self.chart_files = ChartFiles(self.store)
        self.mirror = MirrorCopy(self.store)
        self.whole_briefing = WholeBriefing(self.store)
        # The current variant's (see `use_variant`):
        self.records: dict[str, PageRecord] = {}  # output path -> how its page was made
        self.search: dict[str, Bundle] = {}  # search shard key -> its Pagefind bundle
        # Every variant's (records, search), the least recently used first; the current one's are the two above.
        self.variants: dict[str, tuple[dict[str, PageRecord], dict[str, Bundle]]] = {}
        self._variant: str | None = None
        self.outdated = False  # whether anything was made since the cache was read
        if use_cache:
            cached = load_cache(root, self.store)
            self.variants = cached.variants
            self.charts.svg_by_key, self.cards.digest_by_key = cached.chart_svgs, cached.card_digests
            self.chart_files.digests_by_key = cached.chart_files
            self.mirror.made = cached.mirror
            self.whole_briefing.made = cached.whole_briefing
            PARSED_YAML.remember(cached.parsed_yaml)

    def use_variant(self, name: str) -> None:
        """Take the page records and search bundles of a variant of the publication (see `variant`)."""
        if name == self._variant:
            return
        if self._variant is not None:
            self.variants[self._variant] = (self.records, self.search)
        self.records, self.search = self.variants.pop(name, ({}, {}))
        self.variants[name] = (self.records, self.search)  # now the most recently used
        self._variant = name
        while len(self.variants) > MAX_VARIANTS:
            del self.variants[next(iter(self.variants))]
            self.outdated = True

    def save(self) -> None:
        """Keep what was made and parsed for the next build (when the cache is in use and anything changed),
        and let the store drop the files nothing names any more."""
        if self.use_cache and (self.outdated or PARSED_YAML.parsed_since_saved):
            if self._variant is not None:
                self.variants[self._variant] = (self.records, self.search)
            contents = CacheContents(self.variants, self.charts.svg_by_key, self.cards.digest_by_key,
                                     PARSED_YAML.worth_keeping(), self.chart_files.digests_by_key,
                                     mirror=self.mirror.made,
                                     whole_briefing=self.whole_briefing.made)
            save_cache(self.root, contents)
            self.store.keep_only(contents.stored_digests())
            self.outdated = False
            PARSED_YAML.parsed_since_saved = 0

    def keep_only_records(self, current: dict[str, PageRecord]) -> None:
        """Take this build's records; forget the pages that no longer exist."""
        self.records.update(current)
        for gone in self.records.keys() - current.keys():
            del self.records[gone]
            self.outdated = True
