"""List the content folder: which files are the site's config, home pages, sources, glossary, articles and data.

Input: a content folder on disk. Output: `ContentFile`s, each with its edition (from a name
such as commex.ru.md) and its part, sorted by path; and the files in articles/ that look like
articles but are not read (x.markdown), which validation warns of. Nothing here reads a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def translation_language(path: Path) -> str | None:
    """Return 'ru' for a translation such as commex.ru.md or timeline.ru.yaml, else None."""
    stem, dot, language = path.stem.rpartition(".")
    return language if dot and stem and len(language) == 2 and language.isalpha() and language.islower() else None


@dataclass(frozen=True)
class ContentFile:
    """One file of the content folder, with what its name says: its edition and its part."""

    path: Path
    language: str | None  # None for the original edition
    part: str  # "config", "home", "article", "data", "sources" (the registry) or "glossary" (content/glossary.yaml)


DATA_SUFFIXES = (".yaml", ".yml")


def list_content_files(content: Path) -> list[ContentFile]:
    """Return every content file, sorted by path: the site configs, home pages, sources registry, articles and data."""
    found = []
    for folder, part, suffixes in ((content, None, (".yaml", ".md")), (content / "articles", "article", (".md",)),
                                   (content / "data", "data", DATA_SUFFIXES)):
        try:
            entries = [entry for entry in os.scandir(folder) if entry.name.endswith(suffixes) and entry.is_file()]
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            path = Path(entry.path)
            language = translation_language(path)
            if part is None:  # the content folder holds only site[.xx].yaml, index[.xx].md, sources.yaml and glossary.yaml
                edition = f".{language}" if language else ""
                kind = {f"site{edition}.yaml": "config", f"index{edition}.md": "home", "sources.yaml": "sources",
                        "glossary.yaml": "glossary"}.get(entry.name)
                if kind is None:
                    continue
            found.append(ContentFile(path, language, part or kind))
    return sorted(found, key=lambda file: file.path)


# Other spellings of Markdown's suffix: a file named so is not an article, and nothing else would say so.
MARKDOWN_LOOKALIKES = (".markdown", ".mdown", ".mkd", ".mkdn", ".txt")


def list_ignored_articles(content: Path) -> list[Path]:
    """Return the files in content/articles/ that look like articles but are not read: 'x.markdown', 'x.MD'."""
    try:
        with os.scandir(content / "articles") as entries:
            # By the name first: at 10,000 articles, a Path for each cost 100 ms of every dev-server edit (issue 29).
            paths = [Path(entry.path) for entry in entries if _may_be_lookalike(entry.name) and entry.is_file()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(p for p in paths if p.suffix.lower() in MARKDOWN_LOOKALIKES or (p.suffix.lower() == ".md" and p.suffix != ".md"))


def _may_be_lookalike(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(MARKDOWN_LOOKALIKES) or (lower.endswith(".md") and not name.endswith(".md"))


def has_data_files(content: Path) -> bool:
    """Tell whether content/data/ holds a data file (listing that folder alone)."""
    try:
        with os.scandir(content / "data") as entries:
            return any(entry.name.endswith(DATA_SUFFIXES) and entry.is_file() for entry in entries)
    except (FileNotFoundError, NotADirectoryError):
        return False


