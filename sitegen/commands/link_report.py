"""The link-rot watch's report, in four formats (issue 31).

Input: the `LinkCheck`s of `check-links` in the registry's order, or None when offline.
Output: text for people (a line per address, `path:line: status: id: detail`, a hint
under each problem), GitHub annotations (dead an error, moved a warning, could not
verify a notice), one JSON document for other tools, or a Markdown summary for a
GitHub run's page. Each ends with the totals; offline is one line in every format.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from ..errors import SiteError
from ..messages import _, ngettext
from .report_formats import Problem, escape_data, escape_property, github_annotation

if TYPE_CHECKING:  # link_watch loads the network code: the command line needs only FORMATS of this module
    from .link_watch import LinkCheck

FORMATS = ("text", "github", "json", "markdown")
ANNOTATION_TITLE = "build.py check-links"
SEVERITIES = ("error", "warning", "notice")


def offline_line() -> str:
    """Return the one line that says nothing could be checked."""
    return _("offline: no source's site name resolves, so no address was checked")


def count_statuses(checks: list[LinkCheck]) -> str:
    """Return '90 addresses checked: 80 ok, 3 moved, 5 could not be verified, 2 dead'."""
    from .link_watch import STATUSES

    counts = {status: sum(check.status == status for check in checks) for status in STATUSES}
    return ngettext("{count} address checked: {ok} ok, {moved} moved, {unverified} could not be verified, {dead} dead",
                    "{count} addresses checked: {ok} ok, {moved} moved, {unverified} could not be verified, {dead} dead",
                    len(checks), **counts)


def format_text(checks: list[LinkCheck]) -> str:
    """Return a line per address in the registry's order, each problem with its hint, then the totals."""
    lines = [SiteError(check.target.path, check.target.line, check.message, check.hint).format() for check in checks]
    lines.append(count_statuses(checks))
    return "\n".join(lines) + "\n"


def format_github(checks: list[LinkCheck]) -> str:
    """Return an annotation per problem (GitHub shows ten of each kind per step), then the totals."""
    lines = [github_annotation(Problem(check.severity, check.target.path, check.target.line, check.message, check.hint),
                               ANNOTATION_TITLE)
             for check in checks if check.severity]
    lines.append(_("check-links: {totals}", totals=count_statuses(checks)))
    return "\n".join(lines) + "\n"


def format_json(checks: list[LinkCheck]) -> str:
    """Return {"offline": false, "sources": [...], "errors": N, "warnings": M, "notices": K} as JSON.

    Each address: id, field, url, path, line, status, http_status, final_url, and as in
    `check --format json` severity (null when all is well), message and hint.
    """
    document: dict[str, object] = {"offline": False, "sources": [
        {"id": c.target.source, "field": c.target.field, "url": c.target.url, "path": c.target.path, "line": c.target.line,
         "status": c.status, "http_status": c.code, "final_url": c.final_url, "severity": c.severity,
         "message": c.message, "hint": c.hint}
        for c in checks]}
    document.update({f"{severity}s": sum(c.severity == severity for c in checks) for severity in SEVERITIES})
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def markdown_cell(text: str | None) -> str:
    """Return text safe inside a Markdown table cell: no line breaks, pipes escaped."""
    return (text or "").replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def format_markdown(checks: list[LinkCheck], today: dt.date) -> str:
    """Return a heading, the totals, a table of the problems (dead first), and the rest folded away."""
    from .link_watch import STATUS_WORDS, STATUSES

    lines = [_("### Sources' addresses, checked on {date}", date=today.isoformat()), "", count_statuses(checks), ""]
    problems = sorted((c for c in checks if c.status != "ok"), key=lambda c: (SEVERITIES.index(c.severity or "notice"),
                                                                            STATUSES.index(c.status)))
    if problems:
        lines += [_("| status | source | where | what we found | what to do |"), "| --- | --- | --- | --- | --- |"]
        lines += [f"| {'**' if c.severity == 'error' else ''}{markdown_cell(_(STATUS_WORDS[c.status]))}"
                  f"{'**' if c.severity == 'error' else ''} | `{c.target.source}` | "
                  f"`{c.target.path}:{c.target.line}` | {markdown_cell(c.detail)} | {markdown_cell(c.hint)} |"
                  for c in problems]
        lines.append("")
    fine = [c for c in checks if c.status == "ok"]
    if fine:
        summary = ngettext("{count} address answered as it should", "{count} addresses answered as they should", len(fine))
        lines += ["<details>", f"<summary>{summary}</summary>", "",
                  _("| source | where | address |"), "| --- | --- | --- |"]
        lines += [f"| `{c.target.source}` | `{c.target.path}:{c.target.line}` | {markdown_cell(c.final_url)} |" for c in fine]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def format_report(format_name: str, checks: list[LinkCheck] | None, today: dt.date) -> str:
    """Return the report in the given format; None for the checks means offline: one line."""
    if checks is None:
        if format_name == "github":
            return f"::notice title={escape_property(ANNOTATION_TITLE)}::{escape_data(offline_line())}\n"
        if format_name == "json":
            return json.dumps({"offline": True, "message": offline_line()}, ensure_ascii=False) + "\n"
        return offline_line() + "\n"
    if format_name == "github":
        return format_github(checks)
    if format_name == "json":
        return format_json(checks)
    if format_name == "markdown":
        return format_markdown(checks, today)
    return format_text(checks)
