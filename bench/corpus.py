"""Generate the benchmark corpus: the same articles for sitegen, Pelican and Hugo.

Input: an article count, the share of articles that carry a chart, and a seed.
Output: a folder holding three projects built from one plan, byte for byte the same on
every run with the same arguments:

    ours/      content/site.yaml, index.md, articles/<slug>.md, data/<name>.yaml
    pelican/   content/<slug>.md (Title:/Date: header), pelicanconf.py, theme/
    hugo/      hugo.toml, content/articles/<slug>.md, layouts/

Each article has about 1,000 words: headings, paragraphs with emphasis and links to
other articles (some to a heading's anchor), a bullet and a numbered list and a table.
Internal links only point at articles that exist, and anchors at their real headings,
because sitegen fails the build on a dead link. For Pelican and Hugo a chart block
becomes a plain fenced code block. Run `python -m bench.corpus N FOLDER` to look at one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

SEED = 20241125

# Plain lowercase words only: headings become anchors by joining words with hyphens,
# and nothing here may read as a YAML boolean or null (yes, no, on, off, null).
WORD_TEXT = """
account action activity address advice agency amount analysis answer approach area
argument article asset audience balance bank basis board border branch budget
business buyer capital card case cash center chain change channel charge choice
client coin company comparison condition contract control cost country court
credit currency customer data deal debt decision demand deposit detail device
difference direction distance document effect effort energy entry estimate event
evidence example exchange exit expense fact factor fee figure file filter flow
focus form fund future goal government group growth history holder idea impact
income index industry influence interest issue item journal key kind knowledge
language law layer leader level licence limit line link list loan market measure
member message method minute model money month move network news note number offer
office operation option order owner page partner payment period person place plan
platform point policy position power practice price process product profit project
property public quality question range rate reader reason record region report
request reserve result return review risk role rule sale scale screen section
sector service session share side signal site size source space stake standard
state step stock story strategy structure style supply support surface system table
target task term test text theory time token total trade traffic transfer trend
trust type unit user value version view volume wallet week window word work year
"""
WORDS = WORD_TEXT.split()

TAGS = ["markets", "policy", "data", "regulation", "exchanges", "payments", "history", "analysis"]

# The data files chart blocks draw from: name -> (description, columns, rows).
DATASETS = {
    "yearly_volume": ("Trading volume by year, in billions.", ("year", "volume"),
                      [(str(year), 40 + (year * 37) % 90) for year in range(2015, 2025)]),
    "regional_share": ("Share of visits by region, in percent.", ("region", "share"),
                       [("North", 31), ("South", 22), ("East", 18), ("West", 17), ("Centre", 12)]),
    "monthly_users": ("Active users by month, in thousands.", ("month", "users"),
                      [(month, 120 + (index * 53) % 70) for index, month in
                       enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])]),
    "exchange_fees": ("Taker fee by exchange, in basis points.", ("exchange", "fee"),
                      [("Alpha", 10), ("Beta", 8), ("Gamma", 15), ("Delta", 12), ("Epsilon", 20), ("Zeta", 6)]),
}
CHART_KINDS = ("bar", "line", "area", "point")


@dataclass(frozen=True)
class Chart:
    """One chart block: the data file, kind and columns it draws, and its words."""

    data: str
    kind: str
    x: str
    y: str
    title: str
    description: str


@dataclass(frozen=True)
class Article:
    """One planned article: front matter and the Markdown body shared by all formats."""

    slug: str
    title: str
    summary: str
    date: dt.date
    tags: tuple[str, ...]
    order: int | None
    body: str  # chart blocks written as ```chart fences
    charts: int

    def body_without_charts(self) -> str:
        """Return the body with each ```chart fence turned into a plain code block."""
        return self.body.replace("```chart\n", "```\n")


def article_rng(seed: int, index: int, part: str) -> random.Random:
    """Return a random source for one part of one article (string seeds are stable)."""
    return random.Random(f"{seed}:{index}:{part}")


def plan_slug(seed: int, index: int) -> str:
    """Return an article's file name without .md."""
    rng = article_rng(seed, index, "slug")
    return f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{index:05d}"


def plan_headings(seed: int, index: int) -> list[str]:
    """Return an article's five section headings, distinct, two to four words each."""
    rng = article_rng(seed, index, "headings")
    headings: list[str] = []
    while len(headings) < 5:
        words = rng.sample(WORDS, rng.randint(2, 4))
        heading = " ".join(words).capitalize()
        if heading not in headings:
            headings.append(heading)
    return headings


def anchor(heading: str) -> str:
    """Return the id Markdown's toc (and Hugo) give a heading of plain words."""
    return heading.lower().replace(" ", "-")


class ArticleWriter:
    """Write one article's Markdown from its random source and the site's plan."""

    def __init__(self, rng: random.Random, slugs: list[str], headings: list[list[str]], index: int):
        self.rng = rng
        self.slugs = slugs
        self.headings = headings
        self.index = index

    def sentence(self, low: int = 8, high: int = 16) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high))]
        spot = self.rng.randrange(len(words))
        style = self.rng.random()
        if style < 0.15:
            words[spot] = f"**{words[spot]}**"
        elif style < 0.30:
            words[spot] = f"*{words[spot]}*"
        elif style < 0.36:
            words[spot] = f"`{words[spot]}`"
        return " ".join(words).capitalize() + "."

    def link(self) -> str:
        other = self.rng.randrange(len(self.slugs) - 1) if len(self.slugs) > 1 else 0
        other += other >= self.index and len(self.slugs) > 1  # never the article itself
        words = " ".join(self.rng.sample(WORDS, self.rng.randint(2, 4)))
        url = f"/articles/{self.slugs[other]}/"
        if self.rng.random() < 0.4:
            url += "#" + anchor(self.rng.choice(self.headings[other]))
        return f"[{words}]({url})"

    def paragraph(self, sentences: int, links: int = 0) -> str:
        parts = [self.sentence() for _ in range(sentences)]
        for _ in range(links):
            spot = self.rng.randrange(len(parts))
            parts[spot] = parts[spot][:-1] + f", see {self.link()}."
        return " ".join(parts)

    def bullet_list(self) -> str:
        return "\n".join(f"- {self.sentence(5, 10)}" for _ in range(self.rng.randint(4, 6)))

    def numbered_list(self) -> str:
        return "\n".join(f"{n}. {self.sentence(5, 10)}" for n in range(1, self.rng.randint(4, 6) + 1))

    def table(self) -> str:
        rows = ["| Region | Year | Share | Note |", "| --- | --- | ---: | --- |"]
        for _ in range(5):
            rows.append(f"| {self.rng.choice(WORDS).capitalize()} | {self.rng.randint(2015, 2024)} | "
                        f"{self.rng.randint(1, 99)}% | {self.rng.choice(WORDS)} {self.rng.choice(WORDS)} |")
        return "\n".join(rows)

    def chart(self, title: str) -> str:
        name = self.rng.choice(sorted(DATASETS))
        x, y = DATASETS[name][1]
        kind = self.rng.choice(CHART_KINDS)
        return "\n".join([
            "```chart",
            f"data: {name}",
            f"kind: {kind}",
            f"x: {x}",
            f"y: {y}",
            f"title: {y.capitalize()} by {x} for {title.lower()}",
            f"description: A {kind} chart of {y} by {x} from the {name} data file, drawn for article {self.index}.",
            "source: Benchmark corpus",
            "```",
        ])

    def body(self, title: str, with_chart: bool) -> str:
        blocks = [self.paragraph(4, links=1), self.paragraph(4)]
        extras = ["bullets", "table", "numbers", "sub", "sub"]
        self.rng.shuffle(extras)
        chart_section = self.rng.randrange(5) if with_chart else -1
        for number, heading in enumerate(self.headings[self.index]):
            blocks.append(f"## {heading}")
            blocks.append(self.paragraph(4, links=1))
            blocks.append(self.paragraph(4))
            extra = extras[number]
            if extra == "bullets":
                blocks.append(self.bullet_list())
            elif extra == "numbers":
                blocks.append(self.numbered_list())
            elif extra == "table":
                blocks.append(self.table())
            else:
                sub = " ".join(self.rng.sample(WORDS, 3)).capitalize()
                blocks.append(f"### {sub} {number}")  # the number keeps sub-heading ids distinct
                blocks.append(self.paragraph(4, links=1))
            if number == chart_section:
                blocks.append(self.chart(title))
        blocks.append(self.paragraph(3))
        return "\n\n".join(blocks) + "\n"


