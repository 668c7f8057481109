"""Validation of chart blocks: each ```chart in a page checked against its typed dataset.

Input: a page body and the datasets (with their declared columns, see datatypes.py).
Output: the page's `PlacedChart`s, or an error per mistake naming the line in the chart
block: an unknown column, a chart with nothing to measure, two metrics with different
units on one chart, a timeline without dates, two charts claiming one page address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .charts import CHART_KEYS, CHART_KINDS, REQUIRED_CHART_KEYS, ChartSpec, Dataset
from .errors import SiteError, did_you_mean
from .fields import FieldChecker
from .markup import find_chart_blocks
from .model import Article, HomePage, PlacedChart
from .yaml_lines import LineDict, parse_yaml

CHART_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def choices_hint(word: str, choices: tuple[str, ...], what: str) -> str:
    close = did_you_mean(word, choices)
    listed = ", ".join(choices) if choices else "none"
    if close and close.startswith("did you mean"):
        return f"{close} ({what}: {listed})"
    return f"{what}: {listed}"


def validate_charts(check: FieldChecker, body: str, body_line: int, datasets: Mapping[str, Dataset],
                    broken: frozenset[str] = frozenset()) -> tuple[PlacedChart, ...]:
    """Parse and check every chart block of a body against the datasets.

    A chart naming a dataset in `broken` (its file exists but has errors of its own) is
    skipped: the data file's errors say what to fix, "there is no dataset" would mislead.
    """
    charts = []
    for block in find_chart_blocks(body, body_line):
        try:
            spec = parse_yaml(block.spec_text, check.path, first_line=block.spec_line)
        except SiteError as error:
            check.errors.append(error)
            continue
        if not isinstance(spec, LineDict):
            check.error(block.fence_line, "a chart block must hold fields like 'data: ...' and 'kind: bar'")
            continue
        if not check.keys(spec, CHART_KEYS, REQUIRED_CHART_KEYS, "chart"):
            continue
        values = {key: check.text(spec, key, required=True) for key in CHART_KEYS}
        if any(values[key] is None for key in REQUIRED_CHART_KEYS):
            continue
        if values["kind"] not in CHART_KINDS:
            check.error(check.line_of(spec, "kind"), f"unknown chart kind '{values['kind']}'",
                        did_you_mean(values["kind"], CHART_KINDS))
            continue
        if values["data"] in broken:
            continue
        dataset = datasets.get(values["data"])
        if dataset is None:
            check.error(check.line_of(spec, "data"), f"there is no dataset '{values['data']}'",
                        choices_hint(values["data"], (*datasets, *sorted(broken)), "datasets in content/data/"))
            continue
        values["id"] = values["id"] or values["data"].replace("_", "-")
        if check_chart_spec(check, spec, values, dataset):
            charts.append(PlacedChart(ChartSpec(**values), block.fence_line))
    return tuple(charts)


def check_chart_spec(check: FieldChecker, spec: LineDict, values: dict, dataset: Dataset) -> bool:
    """Tell whether a chart's columns exist, have types, and make a chart that measures one thing."""
    count = len(check.errors)
    if not CHART_ID.match(values["id"]):
        check.error(check.line_of(spec, "id"), f"the chart id '{values['id']}' may hold only lowercase letters, "
                    "digits and single hyphens", "it becomes the chart's address: /charts/<id>/")
    if not dataset.column_types:
        check.error(check.line_of(spec, "data"), f"the data file {dataset.path} does not declare its columns",
                    "add 'columns:' before 'rows:' with each column's type, e.g. 'share_percent: percent' (see EDITING.md)")
        return False
    columns = {}
    for key in ("x", "y", "color", "label", "until"):
        name = values[key]
        if name is None:
            continue
        column = dataset.column(name)
        if column is None:
            check.error(check.line_of(spec, key), f"the dataset '{dataset.name}' has no column '{name}'",
                        choices_hint(name, dataset.columns, "columns"))
        else:
            columns[key] = column
    if len(check.errors) > count:
        return False
    x, y = columns["x"], columns["y"]
    if values["kind"] == "timeline":
        for key, wanted in (("x", "date"), ("until", "date"), ("y", "category")):
            if key in columns and columns[key].type != wanted:
                check.error(check.line_of(spec, key), f"a timeline's '{key}' must be a {wanted} column; "
                            f"{columns[key].describe()} is not")
    elif not (x.is_measure or y.is_measure):
        check.error(check.line_of(spec, "y"), f"the chart has nothing to measure: {x.describe()} and {y.describe()}",
                    "put a number or percent column on x or y")
    elif "until" in columns:
        check.error(check.line_of(spec, "until"), "only a timeline chart has 'until'")
    if "color" in columns and columns["color"].is_measure:
        check.error(check.line_of(spec, "color"), f"'color' groups rows by category; {columns['color'].describe()} "
                    "is a measure", "use a category or text column")
    measured = {key: column for key, column in columns.items() if column.is_measure and key != "color"}
    units = {column.unit_name: key for key, column in measured.items()}
    if len(units) > 1:
        listed = " and ".join(column.describe() for column in dict.fromkeys(measured.values()))
        check.error(check.line_of(spec, list(units.values())[-1]), f"the chart mixes metrics with different units: {listed}",
                    "a chart shows one metric; draw the other in a chart of its own")
    return len(check.errors) == count


def check_chart_ids(pages: list[Article | HomePage], errors: list[SiteError]) -> None:
    """Report two different charts of one edition with the same id: each chart has a page of its own at
    /charts/<id>/. The same chart shown twice is one chart."""
    owners: dict[str, tuple[Article | HomePage, PlacedChart]] = {}
    for article in pages:
        for chart in article.charts:
            first = owners.setdefault(chart.spec.id, (article, chart))
            if first[1].spec != chart.spec:
                errors.append(SiteError(article.path, chart.line, f"the chart id '{chart.spec.id}' is already used "
                                        f"by the chart on line {first[1].line} of {first[0].path}",
                                        "give this chart its own 'id:'; it names the chart's page, /charts/<id>/"))
