"""Translation help: start a translation from its original, and tell what each edition lacks.

Input: an original article's file (for `new --translate`), or a validated publication and
the project's files (for the report). Output: the text of a translation to be (its front
matter carried over, `translated_from` set, every passage marked), the lines of the marks
still left in a body, and the report's lines: per edition, the articles, data files and
interface text that are missing or older than their originals.

A mark is a line of its own, `<!-- translate -->`, above each passage still in the
original's language. Readers never see it, but an article that still has one is not
published: validation refuses it once `draft: true` is removed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import SiteError
from ..messages import _, ngettext

TRANSLATION_MARK = "<!-- translate -->"
FRONT_MATTER_MARK = "<!-- translate: the title, summary and notes above, then delete this line -->"
_FENCE = re.compile(r"^(```|~~~)")
_SITE_LINK = re.compile(r"\]\(/(?P<path>articles/(?P<slug>[a-z0-9-]+)/[^)\s]*|)\)")


def marked_translation(original: str, translated_from: dt.date, prefix: str, translated: frozenset[str]) -> str:
    """Return a translation to start from: the original's front matter and body, a mark above every passage.

    The translation is a draft with `translated_from` set to the original's date; a chart
    block is kept whole under one mark (its words are translated in place, its data
    through the data file's twin). Links to the home page and to articles that have a
    translation (slugs in `translated`) lead to the edition's own pages (under `prefix`).
    """
    _opening, front, body = original.split("---\n", 2) if original.startswith("---\n") else ("", "", original)
    meta = [line for line in front.splitlines() if not line.startswith(("draft:", "translated_from:"))]
    meta += ["draft: true", f"translated_from: {translated_from.isoformat()}"]
    lines = [FRONT_MATTER_MARK, ""]
    def own_edition(link: re.Match) -> str:
        slug = link["slug"]
        return f"](/{prefix}{link['path']})" if slug is None or slug in translated else link[0]

    body = _SITE_LINK.sub(own_edition, body)
    for passage in _passages(body):
        lines += [TRANSLATION_MARK, *passage, ""]
    return "---\n" + "\n".join(meta) + "\n---\n\n" + "\n".join(lines).rstrip("\n") + "\n"


def _passages(body: str) -> Iterable[list[str]]:
    """Yield the body's blocks: runs of lines between blank lines, a fenced block whole."""
    block: list[str] = []
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        if not line.strip() and not fenced:
            if block:
                yield block
            block = []
        else:
            block.append(line)
    if block:
        yield block


def marks_left(body: str, body_line: int) -> list[int]:
    """Return the file lines of the translation marks still in a body."""
    return [body_line + number for number, line in enumerate(body.splitlines())
            if line.strip() == TRANSLATION_MARK or line.strip() == FRONT_MATTER_MARK]


def check_translation_marks(path: str, body: str, body_line: int, draft: bool) -> SiteError | None:
    """Return the error for a published article that still has passages marked for translation."""
    lines = marks_left(body, body_line)
    if not lines or draft:
        return None
    if len(lines) == 1:
        message = _("a passage is still marked '{mark}'", mark=TRANSLATION_MARK)
    else:
        message = ngettext("{count} passage still marked '{mark}': this one and {more} more",
                           "{count} passages still marked '{mark}': this one and {more} more",
                           len(lines), mark=TRANSLATION_MARK, more=len(lines) - 1)
    return SiteError(path, lines[0], message,
                     _("translate the passage below each mark and delete the mark; until then, keep 'draft: true'"))


def translation_path(original: Path, language: str) -> Path:
    """Return where the translation of an original file lives: first.md -> first.ru.md."""
    return original.with_name(f"{original.stem}.{language}{original.suffix}")
