"""Files made from whole editions: sitemap, robots.txt, redirects, feeds, social cards and chart downloads.

Input: the validated publication, each edition's build context and site-wide digest, and
the records of its rendered pages. Output: the files (output path -> bytes, or -> digest in
the file store for images). Each is a node of the dependency graph (reuse/graph.py), made
again only when what it shows changed: the sitemap, robots.txt and redirects ("site-files")
and each edition's feed ("feed") and cards ("edition-cards") by the editions' digests, each
card ("card") and chart download ("chart-files") by its own key, and each edition's chart downloads
together ("chart-downloads") by what they show, so an edit elsewhere typesets no chart again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..model import Article, Publication, Site
from ..rendering.chart_pages import chart_download
from ..rendering.charts import CHART_HEIGHT, CHART_WIDTH, ChartLanguage, chart_key
from ..rendering.render import BuildContext, card_path
from ..reuse.graph import MISSING
from ..reuse.memory import BuildMemory, PageRecord, digest
from ..reuse.store import StoredTexts
from .cards import CardText
from .feeds import render_atom_feed, render_redirects, render_robots, render_sitemap

SITE_DIGEST = "site"  # the key of an edition's site-wide digest among a build's inputs


def chart_language(site: Site) -> ChartLanguage:
    """Return the language and the words a chart of this edition uses."""
    strings = site.strings
    return ChartLanguage(site.language, strings.get("source", "Source"), strings.get("show_data_table", "Show the data table"),
                         strings.get("no_data", "no data"), strings.get("chart_page_link", ChartLanguage.page_link))


def whole_briefing_links(context: BuildContext) -> tuple[tuple[str, str, str], ...]:
    """Return the feed's links to the whole briefing in one file: (path, media type, title), HTML then PDF."""
    offer = context.whole_briefing
    if offer is None:
        return ()
    title = context.site.strings.get("whole_briefing", "The whole briefing in one file:")
    links = [(offer.html, "text/html", f"{title} HTML")]
    if offer.pdf:
        links.append((offer.pdf, "application/pdf", f"{title} PDF"))
    return tuple(links)


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


