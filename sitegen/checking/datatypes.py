"""Typed data columns: what each column of a data file holds, and every cell checked against it.

Input: the `columns:` mapping of a data file (`share_percent: percent`, or the long form
`{type: percent, title: Share of traffic}`) and its rows. Output: `Column`s, and each cell
as the value the charts and tables use, or an error naming the file and line that says
what to write instead ("'43%' is not a number: write 43; the unit comes from the column").
A chart drawn from typed columns cannot turn numbers into categories by accident.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from ..dates import PARTIAL_DATE_HINT, parse_partial_date
from ..errors import did_you_mean
from ..messages import N_, _
from ..reading.fields import FieldChecker, describe_value
from ..reading.yaml_lines import LineDict

COLUMN_TYPES = ("number", "percent", "date", "text", "category")
MEASURE_TYPES = ("number", "percent")  # what a chart measures: a length, a position, a value label
COLUMN_KEYS = ("type", "title", "unit", "optional", "labels")
# Numbers as people write them in prose: 43%, 1,200, 1 200, 12.5 млн.
_PERCENT_TEXT = re.compile(r"^\s*(?P<number>[-+]?\d+(?:[.,]\d+)?)\s*%\s*$")
_GROUPED_NUMBER = re.compile(r"^\s*[-+]?\d{1,3}(?:[, \u00a0\u202f]\d{3})+(?:\.\d+)?\s*$")
_SEPARATORS = re.compile(r"[, \u00a0\u202f]")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


@dataclass(frozen=True)
class Column:
    """One declared column: its name, type, and how readers see it."""

    name: str
    type: str
    title: str | None = None  # the table header and axis title; the name when absent
    unit: str | None = None  # what a number counts ("visits"); a percent's unit is %
    optional: bool = False  # a row may leave it out: "no data", as an explicit null does
    # A category's values as readers read them, {value: words}: the rows keep one key in
    # every edition ("planned"), the Russian table says «запланировано» (issue 27).
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def is_measure(self) -> bool:
        return self.type in MEASURE_TYPES

    @property
    def label(self) -> str:
        return self.title or self.name

    @property
    def unit_name(self) -> str:
        """Return what the column measures in, for telling apart metrics that must not share an axis."""
        return "%" if self.type == "percent" else (self.unit or "")

    def shown(self, value: str) -> str:
        """Return a value as readers see it: its label when the column gives one."""
        return dict(self.labels).get(value, value)

    def describe(self) -> str:
        """Return the column as an error message names it: 'share_percent' (percent)."""
        if self.type == "number" and self.unit:
            return _("'{name}' (number of {unit})", name=self.name, unit=self.unit)
        return f"'{self.name}' ({self.type})"  # the type as the editor writes it in 'columns:'


def validate_columns(check: FieldChecker, declared) -> tuple[Column, ...] | None:
    """Return the columns a data file declares, or None (with errors) when the declaration is wrong."""
    line = getattr(declared, "line", None)
    if not isinstance(declared, LineDict) or not declared:
        check.error(line, _("'columns' must list each column with its type, like 'share_percent: percent'"),
                    _("the types are {types}", types=", ".join(COLUMN_TYPES)))
        return None
    columns = []
    count = len(check.errors)
    for name, spec in declared.items():
        name_line = declared.key_lines.get(name, declared.line)
        if isinstance(spec, LineDict):
            if not check.keys(spec, COLUMN_KEYS, ("type",), N_("column")):
                continue
            kind = spec.get("type")
            title, unit = check.text(spec, "title"), check.text(spec, "unit")
            optional = check.boolean(spec, "optional")
            type_line = check.line_of(spec, "type")
            labels = _category_labels(check, spec, kind)
        else:
            kind, title, unit, optional, type_line, labels = spec, None, None, False, name_line, ()
        if kind not in COLUMN_TYPES:
            hint = did_you_mean(str(kind), COLUMN_TYPES) or _("the types are {types}", types=", ".join(COLUMN_TYPES))
            check.error(type_line, _("unknown column type {found} for '{name}'", found=describe_value(kind), name=name), hint)
            continue
        if unit is not None and kind != "number":
            check.error(check.line_of(spec, "unit"), _("only a number column has a unit; '{name}' is {type}", name=name, type=kind),
                        _("a percent's unit is always %") if kind == "percent" else _("remove 'unit'"))
            continue
        columns.append(Column(str(name), kind, title, unit, optional, labels))
    return tuple(columns) if len(check.errors) == count else None


def _category_labels(check: FieldChecker, spec: LineDict, kind) -> tuple[tuple[str, str], ...]:
    """Return a column's `labels:`, {value: words}; only a category has them."""
    labels = spec.get("labels")
    if labels is None:
        return ()
    line = check.line_of(spec, "labels")
    if kind != "category":
        check.error(line, _("only a category column has labels; this one is {type}", type=kind), _("remove 'labels'"))
        return ()
    if not isinstance(labels, LineDict) or not all(isinstance(text, str) and text.strip() for text in labels.values()):
        check.error(line, _("'labels' must give each value the words readers see, like 'planned: запланировано'"))
        return ()
    return tuple((str(value), text) for value, text in labels.items())


