"""The benchmark's results and their Markdown table.

Input: everything one run of bench/run.py measured (`Results`). Output: the Markdown
written to bench/results.md: machine and corpus, one row per build with its ratios to
Pelican, Hugo and the bare floor, the dev server, the cost of charts, and each target
of the performance issue marked met or not.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
from dataclasses import dataclass

from bench.measure import Summary, percentile
from bench.projects import Corpus
from bench.serve_latency import ServeLatencies
from bench.whole_briefing import WholeBriefingCost, format_whole_briefing

EDIT_TARGET_N = 1000  # the issue sets the one-article edit's target at 1,000 articles


@dataclass(frozen=True)
class ChartCost:
    """Builds of a corpus whose every article has a chart, and of its chart-less twin."""

    charts: int
    cold: tuple[float, float]  # (with charts, without) in new processes, nothing cached
    cached: tuple[float, float]  # in-process, every SVG already in the chart renderer


@dataclass
class Results:
    """Everything one run measured."""

    n: int
    runs: int
    corpus: Corpus
    cold: Summary
    warm: Summary | None  # None: builds keep no cache, so warm is cold
    first_in_process: float
    one_edit: list[float]
    floor: Summary
    pelican: Summary
    hugo: Summary
    versions: dict[str, str]
    started: dt.datetime
    load_before: tuple[float, float, float]
    pages: dict[str, int]
    without_extras: Summary | None = None  # the cold build less its search index and social cards
    check: Summary | None = None  # `build.py check`, nothing changed
    check_edit: Summary | None = None  # `build.py check` after a one-article edit
    build_edit: Summary | None = None  # `build.py build` after a one-article edit
    serve: ServeLatencies | None = None
    charts: ChartCost | None = None
    whole_briefing: WholeBriefingCost | None = None  # this repository's briefing as one file, HTML and PDF
    baseline: dict | None = None  # the N=1,000 run's numbers, for the scaling targets
    wall: float = 0.0

    @property
    def warm_or_cold(self) -> Summary:
        return self.warm or self.cold


def mb(value: int) -> str:
    """Format bytes as whole megabytes."""
    return f"{value / 1e6:.0f} MB"


def memory(summary) -> str:
    """Format a measurement's peak tree RSS, with its peak tree PSS when it was sampled."""
    return mb(summary.peak_rss) + (f" (PSS {mb(summary.peak_pss)})" if getattr(summary, "peak_pss", 0) else "")


def cpu_ratio(build: Summary, floor: Summary) -> str:
    """Say how a build's CPU time compares with the floor's: '1.60x'."""
    return f"{build.cpu_seconds / floor.cpu_seconds:.2f}x" if floor.cpu_seconds > 0 else "-"


def ratio(ours: float, other: float) -> str:
    """Say how ours compares with other: '2.50x faster' or '1.30x slower'."""
    if ours <= 0 or other <= 0:
        return "-"
    return f"{other / ours:.2f}x faster" if ours <= other else f"{ours / other:.2f}x slower"


def format_results(r: Results) -> str:
    """Return the whole results page as Markdown."""
    lines = [f"# Benchmark: {r.n:,} articles", "", *format_setting(r), "", *format_builds(r)]
    if r.serve:
        lines += ["", "## Dev server", "", *format_serve(r.serve)]
    if r.charts:
        lines += ["", "## Charts", "", *format_charts(r.charts)]
    if r.whole_briefing:
        lines += ["", "## The whole briefing in one file", "", *format_whole_briefing(r.whole_briefing)]
    lines += ["", "## Targets", "", *format_targets(r)]
    return "\n".join(lines) + "\n"


def format_serve(serve: ServeLatencies) -> list[str]:
    """Return the dev server's latencies, as a browser sees them and as polling sees them."""
    def spread(seconds: list[float], bold: bool) -> str:
        ms = [s * 1000 for s in seconds]
        emphasis = "**" if bold else ""
        return (f"{emphasis}p50 {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms{emphasis} "
                f"(min {min(ms):.0f} ms, max {max(ms):.0f} ms)")

    return [
        f"`build.py serve` on this corpus, edit saved -> page served with the edit, over {len(serve.reloaded)} edits:",
        "",
        f"- as a browser sees it (livereload's reload message, then one request for the page): {spread(serve.reloaded, True)}",
        f"- polling the page every 5 ms instead, {len(serve.polled)} more edits: {spread(serve.polled, False)}; "
        "the polling requests take the server's time while it rebuilds",
    ]


