"""Where a project's parts live: its root, content, templates and static folders.

Input: the content folder named on the command line. Output: a `Project`, which every
stage takes, and how messages name a file in it. Apart from reading/content.py so that
the command line can find a project, and reuse/whole_build.py hash its files, without
loading the YAML reader and the rest of reading (issue 29: a warm build's imports).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..errors import relative_path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Project:
    """Where a site's parts live: content, templates and static files."""

    root: Path
    content: Path
    templates: Path
    static: Path

    @classmethod
    def from_content_dir(cls, content: Path) -> Project:
        """Locate a project from its content folder; templates/ and static/ sit beside it.

        A site without its own templates/ or static/ uses the ones shipped with sitegen.
        """
        content = content.resolve()
        root = content.parent
        templates = root / "templates"
        static = root / "static"
        return cls(
            root=root,
            content=content,
            templates=templates if templates.is_dir() else PACKAGE_ROOT / "templates",
            static=static if static.is_dir() else PACKAGE_ROOT / "static",
        )

    def display(self, path: Path) -> str:
        """Return how messages name a file: relative to the project root."""
        return _display_path(str(path), str(self.root))


@functools.lru_cache(maxsize=100_000)
def _display_path(path: str, root: str) -> str:
    # Cached: every page names its templates, which may live outside the project.
    if path.startswith(root + "/"):
        return path[len(root) + 1:]
    return relative_path(Path(path), Path(root))
