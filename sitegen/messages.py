"""What sitegen says to editors, in English or in Russian (issue 21).

Every message of `check`, `build`, `serve`, `new` and the dev server's error panel goes
through `_()` (or `ngettext()` when it counts something): its English text is the key, and
the catalogue sitegen/locale/ru/LC_MESSAGES/sitegen.po holds the Russian. Values go in as
named fields, so a translation may put them where its grammar wants them:

    _("the link '{href}' leads nowhere", href=href)

A message kept in a constant is marked with `N_()` for the catalogue and translated with
`_()` where it is shown. The language is chosen once per run: `--lang`, else the locale
(LC_ALL, then LC_MESSAGES, then LANG, as POSIX orders them), else English.
"""

from __future__ import annotations

import functools
import gettext
import io
import os
from collections.abc import Mapping
from pathlib import Path

LANGUAGES = ("en", "ru")
DOMAIN = "sitegen"
LOCALE_DIR = Path(__file__).parent / "locale"
# Carries the choice to the fresh worker processes (parallel.FreshWorkers), which start anew.
LANGUAGE_VARIABLE = "SITEGEN_LANGUAGE"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _(message: str, **values: object) -> str:
    """Return the message in the chosen language, its {fields} filled in."""
    text = _translation.gettext(message)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, count: int, **values: object) -> str:
    """Return the form of the message for this count ({count} is filled in): Russian has three."""
    return _translation.ngettext(singular, plural, count).format(count=count, **values)


def pgettext(context: str, message: str, **values: object) -> str:
    """Return the message as said in this context: one English word may need several Russian forms."""
    text = _translation.pgettext(context, message)
    return text.format(**values) if values else text


def number(value: float, pattern: str = "#,##0") -> str:
    """Write a number as the language does: 100,000 and 12.5 in English, 100 000 and 12,5 in Russian.

    `pattern` is a Unicode (CLDR) number pattern: "0.0" for one decimal, "0.00" for two.
    """
    from babel.numbers import format_decimal

    return format_decimal(value, pattern, locale=_language)


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark a message for the catalogue without translating it yet."""
    return message


def language_from_locale(environ: Mapping[str, str]) -> str:
    """Return 'ru' when the locale that decides messages is Russian, else 'en'."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:  # the first one set decides, even when it is not Russian
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


def use_language(language: str) -> None:
    """Speak this language from now on, in this process and the workers it starts."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _translation = catalogue_translation(language) if language != "en" else gettext.NullTranslations()
    _language = language
    os.environ[LANGUAGE_VARIABLE] = language


def current_language() -> str:
    return _language


@functools.cache
def catalogue_translation(language: str) -> gettext.GNUTranslations:
    """Read the language's .po catalogue and compile it in memory.

    No compiled .mo file is kept in git: it could fall behind the .po an editor changed.
    Compiling some 300 messages takes a few milliseconds, once per run.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(catalogue_path(language), "rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
