"""Citations: `[@id]` in Markdown, found with lines, marked in HTML, numbered per page.

Input: an article's Markdown (and, from templates, lists of source ids). Output, in
three steps: (1) for validation, every citation with its line, malformed ones, and
blocks that state a figure or a date without one; (2) while Markdown converts a body,
a mark per citation (`<sup data-cite="a b"></sup>`), which templates can write too
(the `cite` filter); (3) once a page is whole, `number_citations` numbers its sources
in reading order and turns each mark into note references, Pandoc's and Wikipedia's
convention: one number per source, one backlink per place it is cited.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markupsafe import Markup

CITATION = re.compile(  # (?x): verbose wherever it is compiled, Markdown's inline pass too
    r"""(?x)
    \[@                                # a citation opens with [@
    (?P<ids>[a-z0-9][a-z0-9.-]*        # the first source id
      (?:\s*;\s*@[a-z0-9][a-z0-9.-]*)* # then '; @id' for each further source
    )
    \]
    """,
)
CITATION_ID = re.compile(r"@([a-z0-9][a-z0-9.-]*)")
# "[@" that does not open a well-formed citation: "[@ OFAC]", "[@a, @b]", "[@Moscow-Times]".
# "\[@" is Markdown's way to show the brackets as written: not a citation.
CITATION_ATTEMPT = re.compile(r"(?<!\\)\[@[^\]\n]*\]?")
# A figure or a date: any digit outside link targets, ids and code (see _claims_text).
FIGURE = re.compile(r"\d")
MARK = re.compile(r'<(?P<tag>sup|span) data-cite(?P<named>-named)?="(?P<ids>[^"]*)"></(?:sup|span)>')
# Where a template wants what is known only once a page's citations are numbered.
ENDNOTES_SLOT = "<!-- endnotes -->"
FACTS_AS_OF_SLOT = "<!-- facts-as-of -->"


def cited_ids(ids_text: str) -> tuple[str, ...]:
    """Return the source ids of one citation's inside: 'a; @b' -> ('a', 'b')."""
    return tuple(CITATION_ID.findall("@" + ids_text))


@dataclass(frozen=True)
class CitationSite:
    """One citation written in a body: where it is and what it cites."""

    line: int
    ids: tuple[str, ...]


@dataclass(frozen=True)
class MalformedCitation:
    """Text that starts like a citation but is not one."""

    line: int
    text: str


_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s")


def _prose_lines(body: str, body_line: int) -> Iterable[tuple[int, str]]:
    """Yield (file line, text) for every line outside code (fenced or indented) and chart blocks.

    An indented line after a blank one is code, except inside a list, where it continues an item.
    """
    fenced = indented_code = in_list = False
    previous_blank = True
    for number, text in enumerate(body.split("\n")):
        if text.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        blank, indented = not text.strip(), text.startswith(("    ", "\t"))
        if indented_code and not (blank or indented):
            indented_code = False
        if not fenced and not indented_code and indented and not blank and previous_blank and not in_list:
            indented_code = True
        if _LIST_ITEM.match(text):
            in_list = True
        elif not blank and not indented and previous_blank:
            in_list = False
        previous_blank = blank
        if not fenced and not indented_code:
            yield body_line + number, text


def find_citations(body: str, body_line: int) -> tuple[tuple[CitationSite, ...], tuple[MalformedCitation, ...]]:
    """Return the citations of a body and the malformed ones, with file lines."""
    if "[@" not in body:  # most bodies of a site without citations: a substring test settles it
        return (), ()
    sites, malformed = [], []
    for line, text in _prose_lines(body, body_line):
        if "[@" not in text:
            continue
        for match in CITATION_ATTEMPT.finditer(_CODE_SPAN.sub(" ", text)):  # `[@x]` in code is shown as written
            well_formed = CITATION.fullmatch(match.group())
            if well_formed:
                sites.append(CitationSite(line, cited_ids(well_formed.group("ids"))))
            else:
                malformed.append(MalformedCitation(line, match.group()))
    return tuple(sites), tuple(malformed)


_CODE_SPAN = re.compile(r"`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|`[^`]*`|\{#[^}]*\}")
_BLOCK_START = re.compile(r"^\s{0,3}(?:[-*+]\s|\d+[.)]\s|\||>)")
# Numbers that only count or point: an ordered list's "1.", a footnote's "[^2]" (issue 29).
_NUMBERING = re.compile(r"^\s{0,3}\d+[.)]\s|\[\^[^\]]*\]:?")


