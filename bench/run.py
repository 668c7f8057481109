"""The benchmark: one run, one corpus, every measurement, one table.

Generates a deterministic corpus of N articles (bench/corpus.py) under bench/.work/ and
times, on that same corpus:

    sitegen cold      `build.py build` in a new process, no build cache
    sitegen warm      the same again with nothing changed (cache kept, if there is one)
    sitegen one edit  `SiteBuilder.build()` on a kept-alive builder after one article
                      changed: the dev server's code path, in this process
    bare floor        bench/floor.py: read, front matter, charts, Markdown, one template,
                      write, on every core
    Pelican, Hugo     the same corpus in their formats, from bench/.work/venv

each the median of RUNS runs, with the peak RSS of the whole process tree. At N <= 1,000
it also measures `build.py serve` (edit saved -> page served, over 20 edits) and the cost
of charts on a 100-article corpus where every article has one chart. Progress goes to
stderr; the table goes to stdout and to bench/results.md (bench/results-N.md for any
other N, so the large run does not replace the default one).

    make bench            # N=1000
    make bench N=10000    # the large run
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench import competitors
from bench.corpus import Corpus, generate_corpus, plan_corpus, write_ours
from bench.measure import Summary, percentile, repeat, run_command
from bench.serve_latency import measure_serve
from sitegen.content import Project
from sitegen.pipeline import BuildOptions, SiteBuilder
from sitegen.serve import DevSite

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
WORK = BENCH / ".work"
BUILD_PY = REPO / "build.py"
CHART_SHARE = 0.02  # one article in fifty has a chart: 20 charts at N=1,000
CHART_CORPUS = 100  # articles, each with one chart, for the cost of charts
SERVE_MAX_N = 1000
# In-process chart timings leave out the search index, as the dev server does: it costs
# the same with or without charts and would only add noise to their difference.
NO_SEARCH = BuildOptions(search_index=False)


def log(message: str) -> None:
    """Print a progress line to stderr with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def remove(path: Path) -> None:
    """Delete a folder if it exists."""
    shutil.rmtree(path, ignore_errors=True)


def has_no_cache_flag() -> bool:
    """Tell whether `build.py build` offers --no-cache (a persistent build cache exists)."""
    result = subprocess.run([sys.executable, str(BUILD_PY), "build", "--help"], capture_output=True, text=True, check=True)
    return "--no-cache" in result.stdout


@dataclass(frozen=True)
class Ours:
    """How to run sitegen's CLI on one project folder."""

    project: Path  # holds content/; a build cache, if any, lands here too (it is the cwd)
    no_cache_flag: bool

    @property
    def output(self) -> Path:
        return self.project / "_site"

    def command(self, cold: bool) -> list[str]:
        extra = ["--no-cache"] if cold and self.no_cache_flag else []
        return [sys.executable, str(BUILD_PY), "build", "--content", str(self.project / "content"),
                "--output", str(self.output), *extra]

    def leftovers(self) -> list[Path]:
        """Return what a build left in the project besides content/ and the output: a cache."""
        return sorted(p for p in self.project.iterdir() if p.name not in ("content", self.output.name))

    def clear(self) -> None:
        """Remove the output and anything else a build left: the next build starts from nothing."""
        for path in [self.output, *self.leftovers()]:
            remove(path)

    def cold(self, runs: int) -> Summary:
        return repeat(runs, self.clear, lambda: run_command(self.command(cold=True), cwd=self.project))

    def has_cache(self) -> bool:
        """Tell whether builds keep a cache between processes (a flag for it, or files left behind)."""
        return self.no_cache_flag or bool(self.leftovers())

    def warm(self, runs: int) -> Summary:
        if self.no_cache_flag:
            run_command(self.command(cold=False), cwd=self.project)  # a cold run wrote no cache: fill it
        return repeat(runs, lambda: None, lambda: run_command(self.command(cold=False), cwd=self.project))


