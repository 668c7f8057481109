"""Typography: no-break spaces where a line must not break, per language, in built HTML and SVG.

Input: a page's (or a chart drawing's) markup as the build made it, or a plain text such as
a feed entry's title, and the edition's language. Output: the same text with some spaces in
its text nodes made no-break spaces (U+00A0), so that "10 000 евро", "47 %" or "4.3 billion"
never break across lines on a phone (issue 27). Editors type plain spaces; the build
places the no-break ones.

Russian: inside digit groups (10 000), between a number and %, a unit or a scale word
(млн, млрд, тыс., кВт·ч, ₽, евро, ...), between a scale word and a currency (млрд $),
after № and §, after a one-letter word (в, с, к, и, а, о, у, я) and before a dash.
English: between a number and its unit or scale word (4.3 billion, 10,000 euros, 6,000 kWh).
Both: in a quarter or half and its year (Q1 2024, H2 2025). Quotes are left as written.
Dates (10 мая, 23 October) are left as written: a break there misleads no one, as one inside
"10 000" does.

Every rule replaces exactly one whitespace character with one U+00A0 (the one used for
digit groups too, as Babel writes Russian numbers: one kind of space, which every font
has). Because lengths do not change, the text nodes of a run of inline elements
("в <a>Москве</a>") are typeset together and cut back at the same places. Tags, and so
every attribute (href, data-*, aria-label), are copied as they are; nothing inside
<code>, <pre>, <kbd>, <samp>, <var>, <script>, <style> or <textarea>, and no URL written in
the text, is changed. The rules are compiled once per language.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"

# Each rule is one whitespace character, then lookarounds that say where it stands (the "."
# in a lookbehind is that space); then the space must be alone: a line break followed by
# a template's indentation is left as it is. Starting with the space lets the regex engine
# skip from space to space, and each rule's first test is of one character: 20 times
# faster on a page than rules led by their lookbehinds.
_SPACE = r"[ \t\n]"
_ALONE = r"(?<![ \t\n]{2}) (?![ \t\n])"
_DASH = r"(?:—|&mdash;|&\#8212;|&\#x2014;|–[ \t\n])"  # an em dash, or an en dash used as one

_RUSSIAN_UNITS = r"""
    (?: %  | ‰ | процент(?:а|ов)?                                    # per cent
      | тыс\. | тысяч[аиу]? | млн | млрд | трлн                      # scale words, abbreviated
      | миллион(?:а|ов)? | миллиард(?:а|ов)? | триллион(?:а|ов)?     # and written out
      | ₽ | \$ | € | руб\. | рубл(?:ь|я|ей|ям|ями|ях) | коп\.         # currencies
      | долл\. | доллар(?:а|ов|ы|ам|ами|ах)? | евро
      | USD | EUR | RUB | USDT | BTC
      | [кМГТ]Вт(?:[·⋅]ч)?                                            # power and energy
      | гг?\.                                                        # 2024 г., 2023–2024 гг.
    )(?!\w)
"""

_ENGLISH_UNITS = r"""
    (?: % | per\ ?cent
      | thousand | million | billion | trillion | bn | mn             # scale words
      | euros? | dollars? | roubles? | rubles?                        # currencies
      | USD | EUR | RUB | USDT | BTC
      | [kMGT]Wh?                                                     # power and energy: kW, kWh, ...
    )(?!\w)
