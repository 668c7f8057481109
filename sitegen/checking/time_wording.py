"""Time-aware wording (issue 27): what was planned and has passed, and sentences that read as current.

Input: the raw data files of every edition, the passages readers read (checking/reader_text.py)
and the day of the build. Output: warnings, each at a file and line:
- a data row marked as planned (`certainty: planned` or `status: planned`) whose date
  (`until`, else `date`) has passed, unless the row says what came of it in `outcome:`;
- a sentence with a word that makes it read as current ("still", "now", «до сих пор»,
  «сейчас» ...) and nothing in it that says when ("as of", a year, «по состоянию на»):
  read in a year's time, it would be wrong. A word inside quotation marks is the
  speaker's; a data row with a date, and a dated change note, say when themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ..dates import format_partial_date, parse_partial_date
from ..errors import SiteError
from ..messages import _, current_language
from ..reading.content import RawData
from ..reading.yaml_lines import LineDict, LineList
from .reader_text import QUOTED, Passage

PLANNED = "planned"
PLANNED_KEYS = ("certainty", "status")
OUTCOME = "outcome"


def planned_date_warnings(data_files: Iterable[RawData], today: dt.date) -> list[SiteError]:
    """Warn at each row planned for a date before `today` that has no `outcome:`."""
    warnings = []
    for raw in data_files:
        value = raw.value
        declared = value.get("columns") if isinstance(value, LineDict) else None
        rows = value.get("rows") if isinstance(value, LineDict) else value
        if not isinstance(rows, LineList):
            continue
        for row, line in zip(rows, rows.item_lines, strict=False):
            if not isinstance(row, LineDict) or not any(str(row.get(key, "")).strip().lower() == PLANNED for key in PLANNED_KEYS):
                continue
            outcome = row.get(OUTCOME)
            if isinstance(outcome, str) and outcome.strip():
                continue
            when = parse_partial_date(row.get("until") or row.get("date"))
            if when is None or when.last_day >= today:
                continue
            if isinstance(declared, LineDict) and OUTCOME not in declared:
                hint = _("add 'outcome:' to the row: what happened, citing its source, or that the sources do not say; "
                         "declare it first under 'columns:' as 'outcome: {type: text, optional: true}'")
            else:
                hint = _("add 'outcome:' to the row: what happened, citing its source, or that the sources do not say")
            warnings.append(SiteError(raw.display_path, line,
                                      _("warning: planned for {date}, which has passed: say whether it happened, "
                                        "or mark it as not known", date=format_partial_date(when, current_language())),
                                      hint))
    return warnings


# How each word below begins, in lowercase: a page where no word begins so is not searched further.
CURRENT_WORD_STARTS = {
    "en": ("still", "currently", "now", "today", "remains", "continue"),
    "ru": ("сих", "прежнему", "сейчас", "сегодня", "настоящее", "теперь", "ныне", "продолжа"),
}
# Words that make a sentence read as current, and words that say when; per language.
_CURRENT = {
    "en": r"(?:still|currently|now|today|remains|continues?\s+to)",
    "ru": r"(?:до\s+сих\s+пор|по-прежнему|сейчас|сегодня|в\s+настоящее\s+время|теперь|ныне|продолжа(?:ет|ют|ется|ются))",
}
CURRENT_WORDS = {language: re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE) for language, words in _CURRENT.items()}
DATE_ANCHORS = {
    "en": re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|\bas\s+of\b|\bat\s+(?:the|that)\s+time\b|\bthen\b"
                     r"|\b(?:years?|months?|weeks?|days?)\s+(?:later|after)\b", re.IGNORECASE),
    "ru": re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|по\s+состоянию\s+на|на\s+момент|в\s+то\s+время|к\s+тому\s+времени"
                     r"|(?<!\w)(?:тогда|спустя|через\s+(?:год|месяц|неделю|\d+))(?!\w)", re.IGNORECASE),
}
# What the sources leave open is said of the briefing, not of the world: "what remains open", «по-прежнему неизвестно».
WHAT_IS_NOT_KNOWN = {
    "en": re.compile(r"\s+(?:(?:is|are)\s+)?(?:unknown|unclear|open|unanswered|not\s+(?:known|clear))\b", re.IGNORECASE),
    "ru": re.compile(r"\s+(?:не\s*известн|не\s*ясн|открыт|без\s+ответа|не\s+установлен)", re.IGNORECASE),
}
# "still" or "now" next to a verb in the past tells of then, not of now: "said it still served", «по-прежнему работала».
PAST_WHEN_NEXT_TO = {
    "en": re.compile(r"(?:still|now)", re.IGNORECASE),
    "ru": re.compile(r"(?:по-прежнему|сейчас|теперь)", re.IGNORECASE),
}
PAST_VERB = {
    "en": re.compile(r"\w+ed|was|were|had|did|could|would|might|held|kept|ran|got|went|made|said|told|paid|sold|left"
                     r"|sent|spent|knew|saw|took|gave|came|became|found|put|set|stood|meant|thought|brought",
                     re.IGNORECASE),
    "ru": re.compile(r"\w+(?:л|ла|ло|ли|лся|лась|лось|лись)|был|была|было|были", re.IGNORECASE),
}
PRESENT_AUXILIARY = re.compile(r"is|are|am|has|have|remains|есть", re.IGNORECASE)
NEGATION = frozenset({"not", "no", "never", "не", "ни"})
WORD = re.compile(r"[\w-]+")
# A sentence ends at . ! ? or … after a lowercase letter, a digit or a closing bracket or quote ("U.S. Treasury" does not).
SENTENCE_END = re.compile(r"(?<=[a-zа-яё0-9)\]»\"”][.!?…])\s+")


def may_read_as_current(language: str, lowered: str) -> bool:
    """Tell whether a lowercase text may hold a sentence that reads as current: a quick look for a word
    beginning as one of the words does ("now" in "nowhere" too, not in "know"), faster than any expression."""
    for start in CURRENT_WORD_STARTS.get(language, ()):
        position = lowered.find(start)
        while position >= 0:
            if position == 0 or not (lowered[position - 1].isalnum() or lowered[position - 1] == "_"):
                return True
            position = lowered.find(start, position + 1)
    return False


def present_tense_warnings(language: str, passages: Iterable[Passage]) -> list[SiteError]:
    """Warn at each sentence of an edition's pages and data that reads as current without saying when."""
    current, anchor = CURRENT_WORDS.get(language), DATE_ANCHORS.get(language)
    if current is None or anchor is None:
        return []
    warnings = []
    for passage in passages:
        if passage.dated or passage.kind == "strings" or not current.search(passage.text):
            continue
        for start, sentence in sentences(passage.text):
            if anchor.search(sentence):
                continue
            unquoted = _blank_quotes(sentence)
            for match in current.finditer(unquoted):
                if not (tells_of_the_past(language, unquoted, match) or is_negated(unquoted, match)
                        or WHAT_IS_NOT_KNOWN[language].match(unquoted, match.end())):
                    warnings.append(SiteError(passage.path, passage.line_at(start + match.start()),
                                              _("warning: '{word}': this sentence reads as current: say when (as of …)",
                                                word=match.group()),
                                              _("say when it was so, e.g. 'as of September 2024' or 'in 2024', "
                                                "or tell it in the past tense")))
                    break  # one warning per sentence
    return warnings


