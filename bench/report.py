"""The benchmark's results and their Markdown table.

Input: everything one run of bench/run.py measured (`Results`). Output: the Markdown
written to bench/results.md: machine and corpus, one row per build with its ratio and the
target issue 29 sets for it, the dev server, the cost of charts, and a Targets section
that lists each target of the issue with the measured ratio, met or not, and nothing
else. The issue sets most targets on a 1,000-article corpus and three at 10,000 (the
one-article edit in the dev server, the cold build's scaling, its peak memory).
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

BASELINE_N = 1000  # the corpus for most targets; its run's numbers are the large run's baseline
LARGE_N = 10000  # the corpus for the scaling targets
EDIT_MS = 100  # one-article edit in the dev server, p50, at LARGE_N
SCALING = 1.2  # the cold build at LARGE_N within this times (LARGE_N / BASELINE_N) the BASELINE_N one
PEAK_MEMORY = 400e6  # bytes, the cold build's peak at LARGE_N


@dataclass(frozen=True)
class ChartCost:
    """Builds of a corpus whose every article has a chart, and of its chart-less twin."""

    charts: int
    cold: tuple[float, float]  # (with charts, without) in new processes, nothing cached
    cached: tuple[float, float]  # in-process, every SVG already in the dependency graph's "chart" nodes
    pages_only: tuple[float, float] | None = None  # in-process from .cache/, only the pages rendered again


@dataclass
class Results:
    """Everything one run measured (a peer is None when it was not run)."""

    n: int
    runs: int
    corpus: Corpus
    cold: Summary
    warm: Summary | None  # None: builds keep no cache, so warm is cold
    first_in_process: float
    one_edit: list[float]
    versions: dict[str, str]
    started: dt.datetime
    load_before: tuple[float, float, float]
    pages: dict[str, int]
    floor: Summary | None = None
    floor_pagefind: Summary | None = None  # the floor's build, then Pagefind over its output
    pelican_pagefind: Summary | None = None  # Pelican's build, then Pagefind over its output
    hugo: Summary | None = None
    without_extras: Summary | None = None  # the cold build less its search index and social cards
    deploy: Summary | None = None  # `build.py build` in a fresh copy of the project with the last .cache/
    deploy_output: str = ""  # "identical (N files)" to a clean build's output, or how it differs
    check: Summary | None = None  # `build.py check`, nothing changed
    check_edit: Summary | None = None  # `build.py check` after a one-article edit
    build_edit: Summary | None = None  # `build.py build` after a one-article edit
    serve: ServeLatencies | None = None
    charts: ChartCost | None = None
    whole_briefing: WholeBriefingCost | None = None  # this repository's briefing as one file, HTML and PDF
    baseline: dict | None = None  # the BASELINE_N run's numbers, for the scaling targets
    wall: float = 0.0

    @property
    def warm_or_cold(self) -> Summary:
        return self.warm or self.cold

    @property
    def large(self) -> bool:
        """Tell whether the scaling targets are this run's (and those set at BASELINE_N are not)."""
        return self.n >= LARGE_N


@dataclass(frozen=True)
class Target:
    """One target of issue 29, as measured in this run (measured None: this run could not measure it)."""

    row: str  # the table row it is shown beside
    wanted: str
    measured: str | None = None
    met: bool = False
    unmeasured: str = "not measured in this run"  # why measured is None


def targets(r: Results) -> list[Target]:
    """Return the issue's targets for a corpus of this size, each with what this run measured."""
    return scaling_targets(r) if r.large else baseline_targets(r)


