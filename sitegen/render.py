"""Rendering: validated pages become HTML through Jinja templates.

Input: a `Site` and a templates folder. Output: HTML strings, one per page, from one
small function per page kind. Each kind's template gets an explicit context built in
one place (`base_context` plus the kind's own names), so the names a template may use
are listed here. Jinja runs with autoescape and StrictUndefined: a typo in a template
fails the build naming the template and line.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import meta

from .assets import Assets
from .errors import SiteError
from .feeds import absolute_url, feed_articles, is_absolute
from .history import History
from .model import Article, HomePage, Publication, Site

PAGE_TEMPLATES = {"home": "home.html", "article": "article.html", "timeline": "timeline.html",
                  "not_found": "404.html", "search": "search.html", "changes": "changes.html"}


def format_long_date(value: dt.date, language: str = "en") -> str:
    """Format a date for readers in a language: 25 November 2026, 25 ноября 2026."""
    from babel.dates import format_date

    return format_date(value, "d MMMM y", locale=language)


@jinja2.pass_context
def _long_date_filter(context, value: dt.date) -> str:
    return format_long_date(value, context["site"].language)


class DataAccess(Mapping):
    """Datasets by name for templates, remembering which ones a page read."""

    def __init__(self, datasets: Mapping):
        self._datasets = datasets
        self.read: set[str] = set()

    def __getitem__(self, name: str):
        self.read.add(name)
        return self._datasets[name]

    def __iter__(self):
        return iter(self._datasets)

    def __len__(self) -> int:
        return len(self._datasets)


class Renderer:
    """A Jinja environment over one templates folder, with our filters."""

    def __init__(self, templates: Path, display=lambda p: p.as_posix()):
        self.templates = templates
        self._display = display
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["long_date"] = _long_date_filter
        self.env.filters["iso_date"] = lambda value: value.isoformat()
        self.base_path = "/"
        self.assets = Assets({}, {})
        # A Renderer lives as long as its templates are unchanged, so this cache can too.
        self._closures: dict[str, frozenset[str]] = {}
        self.env.filters["url"] = self.site_url
        self.env.filters["asset"] = lambda path: self.site_url(self.assets.url(path))
        self.base_url = "/"
        self.env.filters["absolute"] = lambda path: absolute_url(self.base_url, path)

    def site_url(self, path: str) -> str:
        """Prefix a root-relative path with the site's base path."""
        if path.startswith("/") and not path.startswith("//"):
            return self.base_path + path[1:]
        return path

    def template_digests(self) -> dict[str, str]:
        """Return a content hash of every template, by name."""
        return {
            name: hashlib.sha256((self.templates / name).read_bytes()).hexdigest()
            for name in self.env.list_templates(extensions=["html", "xml", "txt"])
        }

    def template_closure(self, name: str) -> frozenset[str]:
        """Return a template's name and every template it extends, includes or imports."""
        if name not in self._closures:
            self._closures[name] = self._find_closure(name)
        return self._closures[name]

    def _find_closure(self, name: str) -> frozenset[str]:
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self.env.loader.get_source(self.env, current)[0]
            try:
                referenced = meta.find_referenced_templates(self.env.parse(source))
            except jinja2.TemplateSyntaxError:
                continue  # reported with its line when the page renders
            pending.extend(r for r in referenced if r)
        return frozenset(seen)

    def render(self, template_name: str, context: dict) -> str:
        """Render a template; turn template mistakes into SiteErrors with template lines."""
        try:
            return self.env.get_template(template_name).render(context)
        except jinja2.TemplateSyntaxError as error:
            path = self._display(Path(error.filename)) if error.filename else f"templates/{error.name}"
            raise SiteError(path, error.lineno, f"template syntax error: {error.message}") from None
        except jinja2.TemplateNotFound as error:
            raise SiteError(f"templates/{template_name}", None, f"template not found: {error.name}") from None
        except jinja2.UndefinedError as error:
            path, line = self._template_location(error, template_name)
            raise SiteError(path, line, f"template error: {error.message}",
                            "check the spelling of the variable; templates may only use the names listed in sitegen/render.py") from None

    def _template_location(self, error: Exception, template_name: str) -> tuple[str, int | None]:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename and Path(frame.filename).is_relative_to(self.templates):
                return self._display(Path(frame.filename)), frame.lineno
        return f"templates/{template_name}", None


@dataclass(frozen=True)
class BuildContext:
    """Site-wide facts every page may show, worked out once per build."""

    site: Site  # the edition being rendered
    updated: Mapping[str, dt.date]  # article slug -> last updated
    history: History
    publication: Publication  # every edition, for links between translations
    search_bundles: tuple[str, ...] = ()  # Pagefind bundle folders: the first is loaded, the others merged into it

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
            urls.update({"search": f"/{edition.prefix}search/", "changes": f"/{edition.prefix}changes/"})
            if not edition.prefix:
                urls["not_found"] = "/404.html"
            by_prefix[edition.prefix] = urls
        return by_prefix

    @functools.cached_property
    def feed(self) -> list[Article]:
        """Return the articles the edition's feed carries, newest first (worked out once per build)."""
        return feed_articles(self.site, self.updated)

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
    }


def render_home(renderer: Renderer, context: BuildContext, home: HomePage | None, body_html: str,
                data: DataAccess) -> str:
    """Render the front page: headline, summary, key figures, the way into articles."""
    config = context.site.config
    title = home.title if home else config.title
    summary = home.summary if home else config.description
    url = f"/{context.site.prefix}"
    names = base_context(context, "home", data, page_meta(context, url, title, summary))
    names.update(page=home, body_html=body_html)
    return renderer.render(PAGE_TEMPLATES["home"], names)


def render_article(renderer: Renderer, context: BuildContext, article: Article, body_html: str,
                   toc: tuple, data: DataAccess) -> str:
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
    return renderer.render(PAGE_TEMPLATES[article.layout], names)


def render_listing(renderer: Renderer, context: BuildContext, kind: str, title: str,
                   description: str, data: DataAccess) -> str:
    """Render a page made only from the site's lists: 404, search, what changed."""
    page_url = context.page_urls()[kind]
    names = base_context(context, kind, data, page_meta(context, page_url, title, description))
    names.update(title=title, description=description, changes=context.history.changes,
                 article_by_path={a.path: a for a in context.site.articles})
    return renderer.render(PAGE_TEMPLATES[kind], names)
