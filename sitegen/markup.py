"""Markdown: the configured converter and our three extensions.

Input: an article body (Markdown) plus the HTML of its already-rendered charts.
Output: HTML and the table of contents. `ChartBlockExtension` swaps each ```chart
fence for its figure through Markdown's HTML stash, so the parser cannot alter the SVG;
`SitePathExtension` prefixes root-relative links with the site's base path;
`SkimmingSmartyExtension` and `PlainTextSkimExtension` spare Markdown's two inline
passes the text that none of their patterns can change, with the same output.
This module also finds chart blocks and unsafe raw HTML in source text, with lines,
for validation.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import ETX, STX, AtomicString

CHART_FENCE = re.compile(
    r"""
    ^```chart[ \t]*\n        # opening fence, alone on its line
    (?P<spec>.*?)            # the YAML chart spec, as short as possible
    ^```[ \t]*$              # closing fence, alone on its line
    """,
    re.MULTILINE | re.DOTALL | re.VERBOSE,
)


@dataclass(frozen=True)
class ChartBlock:
    """A ```chart fence found in a body: its YAML and the line that YAML starts on."""

    spec_text: str
    spec_line: int
    fence_line: int


def find_chart_blocks(body: str, body_line: int) -> tuple[ChartBlock, ...]:
    """Return the chart fences in a body, with file line numbers."""
    if "```chart" not in body:  # most bodies have no chart: a substring test is 100 times cheaper than the regex
        return ()
    blocks = []
    for match in CHART_FENCE.finditer(body):
        fence_line = body_line + body.count("\n", 0, match.start())
        blocks.append(ChartBlock(match.group("spec"), fence_line + 1, fence_line))
    return tuple(blocks)


class ChartBlockPreprocessor(Preprocessor):
    """Replace the n-th chart fence with the n-th rendered figure, stashed."""

    def run(self, lines: list[str]) -> list[str]:
        if not self.md.chart_figures:  # validation found no chart fence in this body
            return lines
        figures = iter(self.md.chart_figures)
        text = "\n".join(lines)

        def stash(_match: re.Match) -> str:
            placeholder = self.md.htmlStash.store(next(figures))
            return f"\n\n{placeholder}\n\n"

        return CHART_FENCE.sub(stash, text).split("\n")


class ChartBlockExtension(Extension):
    """Register the chart block preprocessor ahead of fenced code blocks."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.chart_figures = []
        md.preprocessors.register(ChartBlockPreprocessor(md), "chart_block", 28)


class SitePathTreeprocessor(Treeprocessor):
    """Prefix root-relative href and src values with the site's base path."""

    def run(self, root) -> None:
        base = self.md.site_base_path
        if base == "/":
            return
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value and value.startswith("/") and not value.startswith("//"):
                    element.set(attribute, base + value[1:])


