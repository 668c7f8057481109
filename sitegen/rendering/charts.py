"""Charts: a ChartSpec and its Dataset become an accessible figure at build time.

Input: a validated `ChartSpec` and the `Dataset` it names. Output: HTML for a
`<figure>` holding an inline SVG (rendered by Altair through vl-convert, so readers need
no JavaScript), its caption, its source line and the data as a table in `<details>`.
Altair and the renderer are imported only when a chart is actually rendered, because
importing them costs more than building a page. Who draws each chart, once and in a worker
of its own, is chart_drawing.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import textwrap
from dataclasses import asdict, dataclass

from ..checking.citations import citation_mark
from ..checking.datatypes import Column
from ..dates import format_partial_date, parse_partial_date

CHART_KINDS = ("bar", "line", "area", "point", "timeline")
CHART_KEYS = (
    "data", "kind", "x", "y", "color", "label", "title", "description",
    "x_title", "y_title", "id", "until",
)
REQUIRED_CHART_KEYS = ("data", "kind", "x", "y", "description")

# Sized for a phone: the SVG scales with the column, so a narrow drawing keeps its
# text legible at 390 px and merely grows on a desktop.
CHART_WIDTH = 320
CHART_HEIGHT = 200
PADDING = 5  # around the drawing, inside its width
MARK_COLOR = "#3f78b5"  # 3:1 or better against both the light and the dark page
AXIS_COLOR = "#888888"
# The build measures text in the first font it finds. DejaVu Sans is among the widest sans fonts
# and comes with fontconfig wherever the build runs; readers without it get a narrower system
# font, so measured labels and titles always fit.
CHART_FONT = "'DejaVu Sans', system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
TITLE_WRAP = 28  # characters per line of an axis title: about the plot width left beside wrapped labels


@dataclass(frozen=True)
class ChartSpec:
    """What an editor wrote in a ```chart block, validated."""

    data: str
    kind: str
    x: str
    y: str
    description: str
    title: str | None = None
    color: str | None = None
    label: str | None = None
    x_title: str | None = None
    y_title: str | None = None
    id: str = ""  # names the chart's page, /charts/<id>/; the data file's name unless the editor gives one
    until: str | None = None  # a timeline's column of the days its spans end


@dataclass(frozen=True)
class Dataset:
    """A YAML data file: its rows, the columns they share, and where it came from."""

    name: str
    path: str
    columns: tuple[str, ...]
    rows: tuple[dict, ...]
    description: str | None = None
    sources: tuple[str, ...] = ()  # ids in the sources registry: the chart's source line cites them
    note: str | None = None  # what readers should know about the figures, e.g. which are derived
    digest: str = ""
    column_types: tuple[Column, ...] = ()  # as declared under 'columns:'; a chart needs them

    def column(self, name: str) -> Column | None:
        """Return the declared column of that name, if the file declares its columns."""
        return next((c for c in self.column_types if c.name == name), None)


# d3's number and date formats per language: 130 000 and 0,5 in Russian charts.
FORMAT_LOCALES = {"en": "en-US", "ru": "ru-RU"}


@dataclass(frozen=True)
class ChartLanguage:
    """How a chart speaks: its language and the words around it."""

    code: str = "en"
    source_label: str = "Sources"
    table_label: str = "Show the data table"
    no_data: str = "no data"
    page_link: str = "This chart's page, with its data and image to download"


def chart_key(spec: ChartSpec, dataset: Dataset, language: str = "en") -> str:
    """Return a hash identifying the rendered chart: same spec, data and language, same figure."""
    payload = json.dumps([asdict(spec), dataset.digest, language, CHART_WIDTH, CHART_HEIGHT], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def wrap_label(text: str, width: int) -> str:
    """Return a label broken into lines of about `width` characters at spaces, never cut short."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def format_number(value, column: Column | None, language: str) -> str:
    """Return a value as readers see it in this language: 1,500 / 1 500, 47% / 47 %."""
    from babel.numbers import format_decimal, format_percent

    if column is not None and column.type == "percent":
        return format_percent(value / 100, locale=language, decimal_quantization=False)
    return format_decimal(value, locale=language)


def _period(value) -> tuple[str, str]:
    """Return the first day of a date and the day after its last, as ISO text: a month spans the month."""
    date = parse_partial_date(value)
    return date.first_day.isoformat(), (date.last_day + dt.timedelta(days=1)).isoformat()


def chart_rows(spec: ChartSpec, dataset: Dataset, language: str) -> list[dict]:
    """Return the rows the drawing reads: the data's, plus wrapped labels, readers' numbers and date spans."""
    x, y = dataset.column(spec.x), dataset.column(spec.y)
    horizontal = (x.is_measure and not y.is_measure) or spec.kind == "timeline"
    category = y if horizontal else x
    categories = list(dict.fromkeys(str(row.get(category.name)) for row in dataset.rows))
    # Labels beside horizontal bars get about a third of the width; under columns, each its share.
    # A timeline's marks link to its rows in the data table (#event-N).
    width = 16 if horizontal else max(6, CHART_WIDTH // max(1, len(categories)) // 7)
    rows = []
    for number, row in enumerate(dataset.rows, start=1):
        drawn = {**row, "_wrapped": wrap_label(str(row.get(category.name)), width), "_anchor": f"#event-{number}"}
        if spec.label and row.get(spec.label) is not None:
            label_column = dataset.column(spec.label)
            drawn["_label"] = (format_number(row[spec.label], label_column, language) if label_column.is_measure
                               else str(row[spec.label]))
        for key in ("x", "until"):
            column = dataset.column(getattr(spec, key) or "")
            if column is not None and column.type == "date" and row.get(column.name) is not None:
                drawn[f"_{key}_start"], drawn[f"_{key}_end"] = _period(row[column.name])
        rows.append(drawn)
    return rows


def _percent_labels(language: str) -> str:
    """Return the Vega expression that writes an axis's percent ticks as this language does: 40% or 40 %."""
    return "datum.label + '\u00a0%'" if language == "ru" else "datum.label + '%'"


def axis_title(text: str) -> list[str]:
    """Return an axis title as lines: Vega does not wrap titles, and a long one runs off a phone."""
    return wrap_label(text, TITLE_WRAP).split("\n")


def build_vegalite(spec: ChartSpec, dataset: Dataset, language: str = "en") -> dict:
    """Return the Vega-Lite spec for a chart, built with Altair from the dataset's declared column types.

    Numbers and percents are measured on a scale; categories keep the data file's order with
    labels wrapped onto lines (never cut with "…"); dates are drawn on a time axis, a month or
    a year as a span over that whole period, never as a point on a made-up day.
    """
    import altair as alt

    x_column, y_column = dataset.column(spec.x), dataset.column(spec.y)
    rows = chart_rows(spec, dataset, language)
    base = alt.Chart(alt.Data(values=rows))

    def measure(cls, column: Column, title: str | None):
        axis = alt.Axis(tickCount=4, labelOverlap="greedy", labelFlush=False, grid=True,
                        labelExpr=_percent_labels(language) if column.type == "percent" else alt.Undefined)
        return cls(column.name, type="quantitative", title=axis_title(title or column.label), axis=axis)

    def category(cls, column: Column, title: str | None, horizontal: bool):
        # Multi-line labels: Vega draws a list of strings as lines. Beside horizontal bars the
        # labels name themselves (the data table has the column's title): a title turned on its
        # side there is what overlapped the labels on a phone.
        axis = alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=0, labelAngle=0, labelPadding=6,
                        ticks=False, title=None if horizontal else axis_title(title or column.label))
        return cls("_wrapped", type="ordinal", sort=None, axis=axis)

    if spec.kind == "timeline":  # a group per track, key events labelled, every mark linking to its row (#event-N)
        from .timeline_chart import timeline_layers

        chart, height = timeline_layers(alt, spec, rows, CHART_WIDTH - 2 * PADDING, MARK_COLOR,
                                        axis_title(spec.x_title or x_column.label))
        return _configured(alt, chart, height)

    horizontal = x_column.is_measure and not y_column.is_measure
    encoding = {}
    for key, cls, column, title in (("x", alt.X, x_column, spec.x_title), ("y", alt.Y, y_column, spec.y_title)):
        if column.is_measure:
            encoding[key] = measure(cls, column, title)
        elif column.type == "date":
            encoding[key] = cls("_x_start", type="temporal", title=axis_title(title or column.label),
                                axis=alt.Axis(tickCount=4, labelOverlap="greedy", labelFlush=False))
            if spec.kind in ("bar", "point") and any(parse_partial_date(v).precision != "day"
                                                     for v in (r.get(column.name) for r in dataset.rows) if v):
                encoding[f"{key}2"] = alt.X2("_x_end") if key == "x" else alt.Y2("_x_end")
        else:
            encoding[key] = category(cls, column, title, horizontal=key == "y" and horizontal)
    if spec.color:
        encoding["color"] = alt.Color(spec.color, type="nominal", sort=None, legend=alt.Legend(orient="bottom"))
    base = base.encode(**encoding)
    marks = {
        # A null value is a gap: no bar, and a break in a line rather than a join across it.
        "bar": base.mark_bar(color=MARK_COLOR),
        "line": base.mark_line(color=MARK_COLOR, point=True, invalid=None,
                               interpolate="step-after" if "x2" in encoding else "linear"),
        "area": base.mark_area(color=MARK_COLOR, opacity=0.6, line=True, invalid=None),
        "point": base.mark_point(color=MARK_COLOR, filled=True, size=90),
    }
    chart = marks[spec.kind]
    if spec.label:
        offset = {"dx": 4, "align": "left", "baseline": "middle"} if horizontal else {"dy": -8}
        chart = chart + base.mark_text(fontSize=12, **offset).encode(text=alt.Text("_label", type="nominal"))
    return _configured(alt, chart)


def _configured(alt, chart, height: float = CHART_HEIGHT) -> dict:
    chart = chart.properties(width=CHART_WIDTH, height=height).configure(
        background="transparent",
        padding=PADDING,
        font=CHART_FONT,
        # The whole drawing, labels and titles included, fits the width: text keeps its size on a phone.
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12, labelColor=AXIS_COLOR, titleFontWeight="normal",
                            titleColor=AXIS_COLOR, domainColor=AXIS_COLOR, labelLineHeight=14,
                            tickColor=AXIS_COLOR, gridColor=AXIS_COLOR, gridOpacity=0.3),
        legend=alt.LegendConfig(labelFontSize=12, titleFontSize=12, labelLimit=0),
    )
    # Our code builds the spec; schema validation would cost more than the rendering.
    return chart.to_dict(validate=False)


def render_svg(vegalite: dict, language: str = "en") -> str:
    """Render a Vega-Lite spec to SVG text, offline, with the language's number and date formats."""
    import vl_convert

    locale = FORMAT_LOCALES.get(language, "en-US")
    svg = vl_convert.vegalite_to_svg(vegalite, format_locale=locale, time_format_locale=locale)
    return in_page_links(svg)


# Vega resolves a mark's link (#event-N) against its base URL, which vl-convert 1.9 sets, with no option
# to change it, to https://vega.github.io/vega-datasets/: what it put before the '#' goes.
_RESOLVED_ANCHOR = re.compile(r'((?:xlink:)?href=")[^"#]*#')


def in_page_links(svg: str) -> str:
    """Return the SVG with every link to an anchor made a link within the page: "#event-3", not Vega's base URL's."""
    return _RESOLVED_ANCHOR.sub(r"\1#", svg)


_ROOT_SIZE = re.compile(r'^<svg([^>]*?) width="[\d.]+" height="[\d.]+"')
_INNER_ARIA = re.compile(r' (?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"')


def make_accessible_svg(svg: str, label: str, chart_id: str) -> str:
    """Make the SVG scale with its column and expose one accessible name.

    Vega marks every group with ARIA roles; inside role="img" those are noise for
    screen readers, so they are removed and the figure's description names the image.
    """
    svg = _INNER_ARIA.sub("", svg)
    svg = _ROOT_SIZE.sub(r"<svg\1", svg, count=1)
    return svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{chart_id}-alt" focusable="false" ',
        1,
    ).replace(">", f'><title id="{chart_id}-alt">{html.escape(label)}</title>', 1)


def render_data_table(spec: ChartSpec, dataset: Dataset, language: ChartLanguage = ChartLanguage()) -> str:
    """Return the chart's data as an HTML table, the columns the chart uses first, headed by their titles.

    A timeline's rows carry the ids its marks link to (`event-N`).
    """
    used = [c for c in (spec.x, spec.until, spec.y, spec.color, spec.label) if c]
    columns = [dataset.column(name) or Column(name, "text") for name in dict.fromkeys(used + list(dataset.columns))]
    head = "".join(f'<th scope="col">{html.escape(c.label)}</th>' for c in columns)
    body = []
    for number, row in enumerate(dataset.rows, start=1):
        row_id = f' id="event-{number}"' if spec.kind == "timeline" else ""
        cells = "".join(f"<td>{html.escape(format_cell(row.get(c.name), c, language))}</td>" for c in columns)
        body.append(f"<tr{row_id}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def format_cell(value, column: Column, language: ChartLanguage = ChartLanguage()) -> str:
    """Return a table cell's text: "no data" for a gap, numbers and dates as this language writes them."""
    if value is None:
        return language.no_data if column.is_measure or not column.optional else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, column, language.code)
    date = parse_partial_date(value) if column.type == "date" else None
    return format_partial_date(date, language.code) if date else column.shown(str(value))


def render_chart_figure(spec: ChartSpec, dataset: Dataset, svg: str, chart_id: str,
                        language: ChartLanguage = ChartLanguage(), page_url: str | None = None) -> str:
    """Return the full <figure>: title, SVG, source line, collapsible data table and the link to the chart's page."""
    title = spec.title or spec.description
    parts = [f'<figure class="chart" id="{chart_id}">']
    parts.append(f'<figcaption class="chart-title">{html.escape(title)}</figcaption>')
    parts.append(f'<div class="chart-image">{make_accessible_svg(svg, spec.description, chart_id)}</div>')
    if dataset.sources or dataset.note:
        # The sources are cited by mark: the page numbers them among its own citations (checking/citations.py).
        cited = citation_mark(dataset.sources, named=True) if dataset.sources else ""
        note = f" {html.escape(dataset.note)}" if dataset.note else ""
        parts.append(f'<p class="chart-source" data-pagefind-ignore>{html.escape(language.source_label)}: {cited}{note}</p>')
    parts.append(
        f'<details class="chart-data"><summary>{html.escape(language.table_label)}</summary>'
        f"{render_data_table(spec, dataset, language)}</details>"
    )
    if page_url:
        parts.append(f'<p class="chart-page-link" data-pagefind-ignore><a href="{html.escape(page_url)}">'
                     f"{html.escape(language.page_link)}</a></p>")
    parts.append("</figure>")
    return "".join(parts)