def baseline_targets(r: Results) -> list[Target]:
    """Return the targets the issue sets on the 1,000-article corpus (not measured: their builds did not run)."""
    cold, warm = r.cold, r.warm
    found = [Target("cold", "cold build ≥ 2x faster than Pelican + Pagefind"),
             Target("cold", "cold build ≤ 1.3x the bare floor + Pagefind"),
             Target("without", "pipeline without search index and social cards ≤ 1.2x the bare floor"),
             Target("warm", "warm build ≥ 3x faster than Hugo's cold build"),
             Target("deploy", "deploy (fresh copy, last `.cache/`) ≤ 1.2x the warm build, and byte-identical to a "
                              "clean build"),
             Target("check", "`check` on unchanged content ≤ 1.2x a warm build"),
             Target("check_edit", "`check` after one edit no slower than the build after one edit (item 2)")]

    def measured(number: int, text: str, met: bool) -> None:
        found[number] = Target(found[number].row, found[number].wanted, text, met)

    if r.pelican_pagefind:
        pelican = r.pelican_pagefind.seconds
        measured(0, ratio(cold.seconds, pelican), pelican >= 2 * cold.seconds)
    if r.floor_pagefind:
        floor = r.floor_pagefind.seconds
        measured(1, f"{cold.seconds / floor:.2f}x (CPU time {cpu_ratio(cold, r.floor_pagefind)})",
                 cold.seconds <= 1.3 * floor)
    if r.floor and r.without_extras:
        core, floor = r.without_extras.seconds, r.floor.seconds
        measured(2, f"{core / floor:.2f}x (CPU time {cpu_ratio(r.without_extras, r.floor)})", core <= 1.2 * floor)
    if warm and r.hugo:
        measured(3, f"{ratio(warm.seconds, r.hugo.seconds)} ({warm.seconds:.2f} s vs {r.hugo.seconds:.2f} s)",
                 r.hugo.seconds >= 3 * warm.seconds)
    if warm and r.deploy:
        measured(4, f"{r.deploy.seconds / warm.seconds:.2f}x, output {r.deploy_output}",
                 r.deploy.seconds <= 1.2 * warm.seconds and r.deploy_output.startswith("identical"))
    if warm and r.check:
        measured(5, f"{r.check.seconds / warm.seconds:.2f}x", r.check.seconds <= 1.2 * warm.seconds)
    if r.check_edit and r.build_edit:
        check, build = r.check_edit.seconds, r.build_edit.seconds
        measured(6, f"{check / build:.2f}x ({check:.2f} s vs {build:.2f} s)", check <= build)
    return found


