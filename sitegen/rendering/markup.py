"""Markdown: the configured converter and our four extensions.

Input: an article body (Markdown) plus the HTML of its already-rendered charts.
Output: HTML and the table of contents. `ChartBlockExtension` swaps each ```chart
fence for its figure through Markdown's HTML stash, so the parser cannot alter the SVG;
`SitePathExtension` prefixes root-relative links with the site's base path;
`CitationExtension` (checking/citations.py) marks each `[@id]` citation;
`NeedfulInlineExtension` spares Markdown's two inline passes the patterns that cannot
match a text, with the same output.
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
from markdown.util import AtomicString
from markupsafe import Markup

from ..checking.citations import CitationExtension
from ..messages import _

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


# What each inline pattern needs in a text to match it, by the pattern's name in Markdown's
# registries: the inline pass's own, then smarty's. Footnote references and links start
# with "[", raw HTML and autolinks with "<", emphasis is "*" or "_", a hard line break is
# two spaces at a line's end; every quote pattern of smarty's has a quote in it.
PATTERN_NEEDS: dict[str, tuple[str, ...]] = {
    "citation": ("[@",), "backtick": ("`",), "escape": ("\\",), "footnote": ("[",), "reference": ("[",), "link": ("[",),
    "image_link": ("[",), "image_reference": ("[",), "short_reference": ("[",), "short_image_ref": ("[",),
    "autolink": ("<",), "automail": ("<",), "linebreak": ("  \n",), "html": ("<",), "entity": ("&",),
    "em_strong": ("*", "_"),
    "smarty-em-dashes": ("---",), "smarty-en-dashes": ("--",), "smarty-ellipses": ("...",),
    "smarty-left-angle-quotes": ("<<",), "smarty-right-angle-quotes": (">>",),
    **{f"smarty-quotes-{number}": ("'", '"') for number in range(15)},
}


class NeedfulInlineProcessor(InlineProcessor):
    """Markdown's inline pass, trying each pattern only on text that holds what the pattern needs.

    The pass tries each of its 15 patterns on every piece of text in the page, a regex
    search and a Python call each, and smarty's pass does the same with its 18 (Python-
    Markdown issue #1103): without a shortcut, most of a 1,000-word article's
    conversion. Most pieces hold what one or two patterns need, if any. This is Markdown's
    own loop over the patterns (`InlineProcessor.__handleInline`, Markdown 3.11) with one
    test added: a pattern none of whose needs (PATTERN_NEEDS) is in the text, as the text
    stands when the pattern's turn comes, cannot match it, and is passed over as Markdown
    passes over one that does not match. A pattern it does not know is always tried.
    It replaced two passes that skipped only the pieces holding nothing any pattern needs:
    5.96 -> 4.69 ms an article (best of 8 over 292 corpus articles), the same HTML;
    tests/test_markup.py checks it against Markdown's own on random text.
    """

    def run(self, tree, ancestors=None):
        patterns = self.inlinePatterns
        self._needs: list[tuple[str, ...] | None] = [None] * len(patterns)
        for name, needs in PATTERN_NEEDS.items():
            if name in patterns:
                self._needs[patterns.get_index_for_name(name)] = needs
        # Most pieces of text hold nothing any pattern needs: one search tells (when every pattern's needs are known).
        every_need = {need for needs in self._needs if needs is not None for need in needs}
        self._any_need = re.compile("|".join(map(re.escape, sorted(every_need)))) if None not in self._needs else None
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, AtomicString) or (self._any_need is not None and not self._any_need.search(data)):
            return data
        patterns, needs_of = self.inlinePatterns, self._needs
        count = len(patterns)
        start = 0
        while patternIndex < count:
            needs = needs_of[patternIndex]
            if needs is not None:
                for need in needs:
                    if need in data:
                        break
                else:  # none of them
                    patternIndex, start = patternIndex + 1, 0
                    continue
            data, matched, start = self._InlineProcessor__applyPattern(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


# The loop it replaces, by the name Python's name mangling gives it: if a Markdown release
# renames it, the site keeps Markdown's own passes (slower, the same HTML).
_CAN_FILTER_PATTERNS = all(hasattr(InlineProcessor, name) for name in
                           ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern"))


class NeedfulInlineExtension(Extension):
    """Put NeedfulInlineProcessor in the place of Markdown's inline pass and of smarty's.

    Listed after "smarty", so that smarty has registered its pass ("smarty", priority 6,
    its documented place) when this runs; "inline", priority 20, is Markdown's.
    """

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        if not _CAN_FILTER_PATTERNS:
            return
        md.treeprocessors.register(NeedfulInlineProcessor(md), "inline", 20)
        if "smarty" in md.treeprocessors:
            smarty = NeedfulInlineProcessor(md)
            smarty.inlinePatterns = md.treeprocessors["smarty"].inlinePatterns
            md.treeprocessors.register(smarty, "smarty", 6)


def create_markdown(permalink_title: str = "Link to this section") -> markdown.Markdown:
    """Return the Markdown converter every page of one language uses."""
    return markdown.Markdown(
        extensions=[
            "tables",
            "footnotes",
            "fenced_code",
            "smarty",
            CitationExtension(),
            NeedfulInlineExtension(),
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
                # Pages show their contents from the headings (templates/article.html), not
                # where a body says [TOC]; looking for that marker in every paragraph
                # took a quarter of a millisecond an article.
                "marker": "",
            },
            "footnotes": {"BACKLINK_TITLE": "Back to the text of footnote %d"},
        },
        output_format="html",
    )


@dataclass(frozen=True)
class RenderedMarkdown:
    """A body converted to HTML, with its table of contents entries."""

    html: str
    toc: tuple[tuple[int, str, Markup], ...]  # (level, id, title as HTML text: "Zhao&rsquo;s pardon")


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
        # The toc extension gives a heading's text already escaped, smarty's entities in it:
        # escaped again, "Zhao's" read "Zhao&rsquo;s" in the contents.
        yield (token["level"], token["id"], Markup(token["name"]))  # noqa: S704 (already escaped, see above)
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
            self.found.append((line, _("a <script> element is not allowed in content")))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append((line, _("the event attribute '{name}=' is not allowed in content", name=name)))
            elif value and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                self.found.append((line, _("a 'javascript:' URL in '{name}=' is not allowed in content", name=name)))


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
            found.append(UnsafeHtml(body_line + number, _("a 'javascript:' link is not allowed in content")))
    return tuple(found)
