"""Charts: a ChartSpec and its Dataset become an accessible figure at build time.

Input: a validated `ChartSpec` and the `Dataset` it names. Output: HTML for a
`<figure>` holding an inline SVG (rendered by Altair through vl-convert, so readers need
no JavaScript), its caption, its source line and the data as a table in `<details>`.
Altair and the renderer are imported only when a chart is actually rendered, because
importing them costs more than building a page.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import asdict, dataclass

from .citations import citation_mark
from .parallel import FreshWorkers

CHART_KINDS = ("bar", "line", "area", "point")
CHART_KEYS = (
    "data", "kind", "x", "y", "color", "label", "title", "description",
    "x_title", "y_title",
)
REQUIRED_CHART_KEYS = ("data", "kind", "x", "y", "description")

# Sized for a phone: the SVG scales with the column, so a narrow drawing keeps its
# text legible at 390 px and merely grows on a desktop.
CHART_WIDTH = 320
CHART_HEIGHT = 200
MARK_COLOR = "#3f78b5"  # 3:1 or better against both the light and the dark page
AXIS_COLOR = "#888888"
CHART_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


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


# d3's number and date formats per language: 130 000 and 0,5 in Russian charts.
FORMAT_LOCALES = {"en": "en-US", "ru": "ru-RU"}


@dataclass(frozen=True)
class ChartLanguage:
    """How a chart speaks: its language and the words around it."""

    code: str = "en"
    source_label: str = "Sources"
    table_label: str = "Show the data table"


def chart_key(spec: ChartSpec, dataset: Dataset, language: str = "en") -> str:
    """Return a hash identifying the rendered chart: same spec, data and language, same figure."""
    payload = json.dumps([asdict(spec), dataset.digest, language, CHART_WIDTH, CHART_HEIGHT], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def is_numeric_column(dataset: Dataset, column: str) -> bool:
    """Tell whether every value in a column is a number (quantitative on an axis)."""
    values = [row.get(column) for row in dataset.rows]
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def x_label_angle(dataset: Dataset, column: str) -> int:
    """Return 0 when category labels fit side by side on a phone-width chart, else a slant."""
    labels = list(dict.fromkeys(str(row.get(column)) for row in dataset.rows))
    needed = sum(len(label) * 7 + 12 for label in labels)  # ~7 px a character at 12 px
    return 0 if needed <= CHART_WIDTH else -35


def build_vegalite(spec: ChartSpec, dataset: Dataset) -> dict:
    """Return the Vega-Lite spec for a chart, built with Altair."""
    import altair as alt

    def channel(cls, field: str, title: str | None):
        if is_numeric_column(dataset, field):
            return cls(field, type="quantitative", title=title or field)
        # Categories keep the order of the data file: the editor decides the order.
        axis = alt.Axis(labelAngle=x_label_angle(dataset, field), labelLimit=140) if cls is alt.X else alt.Axis(labelLimit=140)
        return cls(field, type="ordinal", sort=None, title=title or field, axis=axis)

    encoding = {
        "x": channel(alt.X, spec.x, spec.x_title),
        "y": channel(alt.Y, spec.y, spec.y_title),
    }
    if spec.color:
        encoding["color"] = alt.Color(spec.color, type="nominal", sort=None,
                                      legend=alt.Legend(orient="bottom"))
    base = alt.Chart(alt.Data(values=list(dataset.rows))).encode(**encoding)
    marks = {
        "bar": base.mark_bar(color=MARK_COLOR),
        "line": base.mark_line(color=MARK_COLOR, point=True),
        "area": base.mark_area(color=MARK_COLOR, opacity=0.6, line=True),
        "point": base.mark_point(color=MARK_COLOR, filled=True, size=90),
    }
    chart = marks[spec.kind]
    if spec.label:
        horizontal = is_numeric_column(dataset, spec.x) and not is_numeric_column(dataset, spec.y)
        offset = {"dx": 4, "align": "left", "baseline": "middle"} if horizontal else {"dy": -8}
        chart = chart + base.mark_text(fontSize=12, **offset).encode(
            text=alt.Text(spec.label, type="quantitative" if is_numeric_column(dataset, spec.label) else "nominal"))
    chart = chart.properties(width=CHART_WIDTH, height=CHART_HEIGHT).configure(
        background="transparent",
        font=CHART_FONT,
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12, labelColor=AXIS_COLOR,
                            titleColor=AXIS_COLOR, domainColor=AXIS_COLOR,
                            tickColor=AXIS_COLOR, gridColor=AXIS_COLOR, gridOpacity=0.3),
        legend=alt.LegendConfig(labelFontSize=12, titleFontSize=12),
    )
    # Our code builds the spec; schema validation would cost more than the rendering.
    return chart.to_dict(validate=False)


def render_svg(vegalite: dict, language: str = "en") -> str:
    """Render a Vega-Lite spec to SVG text, offline, with the language's number and date formats."""
    import vl_convert

    locale = FORMAT_LOCALES.get(language, "en-US")
    return vl_convert.vegalite_to_svg(vegalite, format_locale=locale, time_format_locale=locale)


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


