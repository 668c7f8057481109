"""Rendering: validated pages become HTML through Jinja templates.

Input: a `Site` and a `Renderer` (rendering/templating.py: the Jinja environment and its filters).
Output: HTML strings, one per page, from one small function per page kind. Each kind's
template gets an explicit context built in one place (`base_context` plus the kind's own
names), so the names a template may use are listed here. Jinja runs with autoescape and
a strict undefined: a typo in a template fails the build naming the template and line.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import escape

from ..checking.citations import ENDNOTES_SLOT, FACTS_AS_OF_SLOT, number_citations
from ..checking.sources import SOURCE_KINDS, Registry, SourceEntry
from ..errors import SiteError
from ..messages import _
from ..model import Article, ChangeNote, HomePage, Publication, Site
from ..publishing.feeds import absolute_url, feed_articles, is_absolute
from ..publishing.mirror import MirrorFacts
from ..publishing.whole_briefing import Offer
from .templating import DataAccess, Renderer

PAGE_TEMPLATES = {"home": "home.html", "article": "article.html", "timeline": "timeline.html",
                  "not_found": "404.html", "search": "search.html", "changes": "changes.html", "sources": "sources.html",
                  "chart": "chart.html", "charts": "charts.html", "mirror": "mirror.html"}
ARTICLE_CHANGES = "partials/article_changes.html"  # an article's corrections and updates, on its page and in feeds
# Parts of a page made once its citations are numbered: the slot a template marks, and the partial that fills it.
CITATION_SLOTS = {ENDNOTES_SLOT: "partials/endnotes.html", FACTS_AS_OF_SLOT: "partials/facts_as_of.html"}


@dataclass(frozen=True)
class BuildContext:
    """Site-wide facts every page may show, worked out once per build."""

    site: Site  # the edition being rendered
    updated: Mapping[str, dt.date]  # article slug -> last updated
    publication: Publication  # every edition, for links between translations
    search_bundles: tuple[str, ...] = ()  # Pagefind bundle folders: the first is loaded, the others merged into it
    citing_pages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # source id -> URLs of the pages citing it
    mirror: MirrorFacts = MirrorFacts()  # what the mirror page and the mirrorable copy's own pages say of the copy
    whole_briefing: Offer | None = None  # the one-file HTML and PDF every page's footer offers (publishing/whole_briefing.py)

    def last_updated(self, article: Article) -> dt.date:
        """Return when an article last changed: front matter, else git, else its date."""
        return self.updated.get(article.slug, article.date)

    def page_urls(self, edition: Site | None = None) -> dict[str, str]:
        """Return every page of an edition (this one by default) by page id: home, article:<slug>, ..."""
        return self._urls_by_prefix[(edition or self.site).prefix]

    @functools.cached_property
    def _urls_by_prefix(self) -> dict[str, dict[str, str]]:
        # Worked out once per build: every page asks for its alternates.
        by_prefix = {}
        for edition in self.publication.editions:
            urls = {"home": f"/{edition.prefix}"}
            urls.update({f"article:{a.slug}": a.url for a in edition.articles})
            urls.update({"search": f"/{edition.prefix}search/", "changes": f"/{edition.prefix}changes/",
                         "sources": f"/{edition.prefix}sources/", "charts": f"/{edition.prefix}charts/",
                         "mirror": f"/{edition.prefix}mirror/"})
            urls.update({f"chart:{page.id}": page.url for page in edition.chart_pages})
            if not edition.prefix:
                urls["not_found"] = "/404.html"
            by_prefix[edition.prefix] = urls
        return by_prefix

    @functools.cached_property
    def feed(self) -> list[Article]:
        """Return the articles the edition's feed carries, newest first (worked out once per build)."""
        return feed_articles(self.site, self.updated)

    @functools.cached_property
    def changes(self) -> list[tuple[ChangeNote, Article]]:
        """Return every correction and update of the edition's articles, newest first."""
        notes = [(change, article) for article in self.site.articles for change in article.changes]
        return sorted(notes, key=lambda pair: (pair[0].date, pair[1].slug), reverse=True)

    @functools.cached_property
    def page_titles(self) -> dict[str, str]:
        """Return the title of the home page and of every article, by URL."""
        site = self.site
        titles = {f"/{site.prefix}": site.home.title if site.home else site.config.title}
        titles.update((a.url, a.title) for a in site.articles)
        return titles

    @functools.cached_property
    def newest_source(self) -> SourceEntry | None:
        """Return the newest source the edition cites, in its pages and its data files: the briefing's "facts as of"."""
        site = self.site
        cited = {source_id for page in ((site.home,) if site.home else ()) + site.articles for source_id in page.cited}
        for dataset in site.datasets.values():
            cited.update(dataset.sources)
            cited.update(source_id for row in dataset.rows for source_id in row.get("sources") or ())
        entries = [site.sources[source_id] for source_id in cited if source_id in site.sources]
        return max(entries, key=lambda entry: (entry.published.sort_key, entry.id), default=None)

    def article(self, page_id: str) -> Article:
        """Return the article behind a page id such as 'article:commex'."""
        return self._articles_by_slug[page_id.partition(":")[2]]

    @functools.cached_property
    def _articles_by_slug(self) -> dict[str, Article]:
        return {a.slug: a for a in self.site.articles}

    def position(self, article: Article) -> int:
        """Return where an article stands in the edition's reading order (-1 if not listed)."""
        return self._positions.get(article.slug, -1)

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        return {a.slug: number for number, a in enumerate(self.site.articles)}

    def alternates(self, page_id: str) -> list[tuple[str, str | None]]:
        """Return (language, URL or None when untranslated) of this page in every edition."""
        return [(e.language, self.page_urls(e).get(page_id)) for e in self.publication.editions]


