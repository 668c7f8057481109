"""`build.py new "Title"`: a draft article with valid front matter and the placeholder text.

Input: the project and the title. Output: content/articles/<slug>.md, which the build
refuses to publish while its placeholder text remains (checking/likely_mistakes.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from ..checking.placeholders import PLACEHOLDER_BODY, PLACEHOLDER_SUMMARY
from ..errors import BuildFailed, SiteError
from ..messages import _
from ..reading.project import Project

NEW_ARTICLE = f"""\
---
title: {{title}}
summary: {PLACEHOLDER_SUMMARY}
date: {{date}}
draft: true
---

{PLACEHOLDER_BODY}"""


def slugify(title: str) -> str:
    """Turn a title into a file name: 'Telegram, again!' -> 'telegram-again'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def write_new_article(project: Project, content: Path, title: str) -> Path:
    """Write a draft article named for its title into content/articles/ and return its path."""
    slug = slugify(title)
    articles = content / "articles"
    path = articles / f"{slug}.md"
    if not slug:
        raise BuildFailed([SiteError(project.display(articles), None,
                                     _("cannot make a file name from the title '{title}'", title=title),
                                     _("use a title with letters or digits"))])
    if path.exists():
        raise BuildFailed([SiteError(project.display(path), None, _("an article with this file name already exists"),
                                     _("choose another title, or edit the existing file"))])
    articles.mkdir(parents=True, exist_ok=True)
    # A JSON string is a valid YAML double-quoted scalar: quotes and backslashes escaped.
    quoted = json.dumps(title, ensure_ascii=False)
    path.write_text(NEW_ARTICLE.format(title=quoted, date=dt.date.today().isoformat()), encoding="utf-8")
    return path
