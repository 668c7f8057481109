"""Validation: raw documents and data become frozen, trusted objects, or errors.

Input: `RawContent` from reading/content.py. Output: a `Site` (config, home page, articles,
datasets, chart specs), or `BuildFailed` carrying every error found in every file,
each naming its file and line, so an editor fixes them all in one pass. Articles already
validated, and the warnings about their wording, come from the build's dependency graph
(reuse/graph.py) while they and what they were checked against are unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from ..errors import BuildFailed, SiteError, did_you_mean
from ..messages import N_, _
from ..model import Article, NavItem, Publication, Site, SiteConfig
from ..reading.content import RawContent, RawData, RawDocument, RawEdition
from ..reading.fields import FieldChecker, describe_value
from ..reading.listing import translation_language
from ..reading.yaml_lines import LineDict, LineList
from ..rendering.charts import Dataset
from ..reuse.graph import DependencyGraph
from .datatypes import Column, check_row, validate_columns
from .glossary import validate_glossary
from .likely_mistakes import ignored_file_warnings, missing_data_twins, untranslated_links
from .sources import Registry, validate_registry, validate_source_ids
from .validate_charts import check_chart_ids, choices_hint
from .validate_pages import References, check_alias_clashes, validate_article_once, validate_articles, validate_home
from .wording import wording_warnings

SITE_KEYS = ("title", "description", "base_url", "language", "navigation", "contact", "recheck_sources_after_days",
             "warn_uncited_figures", "pdf")
REQUIRED_SITE_KEYS = ("title", "description")
NAV_KEYS = ("title", "url")
DATA_KEYS = ("description", "sources", "note", "columns", "rows")
ROW_SOURCES = "sources"  # the one column whose cells are lists: the ids a row cites
# Data-file fields that older versions of the site had, with what replaced them.
RETIRED_DATA_FIELDS = {
    "source": N_("name the sources as 'sources: [id, ...]', with ids from content/sources.yaml (see EDITING.md)"),
}
BASE_URL = re.compile(
    r"""
    ^(?:https?://[^/\s]+)?    # an optional scheme and host: https://example.org
    (?:/(?!/)[^\s]*)?$        # a path from the root, not //host: / or /briefing/
    """,
    re.VERBOSE,
)


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
        check.error(1, _("site.yaml must be fields like 'title: ...'"))
        return fallback
    if not check.keys(value, SITE_KEYS, REQUIRED_SITE_KEYS, N_("site")):
        return fallback
    base_url = check.text(value, "base_url")
    if base_url is not None and not is_base_url(base_url):
        check.error(check.line_of(value, "base_url"),
                    _("'base_url' must be a full URL or a path from the root, found '{value}'", value=base_url),
                    _("for example https://example.org/briefing/ or /briefing/"))
        base_url = None
    navigation = []
    for item, _line in check.records(value, "navigation"):
        if check.keys(item, NAV_KEYS, NAV_KEYS, N_("navigation")):
            navigation.append(NavItem(check.text(item, "title", True) or "", check.text(item, "url", True) or "/"))
    recheck_days = check.integer(value, "recheck_sources_after_days")
    if recheck_days is not None and recheck_days < 1:
        check.error(check.line_of(value, "recheck_sources_after_days"),
                    _("'recheck_sources_after_days' must be at least 1, found {value}", value=recheck_days))
        recheck_days = None
    return SiteConfig(
        title=check.text(value, "title", True) or "",
        description=check.text(value, "description", True) or "",
        base_url=base_url or "/",
        language=check.text(value, "language") or "en",
        navigation=tuple(navigation),
        contact=check.text(value, "contact"),
        recheck_sources_after_days=recheck_days or SiteConfig.recheck_sources_after_days,
        warn_uncited_figures=check.boolean(value, "warn_uncited_figures") if "warn_uncited_figures" in value else True,
        pdf=check.boolean(value, "pdf") if "pdf" in value else False,
        digest=raw.digest,
    )


def validate_dataset(raw: RawData, registry: Registry, errors: list[SiteError]) -> Dataset | None:
    """Return a dataset: a list of flat records, or {description, sources, note, columns, rows}.

    With 'columns:' every row has exactly the declared columns, each cell of its type
    (checking/datatypes.py); a chart can only draw such a dataset. A row may cite its own sources in
    a 'sources' column (a list of ids), as timeline events do.
    """
    check = FieldChecker(raw.display_path, errors)
    value = raw.value
    description = note = None
    sources: tuple[str, ...] = ()
    declared: tuple[Column, ...] | None = ()
    if isinstance(value, LineDict):
        check.retired_fields(value, RETIRED_DATA_FIELDS)
        if not check.keys(value, DATA_KEYS + tuple(RETIRED_DATA_FIELDS), ("rows",), N_("data file")):
            return None
        description, note = check.text(value, "description"), check.text(value, "note")
        sources = validate_source_ids(check, value, "sources", registry)
        if "columns" in value:
            declared = validate_columns(check, value["columns"])
        value = value["rows"]
    if not isinstance(value, LineList) or not value:
        check.error(getattr(value, "line", 1),
                    _("a data file must be a list of rows ('- column: value'), or have 'rows:' holding one"))
        return None
    if declared is None:
        return None  # the rows cannot be checked against a wrong declaration
    columns: dict[str, None] = {column.name: None for column in declared}
    rows = []
    count = len(errors)
    for item, line in zip(value, value.item_lines, strict=False):
        if not isinstance(item, LineDict):
            check.error(line, _("each row must be fields like 'year: 2024', found {found}", found=describe_value(item)))
            continue
        if declared:
            row = check_row(check, item, line, declared, (ROW_SOURCES,))
            if row is None:
                continue
        else:
            row = dict(item)
            for key, cell in item.items():
                if key != ROW_SOURCES and isinstance(cell, (dict, list)):
                    check.error(item.key_lines[key], _("the value of '{key}' must be a single number or text", key=key))
            columns.update(dict.fromkeys(item))
        if ROW_SOURCES in item:
            row[ROW_SOURCES] = validate_source_ids(check, item, ROW_SOURCES, registry)
        rows.append(row)
    if len(errors) > count:
        return None
    return Dataset(raw.name, raw.display_path, tuple(columns), tuple(rows), description, sources, note, raw.digest,
                   declared)


def check_same_columns(raw: RawData, translated: Dataset, original: Dataset, errors: list[SiteError]) -> bool:
    """Tell whether a translated data file declares the original's columns with their types (titles may differ)."""
    def shape(dataset: Dataset) -> list[tuple[str, str]]:
        return [(column.name, column.type) for column in dataset.column_types]

    if shape(translated) == shape(original):
        return True
    line = raw.value.key_lines.get("columns", raw.value.line) if isinstance(raw.value, LineDict) else None
    expected = ", ".join(f"{name}: {kind}" for name, kind in shape(original)) or _("no 'columns:'")
    errors.append(SiteError(raw.display_path, line, _("the columns differ from the original data file's"),
                            _("declare the same columns with the same types as {path}: {columns}",
                              path=original.path, columns=expected)))
    return False


TRANSLATED_SITE_KEYS = ("title", "description", "navigation")


def validate_strings(raw: RawData | None, language: str, reference: Mapping[str, str] | None,
                     errors: list[SiteError], templates_path: str) -> dict[str, str]:
    """Return the interface text of one language; every language must have the same keys."""
    if raw is None:
        path = f"{templates_path}/strings/{language}.yaml"
        if any(error.path == path for error in errors):
            return dict(reference or {})  # the file is there but could not be read: that error says what to fix
        errors.append(SiteError(path, None,
                                _("the interface text for the language '{language}' is missing", language=language),
                                _("copy strings/en.yaml to this name and translate its values")))
        return dict(reference or {})
    check = FieldChecker(raw.display_path, errors)
    if not isinstance(raw.value, LineDict):
        check.error(1, _("a strings file must be fields like 'search: Search'"))
        return dict(reference or {})
    strings = {key: check.text(raw.value, key, True) or "" for key in raw.value}
    if reference is not None:
        for key in raw.value:
            if key not in reference:
                check.error(raw.value.key_lines[key], _("unknown interface text '{key}'", key=key),
                            did_you_mean(key, tuple(reference)))
        for key in reference:
            if key not in raw.value:
                check.error(None, _("the interface text '{key}' is missing from this language", key=key))
    return strings


def validate_translated_config(raw: RawData | None, original: SiteConfig, language: str,
                               errors: list[SiteError]) -> SiteConfig:
    """Return an edition's config: the original's, with its own title, description and navigation."""
    config = replace(original, language=language, navigation=())
    if raw is None:
        return config
    check = FieldChecker(raw.display_path, errors)
    if not isinstance(raw.value, LineDict):
        check.error(1, _("this file must be fields like 'title: ...'"))
        return config
    check.keys(raw.value, TRANSLATED_SITE_KEYS, (), N_("translated site"))
    navigation = tuple(
        NavItem(check.text(item, "title", True) or "", check.text(item, "url", True) or "/")
        for item, _line in check.records(raw.value, "navigation")
        if check.keys(item, NAV_KEYS, NAV_KEYS, N_("navigation"))
    )
    return replace(config, title=check.text(raw.value, "title") or original.title,
                   description=check.text(raw.value, "description") or original.description,
                   navigation=navigation, digest=original.digest + raw.digest)


def validate_edition(raw: RawEdition, original: Site, originals: dict[str, tuple[Article, RawDocument]],
                     raw_strings: Mapping[str, RawData], templates_path: str, include_drafts: bool,
                     errors: list[SiteError], broken_originals: frozenset[str] = frozenset(),
                     graph: DependencyGraph | None = None, broken_data: frozenset[str] = frozenset()) -> Site:
    """Validate one translation against the original edition.

    `broken_data` names the original's data files that have errors of their own: their
    translations and the charts that use them are not reported again as "no dataset".
    """
    graph = graph if graph is not None else DependencyGraph()
    language = raw.language
    prefix = f"{language}/"
    config = validate_translated_config(raw.config, original.config, language, errors)
    strings = validate_strings(raw_strings.get(language), language, original.strings, errors, templates_path)
    datasets = dict(original.datasets)
    broken = set(broken_data) | set(raw.unreadable_data)
    for data in raw.data:
        if data.name in broken_data:
            continue
        if data.name not in original.datasets:
            errors.append(SiteError(data.display_path, None, _("there is no original dataset '{name}' to translate", name=data.name),
                                    choices_hint(data.name, tuple(original.datasets), N_("datasets"))))
            continue
        dataset = validate_dataset(data, original.sources, errors)
        if dataset is not None and check_same_columns(data, dataset, original.datasets[data.name], errors):
            datasets[data.name] = dataset
        else:
            broken.add(data.name)
    references = References(MappingProxyType(datasets), original.sources, frozenset(broken))
    home = validate_home(raw.home, references, errors) if raw.home else None
    articles = []
    for doc in raw.articles:
        slug = doc.path.stem.partition(".")[0]
        if slug not in originals and slug in broken_originals:
            continue  # the original has errors of its own; they are reported there
        if slug not in originals:
            errors.append(SiteError(doc.display_path, None, _("there is no original article '{slug}.md' for this translation", slug=slug),
                                    choices_hint(slug, tuple(originals), N_("articles"))))
            continue
        article, original_doc = originals[slug]
        translated = validate_article_once(graph, doc, references, errors, article, frozenset(original_doc.meta), prefix)
        if translated is not None and (include_drafts or not translated.draft):
            articles.append(translated)
    check_chart_ids([home, *articles] if home else articles, errors)
    return Site(config, home, tuple(sorted(articles, key=article_sort_key)), references.datasets,
                MappingProxyType(strings), original.sources, prefix)


def article_sort_key(article: Article) -> tuple:
    """Order articles by 'order' first, then newest first, then by slug."""
    return (article.order is None, article.order or 0, -article.date.toordinal(), article.slug)


def unloaded_or_invalid_originals(raw: RawContent, originals: Mapping) -> frozenset[str]:
    """Return the slugs of original articles that have errors of their own: found but not valid, or not even read.

    Their translations are not reported again as translations "without an original".
    """
    invalid = {doc.path.stem for doc in raw.articles} - originals.keys()
    unread = {Path(error.path).stem for error in raw.errors
              if error.path.endswith(".md") and "/articles/" in f"/{error.path}" and translation_language(Path(error.path)) is None}
    return frozenset(invalid | unread)


def validate_site(raw: RawContent, include_drafts: bool, templates_path: str = "templates",
                  graph: DependencyGraph | None = None) -> Publication:
    """Validate every edition; raise BuildFailed with every error found.

    `graph` holds the articles validated by earlier builds (reuse/graph.py); the builder passes its own.
    """
    errors: list[SiteError] = list(raw.errors)
    config = validate_config(raw.config, errors)
    languages = (config.language, *(edition.language for edition in raw.translations))
    registry = validate_registry(raw.sources, languages, dt.date.today(), errors, raw.sources_unreadable)
    datasets = {}
    broken = set(raw.unreadable_data)
    for data in raw.data:
        if data.name in datasets:
            errors.append(SiteError(data.display_path, None, _("a dataset named '{name}' already exists in {path}",
                                                                  name=data.name, path=datasets[data.name].path)))
            continue
        dataset = validate_dataset(data, registry, errors)
        if dataset is None:
            broken.add(data.name)
        else:
            datasets[data.name] = dataset
    references = References(MappingProxyType(datasets), registry, frozenset(broken - datasets.keys()))
    home = validate_home(raw.home, references, errors) if raw.home else None
    graph = graph if graph is not None else DependencyGraph()
    articles = validate_articles(graph, raw.articles, references, errors)
    check_alias_clashes([a for a in articles if a is not None], errors)
    strings = validate_strings(raw.strings.get(config.language), config.language, None, errors, templates_path)
    published = [a for a in articles if a is not None and (include_drafts or not a.draft)]
    check_chart_ids([home, *published] if home else published, errors)
    original = Site(config, home, tuple(sorted(published, key=article_sort_key)), references.datasets,
                    MappingProxyType(strings), registry)
    # Only translations look their originals up (10,000 pairs an edit otherwise: issue 29).
    originals = {a.slug: (a, doc) for a, doc in zip(articles, raw.articles, strict=True) if a is not None
                 } if raw.translations else {}
    translations = tuple(
        validate_edition(edition, original, originals, raw.strings, templates_path, include_drafts, errors,
                         unloaded_or_invalid_originals(raw, originals), graph,
                         frozenset(broken - datasets.keys()))
        for edition in raw.translations
    )
    glossary = validate_glossary(raw.glossary, languages, errors)
    # Worked out before the errors stop the build: an editor fixing them sees the warnings too.
    warnings = likely_mistakes(raw, original, translations)
    warnings += wording_warnings(raw, config.language, glossary, dt.date.today(), graph)
    if errors:
        raise BuildFailed(errors, warnings)
    return Publication((original,) + translations, tuple(warnings))


def likely_mistakes(raw: RawContent, original: Site, translations: tuple[Site, ...]) -> list[SiteError]:
    """Return the warnings about content that is valid but surely not meant: see checking/likely_mistakes.py."""
    warnings = ignored_file_warnings(raw.ignored)
    data_names = {edition.language: {d.name for d in edition.data} | set(edition.unreadable_data) for edition in raw.translations}
    warnings += missing_data_twins(original, data_names)
    for edition in translations:
        warnings += untranslated_links(edition, original.language)
    return warnings

