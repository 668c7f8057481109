"""User errors: what an editor got wrong, where, and what to do about it.

Every mistake in content, data or templates becomes a `SiteError` carrying the path
(relative to the project root), a 1-based line, a message and an optional hint. The CLI
prints them compiler style, `path:line: message`, so editors and CI can jump to them.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .messages import _


@dataclass(frozen=True)
class SiteError(Exception):
    """One mistake an editor can fix, located in a file."""

    path: str
    line: int | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        return self.format()

    def format(self, root: Path | None = None) -> str:
        """Return `path:line: message`, the source line echoed beneath, then the hint."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        echoed = self._source_line(root) if root is not None else None
        if echoed:
            text += f"\n    {self.line} | {echoed}"
        if self.hint:
            text += "\n    " + _("hint: {hint}", hint=self.hint)
        return text

    def _source_line(self, root: Path) -> str | None:
        if not self.line:
            return None
        try:
            path = root / self.path
            status = path.stat()
            lines = _file_lines(path, status.st_mtime_ns, status.st_size)
        except (OSError, UnicodeDecodeError):
            return None
        if self.line > len(lines):
            return None
        return excerpt(lines[self.line - 1].rstrip(), self.message) or None


ECHO_WIDTH = 160
_QUOTED = re.compile(r"'([^']+)'")  # what a message quotes: the link, key or value the editor wrote


def excerpt(line: str, message: str, width: int = ECHO_WIDTH) -> str:
    """Return the line, or for a long one the part around what the message quotes, '…' marking cut ends.

    A paragraph is one long line: cut at its start, the echo of a dead link could show
    another link than the broken one (issue 21).
    """
    if len(line) <= width:
        return line
    quoted = next((q for q in _QUOTED.findall(message) if q in line), None)
    if quoted is None:
        return line[:width] + "…"
    found = line.index(quoted)
    start = max(0, min(found + len(quoted) // 2 - width // 2, found, len(line) - width))
    end = start + width
    return ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")


@functools.lru_cache(maxsize=32)
def _file_lines(path: Path, _modified: int, _size: int) -> list[str]:
    # Keyed by the file's modification time and size too: a file saved again is read again.
    # Without it, a run that reports 10,000 warnings in 1,000 files read each file ten times (1 s).
    return path.read_text(encoding="utf-8").splitlines()


class BuildFailed(Exception):
    """Raised once validation or rendering has collected one or more SiteErrors."""

    def __init__(self, errors: list[SiteError], warnings: list[SiteError] | tuple[SiteError, ...] = ()):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = sorted(errors, key=lambda e: (e.path, e.line or 0, e.message))
        self.warnings = list(warnings)  # those collected before the build stopped: errors do not hide them (issue 21)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """Return a 'did you mean' hint for a misspelt name, or list the valid ones."""
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    if close:
        return _("did you mean '{name}'?", name=close[0])
    if choices:
        return _("expected one of: {names}", names=", ".join(sorted(choices)))
    return None


def relative_path(path: Path, root: Path) -> str:
    """Return path relative to the project root (or else the working folder), for messages."""
    for base in (root, Path.cwd()):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()
