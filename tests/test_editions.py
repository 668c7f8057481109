"""Language editions: a translation beside its original (name.ru.md) is published under
/ru/, each page names its alternates, untranslated pages say so, Russian charts and
dates speak Russian, and translation mistakes are reported with file and line."""

from __future__ import annotations

import shutil

import pytest

from sitegen.reading.project import PACKAGE_ROOT
from tests.conftest import RUSSIAN_EDITION

RU_FIRST = """\
---
title: Первая статья
summary: Первая статья по-русски.
date: 2024-01-02
translated_from: 2024-01-02
---
## Подробности

Смотрите [вторую статью](/articles/second/#details) и [главную](/ru/).
"""
RU_NUMBERS = """\
description: Два числа.
sources: [test-report]
columns:
  year: category
  value: {type: number, title: Значение}
rows:
  - year: "2023 год"
    value: 1500
  - year: "2024 год"
    value: 2500
"""
RU_CHART = """\
```chart
data: numbers
kind: bar
x: year
y: value
y_title: Значение
description: Столбцы по годам.
```
"""


@pytest.fixture
def bilingual(make_site):
    """Return a site whose first article and home page have Russian translations."""
    return make_site({
        "content/articles/first.ru.md": RU_FIRST,
        **RUSSIAN_EDITION,
    })


def page(root, path: str) -> str:
    return (root / "_site" / path).read_text(encoding="utf-8")


def test_both_editions_build(bilingual, build, capsys):
    assert build(bilingual, "--base-url", "https://example.org/") == 0, capsys.readouterr().err

    russian = page(bilingual, "ru/articles/first/index.html")
    assert '<html lang="ru">' in russian
    assert "Первая статья" in russian
    assert '<html lang="en">' in page(bilingual, "articles/first/index.html")
    assert (bilingual / "_site/ru/index.html").is_file()
    assert (bilingual / "_site/ru/feed.xml").is_file()


def test_every_translated_page_names_its_alternates_both_ways(bilingual, build, capsys):
    assert build(bilingual, "--base-url", "https://example.org/") == 0, capsys.readouterr().err

    for path in ("articles/first/index.html", "ru/articles/first/index.html"):
        html = page(bilingual, path)
        assert '<link rel="alternate" hreflang="en" href="https://example.org/articles/first/">' in html, path
        assert '<link rel="alternate" hreflang="ru" href="https://example.org/ru/articles/first/">' in html, path
        assert '<link rel="alternate" hreflang="x-default" href="https://example.org/articles/first/">' in html, path
    assert 'href="/ru/articles/first/" hreflang="ru" lang="ru">Читать по-русски</a>' in page(bilingual, "articles/first/index.html")
    assert 'href="/articles/first/" hreflang="en" lang="en">Read in English</a>' in page(bilingual, "ru/articles/first/index.html")


def test_an_untranslated_page_says_so_plainly(bilingual, build, capsys):
    assert build(bilingual) == 0, capsys.readouterr().err

    english_only = page(bilingual, "articles/second/index.html")
    assert "This page has not been translated into Russian yet." in english_only
    assert 'hreflang="ru"' not in english_only
    assert not (bilingual / "_site/ru/articles/second").exists()


def test_russian_dates_numbers_and_charts_are_russian(bilingual, build, capsys, chart_block):
    (bilingual / "content/articles/first.ru.md").write_text(RU_FIRST + "\n" + RU_CHART, encoding="utf-8")
    (bilingual / "content/data/numbers.ru.yaml").write_text(RU_NUMBERS, encoding="utf-8")

    assert build(bilingual) == 0, capsys.readouterr().err

    html = page(bilingual, "ru/articles/first/index.html")
    assert "2 января 2024" in html  # Babel's Russian month, in the genitive
    assert "Значение" in html and "2023 год" in html  # axis title and labels from the Russian files
    assert "<td>1\xa0500</td>" in html  # the data table's numbers in Russian style
    assert ">1\xa0500<" in html or ">1\xa0000<" in html  # the SVG's ticks formatted by the ru-RU locale
    assert "Показать таблицу данных" in html and "Источники: The Test Times" in html


def test_sitemap_lists_alternates_and_feeds_are_per_language(bilingual, build, capsys):
    assert build(bilingual, "--base-url", "https://example.org/") == 0, capsys.readouterr().err

    sitemap = page(bilingual, "sitemap.xml")
    assert '<xhtml:link rel="alternate" hreflang="ru" href="https://example.org/ru/articles/first/" />' in sitemap
    assert "<loc>https://example.org/ru/articles/first/</loc>" in sitemap
    russian_feed = page(bilingual, "ru/feed.xml")
    assert "Первая статья" in russian_feed and "Second article" not in russian_feed


