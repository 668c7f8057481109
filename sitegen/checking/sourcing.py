"""How well the site cites: the warnings an editor sees from `check` and `build`.

Input: the validated publication and the ids of the sources its rendered pages cite.
Output: warnings (SiteErrors that do not stop the build), each naming a file and line:
a paragraph or data row that states a figure or a date without a citation, a cited
source not checked for longer than site.yaml allows, and a source nothing cites.
None of this needs the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..errors import SiteError
from ..messages import N_, _, ngettext
from ..model import Publication

UNCITED_HINT = N_("cite the source of the figure or date, e.g. [@{example}]; the ids are in content/sources.yaml")


def sourcing_warnings(publication: Publication, cited: Iterable[str], today: dt.date) -> list[SiteError]:
    """Return every warning about citations: uncited figures, stale sources, unused sources."""
    uncited = uncited_figures(publication) if publication.original.config.warn_uncited_figures else []
    return [*uncited, *source_warnings(publication, set(cited), today)]


def uncited_figures(publication: Publication) -> list[SiteError]:
    """Warn about each block of text, and each data file, that states figures or dates without citing a source."""
    warnings = []
    seen_data: set[str] = set()
    for edition in publication.editions:
        pages = [edition.home, *edition.articles] if edition.home else list(edition.articles)
        # The example is an id of this site's own registry, so it can be copied as it stands.
        hint = _(UNCITED_HINT, example=next((entry.id for entry in edition.sources), "source-id"))
        message = _("warning: uncited figure: this states a figure or a date without citing a source")
        for page in pages:
            warnings.extend(SiteError(page.path, line, message, hint) for line in page.uncited)
        for dataset in edition.datasets.values():
            if dataset.path in seen_data or dataset.sources:
                continue
            seen_data.add(dataset.path)
            uncited_rows = [number for number, row in enumerate(dataset.rows, 1) if not row.get("sources")]
            if uncited_rows:
                warnings.append(SiteError(dataset.path, None,
                                          ngettext("warning: uncited figure: {uncited} of {count} row cites no source, "
                                                   "and the file names none",
                                                   "warning: uncited figure: {uncited} of {count} rows cite no source, "
                                                   "and the file names none", len(dataset.rows), uncited=len(uncited_rows)),
                                          _("add 'sources: [id, ...]' to the file, or to each row")))
    return warnings


def source_warnings(publication: Publication, cited: set[str], today: dt.date) -> list[SiteError]:
    """Warn about cited sources not checked for too long, and about sources that no page cites."""
    registry = publication.original.sources
    limit = publication.original.config.recheck_sources_after_days
    warnings = []
    for entry in registry:
        if entry.id not in cited:
            warnings.append(SiteError(registry.path, entry.line, _("warning: the source '{id}' is not cited anywhere", id=entry.id),
                                      _("cite it as [@{id}] where the site relies on it, or remove it", id=entry.id)))
        elif (today - entry.accessed).days > limit:
            warnings.append(SiteError(registry.path, entry.line,
                                      ngettext("warning: the source '{id}' was last checked on {date}, more than {count} day ago",
                                               "warning: the source '{id}' was last checked on {date}, more than {count} days ago",
                                               limit, id=entry.id, date=entry.accessed.isoformat()),
                                      _("open its address, check it still says what the site cites it for, "
                                        "then set 'accessed' to today's date")))
    return warnings
