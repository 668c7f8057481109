"""Validation of pages: an article's or the home page's front matter and body become frozen objects, or errors.

Input: a `RawDocument` from reading/content.py and what its body may refer to (`References`:
the datasets and the sources registry). Output: an `Article` or `HomePage` whose charts,
citations and corrections are checked, or a `SiteError` per mistake with its line.
Each article's result is an "article" node of the dependency graph (reuse/graph.py), kept
with what it was checked against, so an unchanged article is not validated again, in the dev
server or in the next process (`validate_article_once`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..commands.translate import check_translation_marks
from ..errors import SiteError, did_you_mean
from ..messages import N_, _
from ..model import Article, ChangeNote, HomePage, PlacedChart
from ..reading.content import RawDocument
from ..reading.fields import FieldChecker
from ..reading.yaml_lines import LineDict
from ..rendering.charts import Dataset
from ..rendering.markup import find_unsafe_html
from ..reuse.graph import MISSING, DependencyGraph
from .citations import find_citations, find_uncited_figures
from .likely_mistakes import check_placeholders
from .sources import Registry, report_unknown_source
from .validate_charts import validate_charts

TRANSLATION_KEYS = ("translated_from",)
ARTICLE_KEYS = ("title", "summary", "date", "updated", "tags", "draft", "order", "changes", "layout", "aliases")
REQUIRED_ARTICLE_KEYS = ("title", "summary", "date")
HOME_KEYS = ("title", "summary")
REQUIRED_HOME_KEYS = ("title", "summary")
CHANGE_KEYS = ("date", "kind", "note")
CHANGE_KINDS = ("correction", "update", "new")
LAYOUTS = ("article", "timeline")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Front-matter fields that older versions of the site had, with what replaced them.
RETIRED_PAGE_FIELDS = {
    "sources": N_("cite sources in the text as [@id]; each article's Sources list is made from its citations (see EDITING.md)"),
}


def validate_changes(check: FieldChecker, mapping: LineDict) -> tuple[ChangeNote, ...]:
    """Return a page's corrections and updates, newest first."""
    notes = []
    for item, _line in check.records(mapping, "changes"):
        if not check.keys(item, CHANGE_KEYS, CHANGE_KEYS, N_("change")):
            continue
        date, kind, note = check.date(item, "date"), check.text(item, "kind", True), check.text(item, "note", True)
        if kind is not None and kind not in CHANGE_KINDS:
            check.error(check.line_of(item, "kind"), _("unknown kind of change '{kind}'", kind=kind),
                        did_you_mean(kind, CHANGE_KINDS))
            continue
        if date is not None and kind is not None and note is not None:
            notes.append(ChangeNote(date, kind, note))
    return tuple(sorted(notes, key=lambda change: change.date, reverse=True))


def validate_citations(check: FieldChecker, body: str, body_line: int, registry: Registry) -> tuple[str, ...]:
    """Check every citation of a body against the registry; return the ids cited, in order, each once."""
    sites, malformed = find_citations(body, body_line)
    for bad in malformed:
        check.error(bad.line, _("'{text}' is not a citation", text=bad.text),
                    _("write [@id] for one source and [@id; @other] for several, with ids from content/sources.yaml"))
    cited: dict[str, None] = {}
    for site in sites:
        for source_id in site.ids:
            if source_id in registry:
                cited[source_id] = None
            else:
                report_unknown_source(check, site.line, source_id, registry)
    return tuple(cited)


def check_unsafe_html(check: FieldChecker, body: str, body_line: int) -> None:
    """Report raw HTML that could run script in a reader's browser."""
    for found in find_unsafe_html(body, body_line):
        check.error(found.line, found.message, _("remove it: the site publishes no script from content"))


@dataclass(frozen=True)
class References:
    """What a page may refer to: the datasets by name (and the names of those with errors), and the sources."""

    datasets: Mapping[str, Dataset]
    registry: Registry
    broken: frozenset[str] = frozenset()  # data files that exist but have errors of their own

    @functools.cached_property
    def digest(self) -> str:
        """Return a digest of what validation of a page depends on: the datasets, the registry, the broken data files."""
        payload = [sorted((name, d.digest) for name, d in self.datasets.items()), self.registry.digest, sorted(self.broken)]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


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
    check_placeholders(check, raw.meta, body, raw.body_line)
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
        suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "the-title-in-latin-letters"
        check.error(None, _("the file name '{name}' cannot become a clean URL", name=raw.path.name),
                    _("use lowercase letters, digits and hyphens, e.g. '{suggestion}.md'", suggestion=suggestion))
    meta = raw.meta
    check.retired_fields(meta, RETIRED_PAGE_FIELDS)
    check.keys(meta, ARTICLE_KEYS + tuple(RETIRED_PAGE_FIELDS) + (TRANSLATION_KEYS if prefix else ()), REQUIRED_ARTICLE_KEYS,
               N_("front matter"))
    layout = check.text(meta, "layout") or "article"
    if layout not in LAYOUTS:
        check.error(check.line_of(meta, "layout"), _("unknown layout '{layout}'", layout=layout), did_you_mean(layout, LAYOUTS))
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
    if prefix:
        marked = check_translation_marks(raw.display_path, raw.body, raw.body_line, article.draft)
        if marked is not None:
            errors.append(marked)
    return article if len(errors) == count else None


