"""Plan the benchmark corpus: N articles of about 1,000 words, the same on every run.

Input: an article count, the share of articles that carry a chart, and a seed.
Output: `Article`s (front matter and a Markdown body) that bench/projects.py writes out
as a sitegen, a Pelican and a Hugo project. Each article has headings, paragraphs with
emphasis and links to other articles (some to a heading's anchor), a bullet and a
numbered list and a table; every round(1 / share)-th one has a ```chart block drawing
one of four data files. Links only point at articles that exist, and anchors at their
real headings, because sitegen fails the build on a dead link. Random choices come from
string-seeded generators, so the same arguments give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

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
            f"id: article-{self.index}",  # each chart its own page, /charts/article-N/
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
