"""What a chart's page offers to take away: its data as CSV, its drawing as SVG and PNG, and its share card.

Input: a chart's spec, its dataset, the edition's language and the chart's source line.
Output: bytes, kept in the build's file store and named by the chart's id on its page
(/charts/<id>/<id>.csv, .svg, .png, card.png). The drawings are the chart as the page
shows it, with its title and sources added and a white background, so that they stand
alone wherever they are taken. They are drawn in a fresh interpreter (the chart
libraries stay out of the build's own memory) and only when their inputs changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .charts import CHART_FONT, FORMAT_LOCALES, ChartSpec, Dataset, build_vegalite, wrap_label
from .parallel import FreshWorkers
from .store import FileStore

DOWNLOAD_KINDS = ("csv", "svg", "png", "card")
PNG_SCALE = 2  # sharp on a phone's screen and in a slide
CARD_WIDTH, CARD_HEIGHT = 1200, 630  # the size link previews expect (see cards.py)
CARD_MARGIN = 40
INK = "#1a1a1a"


@dataclass(frozen=True)
class ChartDownload:
    """Everything one chart's files are made from: the same inputs, the same files."""

    spec: ChartSpec
    dataset: Dataset
    language: str
    source_line: str  # "Sources: outlet, outlet"
    site_title: str

    @property
    def key(self) -> str:
        payload = [asdict(self.spec), self.dataset.digest, self.language, self.source_line, self.site_title]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def chart_csv(dataset: Dataset) -> bytes:
    """Return the dataset as CSV: its columns in the data file's order, a gap (null) as an empty cell."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(dataset.columns)
    for row in dataset.rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in dataset.columns])
    return text.getvalue().encode("utf-8")


def standalone_spec(download: ChartDownload) -> dict:
    """Return the chart's Vega-Lite spec with its title and source line, on white: a drawing that stands alone."""
    spec = build_vegalite(download.spec, download.dataset, download.language)
    title = download.spec.title or download.spec.description
    spec["title"] = {"text": wrap_label(title, 32).split("\n"), "subtitle": wrap_label(download.source_line, 48).split("\n"),
                     "anchor": "start", "fontSize": 15, "subtitleFontSize": 11, "color": INK, "subtitleColor": INK,
                     "offset": 12}
    spec["background"] = "white"
    spec["padding"] = 12
    spec.setdefault("config", {})["font"] = CHART_FONT
    return spec


def draw_chart_files(download: ChartDownload) -> dict[str, bytes]:
    """Return the chart's CSV, SVG, PNG and share card."""
    import vl_convert

    locale = FORMAT_LOCALES.get(download.language, "en-US")
    spec = standalone_spec(download)
    svg = vl_convert.vegalite_to_svg(spec, format_locale=locale, time_format_locale=locale)
    png = vl_convert.vegalite_to_png(spec, scale=PNG_SCALE, format_locale=locale, time_format_locale=locale)
    return {"csv": chart_csv(download.dataset), "svg": svg.encode("utf-8"), "png": png,
            "card": share_card(png, download.site_title)}


def share_card(png: bytes, site_title: str) -> bytes:
    """Return a 1200x630 card: the chart's image, as large as fits, above the site's name."""
    from PIL import Image, ImageDraw

    from .cards import card_font

    chart = Image.open(io.BytesIO(png)).convert("RGB")
    font = card_font("Semibold", 26)
    footer = 26 + CARD_MARGIN // 2
    box = (CARD_WIDTH - 2 * CARD_MARGIN, CARD_HEIGHT - 2 * CARD_MARGIN - footer)
    scale = min(box[0] / chart.width, box[1] / chart.height)
    chart = chart.resize((round(chart.width * scale), round(chart.height * scale)), Image.LANCZOS)
    card = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), "white")
    card.paste(chart, ((CARD_WIDTH - chart.width) // 2, CARD_MARGIN))
    ImageDraw.Draw(card).text((CARD_MARGIN, CARD_HEIGHT - CARD_MARGIN - 26), site_title, font=font, fill=INK)
    out = io.BytesIO()
    card.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_into_store(store_folder: Path, download: ChartDownload) -> dict[str, str]:
    """Draw one chart's files into the build's file store; return their digests (what the worker runs)."""
    store = FileStore(store_folder)
    return {kind: store.put(content) for kind, content in draw_chart_files(download).items()}


class ChartFiles:
    """Make each chart's downloads once per distinct input, into the build's file store."""

    def __init__(self, store: FileStore) -> None:
        self.store = store
        self.digests_by_key: dict[str, dict[str, str]] = {}  # download key -> kind -> digest in the store

    def make(self, downloads: list[ChartDownload], jobs: int) -> int:
        """Make the files of every chart not made before; return how many charts were drawn."""
        missing = list({d.key: d for d in downloads if d.key not in self.digests_by_key}.values())
        if not missing:
            return 0
        if jobs > 1:
            # One fresh interpreter: vl-convert's engine takes about 115 MB that the build then never holds.
            worker = FreshWorkers(1)
            worker.give(_draw_into_store, self.store.folder, missing)
            made = worker.results()
        else:
            made = [_draw_into_store(self.store.folder, download) for download in missing]
        self.digests_by_key.update((d.key, digests) for d, digests in zip(missing, made, strict=True))
        return len(missing)

    def files(self, download: ChartDownload, folder: str) -> dict[str, str]:
        """Return the chart's files under its page's folder (output path -> digest in the store)."""
        digests = self.digests_by_key[download.key]
        chart_id = download.spec.id
        return {f"{folder}{chart_id}.csv": digests["csv"], f"{folder}{chart_id}.svg": digests["svg"],
                f"{folder}{chart_id}.png": digests["png"], f"{folder}card.png": digests["card"]}
