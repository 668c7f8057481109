"""Translation help: a translation starts as the original with every passage marked, and a
published article with a mark left is refused."""

from __future__ import annotations

import datetime as dt

from sitegen.commands.translate import FRONT_MATTER_MARK, TRANSLATION_MARK, check_translation_marks, marked_translation, marks_left

ORIGINAL = """\
---
title: First article
summary: The first article.
date: 2024-01-02
draft: false
---
## Background

A report says so [@test-report]. See [the second](/articles/second/#details) and [the third](/articles/third/).

```chart
data: numbers
kind: bar

x: year
y: value
description: Bars.
```

Back [home](/).
"""


def test_a_translation_starts_as_a_marked_draft_of_its_original():
    text = marked_translation(ORIGINAL, dt.date(2024, 1, 2), "ru/", frozenset({"second"}))
    meta, body = text.split("---\n")[1], text.split("---\n", 2)[2]

    assert "title: First article\n" in meta and "draft: true\n" in meta and "draft: false" not in meta
    assert "translated_from: 2024-01-02\n" in meta
    assert body.count(TRANSLATION_MARK) == 4  # heading, paragraph, the chart block whole, the last paragraph
    assert FRONT_MATTER_MARK in body
    assert "```chart\ndata: numbers\nkind: bar\n\nx: year" in body  # a blank line inside a fence does not split it
    # Links lead to the edition's own pages where they exist; an untranslated page keeps its original address.
    assert "](/ru/articles/second/#details)" in body and "](/articles/third/)" in body and "](/ru/)" in body


def test_marks_are_found_by_line_and_only_a_published_article_is_refused():
    body = "Text.\n\n" + TRANSLATION_MARK + "\nMore.\n\n" + TRANSLATION_MARK + "\nEnd.\n"

    assert marks_left(body, 10) == [12, 15]
    assert check_translation_marks("content/articles/first.ru.md", body, 10, draft=True) is None
    error = check_translation_marks("content/articles/first.ru.md", body, 10, draft=False)
    assert (error.path, error.line) == ("content/articles/first.ru.md", 12)
    assert "2 passages still marked" in error.message and "draft: true" in error.hint


def test_a_published_translation_with_marks_left_is_refused(make_site, build, capsys):
    translation = marked_translation((make_site() / "content/articles/first.md").read_text(encoding="utf-8"),
                                     dt.date(2024, 1, 2), "ru/", frozenset())
    root = make_site({"content/site.ru.yaml": "title: Тест\ndescription: Сайт.\n",
                      "content/articles/first.ru.md": translation.replace("draft: true\n", "")})

    assert build(root) == 1
    err = capsys.readouterr().err
    assert "content/articles/first.ru.md:8: 3 passages still marked '<!-- translate -->': this one and 2 more" in err, err

    (root / "content/articles/first.ru.md").write_text(translation, encoding="utf-8")  # still a draft: fine
    assert build(root) == 0, capsys.readouterr().err


def test_an_edition_whose_only_article_is_a_draft_still_builds(make_site, build, capsys):
    root = make_site({"content/site.ru.yaml": "title: Тест\ndescription: Сайт.\n",
                      "content/articles/first.ru.md": marked_translation(
                          (make_site() / "content/articles/first.md").read_text(encoding="utf-8"),
                          dt.date(2024, 1, 2), "ru/", frozenset())})

    assert build(root) == 0, capsys.readouterr().err  # Pagefind cannot index no page: the edition has no search index
    assert 'class="search-form"' not in (root / "_site/ru/search/index.html").read_text(encoding="utf-8")


def test_new_translate_starts_the_twin_and_the_report_lists_what_each_edition_lacks(make_site, capsys):
    from sitegen.commands.cli import main

    root = make_site({"content/site.ru.yaml": "title: Тест\ndescription: Сайт.\n"})
    content = str(root / "content")

    assert main(["translations", "--content", content]) == 0
    report = capsys.readouterr().out
    assert "ru: 0 of 2 articles translated" in report
    assert "  missing: content/articles/first.md (start it with: python build.py new --translate first --language ru)" in report
    assert "  data file without a translation (its charts show the original's words): content/data/numbers.yaml" in report

    assert main(["new", "--translate", "first", "--content", content]) == 0
    created = root / "content/articles/first.ru.md"
    assert capsys.readouterr().out.strip() == created.as_posix()
    assert TRANSLATION_MARK in created.read_text(encoding="utf-8")
    assert main(["translations", "--content", content]) == 0
    assert "  still marked for translation: content/articles/first.ru.md" in capsys.readouterr().out

    assert main(["new", "--translate", "first", "--content", content]) == 1  # not overwritten
    assert "content/articles/first.ru.md: this translation already exists" in capsys.readouterr().err
