"""Hostile content, as a pull request could bring it (issue 20): links out of the project,
paths out of the output, YAML bombs, huge files, bad encodings, odd names and wrong types.
Each is one `path:line: message` error with no traceback, and the last good site stays."""

from __future__ import annotations

import os
import shutil

import pytest

from sitegen.reading.project import PACKAGE_ROOT

FRONT = "---\ntitle: t\nsummary: s\ndate: 2024-01-04\n"


def front_matter(extra: str) -> dict[str, str]:
    """Return files adding content/articles/bad.md: valid front matter, `extra` from line 5, no body."""
    return {"content/articles/bad.md": FRONT + extra + "---\n"}


def data(text: str) -> dict[str, str]:
    """Return files replacing the data file every test site has."""
    return {"content/data/numbers.yaml": text}


BILLION_LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)
NOT_UTF8 = "the file is not valid UTF-8 (byte 0xe9)"
NOT_A_CLEAN_URL = "cannot become a clean URL"

HOSTILE_INPUT = [
    # YAML that would crash or exhaust the parser
    pytest.param(data("rows: " + "[" * 5000 + "]" * 5000 + "\n"),
                 "content/data/numbers.yaml:1: the YAML is nested more than 100 levels deep", id="data-nested-5000-deep"),
    pytest.param(data("description: d\nrows:\n  - year: " + "[" * 200 + "]" * 200 + "\n"),
                 "content/data/numbers.yaml:3: the YAML is nested more than 100 levels deep", id="data-nested-deep-line"),
    pytest.param(front_matter("tags: " + "[" * 100_000 + "]" * 100_000 + "\n"),
                 "content/articles/bad.md:5: the YAML is nested more than 100 levels deep", id="front-matter-nested-100000-deep"),
    pytest.param(data(BILLION_LAUGHS), "content/data/numbers.yaml:6: the YAML aliases (*e) stand for more than 100,000 values",
                 id="data-billion-laughs"),
    pytest.param(front_matter(BILLION_LAUGHS.replace("\na:", "\nx:").replace("a: &a", "tags: &a", 1)),
                 "content/articles/bad.md:10: the YAML aliases (*e) stand for more than 100,000 values",
                 id="front-matter-billion-laughs"),
    # Files too big, or not text
    pytest.param({"content/articles/huge.md": FRONT + "---\n" + "An endless line. " * 400_000},
                 "content/articles/huge.md: the file is 6.8 MB, more than the 5 MB a content file may be", id="huge-article"),
    pytest.param(data("rows:\n" + '  - year: "2023"\n    value: 1\n' * 200_000),
                 "content/data/numbers.yaml: the file is 6.0 MB, more than the 5 MB a content file may be", id="huge-data-file"),
    pytest.param(data(b"description: Caf\xe9 numbers\nrows: []\n"), f"content/data/numbers.yaml:1: {NOT_UTF8}",
                 id="data-not-utf-8"),
    pytest.param({"content/site.yaml": b"title: Test briefing\ndescription: d\ncontact: caf\xe9@example.org\n"},
                 f"content/site.yaml:3: {NOT_UTF8}", id="site-config-not-utf-8"),
    # Odd file names
    pytest.param({"content/articles/my article.md": FRONT + "---\n"},
                 f"content/articles/my article.md: the file name 'my article.md' {NOT_A_CLEAN_URL}", id="name-with-space"),
    pytest.param({"content/articles/статья.md": FRONT + "---\n"},
                 f"content/articles/статья.md: the file name 'статья.md' {NOT_A_CLEAN_URL}", id="name-in-cyrillic"),
    pytest.param({"content/articles/caf\udce9.md": FRONT + "---\n"},  # the byte 0xe9: Latin-1, not UTF-8
                 "content/articles/caf\\udce9.md: the file name is not valid UTF-8", id="name-not-utf-8"),
    pytest.param({"content/articles/tab\tbed.md": FRONT + "---\n"},
                 "content/articles/tab\\tbed.md: the file name contains a control character", id="name-with-control-character"),
    pytest.param({"content/articles/UPPER.md": FRONT + "---\n"},
                 f"content/articles/UPPER.md: the file name 'UPPER.md' {NOT_A_CLEAN_URL}", id="name-in-capitals"),
    # Addresses that would leave the output folder or the site
    pytest.param(front_matter("slug: ../../outside\n"), "content/articles/bad.md:5: unknown front matter field 'slug'",
                 id="slug-field-does-not-exist"),
    pytest.param(front_matter("aliases: [/articles/../../../outside/]\n"),
                 "content/articles/bad.md:5: an alias may not contain '.' or '..' as a part, found '/articles/../../../outside/'",
                 id="alias-with-dot-dot"),
    pytest.param(front_matter("aliases: [//evil.example/]\n"),
                 "content/articles/bad.md:5: an alias must be an address on this site starting with '/', found '//evil.example/'",
                 id="alias-to-another-host"),
    # Front matter values of the wrong type
    pytest.param({"content/articles/bad.md": "---\ntitle: [a, list]\nsummary: s\ndate: 2024-01-04\n---\n"},
                 "content/articles/bad.md:2: 'title' must be a line of text, found a list", id="title-as-list"),
    pytest.param({"content/articles/bad.md": "---\ntitle: {a: b}\nsummary: s\ndate: 2024-01-04\n---\n"},
                 "content/articles/bad.md:2: 'title' must be a line of text, found a set of fields", id="title-as-fields"),
    pytest.param({"content/articles/bad.md": "---\ntitle: t\nsummary: [s]\ndate: 2024-01-04\n---\n"},
                 "content/articles/bad.md:3: 'summary' must be a line of text, found a list", id="summary-as-list"),
    pytest.param({"content/articles/bad.md": "---\ntitle: t\nsummary: s\ndate: yesterday\n---\n"},
                 "content/articles/bad.md:4: 'date' is not a real date: 'yesterday'", id="date-as-text"),
    pytest.param({"content/articles/bad.md": "---\ntitle: t\nsummary: s\ndate: 20240104\n---\n"},
                 "content/articles/bad.md:4: 'date' is not a real date: '20240104'", id="date-as-number"),
    pytest.param(front_matter("updated: true\n"), "content/articles/bad.md:5: 'updated' is not a real date: 'True'",
                 id="updated-as-boolean"),
    pytest.param(front_matter('draft: "yes"\n'), "content/articles/bad.md:5: 'draft' must be true or false, found 'yes'",
                 id="draft-as-text"),
    pytest.param(front_matter("aliases: 5\n"), "content/articles/bad.md:5: 'aliases' must be a list", id="aliases-as-number"),
    pytest.param(front_matter("aliases: /old/\n"), "content/articles/bad.md:5: 'aliases' must be a list", id="aliases-as-text"),
    pytest.param(front_matter("tags: {a: 1}\n"), "content/articles/bad.md:5: 'tags' must be a list", id="tags-as-fields"),
    pytest.param(front_matter("order: first\n"), "content/articles/bad.md:5: 'order' must be a whole number, found 'first'",
                 id="order-as-text"),
    pytest.param(front_matter("order: 1.5\n"), "content/articles/bad.md:5: 'order' must be a whole number, found '1.5'",
                 id="order-as-fraction"),
    pytest.param(front_matter("layout: [timeline]\n"), "content/articles/bad.md:5: 'layout' must be a line of text, found a list",
                 id="layout-as-list"),
    pytest.param(front_matter("changes: fixed a typo\n"),
                 "content/articles/bad.md:5: 'changes' must be a list of entries, each starting with '- '", id="changes-as-text"),
    pytest.param(front_matter("changes:\n  - date: 2024-01-05\n    kind: [correction]\n    note: n\n"),
                 "content/articles/bad.md:7: 'kind' must be a line of text, found a list", id="change-kind-as-list"),
    pytest.param({"content/articles/bad.md": "---\n[a, b]: c\ntitle: t\nsummary: s\ndate: 2024-01-04\n---\n"},
                 "content/articles/bad.md:2: YAML syntax error: a key must be a plain word", id="key-as-list"),
    pytest.param({"content/site.yaml": "title: [a]\ndescription: d\n"},
                 "content/site.yaml:1: 'title' must be a line of text, found a list", id="site-title-as-list"),
    pytest.param({"content/site.yaml": "title: t\ndescription: d\nnavigation: home\n"},
                 "content/site.yaml:3: 'navigation' must be a list of entries, each starting with '- '", id="navigation-as-text"),
    pytest.param({"content/site.yaml": "title: t\ndescription: d\nrecheck_sources_after_days: soon\n"},
                 "content/site.yaml:3: 'recheck_sources_after_days' must be a whole number, found 'soon'",
                 id="recheck-days-as-text"),
    pytest.param({"content/site.yaml": "- title\n- description\n"},
                 "content/site.yaml:1: site.yaml must be fields like 'title: ...'", id="site-config-as-list"),
    pytest.param(data("description: d\nsources: test-report\nrows:\n  - year: '2023'\n    value: 1\n"),
                 "content/data/numbers.yaml:2: 'sources' must be a list", id="data-sources-as-text"),
    pytest.param(data("description: d\nsources: [test-report]\nrows:\n  - [2023, 1]\n"),
                 "content/data/numbers.yaml:4: each row must be fields like 'year: 2024', found a list", id="data-row-as-list"),
    pytest.param(data("description: d\nsources: [test-report]\nrows:\n  - year: '2023'\n    value: {a: 1}\n"),
                 "content/data/numbers.yaml:5: the value of 'value' must be a single number or text", id="data-value-as-fields"),
    pytest.param(data("42\n"), "content/data/numbers.yaml:1: a data file must be a list of rows", id="data-file-as-number"),
]


