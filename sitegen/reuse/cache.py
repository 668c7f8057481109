"""The persistent build cache in .cache/: what the last build rendered, for the next.

Input: the project and what a build produced (page records with the content hashes of
their inputs, chart SVGs, social cards, the search bundles). Output: the same, read back
by the next build, so an unchanged article, chart or card is not rendered again. Every
entry is keyed by content hashes, so a stale entry is never used, only replaced. The
records are small: the pages, cards and search files they name are in the file store,
.cache/store/ (see reuse/store.py). The records file's name carries a fingerprint of sitegen's
code and its libraries: new code starts from an empty cache. The folder also holds the
output manifest (`output.sync_site`), a record of files on disk that any code version
may trust. The folder is safe to delete; `build --no-cache` ignores it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .store import FileStore

CACHE_FOLDER = ".cache"
LIBRARIES = ("Markdown", "Jinja2", "PyYAML", "altair", "vl-convert-python", "pillow", "font-source-sans-pro", "zlib-ng",
             "pagefind")


@dataclass
class CacheContents:
    """What one build leaves for the next."""

    # A variant of the publication (reuse.variant) -> its page records (output path -> reuse.PageRecord) and
    # search bundles (search shard key -> its Pagefind bundle, digests in the store); the least recently used first.
    variants: dict = field(default_factory=dict)
    chart_svgs: dict = field(default_factory=dict)
    card_digests: dict = field(default_factory=dict)  # card key -> digest of its PNG in the store
    parsed_yaml: dict = field(default_factory=dict)  # see yaml_lines.ParsedYaml
    chart_files: dict = field(default_factory=dict)  # chart download key -> kind -> digest in the store (publishing/chart_files.py)
    mirror: dict = field(default_factory=dict)  # the mirrorable copy's pages, files and zip -> (made from, digest) (publishing/mirror.py)
    whole_briefing: dict = field(default_factory=dict)  # one-file HTML, PDF, filled pages -> (made from, digest) (whole_briefing.py)

    def stored_digests(self) -> set[str]:
        """Return the digest of every file in the store these contents name."""
        digests = set(self.card_digests.values())
        for files in self.chart_files.values():
            digests.update(files.values())
        for records, search in self.variants.values():
            for record in records.values():
                digests.update((record.html_digest, record.body_digest))
            for _folder, files in search.values():
                digests.update(files.values())
        digests.update(digest for _made_from, digest in self.mirror.values())
        digests.update(digest for _made_from, digest in self.whole_briefing.values())
        digests.discard("")  # a page without a body of its own
        return digests

    def without_missing_files(self, store: FileStore) -> CacheContents:
        """Drop the entries whose files are gone from the store (part of .cache/ was deleted)."""
        kept = store.digests() | {""}  # "": a page without a body of its own
        self.variants = {name: ({p: r for p, r in records.items() if r.html_digest in kept and r.body_digest in kept},
                                {key: bundle for key, bundle in search.items() if kept.issuperset(bundle[1].values())})
                         for name, (records, search) in self.variants.items()}
        self.card_digests = {key: digest for key, digest in self.card_digests.items() if digest in kept}
        self.chart_files = {key: files for key, files in self.chart_files.items() if kept.issuperset(files.values())}
        self.mirror = {name: entry for name, entry in self.mirror.items() if entry[1] in kept}
        self.whole_briefing = {name: entry for name, entry in self.whole_briefing.items() if entry[1] in kept}
        return self


def code_fingerprint() -> str:
    """Return a hash of sitegen's source, the Python version and the libraries' versions."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(Path(__file__).resolve().parents[1].rglob("*.py")):  # the whole sitegen package
        digest.update(path.read_bytes())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(library.encode())
    return digest.hexdigest()[:16]


def cache_file(root: Path) -> Path:
    """Return where this code's cache lives for a project."""
    return root / CACHE_FOLDER / f"build-{code_fingerprint()}.pickle"


def store_folder(root: Path) -> Path:
    """Return where the cache keeps the files it names (pages, cards, search files)."""
    return root / CACHE_FOLDER / "store"


def output_manifest_file(root: Path) -> Path:
    """Return where the record of what the last build wrote to the output folder lives."""
    return root / CACHE_FOLDER / "output-manifest.json"


def load_cache(root: Path, store: FileStore) -> CacheContents:
    """Return the cached contents whose files are in the store, or empty ones when there is no usable cache."""
    path = cache_file(root)
    try:
        with path.open("rb") as stream:
            contents = pickle.load(stream)  # noqa: S301 (our own cache file, written by this program in .cache/)
    except FileNotFoundError:
        return CacheContents()
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return CacheContents()  # a damaged or foreign cache is only a missed speed-up
    return contents.without_missing_files(store) if isinstance(contents, CacheContents) else CacheContents()


def save_cache(root: Path, contents: CacheContents) -> None:
    """Write the cache atomically and remove caches of other code versions."""
    path = cache_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("build-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(contents, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.flush()
        os.fsync(stream.fileno())  # renamed only once its bytes are on disk: no empty cache after a power cut
    os.replace(temporary, path)
