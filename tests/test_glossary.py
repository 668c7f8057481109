"""One vocabulary per edition (issue 27): content/glossary.yaml, and `check` warning at each variant to avoid."""

from __future__ import annotations

import shutil
import textwrap

import pytest

from sitegen.checking.glossary import Glossary, Term, glossary_warnings
from sitegen.checking.reader_text import body_passages
from sitegen.commands.cli import main
from sitegen.options import BuildOptions
from sitegen.pipeline import SiteBuilder
from sitegen.reading.project import PACKAGE_ROOT, Project

GLOSSARY = """\
    # The site's words.
    ru:
      - term: соглашение
        means: settlement
        avoid: [урегулир*]
        note: "settlement → соглашение, не «урегулирование»"
    en:
      - term: Bank of Russia
        means: Russia's central bank
        avoid: [Central Bank of Russia]
        note: the bank's own English name
    """
RU_SITE = {"content/site.ru.yaml": "title: Т\ndescription: С.\n"}
RU_ARTICLE = "---\ntitle: Вторая\nsummary: Вторая статья.\ndate: 2024-01-03\ntranslated_from: 2024-01-03\n---\n"
EN_ARTICLE = "---\ntitle: Second article\nsummary: The second article.\ndate: 2024-01-03\n---\n## Details\n\n"


def run_check(root, capsys, *options: str) -> tuple[int, str]:
    code = main(["check", "--content", str(root / "content"), *options])
    return code, capsys.readouterr().err


def test_a_variant_to_avoid_is_a_warning_at_its_line_with_the_term_as_the_hint(make_site, capsys):
    root = make_site({
        "content/glossary.yaml": GLOSSARY,
        "content/articles/second.md": EN_ARTICLE + "The Central Bank of Russia said so.\n",
    })

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert ("content/articles/second.md:8: warning: 'Central Bank of Russia' is not this edition's word for Russia's central bank\n"
            "    8 | The Central Bank of Russia said so.\n"
            "    hint: write 'Bank of Russia': the bank's own English name\n") in err, err
    assert "1 warning; no errors, the site builds." in err, err


def test_a_russian_variant_is_reported_in_the_editors_language(make_site, capsys):
    root = make_site({
        **RU_SITE,
        "content/glossary.yaml": GLOSSARY,
        "content/articles/second.ru.md": RU_ARTICLE + "## Подробности\n\nМинюст и Binance урегулировали дело.\n",
    })

    code, err = run_check(root, capsys, "--lang", "ru")

    assert code == 0, err
    assert ("content/articles/second.ru.md:9: предупреждение: 'урегулировали' — не то слово, которым эта версия сайта "
            "называет settlement\n") in err, err
    assert "    подсказка: напишите 'соглашение': settlement → соглашение, не «урегулирование»\n" in err, err


def test_an_english_variant_is_reported_in_russian_too(make_site, capsys):
    root = make_site({"content/glossary.yaml": GLOSSARY,
                      "content/articles/second.md": EN_ARTICLE + "The central bank of russia agreed.\n"})

    code, err = run_check(root, capsys, "--lang", "ru")

    assert code == 0, err
    assert ("content/articles/second.md:8: предупреждение: 'central bank of russia' — не то слово, которым эта версия "
            "сайта называет Russia's central bank\n") in err, err


def test_each_edition_is_held_to_its_own_words(make_site, capsys):
    root = make_site({
        **RU_SITE,
        "content/glossary.yaml": GLOSSARY,
        "content/articles/second.md": EN_ARTICLE + "The settlement, урегулирование in Russian.\n",
        "content/articles/second.ru.md": RU_ARTICLE + "Central Bank of Russia — английское название.\n",
    })

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert "is not this edition's word" not in err, err


TERMS = Glossary("content/glossary.yaml", {
    "ru": (Term("соглашение", ("урегулир*",), 3, "settlement", None),),
    "en": (Term("Bank of Russia", ("Central Bank of Russia", "CBR"), 8, None, None),),
})


@pytest.mark.parametrize(("language", "line", "found"), [
    ("ru", "Стороны урегулировали спор.", ["урегулировали"]),  # a stem matches every ending
    ("ru", "Урегулирование заняло год.", ["Урегулирование"]),  # case aside
    ("ru", "Вопрос остался неурегулированным.", []),  # not inside a longer word
    ("ru", "Минюст назвал это «урегулированием».", []),  # quoted: the speaker's word
    ("ru", "„урегулирование“ — слово источника.", []),
    ("ru", "`урегулирование` в коде и [@urегулир-2024] в ссылке.", []),
    ("ru", "См. [статью](/articles/urегулирование/) и https://example.org/урегулирование.", []),
    ("en", "The Central  Bank of\nRussia moved.", ["Central  Bank of\nRussia"]),  # any spacing between the words
    ("en", "The CBR and CBRs.", ["CBR"]),  # whole words only
    ("en", 'He said "Central Bank of Russia", and the Central Bank of Russia agreed.', ["Central Bank of Russia"]),
])
def test_variants_match_whole_words_outside_quotes_code_and_addresses(language, line, found):
    warnings = glossary_warnings(TERMS, language, body_passages("a.md", line, 5))

    assert [w.message.split("'")[1] for w in warnings] == found
    if found:
        assert warnings[0].line == 5 + line[:line.index(found[0])].count("\n")