def test_a_translation_with_a_field_the_original_lacks_is_an_error(bilingual, build, capsys):
    (bilingual / "content/articles/first.ru.md").write_text(RU_FIRST.replace("date: 2024-01-02\n", "date: 2024-01-02\norder: 1\n", 1),
                                                            encoding="utf-8")

    code = build(bilingual)

    err = capsys.readouterr().err
    assert code == 1, err
    assert "content/articles/first.ru.md:5: the translation has the field 'order', which the original does not" in err, err


def test_a_translation_without_an_original_is_an_error(bilingual, build, capsys):
    (bilingual / "content/articles/third.ru.md").write_text(RU_FIRST, encoding="utf-8")

    code = build(bilingual)

    err = capsys.readouterr().err
    assert code == 1, err
    assert "content/articles/third.ru.md: there is no original article 'third.md' for this translation" in err, err


def test_a_translation_older_than_its_original_is_a_warning(bilingual, capsys):
    from sitegen.commands.cli import main

    original = bilingual / "content/articles/first.md"
    original.write_text(original.read_text().replace("date: 2024-01-02", "date: 2024-01-02\nupdated: 2024-03-01"), encoding="utf-8")

    code = main(["check", "--content", str(bilingual / "content")])

    err = capsys.readouterr().err
    assert code == 0, err
    assert ("content/articles/first.ru.md: warning: the original content/articles/first.md changed on 2024-03-01, "
            "since 2024-01-02") in err, err


def test_an_original_changed_again_on_the_day_it_was_translated_is_a_warning(bilingual, capsys, monkeypatch):
    """`translated_from` is a date; on that same day, git's order of commits tells which change came last."""
    import subprocess

    from sitegen.commands.cli import main

    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "Editor")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "editor@example.invalid")

    def commit_at(time: str, message: str) -> None:
        monkeypatch.setenv("GIT_AUTHOR_DATE", f"2024-01-02T{time}")
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"2024-01-02T{time}")
        subprocess.run(["git", "-C", str(bilingual), "add", "content"], check=True)
        subprocess.run(["git", "-C", str(bilingual), "commit", "-q", "-m", message], check=True)

    def stale_warnings() -> list[str]:
        assert main(["check", "--content", str(bilingual / "content")]) == 0
        return [line for line in capsys.readouterr().err.splitlines() if "first.ru.md: warning: the original" in line]

    subprocess.run(["git", "-C", str(bilingual), "init", "-q"], check=True)
    commit_at("09:00:00", "The article and its translation")
    assert stale_warnings() == []

    original = bilingual / "content/articles/first.md"
    original.write_text(original.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    commit_at("15:00:00", "The original, later that day")
    assert stale_warnings() == ["content/articles/first.ru.md: warning: the original content/articles/first.md changed "
                                "again on 2024-01-02, after this translation's last commit"]

    translation = bilingual / "content/articles/first.ru.md"
    translation.write_text(translation.read_text(encoding="utf-8") + "\nЕщё одно предложение.\n", encoding="utf-8")
    commit_at("16:00:00", "The translation brought up to date")
    assert stale_warnings() == []


def test_interface_text_must_have_every_key_in_every_language(bilingual, build, capsys):
    shutil.copytree(PACKAGE_ROOT / "templates", bilingual / "templates")
    strings = bilingual / "templates/strings/ru.yaml"
    strings.write_text("\n".join(line for line in strings.read_text(encoding="utf-8").splitlines()
                                 if not line.startswith("search_label:")) + "\n", encoding="utf-8")

    code = build(bilingual)

    err = capsys.readouterr().err
    assert code == 1, err
    assert "templates/strings/ru.yaml: the interface text 'search_label' is missing from this language" in err, err


def test_a_syntax_error_in_interface_text_is_one_error(bilingual, build, capsys):
    shutil.copytree(PACKAGE_ROOT / "templates", bilingual / "templates")
    strings = bilingual / "templates/strings/ru.yaml"
    strings.write_text(strings.read_text(encoding="utf-8") + "chart_note: График: доли\n", encoding="utf-8")

    code = build(bilingual)

    err = capsys.readouterr().err
    assert code == 1, err
    assert "YAML syntax error" in err and "is missing" not in err, err
    assert err.endswith("\n1 error; nothing was written.\n"), err
