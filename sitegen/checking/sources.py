"""The sources registry: every source the site may cite, checked once.

Input: content/sources.yaml as read by reading/content.py (a list of entries, each with its
lines). Output: a `Registry` of frozen `SourceEntry`s by id, or an error per mistake
(duplicate id, malformed URL or date, unknown kind or language, a date in the future,
an unknown field), each naming the file and line, with a did-you-mean where one helps.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..dates import PARTIAL_DATE_HINT, PartialDate, parse_partial_date
from ..errors import SiteError, did_you_mean
from ..messages import N_, _
from ..reading.content import RawData
from ..reading.fields import FieldChecker, describe_value
from ..reading.yaml_lines import LineDict, LineList

REGISTRY_FILE = "sources.yaml"
# The kinds of source a reader is told apart, in the order the sources page lists them.
SOURCE_KINDS = ("official", "regulator/court", "company", "news", "wire", "analysis", "aggregator", "state media")
# How the date of a source is known: printed on it, read from its address, the document's
# own date, or inferred from its text because the page carries none.
DATE_ORIGINS = ("publication", "address", "document", "text")
# Where a title comes from when the page shows no headline: its address, or its opening words.
TITLE_ORIGINS = ("headline", "address", "opening")
# What is said of a value of a field that offers a choice, by field.
UNKNOWN_CHOICE = {
    "kind": N_("unknown kind '{value}'"),
    "title_from": N_("unknown title from '{value}'"),
    "date_from": N_("unknown date from '{value}'"),
}
SOURCE_KEYS = ("id", "outlet", "title", "title_from", "url", "published", "date_from", "language", "kind",
               "accessed", "archive_url", "note")
REQUIRED_SOURCE_KEYS = ("id", "outlet", "published", "language", "kind", "accessed")
SOURCE_ID = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
WEB_URL = re.compile(
    r"""
    ^https?://              # a web address, nothing else a reader's browser could open
    [^\s/?#<>"]+\.[^\s/?#<>"]+  # a host with a dot in it
    (?:[/?#][^\s<>"]*)?$    # an optional path, query or fragment, without spaces or quotes
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class SourceEntry:
    """One source, validated: who published what, where, when, and when we last checked it."""

    id: str
    outlet: str
    published: PartialDate
    language: str
    kind: str
    accessed: dt.date
    title: str | None = None
    title_from: str = "headline"
    url: str | None = None
    date_from: str = "publication"
    archive_url: str | None = None
    note: Mapping[str, str] = field(default_factory=dict)  # language -> a sentence readers see
    line: int = 0  # where the entry starts in sources.yaml, for warnings


@dataclass(frozen=True)
class Registry:
    """Every source by id, in the file's order, and a digest of the file."""

    entries: Mapping[str, SourceEntry] = field(default_factory=dict)
    path: str = f"content/{REGISTRY_FILE}"
    digest: str = ""
    # Ids of entries with mistakes of their own, and whether the file could be read as a list at all:
    # a citation of such a source is not "unknown", the registry's own errors say what to fix.
    broken: frozenset[str] = frozenset()
    whole: bool = True

    def __contains__(self, source_id: object) -> bool:
        return source_id in self.entries

    def __getitem__(self, source_id: str) -> SourceEntry:
        return self.entries[source_id]

    def __iter__(self) -> Iterator[SourceEntry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)


def validate_registry(raw: RawData | None, languages: tuple[str, ...], today: dt.date,
                      errors: list[SiteError], unreadable: bool = False) -> Registry:
    """Return the registry from content/sources.yaml (empty when there is none), recording every mistake.

    `unreadable` says the file exists but could not be read (its error is already recorded).
    """
    if raw is None:
        return Registry(whole=not unreadable)
    check = FieldChecker(raw.display_path, errors)
    if not isinstance(raw.value, LineList):
        check.error(getattr(raw.value, "line", 1), _("sources.yaml must be a list of sources, each starting with '- id: ...'"),
                    _("found {found}", found=describe_value(raw.value)))
        return Registry(path=raw.display_path, digest=raw.digest, whole=False)
    entries: dict[str, SourceEntry] = {}
    broken: set[str] = set()
    for item, line in zip(raw.value, raw.value.item_lines, strict=False):
        if not isinstance(item, LineDict):
            check.error(line, _("each source must be fields like 'id: ...' and 'outlet: ...', found {found}",
                                found=describe_value(item)))
            continue
        entry = _validate_entry(check, item, languages, today)
        if entry is None:
            broken.add(str(item.get("id")))
            continue
        if entry.id in entries:
            check.error(check.line_of(item, "id"), _("the source id '{id}' is used twice", id=entry.id),
                        _("the first is on line {line}; give each source its own id", line=entries[entry.id].line))
            continue
        entries[entry.id] = entry
    return Registry(MappingProxyType(entries), raw.display_path, raw.digest, frozenset(broken - entries.keys()))


def _validate_entry(check: FieldChecker, item: LineDict, languages: tuple[str, ...],
                    today: dt.date) -> SourceEntry | None:
    count = len(check.errors)
    if not check.keys(item, SOURCE_KEYS, REQUIRED_SOURCE_KEYS, N_("source")):
        return None
    source_id = check.text(item, "id", True) or ""
    if source_id and not SOURCE_ID.match(source_id):
        check.error(check.line_of(item, "id"),
                    _("the source id '{id}' may hold only lowercase letters, digits, '-' and '.'", id=source_id),
                    _("for example moscowtimes-2023-09-27"))
    kind = _choice(check, item, "kind", SOURCE_KINDS, "news")
    title_from = _choice(check, item, "title_from", TITLE_ORIGINS, "headline")
    date_from = _choice(check, item, "date_from", DATE_ORIGINS, "publication")
    language = check.text(item, "language", True) or ""
    if language and not LANGUAGE_CODE.match(language):
        check.error(check.line_of(item, "language"),
                    _("'language' must be a two-letter code such as en, ru or it, found '{value}'", value=language))
    published = _past_date(check, item, "published", today)
    accessed = check.date(item, "accessed")
    if accessed is not None and accessed > today:
        check.error(check.line_of(item, "accessed"), _("'accessed' is in the future: {date}", date=accessed.isoformat()),
                    _("write the day someone last opened the source and checked it"))
    url, archive_url = _web_url(check, item, "url"), _web_url(check, item, "archive_url")
    title = check.text(item, "title")
    if title_from != "headline" and title is None:
        check.error(check.line_of(item, "title_from"), _("'title_from' says where the title comes from, but there is no 'title'"))
    note = _note(check, item, languages)
    if len(check.errors) > count or published is None or accessed is None:
        return None
    return SourceEntry(source_id, check.text(item, "outlet", True) or "", published, language, kind or "news",
                       accessed, title, title_from or "headline", url, date_from or "publication", archive_url,
                       MappingProxyType(note), item.line)


def _choice(check: FieldChecker, item: LineDict, key: str, choices: tuple[str, ...], default: str) -> str | None:
    value = check.text(item, key)
    if value is None:
        return default
    if value not in choices:
        check.error(check.line_of(item, key), _(UNKNOWN_CHOICE[key], value=value), did_you_mean(value, choices))
        return None
    return value


def _past_date(check: FieldChecker, item: LineDict, key: str, today: dt.date) -> PartialDate | None:
    value = item.get(key)
    if value is None:
        return None
    date = parse_partial_date(value)
    if date is None:
        check.error(check.line_of(item, key), _("'{key}' is not a date: '{value}'", key=key, value=value), _(PARTIAL_DATE_HINT))
    elif date.first_day > today:
        check.error(check.line_of(item, key), _("'{key}' is in the future: {date}", key=key, date=date.isoformat()),
                    _("a source cannot be published after today; check the year"))
        return None
    return date


def _web_url(check: FieldChecker, item: LineDict, key: str) -> str | None:
    url = check.text(item, key)
    if url is not None and not WEB_URL.match(url):
        check.error(check.line_of(item, key), _("'{key}' is not a web address: '{url}'", key=key, url=url),
                    _("write the whole address, starting with https://, without spaces"))
        return None
    return url


def _note(check: FieldChecker, item: LineDict, languages: tuple[str, ...]) -> dict[str, str]:
    value = item.get("note")
    if value is None:
        return {}
    if not isinstance(value, LineDict):
        check.error(check.line_of(item, "note"), _("'note' must give a sentence per language, like 'en: ...' and 'ru: ...'"),
                    _("the site's languages: {languages}", languages=", ".join(languages)))
        return {}
    for language in value:
        if language not in languages:
            check.error(value.key_lines[language], _("the note is in '{language}', which is not a language of the site", language=language),
                        did_you_mean(language, languages))
    for language in languages:
        if language not in value:
            check.error(value.line, _("the note has no '{language}' sentence", language=language),
                        _("every edition shows the note in its own language"))
    return {language: check.text(value, language, True) or "" for language in value if language in languages}


def report_unknown_source(check: FieldChecker, line: int, source_id: str, registry: Registry) -> None:
    """Report a cited id that the registry does not have, with the closest id it does have."""
    if not registry.whole or source_id in registry.broken:
        return  # the registry's own errors say what to fix
    close = difflib.get_close_matches(source_id, list(registry.entries), n=1)
    if close:
        hint = _("did you mean '{name}'?", name=close[0])
    else:
        hint = _("add the source to {path} first, or copy its id from there", path=registry.path)
    check.error(line, _("there is no source '{id}' in {path}", id=source_id, path=registry.path), hint)


def validate_source_ids(check: FieldChecker, mapping: LineDict, key: str, registry: Registry) -> tuple[str, ...]:
    """Return a `sources: [id, ...]` field of a data file or row, each id checked against the registry."""
    ids = check.text_list(mapping, key)
    for source_id in ids:
        if source_id not in registry:
            report_unknown_source(check, check.line_of(mapping, key), source_id, registry)
    return ids
