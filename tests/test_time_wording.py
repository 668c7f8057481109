"""Time-aware wording (issue 27): planned dates that have passed, and sentences that read as current.

"Today" is the day of the build; these tests use dates far in the past (2001) or far in the
future (2999), or give the day themselves, so they never depend on when they run.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.checking.reader_text import body_passages
from sitegen.checking.time_wording import planned_date_warnings, present_tense_warnings
from sitegen.commands.cli import main
from sitegen.reading.content import read_data
from sitegen.reading.project import Project

RU_SITE = {"content/site.ru.yaml": "title: Т\ndescription: С.\n"}
EN_ARTICLE = "---\ntitle: Second article\nsummary: The second article.\ndate: 2024-01-03\n---\n"
RU_ARTICLE = "---\ntitle: Вторая\nsummary: Вторая статья.\ndate: 2024-01-03\ntranslated_from: 2024-01-03\n---\n"


def timeline(*rows: str, outcome_column: bool = True) -> str:
    columns = ("columns:\n  date: date\n  until: {type: date, optional: true}\n  certainty: category\n  event: text\n"
               + ("  outcome: {type: text, optional: true}\n" if outcome_column else ""))
    return "sources: [test-report]\n" + columns + "rows:\n" + "".join(rows)


def row(date: str, certainty: str = "planned", extra: str = "") -> str:
    return f"  - date: {date}\n    certainty: {certainty}\n    event: A target date.\n{extra}"


def run_check(root, capsys, *options: str) -> tuple[int, str]:
    code = main(["check", "--content", str(root / "content"), *options])
    return code, capsys.readouterr().err


def test_a_planned_row_whose_date_has_passed_is_a_warning_at_its_line(make_site, capsys):
    root = make_site({"content/data/events.yaml": timeline(row("2001-07-01"), row("2999-07-01"))})

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert ("content/data/events.yaml:9: warning: planned for 1 July 2001, which has passed: say whether it happened, "
            "or mark it as not known\n"
            "    9 |   - date: 2001-07-01\n"
            "    hint: add 'outcome:' to the row: what happened, citing its source, or that the sources do not say\n") in err, err
    assert "2999" not in err, err
    assert "1 warning; no errors" in err, err


def test_the_planned_date_warning_speaks_the_editors_language(make_site, capsys):
    root = make_site({"content/data/events.yaml": timeline(row("2001-07"))})

    code, err = run_check(root, capsys, "--lang", "ru")

    assert code == 0, err
    assert "content/data/events.yaml:9: предупреждение: запланировано на июль 2001, и эта дата прошла" in err, err


def test_a_planned_row_that_says_its_outcome_is_not_warned_about(make_site, capsys):
    root = make_site({"content/data/events.yaml": timeline(row("2001-07-01", extra="    outcome: Not reported.\n"))})

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert "warning" not in err, err


def test_the_hint_says_to_declare_the_outcome_column_when_the_file_has_none(make_site, capsys):
    root = make_site({"content/data/events.yaml": timeline(row("2001-07-01"), outcome_column=False)})

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert "declare it first under 'columns:' as 'outcome: {type: text, optional: true}'" in err, err


@pytest.mark.parametrize(("rows", "today", "lines"), [
    ("- {date: 2026-07-01, certainty: planned}\n", dt.date(2026, 7, 1), []),  # the day itself has not passed
    ("- {date: 2026-07-01, certainty: planned}\n", dt.date(2026, 7, 2), [1]),
    ("- {date: 2026-07, status: Planned}\n", dt.date(2026, 7, 31), []),  # a month passes when it ends
    ("- {date: 2026-07, status: planned}\n", dt.date(2026, 8, 1), [1]),
    ("- {date: 2020-01-01, until: 2026-07-01, status: planned}\n", dt.date(2026, 6, 1), []),  # 'until' decides
    ("- {date: 2020-01-01, certainty: firm}\n", dt.date(2026, 6, 1), []),  # not planned
    ("- {date: 2020-01-01, certainty: planned, outcome: Met.}\n", dt.date(2026, 6, 1), []),
])
def test_a_row_is_planned_by_certainty_or_status_and_passed_by_until_or_date(tmp_path, rows, today, lines):
    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "plans.yaml"
    path.write_text(rows, encoding="utf-8")
    raw = read_data(path, Project.from_content_dir(tmp_path / "content"))

    assert [w.line for w in planned_date_warnings([raw], today)] == lines


@pytest.mark.parametrize(("language", "text", "words"), [
    ("en", "Binance still serves Russian users.", ["still"]),
    ("en", "The exchange currently has no licence.", ["currently"]),
    ("en", "The channel continues to post news.", ["continues to"]),
    ("en", "The site is now closed. In 2024 it was open.", ["now"]),  # one sentence, not the next
    ("en", "As of September 2024, Binance still served them.", []),  # says when
    ("en", "In 2024 Binance still serves them, it said.", []),  # a year says when
    ("en", "Binance said it still served a limited number of users.", []),  # the past tense tells of then
    ("en", "A year later the channel was still active, and it still posts.", []),  # a time told from another
    ('en', 'A spokesperson said the company "still serves" them.', []),  # the speaker's words
    ("en", "## What remains open", []),  # what the sources leave open is the briefing's, not the world's
    ("en", "A statement describes the date of its sources, not today.", []),
    ("en", "`still` in code, and [still](/articles/now/).", ["still"]),  # link text is read; its address is not
    ("ru", "Binance до сих пор обслуживает россиян.", ["до сих пор"]),
    ("ru", "Сейчас биржа закрыта.", ["Сейчас"]),
    ("ru", "Канал продолжает публиковать новости.", ["продолжает"]),
    ("ru", "По состоянию на сентябрь 2024 года Binance по-прежнему обслуживала их.", []),
    ("ru", "Компания по-прежнему работала в России, говорится в отчёте.", []),  # прошедшее время
    ("ru", "## Что по-прежнему неизвестно", []),
    ("ru", "Представитель сказал, что биржа «по-прежнему обслуживает» их.", []),
])
def test_a_sentence_that_reads_as_current_without_saying_when_is_found(language, text, words):
    warnings = present_tense_warnings(language, body_passages("a.md", text, 7))

    assert [w.message.split("'")[1] for w in warnings] == words
    assert all(w.line == 7 for w in warnings)


def test_the_present_tense_warning_is_at_the_line_in_either_language(make_site, capsys):
    root = make_site({
        **RU_SITE,
        "content/articles/second.md": EN_ARTICLE + "## Details\n\nBinance\nstill serves users [@test-report].\n",
        "content/articles/second.ru.md": RU_ARTICLE + "## Подробности\n\nBinance до сих пор обслуживает россиян [@test-report].\n",
    })

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert ("content/articles/second.md:9: warning: 'still': this sentence reads as current: say when (as of …)\n"
            "    9 | still serves users [@test-report].\n"
            "    hint: say when it was so, e.g. 'as of September 2024' or 'in 2024', or tell it in the past tense\n") in err, err
    assert "content/articles/second.ru.md:9: warning: 'до сих пор': this sentence reads as current" in err, err

    code, err = run_check(root, capsys, "--lang", "ru")

    assert "content/articles/second.ru.md:9: предупреждение: 'до сих пор': предложение читается как рассказ о настоящем" in err, err


def test_dated_rows_and_change_notes_say_when_themselves(make_site, capsys):
    root = make_site({
        "content/data/events.yaml": timeline(row("2001-07-01", "firm").replace("A target date.", "It still runs.")),
        "content/articles/second.md": EN_ARTICLE.replace("date: 2024-01-03\n", "date: 2024-01-03\nchanges:\n"
                                                         "  - {date: 2024-02-01, kind: update, note: Now cited.}\n")
        + "## Details\n",
    })

    code, err = run_check(root, capsys)

    assert code == 0, err
    assert "reads as current" not in err, err


NEWER_SOURCE = """\
- id: later-report
  outlet: The Later Times
  title: A later report
  url: https://example.org/later
  published: 2024-06-15
  language: en
  kind: news
  accessed: {today}
