"""Validation of chart blocks: each ```chart in a page checked against its typed dataset.

Input: a page body and the datasets (with their declared columns, see checking/datatypes.py).
Output: the page's `PlacedChart`s, or an error per mistake naming the line in the chart
block: an unknown column, a chart with nothing to measure, two metrics with different
units on one chart, a timeline without dates, two charts claiming one page address.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from ..errors import SiteError, did_you_mean
from ..messages import N_, _
from ..model import Article, HomePage, PlacedChart
from ..reading.fields import FieldChecker
from ..reading.yaml_lines import LineDict, parse_yaml
from ..rendering.charts import CHART_KEYS, CHART_KINDS, REQUIRED_CHART_KEYS, ChartSpec, Dataset
from ..rendering.markup import find_chart_blocks

CHART_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def choices_hint(word: str, choices: tuple[str, ...], what: str) -> str:
    """Return a hint listing the choices (`what` names them, marked with N_()), with the closest one first."""
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    listed = ", ".join(choices) if choices else _("none")
    if close:
        return _("did you mean '{name}'? ({what}: {names})", name=close[0], what=_(what), names=listed)
    return _("{what}: {names}", what=_(what), names=listed)


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
            check.error(block.fence_line, _("a chart block must hold fields like 'data: ...' and 'kind: bar'"))
            continue
        if not check.keys(spec, CHART_KEYS, REQUIRED_CHART_KEYS, N_("chart")):
            continue
        values = {key: check.text(spec, key, required=True) for key in CHART_KEYS}
        if any(values[key] is None for key in REQUIRED_CHART_KEYS):
            continue
        if values["kind"] not in CHART_KINDS:
            check.error(check.line_of(spec, "kind"), _("unknown chart kind '{kind}'", kind=values["kind"]),
                        did_you_mean(values["kind"], CHART_KINDS))
            continue
        if values["data"] in broken:
            continue
        dataset = datasets.get(values["data"])
        if dataset is None:
            check.error(check.line_of(spec, "data"), _("there is no dataset '{name}'", name=values["data"]),
                        choices_hint(values["data"], (*datasets, *sorted(broken)), N_("datasets in content/data/")))
            continue
        values["id"] = values["id"] or values["data"].replace("_", "-")
        if check_chart_spec(check, spec, values, dataset):
            charts.append(PlacedChart(ChartSpec(**values), block.fence_line))
    return tuple(charts)


def check_chart_spec(check: FieldChecker, spec: LineDict, values: dict, dataset: Dataset) -> bool:
    """Tell whether a chart's columns exist, have types, and make a chart that measures one thing."""
    count = len(check.errors)
    if not CHART_ID.match(values["id"]):
        check.error(check.line_of(spec, "id"),
                    _("the chart id '{id}' may hold only lowercase letters, digits and single hyphens", id=values["id"]),
                    _("it becomes the chart's address: /charts/<id>/"))
    if not dataset.column_types:
        check.error(check.line_of(spec, "data"), _("the data file {path} does not declare its columns", path=dataset.path),
                    _("add 'columns:' before 'rows:' with each column's type, e.g. 'share_percent: percent' (see EDITING.md)"))
        return False
    columns = {}
    for key in ("x", "y", "color", "label", "until"):
        name = values[key]
        if name is None:
            continue
        column = dataset.column(name)
        if column is None:
            check.error(check.line_of(spec, key), _("the dataset '{dataset}' has no column '{column}'", dataset=dataset.name, column=name),
                        choices_hint(name, dataset.columns, N_("columns")))
        else:
            columns[key] = column
    if len(check.errors) > count:
        return False
    x, y = columns["x"], columns["y"]
    if values["kind"] == "timeline":
        for key, wanted in (("x", "date"), ("until", "date"), ("y", "category")):
            if key in columns and columns[key].type != wanted:
                check.error(check.line_of(spec, key), _("a timeline's '{key}' must be a {type} column; {column} is not",
                                                        key=key, type=wanted, column=columns[key].describe()))
    elif not (x.is_measure or y.is_measure):
        check.error(check.line_of(spec, "y"), _("the chart has nothing to measure: {x} and {y}", x=x.describe(), y=y.describe()),
                    _("put a number or percent column on x or y"))
    elif "until" in columns:
        check.error(check.line_of(spec, "until"), _("only a timeline chart has 'until'"))
    if "color" in columns and columns["color"].is_measure:
        check.error(check.line_of(spec, "color"),
                    _("'color' groups rows by category; {column} is a measure", column=columns["color"].describe()),
                    _("use a category or text column"))
    measured = {key: column for key, column in columns.items() if column.is_measure and key != "color"}
    units = {column.unit_name: key for key, column in measured.items()}
    if len(units) > 1:
        described = [column.describe() for column in dict.fromkeys(measured.values())]
        listed = _("{columns} and {last}", columns=", ".join(described[:-1]), last=described[-1])
        check.error(check.line_of(spec, list(units.values())[-1]), _("the chart mixes metrics with different units: {columns}",
                                                                     columns=listed),
                    _("a chart shows one metric; draw the other in a chart of its own"))
    return len(check.errors) == count


def check_chart_ids(pages: list[Article | HomePage], errors: list[SiteError]) -> None:
    """Report two different charts of one edition with the same id: each chart has a page of its own at
    /charts/<id>/. The same chart shown twice is one chart."""
    owners: dict[str, tuple[Article | HomePage, PlacedChart]] = {}
    for article in pages:
        for chart in article.charts:
            first = owners.setdefault(chart.spec.id, (article, chart))
            if first[1].spec != chart.spec:
                errors.append(SiteError(article.path, chart.line,
                                        _("the chart id '{id}' is already used by the chart on line {line} of {path}",
                                          id=chart.spec.id, line=first[1].line, path=first[0].path),
                                        _("give this chart its own 'id:'; it names the chart's page, /charts/<id>/")))
