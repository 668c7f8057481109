"""What a chart's page offers to take away: its data as CSV, its drawing as SVG and PNG, and its share card.

Input: a chart's drawing (the SVG the build drew for its page), its dataset, its title and
its source line. Output: bytes, kept in the build's file store and named by the chart's id
on its page (/charts/<id>/<id>.csv, .svg, .png, card.png). The downloads are the drawing
the page shows, with its title and sources written above it on white, so that they stand
alone wherever they are taken. They are put together from the drawing rather than drawn
again: no second Vega run, and the PNGs come from resvg (vl-convert's `svg_to_png`),
about 50 ms each, without starting vl-convert's JavaScript engine. Each chart's files are a
"chart-files" node of the dependency graph (reuse/graph.py), keyed by what they are made from.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..rendering.charts import CHART_FONT, Dataset, wrap_label
from ..rendering.parallel import FreshWorkers
from ..reuse.graph import MISSING, DependencyGraph
from ..reuse.store import FileStore

PNG_SCALE = 2  # sharp on a phone's screen and in a slide
CARD_WIDTH, CARD_HEIGHT = 1200, 630  # the size link previews expect (see publishing/cards.py)
MARGIN = 16  # around the standalone drawing, in the drawing's pixels
TITLE_SIZE, TITLE_LINE, TITLE_WRAP = 15, 19, 34  # px, px, characters: about the drawing's width in bold
SOURCE_SIZE, SOURCE_LINE, SOURCE_WRAP = 11, 15, 52
INK = "#1a1a1a"
# A fresh worker takes about 0.3 s to start, a chart's files about 0.25 s to make: a worker pays off from 4 charts.
CHARTS_PER_WORKER = 4
_SIZE = re.compile(r'^<svg[^>]*? width="(?P<width>[\d.]+)" height="(?P<height>[\d.]+)"')
_LINK = re.compile(r' (?:xlink:)?href="[^"]*"')


@dataclass(frozen=True)
class ChartDownload:
    """Everything one chart's files are made from: the same inputs, the same files."""

    chart_id: str
    drawing: str  # the chart's SVG as Vega drew it for the page
    dataset: Dataset
    title: str
    source_line: str  # "Sources: outlet, outlet"
    site_title: str

    @property
    def key(self) -> str:
        payload = [self.chart_id, hashlib.sha256(self.drawing.encode()).hexdigest(), self.dataset.digest, self.title,
                   self.source_line, self.site_title]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


def chart_csv(dataset: Dataset) -> bytes:
    """Return the dataset as CSV: its columns in the data file's order, a gap (null) as an empty cell."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(dataset.columns)
    for row in dataset.rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in dataset.columns])
    return text.getvalue().encode("utf-8")


def _size(svg: str) -> tuple[float, float]:
    match = _SIZE.match(svg)
    return (float(match["width"]), float(match["height"])) if match else (320.0, 240.0)


def _lines(texts: list[str], top: float, size: int, line: int, weight: str) -> tuple[str, float]:
    """Return SVG text elements, one per line, from `top` down; and where they end."""
    parts = []
    for text in texts:
        top += line
        parts.append(f'<text x="{MARGIN}" y="{top - (line - size) / 2:.1f}" font-size="{size}" font-weight="{weight}" '
                     f'fill="{INK}">{html.escape(text)}</text>')
    return "".join(parts), top


def standalone_svg(download: ChartDownload) -> str:
    """Return the chart's drawing under its title and source line, on white: an SVG that stands alone."""
    width, height = _size(download.drawing)
    title, top = _lines(wrap_label(download.title, TITLE_WRAP).split("\n"), MARGIN / 2, TITLE_SIZE, TITLE_LINE, "bold")
    sources, top = _lines(wrap_label(download.source_line, SOURCE_WRAP).split("\n") if download.source_line else [],
                          top, SOURCE_SIZE, SOURCE_LINE, "normal")
    top += MARGIN / 2
    total_width, total_height = width + 2 * MARGIN, top + height + MARGIN
    # A mark's link leads to its row in the page's data table (#event-N), which a file on its own lacks.
    drawing = _LINK.sub("", download.drawing).replace("<svg ", f'<svg x="{MARGIN}" y="{top:.1f}" ', 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{total_width:.0f}" height="{total_height:.0f}" viewBox="0 0 {total_width:.0f} {total_height:.0f}" '
            f'font-family="{html.escape(CHART_FONT)}"><rect width="100%" height="100%" fill="white"/>'
            f"{title}{sources}{drawing}</svg>")


