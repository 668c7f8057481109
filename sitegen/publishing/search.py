"""Full-text search for a static host: Pagefind indexes built from the rendered pages.

Input: the rendered HTML pages of one edition, by their digests in the build's file store.
Output: one or more Pagefind bundles, their files put in the same store,
each in a folder named by a hash of its files (`static/pagefind.<hash>/`), so hosts
cache it for a year like every other fingerprinted asset, and every rebuilt index gets a
new address. Only the part of a page marked `data-pagefind-body` is indexed, so
navigation and footers do not pollute results; that part also names the page's URL
(`data-pagefind-meta`, in templates/article.html), which results link to. Pagefind is
the binary that the pagefind-bin package ships; it needs no network.

A large edition is indexed in shards of PAGES_PER_SHARD pages, one Pagefind process at
a time: Pagefind holds about 280 KB per page while it indexes (2.3 GB for 10,000
articles in one run), and a shard bounds that to 115 MB, beside the page workers
that render later pages meanwhile. The search page loads the first bundle and merges
the others into it (Pagefind's `mergeIndex`), so a reader searches them all at once.
A site of up to PAGES_PER_SHARD articles has a single bundle. Each shard's bundle is a
"search" node of the dependency graph (reuse/graph.py), keyed by its pages' digests, and kept
per variant of the publication: a shard whose pages are unchanged is not indexed again.
"""

from __future__ import annotations

import hashlib
import queue
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from ..messages import _
from ..reuse.graph import MISSING, DependencyGraph
from ..reuse.store import FileStore

BUNDLE_PREFIX = "pagefind"
PAGES_PER_SHARD = 400
# One Pagefind process at a time, whichever edition it indexes: the memory bound is per process.
_ONE_PAGEFIND_AT_A_TIME = threading.Lock()
# Pagefind also ships ready-made UIs; our page has its own small script, so they are left out.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")

Bundle = tuple[str, dict[str, str]]  # (its folder in the site, {output path: digest in the store})
Pages = dict[str, str]  # output path -> digest of the page in the store


def shard_paths(paths: list[str], size: int | None = None) -> list[list[str]]:
    """Split page paths, in path order, into groups of at most `size`.

    An edited page changes its own shard only; an added or removed one shifts the shards after it.
    """
    size = size or PAGES_PER_SHARD
    ordered = sorted(paths)
    # An edition with no article has no shard: Pagefind cannot make an empty index, and the
    # search page then lists the (no) articles without a search form.
    return [ordered[start:start + size] for start in range(0, len(ordered), size)]


def shard_key(pages: Pages, language: str) -> str:
    """Return a hash of everything a shard's bundle is made from (a page's URL is in the page)."""
    digest = hashlib.sha256(language.encode())
    for path in sorted(pages):
        digest.update(f"\0{path}\0{pages[path]}".encode())
    return digest.hexdigest()


class IndexingStopped(Exception):
    """The build stopped the search indexing (`SearchIndexing.cancel`)."""


