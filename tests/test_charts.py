"""Charts: a ```chart block becomes an accessible figure, and each distinct chart is
rendered once per build."""

from __future__ import annotations

import re

from sitegen.options import BuildOptions
from sitegen.pipeline import SiteBuilder
from sitegen.reading.project import Project

FRONT = "---\ntitle: {title}\nsummary: s\ndate: {date}\n---\n## Details\n\n"


def test_chart_block_becomes_figure_with_named_svg_caption_source_and_data_table(make_site, build, capsys, chart_block):
    root = make_site({"content/articles/second.md": FRONT.format(title="Second article", date="2024-01-03")
                      + "Before.\n\n" + chart_block + "\nAfter.\n"})

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/second/index.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="chart" id="(chart-[0-9a-f]+)">.*?</figure>', html, re.DOTALL)
    assert figure, html
    figure, chart_id = figure.group(0), figure.group(1)
    assert '<figcaption class="chart-title">Bar chart of value by year, 1 in 2023 and 2 in 2024.</figcaption>' in figure
    svg = re.search(r"<svg [^>]*>", figure).group(0)
    assert 'role="img"' in svg
    assert f'aria-labelledby="{chart_id}-alt"' in svg
    assert f'<title id="{chart_id}-alt">Bar chart of value by year, 1 in 2023 and 2 in 2024.</title>' in figure
    # The dataset's sources, cited: numbered among the page's own citations, listed at its end.
    assert re.search(r'<p class="chart-source" data-pagefind-ignore>Sources: The Test Times<sup class="noteref" '
                     r'data-pagefind-ignore>\[<a href="#source-1" id="cite-1-1" role="doc-noteref" '
                     r'aria-label="Source 1">1</a>\]</sup></p>', figure), figure
    assert '<li id="source-1">' in html
    assert re.search(r"<details[^>]*><summary>[^<]+</summary><table>", figure), figure
    assert ('<thead><tr><th scope="col">year</th><th scope="col">value</th></tr></thead>'
            "<tbody><tr><td>2023</td><td>1</td></tr><tr><td>2024</td><td>2</td></tr></tbody>") in figure
    assert html.index("<p>Before.</p>") < html.index("<figure") < html.index("<p>After.</p>")
    assert "```" not in html


def test_chart_text_from_the_editor_is_escaped(make_site, build, capsys, chart_block):
    block = chart_block.replace("description: Bar chart", "title: Value <b>bold</b> & more\ndescription: Bar chart")
    root = make_site({"content/articles/second.md": FRONT.format(title="Second article", date="2024-01-03") + block})

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/second/index.html").read_text(encoding="utf-8")
    assert '<figcaption class="chart-title">Value &lt;b&gt;bold&lt;/b&gt; &amp; more</figcaption>' in html


def test_identical_charts_are_rendered_once(make_site, chart_block):
    root = make_site({
        "content/articles/first.md": FRONT.format(title="First article", date="2024-01-02").replace("## Details", "## Background")
        + chart_block,
        "content/articles/second.md": FRONT.format(title="Second article", date="2024-01-03") + chart_block,
    })
    builder = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions(search_index=False))

    result = builder.build()

    assert builder.memory.charts.rendered == 1
    for page in ("articles/first/index.html", "articles/second/index.html"):
        assert b'<svg role="img"' in result.pages[page], page


def test_a_different_chart_is_rendered_separately(make_site, chart_block):
    other = chart_block.replace("kind: bar", "kind: line\nid: numbers-line")
    root = make_site({"content/articles/second.md": FRONT.format(title="Second article", date="2024-01-03")
                      + chart_block + "\n" + other})
    builder = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions(search_index=False))

    result = builder.build()

    assert builder.memory.charts.rendered == 2
    assert result.pages["articles/second/index.html"].count(b'<svg role="img"') == 2


def test_the_same_chart_twice_on_a_page_keeps_ids_unique(make_site, chart_block):
    root = make_site({"content/articles/second.md": FRONT.format(title="Second article", date="2024-01-03")
                      + chart_block + "\nAgain:\n\n" + chart_block})

    html = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions(search_index=False)).build().pages[
        "articles/second/index.html"].decode("utf-8")

    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted(ids) == sorted(set(ids))


TIMELINE_DATA = """\
description: Events for the timeline test.
sources: [test-report]
columns:
  date: date
  until: {type: date, optional: true}
  track: category
  event: text
  label: {type: text, optional: true}
rows:
  - {date: 2020-03-02, track: Exchange, event: Opens.}
  - {date: 2023-09, track: Exchange, event: Sells its business in a month the sources give., label: Business sold}
  - {date: 2024-03-28, until: 2024-04-05, track: Buyer, event: Closes in steps.}
  - {date: 2027-07-01, track: State, event: A planned penalty., label: Penalties for working without a licence (plan)}
"""
TIMELINE_BLOCK = """\
```chart
data: events
kind: timeline
x: date
until: until
y: track
label: label
description: Timeline of four events in three tracks, two of them labelled.
```
"""


def test_a_timeline_labels_its_key_events_and_every_mark_links_to_its_row_on_the_page(make_site, build, capsys):
    root = make_site({"content/data/events.yaml": TIMELINE_DATA,
                      "content/articles/second.md": FRONT.format(title="Second article", date="2024-01-03") + TIMELINE_BLOCK})

    assert build(root) == 0, capsys.readouterr().err

    for page in ("articles/second/index.html", "charts/events/index.html"):
        html = (root / "_site" / page).read_text(encoding="utf-8")
        svg = re.search(r"<svg .*?</svg>", html, re.DOTALL).group(0)
        texts = [re.sub(r"<[^>]+>", " ", text).split() for text in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.DOTALL)]
        words = [" ".join(text) for text in texts]
        # The tracks head their events; the labelled events carry their label, the others none.
        assert {"Exchange", "Buyer", "State", "Business sold"} <= set(words), words
        assert "Penalties for working without a licence (plan)" in words, words  # wrapped onto lines, never cut
        assert not any(word in words for word in ("Opens.", "Closes in steps."))
        assert {"2020", "2027"} <= set(words), words  # the time axis spans every year of the events
        # Each of the four marks links to its row in the data table on this very page, never to Vega's own site.
        links = re.findall(r'(?:xlink:)?href="([^"]*)"', svg)
        assert set(links) == {"#event-1", "#event-2", "#event-3", "#event-4"}, links
        assert all(f'<tr id="{link[1:]}">' in html for link in links)
        assert "vega.github.io" not in html
    standalone = (root / "_site/charts/events/events.svg").read_text(encoding="utf-8")
    assert "href=" not in standalone  # a downloaded drawing has no table to link to