def plan_corpus(count: int, chart_share: float, seed: int = SEED) -> list[Article]:
    """Return the articles of a corpus; every round(1 / chart_share)-th one has a chart."""
    slugs = [plan_slug(seed, index) for index in range(count)]
    headings = [plan_headings(seed, index) for index in range(count)]
    every = round(1 / chart_share) if chart_share > 0 else 0
    articles = []
    for index in range(count):
        rng = article_rng(seed, index, "body")
        title = " ".join(rng.sample(WORDS, rng.randint(3, 6))).capitalize()
        summary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 20))).capitalize() + "."
        date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
        tags = tuple(sorted(rng.sample(TAGS, rng.randint(0, 3))))
        order = index + 1 if index < 3 else None  # a few pinned articles, as editors do
        with_chart = every > 0 and index % every == every - 1
        body = ArticleWriter(rng, slugs, headings, index).body(title, with_chart)
        articles.append(Article(slugs[index], title, summary, date, tags, order, body, int(with_chart)))
    return articles


def write(path: Path, text: str) -> None:
    """Write a UTF-8 file with Unix newlines, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def write_ours(root: Path, articles: list[Article]) -> None:
    """Write the corpus in sitegen's format; templates and static come from the repo."""
    content = root / "content"
    write(content / "site.yaml", "title: Benchmark corpus\ndescription: Generated articles for timing builds.\n"
                                 "base_url: /\nlanguage: en\nnavigation: []\n")
    write(content / "index.md", "---\ntitle: Benchmark corpus\nsummary: Generated articles for timing builds.\n---\n"
                                "Every article of the corpus is listed below.\n")
    for article in articles:
        meta = [f"title: {article.title}", f"summary: {article.summary}", f"date: {article.date.isoformat()}"]
        if article.tags:
            meta.append(f"tags: [{', '.join(article.tags)}]")
        if article.order is not None:
            meta.append(f"order: {article.order}")
        write(content / "articles" / f"{article.slug}.md", "---\n" + "\n".join(meta) + "\n---\n" + article.body)
    for name, (description, columns, rows) in DATASETS.items():
        lines = [f"description: {description}", "source: Benchmark corpus", "rows:"]
        for row in rows:
            cells = [f'{column}: "{value}"' if isinstance(value, str) else f"{column}: {value}"
                     for column, value in zip(columns, row, strict=True)]
            lines.append("  - " + "\n    ".join(cells))
        write(content / "data" / f"{name}.yaml", "\n".join(lines) + "\n")