def format_setting(r: Results) -> list[str]:
    """Return when, where and on what the run happened."""
    corpus = r.corpus
    return [
        f"Run {r.started:%Y-%m-%d %H:%M} UTC; each build run {r.runs} times, the median counts, the cold builds of "
        "every generator and the floor taking turns a run each; the whole run took "
        f"{r.wall / 60:.1f} min. Machine: {os.cpu_count()} cores (nproc), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average before the run "
        f"{' / '.join(f'{x:.2f}' for x in r.load_before)} (1 / 5 / 15 min). Other work on a shared machine "
        "inflates every number: compare ratios within one run rather than seconds across runs.",
        "",
        f"Corpus: {len(corpus.articles):,} articles, {corpus.words:,} words ({corpus.words // max(1, len(corpus.articles)):,} "
        f"an article), {corpus.charts} chart blocks over 4 data files; every article has headings, lists, a table "
        "and links to other articles. Generated by `bench/corpus.py` with a fixed seed, byte-identical every run. "
        "Versions: " + "; ".join(f"{name} {version}" for name, version in r.versions.items()) + ".",
    ]


def format_builds(r: Results) -> list[str]:
    """Return the table of builds with their ratios, and its notes."""
    edit_ms = [s * 1000 for s in r.one_edit]
    pelican, hugo, floor = r.pelican.seconds, r.hugo.seconds, r.floor.seconds

    def row(name: str, build: Summary | None, seconds: float, memory: str, floor_ratio: str | None = None,
            itself: str = "") -> str:
        vs_pelican = "-" if itself == "pelican" else ratio(seconds, pelican)
        vs_hugo = "-" if itself == "hugo" else ratio(seconds, hugo)
        against_floor = floor_ratio if floor_ratio is not None else f"{seconds / floor:.2f}x the floor"
        if build is not None and floor_ratio is None:
            against_floor += f" (CPU {cpu_ratio(build, r.floor)})"
        cpu = f"{build.cpu_seconds:.1f} s" if build is not None else "-"
        return f"| {name} | {seconds:.2f} s | {cpu} | {memory} | {vs_pelican} | {vs_hugo} | {against_floor} |"

    warm = r.warm_or_cold
    lines = [
        "| measurement | time | CPU time | peak memory (process tree: RSS, and PSS) | vs Pelican | vs Hugo | vs bare floor |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
        row("sitegen cold build (new process, no cache)", r.cold, r.cold.seconds, memory(r.cold)),
        row("sitegen warm build (nothing changed)" + ("" if r.warm else " ¹"), warm, warm.seconds, memory(warm)),
        *([row(f"sitegen check, nothing changed ({r.check.seconds / warm.seconds:.2f}x the warm build) ⁴", r.check,
               r.check.seconds, memory(r.check)),
           row("sitegen build after a one-article edit (new process) ⁴", r.build_edit, r.build_edit.seconds,
               memory(r.build_edit)),
           row(f"sitegen check after a one-article edit ({r.check_edit.seconds / r.build_edit.seconds:.2f}x the build "
               "after one) ⁴", r.check_edit, r.check_edit.seconds, memory(r.check_edit))]
          if r.check and r.check_edit and r.build_edit else []),
        row("sitegen one-article edit (kept-alive `SiteBuilder`) ²", None, statistics.median(edit_ms) / 1000,
            f"p95 {percentile(edit_ms, 0.95):.0f} ms", "-"),
        *([row("sitegen cold build without search index and social cards ³", r.without_extras,
               r.without_extras.seconds, memory(r.without_extras))] if r.without_extras else []),
        row(f"bare floor ({os.cpu_count()} processes)", r.floor, floor, memory(r.floor), "1.00x"),
        row("Pelican (Markdown reader)", r.pelican, pelican, memory(r.pelican), itself="pelican"),
        row("Hugo", r.hugo, hugo, memory(r.hugo), itself="hugo"),
        "",
        "Each build runs in a new process and includes interpreter start-up and imports; output and caches are "
        "deleted before each cold run. CPU time is user + system time of the build and every process it started "
        "(median of the runs): other work on the machine moves it far less than the wall time. Memory is the peak "
        "of the summed RSS of the process and its children (pool workers, Pagefind), sampled every 20 ms (PSS every "
        "200 ms); a forked worker's RSS includes the pages it shares with its "
        "parent, so that sum counts them once per worker. PSS divides each shared page among the processes sharing it: "
        "its sum is the memory really in use. Article pages written: "
        + ", ".join(f"{name} {count:,}" for name, count in r.pages.items()) + ".",
    ]
    if not r.warm:
        lines.append("¹ Not run: `build.py build` has no `--no-cache` and left no cache behind, so a warm build "
                     "does a cold build's work; the cold numbers are repeated.")
    lines.append(f"² Median of {len(edit_ms)} edits, each appending a line to one article and calling the dev "
                 "server's `DevSite.rebuild()` (its kept-alive `SiteBuilder.build()` plus writing the changed files) "
                 f"in this process; its first build, reading .cache/ as `serve` does, took {r.first_in_process:.2f} s.")
    if r.check:
        lines.append("⁴ `build.py check` reuses and updates .cache/ as a build does, and writes no output. A check "
                     "makes no search index, so the first check after a build renders the search page again: each "
                     "row is measured after one unmeasured run of its own. An edit appends a new line to one article "
                     "before each run; the build after it also indexes that article's search shard again.")
    if r.without_extras:
        lines.append("³ The cold build above less the Pagefind index and the social cards "
                     "(`bench/without_search_and_cards.py`), which the bare floor has no part of: against the floor it "
                     "is the pipeline's own overhead; the cold build's time above it is what those two features cost. "
                     "The targets are on the whole cold build.")
    return lines


