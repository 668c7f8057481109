"""The benchmark: one run, one corpus, every measurement, one table.

Generates a deterministic corpus of N articles (bench/corpus.py) under bench/.work/ and
times, on that same corpus:

    sitegen cold      `build.py build --no-cache` in a new process, caches deleted first
    sitegen warm      `build.py build` again with nothing changed (when builds keep a cache)
    sitegen deploy    `build.py build` in a fresh copy of the project (new file times, no
                      output) with the last build's .cache/ copied in, as a Netlify deploy
                      starts; its output compared with a clean `--no-cache` build's
    sitegen check     `build.py check` with nothing changed, and after a one-article edit;
                      beside it `build.py build` after a one-article edit, each in a new process
    sitegen one edit  the dev server's `DevSite.rebuild()` (its kept-alive `SiteBuilder`)
                      after one article changed, in this process
    sitegen without search index and social cards
                      bench/without_search_and_cards.py: the cold build, less the two
                      features the floor lacks, to tell their cost from the pipeline's
    bare floor        bench/floor.py: read, front matter, charts, Markdown, one template,
                      write, on every core
    bare floor + Pagefind, Pelican + Pagefind
                      the floor's or Pelican's build, then Pagefind indexing its output, one
                      command: the peers of issue 29, each with the search index sitegen makes
    Hugo              the same corpus in its format; Pelican and Hugo from bench/.work/venv

each the median of RUNS runs, with the peak RSS of the whole process tree. The cold builds
(ours, ours without search and cards, the floor with and without Pagefind, Pelican +
Pagefind, Hugo) take turns, one run of each a round, so that a slow spell of a shared
machine falls on all of them. From N = 10,000 on only sitegen is measured unless --peers
asks for the others (they took most of a 14-minute run), against the targets the issue sets
at that size. At N <= 1,000 it also measures `build.py serve` (edit saved -> page served,
over 20 edits) and the cost of charts on a 100-article corpus where every article has one
chart. Progress goes to stderr; the table goes to stdout and to bench/results.md
(bench/results-N.md for any other N, so the large run does not replace the default one).

    make bench                # N=1000, the working tree's sitegen
    make bench N=10000        # the large run: sitegen only (python -m bench.run --n 10000 --peers: all)
    make bench REV=HEAD       # a clean export of a commit, untouched by edits in progress

The sitegen being measured is imported lazily (`import_sitegen`), from the working tree
or from the export of --rev. Its Python files are compiled first (`compile_tree`), as an
installed package's are: where PYTHONDONTWRITEBYTECODE is set (as in this project's
environment) every process would otherwise compile sitegen from source again, while the
peers' packages in bench/.work/venv come compiled.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import gc
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import competitors
from bench.corpus import plan_corpus
from bench.measure import Measurement, Summary, repeat, run_command, take_turns
from bench.projects import Corpus, generate_corpus, write_ours
from bench.report import BASELINE_N, LARGE_N, ChartCost, Results, format_results
from bench.serve_latency import measure_serve
from bench.whole_briefing import measure_whole_briefing

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
WORK = BENCH / ".work"
CHART_SHARE = 0.02  # one article in fifty has a chart: 20 charts at N=1,000
CHART_CORPUS = 100  # articles, each with one chart, for the cost of charts
SERVE_MAX_N = 1000
OTHER_BASE_URL = "https://bench.invalid/"  # a variant of the publication no page record is of (reuse/graph.py)
WITHOUT_EXTRAS = "sitegen cold without search index and social cards"


def log(message: str) -> None:
    """Print a progress line to stderr with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def remove(path: Path) -> None:
    """Delete a folder or file if it exists."""
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


TRASH = WORK / "trash"


def set_aside(path: Path) -> None:
    """Move a folder or file out of the way before a timed run; `remove(TRASH)` deletes it after the last run.

    Deleting it right before the run would slow the run: on ext4 without a journal (this
    machine's disk), each new inode scans past every one deleted in the last minute, so a
    build writing thousands of files pays for the deletion; a fresh build machine does not.
    """
    if path.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        path.rename(TRASH / f"{len(list(TRASH.iterdir()))}-{path.name}")


def git(*args: str) -> str:
    """Return what a git command prints in the repository, stripped."""
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout.strip()


