"""Typography: the build puts no-break spaces where a line must not break, per language, in
text only: never in code, URLs, attributes or the data downloads (issue 27).

Each rule has a line that must not break, in Russian and in English where the rule is
both languages'; then what must stay as written; then built sites: pages, chart drawings
and their downloads, feeds.
"""

from __future__ import annotations

import re

import pytest

from sitegen.rendering.typography import NBSP, typeset_html, typeset_text
from tests.conftest import RUSSIAN_EDITION

# "_" stands for the no-break space in the expected lines, so that they read plainly.
RULES = [
    # Russian
    ("ru", "inside digit groups", "Штраф 10 000 евро", "Штраф 10_000_евро"),
    ("ru", "inside digit groups", "1 500 000 человек", "1_500_000 человек"),
    ("ru", "a number and %", "около 47 % объёма", "около 47_% объёма"),
    ("ru", "a number and a scale word", "4,3 млрд долларов и 300 тыс. рублей", "4,3_млрд долларов и_300_тыс. рублей"),
    ("ru", "a number and a unit", "6 000 кВт·ч за 2 500 ₽", "6_000_кВт·ч за 2_500_₽"),
    ("ru", "a number and a currency", "15 евро, 20 руб. и 7 долл.", "15_евро, 20_руб. и_7_долл."),
    ("ru", "a scale word and a currency", "$15 млрд и 2 млрд $", "$15_млрд и_2_млрд_$"),
    ("ru", "after № and §", "закон № 259-ФЗ, § 3", "закон №_259-ФЗ, §_3"),
    ("ru", "after a one-letter word", "В 2024 году и с тех пор к ним у нас", "В_2024 году и_с_тех пор к_ним у_нас"),
    ("ru", "after a one-letter word", "а я о том", "а_я_о_том"),
    ("ru", "before an em dash", "Биржа — крупнейшая", "Биржа_— крупнейшая"),
    ("ru", "a quarter and its year", "в Q1 2024", "в_Q1_2024"),
    ("ru", "quotes stay as written", "«Биржа „Binance“»", "«Биржа „Binance“»"),
    # English
    ("en", "a number and a scale word", "about 4.3 billion and 7.3 trillion", "about 4.3_billion and 7.3_trillion"),
    ("en", "a number and a scale word", "$15 billion, 2 million users", "$15_billion, 2_million users"),
    ("en", "a number and a currency", "10,000 euros and 300,000 roubles", "10,000_euros and 300,000_roubles"),
    ("en", "a number and a unit", "6,000 kWh a month; 15 percent", "6,000_kWh a month; 15_percent"),
    ("en", "a quarter and its year", "in Q1 2024 and H2 2025", "in Q1_2024 and H2_2025"),
    ("en", "no space, nothing to do", "15% of users", "15% of users"),
    ("en", "Russian rules are Russian only", "a 2024 report — in 10 000 words", "a 2024 report — in 10 000 words"),
]


@pytest.mark.parametrize(("language", "rule", "text", "expected"), RULES, ids=[f"{r[0]}: {r[1]}" for r in RULES])
def test_each_rule_keeps_its_line_together(language, rule, text, expected):
    assert typeset_text(text, language).replace(NBSP, "_") == expected
    assert typeset_html(f"<p>{text}</p>", language).replace(NBSP, "_") == f"<p>{expected}</p>"


def test_a_line_break_in_a_paragraph_counts_as_a_space_but_indentation_is_left_alone():
    assert typeset_html("<p>в\n2024 году</p>", "ru") == f"<p>в{NBSP}2024 году</p>"
    assert typeset_html("<p>в\n    <b>2024</b></p>", "ru") == "<p>в\n    <b>2024</b></p>"


def test_text_is_typeset_across_inline_elements_but_not_across_blocks():
    assert typeset_html('<p>в <a href="/x/">Москве</a></p>', "ru") == f'<p>в{NBSP}<a href="/x/">Москве</a></p>'
    assert (typeset_html("<p>4.3 <em>billion</em></p>", "en") == f"<p>4.3{NBSP}<em>billion</em></p>")
    assert typeset_html("<li>в </li><li>2024</li>", "ru") == "<li>в </li><li>2024</li>"


@pytest.mark.parametrize("markup", [
    "<p>Код: <code>в 10 000 евро</code>.</p>",
    "<pre><code>в 2024\n10 000 евро</code></pre>",
    "<p><kbd>в 5</kbd> <samp>и 7 %</samp> <var>а 3</var></p>",
    '<script type="application/ld+json">{"headline": "в 2024 — 10 000 евро"}</script>',
    "<style>p::before { content: 'в 5 %'; }</style>",
    '<a href="/поиск/?q=в 2024" title="10 000 евро — в 2024" data-value="10 000" aria-label="в 5">x</a>',
    '<img alt="и 47 %" src="/a.png">',
    '<p><a href="https://example.org/в 2024">https://example.org/в 2024</a></p>',
    "<p>see www.example.org/a 2024</p>",
    "<!-- в 2024 — 10 000 -->",
])
def test_code_urls_attributes_and_scripts_are_untouched(markup):
    assert typeset_html(markup, "ru") == markup
    assert typeset_html(markup.replace("евро", "euros"), "en") == markup.replace("евро", "euros")


def test_text_beside_untouched_parts_is_still_typeset():
    markup = '<p>Код <code>в 1</code> и в 2024 <a href="https://example.org/">https://example.org/</a> в 2025</p>'
    expected = ('<p>Код <code>в 1</code> и\xa0в\xa02024 <a href="https://example.org/">https://example.org/</a> '
                'в\xa02025</p>')
    assert typeset_html(markup, "ru") == expected