@pytest.mark.parametrize(("files", "expected"), HOSTILE_INPUT)
def test_hostile_input_is_one_clear_error_and_the_last_site_stays(assert_fails_cleanly, files, expected):
    assert_fails_cleanly(files, expected)


SECRET = "a line from a file outside the project"  # noqa: S105 (bait the build must not leak, no password)


def link_article(root, outside):
    (root / "content/articles/leak.md").symlink_to(outside / "secret.md")


def link_data_file(root, outside):
    (root / "content/data/leak.yaml").symlink_to(outside / "secret.yaml")


def link_articles_folder(root, outside):
    shutil.rmtree(root / "content/articles")
    shutil.copytree(outside / "articles", outside / "linked-articles")
    (root / "content/articles").symlink_to(outside / "linked-articles")


def link_template(root, outside):
    shutil.copytree(PACKAGE_ROOT / "templates", root / "templates")
    (root / "templates/partials/footer.html").unlink()
    (root / "templates/partials/footer.html").symlink_to(outside / "secret.html")


def link_static_file(root, outside):
    shutil.copytree(PACKAGE_ROOT / "static", root / "static")
    (root / "static/leak.txt").symlink_to(outside / "secret.html")


def link_static_folder(root, outside):
    shutil.copytree(PACKAGE_ROOT / "static", root / "static")
    (root / "static/linked").symlink_to(outside, target_is_directory=True)


