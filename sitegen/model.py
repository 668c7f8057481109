"""The editor's nouns: sites, editions, articles and their parts, frozen once validated.

Input: nothing; checking/validate.py builds these from raw files. Output: the objects every later
stage reads (render, feeds, pipeline). They are frozen so that no stage can change what
another stage relies on.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .checking.sources import Registry
from .reading.content import read_body
from .rendering.charts import ChartSpec, Dataset


@dataclass(frozen=True)
class ChangeNote:
    """An editor's note that a page was corrected, updated or is new: shown on it, in the feed and on /changes/."""

    date: dt.date
    kind: str  # "correction", "update" or "new"
    note: str


@dataclass(frozen=True)
class PlacedChart:
    """A chart block of a page: its validated spec and where it was written."""

    spec: ChartSpec
    line: int


class BodyFromFile:
    """A page whose Markdown body is read from its file when needed, not kept (see content.read_body).

    Needs the fields `source` (the file), `digest` (of its text) and `path` (as shown to editors).
    """

    @property
    def body(self) -> str:
        """Return the Markdown body, from the file."""
        return read_body(self.source, self.digest, self.path)


@dataclass(frozen=True)
class Article(BodyFromFile):
    """One article, validated."""

    slug: str
    path: str
    title: str
    summary: str
    date: dt.date
    source: Path  # the Markdown file: its body is read from there when needed (see content.read_body)
    body_line: int
    digest: str
    updated: dt.date | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    order: int | None = None
    layout: str = "article"
    aliases: tuple[str, ...] = ()
    url_prefix: str = ""  # "ru/" for an article of the Russian edition
    translated_from: dt.date | None = None
    charts: tuple[PlacedChart, ...] = ()
    cited: tuple[str, ...] = ()  # the source ids the body cites, in reading order, each once
    uncited: tuple[int, ...] = ()  # lines that state a figure or a date without a citation
    changes: tuple[ChangeNote, ...] = ()  # newest first

    @property
    def url(self) -> str:
        """Return the article's root-relative URL: /articles/x/, or /ru/articles/x/ in a translation."""
        return f"/{self.url_prefix}articles/{self.slug}/"

    @property
    def output_path(self) -> str:
        """Return where the article's page is written in the output folder: articles/x/index.html."""
        return f"{self.url_prefix}articles/{self.slug}/index.html"


@dataclass(frozen=True)
class HomePage(BodyFromFile):
    """The front page's own text (content/index.md)."""

    path: str
    title: str
    summary: str
    source: Path  # the Markdown file: its body is read from there when needed (see content.read_body)
    body_line: int
    digest: str
    charts: tuple[PlacedChart, ...] = ()
    cited: tuple[str, ...] = ()
    uncited: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChartPage:
    """A chart's page of its own, /charts/<id>/: the chart, its data and downloads, and where it is shown.

    The first page of an edition that shows a chart (the home page, then articles in reading
    order) is the one it links back to; the same chart on other pages is the same chart.
    """

    chart: PlacedChart
    shown_on: Article | HomePage
    shown_at: str  # the URL of that page
    url_prefix: str = ""  # "ru/" in the Russian edition

    @property
    def id(self) -> str:
        return self.chart.spec.id

    @property
    def path(self) -> str:
        """Return the file that defines the chart, as shown to editors."""
        return self.shown_on.path

    @property
    def doc_key(self) -> str:
        """Return the key of this page's own inputs among a build's inputs (its source file has its own)."""
        return f"{self.shown_on.path}#chart:{self.id}"

    @property
    def digest(self) -> str:
        """Return a hash of what the page shows beyond the data and the site: the chart and where it is shown."""
        payload = repr((self.chart.spec, self.shown_at, self.shown_on.title)).encode()
        return hashlib.sha256(payload).hexdigest()

    @property
    def charts(self) -> tuple[PlacedChart, ...]:
        return (self.chart,)

    @property
    def url(self) -> str:
        return f"/{self.url_prefix}charts/{self.id}/"

    @property
    def output_path(self) -> str:
        return f"{self.url_prefix}charts/{self.id}/index.html"


@dataclass(frozen=True)
class NavItem:
    """One link in the site navigation."""

    title: str
    url: str


@dataclass(frozen=True)
class SiteConfig:
    """content/site.yaml, validated."""

    title: str
    description: str
    base_url: str = "/"
    language: str = "en"
    navigation: tuple[NavItem, ...] = ()
    contact: str | None = None  # an address readers may write to; shown only when site.yaml gives one
    recheck_sources_after_days: int = 180  # `check` warns when a cited source was last checked longer ago
    warn_uncited_figures: bool = True  # a briefing cites every figure; a site that is not one turns the rule off
    pdf: bool = False  # offer the whole briefing as a PDF per language too (made by `build`, in seconds per edition)
    digest: str = ""

    @property
    def base_path(self) -> str:
        """Return the URL path the site lives under, always ending in '/'."""
        path = re.sub(r"^[a-z]+://[^/]+", "", self.base_url) or "/"
        return path if path.endswith("/") else path + "/"


@dataclass(frozen=True)
class Site:
    """Everything a build renders, validated and frozen."""

    config: SiteConfig
    home: HomePage | None
    articles: tuple[Article, ...]
    datasets: Mapping[str, Dataset] = field(default_factory=dict)
    strings: Mapping[str, str] = field(default_factory=dict)  # interface text, from templates/strings/
    sources: Registry = field(default_factory=Registry)  # every edition shares the one registry
    prefix: str = ""  # where this edition lives: "" for the original, "ru/" for the Russian edition

    @property
    def language(self) -> str:
        """Return the edition's language code."""
        return self.config.language

    @functools.cached_property
    def chart_pages(self) -> tuple[ChartPage, ...]:
        """Return each chart's page of its own, in the order readers meet the charts: home page, then articles."""
        shown = [(self.home, f"/{self.prefix}")] if self.home else []
        shown += [(article, article.url) for article in self.articles if article.charts]  # few have one: no URL for each
        pages: dict[str, ChartPage] = {}
        for page, url in shown:
            for chart in page.charts:
                pages.setdefault(chart.spec.id, ChartPage(chart, page, url, self.prefix))
        return tuple(pages.values())


@dataclass(frozen=True)
class Publication:
    """Every language edition of the site, the original first."""

    editions: tuple[Site, ...]
    warnings: tuple = ()  # SiteErrors worth an editor's attention that do not stop the build (see checking/likely_mistakes.py)

    @property
    def original(self) -> Site:
        """Return the edition written in the site's own language."""
        return self.editions[0]
