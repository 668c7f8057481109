"""Reading typed fields out of an editor's YAML, collecting every mistake with its line.

Input: a parsed mapping (yaml_lines.LineDict) and the file's display path. Output: plain
values (text, dates, numbers, lists), with a SiteError recorded for each field that is
missing, unknown or of the wrong kind, so that validation reports them all at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping

from ..errors import SiteError, did_you_mean
from ..messages import _
from .yaml_lines import LineDict, LineList


class FieldChecker:
    """Collects errors for one file while reading typed fields out of a mapping."""

    def __init__(self, path: str, errors: list[SiteError]):
        self.path = path
        self.errors = errors

    def error(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.errors.append(SiteError(self.path, line, message, hint))

    def keys(self, mapping: LineDict, allowed, required, what: str) -> bool:
        """Report unknown and missing keys; return True when all required keys exist.

        `what` names the mapping ("front matter", "chart"), marked with N_() where it is written.
        """
        what = _(what)
        misspelt = set()
        for key in mapping:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.error(mapping.key_lines.get(key, mapping.line), _("unknown {what} field '{key}'", what=what, key=key),
                           hint)
                misspelt.update(difflib.get_close_matches(key, list(allowed), n=1))
        missing = [key for key in required if key not in mapping]
        for key in missing:
            if key not in misspelt:  # 'titel' already says "did you mean 'title'?"
                self.error(mapping.line, _("the {what} is missing the required field '{key}'", what=what, key=key))
        # `title:` with nothing after it parses as None: as good as missing, not a default.
        empty = [key for key in required if key in mapping and mapping[key] is None]
        for key in empty:
            self.error(self.line_of(mapping, key), _("the required {what} field '{key}' is empty", what=what, key=key),
                       _("write its value after '{key}:' on the same line", key=key))
        return not missing and not empty

    def line_of(self, mapping: LineDict, key: str) -> int:
        return mapping.key_lines.get(key, mapping.line)

    def text(self, mapping: LineDict, key: str, required: bool = False) -> str | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, (dict, list, bool)) or (required and not str(value).strip()):
            self.error(self.line_of(mapping, key), _("'{key}' must be a line of text, found {found}", key=key,
                                                              found=describe_value(value)))
            return None
        return str(value)

    def date(self, mapping: LineDict, key: str) -> dt.date | None:
        value = mapping.get(key)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value)) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)) else _bad_date(value)
        except ValueError:
            self.error(self.line_of(mapping, key), _("'{key}' is not a real date: '{value}'", key=key, value=value),
                       _("write the date as YYYY-MM-DD, for example 2024-04-30"))
            return None

    def boolean(self, mapping: LineDict, key: str) -> bool:
        value = mapping.get(key, False)
        if not isinstance(value, bool):
            self.error(self.line_of(mapping, key), _("'{key}' must be true or false, found '{value}'", key=key, value=value))
            return False
        return value

    def integer(self, mapping: LineDict, key: str) -> int | None:
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(self.line_of(mapping, key), _("'{key}' must be a whole number, found '{value}'", key=key, value=value))
            return None
        return value

    def text_list(self, mapping: LineDict, key: str) -> tuple[str, ...]:
        value = mapping.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
            self.error(self.line_of(mapping, key), _("'{key}' must be a list of words, like [crypto, russia]", key=key))
            return ()
        return tuple(str(v) for v in value)

    def retired_fields(self, mapping: LineDict, retired: Mapping[str, str]) -> None:
        """Report a field that an older version of the site used, saying what replaced it (marked with N_())."""
        for key, replacement in retired.items():
            if key in mapping:
                self.error(mapping.key_lines[key], _("the field '{key}' is no longer used", key=key), _(replacement))

    def records(self, mapping: LineDict, key: str) -> list[tuple[LineDict, int]]:
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.error(self.line_of(mapping, key), _("'{key}' must be a list of entries, each starting with '- '", key=key))
            return []
        good = []
        for item, line in zip(value, value.item_lines, strict=False):
            if isinstance(item, LineDict):
                good.append((item, line))
            else:
                self.error(line, _("each entry of '{key}' must be fields like 'title: ...', found {found}", key=key,
                                     found=describe_value(item)))
        return good


def _bad_date(value) -> dt.date:
    raise ValueError(value)


def describe_value(value) -> str:
    """Name what an editor wrote, for a message: 'a list', 'nothing', or the value quoted."""
    if isinstance(value, dict):
        return _("a set of fields")
    if isinstance(value, list):
        return _("a list")
    if value is None or value == "":
        return _("nothing")
    return f"'{value}'"