def scaling_targets(r: Results) -> list[Target]:
    """Return the targets the issue sets on the 10,000-article corpus."""
    edit = statistics.median(r.one_edit)
    found = [Target("edit", f"one-article edit in the dev server < {EDIT_MS} ms p50", f"{edit * 1000:.0f} ms",
                    edit * 1000 < EDIT_MS)]
    times = r.n / BASELINE_N
    wanted = f"cold build within {SCALING}x of {times:g} times the {BASELINE_N:,}-article cold build"
    if r.baseline:
        base = r.baseline["cold"]
        scale = r.cold.seconds / (times * base)
        found.append(Target("cold", wanted, f"{r.cold.seconds:.2f} s / ({times:g} x {base:.2f} s) = {scale:.2f}x "
                                            f"({BASELINE_N:,}-article run of {r.baseline['date']}, sitegen "
                                            f"{r.baseline['version']})", scale <= SCALING))
    else:
        found.append(Target("cold", wanted, unmeasured=f"no {BASELINE_N:,}-article numbers in "
                                                        f"bench/.work/results-{BASELINE_N}.json; run `make bench` first"))
    found.append(Target("cold", f"peak memory < {mb(int(PEAK_MEMORY))} (cold build, process tree RSS)", memory(r.cold),
                        r.cold.peak_rss < PEAK_MEMORY))
    return found


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
    turns = ("the cold builds of every generator and the floor taking turns a run each" if r.floor else
             "sitegen alone (at this size the floor, Pelican and Hugo run only with `--peers`)")
    return [
        f"Run {r.started:%Y-%m-%d %H:%M} UTC; each build run {r.runs} times, the median counts, {turns}; the whole run "
        f"took {r.wall / 60:.1f} min. Machine: {os.cpu_count()} cores (nproc), Python {platform.python_version()}, "
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
    """Return the table of builds, each with its ratio and its targets, and its notes."""
    found = targets(r)
    elsewhere = [] if r.large else [t for t in scaling_targets(r) if t.row == "edit"]  # set at 10,000 only

    def wanted(row: str) -> str:
        here = [t.wanted for t in found if t.row == row]
        return "; ".join(here + [f"at {LARGE_N:,} articles: {t.wanted} (not a target here)" for t in elsewhere
                                 if t.row == row]) or "-"

    def row(name: str, build: Summary | None, ratios: str, target_row: str = "") -> str:
        if build is None:
            return ""
        return (f"| {name} | {build.seconds:.2f} s | {build.cpu_seconds:.1f} s | {memory(build)} | {ratios} | "
                f"{wanted(target_row) if target_row else '-'} |")

    cold, warm = r.cold, r.warm_or_cold
    cold_ratios = []
    if r.pelican_pagefind:
        cold_ratios.append(f"{ratio(cold.seconds, r.pelican_pagefind.seconds)} than Pelican + Pagefind")
    if r.floor_pagefind:
        cold_ratios.append(f"{cold.seconds / r.floor_pagefind.seconds:.2f}x the floor + Pagefind "
                           f"(CPU {cpu_ratio(cold, r.floor_pagefind)})")
    if r.large and r.baseline:
        times = r.n / BASELINE_N
        cold_ratios.append(f"{cold.seconds / (times * r.baseline['cold']):.2f}x of {times:g} times the "
                           f"{BASELINE_N:,}-article cold build ({r.baseline['cold']:.2f} s)")
    edit_ms = [s * 1000 for s in r.one_edit]
    rows = [
        row("sitegen cold build (new process, no cache)", cold, "; ".join(cold_ratios) or "-", "cold"),
        row("sitegen cold build without search index and social cards ⁵", r.without_extras,
            f"{r.without_extras.seconds / r.floor.seconds:.2f}x the bare floor (CPU {cpu_ratio(r.without_extras, r.floor)})"
            if r.without_extras and r.floor else "-", "without"),
        row("sitegen warm build (nothing changed)" + ("" if r.warm else " ¹"), warm,
            f"{ratio(warm.seconds, r.hugo.seconds)} than Hugo's cold build" if r.hugo else "-", "warm"),
        row("sitegen deploy: fresh copy of the project, last `.cache/` ²", r.deploy,
            f"{r.deploy.seconds / warm.seconds:.2f}x the warm build; output {r.deploy_output} to a clean build's"
            if r.deploy else "-", "deploy"),
        row("sitegen check, nothing changed ³", r.check,
            f"{r.check.seconds / warm.seconds:.2f}x the warm build" if r.check else "-", "check"),
        row("sitegen build after a one-article edit (new process) ³", r.build_edit,
            f"{r.build_edit.seconds / warm.seconds:.2f}x the warm build" if r.build_edit else "-"),
        row("sitegen check after a one-article edit ³", r.check_edit,
            f"{r.check_edit.seconds / r.build_edit.seconds:.2f}x the build after one edit"
            if r.check_edit and r.build_edit else "-", "check_edit"),
        f"| sitegen one-article edit in the dev server (kept-alive `SiteBuilder`), p50 ⁴ | "
        f"{statistics.median(edit_ms):.0f} ms | - | - | p95 {percentile(edit_ms, 0.95):.0f} ms | {wanted('edit')} |",
        row("bare floor + Pagefind", r.floor_pagefind,
            f"Pagefind adds {r.floor_pagefind.seconds - r.floor.seconds:.2f} s to the floor"
            if r.floor_pagefind and r.floor else "-"),
        row(f"bare floor ({os.cpu_count()} processes)", r.floor, "-"),
        row("Pelican + Pagefind (Markdown reader)", r.pelican_pagefind,
            f"{r.pelican_pagefind.seconds / r.floor_pagefind.seconds:.2f}x the floor + Pagefind"
            if r.pelican_pagefind and r.floor_pagefind else "-"),
        row("Hugo", r.hugo, f"{r.hugo.seconds / r.floor.seconds:.2f}x the bare floor" if r.hugo and r.floor else "-"),
    ]
    lines = [
        "| measurement | time | CPU time | peak memory (process tree: RSS, and PSS) | ratio | target (issue 29) |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        *(line for line in rows if line),
        "",
        "Each build runs in a new process and includes interpreter start-up and imports (sitegen compiled to "
        "bytecode before the runs, as an installed package is, like the peers'); output and caches are "
        "moved aside before each cold run (deleted after the last run: on this disk a deletion just before "
        "a run slows the files the run creates). "
        + ("\"+ Pagefind\" is one command: the build, then Pagefind (the binary sitegen runs) indexing the articles "
           "of its output, as sitegen's build makes its search index. " if r.floor_pagefind or r.pelican_pagefind else "")
        + "CPU time is user + system time of the build and every process it started "
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
    if r.deploy:
        lines.append("² As a deploy from a fresh clone starts: the project's files copied to a new folder with new "
                     "file times and no output folder, the last build's `.cache/` copied in (new times too), then "
                     "`build.py build`; each run from a new copy, the earlier copies removed only after the last run "
                     "(a removal just before a run slowed it: ext4 without a journal scans recently deleted inodes for "
                     "every new one, which a fresh build machine does not do). Its output is compared file by file "
                     "with the last cold (`--no-cache`) build's.")
    if r.check:
        lines.append("³ `build.py check` reuses and updates .cache/ as a build does, and writes no output. A check "
                     "makes no search index, so the first check after a build renders the search page again: each "
                     "row is measured after one unmeasured run of its own. An edit appends a new line to one article "
                     "before each run; the build after it also indexes that article's search shard again.")
    lines.append(f"⁴ Median of {len(edit_ms)} edits, each appending a line to one article and calling the dev "
                 "server's `DevSite.rebuild()` (its kept-alive `SiteBuilder.build()` plus writing the changed files) "
                 f"in this process; its first build, reading .cache/ as `serve` does, took {r.first_in_process:.2f} s.")
    if r.without_extras:
        lines.append("⁵ The cold build above less the Pagefind index and the social cards "
                     "(`bench/without_search_and_cards.py`), which the bare floor has no part of: against the floor it "
                     "is the pipeline's own overhead; the cold build's time above it is what those two features cost.")
    return lines


def format_charts(c: ChartCost) -> list[str]:
    """Return the table of what charts cost, cold and cached."""

    def row(name: str, pair: tuple[float, float]) -> str:
        cost = pair[0] - pair[1]
        if cost < 0.05 * pair[1]:  # less than run-to-run noise; negative ones are noise alone
            return f"| {name} | {pair[0]:.2f} s | {pair[1]:.2f} s | ≈ 0 ({cost:+.2f} s, within noise) | ≈ 0 |"
        return f"| {name} | {pair[0]:.2f} s | {pair[1]:.2f} s | {cost:.2f} s | {cost / c.charts * 1000:.1f} ms |"

    return [
        f"{c.charts} articles with one distinct chart each, against the same articles with each chart block "
        "written as a plain code block; the builds in this process use every core, as the cold ones do:", "",
        "| build | with charts | without | the charts cost | a chart |",
        "| --- | ---: | ---: | ---: | ---: |",
        row("cold: new process, Altair and vl-convert imported, every SVG drawn", c.cold),
        row("SVGs cached: in-process, every SVG from the dependency graph (no chart drawn); every page rendered, "
            "each chart's downloads (two PNGs by resvg) and card made again", c.cached),
        *([row("all but the pages cached: in-process from the last build's `.cache/` at another base URL: every page "
               "rendered, each chart's drawing, downloads and card from the cache", c.pages_only)] if c.pages_only else []),
    ]


def format_targets(r: Results) -> list[str]:
    """Return one line per target of issue 29 at this corpus size: the measured ratio, met or not."""
    lines = []
    if not r.large and r.n != BASELINE_N:
        lines += [f"The issue sets these on {BASELINE_N:,} articles; this run has {r.n:,}: indicative only.", ""]
    for target in targets(r):
        if target.measured is None:
            lines.append(f"- {target.wanted}: {target.unmeasured}")
        else:
            lines.append(f"- {target.wanted}: {target.measured} — {'met' if target.met else '**not met**'}")
    return lines
