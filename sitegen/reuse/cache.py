"""The persistent build cache in .cache/: the dependency graph of the last build, for the next.

Input: the project and a build's dependency graph (reuse/graph.py: every page, card, chart,
search shard, file read, article validated and link judged, with the content digests of what
it was made from). Output: the same graph, read back by the next process, so that nothing
unchanged is made, validated or checked again; the cache holds the graph and nothing beside
it. Every node is checked against its inputs' digests, so a stale one is never used, only
replaced. The nodes are small: the pages, cards and search files they name are in the file
store, .cache/store/ (see reuse/store.py). The records file's name carries a fingerprint of sitegen's
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
from importlib import metadata
from pathlib import Path

from .graph import DependencyGraph
from .store import FileStore

CACHE_FOLDER = ".cache"
LIBRARIES = ("Markdown", "Jinja2", "PyYAML", "altair", "vl-convert-python", "pillow", "font-source-sans-pro", "zlib-ng",
             "pagefind")


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


def load_cache(root: Path, store: FileStore) -> DependencyGraph:
    """Return the cached graph without the nodes whose files are gone from the store, or an empty one."""
    path = cache_file(root)
    try:
        with path.open("rb") as stream:
            contents = pickle.load(stream)  # noqa: S301 (our own cache file, written by this program in .cache/)
    except FileNotFoundError:
        return DependencyGraph()
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, KeyError):
        return DependencyGraph()  # a damaged or foreign cache is only a missed speed-up
    if not isinstance(contents, DependencyGraph):
        return DependencyGraph()
    return contents.without_missing_files(store.digests())


def save_cache(root: Path, graph: DependencyGraph) -> None:
    """Write the cache atomically and remove caches of other code versions."""
    path = cache_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("build-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(graph, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.flush()
        os.fsync(stream.fileno())  # renamed only once its bytes are on disk: no empty cache after a power cut
    os.replace(temporary, path)