def export_revision(rev: str) -> tuple[Path, str]:
    """Write a clean copy of a commit under bench/.work/; return its folder and short hash."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    tree = WORK / f"rev-{commit[:12]}"
    if not (tree / "build.py").is_file():
        remove(tree)
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree, commit[:10]


def working_tree_version() -> str:
    """Return the commit checked out, marked when the generator's files differ from it."""
    dirty = git("status", "--porcelain", "--", "sitegen", "templates", "static", "build.py")
    return git("rev-parse", "--short=10", "HEAD") + (" with uncommitted changes" if dirty else "")


def compile_tree(tree: Path) -> None:
    """Compile the Python files of the measured tree to bytecode (__pycache__/), as installing a package does."""
    import compileall

    # compileall writes the files whatever PYTHONDONTWRITEBYTECODE says; the builds only read them.
    for folder in ("sitegen", "bench"):  # not bench/.work/: the peers' virtual environment and the corpora
        if not compileall.compile_dir(tree / folder, quiet=1, rx=re.compile(r"[/\\]\.work[/\\]")):
            raise SystemExit(f"bench: {tree / folder} does not compile")
    compileall.compile_file(tree / "build.py", quiet=1)


def import_sitegen(tree: Path) -> None:
    """Make `import sitegen` in this process load the generator in tree."""
    sys.path.insert(0, str(tree))


def build_options(**wanted):
    """Return sitegen's BuildOptions with those of the wanted fields this version has."""
    from sitegen.pipeline import BuildOptions

    names = {f.name for f in dataclasses.fields(BuildOptions)}
    return BuildOptions(**{name: value for name, value in wanted.items() if name in names})


def serve_options():
    """Return the options `build.py serve` builds with (see sitegen/commands/cli.py, command_serve)."""
    return build_options(include_drafts=True, use_cache=True, jobs=len(os.sched_getaffinity(0)))