def check_row(check: FieldChecker, row: LineDict, line: int, columns: tuple[Column, ...],
              also_allowed: tuple[str, ...]) -> dict | None:
    """Return a row's cells as typed values, or None (with errors) when a cell or a column is wrong.

    Every declared column must be in the row (an explicit `null` where there is no value),
    unless declared optional; a column not declared is an error, so a misspelt key is caught.
    """
    by_name = {column.name: column for column in columns}
    typed = {}
    count = len(check.errors)
    misspelt = set()
    for key in row:
        if key in by_name or key in also_allowed:
            continue
        close = difflib.get_close_matches(str(key), list(by_name), n=1)
        misspelt.update(close)
        hint = did_you_mean(str(key), tuple(by_name)) if close else None
        check.error(row.key_lines.get(key, line), _("unknown column '{key}'", key=key),
                    hint or _("declare it in 'columns:' at the top of the file, or remove it"))
    for column in columns:
        if column.name not in row:
            if not column.optional and column.name not in misspelt:  # 'valeu' already says "did you mean 'value'?"
                check.error(line, _("the row has no '{column}'", column=column.name),
                            _("every row has every column; write '{column}: null' where there is no value", column=column.name))
            continue
        typed[column.name] = check_cell(check, column, row[column.name], row.key_lines.get(column.name, line))
    if len(check.errors) > count:
        return None
    return {**{key: row[key] for key in row if key in also_allowed}, **typed}


def check_cell(check: FieldChecker, column: Column, value, line: int):
    """Return one cell as its column's type holds it (None for "no data"); record an error when it is not one."""
    if value is None:
        return None
    if column.is_measure:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        check.error(line, _("{found} in '{column}' is not a number: {advice}", found=describe_value(value), column=column.name,
                            advice=number_advice(column, value)))
        return None
    if column.type == "date":
        if parse_partial_date(value) is None:
            check.error(line, _("{found} in '{column}' is not a date", found=describe_value(value), column=column.name),
                        _(PARTIAL_DATE_HINT))
            return None
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, (dict, list, bool)):
        check.error(line, _("{found} in '{column}' is not a line of text", found=describe_value(value), column=column.name),
                    _("put the text in quotes") if isinstance(value, bool) else None)
        return None
    known = tuple(key for key, _text in column.labels)
    if known and str(value) not in known:
        check.error(line, _("{found} in '{column}' is none of its labelled values", found=describe_value(value), column=column.name),
                    did_you_mean(str(value), known) or _("the values are {values}", values=", ".join(known)))
        return None
    return str(value)


def number_advice(column: Column, value) -> str:
    """Return what to write instead of a number written as text: 'write 43; the unit comes from the column'."""
    text = str(value)
    percent = _PERCENT_TEXT.match(text)
    if percent:
        number = percent.group("number").replace(",", ".")
        if column.type == "percent":
            return _("write {number}; the unit comes from the column", number=number)
        return _("write {number}; declare '{column}' as percent", number=number, column=column.name)
    if _GROUPED_NUMBER.match(text):
        return _("write {number} without separators; the site formats it", number=_SEPARATORS.sub("", text.strip()))
    if _DECIMAL_COMMA.match(text):
        return _("write {number} with a point; the site formats it", number=text.strip().replace(",", "."))
    return _("write digits only, or null where there is no value")