class SearchIndexing:
    """Index one edition's article pages shard by shard, each as soon as its last page is rendered.

    Tell it of every article page as it is rendered, and of the unchanged ones too
    (`page_rendered`); `bundles()` waits for the last shard and returns every shard's
    bundle; `cancel()` stops Pagefind when the build fails. A shard whose bundle the graph
    holds was indexed before, and is not indexed again.

    Pagefind runs in a background thread, one process at a time, on mostly one core:
    the build renders pages and then draws social cards on the other cores meanwhile.
    Before each shard the thread calls `before_each`: the build waits there until its
    chart worker has finished, so that no Pagefind starts beside it (both are large).
    """

    def __init__(self, article_paths: list[str], graph: DependencyGraph, store: FileStore, language: str,
                 before_each: Callable[[], None] = lambda: None,
                 progress: Callable[[int, int, str], None] | None = None) -> None:
        self._shards = shard_paths(article_paths)
        self._shard_of = {path: number for number, paths in enumerate(self._shards) for path in paths}
        self._digests: list[Pages] = [{} for _ in self._shards]
        self._keys: list[str | None] = [None] * len(self._shards)
        self._graph = graph  # asked from the build's thread only: the indexing thread sees `_bundles`
        self._bundles: dict[str, Bundle] = {}
        self._indexed: set[str] = set()  # the keys of the bundles this build made
        self._store, self._language = store, language
        self._before_each, self._progress = before_each, progress
        self._settled = 0
        self.indexed = 0  # shards this build indexed
        self._failure: BaseException | None = None
        self._stopping = threading.Event()
        self._process_lock = threading.Lock()  # guards _process between the thread and cancel()
        self._process: subprocess.Popen | None = None
        self._progress_lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._index_queued, name=f"pagefind-{language}", daemon=True)
        self._thread.start()
        for number, paths in enumerate(self._shards):
            if not paths:
                self._shard_complete(number)

    def page_rendered(self, path: str, digest: str) -> None:
        """Note a page's digest in the store; a shard with all its pages noted is indexed (other pages are ignored)."""
        number = self._shard_of.get(path)
        if number is None:
            return
        self._digests[number][path] = digest
        if len(self._digests[number]) == len(self._shards[number]):
            self._shard_complete(number)

    def shard_number(self, path: str) -> int:
        """Return the number of the shard a page is in (pages that are in none come after the last)."""
        return self._shard_of.get(path, len(self._shards))

    def bundles(self) -> dict[str, Bundle]:
        """Wait for every shard; return their bundles by shard key, in shard order."""
        self._queue.put(None)
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        missing = [paths[0] for paths, key in zip(self._shards, self._keys, strict=True) if key is None]
        if missing:
            raise RuntimeError(f"the search index was asked for before every page was rendered ({missing[0]} was not)")
        for key in self._indexed:  # the key is a digest of everything the bundle is made from
            self._graph.record("search", key, {}, self._bundles[key], stored=self._bundles[key][1].values())
        return {key: self._bundles[key] for key in self._keys}

    def cancel(self) -> None:
        """Stop: end the running Pagefind and index nothing more."""
        self._stopping.set()
        with self._process_lock:
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
        self._queue.put(None)
        self._thread.join()

    def _shard_complete(self, number: int) -> None:
        key = shard_key(self._digests[number], self._language)
        self._keys[number] = key
        known = self._bundles.get(key) or self._graph.current("search", key, {})
        if known is not MISSING:
            self._bundles[key] = known
            self._shard_settled(indexed=False)
        else:
            self._queue.put((key, self._digests[number]))

    def _shard_settled(self, indexed: bool) -> None:
        with self._progress_lock:
            self._settled += 1
            self.indexed += indexed
            # Shards indexed before are counted, but shown only once this build indexes one.
            if self._progress and self.indexed:
                # Translated here, with its language filled in: the progress line's _() finds no key and keeps it.
                self._progress(self._settled, len(self._shards),
                               _("search index shards ({language})", language=self._language))

    def _index_queued(self) -> None:
        while (shard := self._queue.get()) is not None:
            if self._failure is not None or self._stopping.is_set():
                continue  # drain the queue: bundles() or cancel() ends it
            key, pages = shard
            try:
                self._before_each()
                self._bundles[key] = index_shard(pages, self._store, self._language, self._run_pagefind)
                self._indexed.add(key)
                self._shard_settled(indexed=True)
            except IndexingStopped:
                pass
            except BaseException as failure:  # handed to the caller of bundles()
                self._failure = failure

    def _run_pagefind(self, command: list[str]) -> None:
        with _ONE_PAGEFIND_AT_A_TIME:
            with self._process_lock:
                if self._stopping.is_set():
                    raise IndexingStopped
                self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603 (pagefind-bin's binary, arguments of our own, no shell)
            returncode = self._process.wait()
        if self._stopping.is_set():
            raise IndexingStopped
        if returncode != 0:
            raise subprocess.CalledProcessError(returncode, command)


def index_shard(pages: Pages, store: FileStore, language: str, run: Callable[[list[str]], None]) -> Bundle:
    """Run Pagefind over one shard of pages (`run` runs its command); return the shard's bundle."""
    from pagefind_bin import get_executable

    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as folder:
        site, bundle = Path(folder) / "site", Path(folder) / "bundle"
        site.mkdir()
        for number, path in enumerate(sorted(pages)):
            # Side by side under numbers, not at their paths: each page names its own URL for
            # its results, and a folder per page, made and then removed, added 13-28% to a
            # shard's indexing time (ext4 is slow to make folders soon after deleting files).
            # Pagefind indexes only the part marked data-pagefind-body, and skips pages without one.
            store.place(pages[path], site / f"{number}.html", shared=True)  # Pagefind only reads them
        # The command line rather than Pagefind's Python service: the process has written
        # every file when it exits (the service answered before its files were complete).
        run([str(get_executable()), "--site", str(site), "--output-path", str(bundle),
             "--force-language", language, "--silent"])
        files = {p.relative_to(bundle).as_posix(): store.adopt(p)
                 for p in sorted(bundle.rglob("*")) if p.is_file() and p.name not in UNUSED_FILES}
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{files[name]}\0".encode())
    folder_name = f"static/{BUNDLE_PREFIX}.{digest.hexdigest()[:10]}"
    return folder_name, {f"{folder_name}/{name}": stored for name, stored in sorted(files.items())}