@dataclass(frozen=True)
class PageMeta:
    """What a page tells search engines and link previews about itself."""

    canonical: str
    title: str
    description: str
    image: str
    kind: str
    json_ld: str
    absolute: bool  # whether the site's own address is known, so canonical URLs can be written


def card_path(page_url: str) -> str:
    """Return where a page's social card image is written: /articles/x/ -> /articles/x/card.png."""
    return page_url + "card.png"


def page_meta(context: BuildContext, page_url: str, title: str, description: str,
              article: Article | None = None) -> PageMeta:
    """Return the canonical URL, preview image and JSON-LD for one page."""
    config = context.site.config
    canonical = absolute_url(config.base_url, page_url)
    image = absolute_url(config.base_url, card_path(page_url if page_url.endswith("/") else "/"))
    publisher = {"@type": "Organization", "name": config.title}
    if article is not None:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "description": description,
            "datePublished": article.date.isoformat(),
            "dateModified": context.last_updated(article).isoformat(),
            "inLanguage": config.language,
            "mainEntityOfPage": canonical,
            "url": canonical,
            "image": [image],
            "author": publisher,
            "publisher": publisher,
        }
    else:
        data = {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": config.title,
            "description": config.description,
            "inLanguage": config.language,
            "url": absolute_url(config.base_url, "/"),
            "publisher": publisher,
        }
    # "<" is escaped so that no text can close the <script> element early.
    json_ld = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return PageMeta(canonical, title, description, image, "article" if article else "website", json_ld,
                    is_absolute(config.base_url))


@dataclass(frozen=True)
class RenderedPage:
    """A page's HTML and the ids of the sources it cites, in number order."""

    html: str
    cited: tuple[str, ...] = ()


@dataclass(frozen=True)
class CitedEntry:
    """A source as a page's endnotes show it: its number there, its entry, and the places citing it."""

    number: int
    entry: SourceEntry
    backlinks: tuple[str, ...]


def cite_page(renderer: Renderer, names: dict, page: str, template_name: str) -> RenderedPage:
    """Number the citations of a rendered page in reading order and fill its citation slots (endnotes, facts as of)."""
    registry, strings = names["site_sources"], names["strings"]

    def reference(number: int, _source_id: str, place: str) -> str:
        label = escape(strings["source_number"].replace("{number}", str(number)))
        return f'<a href="#source-{number}" id="{place}" role="doc-noteref" aria-label="{label}">{number}</a>'

    def named_reference(number: int, source_id: str, place: str) -> str:
        outlet = escape(registry[source_id].outlet)
        return f'{outlet}<sup class="noteref" data-pagefind-ignore>[{reference(number, source_id, place)}]</sup>'

    numbered = number_citations(page, reference, named_reference)
    if not numbered.sources:
        return RenderedPage(_fill_slots(page, {}))
    if ENDNOTES_SLOT not in page:
        raise SiteError(f"templates/{template_name}", None,
                        _("this page cites sources, but its template does not say where they are listed"),
                        _("write {slot} where the Sources list belongs, after the text", slot=ENDNOTES_SLOT))
    cited = [CitedEntry(c.number, registry[c.source_id], c.backlinks) for c in numbered.sources]
    slot_names = {**names, "cited_sources": cited,
                  "newest_source": max((c.entry for c in cited), key=lambda entry: entry.published.sort_key)}
    filled = {slot: renderer.render(partial, slot_names) for slot, partial in CITATION_SLOTS.items() if slot in page}
    return RenderedPage(_fill_slots(numbered.html, filled), tuple(c.source_id for c in numbered.sources))


