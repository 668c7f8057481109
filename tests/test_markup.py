"""Markdown as configured for the site: source beside the HTML it must become, one case
per syntax; then the source scanners validation relies on (chart blocks, unsafe HTML)."""

from __future__ import annotations

import random

import markdown
import pytest
from markdown.inlinepatterns import SimpleTagInlineProcessor

from sitegen.reading.project import PACKAGE_ROOT
from sitegen.rendering.markup import (
    NeedfulInlineExtension,
    NeedfulInlineProcessor,
    create_markdown,
    find_chart_blocks,
    find_unsafe_html,
    render_markdown,
)

FIGURE = '<figure class="chart"><svg role="img"><title>T</title><text x="1">a &lt; b</text></svg></figure>'

CASES = [
    pytest.param(
        "Before.\n\n```chart\ndata: numbers\nkind: bar\n```\n\nAfter.\n",
        [FIGURE],
        f"<p>Before.</p>\n{FIGURE}\n<p>After.</p>",
        id="chart-fence-becomes-its-figure-untouched",
    ),
    pytest.param(
        "```chart\ndata: a\n```\n\n```chart\ndata: b\n```\n",
        ["<figure>one</figure>", "<figure>two</figure>"],
        "<figure>one</figure>\n<figure>two</figure>",
        id="chart-fences-in-order",
    ),
    pytest.param(
        "```yaml\ndata: a\n```\n",
        [],
        '<pre><code class="language-yaml">data: a\n</code></pre>',
        id="other-fences-stay-code",
    ),
    pytest.param(
        "## What remains open\n",
        [],
        '<h2 id="what-remains-open">What remains open'
        '<a class="permalink" href="#what-remains-open" title="Link to this section">#</a></h2>',
        id="heading-id-and-permalink",
    ),
    pytest.param(
        "## Notes\n\n## Notes\n",
        [],
        '<h2 id="notes">Notes<a class="permalink" href="#notes" title="Link to this section">#</a></h2>\n'
        '<h2 id="notes_1">Notes<a class="permalink" href="#notes_1" title="Link to this section">#</a></h2>',
        id="repeated-headings-get-distinct-ids",
    ),
    pytest.param(
        "| Year | Value |\n|---|--:|\n| 2023 | 1 |\n",
        [],
        "<table>\n<thead>\n<tr>\n<th>Year</th>\n<th style=\"text-align: right;\">Value</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>2023</td>\n<td style=\"text-align: right;\">1</td>\n</tr>\n</tbody>\n</table>",
        id="table",
    ),
    pytest.param(
        "A claim.[^source]\n\n[^source]: The 2024 report.\n",
        [],
        '<p>A claim.<sup id="fnref:source"><a class="footnote-ref" href="#fn:source">1</a></sup></p>\n'
        '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:source">\n'
        '<p>The 2024 report.&#160;<a class="footnote-backref" href="#fnref:source" '
        'title="Back to the text of footnote 1">&#8617;</a></p>\n</li>\n</ol>\n</div>',
        id="footnote",
    ),
    pytest.param(
        "\"Exit\" -- it's 'partial'...\n",
        [],
        "<p>&ldquo;Exit&rdquo; &ndash; it&rsquo;s &lsquo;partial&rsquo;&hellip;</p>",
        id="smart-quotes-and-dashes",
    ),
    pytest.param(
        "[TOC]\n",
        [],
        "<p>[TOC]</p>",
        id="a-toc-marker-is-text-pages-list-their-headings-themselves",
    ),
    pytest.param(
        "Literally {{ 7*7 }} and {% if x %}.\n",
        [],
        "<p>Literally {{ 7*7 }} and {% if x %}.</p>",
        id="template-syntax-is-text",
    ),
]


@pytest.mark.parametrize(("source", "figures", "expected"), CASES)
def test_markdown_source_becomes_expected_html(source, figures, expected):
    rendered = render_markdown(create_markdown(), source, figures, "/")

    assert rendered.html == expected


# Pieces of text that the inline patterns and smarty's look at, or that split text into separate nodes.
INLINE_PIECES = ["word", "Binance", "2023", " ", " ", "'", '"', "-", "--", "---", ".", "...", "'80s", "it's",
                 "*", "**", "_", "__", "`", "``", "[link](/a/)", "![i](/i.png)", "[ref]", "[ref][]", "\n\n[ref]: /r/\n",
                 "<em>x</em>", "<b>", "<!-- c -->", "<https://example.org/>", "<a@example.org>", "&amp;", "&nbsp;",
                 "&mdash;", "&#39;", "&", "<", ">", "\n", "\n\n", "  \n", "# ", "- ", "1. ", "> ",
                 "| a | b |\n|---|---|\n| 'c' | \"d\" |\n", "(", ")", "[^1]", "\n\n[^1]: a 'note'.\n",
                 "\\", "\\*", "<<", ">>", "\u2014", "\u00ab", ",", ":", "!", "?", "\n```\ncode 'x'\n```\n", "    code\n"]


# Plain text with one thing in it that an inline pattern or smarty changes.
ONE_THING_BODIES = ["One  \ntwo\n", "Fish &amp; chips &copy; 2024\n", "A <b>bold</b> claim\n", "See <https://example.org/>\n",
                    "Mail <a@example.org>\n", "Code `x` here\n", "Escaped \\* star\n", "An *emphasis* here\n",
                    "And _this_ too\n", "A note[^1]\n\n[^1]: Its text.\n", "A [link](/a/)\n", "An ![image](/i.png)\n",
                    "It's here\n", 'A "quote"\n', "She wrote:'\"Exit\" means exit'\n", "A dash -- here\n", "And so...\n"]


