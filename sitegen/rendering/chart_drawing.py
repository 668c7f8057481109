"""Chart drawing: each chart's SVG drawn once, in a worker process of its own while the build goes on.

Input: the charts a build's pages show (spec, data, language) and the dependency graph
(reuse/graph.py). Output: each chart's SVG, a "chart" node of the graph keyed by its spec,
data and language, so a chart is drawn once, also across processes; the drawing itself is
charts.py's (`build_vegalite`, `render_svg`). Altair and vl-convert take a second to load,
so a cold build starts the worker early (`warm_up`); once it has drawn them, a smaller
worker makes what the chart pages offer for download (chart_files.py), which needs neither.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait

from ..checking.datatypes import Column
from ..reuse.graph import MISSING, DependencyGraph
from .charts import ChartLanguage, ChartSpec, Dataset, build_vegalite, chart_key, render_chart_figure, render_svg
from .parallel import FreshWorkers


def _draw_svg(_state, chart: tuple[ChartSpec, Dataset, str]) -> str:
    spec, dataset, language = chart
    return render_svg(build_vegalite(spec, dataset, language), language)


def _load_chart_libraries() -> None:
    """Load Altair and start vl-convert's JavaScript engine: a second's work before the first chart."""
    columns = (Column("x", "category"), Column("y", "number"))
    render_svg(build_vegalite(ChartSpec("warm-up", "bar", "x", "y", "warm-up"),
                              Dataset("warm-up", "warm-up.yaml", ("x", "y"), ({"x": "a", "y": 1},), column_types=columns)))


# Given the SVGs a chart worker drew (by chart key), the work it does next: (function, state, items).
WorkAfter = Callable[[dict[str, str]], tuple[Callable, object, list]]


class ChartDrawing:
    """The SVGs of the charts one build draws, in a worker of their own while the build goes on;
    then, in a new worker without the chart libraries, what `then` makes of them (the chart pages' downloads).

    `done()` tells without waiting whether `result()` would wait for that worker.
    """

    def __init__(self, renderer: ChartRenderer, missing: dict[str, tuple[ChartSpec, Dataset, str]],
                 worker: FreshWorkers | None, then: WorkAfter | None = None) -> None:
        self._renderer = renderer
        self._missing = missing
        self._drawn: dict[str, str] | None = None
        self._svgs: Future | None = None  # None: drawn in this process, by the first result()
        self._after: Future | None = None  # (items, results) of the work after the SVGs
        if worker is not None:
            reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")
            # Giving may wait for its warm-up.
            self._svgs = reader.submit(_draw_in, worker, list(missing.values()))
            if then is not None:
                self._after = reader.submit(_work_after, missing, self._svgs, then)
            reader.shutdown(wait=False)

    def done(self) -> bool:
        """Tell whether the SVGs are drawn."""
        return self._svgs is None or self._svgs.done()

    def wait(self) -> None:
        """Wait until the worker has finished (and so has left memory), without taking what it made."""
        futures_wait([future for future in (self._svgs, self._after) if future is not None])

    def made_after(self) -> list[tuple]:
        """Return what the worker made after the SVGs, as (item, result) pairs, waiting for it; raise its error."""
        if self._after is None:
            return []
        items, results = self._after.result()
        return list(zip(items, results, strict=True))

    def result(self) -> dict[str, str]:
        """Return the new SVGs by chart key, waiting for them; the renderer keeps them too."""
        if self._drawn is None:
            svgs = self._svgs.result() if self._svgs else [_draw_svg(None, chart) for chart in self._missing.values()]
            self._drawn = dict(zip(self._missing, svgs, strict=True))
            self._renderer.remember(self._drawn)
            self._renderer.rendered += len(self._drawn)
        return self._drawn


def _draw_in(worker: FreshWorkers, charts: list[tuple[ChartSpec, Dataset, str]]) -> list[str]:
    worker.give(_draw_svg, None, charts)  # its last work: it ends once it has drawn them
    return worker.results()


def _work_after(missing: dict[str, tuple], svgs: Future, then: WorkAfter) -> tuple[list, list]:
    """Give a new worker the work `then` makes of the SVGs; return its items and their results.

    Not the worker that drew them: Vega's JavaScript engine and Altair hold ~150 MB there,
    and the downloads need neither (resvg draws their PNGs), so that worker leaves as soon as
    it has drawn, rather than at the end of the pages (10,000 articles: 200 charts, 400 PNGs,
    most of the page rendering's time). The new one loads what the work's module imports.
    """
    function, state, items = then(dict(zip(missing, svgs.result(), strict=True)))
    if not items:
        return items, []
    worker = FreshWorkers(1)
    worker.give(function, state, items)
    return items, worker.results()


class ChartRenderer:
    """Render chart figures, each distinct chart once (a "chart" node of the graph, keyed by spec, data and language)."""

    def __init__(self, graph: DependencyGraph | None = None) -> None:
        self.graph = graph if graph is not None else DependencyGraph()
        self.rendered = 0
        self._drawing: ChartDrawing | None = None
        self._working_after: list[ChartDrawing] = []  # drawings with work after their SVGs
        self._warm_worker: FreshWorkers | None = None  # started by warm_up, not yet given its charts

    def start_drawing(self, charts: list[tuple[ChartSpec, Dataset, str]], jobs: int,
                      then: WorkAfter | None = None) -> ChartDrawing:
        """Start rendering the SVG of every (spec, dataset, language) not drawn before.

        With more than one job they are drawn in a new interpreter while the build goes
        on: Altair and vl-convert's JavaScript engine take about 115 MB once loaded, and
        there they leave the build, and the page workers forked from it, without them.
        One worker: loading them takes a second in each. Then one more new interpreter, which
        loads neither, does the work `then` makes of the new SVGs (the chart pages' downloads,
        while the pages render), and the drawing worker leaves; `made_after` returns that work.
        """
        missing = {chart_key(spec, dataset, language): (spec, dataset, language) for spec, dataset, language in charts}
        missing = {key: chart for key, chart in missing.items() if self.graph.current("chart", key, {}) is MISSING}
        worker = None
        if missing and jobs > 1:
            worker, self._warm_worker = self._warm_worker or FreshWorkers(1), None
        self.dismiss_warm_worker()  # started for charts that, it turns out, are not to be drawn there
        self._drawing = ChartDrawing(self, missing, worker, then)
        if worker is not None and then is not None:
            self._working_after.append(self._drawing)
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
        for drawing in [*self._working_after, self._drawing]:
            if drawing is not None:
                drawing.wait()

    def made_after(self) -> list[tuple]:
        """Return what the chart workers made after their SVGs, as (item, result) pairs, waiting for them; forget it."""
        drawings, self._working_after = self._working_after, []
        return [pair for drawing in drawings for pair in drawing.made_after()]

    def remember(self, svgs: dict[str, str]) -> None:
        """Keep drawings made elsewhere (by chart key): by the chart worker, or before a page worker was forked."""
        for key, svg in svgs.items():
            self.graph.record("chart", key, {}, svg)  # the key is a digest of everything the drawing is made from

    @property
    def has_drawings(self) -> bool:
        """Tell whether any chart was drawn before (a cold build has none)."""
        return self.graph.has("chart")

    def drawing(self, spec: ChartSpec, dataset: Dataset, language: str = "en") -> str:
        """Return a chart's SVG as Vega drew it, drawing it here only when the graph has none current."""
        key = chart_key(spec, dataset, language)
        svg = self.graph.current("chart", key, {})
        if svg is MISSING:
            svg = self.graph.record("chart", key, {}, render_svg(build_vegalite(spec, dataset, language), language))
            self.rendered += 1
        return svg

    def figure(self, spec: ChartSpec, dataset: Dataset, number: int = 1,
               language: ChartLanguage | None = None, page_url: str | None = None) -> str:
        """Return the figure HTML for the number-th chart of a page, rendering its SVG only on a cache miss.

        `page_url` is the chart's own page, which the figure links to (None on that page itself).
        """
        language = language or ChartLanguage()
        svg = self.drawing(spec, dataset, language.code)
        # Ids count charts on their page: unique there, and stable when data changes.
        return render_chart_figure(spec, dataset, svg, f"chart-{number}", language, page_url)
