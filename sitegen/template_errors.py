"""Template mistakes as an editor needs them: once, at the line to fix.

Input: an error Jinja raised while compiling a template. Output: a `SiteError`. Jinja
notices an unclosed block where it gives up, at the template's end or at another
block's end tag, often far below the tag to fix; this finds the tag that opened it by
reading the template's block tags with Jinja's own lexer (issue 21).
"""

from __future__ import annotations

import re

import jinja2

from .errors import SiteError
from .messages import _

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
