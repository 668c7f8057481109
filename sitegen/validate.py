"""Validation: raw documents and data become frozen, trusted objects, or errors.

Input: `RawContent` from content.py. Output: a `Site` (config, home page, articles,
datasets, chart specs), or `BuildFailed` carrying every error found in every file,
each naming its file and line, so an editor fixes them all in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import NamedTuple

from .charts import CHART_KEYS, CHART_KINDS, REQUIRED_CHART_KEYS, ChartSpec, Dataset
from .content import LineDict, LineList, RawContent, RawData, RawDocument, RawEdition, parse_yaml
from .errors import BuildFailed, SiteError, did_you_mean
from .fields import FieldChecker, describe_value
from .markup import find_chart_blocks, find_unsafe_html
from .model import Article, HomePage, NavItem, PlacedChart, Publication, Site, SiteConfig, Source

TRANSLATION_KEYS = ("translated_from",)
ARTICLE_KEYS = ("title", "summary", "date", "updated", "tags", "draft", "order", "sources", "layout", "aliases")
REQUIRED_ARTICLE_KEYS = ("title", "summary", "date")
HOME_KEYS = ("title", "summary", "sources")
REQUIRED_HOME_KEYS = ("title", "summary")
SOURCE_KEYS = ("title", "publisher", "date", "url")
SITE_KEYS = ("title", "description", "base_url", "language", "navigation")
REQUIRED_SITE_KEYS = ("title", "description")
NAV_KEYS = ("title", "url")
DATA_KEYS = ("description", "source", "rows")
LAYOUTS = ("article", "timeline")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
BASE_URL = re.compile(
    r"""
    ^(?:https?://[^/\s]+)?    # an optional scheme and host: https://example.org
    (?:/(?!/)[^\s]*)?$        # a path from the root, not //host: / or /briefing/
    """,
    re.VERBOSE,
)


def validate_sources(check: FieldChecker, mapping: LineDict) -> tuple[Source, ...]:
    """Return the validated `sources` list of a page."""
    sources = []
    for item, _line in check.records(mapping, "sources"):
        if not check.keys(item, SOURCE_KEYS, ("title",), "source"):
            continue
        date = check.text(item, "date")
        if date is not None and not SOURCE_DATE.match(date):
            check.error(check.line_of(item, "date"), f"a source's 'date' must be YYYY, YYYY-MM or YYYY-MM-DD, found '{date}'")
        url = check.text(item, "url")
        if url is not None and not re.match(r"^(https?://|/)", url):
            check.error(check.line_of(item, "url"), f"a source's 'url' must start with https:// or /, found '{url}'")
        sources.append(Source(check.text(item, "title", required=True) or "", check.text(item, "publisher"), date, url))
    return tuple(sources)


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
    return SiteConfig(
        title=check.text(value, "title", True) or "",
        description=check.text(value, "description", True) or "",
        base_url=base_url or "/",
        language=check.text(value, "language") or "en",
        navigation=tuple(navigation),
        digest=raw.digest,
    )


def validate_dataset(raw: RawData, errors: list[SiteError]) -> Dataset | None:
    """Return a dataset: a list of flat records, or {description, source, rows}."""
    check = FieldChecker(raw.display_path, errors)
    value = raw.value
    description = source = None
    if isinstance(value, LineDict):
        if not check.keys(value, DATA_KEYS, ("rows",), "data file"):
            return None
        description, source = check.text(value, "description"), check.text(value, "source")
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
        for key, cell in item.items():
            if isinstance(cell, (dict, list)):
                check.error(item.key_lines[key], f"the value of '{key}' must be a single number or text")
        columns.update(dict.fromkeys(item))
        rows.append(dict(item))
    if len(errors) > count:
        return None
    return Dataset(raw.name, raw.display_path, tuple(columns), tuple(rows), description, source, raw.digest)


def validate_article(raw: RawDocument, datasets: Mapping[str, Dataset], errors: list[SiteError],
                     broken: frozenset[str] = frozenset(), original: Article | None = None,
                     original_keys: frozenset[str] = frozenset(), prefix: str = "") -> Article | None:
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
    meta, body = raw.meta, raw.body
    check.keys(meta, ARTICLE_KEYS + (TRANSLATION_KEYS if prefix else ()), REQUIRED_ARTICLE_KEYS, "front matter")
    layout = check.text(meta, "layout") or "article"
    if layout not in LAYOUTS:
        check.error(check.line_of(meta, "layout"), f"unknown layout '{layout}'", did_you_mean(layout, LAYOUTS))
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
        sources=validate_sources(check, meta),
        layout=layout,
        aliases=validate_aliases(check, meta),
        url_prefix=prefix,
        translated_from=check.date(meta, "translated_from"),
        charts=validate_charts(check, body, raw.body_line, datasets, broken),
        source=raw.path,
        body_line=raw.body_line,
        digest=raw.digest,
    )
    check_unsafe_html(check, body, raw.body_line)
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
        self._datasets: Mapping[str, Dataset] | None = None
        self._datasets_key: tuple = ()

    def validate(self, raw: RawDocument, datasets: Mapping[str, Dataset], errors: list[SiteError],
                 broken: frozenset[str] = frozenset(), original: Article | None = None,
                 original_keys: frozenset[str] = frozenset(), prefix: str = "") -> Article | None:
        """Return validate_article(...) for these arguments, reusing the last build's result when they are the same."""
        if datasets is not self._datasets:  # one datasets mapping serves every article of an edition
            self._datasets, self._datasets_key = datasets, tuple((name, d.digest) for name, d in datasets.items())
        inputs = (self._datasets_key, broken, id(original), original_keys, prefix)
        kept = self._last.get(id(raw))
        if kept is None or kept.raw is not raw or kept.inputs != inputs:
            found: list[SiteError] = []
            article = validate_article(raw, datasets, found, broken, original, original_keys, prefix)
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


def validate_home(raw: RawDocument, datasets: Mapping[str, Dataset], errors: list[SiteError],
                  broken: frozenset[str] = frozenset()) -> HomePage | None:
    """Return the validated home page text."""
    check = FieldChecker(raw.display_path, errors)
    count = len(errors)
    check.keys(raw.meta, HOME_KEYS, REQUIRED_HOME_KEYS, "front matter")
    body = raw.body
    home = HomePage(
        path=raw.display_path,
        title=check.text(raw.meta, "title", True) or "",
        summary=check.text(raw.meta, "summary", True) or "",
        sources=validate_sources(check, raw.meta),
        charts=validate_charts(check, body, raw.body_line, datasets, broken),
        source=raw.path,
        body_line=raw.body_line,
        digest=raw.digest,
    )
    check_unsafe_html(check, body, raw.body_line)
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
        dataset = validate_dataset(data, errors)
        if dataset is not None:
            datasets[data.name] = dataset
    home = validate_home(raw.home, datasets, errors) if raw.home else None
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
        translated = memo.validate(doc, datasets, errors, frozenset(raw.unreadable_data), article,
                                   frozenset(original_doc.meta), prefix)
        if translated is not None and (include_drafts or not translated.draft):
            articles.append(translated)
    return Site(config, home, tuple(sorted(articles, key=article_sort_key)), MappingProxyType(datasets),
                MappingProxyType(strings), prefix)


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
    datasets = {}
    broken = set(raw.unreadable_data)
    for data in raw.data:
        if data.name in datasets:
            errors.append(SiteError(data.display_path, None, f"a dataset named '{data.name}' already exists in {datasets[data.name].path}"))
            continue
        dataset = validate_dataset(data, errors)
        if dataset is None:
            broken.add(data.name)
        else:
            datasets[data.name] = dataset
    broken = frozenset(broken - datasets.keys())
    home = validate_home(raw.home, datasets, errors, broken) if raw.home else None
    memo = memo or ArticleMemo()
    articles = [memo.validate(doc, datasets, errors, broken) for doc in raw.articles]
    check_alias_clashes([a for a in articles if a is not None], errors)
    strings = validate_strings(raw.strings.get(config.language), config.language, None, errors, templates_path)
    published = [a for a in articles if a is not None and (include_drafts or not a.draft)]
    original = Site(config, home, tuple(sorted(published, key=article_sort_key)), MappingProxyType(datasets),
                    MappingProxyType(strings))
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