def link_templates_folder(root, outside):
    shutil.copytree(PACKAGE_ROOT / "templates", outside / "templates")
    (root / "templates").symlink_to(outside / "templates", target_is_directory=True)


OUTSIDE_LINK = "the link leads outside the project, to '"

LINKS_OUT = [
    pytest.param(link_article, f"content/articles/leak.md: {OUTSIDE_LINK}", id="article"),
    pytest.param(link_data_file, f"content/data/leak.yaml: {OUTSIDE_LINK}", id="data-file"),
    pytest.param(link_articles_folder, f"content/articles: {OUTSIDE_LINK}", id="articles-folder"),
    pytest.param(link_template, f"templates/partials/footer.html: {OUTSIDE_LINK}", id="template"),
    pytest.param(link_static_file, f"static/leak.txt: {OUTSIDE_LINK}", id="static-file"),
    pytest.param(link_static_folder, f"static/linked: {OUTSIDE_LINK}", id="static-folder"),
    pytest.param(link_templates_folder, f"templates: {OUTSIDE_LINK}", id="templates-folder"),
]


@pytest.fixture
def outside(tmp_path_factory, make_site):
    """Return a folder outside the project holding files a link could publish."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "secret.md").write_text(f"---\ntitle: Leaked\nsummary: s\ndate: 2024-01-04\n---\n{SECRET}\n", encoding="utf-8")
    (folder / "secret.yaml").write_text(f"description: {SECRET}\nrows:\n  - year: '2023'\n    value: 1\n", encoding="utf-8")
    (folder / "secret.html").write_text(f"<footer>{SECRET}</footer>\n", encoding="utf-8")
    shutil.copytree(make_site() / "content/articles", folder / "articles")
    return folder


@pytest.mark.parametrize(("make_link", "expected"), LINKS_OUT)
def test_a_link_leading_outside_the_project_is_refused(built_site, outside, build, capsys, read_tree, good_output,
                                                        make_link, expected):
    make_link(built_site, outside)
    outside_before = read_tree(outside)

    code = build(built_site)

    err = capsys.readouterr().err
    assert code == 1, err
    assert expected in err and err.endswith("\n1 error; nothing was written.\n"), err
    assert "Traceback" not in err and SECRET not in err, err
    assert read_tree(built_site / "_site") == read_tree(good_output), "the failed build changed the previous output"
    assert read_tree(outside) == outside_before, "the build wrote outside the project"


def test_a_link_to_a_file_inside_the_project_is_followed(make_site, build, capsys):
    root = make_site({"shared/third.md": "---\ntitle: Third article\nsummary: s\ndate: 2024-01-05\n---\nShared text.\n"})
    (root / "content/articles/third.md").symlink_to(root / "shared/third.md")
    (root / "content/articles/.#first.md").symlink_to("editor@host.1234")  # an editor's lock: a link to nothing

    code = build(root)

    assert code == 0, capsys.readouterr().err
    assert "Shared text." in (root / "_site/articles/third/index.html").read_text(encoding="utf-8")


def test_odd_static_file_names_are_published_as_they_are(make_site, build, capsys):
    root = make_site()
    shutil.copytree(PACKAGE_ROOT / "static", root / "static")
    (root / "static/a file ü.txt").write_text("text", encoding="utf-8")

    code = build(root)

    assert code == 0, capsys.readouterr().err
    assert [p.name for p in (root / "_site/static").glob("a file ü.*.txt")], os.listdir(root / "_site/static")