def measure_one_edit(project: Path, edits: int) -> tuple[float, list[float]]:
    """Return the dev server's first build's seconds and each rebuild's after a one-article edit.

    Uses the dev server's own `DevSite`, so the kept-alive `SiteBuilder` has exactly the
    options `serve` gives it, and each rebuild is what its file watcher calls.
    """
    dev = DevSite(Project.from_content_dir(project / "content"), project / "_dev", BuildOptions(include_drafts=True))
    started = time.perf_counter()
    dev.first_build()
    first = time.perf_counter() - started
    if dev.errors:
        raise RuntimeError(f"the corpus does not build:\n{dev.errors}")
    articles = sorted((project / "content" / "articles").glob("*.md"))
    article = articles[len(articles) // 2]
    original = article.read_bytes()
    seconds = []
    try:
        for number in range(edits):
            article.write_bytes(original + f"\nEdit number {number} for the benchmark.\n".encode())
            with contextlib.redirect_stderr(io.StringIO()):  # one "rebuilt in" line per edit
                started = time.perf_counter()
                changed = dev.rebuild()
                seconds.append(time.perf_counter() - started)
            if "(errors)" in changed or not changed:
                raise RuntimeError(f"the edit to {article.name} did not rebuild: {changed} {dev.errors}")
    finally:
        article.write_bytes(original)
        remove(project / "_dev")
    return first, seconds


def measure_floor(corpus: Corpus, runs: int) -> Summary:
    """Time bench/floor.py on the corpus in a new process."""
    output = corpus.root / "floor-site"
    command = [sys.executable, "-m", "bench.floor", str(corpus.ours / "content"), str(output)]
    return repeat(runs, lambda: remove(output), lambda: run_command(command, cwd=REPO))


def measure_pelican(corpus: Corpus, runs: int) -> Summary:
    """Time a Pelican build of the corpus from nothing."""
    output = corpus.pelican / "output"
    command = competitors.pelican_command(corpus.pelican, output)
    return repeat(runs, lambda: remove(output), lambda: run_command(command, cwd=corpus.pelican))


def measure_hugo(corpus: Corpus, runs: int) -> Summary:
    """Time a Hugo build of the corpus from nothing (output and Hugo's cache removed)."""
    output = corpus.hugo / "public"
    command = competitors.hugo_command(corpus.hugo, output)
    env = competitors.hugo_env(dict(os.environ), corpus.hugo)

    def clear() -> None:
        remove(output)
        remove(corpus.hugo / ".hugo_cache")
        remove(corpus.hugo / "resources")

    return repeat(runs, clear, lambda: run_command(command, cwd=corpus.hugo, env=env))


def count_article_pages(output: Path) -> int:
    """Return how many articles/<slug>/index.html pages a build wrote."""
    return len(list(output.glob("articles/*/index.html")))


@dataclass(frozen=True)
class ChartCost:
    """The extra time 100 charts add to a build, cold and with their SVGs cached."""

    charts: int
    cold_with: float
    cold_without: float
    cached_with: float
    cached_without: float
    warm_process: tuple[float, float] | None  # (with, without) when a persistent cache exists

    @property
    def cold(self) -> float:
        return self.cold_with - self.cold_without

    @property
    def cached(self) -> float:
        return self.cached_with - self.cached_without


def in_process_builds(project: Path, runs: int, chart_source: SiteBuilder | None) -> float:
    """Return the median seconds of fresh in-process builds, sharing chart_source's chart cache."""
    seconds = []
    for _ in range(runs):
        builder = SiteBuilder(Project.from_content_dir(project / "content"), NO_SEARCH)
        if chart_source is not None:
            builder.charts = chart_source.charts  # every SVG already rendered: a cache hit each
        started = time.perf_counter()
        builder.build()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def measure_charts(root: Path, runs: int, no_cache_flag: bool) -> ChartCost:
    """Build a corpus whose every article has a chart, and its twin with the charts as code."""
    remove(root)
    articles = plan_corpus(CHART_CORPUS, chart_share=1.0)
    with_charts, without = Ours(root / "charts", no_cache_flag), Ours(root / "plain", no_cache_flag)
    write_ours(with_charts.project, articles)
    write_ours(without.project, [replace(a, body=a.body_without_charts(), charts=0) for a in articles])
    log(f"charts: cold builds of {CHART_CORPUS} articles with and without a chart each")
    cold_with, cold_without = with_charts.cold(runs).seconds, without.cold(runs).seconds
    warm_process = None
    if no_cache_flag:
        log("charts: warm builds (persistent cache)")
        warm_process = (with_charts.warm(runs).seconds, without.warm(runs).seconds)
    log("charts: in-process builds with every chart SVG in the renderer's cache")
    source = SiteBuilder(Project.from_content_dir(with_charts.project / "content"), NO_SEARCH)
    source.build()
    cached_with = in_process_builds(with_charts.project, runs, source)
    cached_without = in_process_builds(without.project, runs, None)
    return ChartCost(sum(a.charts for a in articles), cold_with, cold_without, cached_with, cached_without, warm_process)


@dataclass
class Results:
    """Everything one run measured, ready to format."""

    n: int
    runs: int
    corpus: Corpus
    cold: Summary
    warm: Summary
    first_in_process: float
    one_edit: list[float]
    floor: Summary
    pelican: Summary
    hugo: Summary
    versions: dict[str, str]
    started: dt.datetime
    load_before: tuple[float, float, float]
    warm_measured: bool
    pages: dict[str, int]
    serve: list[float] | None = None
    charts: ChartCost | None = None
    baseline: dict | None = None  # the N=1,000 run's numbers, for the scaling section
    wall: float = 0.0


def mb(value: int) -> str:
    return f"{value / 1e6:.0f} MB"


def ratio(ours: float, other: float) -> str:
    """Return how many times faster ours is than other ('2.5x faster' / '1.3x slower')."""
    if ours <= 0 or other <= 0:
        return "-"
    return f"{other / ours:.2f}x faster" if ours <= other else f"{ours / other:.2f}x slower"


def format_results(results: Results) -> str:
    """Return the results as Markdown."""
    r = results
    edit_ms = [s * 1000 for s in r.one_edit]
    lines = [
        f"# Benchmark: {r.n:,} articles",
        "",
        f"Run {r.started:%Y-%m-%d %H:%M} UTC with `make bench N={r.n}` ({r.runs} runs each, median; "
        f"whole run {r.wall / 60:.1f} min). Machine: {os.cpu_count()} cores (nproc), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average before the run "
        f"{' / '.join(f'{x:.2f}' for x in r.load_before)} (1 / 5 / 15 min): others' work on a shared machine inflates "
        "every number, so compare ratios within one run rather than seconds across runs.",
        "",
        f"Corpus: {len(r.corpus.articles):,} articles, {r.corpus.words:,} words "
        f"({r.corpus.words // max(1, len(r.corpus.articles)):,} a page), {r.corpus.charts} chart blocks over 4 data files, "
        "each article with headings, lists, a table and links to other articles; generated by `bench/corpus.py` "
        "(fixed seed, byte-identical every run). Versions: " + "; ".join(f"{k} {v}" for k, v in r.versions.items()) + ".",
        "",
        "| measurement | time | peak memory (process tree) | vs Pelican | vs Hugo | vs bare floor |",
        "| --- | ---: | ---: | --- | --- | --- |",
    ]

    def row(name: str, seconds: float, memory: str, against_floor: bool = True) -> str:
        floor = f"{seconds / r.floor.seconds:.2f}x the floor" if against_floor else "-"
        return (f"| {name} | {seconds:.2f} s | {memory} | {ratio(seconds, r.pelican.seconds)} | "
                f"{ratio(seconds, r.hugo.seconds)} | {floor} |")

    warm_name = "sitegen warm build (nothing changed)" + ("" if r.warm_measured else " ¹")
    lines += [
        row("sitegen cold build (new process, no cache)", r.cold.seconds, mb(r.cold.peak_rss)),
        row(warm_name, r.warm.seconds, mb(r.warm.peak_rss)),
        row("sitegen one-article edit (`SiteBuilder.build()`, kept alive) ²", statistics.median(edit_ms) / 1000,
            f"p95 {percentile(edit_ms, 0.95):.0f} ms", against_floor=False),
        f"| bare floor ({os.cpu_count()} processes) | {r.floor.seconds:.2f} s | {mb(r.floor.peak_rss)} | "
        f"{ratio(r.floor.seconds, r.pelican.seconds)} | {ratio(r.floor.seconds, r.hugo.seconds)} | 1.00x |",
        f"| Pelican (Markdown reader) | {r.pelican.seconds:.2f} s | {mb(r.pelican.peak_rss)} | - | "
        f"{ratio(r.pelican.seconds, r.hugo.seconds)} | {r.pelican.seconds / r.floor.seconds:.2f}x the floor |",
        f"| Hugo | {r.hugo.seconds:.2f} s | {mb(r.hugo.peak_rss)} | {ratio(r.hugo.seconds, r.pelican.seconds)} | - | "
        f"{r.hugo.seconds / r.floor.seconds:.2f}x the floor |",
        "",
        "Every build runs in a new process and includes interpreter start-up and imports; the output and any cache "
        "are deleted before each cold run. Pages written: " + ", ".join(f"{k} {v:,}" for k, v in r.pages.items()) + ".",
    ]
    if not r.warm_measured:
        lines.append("¹ Not measured separately: `build.py build` has no `--no-cache` and left no cache behind, so a "
                     "warm build does the same work as a cold one; the cold numbers are repeated.")
    lines.append(f"² Median of {len(edit_ms)} edits, each appending a line to one article and rebuilding in the "
                 f"builder that built everything once ({r.first_in_process:.2f} s for that first build, in-process).")
    if r.serve:
        ms = [s * 1000 for s in r.serve]
        lines += ["", "## Dev server", "",
                  f"`build.py serve` on this corpus, edit saved -> page served with the edit, over {len(ms)} edits: "
                  f"**p50 {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms** "
                  f"(min {min(ms):.0f} ms, max {max(ms):.0f} ms)."]
    if r.charts:
        c = r.charts
        lines += ["", "## Charts", "",
                  f"{CHART_CORPUS} articles with one chart each ({c.charts} distinct charts) against the same articles "
                  "with each chart block as a plain code block:", "",
                  "| | with charts | without | cost of the charts | a chart |",
                  "| --- | ---: | ---: | ---: | ---: |",
                  f"| cold (new process: Altair and vl-convert imported, every SVG drawn) | {c.cold_with:.2f} s | "
                  f"{c.cold_without:.2f} s | {c.cold:.2f} s | {c.cold / c.charts * 1000:.0f} ms |",
                  f"| cached (in-process build, every SVG in the chart renderer's cache) | {c.cached_with:.2f} s | "
                  f"{c.cached_without:.2f} s | {c.cached:.2f} s | {c.cached / c.charts * 1000:.1f} ms |"]
        if c.warm_process:
            w, wo = c.warm_process
            lines.append(f"| warm (new process, persistent cache) | {w:.2f} s | {wo:.2f} s | {w - wo:.2f} s | "
                         f"{(w - wo) / c.charts * 1000:.1f} ms |")
    lines += ["", "## Targets", ""]
    lines += format_targets(r)
    return "\n".join(lines) + "\n"


def format_targets(r: Results) -> list[str]:
    """Return one line per target of the performance issue, met or not."""

    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    edit = statistics.median(r.one_edit)
    out = [
        f"- cold build ≥2x faster than Pelican: {r.pelican.seconds / r.cold.seconds:.2f}x — "
        f"{mark(r.pelican.seconds >= 2 * r.cold.seconds)}",
        f"- cold build within 1.2x of the bare floor: {r.cold.seconds / r.floor.seconds:.2f}x — "
        f"{mark(r.cold.seconds <= 1.2 * r.floor.seconds)}",
        f"- warm build faster than Hugo's cold build: {r.warm.seconds:.2f} s vs {r.hugo.seconds:.2f} s — "
        f"{mark(r.warm.seconds < r.hugo.seconds)}",
        f"- one-article edit < 100 ms p50: in-process rebuild {edit * 1000:.0f} ms — {mark(edit < 0.1)}",
    ]
    if r.serve:
        serve = statistics.median(r.serve)
        out.append(f"- one-article edit in `serve` < 100 ms p50: {serve * 1000:.0f} ms — {mark(serve < 0.1)}")
    if r.n >= 10000:
        out.append(f"- peak memory < 500 MB at {r.n:,} articles: {mb(r.cold.peak_rss)} — {mark(r.cold.peak_rss < 500e6)}")
        if r.baseline:
            scale = r.cold.seconds / r.baseline["cold"]
            out.append(f"- {r.n:,} articles ≤11x the 1,000 time: cold {r.cold.seconds:.2f} s / {r.baseline['cold']:.2f} s "
                       f"= {scale:.1f}x — {mark(scale <= 11)} (the 1,000 run: {r.baseline['date']})")
        else:
            out.append("- linear scaling: no N=1,000 numbers in bench/.work/results-1000.json to compare with; "
                       "run `make bench` first")
    return out


def save_numbers(r: Results) -> None:
    """Keep this run's headline numbers for a later run's scaling comparison."""
    numbers = {"n": r.n, "date": f"{r.started:%Y-%m-%d %H:%M}", "cold": r.cold.seconds, "warm": r.warm.seconds,
               "floor": r.floor.seconds, "pelican": r.pelican.seconds, "hugo": r.hugo.seconds,
               "cold_peak_rss": r.cold.peak_rss}
    (WORK / f"results-{r.n}.json").write_text(json.dumps(numbers, indent=2) + "\n")


def sitegen_version() -> str:
    """Return the commit measured, marked when sitegen/ or templates/ differ from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "sitegen", "templates", "static", "build.py")
    return (git("rev-parse", "--short", "HEAD") or "?") + (" with uncommitted changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    """Run every measurement on one corpus; print and save the table."""
    parser = argparse.ArgumentParser(description="Benchmark sitegen against a bare floor, Pelican and Hugo.")
    parser.add_argument("--n", type=int, default=1000, help="articles in the corpus (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each build; the median counts (default 3)")
    parser.add_argument("--edits", type=int, default=20, help="one-article edits to time (default 20)")
    args = parser.parse_args(argv)

    begun = time.perf_counter()
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    bin_folder = competitors.ensure_bench_env()
    versions = {
        "sitegen": sitegen_version(),
        "Pelican": competitors.version_of([str(bin_folder / "pelican"), "--version"]),
        "Hugo": competitors.version_of([str(competitors.hugo_binary()), "version"]).split("-")[0].replace("hugo ", ""),
    }
    no_cache_flag = has_no_cache_flag()

    log(f"generating {args.n:,} articles")
    corpus = generate_corpus(WORK / f"corpus-{args.n}", args.n, CHART_SHARE)
    ours = Ours(corpus.ours, no_cache_flag)
    runs = args.runs

    log("sitegen: cold builds")
    cold = ours.cold(runs)
    log(f"  {cold.seconds:.2f} s")
    warm_measured = ours.has_cache()
    if warm_measured:
        log("sitegen: warm builds")
        warm = ours.warm(runs)
        log(f"  {warm.seconds:.2f} s")
    else:
        log("sitegen: no cache is kept between builds, so a warm build is a cold one: not run again")
        warm = cold
    log(f"sitegen: {args.edits} one-article edits in a kept-alive SiteBuilder")
    first, edits = measure_one_edit(corpus.ours, args.edits)
    log(f"  {statistics.median(edits) * 1000:.0f} ms")
    log("bare floor")
    floor = measure_floor(corpus, runs)
    log(f"  {floor.seconds:.2f} s")
    log("Pelican")
    pelican = measure_pelican(corpus, runs)
    log(f"  {pelican.seconds:.2f} s")
    log("Hugo")
    hugo = measure_hugo(corpus, runs)
    log(f"  {hugo.seconds:.2f} s")
    pages = {"sitegen": count_article_pages(ours.output), "floor": count_article_pages(corpus.root / "floor-site"),
             "Pelican": count_article_pages(corpus.pelican / "output"), "Hugo": count_article_pages(corpus.hugo / "public")}

    results = Results(args.n, runs, corpus, cold, warm, first, edits, floor, pelican, hugo, versions, started,
                      load_before, warm_measured, pages)
    if args.n <= SERVE_MAX_N:
        log(f"serve: {args.edits} edits, edit saved -> page served")
        article = sorted((corpus.ours / "content" / "articles").glob("*.md"))[args.n // 3]
        results.serve = measure_serve(corpus.ours / "content", corpus.root / "serve-site", article,
                                      f"/articles/{article.stem}/", edits=args.edits)
        log(f"  p50 {statistics.median(results.serve) * 1000:.0f} ms")
        results.charts = measure_charts(WORK / "charts", runs, no_cache_flag)
        log(f"  charts cost {results.charts.cold:.2f} s cold, {results.charts.cached:.2f} s cached")
    else:
        baseline = WORK / "results-1000.json"
        results.baseline = json.loads(baseline.read_text()) if baseline.is_file() else None
    results.wall = time.perf_counter() - begun

    text = format_results(results)
    print(text)
    save_numbers(results)
    target = BENCH / ("results.md" if args.n == 1000 else f"results-{args.n}.md")
    target.write_text(text)
    log(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