def render_data_table(spec: ChartSpec, dataset: Dataset, language: str = "en") -> str:
    """Return the chart's data as an HTML table, the columns the chart uses first."""
    used = [c for c in (spec.x, spec.y, spec.color, spec.label) if c]
    columns = list(dict.fromkeys(used + list(dataset.columns)))
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(format_cell(row.get(c), language))}</td>" for c in columns) + "</tr>"
        for row in dataset.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def format_cell(value, language: str = "en") -> str:
    """Return a table cell's text: empty for missing values, numbers in the language's style."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from babel.numbers import format_decimal

        return format_decimal(value, locale=language)
    return str(value)


def render_chart_figure(spec: ChartSpec, dataset: Dataset, svg: str, chart_id: str,
                        language: ChartLanguage = ChartLanguage()) -> str:
    """Return the full <figure>: title, SVG, source line and collapsible data table."""
    title = spec.title or spec.description
    parts = [f'<figure class="chart" id="{chart_id}">']
    parts.append(f'<figcaption class="chart-title">{html.escape(title)}</figcaption>')
    parts.append(f'<div class="chart-image">{make_accessible_svg(svg, spec.description, chart_id)}</div>')
    if dataset.sources or dataset.note:
        # The sources are cited by mark: the page numbers them among its own citations (citations.py).
        cited = citation_mark(dataset.sources, named=True) if dataset.sources else ""
        note = f" {html.escape(dataset.note)}" if dataset.note else ""
        parts.append(f'<p class="chart-source" data-pagefind-ignore>{html.escape(language.source_label)}: {cited}{note}</p>')
    parts.append(
        f'<details class="chart-data"><summary>{html.escape(language.table_label)}</summary>'
        f"{render_data_table(spec, dataset, language.code)}</details>"
    )
    parts.append("</figure>")
    return "".join(parts)


def _draw_svg(_state, chart: tuple[ChartSpec, Dataset, str]) -> str:
    spec, dataset, language = chart
    return render_svg(build_vegalite(spec, dataset), language)


def _load_chart_libraries() -> None:
    """Load Altair and start vl-convert's JavaScript engine: a second's work before the first chart."""
    render_svg(build_vegalite(ChartSpec("warm-up", "bar", "x", "y", "warm-up"),
                              Dataset("warm-up", "warm-up.yaml", ("x", "y"), ({"x": "a", "y": 1},))))


class ChartDrawing:
    """The SVGs of the charts one build draws, in a worker of their own while the build goes on.

    `done()` tells without waiting whether `result()` would wait for that worker.
    """

    def __init__(self, renderer: ChartRenderer, missing: dict[str, tuple[ChartSpec, Dataset, str]],
                 worker: FreshWorkers | None) -> None:
        self._renderer = renderer
        self._missing = missing
        self._drawn: dict[str, str] | None = None
        self._svgs: Future | None = None  # None: drawn in this process, by the first result()
        if worker is not None:
            reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")
            self._svgs = reader.submit(_draw_in, worker, list(missing.values()))  # giving may wait for its warm-up
            reader.shutdown(wait=False)

    def done(self) -> bool:
        """Tell whether the worker has finished (and so has left memory)."""
        return self._svgs is None or self._svgs.done()

    def wait(self) -> None:
        """Wait until the worker has finished, without taking its SVGs."""
        if self._svgs is not None:
            futures_wait([self._svgs])

    def result(self) -> dict[str, str]:
        """Return the new SVGs by chart key, waiting for them; the renderer keeps them too."""
        if self._drawn is None:
            svgs = self._svgs.result() if self._svgs else [_draw_svg(None, chart) for chart in self._missing.values()]
            self._drawn = dict(zip(self._missing, svgs, strict=True))
            self._renderer.svg_by_key.update(self._drawn)
            self._renderer.rendered += len(self._drawn)
        return self._drawn


def _draw_in(worker: FreshWorkers, charts: list[tuple[ChartSpec, Dataset, str]]) -> list[str]:
    worker.give(_draw_svg, None, charts)
    return worker.results()


class ChartRenderer:
    """Render chart figures, each distinct chart once (cache keyed by spec and data)."""

    def __init__(self) -> None:
        self.svg_by_key: dict[str, str] = {}
        self.rendered = 0
        self._drawing: ChartDrawing | None = None
        self._warm_worker: FreshWorkers | None = None  # started by warm_up, not yet given its charts

    def start_drawing(self, charts: list[tuple[ChartSpec, Dataset, str]], jobs: int) -> ChartDrawing:
        """Start rendering the SVG of every (spec, dataset, language) not drawn before.

        With more than one job they are drawn in a new interpreter while the build goes
        on: Altair and vl-convert's JavaScript engine take about 115 MB once loaded, and
        there they leave the build, and the page workers forked from it, without them.
        One worker: loading them takes a second in each.
        """
        missing = {chart_key(spec, dataset, language): (spec, dataset, language) for spec, dataset, language in charts}
        missing = {key: chart for key, chart in missing.items() if key not in self.svg_by_key}
        worker = None
        if missing and jobs > 1:
            worker, self._warm_worker = self._warm_worker or FreshWorkers(1), None
        self.dismiss_warm_worker()  # started for charts that, it turns out, are not to be drawn there
        self._drawing = ChartDrawing(self, missing, worker)
        return self._drawing

    def warm_up(self) -> None:
        """Start the next drawing's worker now, loading the chart libraries while the build reads its content.

        For a build whose charts are all to be drawn (no cache): loading takes a second,
        on a core that is idle until the pages are rendered. `start_drawing` gives it its
        charts, or ends it if there are none.
        """
        if self._warm_worker is None:
            self._warm_worker = FreshWorkers(1, warm_up=_load_chart_libraries)

    def dismiss_warm_worker(self) -> None:
        """End the worker `warm_up` started, if no drawing has taken it."""
        if self._warm_worker is not None:
            self._warm_worker.dismiss()
            self._warm_worker = None

    def wait_for_drawing(self) -> None:
        """Wait until no chart worker of this renderer's is running."""
        if self._drawing is not None:
            self._drawing.wait()

    def figure(self, spec: ChartSpec, dataset: Dataset, number: int = 1,
               language: ChartLanguage = ChartLanguage()) -> str:
        """Return the figure HTML for the number-th chart of a page, rendering its SVG only on a cache miss."""
        key = chart_key(spec, dataset, language.code)
        svg = self.svg_by_key.get(key)
        if svg is None:
            svg = render_svg(build_vegalite(spec, dataset), language.code)
            self.svg_by_key[key] = svg
            self.rendered += 1
        # Ids count charts on their page: unique there, and stable when data changes.
        return render_chart_figure(spec, dataset, svg, f"chart-{number}", language)
