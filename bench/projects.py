"""Write a planned corpus to disk as three projects that build the same pages.

Input: the articles from bench/corpus.py. Output, under one folder:

    ours/      content/site.yaml, index.md, articles/<slug>.md, data/<name>.yaml
               (templates/ and static/ come from the sitegen being measured)
    pelican/   content/<slug>.md with a Title:/Date: header, pelicanconf.py, theme/
    hugo/      hugo.toml, content/articles/<slug>.md, layouts/

Pelican and Hugo get minimal themes of our own that show the title, date and body of an
article and list every article on the index, and write no tag, category, feed or
archive pages, since sitegen's one-page-per-article site has none to compare them with.
Their chart blocks become plain fenced code. Pelican's article is marked
`data-pagefind-body`, as sitegen's is, so that Pagefind after it indexes the articles
only. `python -m bench.projects N FOLDER` writes one.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import DATASETS, SEED, Article, plan_corpus


def write(path: Path, text: str) -> None:
    """Write a UTF-8 file with Unix newlines, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


# The one source the corpus's data cites (the sources registry is required for cited data).
BENCH_SOURCE = """\
- id: benchmark-corpus
  outlet: Benchmark corpus
  title: Generated data for timing builds
  url: https://example.org/benchmark
  published: 2024-01-01
  language: en
  kind: analysis
  accessed: 2026-01-01
"""


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
    write(content / "sources.yaml", BENCH_SOURCE)
    for name, (description, columns, rows) in DATASETS.items():
        types = [f"  {column}: {'number' if isinstance(rows[0][i], int) else 'category'}" for i, column in enumerate(columns)]
        lines = [f"description: {description}", "sources: [benchmark-corpus]", "columns:", *types, "rows:"]
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
<article data-pagefind-body>
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


def generate_corpus(root: Path, count: int, chart_share: float, seed: int = SEED) -> Corpus:
    """Write a fresh corpus under root (replacing what was there) in all three formats."""
    if root.exists():
        shutil.rmtree(root)
    articles = plan_corpus(count, chart_share, seed)
    write_ours(root / "ours", articles)
    write_pelican(root / "pelican", articles)
    write_hugo(root / "hugo", articles)
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