"""

_PERIOD_YEAR = r"(?<=\b[QH][1-4].) (?=\d{4}(?!\d))"  # Q1 2024, H2 2025

_RUSSIAN = re.compile(
    _SPACE + r"""
    (?: (?<=\d.)
        (?: (?<!\d{4}.) (?=\d{3}(?!\d))                                # inside digit groups: 10 000, 1 500 000
          | (?=""" + _RUSSIAN_UNITS + r""")                              # a number and its unit: 47 %, 15 млрд
          | """ + _PERIOD_YEAR + r"""
        )
      | (?<=[вскиаоуя].) (?<![\w&\#-].{2}) (?=\S)                      # a one-letter word and the next: в 2024
      | (?=""" + _DASH + r""") (?<=\S.)                                # the word before a dash: слово — слово
      | (?<=[№§].)                                                    # № 5, § 3
      | (?<=[.нд].) (?: (?<=\bтыс\..) | (?<=\bмлн.) | (?<=\bмлрд.) | (?<=\bтрлн.) )  # a scale word and a currency
        (?= (?:₽|\$|€|руб\.|долл\.|евро)(?!\w) )                         # 15 млрд $
    )
    """ + _ALONE,
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)

_ENGLISH = re.compile(
    _SPACE + r"""
    (?: (?<=\d.)
        (?: (?=""" + _ENGLISH_UNITS + r""")                              # a number and its unit: 4.3 billion
          | """ + _PERIOD_YEAR + r"""
        )
      | (?<=[№§].)                                                    # § 3
    )
    """ + _ALONE,
    re.VERBOSE | re.DOTALL,
)

RULES = {"ru": _RUSSIAN, "en": _ENGLISH}

# A URL written in the text is left as it is, and nothing next to it is joined to it.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+")

# A tag's attributes: a quoted value may hold '>' (written unrolled, which is much faster).
_ATTRIBUTES = r"""[^>"']* (?: (?:"[^"]*"|'[^']*') [^>"']* )*"""
# Elements that do not end a run of text: "в <a>Москве</a>" is typeset as "в Москве".
INLINE = ("a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "mark", "q", "s", "small", "span",
          "strong", "sub", "sup", "time", "u")
# Elements whose content is never typeset: code, what a reader types or a program reads.
UNTOUCHED = ("code", "pre", "kbd", "samp", "var", "script", "style", "textarea")

# What ends a run of text: an untouched element whole, any tag but an inline one, a comment.
# Consecutive ones, with the whitespace between them, are one match (most of a chart's
# drawing is one), so Python sees each run of text once, not each tag.
_BREAK = r"""
    (?: <!--.*?-->                                                # a comment
      | <!\[CDATA\[.*?\]\]>                                       # character data (in SVG)
      | <[!?][^>]*>                                               # a doctype, an XML declaration
      | """ + "\n      | ".join(rf"<{name}(?![\w:.-]) {_ATTRIBUTES} > .*? </{name}\s*>" for name in UNTOUCHED) + r"""
      | </? (?!(?:""" + "|".join(INLINE) + r""")(?![\w:.-])) [a-z][\w:.-]* """ + _ATTRIBUTES + r""" >  # a tag
    )
"""
_BREAKS = re.compile(f"({_BREAK}(?:\\s*{_BREAK})*)", re.VERBOSE | re.DOTALL | re.IGNORECASE)
_INLINE_TAG = re.compile(r"(</?[a-z][\w:.-]*" + _ATTRIBUTES + ">)", re.VERBOSE | re.IGNORECASE)


def _rules(language: str) -> re.Pattern | None:
    return RULES.get(language.partition("-")[0].lower())


def _apply(rules: re.Pattern, text: str) -> str:
    """Typeset a text with no markup, leaving the URLs in it as they are."""
    if "://" not in text and "www." not in text:
        return rules.sub(NBSP, text)
    parts = _URL.split(text)
    urls = [*_URL.findall(text), ""]
    return "".join(rules.sub(NBSP, part) + url for part, url in zip(parts, urls, strict=True))


def _typeset_run(rules: re.Pattern, run: str) -> str:
    """Typeset a run of text and inline tags: the texts together, the tags as they are."""
    if "<" not in run:
        return _apply(rules, run)
    parts = _INLINE_TAG.split(run)  # text, tag, text, ..., text
    texts = parts[0::2]
    joined = "".join(texts)
    typeset = _apply(rules, joined)
    if typeset == joined:
        return run
    start = 0
    for number, text in enumerate(texts):  # cut back where the tags were: every rule keeps the length
        parts[2 * number] = typeset[start:start + len(text)]
        start += len(text)
    return "".join(parts)


def typeset_text(text: str, language: str) -> str:
    """Return plain text (no markup) with the language's no-break spaces in place."""
    rules = _rules(language)
    return _apply(rules, text) if rules is not None and text else text


def typeset_html(markup: str, language: str) -> str:
    """Return HTML or SVG with the language's no-break spaces in its text nodes; tags and code untouched."""
    rules = _rules(language)
    if rules is None:
        return markup
    parts = _BREAKS.split(markup)  # run, breaks, run, ..., run
    parts[0::2] = [_typeset_run(rules, run) if run else run for run in parts[0::2]]
    return "".join(parts)
