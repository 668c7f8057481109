"""Charts as a reader meets them: a visible SVG with a name screen readers announce, and
a data table behind a summary that opens on click, with or without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ACCESSIBLE_NAME = re.compile(r'^- img "(?P<name>.+)"', re.MULTILINE)
MIN_NAME_LENGTH = 20  # a sentence describing the chart, not "chart" or a file name


def count_charts(served_site, path: str) -> int:
    """Return how many chart figures the built HTML for a path holds."""
    file = served_site / path.lstrip("/")
    if path.endswith("/"):
        file = file / "index.html"
    return file.read_text(encoding="utf-8").count('<figure class="chart"')


def test_the_site_has_charts_to_test(served_site, page_paths):
    total = sum(count_charts(served_site, path) for path in page_paths)
    assert total > 0, "no page has a chart figure: the chart tests below would check nothing"


def test_every_chart_is_visible_and_has_an_accessible_name(served_site, page_paths, visit, subtests):
    for path in page_paths:
        with subtests.test(page=path):
            page, _ = visit(path)
            charts = page.locator("figure.chart .chart-image svg")
            expect(charts).to_have_count(count_charts(served_site, path))
            for index, chart in enumerate(charts.all()):
                expect(chart).to_be_visible()
                snapshot = chart.aria_snapshot()
                match = ACCESSIBLE_NAME.search(snapshot)
                assert match, f"{path}: chart {index + 1} is not an image with a name; accessibility tree:\n{snapshot}"
                name = match.group("name")
                assert len(name) >= MIN_NAME_LENGTH, f"{path}: chart {index + 1} has a too short name: {name!r}"
                expect(page.get_by_role("img", name=name, exact=True)).to_have_count(1)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_clicking_a_chart_summary_opens_its_data_table(served_site, page_paths, visit, subtests, javascript):
    for path in page_paths:
        with subtests.test(page=path):
            page, _ = visit(path, java_script_enabled=javascript)
            figures = page.locator("figure.chart")
            expect(figures).to_have_count(count_charts(served_site, path))
            for figure in figures.all():
                table = figure.locator("details table")
                expect(table).to_be_hidden()
                figure.locator("summary").click()
                expect(table).to_be_visible()
                expect(table.get_by_role("columnheader").first).to_be_visible()
                expect(table.get_by_role("cell").first).to_be_visible()
