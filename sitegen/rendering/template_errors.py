"""Template mistakes as an editor needs them: once, at the line to fix.

Input: an error Jinja raised while compiling or rendering a template. Output: a
`SiteError`. Two of Jinja's errors point away from the mistake (issue 21):
- an unclosed block is noticed where Jinja gives up, at the template's end or at another
  block's end tag; the tag that opened it is found by reading the template's block tags
  with Jinja's own lexer;
- a key missing from a data file's row is, to Jinja, an undefined name in the template
  reading it; when other rows have that key, the mistake is the row's, and it is
  reported at the row's line in the data file, the template as context.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from pathlib import Path

import jinja2
from jinja2.utils import missing

from ..errors import SiteError, did_you_mean
from ..messages import _
from ..reading.content import read_text
from ..reading.yaml_lines import LineDict, LineList, parse_yaml
from .charts import Dataset

# Tags that open a block closed by 'end' + their name; 'set' only when it assigns nothing ({% set x %}...{% endset %}).
BLOCK_TAGS = frozenset({"if", "for", "block", "macro", "call", "filter", "with", "autoescape", "set", "trans"})
# How Jinja names the block left open, in the messages of its parser (parser.py, `_fail_ut_eof`).
_INNERMOST_BLOCK = re.compile(r"The innermost block that needs to be closed is '(\w+)'")


def find_unclosed_tag(env: jinja2.Environment, source: str) -> tuple[str, int] | None:
    """Return the name and line of the innermost block tag the template never closes, or None."""
    opened: list[tuple[str, int]] = []
    inside_tag = assigns = False
    tag, line_of_tag = None, 0
    try:
        for line, kind, value in env.lex(source):
            if kind == "block_begin":
                inside_tag, assigns, tag, line_of_tag = True, False, None, line
            elif not inside_tag:
                continue
            elif kind == "name" and tag is None:
                tag = value
            elif kind == "operator" and value == "=":
                assigns = True
            elif kind == "block_end":
                inside_tag = False
                if tag in BLOCK_TAGS and not (tag == "set" and assigns):
                    opened.append((tag, line_of_tag))
                elif tag and tag.startswith("end"):
                    name = tag.removeprefix("end")
                    if opened and opened[-1][0] == name:
                        opened.pop()
                    elif any(open_tag == name for open_tag, _line in opened):
                        return opened[-1]  # this end tag closes an outer block: the innermost one is left open
                    else:
                        return None  # an end tag that closes nothing: Jinja's own line is the right one
    except jinja2.TemplateSyntaxError:
        return None
    return opened[-1] if opened else None


def syntax_error(env: jinja2.Environment, error: jinja2.TemplateSyntaxError, path: str) -> SiteError:
    """Return a template syntax error at the line to fix: an unclosed block at its opening tag."""
    innermost = _INNERMOST_BLOCK.search(error.message or "")
    unclosed = find_unclosed_tag(env, error.source) if innermost and error.source else None
    if unclosed and unclosed[0] == innermost.group(1):
        tag, line = unclosed
        return SiteError(path, line, _("template syntax error: the '{{% {tag} %}}' block opened on this line is never closed",
                                       tag=tag),
                         _("add '{{% end{tag} %}}' where the block should end (Jinja reached line {line} still inside it)",
                           tag=tag, line=error.lineno))
    return SiteError(path, error.lineno, _("template syntax error: {problem}", problem=error.message))


class MissingName(jinja2.UndefinedError):
    """Jinja's error for an undefined name, knowing which object lacked which name."""

    def __init__(self, message: str | None, owner: object, name: object):
        super().__init__(message)
        self.owner = owner
        self.name = name


class TracedUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose error is a `MissingName`: a row's missing key can then be blamed on its data file."""

    __slots__ = ()

    def __init__(self, hint=None, obj=missing, name=None, exc=jinja2.UndefinedError):
        if exc is jinja2.UndefinedError:
            exc = functools.partial(MissingName, owner=obj, name=name)
        super().__init__(hint, obj, name, exc)


def missing_row_key(error: jinja2.UndefinedError, datasets: Iterable[Dataset], template: tuple[str, int | None],
                    root: Path | None) -> SiteError | None:
    """Return the error for a template reading a key a data file's row lacks, or None when no row is involved.

    When no row of the file has the key, the template asks for a key the file never has:
    the error stays at the template's line (`template`), naming the file's keys.
    """
    row = getattr(error, "owner", None)
    if not isinstance(error, MissingName) or not isinstance(row, dict):
        return None
    found = next(((d, i) for d in datasets for i, r in enumerate(d.rows) if r is row), None)
    if found is None:
        return None
    dataset, index = found
    name = str(error.name)
    expected = {key for other in dataset.rows if other is not row for key in other}
    expected.update(column.name for column in dataset.column_types)
    template_path, template_line = template
    if name not in expected:
        keys = sorted(expected | row.keys())
        return SiteError(template_path, template_line,
                         _("template error: no row of the data file '{data}' has the key '{key}'", data=dataset.name, key=name),
                         did_you_mean(name, keys))
    where = f"{template_path}:{template_line}" if template_line else template_path
    source = _source_row(dataset, index, root)
    misspelt = difflib.get_close_matches(name, [key for key in row if key not in expected], n=1)
    if misspelt:
        line = source.key_lines.get(misspelt[0]) if source is not None else None
        return SiteError(dataset.path, line, _("unknown key '{key}' in this row; {template} reads '{name}'",
                                               key=misspelt[0], template=where, name=name),
                         _("did you mean '{name}'? Correct the key here, in the data file", name=name))
    return SiteError(dataset.path, source.line if source is not None else None,
                     _("this row has no '{name}', which {template} reads", name=name, template=where),
                     _("add '{name}:' to the row; its keys are {keys}", name=name,
                       keys=", ".join(f"'{key}'" for key in row)))


def _source_row(dataset: Dataset, index: int, root: Path | None) -> LineDict | None:
    """Return a dataset's row as read from its file, with its lines; None if the file changed since."""
    if root is None:
        return None
    try:
        value = parse_yaml(read_text(root / dataset.path, dataset.path, root), dataset.path)
    except SiteError:
        return None
    rows = value.get("rows") if isinstance(value, LineDict) else value
    if not isinstance(rows, LineList) or len(rows) != len(dataset.rows) or not isinstance(rows[index], LineDict):
        return None
    return rows[index]
