"""A timeline chart: events on a time axis, grouped by track, the ones that matter labelled beside their marks.

Input: a timeline's ChartSpec (x: the date column, until: where spans end, y: the track,
label: an optional column of short labels), the rows `charts.chart_rows` prepared, and the
plot's width. Output: the Altair layers and the drawing's height. The layout is computed
here rather than left to Vega, which cannot keep labels apart: each track has a heading,
a strip of its unlabelled events, then one line per labelled event, its mark at its date and
its label beside it, on the side with room, wrapped onto lines that fit. Every mark, and every
label, links to its event's row in the data table under the chart (`#event-N`).
"""

from __future__ import annotations

import datetime as dt
import math
import re

from ..dates import parse_partial_date

# Vertical layout, in the drawing's units (the SVG scales with its column, see rendering/charts.py).
LINE = 16  # a track's name, its strip of unlabelled events, a line of a label
LABEL_GAP = 2  # below a labelled event
GROUP_GAP = 10  # above each track but the first
MARK_GAP = 7  # between a mark and its label
FONT_SIZE = 12
BOLD = 1.1  # how much wider a track's name is in bold
YEAR_LABEL = 36  # the room a year's label on the time axis needs, in units

# A label's width is estimated, never measured: the build has no browser. The estimate errs wide
# (DejaVu Sans, among the widest sans fonts, at 12 px), so a label wraps a little early rather than
# running into the edge; Vega's fit to the width would then shrink the plot, never cut the text.
_NARROW = set(" .,:;'!()[]-/|ilIjt")
_WIDE = set("mwMWжшщюфыЖШЩЮЫФ%№—")


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """Return about how wide a line of text is drawn, in units, erring wide."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.4
        elif char in _WIDE:
            em += 1.0
        elif char.isupper():
            em += 0.82
        elif char.isdigit():
            em += 0.64
        elif "\u0400" <= char <= "\u04ff":
            em += 0.7
        else:
            em += 0.62
    return em * size


_BREAKS = re.compile(r"(?<!\d) +| +(?!\d)")  # a space, but not one between digit groups: 10 000


def wrap_to_width(text: str, width: float) -> list[str]:
    """Return the text as lines no wider than `width` where words allow; a long word keeps a line of its own."""
    lines: list[str] = []
    for word in _BREAKS.split(text.strip()):
        if lines and text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [text]


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def time_domain(rows: list[dict]) -> tuple[dt.date, dt.date]:
    """Return whole years around every event: from the first year's 1 January to the 1 January after the last."""
    starts = [_day(row["_x_start"]) for row in rows if row.get("_x_start")]
    ends = [_day(row.get("_until_end") or row["_x_end"]) for row in rows if row.get("_x_start")]
    if not starts:
        today = dt.date.today()
        return dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1)
    last = max(ends) - dt.timedelta(days=1)
    return dt.date(min(starts).year, 1, 1), dt.date(last.year + 1, 1, 1)


def place_label(text: str, start: float, end: float, width: float) -> tuple[str, list[str]]:
    """Return the side of its mark a label goes on ('right' or 'left') and its lines.

    `start` and `end` are where the mark begins and ends across the plot, `width` the plot's width.
    A label goes on one line where it fits, right of its mark first; otherwise it wraps on the side with more room.
    """
    room = {"right": width - end - MARK_GAP, "left": start - MARK_GAP}
    needed = text_width(text)
    for side in ("right", "left"):
        if needed <= room[side]:
            return side, [text]
    side = max(room, key=room.get)
    return side, wrap_to_width(text, room[side])


def _is_day(row: dict, spec) -> bool:
    """Tell whether an event is drawn as a dot: a date to the day, and no span."""
    date = parse_partial_date(row.get(spec.x))
    return date is not None and date.precision == "day" and not (spec.until and row.get(spec.until))


def _end(row: dict) -> str:
    """Return the day after an event ends: its span's, or its month's or year's."""
    return row.get("_until_end") or row["_x_end"]