PELICAN_CONF = '''\
AUTHOR = "Benchmark"
SITENAME = "Benchmark corpus"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "theme"
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
# The same pages sitegen writes: one per article and an index listing them all.
DIRECT_TEMPLATES = ["index"]
DEFAULT_PAGINATION = False
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = TAG_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
STATIC_PATHS = []
# sitegen's Markdown extensions, less its own chart and base-path ones.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.tables": {},
        "markdown.extensions.footnotes": {},
        "markdown.extensions.fenced_code": {},
        "markdown.extensions.smarty": {},
        "markdown.extensions.toc": {"permalink": "#", "toc_depth": "2-3"},
    },
    "output_format": "html5",
}
'''

PELICAN_BASE = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{% block title %}{{ SITENAME }}{% endblock %}</title>
<link rel="stylesheet" href="/theme/site.css"></head>
<body><main>{% block content %}{% endblock %}</main></body>
</html>
"""

PELICAN_INDEX = """\
{% extends "base.html" %}
{% block content %}
<h1>{{ SITENAME }}</h1>
<ol>
{% for article in articles %}
<li><a href="/{{ article.url }}">{{ article.title }}</a><p>{{ article.summary }}</p></li>
{% endfor %}
</ol>
{% endblock %}
"""

PELICAN_ARTICLE = """\
{% extends "base.html" %}
{% block title %}{{ article.title }} · {{ SITENAME }}{% endblock %}
{% block content %}
<article>
<h1>{{ article.title }}</h1>
<p><time datetime="{{ article.date.isoformat() }}">{{ article.locale_date }}</time></p>
{{ article.content }}
</article>
{% endblock %}
"""

STYLESHEET = "body { font-family: system-ui, sans-serif; max-width: 40rem; margin: auto; }\n"


def write_pelican(root: Path, articles: list[Article]) -> None:
    """Write the corpus as Pelican Markdown with a metadata header, and a minimal theme."""
    write(root / "pelicanconf.py", PELICAN_CONF)
    write(root / "theme" / "templates" / "base.html", PELICAN_BASE)
    write(root / "theme" / "templates" / "index.html", PELICAN_INDEX)
    write(root / "theme" / "templates" / "article.html", PELICAN_ARTICLE)
    write(root / "theme" / "static" / "site.css", STYLESHEET)
    for article in articles:
        meta = [f"Title: {article.title}", f"Date: {article.date.isoformat()}", f"Slug: {article.slug}",
                f"Summary: {article.summary}"]
        if article.tags:
            meta.append(f"Tags: {', '.join(article.tags)}")
        write(root / "content" / f"{article.slug}.md", "\n".join(meta) + "\n\n" + article.body_without_charts())


HUGO_CONFIG = """\
baseURL = "/"
languageCode = "en"
title = "Benchmark corpus"
# The same pages sitegen writes: one per article and a home page listing them all.
disableKinds = ["taxonomy", "term", "section", "RSS", "sitemap", "robotsTXT", "404"]
"""

HUGO_BASEOF = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
<link rel="stylesheet" href="/site.css"></head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
"""

