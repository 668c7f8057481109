"""What a build is asked to do, and what it gives back: `BuildOptions` in, `BuildResult` out.

The command line (commands/cli.py), the dev server and the benchmarks make the options;
the pipeline (pipeline.py) runs the stages with them and returns the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .errors import SiteError
from .model import Site


@dataclass(frozen=True)
class BuildOptions:
    """What the command line can change about a build."""

    include_drafts: bool = False
    base_url: str | None = None
    search_index: bool = True
    social_cards: bool = True  # `check` writes nothing, so it draws no cards either
    use_cache: bool = False  # read and write .cache/ (the CLI turns it on; tests mostly not)
    jobs: int = 1  # processes for rendering pages and cards
    mirror_zip: bool = True  # make mirror.zip, the mirrorable copy zipped (`serve` and `check` do not)
    relative: bool = False  # the output is the mirrorable copy itself: relative links, no zip (`build --relative`)
    # Make each edition's whole briefing in one file. Pages offer it either way: `check` writes nothing, so makes
    # none; the dev server makes it when it is asked for, and fills in no sizes (commands/serve.py).
    one_file: bool = True
    # The PDF of each: "make" (`build`), "offer" (every page links it, but this build makes none: `check`, and
    # `serve`, which makes it when it is asked for), "" (none: no page links it; `build --no-pdf`).
    pdf: str = ""
    # Gather the warnings about citations (uncited figures, stale and unused sources): the dev server shows none,
    # and at 10,000 articles gathering them cost more than rendering the edited page (issue 29).
    sourcing_warnings: bool = True


ProgressReport = Callable[[int, int, str], None]  # (done, to do, what is counted: "pages", "social cards", ...)


@dataclass
class BuildResult:
    """What one run produced: every output file, which pages had to be rendered again, and warnings."""

    site: Site  # the original edition
    pages: Mapping[str, bytes]  # every output file, in path order
    rendered: list[str] = field(default_factory=list)
    warnings: list[SiteError] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # output files whose bytes were written
    # What the build made again rather than took from the dependency graph, by kind (reuse/graph.py):
    # "article" validated, "read" parsed, "page" rendered, "links" judged, ...
    made: dict[str, int] = field(default_factory=dict)