"""


def test_the_home_page_says_how_current_the_whole_briefing_is_and_follows_each_new_citation(make_site, build):
    root = make_site()
    sources = root / "content" / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + NEWER_SOURCE.format(today=dt.date.today()), encoding="utf-8")
    assert build(root) == 0
    home = (root / "_site" / "index.html").read_text(encoding="utf-8")
    assert ("<p class=\"facts-as-of\">The briefing's facts as of its newest source: "
            '<time datetime="2024-01-01">1 January 2024</time></p>') in home.replace("&#39;", "'"), home

    second = root / "content" / "articles" / "second.md"
    second.write_text(second.read_text(encoding="utf-8") + "\nLater news [@later-report].\n", encoding="utf-8")
    assert build(root) == 0  # the home page's own inputs did not change, but what it shows did (.cache/ is in use)

    home = (root / "_site" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2024-06-15">15 June 2024</time></p>' in home, home


def test_the_timeline_shows_a_planned_rows_outcome_under_its_event(make_site, build):
    root = make_site({
        "content/data/timeline.yaml": timeline(row("2001-07-01", extra="    outcome: Whether it was met is not reported.\n"
                                                                      "    sources: [test-report]\n")),
        "content/articles/events.md": "---\ntitle: Events\nsummary: The events.\ndate: 2024-01-04\nlayout: timeline\n---\n"
                                      "The events in order [@test-report].\n",
    })

    assert build(root) == 0
    page = (root / "_site" / "articles" / "events" / "index.html").read_text(encoding="utf-8")
    assert "A target date." in page
    assert '<p class="outcome">Whether it was met is not reported.</p>' in page, page