def format_charts(c: ChartCost) -> list[str]:
    """Return the table of what charts cost, cold and cached."""

    def row(name: str, pair: tuple[float, float]) -> str:
        cost = pair[0] - pair[1]
        if cost < 0.05 * pair[1]:  # less than run-to-run noise; negative ones are noise alone
            return f"| {name} | {pair[0]:.2f} s | {pair[1]:.2f} s | ≈ 0 ({cost:+.2f} s, within noise) | ≈ 0 |"
        return f"| {name} | {pair[0]:.2f} s | {pair[1]:.2f} s | {cost:.2f} s | {cost / c.charts * 1000:.1f} ms |"

    lines = [
        f"{c.charts} articles with one distinct chart each, against the same articles with each chart block "
        "written as a plain code block:", "",
        "| build | with charts | without | the charts cost | a chart |",
        "| --- | ---: | ---: | ---: | ---: |",
        row("cold: new process, Altair and vl-convert imported, every SVG drawn", c.cold),
        row("cached: in-process, pages rendered, every SVG from the chart renderer's cache", c.cached),
    ]
    return lines


def format_targets(r: Results) -> list[str]:
    """Return one line per target of the performance issue, met or not."""

    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    cold, floor, pelican, hugo = r.cold.seconds, r.floor.seconds, r.pelican.seconds, r.hugo.seconds
    warm = r.warm_or_cold.seconds
    edit = statistics.median(r.one_edit)
    lines = [
        f"- cold build ≥2x faster than Pelican: {pelican / cold:.2f}x — {mark(pelican >= 2 * cold)}",
        f"- cold build within 1.2x of the bare floor: {cold / floor:.2f}x (CPU time {cpu_ratio(r.cold, r.floor)}) — "
        f"{mark(cold <= 1.2 * floor)}"
        + (f"; without search index and social cards {r.without_extras.seconds / floor:.2f}x "
           f"(CPU time {cpu_ratio(r.without_extras, r.floor)}), not a target: what the pipeline itself adds"
           if r.without_extras else ""),
        f"- warm build faster than Hugo's cold build: {warm:.2f} s vs {hugo:.2f} s — {mark(warm < hugo)}",
        *([f"- `check` on unchanged content ≤ 1.2x a warm build: {r.check.seconds / warm:.2f}x — "
           f"{mark(r.check.seconds <= 1.2 * warm)}",
           f"- `check` after a one-article edit no slower than the build after it: {r.check_edit.seconds:.2f} s vs "
           f"{r.build_edit.seconds:.2f} s — {mark(r.check_edit.seconds <= r.build_edit.seconds)}"]
          if r.check and r.check_edit and r.build_edit else []),
        f"- one-article edit < 100 ms p50, in-process rebuild: {edit * 1000:.0f} ms — "
        + (mark(edit < 0.1) if r.n <= EDIT_TARGET_N else f"no target at {r.n:,} articles (it is set at {EDIT_TARGET_N:,})"),
    ]
    if r.serve:
        serve = statistics.median(r.serve.reloaded)
        lines.append(f"- one-article edit < 100 ms p50 in `serve`, saved to served (reload message): {serve * 1000:.0f} ms — "
                     f"{mark(serve < 0.1)}")
    if r.n >= 10000:
        lines.append(f"- peak memory < 500 MB at {r.n:,} articles: cold build {memory(r.cold)} — "
                     f"{mark(r.cold.peak_rss < 500e6)}")
        if r.baseline:
            scale = cold / r.baseline["cold"]
            lines.append(f"- {r.n:,} articles in ≤11x the 1,000-article time: {cold:.2f} s / {r.baseline['cold']:.2f} s "
                         f"= {scale:.1f}x — {mark(scale <= 11)} (1,000-article run of {r.baseline['date']})")
        else:
            lines.append("- linear scaling: no 1,000-article numbers in bench/.work/results-1000.json to compare "
                         "with; run `make bench` first")
    return lines
