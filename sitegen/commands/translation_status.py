"""The translators' commands: start a translation (`new --translate SLUG`), and list what each edition lacks.

Input: the project. Output: a new translation file (see commands/translate.py for its marks), or
the report's lines: per edition, the articles without a translation, the translations
older than their originals or still marked, the data files without their twin (the
charts then show the original's words), and the interface text the edition lacks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..checking.stale_translations import stale_translations
from ..errors import BuildFailed, SiteError, did_you_mean
from ..messages import _, ngettext
from ..options import BuildOptions
from ..pipeline import SiteBuilder
from ..reading.content import translation_language
from ..reading.history import HistoryReader
from ..reading.project import Project
from .report_formats import WARNING_PREFIX
from .translate import marked_translation, marks_left, translation_path


def _originals(folder: Path, suffix: str) -> list[Path]:
    return sorted(p for p in folder.glob(f"*{suffix}") if translation_language(p) is None)


def start_translation(project: Project, slug: str, language: str) -> Path:
    """Write the translation of an original article, marked for translating; return its path."""
    articles = project.content / "articles"
    original = articles / f"{slug}.md"
    if not original.is_file():
        slugs = [p.stem for p in _originals(articles, ".md")]
        raise BuildFailed([SiteError(project.display(articles), None,
                                     _("there is no article '{file}' to translate", file=f"{slug}.md"),
                                     did_you_mean(slug, slugs))])
    target = translation_path(original, language)
    if target.exists():
        raise BuildFailed([SiteError(project.display(target), None, _("this translation already exists"),
                                     _("edit it, or delete it first to start again from the original"))])
    translated = frozenset(p.name.split(".")[0] for p in articles.glob(f"*.{language}.md"))
    history = HistoryReader().load(project.root, project.content)
    meta_date = _front_matter_date(original.read_text(encoding="utf-8"))
    as_of = history.last_changed.get(project.display(original)) or meta_date or dt.date.today()
    target.write_text(marked_translation(original.read_text(encoding="utf-8"), as_of, f"{language}/", translated),
                      encoding="utf-8")
    return target


def _front_matter_date(text: str) -> dt.date | None:
    """Return the original's 'updated' date, else its 'date' (how stale_translations dates an original)."""
    front = text.split("---\n", 2)[1] if text.startswith("---\n") else ""
    found = {}
    for line in front.splitlines():
        key, _colon, value = line.partition(":")
        if key in ("updated", "date"):
            try:
                found[key] = dt.date.fromisoformat(value.strip().strip("'\""))
            except ValueError:
                continue
    return found.get("updated") or found.get("date")


def translation_report(project: Project) -> list[str]:
    """Return, per edition, what is missing or stale: articles, data twins, interface text."""
    builder = SiteBuilder(project, BuildOptions(include_drafts=True))
    publication = builder.load_and_validate()
    history = HistoryReader().load(project.root, project.content)
    prefix = _(WARNING_PREFIX)
    stale = {warning.path: warning.message.removeprefix(prefix) for warning in stale_translations(publication, history)}
    original = publication.original
    lines = []
    for edition in publication.editions[1:]:
        language = edition.language
        translated = {a.slug: a for a in edition.articles}
        missing = [a.path for a in original.articles if a.slug not in translated]
        marked = [a.path for a in edition.articles if marks_left(a.body, a.body_line)]
        data_twins = {p.name.split(".")[0] for p in (project.content / "data").glob(f"*.{language}.yaml")}
        no_twin = [d.path for name, d in original.datasets.items() if name not in data_twins and name != "sources"]
        strings = set(original.strings) - {k for k, v in edition.strings.items() if v}
        lines.append(ngettext("{language}: {translated} of {count} article translated",
                              "{language}: {translated} of {count} articles translated",
                              len(original.articles), language=language, translated=len(translated)))
        lines += ["  " + _("missing: {path} (start it with: {command})", path=path,
                           command=f"python build.py new --translate {Path(path).stem} --language {language}")
                  for path in missing]
        lines += ["  " + _("older than its original: {path}: {reason}", path=path, reason=reason)
                  for path, reason in sorted(stale.items()) if translation_language(Path(path)) == language]
        lines += ["  " + _("still marked for translation: {path}", path=path) for path in marked]
        lines += ["  " + _("data file without a translation (its charts show the original's words): {path}", path=path)
                  for path in no_twin]
        lines += ["  " + _("interface text missing: {path}: {key}", path=f"templates/strings/{language}.yaml", key=key)
                  for key in sorted(strings)]
    return lines or [_("this site has only one edition: nothing to translate")]
