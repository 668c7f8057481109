"""The words readers read, each with its file and line: what the wording checks look at (issue 27).

Input: the raw content of one edition (reading/content.py): a page (front matter and body), or
the edition's data files, site config and interface text (templates/strings/<language>.yaml).
Output: `Passage`s, each a paragraph, heading, list item or table row of a body, or one
text value of a YAML file, with what readers never read as words blanked out: code, link
targets and URLs, citation keys, HTML tags and comments, heading ids. checking/glossary.py and
checking/time_wording.py search these passages; checking/wording.py hands them over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..dates import parse_partial_date
from ..reading.content import RawData, RawDocument, RawEdition
from ..reading.yaml_lines import LineDict, LineList
from .citations import _prose_lines


@dataclass(frozen=True)
class Passage:
    """Text a reader reads, starting at a line of a file; a "\\n" in it is the next line of the file."""

    path: str
    line: int
    text: str
    kind: str  # "page" (a body or front matter), "data", "config" or "strings"
    dated: bool = False  # it says itself when it happened: a data row with a date, an article's dated change note

    def line_at(self, position: int) -> int:
        """Return the file line of a position in the text."""
        return self.line + self.text.count("\n", 0, position)


# What readers do not read as words, each blanked on its own line.
_NOT_WORDS = re.compile(
    r"""
    `[^`\n]*`                   # a code span
    | \]\([^)\n]*\)             # a link's target: [text](target)
    | <https?://[^>\s]*>        # an autolink
    | https?://\S+              # a bare address
    | \[@[^\]\n]*\]             # a citation: [@id; @other]
    | <!--.*?-->                # an HTML comment: <!-- translate -->
    | </?[a-zA-Z][^>\n]*>       # an HTML tag, with its attributes
    | \{\#[^}\n]*\}             # a heading's id: {#anchor}
    """,
    re.VERBOSE,
)
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s")
_BLOCK_START = re.compile(r"^\s{0,3}(?:[-*+]\s|\d+[.)]\s|\||#)")
_BLOCKQUOTE = re.compile(r"^\s{0,3}>")
_WORD_CHARACTER = re.compile(r"\w")
# Fields of YAML files that hold ids, addresses, types or settings, not words.
_NOT_TEXT_KEYS = frozenset({"sources", "type", "optional", "url", "link", "base_url", "contact", "language",
                            "id", "kind", "published", "accessed", "date", "until"})
# Text in quotation marks, on one line: «…», „…“, "…", “…”: the words of whoever is quoted.
QUOTED = re.compile(r'«[^»\n]*»|„[^“”\n]*[“”]|"[^"\n]*"|“[^”\n]*”')
# A block scalar's indicator at the end of its key's line: 'description: >-'.
_BLOCK_SCALAR = re.compile(r":\s*[>|][-+0-9]*\s*$")


def find_whole_words(pattern: re.Pattern, lowered: str) -> Iterator[re.Match]:
    """Yield each match of a pattern in lowercase text that begins a word (the pattern itself checks where it ends).

    A case-sensitive pattern over lowercase text, without a look-behind, lets Python skip
    to the letters a match can begin with: several times faster than re.IGNORECASE with a look-behind for a letter.
    """
    position = 0
    while (match := pattern.search(lowered, position)) is not None:
        if match.start() and _WORD_CHARACTER.match(lowered, match.start() - 1):
            position = match.start() + 1  # inside a longer word
            continue
        yield match
        position = match.end()


def blank_non_words(text: str) -> str:
    """Return a line with code, addresses, citation keys and HTML replaced by a space."""
    return _NOT_WORDS.sub(" ", text) if any(mark in text for mark in "`]<:[{") else text


def document_passages(doc: RawDocument, body: str) -> Iterator[Passage]:
    """Yield a page's title, summary and change notes, then each block of its body (blockquotes left out: quoted words)."""
    meta = doc.meta
    for key in ("title", "summary"):
        if isinstance(meta.get(key), str):
            yield Passage(doc.display_path, meta.key_lines[key], blank_non_words(meta[key]), "page")
    changes = meta.get("changes")
    if isinstance(changes, LineList):
        for change in changes:
            if isinstance(change, LineDict) and isinstance(change.get("note"), str):
                dated = parse_partial_date(change.get("date")) is not None
                yield Passage(doc.display_path, change.key_lines["note"], blank_non_words(change["note"]), "page", dated)
    yield from body_passages(doc.display_path, body, doc.body_line)


def body_passages(path: str, body: str, body_line: int) -> Iterator[Passage]:
    """Yield each paragraph, heading, list item and table row of a Markdown body, outside code and chart blocks."""
    block: list[str] = []
    first = 0
    previous = None

    def close() -> Iterator[Passage]:
        if block:
            yield Passage(path, first, "\n".join(block), "page")
            block.clear()

    for line, text in _prose_lines(body, body_line):
        stripped = text.strip()
        if previous is not None and line != previous + 1:  # a code block came between
            yield from close()
        previous = line
        if not stripped or _BLOCK_START.match(text) or _BLOCKQUOTE.match(text) or _REFERENCE_DEFINITION.match(text):
            yield from close()
        if not stripped or _BLOCKQUOTE.match(text) or _REFERENCE_DEFINITION.match(text):
            continue
        if not block:
            first = line
        block.append(blank_non_words(text))
        if stripped.startswith(("#", "|")):  # a heading or a table row is a block of its own
            yield from close()
    yield from close()


def yaml_passages(raw: RawData, kind: str) -> Iterator[Passage]:
    """Yield every text value of a YAML file, but ids, addresses, types and dates; a row with a date is `dated`."""
    lines = raw.text.split("\n")

    def walk(value, line: int, dated: bool) -> Iterator[Passage]:
        if isinstance(value, LineDict):
            dated = dated or parse_partial_date(value.get("date")) is not None
            for key, item in value.items():
                if key not in _NOT_TEXT_KEYS:
                    yield from walk(item, value.key_lines.get(key, value.line), dated)
        elif isinstance(value, LineList):
            for item, item_line in zip(value, value.item_lines, strict=False):
                yield from walk(item, item_line, dated)
        elif isinstance(value, str) and value.strip():
            first, text = _as_in_file(lines, line, value)
            yield Passage(raw.display_path, first, "\n".join(map(blank_non_words, text.split("\n"))), kind, dated)

    yield from walk(raw.value, 1, False)


def _as_in_file(lines: list[str], line: int, value: str) -> tuple[int, str]:
    """Return a block scalar ('key: >-' and indented lines) with its line breaks where the file has them.

    YAML folds such a value into one line; kept as written, a word is found at its own line.
    """
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    if not _BLOCK_SCALAR.search(written):
        return line, value
    indent = len(written) - len(written.lstrip())
    following = []
    for text in lines[line:]:
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        following.append(text.strip())
    while following and not following[-1]:
        following.pop()
    return line + 1, "\n".join(following)


def file_passages(edition: RawEdition, strings: RawData | None) -> list[Passage]:
    """Return the passages of an edition's YAML files: data files, site config and interface text."""
    passages: list[Passage] = []
    for data in edition.data:
        passages.extend(yaml_passages(data, "data"))
    if edition.config is not None:
        passages.extend(yaml_passages(edition.config, "config"))
    if strings is not None:
        passages.extend(yaml_passages(strings, "strings"))
    return passages
