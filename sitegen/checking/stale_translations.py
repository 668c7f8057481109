"""Translations behind their original: a warning for each one whose original changed since.

Input: the validated publication and the content's history. Output: a warning per
translation whose original changed after the date it was translated from (`translated_from`,
else its own last commit), or on that same day in a commit after the translation's last one
(a date cannot tell two changes of one day apart; git's order can), shown by `build`, `check`
and the `translations` report.
"""

from __future__ import annotations

from ..errors import SiteError
from ..messages import _
from ..model import Publication
from ..reading.history import History


def stale_translations(publication: Publication, history: History) -> list[SiteError]:
    """Warn about each translation whose original changed after the version it was translated from."""
    warnings = []
    originals = {a.slug: a for a in publication.original.articles}
    for edition in publication.editions[1:]:
        for article in edition.articles:
            original = originals.get(article.slug)
            if original is None:
                continue
            changed = original.updated or history.last_changed.get(original.path) or original.date
            translated = article.translated_from or history.last_changed.get(article.path)
            if translated == changed and history.changed_after(original.path, article.path):
                message = _("warning: the original {original} changed again on {changed}, after this translation's "
                            "last commit", original=original.path, changed=changed.isoformat())
                warnings.append(SiteError(article.path, None, message,
                                          _("update the translation, then commit it")))
            elif translated is None or translated < changed:
                if translated:
                    message = _("warning: the original {original} changed on {changed}, since {translated}",
                                original=original.path, changed=changed.isoformat(), translated=translated.isoformat())
                else:
                    message = _("warning: the original {original} changed on {changed}, and the translation has no "
                                "'translated_from' date", original=original.path, changed=changed.isoformat())
                warnings.append(SiteError(article.path, None, message,
                                          _("update the translation, then set 'translated_from' to the original's date")))
    return warnings
