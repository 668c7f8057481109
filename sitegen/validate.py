"""Validation: raw documents and data become frozen, trusted objects, or errors.

Input: `RawContent` from content.py. Output: a `Site` (config, home page, articles,
datasets, chart specs), or `BuildFailed` carrying every error found in every file,
each naming its file and line, so an editor fixes them all in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import NamedTuple

from .charts import CHART_KEYS, CHART_KINDS, REQUIRED_CHART_KEYS, ChartSpec, Dataset
from .citations import find_citations, find_uncited_figures
from .content import LineDict, LineList, RawContent, RawData, RawDocument, RawEdition, parse_yaml
from .errors import BuildFailed, SiteError, did_you_mean
from .fields import FieldChecker, describe_value
from .markup import find_chart_blocks, find_unsafe_html
from .model import Article, ChangeNote, HomePage, NavItem, PlacedChart, Publication, Site, SiteConfig
from .sources import Registry, validate_registry

TRANSLATION_KEYS = ("translated_from",)
ARTICLE_KEYS = ("title", "summary", "date", "updated", "tags", "draft", "order", "changes", "layout", "aliases")
REQUIRED_ARTICLE_KEYS = ("title", "summary", "date")
HOME_KEYS = ("title", "summary")
REQUIRED_HOME_KEYS = ("title", "summary")
CHANGE_KEYS = ("date", "kind", "note")
CHANGE_KINDS = ("correction", "update", "new")
SITE_KEYS = ("title", "description", "base_url", "language", "navigation", "contact", "recheck_sources_after_days")
REQUIRED_SITE_KEYS = ("title", "description")
NAV_KEYS = ("title", "url")
DATA_KEYS = ("description", "sources", "note", "rows")
ROW_SOURCES = "sources"  # the one column whose cells are lists: the ids a row cites
LAYOUTS = ("article", "timeline")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Fields that older versions of the site had, with what replaced them: in front matter, and in data files.
RETIRED_PAGE_FIELDS = {
    "sources": "cite sources in the text as [@id]; each article's Sources list is made from its citations (see EDITING.md)",
}
RETIRED_DATA_FIELDS = {
    "source": "name the sources as 'sources: [id, ...]', with ids from content/sources.yaml (see EDITING.md)",
}
BASE_URL = re.compile(
    r"""
    ^(?:https?://[^/\s]+)?    # an optional scheme and host: https://example.org
    (?:/(?!/)[^\s]*)?$        # a path from the root, not //host: / or /briefing/
    """,
    re.VERBOSE,
)


def validate_changes(check: FieldChecker, mapping: LineDict) -> tuple[ChangeNote, ...]:
    """Return a page's corrections and updates, newest first."""
    notes = []
    for item, _line in check.records(mapping, "changes"):
        if not check.keys(item, CHANGE_KEYS, CHANGE_KEYS, "change"):
            continue
        date, kind, note = check.date(item, "date"), check.text(item, "kind", True), check.text(item, "note", True)
        if kind is not None and kind not in CHANGE_KINDS:
            check.error(check.line_of(item, "kind"), f"unknown kind of change '{kind}'", did_you_mean(kind, CHANGE_KINDS))
            continue
        if date is not None and kind is not None and note is not None:
            notes.append(ChangeNote(date, kind, note))
    return tuple(sorted(notes, key=lambda change: change.date, reverse=True))


def validate_citations(check: FieldChecker, body: str, body_line: int, registry: Registry) -> tuple[str, ...]:
    """Check every citation of a body against the registry; return the ids cited, in order, each once."""
    sites, malformed = find_citations(body, body_line)
    for bad in malformed:
        check.error(bad.line, f"'{bad.text}' is not a citation",
                    "write [@id] for one source and [@id; @other] for several, with ids from content/sources.yaml")
    cited: dict[str, None] = {}
    for site in sites:
        for source_id in site.ids:
            if source_id in registry:
                cited[source_id] = None
            else:
                report_unknown_source(check, site.line, source_id, registry)
    return tuple(cited)


def report_unknown_source(check: FieldChecker, line: int, source_id: str, registry: Registry) -> None:
    """Report a cited id that the registry does not have, with the closest id it does have."""
    close = difflib.get_close_matches(source_id, list(registry.entries), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"add the source to {registry.path} first, or copy its id from there"
    check.error(line, f"there is no source '{source_id}' in {registry.path}", hint)


def validate_source_ids(check: FieldChecker, mapping: LineDict, key: str, registry: Registry) -> tuple[str, ...]:
    """Return a `sources: [id, ...]` field of a data file or row, each id checked against the registry."""
    ids = check.text_list(mapping, key)
    for source_id in ids:
        if source_id not in registry:
            report_unknown_source(check, check.line_of(mapping, key), source_id, registry)
    return ids


def check_retired_fields(check: FieldChecker, mapping: LineDict, retired: Mapping[str, str]) -> None:
    """Report a field that an older version of the site used, saying what replaced it."""
    for key, replacement in retired.items():
        if key in mapping:
            check.error(mapping.key_lines[key], f"the field '{key}' is no longer used", replacement)


def validate_charts(check: FieldChecker, body: str, body_line: int, datasets: Mapping[str, Dataset],
                    broken: frozenset[str] = frozenset()) -> tuple[PlacedChart, ...]:
    """Parse and check every chart block of a body against the datasets.

    A chart naming a dataset in `broken` (its file exists but has errors of its own) is
    skipped: the data file's errors say what to fix, "there is no dataset" would mislead.
    """
    charts = []
    for block in find_chart_blocks(body, body_line):
        try:
            spec = parse_yaml(block.spec_text, check.path, first_line=block.spec_line)
        except SiteError as error:
            check.errors.append(error)
            continue
        if not isinstance(spec, LineDict):
            check.error(block.fence_line, "a chart block must hold fields like 'data: ...' and 'kind: bar'")
            continue
        if not check.keys(spec, CHART_KEYS, REQUIRED_CHART_KEYS, "chart"):
            continue
        values = {key: check.text(spec, key, required=True) for key in CHART_KEYS}
        if any(values[key] is None for key in REQUIRED_CHART_KEYS):
            continue
        if values["kind"] not in CHART_KINDS:
            check.error(check.line_of(spec, "kind"), f"unknown chart kind '{values['kind']}'",
                        did_you_mean(values["kind"], CHART_KINDS))
            continue
        if values["data"] in broken:
            continue
        dataset = datasets.get(values["data"])
        if dataset is None:
            check.error(check.line_of(spec, "data"), f"there is no dataset '{values['data']}'",
                        _choices_hint(values["data"], (*datasets, *sorted(broken)), "datasets in content/data/"))
            continue
        columns_ok = True
        for key in ("x", "y", "color", "label"):
            column = values[key]
            if column is not None and column not in dataset.columns:
                columns_ok = False
                check.error(check.line_of(spec, key), f"the dataset '{dataset.name}' has no column '{column}'",
                            _choices_hint(column, dataset.columns, "columns"))
        if columns_ok:
            charts.append(PlacedChart(ChartSpec(**{k: v for k, v in values.items()}), block.fence_line))
    return tuple(charts)


def _choices_hint(word: str, choices: tuple[str, ...], what: str) -> str:
    close = did_you_mean(word, choices)
    listed = ", ".join(choices) if choices else "none"
    if close and close.startswith("did you mean"):
        return f"{close} ({what}: {listed})"
    return f"{what}: {listed}"


def check_unsafe_html(check: FieldChecker, body: str, body_line: int) -> None:
    """Report raw HTML that could run script in a reader's browser."""
    for found in find_unsafe_html(body, body_line):
        check.error(found.line, found.message, "remove it: the site publishes no script from content")


def is_base_url(value: str) -> bool:
    """Tell whether value is a URL the site can be served from: https://host/path/ or /path/."""
    return bool(value) and BASE_URL.match(value) is not None


def validate_config(raw: RawData | None, errors: list[SiteError]) -> SiteConfig:
    """Return the validated site configuration (a placeholder one if it is broken)."""
    fallback = SiteConfig(title="", description="")
    if raw is None:
        return fallback
    check = FieldChecker(raw.display_path, errors)
    value = raw.value
    if not isinstance(value, LineDict):
        check.error(1, "site.yaml must be fields like 'title: ...'")
        return fallback
    if not check.keys(value, SITE_KEYS, REQUIRED_SITE_KEYS, "site"):
        return fallback
    base_url = check.text(value, "base_url")
    if base_url is not None and not is_base_url(base_url):
        check.error(check.line_of(value, "base_url"), f"'base_url' must be a full URL or a path from the root, found '{base_url}'",
                    "for example https://example.org/briefing/ or /briefing/")
        base_url = None
    navigation = []
    for item, _line in check.records(value, "navigation"):
        if check.keys(item, NAV_KEYS, NAV_KEYS, "navigation"):
            navigation.append(NavItem(check.text(item, "title", True) or "", check.text(item, "url", True) or "/"))
    recheck_days = check.integer(value, "recheck_sources_after_days")
    if recheck_days is not None and recheck_days < 1:
        check.error(check.line_of(value, "recheck_sources_after_days"),
                    f"'recheck_sources_after_days' must be at least 1, found {recheck_days}")
        recheck_days = None
    return SiteConfig(
        title=check.text(value, "title", True) or "",
        description=check.text(value, "description", True) or "",
        base_url=base_url or "/",
        language=check.text(value, "language") or "en",
        navigation=tuple(navigation),
        contact=check.text(value, "contact"),
        recheck_sources_after_days=recheck_days or SiteConfig.recheck_sources_after_days,
        digest=raw.digest,
    )


def validate_dataset(raw: RawData, registry: Registry, errors: list[SiteError]) -> Dataset | None:
    """Return a dataset: a list of flat records, or {description, sources, note, rows}.

    A row may cite its own sources in a 'sources' column (a list of ids), as timeline events do.
    """
    check = FieldChecker(raw.display_path, errors)
    value = raw.value
    description = note = None
    sources: tuple[str, ...] = ()
    if isinstance(value, LineDict):
        check_retired_fields(check, value, RETIRED_DATA_FIELDS)
        if not check.keys(value, DATA_KEYS + tuple(RETIRED_DATA_FIELDS), ("rows",), "data file"):
            return None
        description, note = check.text(value, "description"), check.text(value, "note")
        sources = validate_source_ids(check, value, "sources", registry)
        value = value["rows"]
    if not isinstance(value, LineList) or not value:
        check.error(getattr(value, "line", 1),
                    "a data file must be a list of rows ('- column: value'), or have 'rows:' holding one")
        return None
    columns: dict[str, None] = {}
    rows = []
    count = len(errors)
    for item, line in zip(value, value.item_lines, strict=False):
        if not isinstance(item, LineDict):
            check.error(line, f"each row must be fields like 'year: 2024', found {describe_value(item)}")
            continue
        row = dict(item)
        for key, cell in item.items():
            if key == ROW_SOURCES:
                row[key] = validate_source_ids(check, item, key, registry)
            elif isinstance(cell, (dict, list)):
                check.error(item.key_lines[key], f"the value of '{key}' must be a single number or text")
        columns.update(dict.fromkeys(item))
        rows.append(row)
    if len(errors) > count:
        return None
    return Dataset(raw.name, raw.display_path, tuple(columns), tuple(rows), description, sources, note, raw.digest)


@dataclass(frozen=True)
class References:
    """What a page may refer to: the datasets by name (and the names of those with errors), and the sources."""

    datasets: Mapping[str, Dataset]
    registry: Registry
    broken: frozenset[str] = frozenset()  # data files that exist but have errors of their own

    @functools.cached_property
    def key(self) -> tuple:
        """Return what validation of a page depends on, as comparable digests."""
        return tuple((name, d.digest) for name, d in self.datasets.items()), self.registry.digest, self.broken


def validate_body(check: FieldChecker, raw: RawDocument, references: References
                  ) -> tuple[tuple[PlacedChart, ...], tuple[str, ...], tuple[int, ...]]:
    """Check a page's body: its charts, its citations and its raw HTML; return the charts, the ids cited and
    the lines of figures stated without a citation."""
    body = raw.body
    charts = validate_charts(check, body, raw.body_line, references.datasets, references.broken)
    cited = validate_citations(check, body, raw.body_line, references.registry)
    for chart in charts:  # a chart cites its dataset's sources in its source line
        cited += tuple(s for s in references.datasets[chart.spec.data].sources if s not in cited)
    check_unsafe_html(check, body, raw.body_line)
    return charts, cited, find_uncited_figures(body, raw.body_line)


def validate_article(raw: RawDocument, references: References, errors: list[SiteError],
                     original: Article | None = None, original_keys: frozenset[str] = frozenset(),
                     prefix: str = "") -> Article | None:
    """Return a validated article (or translation of `original`), or None after recording its errors."""
    check = FieldChecker(raw.display_path, errors)
    count = len(errors)
    slug = raw.path.stem.partition(".")[0] if prefix else raw.path.stem
    if prefix:
        check_translation_keys(check, raw.meta, original_keys)
    if not SLUG.match(slug):
        suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")
        check.error(None, f"the file name '{raw.path.name}' cannot become a clean URL",
                    f"use lowercase letters, digits and hyphens, e.g. '{suggestion}.md'")
    meta = raw.meta
    check_retired_fields(check, meta, RETIRED_PAGE_FIELDS)
    check.keys(meta, ARTICLE_KEYS + tuple(RETIRED_PAGE_FIELDS) + (TRANSLATION_KEYS if prefix else ()), REQUIRED_ARTICLE_KEYS,
               "front matter")
    layout = check.text(meta, "layout") or "article"
    if layout not in LAYOUTS:
        check.error(check.line_of(meta, "layout"), f"unknown layout '{layout}'", did_you_mean(layout, LAYOUTS))
    charts, cited, uncited = validate_body(check, raw, references)
    article = Article(
        slug=slug,
        path=raw.display_path,
        title=check.text(meta, "title", True) or "",
        summary=check.text(meta, "summary", True) or "",
        date=check.date(meta, "date") or dt.date.min,
        updated=check.date(meta, "updated"),
        tags=check.text_list(meta, "tags"),
        draft=check.boolean(meta, "draft"),
        order=check.integer(meta, "order"),
        layout=layout,
        aliases=validate_aliases(check, meta),
        url_prefix=prefix,
        translated_from=check.date(meta, "translated_from"),
        charts=charts,
        cited=cited,
        uncited=uncited,
        changes=validate_changes(check, meta),
        source=raw.path,
        body_line=raw.body_line,
        digest=raw.digest,
    )
    return article if len(errors) == count else None


class _Validated(NamedTuple):
    """One remembered result of validate_article, with what it was computed from."""

    raw: RawDocument  # kept alive, so its id cannot be reused by a new document
    inputs: tuple
    original: Article | None  # kept alive for the same reason: its id is in inputs
    article: Article | None
    errors: list[SiteError]


class ArticleMemo:
    """Validated articles of the last build, reused for the documents that did not change.

    `validate_article` is a function of its arguments alone, and the dev server keeps the
    `RawDocument` of every unchanged file from one build to the next, so a result is found
    by the document's identity plus the datasets and original it was checked against: at
    1,000 articles an edit re-validates one article instead of all of them.
    """

    def __init__(self) -> None:
        self._last: dict[int, _Validated] = {}
        self._current: dict[int, _Validated] = {}

    def validate(self, raw: RawDocument, references: References, errors: list[SiteError],
                 original: Article | None = None, original_keys: frozenset[str] = frozenset(),
                 prefix: str = "") -> Article | None:
        """Return validate_article(...) for these arguments, reusing the last build's result when they are the same."""
        inputs = (references.key, id(original), original_keys, prefix)
        kept = self._last.get(id(raw))
        if kept is None or kept.raw is not raw or kept.inputs != inputs:
            found: list[SiteError] = []
            article = validate_article(raw, references, found, original, original_keys, prefix)
            kept = _Validated(raw, inputs, original, article, found)
        self._current[id(raw)] = kept
        errors.extend(kept.errors)
        return kept.article

    def finish(self) -> None:
        """Forget the documents this build did not use."""
        self._last, self._current = self._current, {}


def validate_aliases(check: FieldChecker, meta: LineDict) -> tuple[str, ...]:
    """Return the old addresses that should redirect to this article."""
    aliases = check.text_list(meta, "aliases")
    for alias in aliases:
        if not alias.startswith("/") or alias.startswith("//") or any(c.isspace() for c in alias):
            check.error(check.line_of(meta, "aliases"), f"an alias must be an address on this site starting with '/', found '{alias}'",
                        "for example: aliases: [/articles/old-name/]")
    return aliases


def check_alias_clashes(articles: list[Article], errors: list[SiteError]) -> None:
    """Report an old address claimed by two articles, or by an article that still exists."""
    claimed: dict[str, Article] = {}
    urls = {a.url: a for a in articles}
    for article in articles:
        for alias in article.aliases:
            owner = claimed.get(alias) or urls.get(alias)
            if owner is not None:
                errors.append(SiteError(article.path, None, f"the alias '{alias}' is already the address of {owner.path}",
                                        "an alias must be an address that no longer has a page"))
            claimed[alias] = article


def validate_home(raw: RawDocument, references: References, errors: list[SiteError]) -> HomePage | None:
    """Return the validated home page text."""
    check = FieldChecker(raw.display_path, errors)
    count = len(errors)
    check_retired_fields(check, raw.meta, RETIRED_PAGE_FIELDS)
    check.keys(raw.meta, HOME_KEYS + tuple(RETIRED_PAGE_FIELDS), REQUIRED_HOME_KEYS, "front matter")
    charts, cited, uncited = validate_body(check, raw, references)
    home = HomePage(
        path=raw.display_path,
        title=check.text(raw.meta, "title", True) or "",
        summary=check.text(raw.meta, "summary", True) or "",
        charts=charts,
        cited=cited,
        uncited=uncited,
        source=raw.path,
        body_line=raw.body_line,
        digest=raw.digest,
    )
    return home if len(errors) == count else None


TRANSLATED_SITE_KEYS = ("title", "description", "navigation")


def check_translation_keys(check: FieldChecker, meta: LineDict, original_keys: frozenset[str]) -> None:
    """Report a front matter field that the original article does not have."""
    for key in meta:
        if key in ARTICLE_KEYS and key not in original_keys:
            check.error(meta.key_lines[key], f"the translation has the field '{key}', which the original does not",
                        "a translation has the same fields as its original, plus 'translated_from'")


def validate_strings(raw: RawData | None, language: str, reference: Mapping[str, str] | None,
                     errors: list[SiteError], templates_path: str) -> dict[str, str]:
    """Return the interface text of one language; every language must have the same keys."""
    if raw is None:
        errors.append(SiteError(f"{templates_path}/strings/{language}.yaml", None,
                                f"the interface text for the language '{language}' is missing",
                                "copy strings/en.yaml to this name and translate its values"))
        return dict(reference or {})
    check = FieldChecker(raw.display_path, errors)
    if not isinstance(raw.value, LineDict):
        check.error(1, "a strings file must be fields like 'search: Search'")
        return dict(reference or {})
    strings = {key: check.text(raw.value, key, True) or "" for key in raw.value}
    if reference is not None:
        for key in raw.value:
            if key not in reference:
                check.error(raw.value.key_lines[key], f"unknown interface text '{key}'", did_you_mean(key, tuple(reference)))
        for key in reference:
            if key not in raw.value:
                check.error(None, f"the interface text '{key}' is missing from this language")
    return strings


def validate_translated_config(raw: RawData | None, original: SiteConfig, language: str,
                               errors: list[SiteError]) -> SiteConfig:
    """Return an edition's config: the original's, with its own title, description and navigation."""
    config = replace(original, language=language, navigation=())
    if raw is None:
        return config
    check = FieldChecker(raw.display_path, errors)
    if not isinstance(raw.value, LineDict):
        check.error(1, "this file must be fields like 'title: ...'")
        return config
    check.keys(raw.value, TRANSLATED_SITE_KEYS, (), "translated site")
    navigation = tuple(
        NavItem(check.text(item, "title", True) or "", check.text(item, "url", True) or "/")
        for item, _line in check.records(raw.value, "navigation")
        if check.keys(item, NAV_KEYS, NAV_KEYS, "navigation")
    )
    return replace(config, title=check.text(raw.value, "title") or original.title,
                   description=check.text(raw.value, "description") or original.description,
                   navigation=navigation, digest=original.digest + raw.digest)


def validate_edition(raw: RawEdition, original: Site, originals: dict[str, tuple[Article, RawDocument]],
                     raw_strings: Mapping[str, RawData], templates_path: str, include_drafts: bool,
                     errors: list[SiteError], broken_originals: frozenset[str] = frozenset(),
                     memo: ArticleMemo | None = None) -> Site:
    """Validate one translation against the original edition."""
    memo = memo or ArticleMemo()
    language = raw.language
    prefix = f"{language}/"
    config = validate_translated_config(raw.config, original.config, language, errors)
    strings = validate_strings(raw_strings.get(language), language, original.strings, errors, templates_path)
    datasets = dict(original.datasets)
    for data in raw.data:
        if data.name not in original.datasets:
            errors.append(SiteError(data.display_path, None, f"there is no original dataset '{data.name}' to translate",
                                    _choices_hint(data.name, tuple(original.datasets), "datasets")))
            continue
        dataset = validate_dataset(data, original.sources, errors)
        if dataset is not None:
            datasets[data.name] = dataset
    references = References(MappingProxyType(datasets), original.sources, frozenset(raw.unreadable_data))
    home = validate_home(raw.home, references, errors) if raw.home else None
    articles = []
    for doc in raw.articles:
        slug = doc.path.stem.partition(".")[0]
        if slug not in originals and slug in broken_originals:
            continue  # the original has errors of its own; they are reported there
        if slug not in originals:
            errors.append(SiteError(doc.display_path, None, f"there is no original article '{slug}.md' for this translation",
                                    _choices_hint(slug, tuple(originals), "articles")))
            continue
        article, original_doc = originals[slug]
        translated = memo.validate(doc, references, errors, article, frozenset(original_doc.meta), prefix)
        if translated is not None and (include_drafts or not translated.draft):
            articles.append(translated)
    return Site(config, home, tuple(sorted(articles, key=article_sort_key)), references.datasets,
                MappingProxyType(strings), original.sources, prefix)


def article_sort_key(article: Article) -> tuple:
    """Order articles by 'order' first, then newest first, then by slug."""
    return (article.order is None, article.order or 0, -article.date.toordinal(), article.slug)


def validate_site(raw: RawContent, include_drafts: bool, templates_path: str = "templates",
                  memo: ArticleMemo | None = None) -> Publication:
    """Validate every edition; raise BuildFailed with every error found.

    `memo` keeps validated articles between builds (the dev server passes its own).
    """
    errors: list[SiteError] = list(raw.errors)
    config = validate_config(raw.config, errors)
    languages = (config.language, *(edition.language for edition in raw.translations))
    registry = validate_registry(raw.sources, languages, dt.date.today(), errors)
    datasets = {}
    broken = set(raw.unreadable_data)
    for data in raw.data:
        if data.name in datasets:
            errors.append(SiteError(data.display_path, None, f"a dataset named '{data.name}' already exists in {datasets[data.name].path}"))
            continue
        dataset = validate_dataset(data, registry, errors)
        if dataset is None:
            broken.add(data.name)
        else:
            datasets[data.name] = dataset
    references = References(MappingProxyType(datasets), registry, frozenset(broken - datasets.keys()))
    home = validate_home(raw.home, references, errors) if raw.home else None
    memo = memo or ArticleMemo()
    articles = [memo.validate(doc, references, errors) for doc in raw.articles]
    check_alias_clashes([a for a in articles if a is not None], errors)
    strings = validate_strings(raw.strings.get(config.language), config.language, None, errors, templates_path)
    published = [a for a in articles if a is not None and (include_drafts or not a.draft)]
    original = Site(config, home, tuple(sorted(published, key=article_sort_key)), references.datasets,
                    MappingProxyType(strings), registry)
    originals = {a.slug: (a, doc) for a, doc in zip(articles, raw.articles, strict=True) if a is not None}
    translations = tuple(
        validate_edition(edition, original, originals, raw.strings, templates_path, include_drafts, errors,
                         frozenset(doc.path.stem for doc in raw.articles) - originals.keys(), memo)
        for edition in raw.translations
    )
    memo.finish()
    if errors:
        raise BuildFailed(errors)
    return Publication((original,) + translations)