def find_uncited_figures(body: str, body_line: int) -> tuple[int, ...]:
    """Return the first line of each block (paragraph, list item, table row) that states a figure or a date without a citation.

    Headings, table header rows, fenced blocks, link targets, list numbers and footnote marks
    do not count: "## 2024" is a heading, "/articles/x-2024/" an address and "1. The first
    phase" a list's numbering, not claims.
    """
    found = []
    block: list[tuple[int, str]] = []

    def close() -> None:
        text = " ".join(part for _line, part in block)
        if block and "[@" not in text and FIGURE.search(_NUMBERING.sub(" ", _LINK_TARGET.sub(" ", text))):
            found.append(block[0][0])
        block.clear()

    previous_was_table = False
    for line, text in _prose_lines(body, body_line):
        stripped = text.strip()
        is_table = stripped.startswith("|")
        if not stripped or stripped.startswith("#") or _BLOCK_START.match(text):
            close()
        if is_table:
            # A table's header row and its |---| rule name columns; they state nothing.
            if previous_was_table and not set(stripped) <= set("|-: "):
                block.append((line, stripped))
                close()
            previous_was_table = True
            continue
        previous_was_table = False
        if stripped and not stripped.startswith("#") and not re.match(r"^\[[^\]]+\]:\s", stripped):
            block.append((line, stripped))
    close()
    return tuple(found)


def citation_mark(ids: Iterable[str], named: bool = False) -> Markup:
    """Return the mark a page's citation numbering replaces: note references, or with `named` outlets and references."""
    joined = html.escape(" ".join(ids), quote=True)
    if named:
        return Markup(f'<span data-cite-named="{joined}"></span>')  # noqa: S704 (the ids are escaped above)
    return Markup(f'<sup data-cite="{joined}"></sup>')  # noqa: S704 (the ids are escaped above)


class CitationInlineProcessor(InlineProcessor):
    """Turn `[@a; @b]` into a citation mark, numbered once the page is whole."""

    def handleMatch(self, match: re.Match, data: str):  # noqa: N802 (Markdown's name)
        element = etree.Element("sup")
        element.set("data-cite", " ".join(cited_ids(match.group("ids"))))
        return element, match.start(0), match.end(0)


class CitationExtension(Extension):
    """Register citations ahead of footnotes and links, which also start with '['."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's name)
        md.inlinePatterns.register(CitationInlineProcessor(CITATION.pattern, md), "citation", 180)


@dataclass(frozen=True)
class CitedSource:
    """A source as one page cites it: its number there and the id of each place that cites it."""

    number: int
    source_id: str
    backlinks: tuple[str, ...]


@dataclass(frozen=True)
class NumberedCitations:
    """A page with its citation marks turned into note references, and the sources in number order."""

    html: str
    sources: tuple[CitedSource, ...]


NoteReference = Callable[[int, str, str], str]  # (number, source id, this place's id) -> HTML of one reference
NamedReference = Callable[[int, str, str], str]


def number_citations(page: str, reference: NoteReference, named_reference: NamedReference,
                     separator: str = ", ") -> NumberedCitations:
    """Number the sources a page cites in reading order and write each mark's references.

    The n-th source first cited gets number n; each place citing it gets the id
    cite-<n>-<k>, its k-th place, for the endnote's backlinks.
    """
    if "data-cite" not in page:
        return NumberedCitations(page, ())
    numbers: dict[str, int] = {}
    places: dict[str, list[str]] = {}

    def replace(match: re.Match) -> str:
        parts = []
        for source_id in html.unescape(match.group("ids")).split():
            number = numbers.setdefault(source_id, len(numbers) + 1)
            place = f"cite-{number}-{len(places.setdefault(source_id, [])) + 1}"
            places[source_id].append(place)
            build = named_reference if match.group("named") else reference
            parts.append(build(number, source_id, place))
        if match.group("named"):
            return separator.join(parts)
        return f'<sup class="noteref" data-pagefind-ignore>[{separator.join(parts)}]</sup>'

    numbered = MARK.sub(replace, page)
    sources = tuple(CitedSource(number, source_id, tuple(places[source_id])) for source_id, number in numbers.items())
    return NumberedCitations(numbered, sources)