@dataclass(frozen=True)
class Ours:
    """How to run sitegen's CLI on one project folder."""

    build_py: Path
    project: Path  # holds content/; .cache/ lands here too

    @property
    def output(self) -> Path:
        return self.project / "_site"

    def command(self, cold: bool) -> list[str]:
        extra = ["--no-cache"] if cold and self.has_no_cache_flag() else []
        return [sys.executable, str(self.build_py), "build", "--content", str(self.project / "content"),
                "--output", str(self.output), *extra]

    def has_no_cache_flag(self) -> bool:
        """Tell whether `build.py build` offers --no-cache."""
        result = subprocess.run([sys.executable, str(self.build_py), "build", "--help"],
                                capture_output=True, text=True, check=True)
        return "--no-cache" in result.stdout

    def leftovers(self) -> list[Path]:
        """Return what builds left in the project besides content/ and the output: caches."""
        return sorted(p for p in self.project.iterdir() if p.name not in ("content", self.output.name))

    def clear(self) -> None:
        """Remove the output and anything else a build left: the next build starts from nothing."""
        for path in [self.output, *self.leftovers()]:
            set_aside(path)

    def cold_build(self) -> Measurement:
        """Return the set-up and the run of one cold build."""
        command = self.command(cold=True)
        return self.clear, lambda: run_command(command, cwd=self.project)

    def keeps_cache(self) -> bool:
        """Tell whether builds keep a cache between processes (a flag for it, or files left behind)."""
        return self.has_no_cache_flag() or bool(self.leftovers())

    def warm(self, runs: int) -> Summary:
        command = self.command(cold=False)
        run_command(command, cwd=self.project)  # a --no-cache build may not have written the cache
        return repeat(runs, lambda: None, lambda: run_command(command, cwd=self.project))

    def deploys(self, runs: int, folder: Path) -> Summary:
        """Return `build.py build` in a fresh copy of the project with this project's caches copied in.

        As a deploy from a fresh clone with the last build's .cache/ restored: every file has a
        new time and there is no output folder. Each run starts from a new copy, beside the
        earlier ones, which are removed after the last run (`folder` holds them all; the last is
        `latest_copy(folder)`): on ext4 without a journal, each new inode scans past every one
        deleted in the last minute, so a copy removed just before a run slowed the run by up to 2 s
        of the bench's own making, which a fresh build machine does not have.
        """
        copies = iter(range(runs))
        current: list[Ours] = []

        def copy_project() -> None:  # not timed
            deploy = Ours(self.build_py, folder / f"copy-{next(copies)}")
            for path in [self.project / "content", *self.leftovers()]:
                copy_afresh(path, deploy.project / path.name)
            current[:] = [deploy]

        remove(folder)
        return repeat(runs, copy_project, lambda: run_command(current[0].command(cold=False), cwd=current[0].project))

    def check_command(self) -> list[str]:
        return [sys.executable, str(self.build_py), "check", "--content", str(self.project / "content")]

    def checks(self, runs: int) -> Summary:
        """Return `build.py check` with nothing changed since the last check."""
        command = self.check_command()
        run_command(command, cwd=self.project)  # after a build: the search page, which a check draws without an index
        return repeat(runs, lambda: None, lambda: run_command(command, cwd=self.project))

    def after_one_edit(self, runs: int, command: list[str]) -> Summary:
        """Return a command run in a new process after each of `runs` one-article edits (each run a new edit).

        The command runs once first, so that only the edit is new to it; the article is restored after.
        """
        articles = sorted((self.project / "content" / "articles").glob("*.md"))
        article = articles[len(articles) // 2]
        original = article.read_bytes()
        edits = iter(range(runs))
        try:
            run_command(command, cwd=self.project)
            return repeat(runs, lambda: article.write_bytes(original + f"\nEdit {next(edits)}, new process.\n".encode()),
                          lambda: run_command(command, cwd=self.project))
        finally:
            article.write_bytes(original)


def latest_copy(folder: Path) -> Path:
    """Return the last of the numbered copies `Ours.deploys` made in a folder."""
    return max(folder.glob("copy-*"), key=lambda copy: int(copy.name.removeprefix("copy-")))


def copy_afresh(source: Path, target: Path) -> None:
    """Copy a folder's files with new file times, as a fresh clone has (shutil.copytree keeps folders' times)."""
    for folder, _, names in os.walk(source):
        made = target / Path(folder).relative_to(source)
        made.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copyfile(Path(folder) / name, made / name)


def compare_sites(built: Path, clean: Path) -> str:
    """Say whether two output folders hold the same files with the same bytes: 'identical (N files)' or how not."""

    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    ours, theirs = files(built), files(clean)
    differ = sorted(name for name in ours.keys() & theirs.keys() if ours[name].read_bytes() != theirs[name].read_bytes())
    only = sorted(ours.keys() ^ theirs.keys())
    if not differ and not only:
        return f"identical ({len(ours):,} files)"
    examples = ", ".join([*differ, *only][:3])
    return f"different: {len(differ)} of {len(ours.keys() & theirs.keys()):,} files differ, {len(only)} in one only (e.g. {examples})"


def measure_one_edit(project: Path, edits: int) -> tuple[float, list[float]]:
    """Return the dev server's first build's seconds, and each rebuild's after a one-article edit.

    Uses the dev server's own `DevSite` with the options `serve` gives it, so the
    kept-alive `SiteBuilder` and each rebuild are exactly what its file watcher runs.
    """
    from sitegen.commands.serve import DevSite
    from sitegen.reading.content import Project

    output = project / "_dev"
    dev = DevSite(Project.from_content_dir(project / "content"), output, serve_options())
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
            with contextlib.redirect_stderr(io.StringIO()):  # DevSite prints a line per rebuild
                started = time.perf_counter()
                changed = dev.rebuild({article.resolve()})  # what serve's file watcher passes
                seconds.append(time.perf_counter() - started)
            if "(errors)" in changed or not changed:
                raise RuntimeError(f"the edit to {article.name} did not rebuild: {changed} {dev.errors}")
    finally:
        article.write_bytes(original)
        remove(output)
    return first, seconds


def content_script_build(corpus: Corpus, tree: Path, script: str, output_name: str, pagefind: bool = False) -> Measurement:
    """Return a run of `bench/<script> CONTENT OUTPUT` on the corpus in a new process, with the measured sitegen.

    With pagefind, Pagefind indexes the output after it, in the same timed command.
    """
    output = corpus.root / output_name
    command = [sys.executable, str(BENCH / script), str(corpus.ours / "content"), str(output)]
    if pagefind:
        command = competitors.then_pagefind(command, output)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return lambda: set_aside(output), lambda: run_command(command, cwd=corpus.root, env=env)


def pelican_build(corpus: Corpus) -> Measurement:
    """Return a Pelican build of the corpus from nothing, then Pagefind indexing its output: one command."""
    output = corpus.pelican / "output"
    command = competitors.then_pagefind(competitors.pelican_command(corpus.pelican, output), output)
    return lambda: set_aside(output), lambda: run_command(command, cwd=corpus.pelican)


def hugo_build(corpus: Corpus) -> Measurement:
    """Return a Hugo build of the corpus from nothing (output and Hugo's caches removed)."""
    output = corpus.hugo / "public"
    command = competitors.hugo_command(corpus.hugo, output)
    env = competitors.hugo_env(dict(os.environ), corpus.hugo)

    def clear() -> None:
        for path in (output, corpus.hugo / ".hugo_cache", corpus.hugo / "resources"):
            set_aside(path)

    return clear, lambda: run_command(command, cwd=corpus.hugo, env=env)


def count_article_pages(output: Path) -> int:
    """Return how many articles/<slug>/index.html pages a build wrote."""
    return len(list(output.glob("articles/*/index.html")))


def time_builds_in_process(projects: tuple[Path, Path], builder, runs: int) -> tuple[float, float]:
    """Return the median seconds of `builder(project).build()` for each of two projects, taking turns.

    They alternate so that neither gains from going second. No chart may be drawn: each
    build is to take every chart's drawing from the dependency graph.
    """
    seconds: dict[Path, list[float]] = {project: [] for project in projects}
    for _ in range(runs):
        for project in reversed(projects):
            fresh = builder(project)
            gc.collect()
            started = time.perf_counter()
            result = fresh.build()
            seconds[project].append(time.perf_counter() - started)
            if result.made.get("chart"):
                raise RuntimeError(f"{result.made['chart']} charts were drawn again, not taken from the cache")
    return statistics.median(seconds[projects[0]]), statistics.median(seconds[projects[1]])


def measure_cached_charts(with_charts: Path, without: Path, runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return median in-process build seconds (with, without) when every chart's SVG is cached, two ways.

    First, fresh builders render everything; the one for the chart corpus is first given every
    drawing a first build made (the "chart" nodes of its dependency graph, reuse/graph.py,
    which the page renderer asks), so each chart's SVG is a cache hit and the rest of what
    a chart costs (its figure, data table, page, downloads and card) is made again. Second,
    builders that read the .cache/ a first build saved, at another base URL: no page record
    is of that variant, so every page renders, and everything else current (drawings,
    downloads, cards, validation) comes from the cache. Every core is used, as the cold build's
    (and the dev server's) are. The search index is left out, as the dev server does: it
    costs the same with or without charts and would only add noise to their difference.
    """
    from sitegen.pipeline import SiteBuilder
    from sitegen.reading.content import Project

    def builder(project: Path, **options) -> SiteBuilder:
        return SiteBuilder(Project.from_content_dir(project / "content"),
                           build_options(search_index=False, jobs=len(os.sched_getaffinity(0)), **options))

    source = builder(with_charts)
    source.build()
    drawn = {key: svg for key, _, svg in source.memory.charts.graph.results("chart")}
    if not drawn:
        raise RuntimeError("the chart corpus's build recorded no \"chart\" node: where are its drawings kept now?")

    def with_drawings(project: Path) -> SiteBuilder:
        fresh = builder(project)
        # A builder with no drawing starts a worker to draw charts in; none is to be drawn.
        fresh.memory.charts.dismiss_warm_worker()
        if project == with_charts:
            fresh.memory.charts.remember(drawn)  # every SVG already drawn: a cache hit each
        return fresh

    drawings_cached = time_builds_in_process((with_charts, without), with_drawings, runs)
    for project in (with_charts, without):
        first = builder(project, use_cache=True)
        first.build()
        first.save_cache()
    pages_only = time_builds_in_process(
        (with_charts, without), lambda project: builder(project, use_cache=True, base_url=OTHER_BASE_URL), runs)
    return drawings_cached, pages_only


def measure_charts(root: Path, build_py: Path, runs: int) -> ChartCost:
    """Build a corpus whose every article has a chart, and its twin with the charts as code."""
    remove(root)
    articles = plan_corpus(CHART_CORPUS, chart_share=1.0)
    with_charts, without = Ours(build_py, root / "charts"), Ours(build_py, root / "plain")
    write_ours(with_charts.project, articles)
    write_ours(without.project, [dataclasses.replace(a, body=a.body_without_charts(), charts=0) for a in articles])
    log(f"charts: cold builds of {CHART_CORPUS} articles with and without a chart each, taking turns")
    measured = take_turns(runs, {"with": with_charts.cold_build(), "without": without.cold_build()})
    cold = (measured["with"].seconds, measured["without"].seconds)
    log("charts: in-process builds with every chart's SVG cached, then with everything but the pages cached")
    cached, pages_only = measure_cached_charts(with_charts.project, without.project, runs)
    return ChartCost(sum(a.charts for a in articles), cold, cached, pages_only)


def save_numbers(r: Results) -> None:
    """Keep this run's headline numbers for a later run's scaling targets."""
    def seconds(summary: Summary | None) -> float | None:
        return summary.seconds if summary else None

    numbers = {"n": r.n, "date": f"{r.started:%Y-%m-%d %H:%M}", "version": r.versions["sitegen"],
               "cold": r.cold.seconds, "warm": r.warm_or_cold.seconds, "floor": seconds(r.floor),
               "floor_pagefind": seconds(r.floor_pagefind), "pelican_pagefind": seconds(r.pelican_pagefind),
               "hugo": seconds(r.hugo), "cold_peak_rss": r.cold.peak_rss, "cold_cpu": r.cold.cpu_seconds,
               "floor_cpu": r.floor.cpu_seconds if r.floor else None}
    (WORK / f"results-{r.n}.json").write_text(json.dumps(numbers, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Run every measurement on one corpus; print and save the table."""
    parser = argparse.ArgumentParser(description="Benchmark sitegen against a bare floor, Pelican and Hugo.")
    parser.add_argument("--n", type=int, default=1000, help="articles in the corpus (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each build; the median counts (default 3)")
    parser.add_argument("--edits", type=int, default=20, help="one-article edits to time (default 20)")
    parser.add_argument("--rev", help="measure a clean export of this commit instead of the working tree")
    parser.add_argument("--peers", action="store_true",
                        help=f"from {LARGE_N:,} articles on, also build with the floor, Pelican and Hugo (skipped there "
                             "by default)")
    args = parser.parse_args(argv)

    begun = time.perf_counter()
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    WORK.mkdir(parents=True, exist_ok=True)
    remove(TRASH)  # left by a run that was interrupted
    if args.rev:
        tree, commit = export_revision(args.rev)
        version = f"{commit} (clean export of {args.rev})"
    else:
        tree, version = REPO, working_tree_version()
    compile_tree(tree)
    import_sitegen(tree)
    build_py = tree / "build.py"
    peers = args.peers or args.n < LARGE_N
    versions = {"sitegen": version}
    if peers:
        bin_folder = competitors.ensure_bench_env()
        versions |= {
            "Pelican": competitors.version_of([str(bin_folder / "pelican"), "--version"]),
            "Pagefind": competitors.version_of([str(competitors.pagefind_binary()), "--version"]).replace("pagefind ", ""),
            "Hugo": competitors.version_of([str(competitors.hugo_binary()), "version"]).split("-")[0].replace("hugo ", ""),
        }
    runs = args.runs

    log(f"generating {args.n:,} articles; measuring sitegen {version}")
    corpus = generate_corpus(WORK / f"corpus-{args.n}", args.n, CHART_SHARE)
    ours = Ours(build_py, corpus.ours)
    builds = {"sitegen cold": ours.cold_build()}
    if peers:
        builds |= {
            WITHOUT_EXTRAS: content_script_build(corpus, tree, "without_search_and_cards.py", "core-site"),
            "bare floor": content_script_build(corpus, tree, "floor.py", "floor-site"),
            "bare floor + Pagefind": content_script_build(corpus, tree, "floor.py", "floor-search-site", pagefind=True),
            "Pelican + Pagefind": pelican_build(corpus),
            "Hugo": hugo_build(corpus),
        }
    else:
        log(f"sitegen alone at {args.n:,} articles (--peers adds the floor, Pelican and Hugo)")
    log(f"cold builds, {runs} rounds, each build once a round in turn: {', '.join(builds)}")
    measured = take_turns(runs, builds, lambda name, run: log(f"  {name}: {run.seconds:.2f} s"))
    clean_site = corpus.root / "clean-site"  # the last cold build's output, for the deploy's to equal
    ours.output.rename(clean_site)
    warm = deploy = None
    deploy_output = ""
    if ours.keeps_cache():
        log("sitegen: warm builds")
        warm = ours.warm(runs)
        log(f"  {warm.seconds:.2f} s")
        log("sitegen: deploys, each a fresh copy of the project with the last build's .cache/")
        deploy_folder = corpus.root / "deploy"
        deploy = ours.deploys(runs, deploy_folder)
        deploy_output = compare_sites(latest_copy(deploy_folder) / ours.output.name, clean_site)
        log(f"  {deploy.seconds:.2f} s; output {deploy_output} to a clean build's")
        set_aside(deploy_folder)
    else:
        log("sitegen: builds keep no cache, so a warm build is a cold one: not run")
    check = check_edit = build_edit = None
    if warm is not None:
        log("sitegen: check with nothing changed, then one-article edits, each followed by a check or a build")
        check = ours.checks(runs)
        check_edit = ours.after_one_edit(runs, ours.check_command())
        build_edit = ours.after_one_edit(runs, ours.command(cold=False))
        log(f"  check {check.seconds:.2f} s; after an edit: check {check_edit.seconds:.2f} s, build {build_edit.seconds:.2f} s")
    log(f"sitegen: {args.edits} one-article edits in the dev server's kept-alive builder")
    first, edits = measure_one_edit(corpus.ours, args.edits)
    log(f"  {statistics.median(edits) * 1000:.0f} ms")
    pages = {"sitegen": count_article_pages(ours.output)}
    if peers:
        pages |= {"floor": count_article_pages(corpus.root / "floor-site"),
                  "floor + Pagefind": count_article_pages(corpus.root / "floor-search-site"),
                  "Pelican + Pagefind": count_article_pages(corpus.pelican / "output"),
                  "Hugo": count_article_pages(corpus.hugo / "public")}

    results = Results(
        n=args.n, runs=runs, corpus=corpus, cold=measured["sitegen cold"], warm=warm, first_in_process=first,
        one_edit=edits, versions=versions, started=started, load_before=load_before, pages=pages,
        floor=measured.get("bare floor"), floor_pagefind=measured.get("bare floor + Pagefind"),
        pelican_pagefind=measured.get("Pelican + Pagefind"), hugo=measured.get("Hugo"),
        without_extras=measured.get(WITHOUT_EXTRAS), deploy=deploy, deploy_output=deploy_output,
        check=check, check_edit=check_edit, build_edit=build_edit)
    if args.n <= SERVE_MAX_N:
        log(f"serve: {args.edits} edits, edit saved -> page served")
        article = sorted((corpus.ours / "content" / "articles").glob("*.md"))[args.n // 3]
        results.serve = measure_serve(build_py, corpus.ours / "content", corpus.root / "serve-site", article,
                                      f"/articles/{article.stem}/", edits=args.edits)
        log(f"  p50 {statistics.median(results.serve.reloaded) * 1000:.0f} ms by reload message, "
            f"{statistics.median(results.serve.polled) * 1000:.0f} ms polled")
        results.charts = measure_charts(WORK / "charts", build_py, runs)
        log("the whole briefing in one file: this repository's briefing, cold with and without its PDFs, then warm")
        results.whole_briefing = measure_whole_briefing(build_py, WORK, runs)
    if args.n >= LARGE_N:
        baseline = WORK / f"results-{BASELINE_N}.json"
        results.baseline = json.loads(baseline.read_text()) if baseline.is_file() else None
    remove(TRASH)
    results.wall = time.perf_counter() - begun

    text = format_results(results)
    print(text)
    save_numbers(results)
    target = BENCH / ("results.md" if args.n == BASELINE_N else f"results-{args.n}.md")
    target.write_text(text)
    log(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
