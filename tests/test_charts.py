"""Charts: a ```chart block becomes an accessible figure, and each distinct chart is
rendered once per build."""

from __future__ import annotations

import re

from sitegen.content import Project
from sitegen.pipeline import BuildOptions, SiteBuilder

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

    assert builder.charts.rendered == 1
    for page in ("articles/first/index.html", "articles/second/index.html"):
        assert b'<svg role="img"' in result.pages[page], page


def test_a_different_chart_is_rendered_separately(make_site, chart_block):
    other = chart_block.replace("kind: bar", "kind: line\nid: numbers-line")
    root = make_site({"content/articles/second.md": FRONT.format(title="Second article", date="2024-01-03")
                      + chart_block + "\n" + other})
    builder = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions(search_index=False))

    result = builder.build()

    assert builder.charts.rendered == 2
    assert result.pages["articles/second/index.html"].count(b'<svg role="img"') == 2


def test_the_same_chart_twice_on_a_page_keeps_ids_unique(make_site, chart_block):
    root = make_site({"content/articles/second.md": FRONT.format(title="Second article", date="2024-01-03")
                      + chart_block + "\nAgain:\n\n" + chart_block})

    html = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions(search_index=False)).build().pages[
        "articles/second/index.html"].decode("utf-8")

    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted(ids) == sorted(set(ids))
