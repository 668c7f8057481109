"""The editor's nouns: sites, editions, articles and their parts, frozen once validated.

Input: nothing; validate.py builds these from raw files. Output: the objects every later
stage reads (render, feeds, pipeline). They are frozen so that no stage can change what
another stage relies on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .charts import ChartSpec, Dataset
from .content import read_body


@dataclass(frozen=True)
class Source:
    """Where a page's facts come from."""

    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None


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
    sources: tuple[Source, ...] = ()
    layout: str = "article"
    aliases: tuple[str, ...] = ()
    url_prefix: str = ""  # "ru/" for an article of the Russian edition
    translated_from: dt.date | None = None
    charts: tuple[PlacedChart, ...] = ()

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
    sources: tuple[Source, ...] = ()
    charts: tuple[PlacedChart, ...] = ()


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
    prefix: str = ""  # where this edition lives: "" for the original, "ru/" for the Russian edition

    @property
    def language(self) -> str:
        """Return the edition's language code."""
        return self.config.language


@dataclass(frozen=True)
class Publication:
    """Every language edition of the site, the original first."""

    editions: tuple[Site, ...]

    @property
    def original(self) -> Site:
        """Return the edition written in the site's own language."""
        return self.editions[0]
