"""sitegen's cold build without its search index and social cards: the floor's share of its work.

Input: a sitegen content folder. Output: the site in the output folder, built as
`build.py build --no-cache` builds it (every core, nothing cached), less the Pagefind
index and the social cards. The bare floor has neither; so this build against the floor
is the overhead of the pipeline itself (validation, templates, link checking, the file
store, incremental bookkeeping), and the whole build against this one is what the two
features cost.

Run as `PYTHONPATH=. python bench/without_search_and_cards.py CONTENT OUTPUT` from the
repository root; bench/run.py puts the sitegen being measured on PYTHONPATH.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from sitegen.options import BuildOptions
from sitegen.reading.project import Project
from sitegen.rendering.parallel import available_cores
from sitegen.runs import build_site


def main(argv: list[str] | None = None) -> int:
    """Build CONTENT into OUTPUT without the search index and social cards."""
    content, output = (Path(arg) for arg in (argv if argv is not None else sys.argv[1:]))
    wanted = {"jobs": available_cores(), "search_index": False, "social_cards": False}
    names = {field.name for field in dataclasses.fields(BuildOptions)}  # an older sitegen may lack one
    build_site(Project.from_content_dir(content), output, BuildOptions(**{k: v for k, v in wanted.items() if k in names}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