HUGO_HOME = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ol>
{{ range site.RegularPages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Summary }}</p></li>
{{ end }}
</ol>
{{ end }}
"""

HUGO_SINGLE = """\
{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>
{{ .Content }}
</article>
{{ end }}
"""


def write_hugo(root: Path, articles: list[Article]) -> None:
    """Write the corpus as a Hugo site with YAML front matter and minimal layouts."""
    write(root / "hugo.toml", HUGO_CONFIG)
    write(root / "layouts" / "_default" / "baseof.html", HUGO_BASEOF)
    write(root / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    write(root / "layouts" / "_default" / "list.html", HUGO_HOME)
    write(root / "layouts" / "index.html", HUGO_HOME)
    write(root / "static" / "site.css", STYLESHEET)
    write(root / "content" / "_index.md", "---\ntitle: Benchmark corpus\n---\n")
    for article in articles:
        meta = [f"title: {article.title}", f"summary: {article.summary}", f"date: {article.date.isoformat()}"]
        if article.tags:
            meta.append(f"tags: [{', '.join(article.tags)}]")
        if article.order is not None:
            meta.append(f"weight: {article.order}")
        write(root / "content" / "articles" / f"{article.slug}.md",
              "---\n" + "\n".join(meta) + "\n---\n" + article.body_without_charts())


@dataclass(frozen=True)
class Corpus:
    """Where a generated corpus lives, and what it holds."""

    root: Path
    articles: tuple[Article, ...]

    @property
    def ours(self) -> Path:
        return self.root / "ours"

    @property
    def pelican(self) -> Path:
        return self.root / "pelican"

    @property
    def hugo(self) -> Path:
        return self.root / "hugo"

    @property
    def charts(self) -> int:
        return sum(article.charts for article in self.articles)

    @property
    def words(self) -> int:
        return sum(len(article.body.split()) for article in self.articles)


def generate_corpus(root: Path, count: int, chart_share: float, seed: int = SEED,
                    formats: tuple[str, ...] = ("ours", "pelican", "hugo")) -> Corpus:
    """Write a fresh corpus under root (replacing what was there) and return it."""
    if root.exists():
        shutil.rmtree(root)
    articles = plan_corpus(count, chart_share, seed)
    writers = {"ours": write_ours, "pelican": write_pelican, "hugo": write_hugo}
    for name in formats:
        writers[name](root / name, articles)
    return Corpus(root, tuple(articles))


def main(argv: list[str] | None = None) -> int:
    """Write a corpus to a folder and say what it holds."""
    parser = argparse.ArgumentParser(description="Generate the benchmark corpus.")
    parser.add_argument("count", type=int, help="number of articles")
    parser.add_argument("folder", type=Path, help="where to write it (replaced)")
    parser.add_argument("--chart-share", type=float, default=0.02, help="share of articles with a chart (default 0.02)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    corpus = generate_corpus(args.folder, args.count, args.chart_share, args.seed)
    print(f"{len(corpus.articles)} articles, {corpus.words} words, {corpus.charts} charts in {corpus.root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