def layout(spec, rows: list[dict], plot_width: float) -> tuple[dict[str, list[dict]], float, tuple[dt.date, dt.date]]:
    """Return what each layer draws (headings, spans, days, labels), the plot's height, and its time domain.

    Each track, in the order of its first event in the data file, has a line with its name and
    its unlabelled events (the name on a line of its own when the first event would run into it),
    then a line per labelled event, in date order. An event without a date is not drawn (the table has it).
    """
    domain = time_domain(rows)
    total_days = (domain[1] - domain[0]).days or 1

    def across(iso: str) -> float:
        return (_day(iso) - domain[0]).days / total_days * plot_width

    tracks: dict[str, list[dict]] = {}
    for row in rows:
        if row.get("_x_start"):
            tracks.setdefault(str(row.get(spec.y) or ""), []).append(row)
    parts: dict[str, list[dict]] = {"headings": [], "spans": [], "days": [], "labels": []}

    def draw(event: dict, top: float) -> None:
        mark = {"_anchor": event["_anchor"], "_start": event["_x_start"], "_y": top + LINE / 2}
        if _is_day(event, spec):
            parts["days"].append(mark)
        else:
            parts["spans"].append({**mark, "_end": _end(event), "_y0": top + 3, "_y1": top + LINE - 3})

    top = 0.0
    for number, (track, events) in enumerate(tracks.items()):
        top += GROUP_GAP if number else 0
        strip = [event for event in events if not event.get("_label")]
        if track:
            parts["headings"].append({"_text": track, "_y": top + LINE / 2})
            first = min((across(event["_x_start"]) for event in strip), default=0.0)
            if not strip or first < text_width(track) * BOLD + 2 * MARK_GAP:
                top += LINE
        if strip:
            for event in strip:
                draw(event, top)
            top += LINE
        for event in sorted((e for e in events if e.get("_label")), key=lambda e: (e["_x_start"], _end(e))):
            day = _is_day(event, spec)
            start, end = event["_x_start"], event["_x_start"] if day else _end(event)
            side, lines = place_label(event["_label"], across(start), across(end), plot_width)
            parts["labels"].append({"_text": "\n".join(lines), "_anchor": event["_anchor"], "_side": side,
                                    "_at": start if side == "left" else end, "_y": top + LINE / 2 - FONT_SIZE / 2})
            draw(event, top)
            top += LINE * len(lines) + LABEL_GAP
    return parts, top, domain


def timeline_layers(alt, spec, rows: list[dict], plot_width: float, mark_color: str, x_title: str | list[str] | None):
    """Return the timeline's Altair layers and the plot's height."""
    parts, height, (first, after) = layout(spec, rows, plot_width)
    # A year's label is about 30 units wide: on a long span, every other year or fewer is labelled.
    step = math.ceil((after.year - first.year) * YEAR_LABEL / plot_width)
    years = [alt.DateTime(year=year, month=1, date=1, utc=True) for year in range(first.year, after.year, step)]
    scale = alt.Scale(type="utc", domain=[alt.DateTime(year=first.year, month=1, date=1, utc=True),
                                          alt.DateTime(year=after.year, month=1, date=1, utc=True)], nice=False)
    y_scale = alt.Scale(domain=[height, 0], nice=False, zero=False)

    def axis(orient: str, title):
        # Each year's label starts at its first day, inside the year it names: none hangs off the edges.
        return alt.Axis(orient=orient, values=years, format="%Y", labelAlign="left", labelPadding=4, labelFlush=False,
                        labelOverlap=False, grid=orient == "bottom", ticks=True, tickSize=4, domain=False, title=title)

    def x(field: str, orient: str | None = None, title=None):
        return alt.X(field, type="temporal", scale=scale, axis=axis(orient, title) if orient else None)

    def y(field: str):
        return alt.Y(field, type="quantitative", scale=y_scale, axis=None)

    def chart(name: str):
        return alt.Chart(alt.Data(values=parts[name]))

    href = alt.Href("_anchor", type="nominal")
    # The years at the top, where a reader starts, and at the bottom with the grid, where the marks end.
    layers = [
        chart("spans").mark_rect(color=mark_color, opacity=0.55).encode(
            x=x("_start", "bottom", x_title), x2=alt.X2("_end"), y=y("_y0"), y2=alt.Y2("_y1"), href=href),
        chart("days").mark_point(color=mark_color, filled=True, size=50, opacity=0.9).encode(
            x=x("_start", "top"), y=y("_y"), href=href),
        chart("headings").mark_text(align="left", baseline="middle", fontWeight="bold", fontSize=FONT_SIZE).encode(
            x=alt.value(0), y=y("_y"), text=alt.Text("_text", type="nominal")),
    ]
    for side, align, dx in (("right", "left", MARK_GAP), ("left", "right", -MARK_GAP)):
        layers.append(chart("labels").transform_filter(f"datum._side == '{side}'").mark_text(
            align=align, baseline="top", dx=dx, fontSize=FONT_SIZE, lineBreak="\n", lineHeight=LINE).encode(
            x=x("_at"), y=y("_y"), text=alt.Text("_text", type="nominal"), href=href))
    return alt.layer(*layers).resolve_axis(x="independent"), height

