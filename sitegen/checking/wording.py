"""The wording checks of every edition, run over the words readers read (issue 27).

Input: the raw content, the edition's language, the validated glossary, the day of the
build and the build's dependency graph (reuse/graph.py). Output: warnings: the glossary's
variants to avoid (checking/glossary.py), sentences that read as current and planned dates that
have passed (checking/time_wording.py). A page is searched only when a quick look at its whole text
finds a word to check; what a page gave is a "wording" node of the graph, kept while the page,
its language and the glossary are unchanged, so a one-article edit checks one article, and the
next process none.
"""

from __future__ import annotations

import datetime as dt

from ..errors import SiteError
from ..reading.content import RawContent, RawDocument
from ..reuse.graph import MISSING, DependencyGraph
from .glossary import Glossary, glossary_warnings, lowercase
from .reader_text import document_passages, file_passages
from .time_wording import may_read_as_current, planned_date_warnings, present_tense_warnings


def wording_warnings(raw: RawContent, language: str, glossary: Glossary | None, today: dt.date,
                     graph: DependencyGraph) -> list[SiteError]:
    """Return the warnings about wording, edition by edition, page by page, then the edition's YAML files."""
    warnings = []
    for edition in (raw.original, *raw.translations):
        edition_language = edition.language or language
        docs = ((edition.home,) if edition.home else ()) + edition.articles
        # One ask for the edition's pages (reuse/graph.py, `current_all`): a page's text is named by its place.
        shared = {"language": edition_language, "glossary": glossary.digest if glossary else ""}
        now = {doc.display_path: doc.digest for doc in docs} | shared
        known = graph.current_all("wording", f"pages:{edition_language}", now, [doc.display_path for doc in docs])
        for doc in docs:
            found = known.get(doc.display_path, MISSING)
            if found is MISSING:
                found = graph.record("wording", doc.display_path, {doc.display_path: doc.digest, **shared},
                                     tuple(page_warnings(doc, edition_language, glossary)))
            warnings += found
        passages = file_passages(edition, raw.strings.get(edition_language))
        warnings += glossary_warnings(glossary, edition_language, passages)
        warnings += present_tense_warnings(edition_language, passages)
        warnings += planned_date_warnings(edition.data, today)
    return warnings


def page_warnings(doc: RawDocument, language: str, glossary: Glossary | None) -> list[SiteError]:
    """Return the warnings about one page's wording: its front matter's text and its body."""
    body = doc.body
    lowered = lowercase(" ".join(str(value) for value in doc.meta.values()) + "\n" + body)
    avoided = glossary is not None and glossary.occurs(language, lowered)
    current = may_read_as_current(language, lowered)
    if not (avoided or current):
        return []
    passages = list(document_passages(doc, body))
    return ((glossary_warnings(glossary, language, passages) if avoided else [])
            + (present_tense_warnings(language, passages) if current else []))
