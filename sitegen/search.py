"""Full-text search for a static host: a Pagefind index built from the rendered pages.

Input: the rendered HTML pages. Output: the files of a Pagefind bundle, placed under a
folder named by a hash of the bundle (`static/pagefind.<hash>/`), so hosts cache it for a
year like every other fingerprinted asset, and every rebuilt index gets a new address. Only the part of a page marked
`data-pagefind-body` is indexed, so navigation and footers do not pollute results.
Pagefind runs as a bundled binary (package pagefind-bin); it needs no network.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BUNDLE_PREFIX = "pagefind"
# Pagefind also ships ready-made UIs; our page has its own small script, so they are left out.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def build_search_bundle(pages: dict[str, bytes], base_path: str, language: str) -> tuple[str, dict[str, bytes]]:
    """Index the HTML pages; return (bundle folder, {output path: bytes})."""
    html_pages = {path: html for path, html in pages.items() if path.endswith(".html") and b"data-pagefind-body" in html}
    # In a thread of its own, so that indexing works even where an event loop is already running.
    with ThreadPoolExecutor(max_workers=1) as thread:
        files = thread.submit(asyncio.run, _index(html_pages, base_path, language)).result()
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    folder = f"static/{BUNDLE_PREFIX}.{digest.hexdigest()[:10]}"
    return folder, {f"{folder}/{name}": content for name, content in sorted(files.items())}


async def _index(pages: dict[str, bytes], base_path: str, language: str) -> dict[str, bytes]:
    from pagefind.index import IndexConfig, PagefindIndex

    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as folder:
        # Pagefind indexes a folder with all cores in one request; sending pages one
        # by one over its pipe costs a round trip each (minutes for 1,000 pages).
        site, bundle = Path(folder) / "site", Path(folder) / "bundle"
        for path, html in pages.items():
            # Pages sit under the base path so that result URLs carry it too.
            target = site / base_path.strip("/") / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html)
        config = IndexConfig(output_path=str(bundle), force_language=language)
        async with PagefindIndex(config=config) as index:
            await index.add_directory(str(site))
        return {
            p.relative_to(bundle).as_posix(): p.read_bytes()
            for p in sorted(bundle.rglob("*"))
            if p.is_file() and p.name not in UNUSED_FILES
        }