def sentences(text: str) -> list[tuple[int, str]]:
    """Return each sentence of a passage with its position in it."""
    found, start = [], 0
    for end in SENTENCE_END.finditer(text):
        found.append((start, text[start:end.start()]))
        start = end.end()
    found.append((start, text[start:]))
    return found


def tells_of_the_past(language: str, sentence: str, match: re.Match) -> bool:
    """Tell whether a "still" or "now" stands next to a verb in the past tense (a negation between them aside).

    After "is" or "has" the word that follows is not a past tense: "is now closed", "has still not paid".
    """
    if not PAST_WHEN_NEXT_TO[language].fullmatch(match.group()):
        return False
    before = [w for w in WORD.findall(sentence[:match.start()]) if w.lower() not in NEGATION][-1:]
    after = [w for w in WORD.findall(sentence[match.end():]) if w.lower() not in NEGATION][:1]
    if before and PRESENT_AUXILIARY.fullmatch(before[0]):
        return False
    return any(PAST_VERB[language].fullmatch(word) for word in before + after)


def is_negated(sentence: str, match: re.Match) -> bool:
    """Tell whether the word follows a negation: "not today", «не сейчас»."""
    before = WORD.findall(sentence[:match.start()])[-1:]
    return bool(before) and before[0].lower() in NEGATION


def _blank_quotes(sentence: str) -> str:
    return QUOTED.sub(lambda quote: " " * len(quote.group()), sentence)
