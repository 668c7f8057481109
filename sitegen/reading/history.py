"""Content history from git: when each file last changed.

Input: the project root. Output: a `History` with each content file's last commit date,
so readers see "Last updated". Commit messages never reach readers: corrections and
updates are the editors' own notes in front matter (`changes:`). Outside a git checkout (or without git) the history is empty and
pages fall back to their front matter dates. `HistoryReader` asks git again only when
its record of HEAD changed: two git commands took 14 ms of every dev-server rebuild.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Site


@dataclass(frozen=True)
class History:
    """Last commit date per content file (paths relative to the project root)."""

    last_changed: dict[str, dt.date] = field(default_factory=dict)
    # How many commits touching the content came after each file's last one (0: the newest):
    # orders two files changed on the same day, which their dates cannot.
    commits_since: dict[str, int] = field(default_factory=dict)

    def changed_after(self, path: str, other: str) -> bool:
        """Say whether `path`'s last commit came after `other`'s (False when either has none)."""
        return path in self.commits_since and other in self.commits_since and \
            self.commits_since[path] < self.commits_since[other]

    def updated_dates(self, site: Site) -> dict[str, dt.date]:
        """Return each article's last update: front matter 'updated', else its last commit, else 'date'."""
        return {a.slug: a.updated or self.last_changed.get(a.path) or a.date for a in site.articles}


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)  # noqa: S603, S607 (git from PATH, arguments of our own, no shell)
    except FileNotFoundError:
        return None
    return done.stdout if done.returncode == 0 else None


def load_history(root: Path, content: Path) -> History:
    """Read the commits that touched the content folder, newest first."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return History()
    top_path = Path(top.strip()).resolve()
    log = _git(root, "log", "--no-merges", "--format=%x1e%cs", "--name-only", "--", str(content))
    if not log:
        return History()
    last_changed: dict[str, dt.date] = {}
    commits_since: dict[str, int] = {}
    for newer, entry in enumerate(log.split("\x1e")[1:]):
        day, _, names = entry.partition("\n")
        date = dt.date.fromisoformat(day.strip())
        for name in filter(None, names.split("\n")):
            try:
                relative = (top_path / name).relative_to(root.resolve()).as_posix()
            except ValueError:
                continue
            last_changed.setdefault(relative, date)
            commits_since.setdefault(relative, newer)
    return History(last_changed, commits_since)


class HistoryReader:
    """Load the history, again only when git's HEAD moved since the last time (a commit, checkout, reset)."""

    def __init__(self) -> None:
        self._git_dir: Path | None = None
        self._looked_up: Path | None = None  # the root whose git folder _git_dir is
        self._key: tuple | None = None
        self._history = History()

    def load(self, root: Path, content: Path) -> History:
        """Return the history of the content folder, reusing the last one while HEAD is where it was."""
        key = (root, content, self._head_state(root))
        if key[2] is None or key != self._key:
            self._history = load_history(root, content)
            self._key = key
        return self._history

    def _head_state(self, root: Path) -> tuple | None:
        """Return what changes when HEAD moves: HEAD itself and its reflog (None: cannot tell, so read git)."""
        if self._looked_up != root:
            found = _git(root, "rev-parse", "--absolute-git-dir")
            self._git_dir, self._looked_up = (Path(found.strip()) if found else None), root
        if self._git_dir is None:
            return ("not a git checkout",)  # looked up once per root: history stays empty
        try:
            # Every commit, checkout, reset or amend appends to logs/HEAD; HEAD names the branch.
            head, log = (self._git_dir / "HEAD").read_bytes(), (self._git_dir / "logs" / "HEAD").stat()
        except OSError:
            return None  # no reflog (core.logAllRefUpdates off): ask git every time
        return head, log.st_size, log.st_mtime_ns