class SitePathExtension(Extension):
    """Register the base-path rewriting for links written as /articles/..."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.site_base_path = "/"
        md.treeprocessors.register(SitePathTreeprocessor(md), "site_path", 1)


# Every pattern of smarty's needs one of these in the text it changes: a quote, two
# dashes, three dots, or two angle brackets (its angled quotes, when they are turned on).
SMARTY_NEEDS = ("'", '"', "--", "...", "<<", ">>")


class SkimmingSmartyProcessor(InlineProcessor):
    """smarty's own pass over the page's text, skipping text that none of its patterns can change.

    smarty tries each of its 18 patterns on every piece of text in the page, a regex
    search and a registry lookup each, in a second inline pass of its own (Python-Markdown
    issue #1103): 7.8 of the 15 ms that a 1,000-word article took, for the few quotes
    and dashes in it. Text with none of SMARTY_NEEDS cannot match, so it is marked
    `AtomicString`, Markdown's own "leave this alone", before the same pass runs: 0.7 ms.
    The pass runs after every other inline pattern, so nothing else sees the mark.
    tests/test_markup.py checks the output against smarty's own on random text.
    """

    def run(self, tree, ancestors=None):
        for element in tree.iter():
            if element.text and not any(need in element.text for need in SMARTY_NEEDS):
                element.text = AtomicString(element.text)
            if element.tail and not any(need in element.tail for need in SMARTY_NEEDS):
                element.tail = AtomicString(element.tail)
        return super().run(tree, ancestors)


class SkimmingSmartyExtension(Extension):
    """Put SkimmingSmartyProcessor in the place of smarty's pass, with smarty's patterns.

    Listed after "smarty", so smarty has registered its pass (as "smarty", priority 6:
    smarty's documented place) when this runs.
    """

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        skimming = SkimmingSmartyProcessor(md)
        skimming.inlinePatterns = md.treeprocessors["smarty"].inlinePatterns
        md.treeprocessors.register(skimming, "smarty", 6)


# What each inline pattern of the converter needs in a text to match it, by the pattern's
# name in Markdown's registry: footnote references and links start with "[", raw HTML and
# autolinks with "<", emphasis is "*" or "_", a hard line break is two spaces at a line's end.
INLINE_NEEDS = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[",), "reference": ("[",), "link": ("[",),
    "image_link": ("[",), "image_reference": ("[",), "short_reference": ("[",), "short_image_ref": ("[",),
    "autolink": ("<",), "automail": ("<",), "linebreak": ("  \n",), "html": ("<",), "entity": ("&",),
    "em_strong": ("*", "_"),
}
# Markdown's placeholders for stashed HTML, which the inline pass may also act on.
PLACEHOLDER_MARKS = (STX, ETX)


class PlainTextSkimmer(Treeprocessor):
    """Before the inline pass, mark the text that no inline pattern and no smarty pattern can change.

    The inline pass tries each of its 15 patterns on every piece of text in the page, a
    regex search each: 3.9 of the 7.4 ms a 1,000-word article took. About half of the
    pieces have none of the characters that any of those patterns needs (INLINE_NEEDS), nor
    any that smarty's do (SMARTY_NEEDS): marked `AtomicString`, Markdown's own "leave this
    alone", both passes skip them, 1.1 ms sooner. If the converter's inline patterns are
    not exactly those of INLINE_NEEDS (another extension added one), it marks nothing.
    tests/test_markup.py checks the output against Markdown's own on random text.
    """

    needs = tuple(dict.fromkeys(need for needs in INLINE_NEEDS.values() for need in needs)) + SMARTY_NEEDS + PLACEHOLDER_MARKS

    def run(self, root) -> None:
        patterns = self.md.inlinePatterns
        if len(patterns) != len(INLINE_NEEDS) or not all(name in patterns for name in INLINE_NEEDS):
            return
        needs = self.needs
        for element in root.iter():
            text = element.text
            if text and not isinstance(text, AtomicString) and not any(need in text for need in needs):
                element.text = AtomicString(text)
            tail = element.tail
            if tail and not isinstance(tail, AtomicString) and not any(need in tail for need in needs):
                element.tail = AtomicString(tail)


class PlainTextSkimExtension(Extension):
    """Run PlainTextSkimmer just before Markdown's inline pass ("inline", priority 20)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(PlainTextSkimmer(md), "plain_text_skim", 21)


def create_markdown(permalink_title: str = "Link to this section") -> markdown.Markdown:
    """Return the Markdown converter every page of one language uses."""
    return markdown.Markdown(
        extensions=[
            "tables",
            "footnotes",
            "fenced_code",
            "smarty",
            SkimmingSmartyExtension(),
            PlainTextSkimExtension(),
            "toc",
            ChartBlockExtension(),
            SitePathExtension(),
        ],
        extension_configs={
            "toc": {
                "permalink": "#",
                "permalink_class": "permalink",
                "permalink_title": permalink_title,
                "toc_depth": "2-3",
                # Keeps letters of every script: Russian headings get Cyrillic ids.
                "slugify": slugify_unicode,
            },
            "footnotes": {"BACKLINK_TITLE": "Back to the text of footnote %d"},
        },
        output_format="html",
    )


@dataclass(frozen=True)
class RenderedMarkdown:
    """A body converted to HTML, with its table of contents entries."""

    html: str
    toc: tuple[tuple[int, str, str], ...]  # (level, id, title)


def render_markdown(md: markdown.Markdown, body: str, figures: list[str], base_path: str) -> RenderedMarkdown:
    """Convert a body to HTML, placing chart figures where their fences stood."""
    md.reset()
    md.chart_figures = figures
    md.site_base_path = base_path
    html = md.convert(body)
    toc = tuple(_flatten_toc(md.toc_tokens))
    return RenderedMarkdown(html, toc)


def _flatten_toc(tokens):
    for token in tokens:
        yield (token["level"], token["id"], token["name"])
        yield from _flatten_toc(token["children"])


@dataclass(frozen=True)
class UnsafeHtml:
    """Raw HTML in a body that could run script in a reader's browser."""

    line: int
    message: str


_MARKDOWN_JS_LINK = re.compile(
    r"""
    (?: \]\(\s*<?                    # an inline link or image: [text](javascript:...)
      | ^[ ]{0,3}\[[^\]]+\]:\s*<?    # a reference definition: [id]: javascript:...
      | <                            # an autolink: <javascript:...>
    )
    \s*javascript:
    """,
    re.IGNORECASE | re.VERBOSE,
)


class _UnsafeHtmlFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        line = self.getpos()[0]
        if tag == "script":
            self.found.append((line, "a <script> element is not allowed in content"))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append((line, f"the event attribute '{name}=' is not allowed in content"))
            elif value and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                self.found.append((line, f"a 'javascript:' URL in '{name}=' is not allowed in content"))


def find_unsafe_html(body: str, body_line: int) -> tuple[UnsafeHtml, ...]:
    """Return script elements, on*= attributes and javascript: URLs in a body."""
    # Most bodies have no tag, no character reference and no script URL at all; plain
    # substring tests say so nine times faster than one case-insensitive regex.
    if "<" not in body and "&" not in body and "javascript" not in body.lower():
        return ()
    finder = _UnsafeHtmlFinder()
    finder.feed(body)
    finder.close()
    found = [UnsafeHtml(body_line + line - 1, message) for line, message in finder.found]
    for number, text in enumerate(body.split("\n")):
        # Browsers decode character references in URLs: &#106;avascript: runs as javascript:.
        if _MARKDOWN_JS_LINK.search(html.unescape(text)):
            found.append(UnsafeHtml(body_line + number, "a 'javascript:' link is not allowed in content"))
    return tuple(found)