def share_card_svg(standalone: str, site_title: str) -> str:
    """Return a 1200x630 card: the standalone chart, as large as fits, beside the site's name."""
    width, height = _size(standalone)
    margin, footer = 40, 44
    scale = min((CARD_WIDTH - 2 * margin) / width, (CARD_HEIGHT - 2 * margin - footer) / height)
    x = (CARD_WIDTH - width * scale) / 2
    chart = standalone.replace("<svg ", f'<svg x="{x:.1f}" y="{margin}" width="{width * scale:.0f}" '
                                        f'height="{height * scale:.0f}" ', 1)
    chart = re.sub(r' width="[\d.]+" height="[\d.]+" viewBox', " viewBox", chart, count=1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{CARD_WIDTH}" height="{CARD_HEIGHT}" '
            f'font-family="{html.escape(CHART_FONT)}"><rect width="100%" height="100%" fill="white"/>{chart}'
            f'<text x="{margin}" y="{CARD_HEIGHT - margin}" font-size="26" font-weight="bold" fill="{INK}">'
            f"{html.escape(site_title)}</text></svg>")


def draw_chart_files(download: ChartDownload) -> dict[str, bytes]:
    """Return the chart's CSV, SVG, PNG and share card."""
    import vl_convert

    svg = standalone_svg(download)
    return {"csv": chart_csv(download.dataset), "svg": svg.encode("utf-8"),
            "png": bytes(vl_convert.svg_to_png(svg, scale=PNG_SCALE)),
            "card": bytes(vl_convert.svg_to_png(share_card_svg(svg, download.site_title), scale=1))}


def _draw_into_store(store_folder: Path, download: ChartDownload) -> dict[str, str]:
    """Draw one chart's files into the build's file store; return their digests (what the worker runs)."""
    store = FileStore(store_folder)
    return {kind: store.put(content) for kind, content in draw_chart_files(download).items()}


class ChartFiles:
    """Make each chart's downloads once per distinct input, into the build's file store."""

    def __init__(self, store: FileStore, graph: DependencyGraph) -> None:
        self.store = store
        self.graph = graph  # download key -> kind -> digest in the store

    def missing(self, downloads: list[ChartDownload]) -> list[ChartDownload]:
        """Return the downloads whose files were not made before, each once."""
        return list({d.key: d for d in downloads if self.graph.current("chart-files", d.key, {}) is MISSING}.values())

    def work(self, downloads: list[ChartDownload]) -> tuple[Callable, Path, list[ChartDownload]]:
        """Return the work that makes these charts' files in a worker: (function, state, items).

        The chart worker does it right after it has drawn their SVGs (see `ChartRenderer.start_drawing`),
        from a thread of the build, which therefore leaves the graph alone; `keep` takes what it made.
        """
        return _draw_into_store, self.store.folder, list({d.key: d for d in downloads}.values())

    def keep(self, download: ChartDownload, digests: dict[str, str]) -> None:
        """Remember a chart's files, made into the store elsewhere (kind -> digest)."""
        # The key is a digest of what they are made from.
        self.graph.record("chart-files", download.key, {}, digests, stored=digests.values())

    def make(self, downloads: list[ChartDownload], jobs: int) -> int:
        """Make the files of every chart not made before; return how many charts were made."""
        missing = self.missing(downloads)
        workers = min(jobs, len(missing) // CHARTS_PER_WORKER)
        if workers <= 1:
            made = [_draw_into_store(self.store.folder, download) for download in missing]
        else:
            fresh = FreshWorkers(workers)
            fresh.give(_draw_into_store, self.store.folder, missing)
            made = fresh.results()
        for download, digests in zip(missing, made, strict=True):
            self.keep(download, digests)
        return len(missing)

    def files(self, download: ChartDownload, folder: str) -> dict[str, str]:
        """Return the chart's files under its page's folder (output path -> digest in the store)."""
        digests, name = self.graph.current("chart-files", download.key, {}), download.chart_id
        return {f"{folder}{name}.csv": digests["csv"], f"{folder}{name}.svg": digests["svg"],
                f"{folder}{name}.png": digests["png"], f"{folder}card.png": digests["card"]}