def test_svg_labels_are_typeset_and_its_attributes_are_not():
    svg = ('<svg aria-label="в 2024"><title>в 2024</title><text x="1" data-v="10 000">10 000 евро</text>'
           '<tspan>4,3 млрд</tspan></svg>')
    assert typeset_html(svg, "ru") == (f'<svg aria-label="в 2024"><title>в{NBSP}2024</title>'
                                       f'<text x="1" data-v="10 000">10{NBSP}000{NBSP}евро</text>'
                                       f"<tspan>4,3{NBSP}млрд</tspan></svg>")


def test_a_language_without_rules_and_typeset_text_are_left_as_they_are():
    assert typeset_html("<p>в 2024</p>", "de") == "<p>в 2024</p>"
    assert typeset_html(typeset_html("<p>и в 2024 — 10 000 евро</p>", "ru"), "ru") == typeset_html(
        "<p>и в 2024 — 10 000 евро</p>", "ru")  # a second pass changes nothing


# A built site: a Russian edition and an English one with figures, a chart and a feed.
RU_ARTICLE = """\
---
title: Штраф 10 000 евро
summary: В 2024 году — 47 % рынка.
date: 2024-01-02
translated_from: 2024-01-02
---
## Подробности

В 2024 году штраф составил 10 000 евро, а доля — 47 % [@test-report]. Всего 4,3 млрд $
и 6 000 кВт·ч. Смотрите [вторую статью](/articles/second/#details) и `в 10 000` в коде.
"""
EN_ARTICLE = """\
---
title: A fine of 10,000 euros
summary: About 4.3 billion in Q1 2024.
date: 2024-01-02
---
## Background

The fine was 10,000 euros and the total about 4.3 billion in Q1 2024 [@test-report];
$15 billion later. Read [the details](/articles/second/#details).
"""
RU_NUMBERS = """\
description: Два числа.
sources: [test-report]
columns:
  year: category
  value: {type: number, title: Значение}
rows:
  - year: "в 2023 году"
    value: 1500
  - year: "в 2024 году"
    value: 2500
"""
RU_CHART = """\
```chart
data: numbers
kind: bar
x: year
y: value
title: Рост в 2024 году
y_title: Значение
description: Столбцы по годам.
```
"""


@pytest.fixture
def typeset_site(make_site):
    return make_site({
        "content/articles/first.md": EN_ARTICLE,
        "content/articles/first.ru.md": RU_ARTICLE + "\n" + RU_CHART,
        "content/data/numbers.ru.yaml": RU_NUMBERS,
        **RUSSIAN_EDITION,
    })


def visible_text(html: str) -> str:
    """Return a page's text nodes outside code and scripts, as a reader sees them."""
    html = re.sub(r"<(script|style|code|pre)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]*>", "", html)


def test_built_pages_feeds_and_chart_downloads_are_typeset(typeset_site, build, capsys):
    assert build(typeset_site, "--base-url", "https://example.org/") == 0, capsys.readouterr().err
    site = typeset_site / "_site"
    russian = (site / "ru/articles/first/index.html").read_text(encoding="utf-8")
    english = (site / "articles/first/index.html").read_text(encoding="utf-8")

    text = visible_text(russian)
    assert not re.search(r"\d[ \t\n]\d{3}(?!\d)", text), "a plain space inside a Russian number"
    assert not re.search(r"\d[ \t\n](?:%|млн|млрд|тыс\.|евро|кВт)", text), "a plain space before %, a unit or a scale word"
    assert f"10{NBSP}000{NBSP}евро" in text and f"47{NBSP}%" in text and f"В{NBSP}2024" in text
    assert f"доля{NBSP}— 47" in text
    assert "<code>в 10 000</code>" in russian  # code as written
    assert '<meta name="description" content="В 2024 году — 47 % рынка.">' in russian  # attributes as written
    assert f"<h1>Штраф 10{NBSP}000{NBSP}евро</h1>" in russian  # the template's text too
    assert f"в{NBSP}2024 году" in russian.split("<svg", 1)[1]  # the chart's labels inside its drawing

    text = visible_text(english)
    assert not re.search(r"\d[ \t\n](?:billion|million|trillion|euros)", text), "a plain space before a scale word"
    assert f"10,000{NBSP}euros" in text and f"4.3{NBSP}billion" in text and f"Q1{NBSP}2024" in text
    assert f"$15{NBSP}billion" in text

    feed = (site / "ru/feed.xml").read_text(encoding="utf-8")
    assert f"<title>Штраф 10{NBSP}000{NBSP}евро</title>" in feed
    assert f"<summary>В{NBSP}2024 году{NBSP}— 47{NBSP}% рынка.</summary>" in feed
    assert f"10{NBSP}000{NBSP}евро" in feed.split("<content", 1)[1]  # the body, as the entry carries it
    assert f"<title>A fine of 10,000{NBSP}euros</title>" in (site / "feed.xml").read_text(encoding="utf-8")

    drawing = (site / "ru/charts/numbers/numbers.svg").read_text(encoding="utf-8")
    assert f"в{NBSP}2024 году" in drawing and f"Рост в{NBSP}2024 году" in drawing
    assert (site / "ru/charts/numbers/numbers.csv").read_text(encoding="utf-8") == (
        "year,value\nв 2023 году,1500\nв 2024 году,2500\n")  # data as written
