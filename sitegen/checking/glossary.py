"""One vocabulary per edition (issue 27): content/glossary.yaml, checked, and the pages held to it.

Input: the glossary file (per language, a list of {term, means, avoid, note}) and the
passages readers read (checking/reader_text.py). Output: the validated `Glossary`, or an error at
the line of each malformed entry; and a warning at the file and line of every use of a
variant to avoid, with the preferred term and the entry's note as the hint.

An `avoid` entry matches whole words, case aside; one ending in `*` matches every word
beginning with it ("урегулир*"). A variant inside quotation marks on the same line is
allowed: a quote keeps the speaker's words. Each edition's entries are one regular
expression, compiled once, so a page is searched once whatever the glossary's length.
A site without the file has no rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ..errors import SiteError, did_you_mean
from ..messages import N_, _
from ..reading.content import RawData
from ..reading.fields import FieldChecker, describe_value
from ..reading.yaml_lines import LineDict
from .reader_text import QUOTED, Passage, find_whole_words

GLOSSARY_KEYS = ("term", "means", "avoid", "note")
REQUIRED_GLOSSARY_KEYS = ("term", "avoid")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class Term:
    """One entry of the glossary: the preferred term, the variants to avoid and why."""

    term: str
    avoid: tuple[str, ...]
    line: int
    means: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Glossary:
    """The validated glossary: each language's terms."""

    path: str
    terms: Mapping[str, tuple[Term, ...]]
    digest: str = ""  # of the file's text: what warnings remembered from an earlier build were found with

    @functools.cached_property
    def patterns(self) -> dict[str, re.Pattern]:
        """Return, per language, one expression matching every variant to avoid in lowercase text."""
        compiled = {}
        for language, terms in self.terms.items():
            variants = {variant for term in terms for variant in term.avoid}
            if variants:
                compiled[language] = re.compile(variants_pattern(variants))
        return compiled

    def find(self, language: str, text: str) -> Iterator[tuple[int, int]]:
        """Yield where each variant to avoid stands in a text (start, end), as whole words, case aside."""
        pattern = self.patterns.get(language)
        if pattern is not None:
            yield from (match.span() for match in find_whole_words(pattern, lowercase(text)))

    def occurs(self, language: str, text: str) -> bool:
        """Tell whether a text holds any variant the language's entries say to avoid."""
        return next(self.find(language, text), None) is not None

    def term_for(self, language: str, found: str) -> Term:
        """Return the entry whose variant matched `found`."""
        for term in self.terms[language]:
            if any(re.fullmatch(variant_pattern(v), found, re.IGNORECASE) for v in term.avoid):
                return term
        raise LookupError(found)  # a match always comes from one of the language's entries


