"""Chart pages: every chart has a page of its own in each edition, /charts/<id>/, with its figure,
text alternative, data table, sources and downloads (CSV = the dataset, SVG, PNG, share card);
the chart in an article links to it, and /charts/ lists them all."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
import yaml
from PIL import Image

from sitegen.options import BuildOptions
from sitegen.pipeline import SiteBuilder
from sitegen.reading.project import Project

FIRST_WITH_CHART = "---\ntitle: First article\nsummary: The first article.\ndate: 2024-01-02\n---\n" \
                   "## Background\n\nA report says so [@test-report].\n\n"
# The Russian twin of the chart's data and of the article showing it: the same chart id, "numbers".
RU_DATA = """\
description: Два числа для графиков.
sources: [test-report]
columns:
  year: {type: category, title: Год}
  value: {type: number, title: Число}
rows:
  - year: "2023 г."
    value: 1
  - year: "2024 г."
    value: 2
"""
RU_ARTICLE = """\
---
title: Первая статья
summary: Первая статья с графиком.
date: 2024-01-02
translated_from: 2024-01-02
---
Так сказано в отчёте [@test-report].

```chart
data: numbers
kind: bar
x: year
y: value
description: Столбцы по годам, 1 в 2023 году и 2 в 2024 году.
```
"""


@pytest.fixture
def charted(make_site, chart_block):
    """Return a bilingual site whose first article (and its translation) shows the numbers chart."""
    return make_site({
        "content/articles/first.md": FIRST_WITH_CHART + chart_block,
        "content/articles/first.ru.md": RU_ARTICLE,
        "content/data/numbers.ru.yaml": RU_DATA,
        "content/site.ru.yaml": "title: Тестовый обзор\ndescription: Сайт для тестов.\n",
    })


@pytest.fixture
def output(charted, build, capsys):
    assert build(charted) == 0, capsys.readouterr().err
    return charted / "_site"


@pytest.mark.parametrize("prefix", ["", "ru/"])
def test_each_edition_has_a_page_per_chart_with_figure_table_sources_and_downloads(output, prefix):
    page = (output / f"{prefix}charts/numbers/index.html").read_text(encoding="utf-8")

    assert '<figure class="chart" id="chart-1">' in page
    assert 'role="img" aria-labelledby="chart-1-alt"' in page  # the text alternative names the image
    assert "<table>" in page and "<th scope=\"col\">" in page
    assert 'role="doc-endnotes"' in page and "The Test Times" in page  # the data's sources, numbered
    for suffix in ("csv", "svg", "png"):
        assert f'href="/{prefix}charts/numbers/numbers.{suffix}" download' in page
    assert f'href="/{prefix}articles/first/"' in page  # where the chart is shown
    assert "chart-page-link" not in page  # no link to itself


@pytest.mark.parametrize("prefix", ["", "ru/"])
def test_the_csv_download_is_the_dataset(output, charted, prefix):
    data_file = charted / "content/data" / ("numbers.ru.yaml" if prefix else "numbers.yaml")
    dataset = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    rows = list(csv.reader(io.StringIO((output / f"{prefix}charts/numbers/numbers.csv").read_text(encoding="utf-8"))))

    columns = list(dataset["columns"])
    assert rows[0] == columns
    assert rows[1:] == [[str(row[name]) for name in columns] for row in dataset["rows"]]


def test_the_image_downloads_are_an_svg_a_png_and_a_share_card(output):
    folder = output / "charts/numbers"

    svg = ET.fromstring((folder / "numbers.svg").read_bytes())
    assert svg.tag.endswith("svg")
    assert "Sources: The Test Times" in (folder / "numbers.svg").read_text(encoding="utf-8")  # stands alone, cited
    assert Image.open(folder / "numbers.png").format == "PNG"
    assert Image.open(folder / "card.png").size == (1200, 630)


def test_the_chart_in_an_article_links_to_its_page_and_the_index_lists_every_chart(output):
    article = (output / "articles/first/index.html").read_text(encoding="utf-8")
    index = (output / "charts/index.html").read_text(encoding="utf-8")
    russian_index = (output / "ru/charts/index.html").read_text(encoding="utf-8")

    assert '<p class="chart-page-link" data-pagefind-ignore><a href="/charts/numbers/">' in article
    assert 'href="/charts/numbers/"' in index and 'href="/articles/first/"' in index
    assert 'href="/ru/charts/numbers/"' in russian_index
    assert 'href="/charts/"' in article  # the footer leads to the index from every page


def test_a_chart_page_names_its_translation(output):
    page = (output / "charts/numbers/index.html").read_text(encoding="utf-8")

    assert 'href="/ru/charts/numbers/"' in page


def test_downloads_are_drawn_once_and_follow_their_data(charted):
    project = Project.from_content_dir(charted / "content")
    options = BuildOptions(search_index=False, jobs=1)
    builder = SiteBuilder(project, options)
    builder.build()

    assert builder.memory.chart_files.make([], jobs=1) == 0
    builder.build()
    assert builder.memory.graph.made.get("chart-files", 0) == 0  # nothing drawn again

    data = charted / "content/data/numbers.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("value: 2", "value: 7"), encoding="utf-8")
    result = builder.build()
    assert result.pages["charts/numbers/numbers.csv"] == b"year,value\n2023,1\n2024,7\n"
    assert result.pages == SiteBuilder(project, options).build().pages  # same as a clean build


def test_a_site_without_charts_has_an_index_that_says_so(make_site, build, capsys):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err

    assert "There are no charts yet." in (root / "_site/charts/index.html").read_text(encoding="utf-8")
