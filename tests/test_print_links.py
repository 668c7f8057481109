"""The addresses printed after links on paper (sitegen/rendering/print_links.py): a link to another page
of the site carries its absolute address only when the site has an absolute base URL; a link
whose text is its own address is marked so that it is not printed twice.
(tests/browser/test_browser_print.py prints real pages to PDF.)"""

from __future__ import annotations

import re

SELF_NAMED = """\
    ---
    title: Second article
    summary: The second article.
    date: 2024-01-03
    ---
    ## Details

    Back to [the first article](/articles/first/). The report is at <https://example.org/report>,
    also as [example.org/report](https://example.org/report/).
    """


def test_links_to_pages_of_the_site_carry_their_absolute_address_with_a_base_url(make_site, build, capsys):
    root = make_site()

    assert build(root, "--base-url", "https://example.org/sub/") == 0, capsys.readouterr().err

    first = (root / "_site/articles/first/index.html").read_text(encoding="utf-8")
    assert ('href="/sub/articles/second/#details" data-print-href="https://example.org/sub/articles/second/#details"'
            in first)
    assert 'href="#source-1"' in first and 'data-print-href="https://example.org/sub/#' not in first
    header, main, footer = re.split(r"</?main\b[^>]*>", first)
    assert "data-print-href" not in header + footer  # the site's chrome is not printed


def test_without_an_absolute_base_url_no_address_is_written_for_print(make_site, build, capsys):
    root = make_site()

    assert build(root) == 0, capsys.readouterr().err

    for page in ("index.html", "articles/first/index.html", "articles/second/index.html"):
        assert "data-print-href" not in (root / "_site" / page).read_text(encoding="utf-8"), page


def test_a_link_whose_text_is_its_address_is_marked_and_others_are_not(make_site, build, capsys):
    root = make_site({"content/articles/second.md": SELF_NAMED})

    assert build(root) == 0, capsys.readouterr().err

    second = (root / "_site/articles/second/index.html").read_text(encoding="utf-8")
    marked = re.findall(r'<a href="([^"]*)"[^>]*data-url-text[^>]*>', second)
    assert marked == ["https://example.org/report", "https://example.org/report/"]
    first = (root / "_site/articles/first/index.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/report" class="source-title">' in first  # a source's title is not its address
