"""Whole builds through the command line: output, atomic swap, determinism, escaping,
drafts, base URL, and `check`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.commands.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_build_writes_every_page_and_prints_only_its_closing_line(make_site, build, capsys):
    root = make_site()

    code = build(root)

    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == ""
    assert re.fullmatch(r"built \d+ files into \S+_site in [\d.]+ s \(0 unchanged, not rewritten\)\n", err), err
    for page in ("index.html", "404.html", "articles/first/index.html", "articles/second/index.html"):
        assert (root / "_site" / page).is_file(), page
    assert "<h1>First article</h1>" in (root / "_site/articles/first/index.html").read_text(encoding="utf-8")


def test_verbose_build_lists_each_file_written_on_stderr(make_site, build, capsys):
    root = make_site()

    code = build(root, "--verbose")

    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == ""
    assert f"wrote {root / '_site' / 'articles/first/index.html'}\n" in err, err
    assert err.splitlines()[-1].startswith("built "), err


def test_failed_build_leaves_last_good_site_byte_identical(make_site, build, capsys, read_tree):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    before = read_tree(root / "_site")
    make_site({"content/articles/second.md": "---\ntitle: Second article\n---\n"}, base=False)

    code = build(root)

    err = capsys.readouterr().err
    assert code == 1, err
    assert read_tree(root / "_site") == before
    assert sorted(p.name for p in root.iterdir()) == [".cache", "_site", "content"], "a temporary folder was left behind"


def test_rebuild_replaces_the_old_output_and_leaves_no_temporary_folders(make_site, build, capsys):
    root = make_site()
    assert build(root) == 0, capsys.readouterr().err
    (root / "_site" / "stale.html").write_text("from an old build", encoding="utf-8")
    make_site({"content/articles/second.md": None,
               "content/articles/first.md": "---\ntitle: First article\nsummary: The first article.\ndate: 2024-01-02\n---\nAlone.\n"},
              base=False)

    code = build(root)

    assert code == 0, capsys.readouterr().err
    assert not (root / "_site" / "stale.html").exists()
    assert not (root / "_site" / "articles" / "second").exists()
    assert sorted(p.name for p in root.iterdir()) == [".cache", "_site", "content"], "a temporary folder was left behind"


def test_two_clean_builds_are_byte_identical(make_site, build, capsys, chart_block, read_tree):
    root = make_site({"content/articles/second.md": "---\ntitle: Second article\nsummary: s\ndate: 2024-01-03\n---\n"
                                                    "## Details\n\nText[^1].\n\n" + chart_block + "\n[^1]: A footnote.\n"})

    assert build(root, output="_site_a") == 0, capsys.readouterr().err
    # The second build runs as `python build.py build` in its own process, with another
    # hash seed, so output that depends on set or dict-of-set ordering shows up here.
    other = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--content", "content", "--output", "_site_b"],
        cwd=root, env={**os.environ, "PYTHONHASHSEED": "12345"}, capture_output=True, text=True, check=False,
    )
    assert other.returncode == 0, other.stderr

    first, second = read_tree(root / "_site_a"), read_tree(root / "_site_b")
    assert sorted(first) == sorted(second)
    differing = [path for path in first if first[path] != second[path]]
    assert differing == []


def test_html_in_a_title_is_shown_as_text(make_site, build, capsys):
    root = make_site({"content/articles/second.md": "---\ntitle: <script>alert(1)</script> & more\nsummary: s\ndate: 2024-01-03\n---\n"
                                                    "## Details\n"})

    assert build(root) == 0, capsys.readouterr().err

    for page in ("articles/second/index.html", "index.html"):
        html = (root / "_site" / page).read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html, page
        assert "<script>alert(1)" not in html, page


def test_template_syntax_in_markdown_reaches_the_page_literally(make_site, build, capsys):
    root = make_site({"content/articles/second.md": "---\ntitle: Second article\nsummary: s\ndate: 2024-01-03\n---\n"
                                                    "## Details\n\nSeven times seven is {{ 7*7 }}, {% raw %}not 49.\n"})

    assert build(root) == 0, capsys.readouterr().err

    html = (root / "_site/articles/second/index.html").read_text(encoding="utf-8")
    assert "<p>Seven times seven is {{ 7*7 }}, {% raw %}not 49.</p>" in html


DRAFT = "---\ntitle: Unfinished draft\nsummary: Not ready.\ndate: 2024-01-05\ndraft: true\n---\nWork in progress.\n"


def test_drafts_are_left_out_by_default(make_site, build, capsys, read_tree):
    root = make_site({"content/articles/unfinished.md": DRAFT})

    assert build(root) == 0, capsys.readouterr().err

    assert not (root / "_site/articles/unfinished").exists()
    mentions = [path for path, data in read_tree(root / "_site").items()
                if path.endswith((".html", ".xml", ".txt")) and (b"Unfinished draft" in data or b"/articles/unfinished/" in data)]
    assert mentions == []


def test_drafts_are_built_with_the_drafts_option(make_site, build, capsys):
    root = make_site({"content/articles/unfinished.md": DRAFT})

    assert build(root, "--drafts") == 0, capsys.readouterr().err

    assert "<h1>Unfinished draft</h1>" in (root / "_site/articles/unfinished/index.html").read_text(encoding="utf-8")
    assert 'href="/articles/unfinished/">Unfinished draft</a>' in (root / "_site/index.html").read_text(encoding="utf-8")


def test_base_url_prefixes_internal_links_and_the_stylesheet(make_site, build, capsys):
    root = make_site()

    assert build(root, "--base-url", "https://example.org/sub/") == 0, capsys.readouterr().err

    home = (root / "_site/index.html").read_text(encoding="utf-8")
    first = (root / "_site/articles/first/index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="/sub/static/css/site.' in home
    assert 'href="/sub/articles/first/"' in home  # from Markdown in index.md
    assert 'href="/sub/articles/second/#details"' in first  # from Markdown, with an anchor
    assert 'href="/sub/"' in first  # from the templates
    assert 'href="/articles/' not in home + first


def without_cache(files: dict[str, bytes]) -> dict[str, bytes]:
    """Return the files but those in .cache/, which `check` keeps up to date as `build` does."""
    return {path: content for path, content in files.items() if not path.startswith(".cache/")}


def test_check_exits_0_on_a_clean_site_and_writes_nothing(make_site, capsys, read_tree):
    root = make_site()
    before = read_tree(root)

    code = main(["check", "--content", str(root / "content")])

    out, err = capsys.readouterr()
    assert code == 0, err
    assert (out, err) == ("", "")
    assert without_cache(read_tree(root)) == before
    assert sorted(p.name for p in root.iterdir()) == [".cache", "content"]  # it keeps what it rendered, as a build does


def test_check_exits_1_on_a_broken_site_and_writes_nothing(make_site, capsys, read_tree):
    root = make_site({"content/articles/second.md": "---\ntitle: Second article\nsummary: s\ndate: 2024-01-03\n---\n"
                                                    "## Details\n\nSee [nowhere](/articles/nowhere/).\n"})
    before = read_tree(root)

    code = main(["check", "--content", str(root / "content")])

    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith("content/articles/second.md:8: the link '/articles/nowhere/' leads to no page\n"), err
    assert err.endswith("\n1 error; nothing was written.\n"), err
    assert without_cache(read_tree(root)) == before
    assert sorted(p.name for p in root.iterdir()) == [".cache", "content"]


def test_check_reports_a_link_to_a_draft_that_a_build_would_reject(make_site, build, capsys):
    root = make_site({"content/articles/second.md": DRAFT.replace("Work in progress.", "## Details\n")})

    check_code = main(["check", "--content", str(root / "content")])
    check_err = capsys.readouterr().err
    build_code = build(root)
    build_err = capsys.readouterr().err

    assert build_code == 1, build_err
    assert "content/articles/first.md:8: the link '/articles/second/#details' leads to no page" in build_err, build_err
    assert check_code == 1, check_err
    assert "content/articles/first.md:8: the link '/articles/second/#details' leads to no page" in check_err, check_err


def test_missing_content_folder_is_an_error_not_a_traceback(tmp_path, capsys):
    code = main(["check", "--content", str(tmp_path / "content")])

    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith("content: the content folder does not exist\n"), err


@pytest.mark.parametrize("output", [".", "content", "content/articles/.."], ids=["project", "content", "content-again"])
def test_build_refuses_an_output_folder_that_would_replace_the_project(make_site, capsys, read_tree, output):
    root = make_site()
    before = read_tree(root)

    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--content", str(root / "content"), "--output", str(root / output)])

    err = capsys.readouterr().err
    assert exit_info.value.code == 2, err
    assert f"--output '{(root / output).resolve()}' is or contains the " in err, err
    assert read_tree(root) == before


def test_link_checking_reads_the_ids_and_link_targets_a_browser_would():
    from sitegen.checking.links import extract_links

    html = ('<h2 id="a&amp;b">T</h2><A HREF="/x/?p=1&amp;q=2">x</A> <a title="see href=/not/" href=\'/y/\'>y</a>'
            '<img src=/z.png alt=""><div href="/not-a-link/" id="">d</div><link rel="feed" href="/feed.xml">'
            '<svg><path d="M0 0" class="mark"/></svg><source src="/v.webm"><p>href="/text/" id="text"</p>')

    links = extract_links(html)

    assert links.ids == {"a&b"}
    assert links.hrefs == ("/x/?p=1&q=2", "/y/", "/z.png", "/feed.xml", "/v.webm")


def test_link_checking_reads_the_links_inside_an_inline_svg_apart():
    from sitegen.checking.links import extract_links

    html = ('<a href="/x/">x</a><svg class="marks" viewBox="0 0 9 9"><a xlink:href="#event-1"><path id="p" d="M0 0"/></a>'
            '<image href="/i.png"/></svg><p>Between.</p><SVG><a href="https://example.org/">e</a></SVG><a href="/y/">y</a>')

    links = extract_links(html)

    assert links.hrefs == ("/x/", "/y/")
    assert links.drawn == ("#event-1", "/i.png", "https://example.org/")
    assert links.ids == {"p"}