def lowercase(text: str) -> str:
    """Return the text in lowercase, each character where it was (a character whose lowercase is longer stays)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def variants_pattern(variants: Iterable[str]) -> str:
    """Return one expression for many variants in lowercase text, common beginnings written once ("урегулир*", "ЦБ РФ").

    It checks where a variant ends, not where it begins: `Glossary.find` does that.

    A plain alternation of 100 variants is tried variant by variant at every word, which made a
    page of text take milliseconds; written as a tree, each letter is looked at once.
    """
    tree: dict = {}
    for variant in variants:
        node = tree
        for character in " ".join(variant.rstrip("*").lower().split()):
            node = node.setdefault(character, {})
        node["*" if variant.endswith("*") else ""] = {}
    return _branches(tree)


def _branches(node: dict) -> str:
    """Return the expression of one node of the tree: its letters first (the longer variant wins), then its ends."""
    branches = [(r"\s+" if key == " " else re.escape(key)) + _branches(child)
                for key, child in sorted(node.items()) if key not in ("", "*")]
    if "*" in node:
        branches.append(r"\w*")  # a stem: any ending, the empty one too
    elif "" in node:
        branches.append(r"(?!\w)")  # a whole word
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def variant_pattern(variant: str) -> str:
    """Return the expression of one variant: whole words, any spacing between them; a final * any ending."""
    stem = variant.endswith("*")
    words = variant.rstrip("*").split()
    return r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + (r"\w*" if stem else "") + r"(?!\w)"


def validate_glossary(raw: RawData | None, languages: Iterable[str], errors: list[SiteError]) -> Glossary | None:
    """Return the glossary (None when the site has none), recording an error at the line of each malformed entry."""
    if raw is None:
        return None
    check = FieldChecker(raw.display_path, errors)
    value = raw.value
    if value is None:  # only comments: no term yet
        return Glossary(raw.display_path, MappingProxyType({}), raw.digest)
    if not isinstance(value, LineDict):
        check.error(getattr(value, "line", 1), _("the glossary must list terms under each language, like 'ru:'"),
                    _("see the comment at the top of content/glossary.yaml, or EDITING.md"))
        return None
    count = len(errors)
    languages = tuple(languages)
    terms = {}
    for language in value:
        if language not in languages and not LANGUAGE_CODE.match(language):
            check.error(value.key_lines[language], _("'{key}' is not a language of this site", key=language),
                        did_you_mean(language, languages) or _("the languages are {languages}", languages=", ".join(languages)))
            continue
        if value[language] is None:
            continue
        terms[language] = tuple(term for item, line in check.records(value, language)
                                if (term := validate_term(check, item, line)) is not None)
    if len(errors) > count:
        return None
    return Glossary(raw.display_path, MappingProxyType(terms), raw.digest)


def validate_term(check: FieldChecker, item: LineDict, line: int) -> Term | None:
    """Return one glossary entry, or None after recording what is wrong with it."""
    if not check.keys(item, GLOSSARY_KEYS, REQUIRED_GLOSSARY_KEYS, N_("glossary entry")):
        return None
    term = check.text(item, "term", True)
    avoid = item["avoid"]
    if isinstance(avoid, str):
        avoid = [avoid]  # one variant needs no brackets
    if not isinstance(avoid, list) or any(not isinstance(v, str) for v in avoid):
        check.error(check.line_of(item, "avoid"), _("'avoid' must be a list of words, like [урегулир*], found {found}",
                                                     found=describe_value(avoid)))
        return None
    variants = tuple(v.strip() for v in avoid)
    if not variants:
        check.error(check.line_of(item, "avoid"), _("'avoid' lists no variant to avoid"),
                    _("write the words this edition does not use for '{term}', like avoid: [урегулир*]", term=term or "…"))
        return None
    for variant in variants:
        if not variant.rstrip("*").strip() or "*" in variant.rstrip("*"):
            check.error(check.line_of(item, "avoid"), _("'{variant}' in 'avoid' is not a word or phrase", variant=variant),
                        _("a * may end a word, to match every word beginning with it: урегулир*"))
            return None
    means, note = check.text(item, "means"), check.text(item, "note")
    if term is None:
        return None
    return Term(term, variants, line, means, note)


def glossary_warnings(glossary: Glossary | None, language: str, passages: Iterable[Passage]) -> list[SiteError]:
    """Warn at each use, in an edition's passages, of a variant its glossary says to avoid (outside quotation marks)."""
    if glossary is None or language not in glossary.patterns:
        return []
    warnings = []
    for passage in passages:
        for start, end in glossary.find(language, passage.text):
            if is_quoted(passage.text, start, end):
                continue
            found = passage.text[start:end]
            term = glossary.term_for(language, found)
            warnings.append(SiteError(passage.path, passage.line_at(start), avoided_message(found, term),
                                      avoided_hint(term, glossary.path)))
    return warnings


def is_quoted(text: str, start: int, end: int) -> bool:
    """Tell whether text[start:end] is inside quotation marks on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    return any(quote.start() < start - line_start and end - line_start < quote.end() for quote in QUOTED.finditer(line))


def avoided_message(found: str, term: Term) -> str:
    """Return the warning for a variant to avoid: "'урегулирование' is not this edition's word for settlement"."""
    if term.means:
        return _("warning: '{found}' is not this edition's word for {means}", found=found, means=term.means)
    return _("warning: '{found}' is not this edition's word", found=found)


def avoided_hint(term: Term, path: str) -> str:
    """Return the hint: the preferred term, and the entry's note when it has one."""
    if term.note:
        return _("write '{term}': {note}", term=term.term, note=term.note)
    return _("write '{term}' (see {path})", term=term.term, path=path)