class EditionFiles:
    """Make the files of whole editions, remembering the last ones for the builds that change nothing they show.

    `feed_body(context, article)` stores an article's body as its feed entry carries it and
    returns its digest, for an article that joined the feed after its page was rendered.
    """

    def __init__(self, memory: BuildMemory, jobs: int, social_cards: bool,
                 feed_body: Callable[[BuildContext, Article], str], progress=None) -> None:
        self.memory = memory
        self.jobs = jobs
        self.social_cards = social_cards
        self.feed_body = feed_body
        self.progress = progress
        self.graph = memory.graph

    def make(self, publication: Publication, editions: list[tuple[BuildContext, dict[str, str]]],
             by_edition: list[dict[str, PageRecord]],
             ) -> tuple[dict[str, bytes], dict[str, str], Callable[[], dict[str, str]]]:
        """Return the files made from whole editions: sitemap, robots.txt, redirects and feeds
        (output path -> bytes), the chart downloads (output path -> digest in the store), and the
        function that returns the social cards (the same), waiting for them: they are drawn meanwhile.

        An article that has just joined its feed gets its body kept, in its record in `by_edition`.
        """
        # Sitemap, robots.txt and redirects show only what the editions' site digests cover
        # (addresses, dates, translations) plus the chart pages and the aliases: reuse them while those are unchanged.
        inputs = {"shown": digest([[(c[SITE_DIGEST], c["charts"]) for _, c in editions],
                                   [a.aliases for e in publication.editions for a in e.articles],
                                   publication.original.config.base_url])}
        site_files = self.graph.current("site-files", "", inputs)
        if site_files is MISSING:
            site_files = self.graph.record("site-files", "", inputs, render_site_files(publication, [c for c, _ in editions]))
        files = dict(site_files)
        cards = self._start_cards([context.site for context, _current in editions],
                                  [current[SITE_DIGEST] for _context, current in editions]) if self.social_cards else dict
        for edition_records, (context, current) in zip(by_edition, editions, strict=True):
            bodies = self._feed_bodies(context, edition_records)
            files.update(self._feed(context, current[SITE_DIGEST], bodies))
        return files, self.chart_downloads(publication), cards

    def chart_downloads(self, publication: Publication) -> dict[str, str]:
        """Return every chart page's downloads (output path -> digest in the store), drawing those not drawn before."""
        for download, digests in self.memory.charts.made_after():  # by the chart worker, after it drew their charts
            self.memory.chart_files.keep(download, digests)
        files: dict[str, str] = {}
        for site in publication.editions:
            files.update(self._edition_chart_downloads(site))
        return files

    def _edition_chart_downloads(self, site: Site) -> dict[str, str]:
        """Return one edition's chart downloads, reused while every chart, its data and its source line are unchanged.

        What a download is made from (`chart_download`) is named here without typesetting its
        drawing again (200 chart pages took 53 ms an edit at 10,000 articles).
        """
        language = chart_language(site)
        shown = []
        for page in site.chart_pages:
            spec = page.chart.spec
            dataset = site.datasets[spec.data]
            # The spec by its repr (strings and None only): `chart_key`'s asdict took 14 ms for 200 charts.
            shown.append((page.output_path, repr(spec), dataset.digest, dataset.note,
                          [site.sources[source_id].outlet for source_id in dataset.sources if source_id in site.sources]))
        inputs = {"charts": digest([shown, CHART_WIDTH, CHART_HEIGHT, language.code, language.source_label,
                                    site.config.title])}
        files = self.graph.current("chart-downloads", site.prefix, inputs)
        if files is not MISSING:
            return files
        downloads = []
        for page in site.chart_pages:
            spec = page.chart.spec
            drawing = self.memory.charts.drawing(spec, site.datasets[spec.data], language.code)
            downloads.append((page, chart_download(site, page, language, drawing)))
        self.memory.chart_files.make([download for _page, download in downloads], self.jobs)
        files = {}
        for page, download in downloads:
            files.update(self.memory.chart_files.files(download, page.output_path.removesuffix("index.html")))
        # Its charts' drawings and files are kept while it is.
        needs = [*(("chart", chart_key(page.chart.spec, site.datasets[page.chart.spec.data], language.code))
                   for page in site.chart_pages), *(("chart-files", download.key) for _page, download in downloads)]
        return self.graph.record("chart-downloads", site.prefix, inputs, files, stored=files.values(), needs=needs)

    def _feed_bodies(self, context: BuildContext, records: dict[str, PageRecord]) -> dict[str, str]:
        """Return the stored body of each article the feed carries (slug -> digest).

        An article whose page was rendered while it was not among the feed's entries has
        no body kept: it is converted again here, and its record keeps it. (What decides
        the entries, the articles' dates, is in the site digest, so a change there renders
        every page anyway; this covers any other way in.)
        """
        bodies = {}
        for article in context.feed:
            path = article.output_path
            if not records[path].body_digest:
                records[path] = replace(records[path], body_digest=self.feed_body(context, article))
            bodies[article.slug] = records[path].body_digest
        return bodies

    def _feed(self, context: BuildContext, site_digest: str, bodies: dict[str, str]) -> dict[str, bytes]:
        """Return the Atom feed of one edition, reused while its site digest and its entries' bodies are unchanged."""
        site = context.site
        related = whole_briefing_links(context)
        # The site digest covers the config and every article's title, dates and order.
        inputs = {SITE_DIGEST: site_digest, "bodies": digest(bodies), "related": digest(related)}
        feed = self.graph.current("feed", site.prefix, inputs)
        if feed is MISSING:
            feed = self.graph.record("feed", site.prefix, inputs,
                                     render_atom_feed(site, StoredTexts(self.memory.store, bodies), context.updated, related),
                                     stored=bodies.values())
        return {f"{site.prefix}feed.xml": feed}

    def _start_cards(self, sites: list[Site], site_digests: list[str]) -> Callable[[], dict[str, str]]:
        """Start drawing the social cards of every page not drawn before, on the other cores; return the
        function that waits for them and returns every page's card (output path -> digest in the store)."""
        # What `social_cards` reads: the site's title, the home page's and every article's title and
        # URL, which the site digest covers, and the key figures. Most edits change none of it, and
        # then nothing is looked up again (a key of every title and URL took 8 ms at 10,000 articles).
        files_of: dict[str, dict[str, str]] = {}  # edition prefix -> its cards' files, when current
        changed: dict[str, tuple[dict[str, str], dict[str, CardText]]] = {}  # edition prefix -> (inputs, cards)
        for site, site_digest in zip(sites, site_digests, strict=True):
            figures = site.datasets.get("key_figures")
            inputs = {SITE_DIGEST: site_digest, "key_figures": figures.digest if figures else ""}
            files = self.graph.current("edition-cards", site.prefix, inputs)
            if files is MISSING:
                changed[site.prefix] = (inputs, social_cards(site))
            else:
                files_of[site.prefix] = files
        drawn = self.memory.cards.start_drawing([card for _inputs, cards in changed.values() for card in cards.values()],
                                                self.jobs, self.progress)

        def card_files() -> dict[str, str]:
            drawn()
            for prefix, (inputs, cards) in changed.items():
                files = {card_path(url).lstrip("/"): self.memory.cards.digest(card) for url, card in cards.items()}
                files_of[prefix] = self.graph.record("edition-cards", prefix, inputs, files, stored=files.values(),
                                                     needs=[("card", card.key) for card in cards.values()])
            changed.clear()  # recorded once
            return {path: digest for files in files_of.values() for path, digest in files.items()}

        return card_files