def _fill_slots(page: str, filled: dict[str, str]) -> str:
    for slot in CITATION_SLOTS:
        if slot in page:
            page = page.replace(slot, filled.get(slot, "").strip(), 1)
    return page


def render_feed_body(renderer: Renderer, context: BuildContext, article: Article, body_html: str) -> str:
    """Return an article's body as its feed entry carries it: citations numbered, then its corrections and
    updates, then its Sources list."""
    names = {"site": context.site.config, "strings": context.site.strings, "site_sources": context.site.sources,
             "home_url": f"/{context.site.prefix}", "page": article}
    changes = renderer.render(ARTICLE_CHANGES, names) if article.changes else ""
    return cite_page(renderer, names, body_html + changes + ENDNOTES_SLOT, ARTICLE_CHANGES).html


def base_context(context: BuildContext, page_id: str, data: DataAccess, meta: PageMeta) -> dict:
    """Return the names every template may use."""
    site = context.site
    return {
        "site": site.config,
        "strings": site.strings,
        "home_url": f"/{site.prefix}",
        "articles": site.articles,
        "data": data,
        "page_url": context.page_urls()[page_id],
        "alternates": context.alternates(page_id),
        "meta": meta,
        "last_updated": context.last_updated,
        "search_bundles": context.search_bundles,
        "site_sources": site.sources,
        "mirror": context.mirror,
        "whole_briefing": context.whole_briefing,
    }


def render_home(renderer: Renderer, context: BuildContext, home: HomePage | None, body_html: str,
                data: DataAccess) -> RenderedPage:
    """Render the front page: headline, summary, key figures, the way into articles."""
    config = context.site.config
    title = home.title if home else config.title
    summary = home.summary if home else config.description
    url = f"/{context.site.prefix}"
    names = base_context(context, "home", data, page_meta(context, url, title, summary))
    names.update(page=home, body_html=body_html, briefing_newest_source=context.newest_source)
    return cite_page(renderer, names, renderer.render(PAGE_TEMPLATES["home"], names), PAGE_TEMPLATES["home"])


def render_article(renderer: Renderer, context: BuildContext, article: Article, body_html: str,
                   toc: tuple, data: DataAccess) -> RenderedPage:
    """Render one article page (or a page with a special layout, e.g. timeline)."""
    articles = context.site.articles
    position = context.position(article)
    meta = page_meta(context, article.url, article.title, article.summary, article)
    names = base_context(context, f"article:{article.slug}", data, meta)
    names.update(
        page=article,
        body_html=body_html,
        toc=toc,
        previous_article=articles[position - 1] if position > 0 else None,
        next_article=articles[position + 1] if 0 <= position < len(articles) - 1 else None,
    )
    template = PAGE_TEMPLATES[article.layout]
    return cite_page(renderer, names, renderer.render(template, names), template)


def render_listing(renderer: Renderer, context: BuildContext, kind: str, title: str,
                   description: str, data: DataAccess) -> RenderedPage:
    """Render a page made only from the site's lists: 404, search, corrections and updates, sources."""
    page_url = context.page_urls()[kind]
    names = base_context(context, kind, data, page_meta(context, page_url, title, description))
    names.update(title=title, description=description, changes=context.changes)
    if kind == "sources":
        names.update(sources_by_kind=sources_by_kind(context.site.sources), citing_pages=context.citing_pages,
                     page_titles=context.page_titles)
    if kind == "charts":
        names.update(chart_pages=context.site.chart_pages, page_titles=context.page_titles)
    template = PAGE_TEMPLATES[kind]
    return cite_page(renderer, names, renderer.render(template, names), template)


def sources_by_kind(registry: Registry) -> list[tuple[str, list[SourceEntry]]]:
    """Return the registry's sources grouped by kind, in the order SOURCE_KINDS lists kinds, each group by outlet."""
    groups = {kind: [] for kind in SOURCE_KINDS}
    for entry in registry:
        groups[entry.kind].append(entry)
    return [(kind, sorted(entries, key=lambda e: (e.outlet.casefold(), e.published.sort_key)))
            for kind, entries in groups.items() if entries]
