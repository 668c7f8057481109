"""What the whole briefing in one file costs, measured on this repository's own briefing (issue 30).

Input: the sitegen being measured (its build.py) and this repository's content/, copied to a
work folder so that its cache stays there. Output: a `WholeBriefingCost`: the cold build
with its PDFs and the same build with `--no-pdf`, a warm build (nothing changed: nothing is
made again), the time WeasyPrint takes for each edition's PDF on one core, and the size of
each edition's one-file HTML and PDF. The generated corpus of bench/corpus.py offers no PDF
(its site.yaml does not ask for one): a PDF of 1,000 generated articles would tell nothing
about this site's.

    python -m bench.whole_briefing [--runs 3]    # this section alone, for the working tree
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Summary, repeat, run_command, take_turns

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class WholeBriefingCost:
    """Builds of this briefing with and without its PDFs, and what each edition's files weigh."""

    cold: Summary  # build --no-cache: the one-file HTML and the PDF of every edition
    cold_without_pdf: Summary  # build --no-cache --no-pdf
    warm: Summary  # build again, nothing changed
    pdf_seconds: dict[str, float]  # edition folder ("" or "ru/") -> WeasyPrint's time for its PDF, one core
    sizes: dict[str, int]  # output path -> bytes: briefing.html, briefing.pdf, ru/briefing.html, ...


def measure_whole_briefing(build_py: Path, work: Path, runs: int) -> WholeBriefingCost:
    """Build this repository's briefing cold with and without PDFs (taking turns), then warm; weigh the files."""
    project = work / "briefing"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(REPO / "content", project / "content")
    output = project / "_site"

    def command(*options: str) -> list[str]:
        return [sys.executable, str(build_py), "build", "--content", str(project / "content"), "--output", str(output),
                *options]

    def clear() -> None:
        for path in (output, project / ".cache"):
            shutil.rmtree(path, ignore_errors=True)

    measured = take_turns(runs, {
        "with PDF": (clear, lambda: run_command(command("--no-cache"), cwd=project)),
        "without PDF": (clear, lambda: run_command(command("--no-cache", "--no-pdf"), cwd=project)),
    })
    run_command(command(), cwd=project)  # a build that keeps its cache
    warm = repeat(runs, lambda: None, lambda: run_command(command(), cwd=project))
    sizes = {path.relative_to(output).as_posix(): path.stat().st_size for path in sorted(output.rglob("briefing.*"))}
    return WholeBriefingCost(measured["with PDF"], measured["without PDF"], warm, time_pdfs(output), sizes)


def time_pdfs(output: Path) -> dict[str, float]:
    """Return how long WeasyPrint takes for each edition's PDF from its one-file HTML, in this process."""
    from sitegen.publishing.pdf_file import make_pdf, warm_up

    warm_up()
    seconds = {}
    for one_file in sorted(output.rglob("briefing.html")):
        html = one_file.read_text(encoding="utf-8")
        started = time.perf_counter()
        make_pdf(None, html)
        seconds[one_file.parent.relative_to(output).as_posix().replace(".", "")] = time.perf_counter() - started
    return seconds


def format_whole_briefing(cost: WholeBriefingCost) -> list[str]:
    """Return the section of the results on the whole briefing in one file."""
    def size(path: str) -> str:
        return f"{cost.sizes[path] / 1e6:.2f} MB" if path in cost.sizes else "-"

    editions = sorted({path.rsplit("briefing.", 1)[0] for path in cost.sizes})
    pdf_cost = cost.cold.seconds - cost.cold_without_pdf.seconds
    cpu_cost = cost.cold.cpu_seconds - cost.cold_without_pdf.cpu_seconds
    lines = [
        "This repository's own briefing (content/, both editions), not the generated corpus: `build.py build "
        "--no-cache` with its PDFs and with `--no-pdf`, taking turns, then `build.py build` with nothing changed.",
        "",
        "| build | time | CPU time | peak memory |",
        "| --- | ---: | ---: | ---: |",
        f"| cold, one-file HTML and PDF of each edition | {cost.cold.seconds:.2f} s | {cost.cold.cpu_seconds:.1f} s | "
        f"{cost.cold.peak_rss / 1e6:.0f} MB |",
        f"| cold, one-file HTML only (`--no-pdf`) | {cost.cold_without_pdf.seconds:.2f} s | "
        f"{cost.cold_without_pdf.cpu_seconds:.1f} s | {cost.cold_without_pdf.peak_rss / 1e6:.0f} MB |",
        f"| warm, nothing changed (nothing made again) | {cost.warm.seconds:.2f} s | {cost.warm.cpu_seconds:.1f} s | "
        f"{cost.warm.peak_rss / 1e6:.0f} MB |",
        "",
        f"The PDFs add {pdf_cost:.2f} s to the cold build ({cpu_cost:.1f} s of CPU time): each edition's is made in a "
        "worker of its own while the social cards and the search index are made.",
        "",
        "| edition | one-file HTML | PDF | WeasyPrint's time for the PDF, one core |",
        "| --- | ---: | ---: | ---: |",
    ]
    for prefix in editions:
        seconds = cost.pdf_seconds.get(prefix.rstrip("/"))
        lines.append(f"| {prefix.rstrip('/') or 'en'} | {size(prefix + 'briefing.html')} | {size(prefix + 'briefing.pdf')} | "
                     f"{f'{seconds:.1f} s' if seconds is not None else '-'} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Measure the working tree's whole-briefing editions and print the section (make bench runs it too)."""
    parser = argparse.ArgumentParser(description="Time and weigh the one-file HTML and PDF of this briefing.")
    parser.add_argument("--runs", type=int, default=1, help="runs of each build; the median counts (default 1)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    cost = measure_whole_briefing(REPO / "build.py", REPO / "bench" / ".work", args.runs)
    print("\n".join(format_whole_briefing(cost)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
