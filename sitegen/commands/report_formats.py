"""Problems for machines: `check --format github` and `check --format json`.

Input: the errors and warnings of a check, as SiteErrors (a warning's message starts
with "warning: ", as the text output shows it). Output: lines of text, either GitHub
workflow commands, which a pull request shows next to the changed lines, or one JSON
document for other tools. The default, compiler-style text output lives in errors.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import SiteError
from ..messages import N_, _, ngettext

FORMATS = ("text", "github", "json")
WARNING_PREFIX = N_("warning: ")
ANNOTATION_TITLE = "build.py check"


@dataclass(frozen=True)
class Problem:
    """One error or warning, with its severity apart from its message."""

    severity: str  # "error" or "warning"
    path: str
    line: int | None
    message: str
    hint: str | None


def collect_problems(errors: list[SiteError], warnings: list[SiteError]) -> list[Problem]:
    """Return the errors, then the warnings, each with the 'warning: ' prefix moved into its severity."""
    problems = [Problem("error", e.path, e.line, e.message, e.hint) for e in errors]
    for warning in warnings:
        message = warning.message.removeprefix(_(WARNING_PREFIX))
        problems.append(Problem("warning", warning.path, warning.line, message, warning.hint))
    return problems


def count_problems(problems: list[Problem]) -> str:
    """Return the totals as words: '2 errors, 1 warning'."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return ", ".join((ngettext("{count} error", "{count} errors", errors),
                      ngettext("{count} warning", "{count} warnings", warnings)))


# The escaping of GitHub's own toolkit (actions/toolkit, packages/core/src/command.ts):
# escapeData for the message, escapeProperty for the values of file=, line= and title=.
def escape_data(text: str) -> str:
    """Escape a workflow command's message: % first, then CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: as a message, and ':' and ',' too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem, title: str = ANNOTATION_TITLE) -> str:
    """Return `::error file=PATH,line=N,title=TITLE::MESSAGE`, the hint on the message's second line."""
    properties = [f"file={escape_property(problem.path)}"]
    if problem.line:
        properties.append(f"line={problem.line}")
    properties.append(f"title={escape_property(title)}")
    message = problem.message + ("\n" + _("hint: {hint}", hint=problem.hint) if problem.hint else "")
    return f"::{problem.severity} {','.join(properties)}::{escape_data(message)}"


def format_github(problems: list[Problem]) -> str:
    """Return one annotation per problem, then a plain line with the totals.

    GitHub shows at most 10 annotations of each kind per step, so the totals line is
    what tells the editor how many there really are.
    """
    lines = [github_annotation(problem) for problem in problems]
    lines.append(_("check: {totals}", totals=count_problems(problems)))
    return "\n".join(lines) + "\n"


def format_json(problems: list[Problem]) -> str:
    """Return {"problems": [{path, line, severity, message, hint}, ...], "errors": N, "warnings": M} as JSON."""
    errors = sum(p.severity == "error" for p in problems)
    document = {
        "problems": [{"path": p.path, "line": p.line, "severity": p.severity, "message": p.message, "hint": p.hint}
                     for p in problems],
        "errors": errors,
        "warnings": len(problems) - errors,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def format_problems(format_name: str, errors: list[SiteError], warnings: list[SiteError]) -> str:
    """Return the problems in the given machine format ('github' or 'json')."""
    problems = collect_problems(errors, warnings)
    return format_github(problems) if format_name == "github" else format_json(problems)
