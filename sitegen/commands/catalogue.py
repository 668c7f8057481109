"""Keep the Russian message catalogue in step with the code: `make messages`.

Input: sitegen's Python files, whose `_()`, `ngettext()` and `N_()` calls hold every
message in English. Output: sitegen/locale/ru/LC_MESSAGES/sitegen.po, updated by Babel:
a new message is added with an empty translation, a changed one is marked fuzzy with its
old translation as a start, a removed one is dropped. tests/test_messages.py fails until
every message has its Russian, so none reaches an editor in one language only.

No template (.pot) file is kept: the code is the template, read afresh each time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from ..messages import DOMAIN, catalogue_path

PACKAGE = Path(__file__).resolve().parents[1]  # the sitegen package
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
LINE_WIDTH = 100


def extract_messages(package: Path = PACKAGE) -> Catalog:
    """Return every message the code can say, as a catalogue with empty translations."""
    template = Catalog(domain=DOMAIN, project="sitegen", charset="utf-8")
    for filename, line, message, comments, context in extract_from_dir(
            package, method_map=[("**.py", "python")], keywords=KEYWORDS):
        template.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return template


def read_catalogue(language: str) -> Catalog:
    with open(catalogue_path(language), "rb") as po_file:
        return read_po(po_file, locale=language, domain=DOMAIN)


def write_catalogue(catalog: Catalog, language: str) -> None:
    path = catalogue_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as po_file:
        # Sorted and without source lines: moving code does not change the file.
        write_po(po_file, catalog, width=LINE_WIDTH, no_location=True, omit_header=False,
                 sort_output=True, ignore_obsolete=True)


def update_catalogue(language: str = "ru") -> list[str]:
    """Bring the catalogue up to date with the code; return the messages still untranslated."""
    catalog = read_catalogue(language) if catalogue_path(language).exists() else Catalog(locale=language, domain=DOMAIN)
    created = catalog.creation_date
    catalog.update(extract_messages(), update_header_comment=False)
    catalog.creation_date = created  # else every update changes the header, and the diff with it
    write_catalogue(catalog, language)
    return [str(message.id) for message in catalog if message.id and (not message.string or message.fuzzy)]


def main() -> int:
    untranslated = update_catalogue()
    for message in untranslated:
        print(f"untranslated: {message}", file=sys.stderr)
    print(f"{catalogue_path('ru')}: {len(untranslated)} message(s) to translate", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
