"""Rendering: validated pages become HTML through Jinja templates.

Input: a `Site` and a templates folder. Output: HTML strings, one per page, from one
small function per page kind. Each kind's template gets an explicit context built in
one place (`base_context` plus the kind's own names), so the names a template may use
are listed here. Jinja runs with autoescape and StrictUndefined: a typo in a template
fails the build naming the template and line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import traceback
from collections.abc import Mapping
from pathlib import Path

import jinja2
from jinja2 import meta

from .errors import SiteError
from .validate import Article, HomePage, Site

PAGE_TEMPLATES = {"home": "home.html", "article": "article.html", "timeline": "timeline.html",
                  "not_found": "404.html"}


def format_long_date(value: dt.date) -> str:
    """Format a date for readers: 25 November 2026."""
    return f"{value.day} {value.strftime('%B')} {value.year}"


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
        self.env.filters["long_date"] = format_long_date
        self.env.filters["iso_date"] = lambda value: value.isoformat()
        self.base_path = "/"
        self.env.filters["url"] = self.site_url

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


def base_context(site: Site, page_url: str, data: DataAccess) -> dict:
    """Return the names every template may use."""
    return {
        "site": site.config,
        "articles": site.articles,
        "data": data,
        "page_url": page_url,
        "build_year": max((a.date.year for a in site.articles), default=dt.date.today().year),
    }


def render_home(renderer: Renderer, site: Site, home: HomePage | None, body_html: str, data: DataAccess) -> str:
    """Render the front page: headline, summary, key figures, the way into articles."""
    context = base_context(site, "/", data)
    context.update(page=home, body_html=body_html)
    return renderer.render(PAGE_TEMPLATES["home"], context)


def render_article(renderer: Renderer, site: Site, article: Article, body_html: str,
                   toc: tuple, data: DataAccess) -> str:
    """Render one article page (or a page with a special layout, e.g. timeline)."""
    position = site.articles.index(article) if article in site.articles else -1
    context = base_context(site, article.url, data)
    context.update(
        page=article,
        body_html=body_html,
        toc=toc,
        previous_article=site.articles[position - 1] if position > 0 else None,
        next_article=site.articles[position + 1] if 0 <= position < len(site.articles) - 1 else None,
    )
    return renderer.render(PAGE_TEMPLATES[article.layout], context)


def render_not_found(renderer: Renderer, site: Site, data: DataAccess) -> str:
    """Render the 404 page."""
    return renderer.render(PAGE_TEMPLATES["not_found"], base_context(site, "/404.html", data))