def validate_article_once(graph: DependencyGraph, raw: RawDocument, references: References, errors: list[SiteError],
                          original: Article | None = None, original_keys: frozenset[str] = frozenset(),
                          prefix: str = "") -> Article | None:
    """Return validate_article(...) for these arguments, from the graph when the document and what it is checked
    against are unchanged (the file's text, the references, the original of a translation, the edition).

    Keyed by the file's place in the project: in a fresh clone elsewhere the article is taken, and
    told where its file now is."""
    inputs = {"text": raw.digest, "references": references.digest,
              "original": original.digest if original is not None else "",
              "original_keys": " ".join(sorted(original_keys)), "prefix": prefix}
    return _taken_or_validated(graph, raw, graph.current("article", raw.display_path, inputs), inputs, errors,
                               lambda found: validate_article(raw, references, found, original, original_keys, prefix))


def validate_articles(graph: DependencyGraph, docs: tuple[RawDocument, ...], references: References,
                      errors: list[SiteError]) -> list[Article | None]:
    """Return validate_article(...) for each original article, asking the graph once for them all (a scope of
    `DependencyGraph.current_all`): an article's inputs are its file's text, named by its place in the
    project, and the references; an edit validates only the articles saved."""
    now = {doc.display_path: doc.digest for doc in docs}
    now["references"] = references.digest
    found = graph.current_all("article", "originals", now, [doc.display_path for doc in docs])
    return [_taken_or_validated(graph, doc, found.get(doc.display_path, MISSING),
                                {doc.display_path: doc.digest, "references": references.digest}, errors,
                                lambda made, doc=doc: validate_article(doc, references, made))
            for doc in docs]


def _taken_or_validated(graph: DependencyGraph, raw: RawDocument, validated, inputs: dict[str, str],
                        errors: list[SiteError], validate) -> Article | None:
    """Return the article the graph had (`validated`, MISSING if none), told where its file is now if the
    project moved since; else validate it now (`validate(errors_found)`) and record it with `inputs`.
    Either way, add its errors to `errors`."""
    if validated is MISSING:
        found: list[SiteError] = []
        article = validate(found)
        validated = graph.record("article", raw.display_path, inputs, (article, tuple(found)))
    elif validated[0] is not None and validated[0].source is not raw.path and validated[0].source != raw.path:
        validated = (replace(validated[0], source=raw.path), validated[1])  # the project has moved since
    errors.extend(validated[1])
    return validated[0]


def validate_aliases(check: FieldChecker, meta: LineDict) -> tuple[str, ...]:
    """Return the old addresses that should redirect to this article."""
    aliases = check.text_list(meta, "aliases")
    for alias in aliases:
        if not alias.startswith("/") or alias.startswith("//") or any(c.isspace() for c in alias):
            check.error(check.line_of(meta, "aliases"),
                        _("an alias must be an address on this site starting with '/', found '{alias}'", alias=alias),
                        _("for example: aliases: [/articles/old-name/]"))
        elif {".", ".."} & set(alias.split("/")):  # '/../' would name an address above the site's (issue 20)
            check.error(check.line_of(meta, "aliases"), _("an alias may not contain '.' or '..' as a part, found '{alias}'", alias=alias),
                        _("write the old address in full from the site's root, e.g. /articles/old-name/"))
    return aliases


def check_alias_clashes(articles: list[Article], errors: list[SiteError]) -> None:
    """Report an old address claimed by two articles, or by an article that still exists."""
    aliased = [a for a in articles if a.aliases]
    if not aliased:  # most sites: no address of 10,000 to gather (issue 29)
        return
    claimed: dict[str, Article] = {}
    urls = {a.url: a for a in articles}
    for article in aliased:
        for alias in article.aliases:
            owner = claimed.get(alias) or urls.get(alias)
            if owner is not None:
                errors.append(SiteError(article.path, None,
                                        _("the alias '{alias}' is already the address of {path}", alias=alias, path=owner.path),
                                        _("an alias must be an address that no longer has a page")))
            claimed[alias] = article


def validate_home(raw: RawDocument, references: References, errors: list[SiteError]) -> HomePage | None:
    """Return the validated home page text."""
    check = FieldChecker(raw.display_path, errors)
    count = len(errors)
    check.retired_fields(raw.meta, RETIRED_PAGE_FIELDS)
    check.keys(raw.meta, HOME_KEYS + tuple(RETIRED_PAGE_FIELDS), REQUIRED_HOME_KEYS, N_("front matter"))
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


def check_translation_keys(check: FieldChecker, meta: LineDict, original_keys: frozenset[str]) -> None:
    """Report a front matter field that the original article does not have."""
    for key in meta:
        # A translation may be a draft of its own while it is being translated (see commands/translate.py).
        if key in ARTICLE_KEYS and key not in original_keys and key != "draft":
            check.error(meta.key_lines[key], _("the translation has the field '{key}', which the original does not", key=key),
                        _("a translation has the same fields as its original, plus 'translated_from' "
                          "(and 'draft' while in progress)"))
