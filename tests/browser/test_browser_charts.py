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


# Every text box of a chart as the browser lays it out: its words and its rectangle.
TEXT_BOXES = """(svg) => {
  const frame = svg.getBoundingClientRect();
  const boxes = [...svg.querySelectorAll('text')].map((text) => {
    const box = text.getBoundingClientRect();
    return {text: text.textContent, left: box.left, top: box.top, right: box.right, bottom: box.bottom};
  }).filter((box) => box.text.trim() && box.right > box.left);
  return {frame: {left: frame.left, top: frame.top, right: frame.right, bottom: frame.bottom},
          viewport: document.documentElement.clientWidth, boxes};
}"""
OVERLAP_TOLERANCE = 1.0  # px: glyph boxes of neighbouring labels may touch, never cover each other


def overlapping(first: dict, second: dict) -> bool:
    return (min(first["right"], second["right"]) - max(first["left"], second["left"]) > OVERLAP_TOLERANCE
            and min(first["bottom"], second["bottom"]) - max(first["top"], second["top"]) > OVERLAP_TOLERANCE)


def chart_text_problems(layout: dict) -> list[str]:
    """Return what is wrong with a chart's text: cut with '…', covering other text, or outside the drawing or the screen."""
    problems = []
    boxes, frame = layout["boxes"], layout["frame"]
    for index, box in enumerate(boxes):
        if "…" in box["text"] or "..." in box["text"]:
            problems.append(f"{box['text']!r} is cut short")
        outside = (box["left"] < frame["left"] - OVERLAP_TOLERANCE or box["right"] > frame["right"] + OVERLAP_TOLERANCE
                   or box["top"] < frame["top"] - OVERLAP_TOLERANCE or box["bottom"] > frame["bottom"] + OVERLAP_TOLERANCE)
        if outside or box["left"] < 0 or box["right"] > layout["viewport"] + OVERLAP_TOLERANCE:
            problems.append(f"{box['text']!r} runs outside the drawing or the screen: {box} in {frame}")
        problems.extend(f"{box['text']!r} overlaps {other['text']!r}" for other in boxes[index + 1:] if overlapping(box, other))
    return problems


@pytest.mark.parametrize("width", [320, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_labels_never_overlap_and_are_never_cut(served_site, page_paths, visit, subtests, width, scheme):
    chart_pages = [path for path in page_paths if count_charts(served_site, path)]
    for path in chart_pages:
        with subtests.test(page=path):
            page, _ = visit(path, viewport={"width": width, "height": 900}, color_scheme=scheme)
            for number, svg in enumerate(page.locator("figure.chart .chart-image svg").all(), start=1):
                svg.scroll_into_view_if_needed()
                problems = chart_text_problems(svg.evaluate(TEXT_BOXES))
                assert not problems, f"{path}, chart {number} at {width} px ({scheme}):\n" + "\n".join(problems)