def test_data_files_and_interface_text_are_held_to_the_glossary_at_their_lines(make_site, capsys):
    root = make_site({
        "content/glossary.yaml": GLOSSARY,
        "content/data/events.yaml": """\
            description: >-
              Events of the case,
              as the Central Bank of Russia saw them.
            sources: [test-report]
            rows:
              - event: The Central Bank of Russia spoke.
            """,
    })
    shutil.copytree(PACKAGE_ROOT / "templates", root / "templates")
    strings = root / "templates" / "strings" / "en.yaml"
    strings.write_text(strings.read_text(encoding="utf-8") + "extra_words: Central Bank of Russia\n", encoding="utf-8")
    (root / "templates" / "strings" / "ru.yaml").write_text(
        (root / "templates" / "strings" / "ru.yaml").read_text(encoding="utf-8") + "extra_words: ЦБ\n", encoding="utf-8")

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert "content/data/events.yaml:3: warning: 'Central Bank of Russia'" in err, err
    assert "content/data/events.yaml:6: warning: 'Central Bank of Russia'" in err, err
    lines = strings.read_text(encoding="utf-8").count("\n")
    assert f"templates/strings/en.yaml:{lines}: warning: 'Central Bank of Russia'" in err, err


def test_front_matter_text_is_held_to_the_glossary(make_site, capsys):
    root = make_site({"content/glossary.yaml": GLOSSARY,
                      "content/articles/second.md": EN_ARTICLE.replace("The second article.", "What the Central Bank of Russia did.")})

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert "content/articles/second.md:3: warning: 'Central Bank of Russia'" in err, err


@pytest.mark.parametrize(("glossary", "expected"), [
    ("en:\n  - means: x\n    avoid: [y]\n", "content/glossary.yaml:2: the glossary entry is missing the required field 'term'"),
    ("en:\n  - term: x\n    avoid: []\n", "content/glossary.yaml:3: 'avoid' lists no variant to avoid"),
    ("en:\n  - term: x\n    avod: [y]\n",
     "content/glossary.yaml:3: unknown glossary entry field 'avod'\n    3 |     avod: [y]\n    hint: did you mean 'avoid'?"),
    ("en:\n  - term: x\n    avoid: [y*z]\n", "content/glossary.yaml:3: 'y*z' in 'avoid' is not a word or phrase"),
    ("eng:\n  - term: x\n    avoid: [y]\n", "content/glossary.yaml:1: 'eng' is not a language of this site"),
    ("- term: x\n", "content/glossary.yaml:1: the glossary must list terms under each language, like 'ru:'"),
])
def test_a_malformed_glossary_is_an_error_at_its_line(make_site, capsys, glossary, expected):
    root = make_site({"content/glossary.yaml": glossary})

    code, err = run_check(root, capsys)

    assert code == 1, err
    assert expected in err, err


def test_without_a_glossary_there_is_no_rule(make_site, capsys):
    root = make_site({"content/articles/second.md": EN_ARTICLE + "The Central Bank of Russia said so.\n"})

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert "warning" not in err, err


def test_the_glossary_file_is_not_an_unknown_content_file(make_site, build, capsys):
    root = make_site({"content/glossary.yaml": GLOSSARY})

    assert build(root) == 0
    err = capsys.readouterr().err
    assert "warning" not in err, err
    assert not list((root / "_site").rglob("glossary*"))


def test_an_edit_of_the_glossary_alone_changes_the_warnings_of_the_next_rebuild(make_site):
    """The dev server's builder re-reads only what changed: the glossary is one of the files it watches."""
    root = make_site({"content/articles/second.md": EN_ARTICLE + "The Central Bank of Russia said so.\n"})
    builder = SiteBuilder(Project.from_content_dir(root / "content"), BuildOptions(include_drafts=True, search_index=False))
    glossary = (root / "content" / "glossary.yaml").resolve()

    def warned() -> list[str]:
        return [f"{w.path}:{w.line}" for w in builder.build({glossary}).warnings if "edition's word" in w.message]

    assert [f"{w.path}" for w in builder.build(None).warnings] == []
    glossary.write_text(textwrap.dedent(GLOSSARY), encoding="utf-8")
    assert warned() == ["content/articles/second.md:8"]
    glossary.write_text(textwrap.dedent(GLOSSARY).replace("Central Bank of Russia]", "CBR]"), encoding="utf-8")
    assert warned() == []
    glossary.write_text(textwrap.dedent(GLOSSARY), encoding="utf-8")
    assert warned() == ["content/articles/second.md:8"]
    glossary.unlink()
    assert warned() == []
