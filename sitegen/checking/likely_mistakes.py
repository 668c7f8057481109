"""Content that is legal but surely not what the editor meant (issue 21).

Input: the content folder's listing, the raw data files and the validated editions.
Output: warnings (SiteErrors whose message starts with "warning: ", which do not stop the
build) for an article file that is ignored, a data file the Russian edition shows
untranslated, and a translation linking to the original's page though its own exists;
and an error for an article published with the placeholder text `build.py new` wrote.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import SiteError
from ..messages import _, pgettext
from ..model import Article, HomePage, Site
from ..reading.fields import FieldChecker
from ..reading.yaml_lines import LineDict
from .placeholders import PLACEHOLDER_BODY, PLACEHOLDER_SUMMARY  # what `build.py new` writes


# The language named as an adjective: Russian declines it by its place in the sentence
# («в русской версии», «на английскую страницу», «английские подписи»), so each place has
# its own context, and the English word is the same in all three.
def edition_adjective(code: str) -> str:
    """Name the language of 'the ... edition': 'Russian', «русской» (в ... версии сайта)."""
    names = {"en": pgettext("the ... edition", "English"), "ru": pgettext("the ... edition", "Russian")}
    return names.get(code, f"'{code}'")


def page_adjective(code: str) -> str:
    """Name the language of 'leads to the ... page': 'English', «английскую» (на ... страницу)."""
    names = {"en": pgettext("leads to the ... page", "English"), "ru": pgettext("leads to the ... page", "Russian")}
    return names.get(code, f"'{code}'")


def labels_adjective(code: str) -> str:
    """Name the language of 'show the ... labels': 'English', «английские» (... подписи)."""
    names = {"en": pgettext("show the ... labels", "English"), "ru": pgettext("show the ... labels", "Russian")}
    return names.get(code, f"'{code}'")


def ignored_file_warnings(paths: Iterable[str]) -> list[SiteError]:
    """Warn about each file in content/articles/ that looks like an article but is not read, saying what to rename it to."""
    warnings = []
    for path in paths:
        name = posixpath.basename(path)
        warnings.append(SiteError(path, None, _("warning: '{name}' is ignored: only files ending in .md are articles", name=name),
                                  _("rename it to '{stem}.md'", stem=posixpath.splitext(name)[0])))
    return warnings


def _has_text(value: object) -> bool:
    return isinstance(value, str) and any(character.isalpha() for character in value)


def missing_data_twins(original: Site, translated: dict[str, set[str]]) -> list[SiteError]:
    """Warn about each data file with words in its rows that an edition has no translation of.

    `translated` maps each edition's language to the names of its data files (read or not).
    """
    warnings = []
    for language, names in sorted(translated.items()):
        for name, dataset in sorted(original.datasets.items()):
            has_words = any(_has_text(value) for row in dataset.rows for key, value in row.items() if key != "sources")
            if name in names or not has_words:
                continue
            path = Path(dataset.path)
            twin = path.with_name(f"{path.stem}.{language}{path.suffix}").as_posix()
            warnings.append(SiteError(dataset.path, None,
                                      _("warning: the {language} edition has no translation of this data file, "
                                        "so its charts and tables show the {original} labels",
                                        language=edition_adjective(language), original=labels_adjective(original.language)),
                                      _("copy it to {path} and translate the words; keep the numbers", path=twin)))
    return warnings


# A link written from the site's root, in Markdown or HTML; the target is group 1.
_ROOT_LINK = re.compile(
    r"""
    (?: \]\(\s*<?                     # an inline link: [text](target
      | ^\s{0,3}\[[^\]]+\]:\s*<?      # a reference definition: [id]: target
      | \bhref\s*=\s*["']             # an HTML link: href="target"
    )
    (/[^\s)"'>]*)                     # the target, from the site's root
    """,
    re.VERBOSE,
)
_ARTICLE_PATH = re.compile(r"/articles/([^/#?]+)/?")


def untranslated_links(edition: Site, original_language: str) -> list[SiteError]:
    """Warn about each link in an edition's pages to the original's page when the edition has its own."""
    own_articles = {article.slug for article in edition.articles}
    warnings = []
    pages: list[Article | HomePage] = [edition.home, *edition.articles] if edition.home else list(edition.articles)
    for page in pages:
        for number, text in enumerate(page.body.split("\n")):
            for target in _ROOT_LINK.findall(text):
                path = re.split(r"[#?]", target, maxsplit=1)[0]
                article = _ARTICLE_PATH.fullmatch(path)
                if article and article.group(1) in own_articles:
                    own = f"/{edition.prefix}articles/{article.group(1)}/"
                elif path == "/" and edition.home:
                    own = f"/{edition.prefix}"
                else:
                    continue
                warnings.append(SiteError(page.path, page.body_line + number,
                                          _("warning: the link '{href}' leads to the {original} page, "
                                            "though the {language} edition has its own", href=target,
                                            original=page_adjective(original_language), language=edition_adjective(edition.language)),
                                          _("link to '{href}' instead (its headings have their own anchors)", href=own)))
    return warnings


def check_placeholders(check: FieldChecker, meta: LineDict, body: str, body_line: int) -> None:
    """Report a published page still holding the summary or the body text `build.py new` wrote."""
    if meta.get("draft") is True:
        return  # a draft is where the placeholders belong
    if str(meta.get("summary", "")).strip() == PLACEHOLDER_SUMMARY:
        check.error(check.line_of(meta, "summary"), _("the summary is still the placeholder that 'build.py new' wrote"),
                    _("write one or two sentences of your own, or put back 'draft: true' until the article is ready"))
    first_line = PLACEHOLDER_BODY.split("\n", 1)[0]
    lines = body.split("\n")
    if first_line in lines:
        check.error(body_line + lines.index(first_line), _("the article still has the placeholder text that 'build.py new' wrote"),
                    _("replace it with the article, or put back 'draft: true' until the article is ready"))