def _random_bodies(count: int) -> list[str]:
    rng = random.Random(20231)
    return ["".join(rng.choice(INLINE_PIECES) for _ in range(rng.randint(1, 40))) for _ in range(count)]


@pytest.mark.parametrize("smarty", [{}, {"smart_angled_quotes": True}], ids=["smarty", "smarty-with-angled-quotes"])
def test_the_needful_inline_passes_give_exactly_what_markdown_and_smarty_give(smarty):
    extensions = ["tables", "footnotes", "fenced_code", "smarty", "toc"]
    library = markdown.Markdown(extensions=extensions, extension_configs={"smarty": smarty})
    needful = markdown.Markdown(extensions=[*extensions, NeedfulInlineExtension()], extension_configs={"smarty": smarty})
    articles = [path.read_text(encoding="utf-8") for path in sorted((PACKAGE_ROOT / "content").rglob("*.md"))]
    bodies = articles + ONE_THING_BODIES + _random_bodies(1500)

    different = [body for body in bodies if library.reset().convert(body) != needful.reset().convert(body)]

    assert isinstance(needful.treeprocessors["inline"], NeedfulInlineProcessor)
    assert isinstance(needful.treeprocessors["smarty"], NeedfulInlineProcessor)
    assert different == []


def test_the_site_converter_tries_only_the_patterns_a_text_has_the_needs_of(monkeypatch):
    tried = []
    apply_pattern = NeedfulInlineProcessor._InlineProcessor__applyPattern

    def noting_each_try(self, pattern, *args):
        tried.append(pattern)
        return apply_pattern(self, pattern, *args)

    monkeypatch.setattr(NeedfulInlineProcessor, "_InlineProcessor__applyPattern", noting_each_try)
    md = create_markdown()

    render_markdown(md, "Plain words, and more of them.\n", [], "/")
    assert tried == []
    render_markdown(md, "A [link](/a/) and more.\n", [], "/")
    assert md.inlinePatterns["link"] in tried
    assert md.inlinePatterns["em_strong"] not in tried


def test_a_pattern_the_converter_does_not_know_the_needs_of_is_always_tried():
    md = create_markdown()
    md.inlinePatterns.register(SimpleTagInlineProcessor(r"(~~)(.+?)~~", "del"), "strike", 40)

    assert render_markdown(md, "Plain ~~words~~.\n", [], "/").html == "<p>Plain <del>words</del>.</p>"


def test_root_relative_links_get_the_base_path_and_others_do_not():
    source = "[a](/articles/a/#x) [b](https://example.org/) [c](#here) ![d](/static/d.png) [e](//cdn.example/)\n"

    rendered = render_markdown(create_markdown(), source, [], "/sub/")

    assert rendered.html == (
        '<p><a href="/sub/articles/a/#x">a</a> <a href="https://example.org/">b</a> <a href="#here">c</a> '
        '<img alt="d" src="/sub/static/d.png"> <a href="//cdn.example/">e</a></p>'
    )


def test_table_of_contents_lists_second_and_third_level_headings():
    rendered = render_markdown(create_markdown(), "# Top\n\n## Two\n\n### Three\n\n#### Four\n", [], "/")

    assert rendered.toc == ((2, "two", "Two"), (3, "three", "Three"))


def test_one_converter_renders_pages_independently():
    md = create_markdown()
    render_markdown(md, "## Notes\n\nA[^1].\n\n[^1]: One.\n", [], "/sub/")

    rendered = render_markdown(md, "## Notes\n\nB.\n", [], "/")

    assert rendered.html == '<h2 id="notes">Notes<a class="permalink" href="#notes" title="Link to this section">#</a></h2>\n<p>B.</p>'


def test_chart_blocks_are_found_with_their_file_lines():
    body = "Intro.\n\n```chart\ndata: a\n```\n\ntext\n```chart\ndata: b\nkind: bar\n```\n"

    blocks = find_chart_blocks(body, body_line=6)

    assert [(b.fence_line, b.spec_line, b.spec_text) for b in blocks] == [
        (8, 9, "data: a\n"),
        (13, 14, "data: b\nkind: bar\n"),
    ]


UNSAFE = [
    pytest.param("<script>alert(1)</script>", [(1, "a <script> element is not allowed in content")], id="script"),
    pytest.param("<SCRIPT src=x></SCRIPT>", [(1, "a <script> element is not allowed in content")], id="script-uppercase"),
    pytest.param("<img src=x onerror=alert(1)>", [(1, "the event attribute 'onerror=' is not allowed in content")], id="onerror"),
    pytest.param('<a href="jav\tascript:x">', [(1, "a 'javascript:' URL in 'href=' is not allowed in content")], id="href-with-tab"),
    pytest.param("[x](javascript:alert(1))", [(1, "a 'javascript:' link is not allowed in content")], id="inline-link"),
    pytest.param("![x]( JavaScript:alert(1))", [(1, "a 'javascript:' link is not allowed in content")], id="image"),
    pytest.param("<javascript:alert(1)>", [(1, "a 'javascript:' link is not allowed in content")], id="autolink"),
    pytest.param("text\n\n[x]: <javascript:alert(1)>", [(3, "a 'javascript:' link is not allowed in content")], id="reference"),
    pytest.param("[x](&#x6A;avascript:alert(1))", [(1, "a 'javascript:' link is not allowed in content")], id="char-reference"),
    pytest.param("JavaScript: the language, and [a link](/articles/js/ \"javascript: notes\").", [], id="prose-is-fine"),
    pytest.param('<p class="note">Plain <em>HTML</em> is fine.</p>', [], id="safe-html"),
]


@pytest.mark.parametrize(("source", "expected"), UNSAFE)
def test_unsafe_html_is_found_with_its_line(source, expected):
    found = find_unsafe_html(source, body_line=1)

    assert [(f.line, f.message) for f in found] == expected
