"""Full-text search for a static host: Pagefind indexes built from the rendered pages.

Input: the rendered HTML pages of one edition, by their digests in the build's file store.
Output: one or more Pagefind bundles, their files put in the same store,
each in a folder named by a hash of its files (`static/pagefind.<hash>/`), so hosts
cache it for a year like every other fingerprinted asset, and every rebuilt index gets a
new address. Only the part of a page marked `data-pagefind-body` is indexed, so
navigation and footers do not pollute results. Pagefind is the binary that the
pagefind-bin package ships; it needs no network.

A large edition is indexed in shards of PAGES_PER_SHARD pages, one Pagefind process at
a time: Pagefind holds about 270 KB per page while it indexes (2.3 GB for 10,000
articles in one run), and a shard bounds that. The search page loads the first bundle
and merges the others into it (Pagefind's `mergeIndex`), so a reader searches them all
at once. A site of up to PAGES_PER_SHARD articles has a single bundle.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from .store import FileStore

BUNDLE_PREFIX = "pagefind"
PAGES_PER_SHARD = 500
# One Pagefind process at a time, whichever edition it indexes: the memory bound is per process.
_ONE_PAGEFIND_AT_A_TIME = threading.Lock()
# Pagefind also ships ready-made UIs; our page has its own small script, so they are left out.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")

Bundle = tuple[str, dict[str, str]]  # (its folder in the site, {output path: digest in the store})
Pages = dict[str, str]  # output path -> digest of the page in the store


def shards(pages: Pages, size: int | None = None) -> list[Pages]:
    """Split pages, in path order, into groups of at most `size`.

    An edited page changes its own shard only; an added or removed one shifts the shards after it.
    """
    size = size or PAGES_PER_SHARD
    ordered = sorted(pages)
    # An edition with nothing to index still gets an (empty) bundle: its search page works and finds nothing.
    return [{path: pages[path] for path in ordered[start:start + size]} for start in range(0, len(ordered), size)] or [{}]


def shard_key(pages: Pages, base_path: str, language: str) -> str:
    """Return a hash of everything a shard's bundle is made from."""
    digest = hashlib.sha256(f"{base_path}\0{language}".encode())
    for path in sorted(pages):
        digest.update(f"\0{path}\0{pages[path]}".encode())
    return digest.hexdigest()


class SearchIndexing:
    """Pagefind runs over some shards, one after another in the background; `result()` collects the bundles.

    Pagefind works mostly on one core in its own process, so the build draws social
    cards on the other cores while it indexes.
    """

    def __init__(self, shards_to_index: list[Pages], store: FileStore, base_path: str, language: str,
                 progress: Callable[[int, int, str], None] | None = None) -> None:
        self._bundles: list[Bundle | None] = [None] * len(shards_to_index)
        self._failure: BaseException | None = None
        self._progress = progress
        self._thread = threading.Thread(target=self._index_all, args=(shards_to_index, store, base_path, language),
                                        name="pagefind", daemon=True)
        self._thread.start()

    def _index_all(self, shards_to_index: list[Pages], store: FileStore, base_path: str, language: str) -> None:
        try:
            for number, pages in enumerate(shards_to_index):
                self._bundles[number] = index_shard(pages, store, base_path, language)
                if self._progress:
                    self._progress(number + 1, len(shards_to_index), f"search index shards ({language})")
        except BaseException as failure:  # handed to the caller of result()
            self._failure = failure

    def result(self) -> list[Bundle]:
        """Wait for every shard; return their bundles, in the order the shards were given."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        return list(self._bundles)


def index_shard(pages: Pages, store: FileStore, base_path: str, language: str) -> Bundle:
    """Run Pagefind over one shard of pages; return its bundle."""
    from pagefind_bin import get_executable

    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as folder:
        site, bundle = Path(folder) / "site", Path(folder) / "bundle"
        site.mkdir()
        for path, digest in pages.items():
            # Pages sit under the base path so that result URLs carry it too. Pagefind
            # indexes only the part marked data-pagefind-body, and skips pages without one.
            target = site / base_path.strip("/") / path
            target.parent.mkdir(parents=True, exist_ok=True)
            store.place(digest, target, shared=True)  # Pagefind only reads them
        # The command line rather than Pagefind's Python service: the process has written
        # every file when it exits (the service answered before its files were complete).
        with _ONE_PAGEFIND_AT_A_TIME:
            subprocess.run([str(get_executable()), "--site", str(site), "--output-path", str(bundle),
                            "--force-language", language, "--silent"], stdout=subprocess.DEVNULL, check=True)
        files = {p.relative_to(bundle).as_posix(): store.adopt(p)
                 for p in sorted(bundle.rglob("*")) if p.is_file() and p.name not in UNUSED_FILES}
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{files[name]}\0".encode())
    folder_name = f"static/{BUNDLE_PREFIX}.{digest.hexdigest()[:10]}"
    return folder_name, {f"{folder_name}/{name}": stored for name, stored in sorted(files.items())}
