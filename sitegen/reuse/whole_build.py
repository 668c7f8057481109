"""The root of the dependency graph: a whole `build` or `check` whose inputs are all unchanged.

Input: a project, the command and the options that change what it makes or says, and the
message language. Output: the root node's inputs — the digest of every file the build reads
(content/, templates/, static/, sitegen's message catalogues; by content, never file times),
sitegen's code fingerprint, the options, today's date (warnings depend on it), git's HEAD
(pages' update dates come from the history), SOURCE_DATE_EPOCH (the PDFs' time stamps) —
and, when the last run that succeeded had the same, what it printed and the output manifest
it left (`RecordedRun`). The command line then prints that and stops, without loading the
pipeline: this is how a warm build with nothing changed takes a fraction of a second (issue
29). Any difference, a byte, a file added or deleted, another day, another option, and the
command runs in full, asking the graph node by node.

A build's root node also names every file it left in the output folder, by the digest of its
bytes in the file store (.cache/store/, reuse/store.py), which keeps them (`stored_by_roots`).
So when every input matches but the output folder is missing or not as that build left it (a
deploy: a fresh clone with the last .cache/ restored), the command line writes the output from
the store (`recorded_site`) instead of running the pipeline, the store lending the output its
own files where it may (`SiteFiles.lent`: hard links, safe against edits in place); a file
missing from the store and the build runs in full.

The root nodes are kind "build" of a `DependencyGraph` (reuse/graph.py) of their own, in
.cache/whole-build.pickle, so that the answer is read before the graph of every page is;
one node per command and variant (`build` with its options and output folder, `check` with
its format), the most recent MAX_ROOTS of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..reading.project import Project
from .cache import CACHE_FOLDER, code_fingerprint, store_folder
from .graph import DependencyGraph
from .store import FileStore, SiteFiles

ROOT_FILE = "whole-build.pickle"  # not build-*.pickle: cache.save_cache removes those of other code versions
MAX_ROOTS = 8  # build, check and its formats, a deploy preview's base URL, --drafts ...
KIND = "build"
LOCALE = Path(__file__).resolve().parents[1] / "locale"  # the message catalogues: not in the code fingerprint


@dataclass(frozen=True)
class RecordedRun:
    """What a run that succeeded printed, how many files it made, and the output manifest it left."""

    stdout: str
    stderr: str
    files: int
    manifest: str = ""  # the digest of the output manifest after a build; "" for check, which writes no site
    outputs: Mapping[str, str] = field(default_factory=dict)  # a build's output path -> digest in the file store


@dataclass(frozen=True)
class WholeRun:
    """One command's root node: its key and the digests of its inputs now."""

    root: Path
    key: str
    inputs: Mapping[str, str]

    @classmethod
    def of(cls, project: Project, command: str, options: Mapping[str, object], language: str) -> WholeRun:
        """Take the digests of everything a run of `command` with these options depends on."""
        # Messages name files from the project's root, so the content folder counts, but by its place in the
        # project: a fresh clone elsewhere with the last .cache/ (a deploy, the bench's copy) is the same build.
        options = {**options, "content": project.display(project.content)}
        if "output" in options:
            options["output"] = project.display(Path(str(options["output"])).resolve())
        settings = f"{command} " + " ".join(f"{name}={value!r}" for name, value in sorted(options.items()))
        inputs = {
            "settings": settings,
            "content": folder_digest(project.content),
            "templates": folder_digest(project.templates),
            "static": folder_digest(project.static),
            "locale": folder_digest(LOCALE),
            "code": code_fingerprint(),
            "today": dt.date.today().isoformat(),
            "git": git_head(project.root),
            "language": language,
            "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),  # the PDFs' time stamps (publishing/pdf_file.py)
        }
        return cls(project.root, settings, inputs)

    def recorded(self) -> RecordedRun | None:
        """Return what the last run with these very inputs printed, or None when any input changed."""
        found = load_roots(self.root).current(KIND, self.key, self.inputs)
        return found if isinstance(found, RecordedRun) else None

    def record(self, run: RecordedRun) -> None:
        """Keep what this run printed under its inputs, as taken before it started, for the next run."""
        old = load_roots(self.root)
        roots = DependencyGraph()
        kept = [(key, inputs, result) for key, inputs, result in old.results(KIND) if key != self.key]
        for key, inputs, result in [*kept[-(MAX_ROOTS - 1):], (self.key, self.inputs, run)]:  # the oldest go first
            roots.record(KIND, key, inputs, result, stored=_outputs(result).values())
        save_roots(self.root, roots)

    def recorded_site(self, run: RecordedRun) -> SiteFiles | None:
        """Return the files the recorded build left in its output, read from the file store; None when any is gone."""
        if not run.outputs:
            return None
        store = FileStore(store_folder(self.root))  # counted among the store's users: none cleans it meanwhile
        if not store.digests().issuperset(run.outputs.values()):  # one listing of the store, not a look-up a file
            return None  # part of .cache/ was deleted, or never restored: the full build makes them again
        return SiteFiles(store, {}, dict(run.outputs))


def _outputs(result: object) -> Mapping[str, str]:
    return getattr(result, "outputs", None) or {}  # a root node of older code has none


def stored_by_roots(root: Path) -> set[str]:
    """Return the digests of the files in the store that the root nodes name: the store keeps them."""
    return load_roots(root).stored_digests()


def roots_file(root: Path) -> Path:
    """Return where a project's root nodes live."""
    return root / CACHE_FOLDER / ROOT_FILE


def load_roots(root: Path) -> DependencyGraph:
    """Return the root nodes kept in .cache/, or none when there are none or the file is damaged."""
    try:
        with roots_file(root).open("rb") as stream:
            roots = pickle.load(stream)  # noqa: S301 (our own file, written by this program in .cache/)
    except FileNotFoundError:
        return DependencyGraph()
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, KeyError):
        return DependencyGraph()  # a damaged file, or one of other code: only a missed speed-up
    return roots if isinstance(roots, DependencyGraph) else DependencyGraph()


def save_roots(root: Path, roots: DependencyGraph) -> None:
    """Write the root nodes atomically: a process killed meanwhile leaves the last ones whole."""
    path = roots_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".whole-build-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(roots, stream, protocol=pickle.HIGHEST_PROTOCOL)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def folder_digest(folder: Path) -> str:
    """Return a digest of every file under a folder: their paths and contents, not their times.

    A symbolic link anywhere makes the digest unique to this run: what it leads to may change
    without any file here changing, and the build judges where it leads (reading/safe_read.py).
    """
    digest = hashlib.sha256()
    try:
        files = sorted(_files_under(str(folder)))
    except _LinkFound:
        return f"link in {folder} at {os.getpid()} {os.times().elapsed}"
    start = len(str(folder)) + 1
    for path in files:
        with open(path, "rb") as stream:
            digest.update(path[start:].encode("utf-8", "surrogateescape") + b"\0")
            digest.update(hashlib.file_digest(stream, "sha256").digest())
    return digest.hexdigest()


class _LinkFound(Exception):
    """A symbolic link, or anything neither a file nor a folder (a pipe would block the read)."""


def _files_under(folder: str) -> list[str]:
    found: list[str] = []
    folders = [folder]
    while folders:
        try:
            scan = os.scandir(folders.pop())
        except (FileNotFoundError, NotADirectoryError):
            continue  # no such folder: an empty one as far as the digest goes
        with scan:
            for entry in scan:
                if entry.is_symlink():
                    raise _LinkFound
                if entry.is_dir():
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                elif entry.is_file():
                    found.append(entry.path)
                else:
                    raise _LinkFound
    return found


def git_head(root: Path) -> str:
    """Return the commit git's HEAD names for the checkout holding root (and whether the clone is shallow), else ""."""
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return _head_commit(dot_git, dot_git)
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            git_dir = (folder / text.removeprefix("gitdir:").strip()).resolve()
            common = git_dir / "commondir"
            common_dir = (git_dir / common.read_text().strip()).resolve() if common.is_file() else git_dir
            return _head_commit(git_dir, common_dir)
    return ""


def _head_commit(git_dir: Path, common_dir: Path) -> str:
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    shallow = common_dir / "shallow"
    suffix = " shallow " + hashlib.sha256(shallow.read_bytes()).hexdigest() if shallow.is_file() else ""
    if not head.startswith("ref:"):
        return head + suffix  # a detached HEAD names its commit
    ref = head.removeprefix("ref:").strip()
    for folder in (git_dir, common_dir):
        try:
            return (folder / ref).read_text(encoding="utf-8", errors="replace").strip() + suffix
        except OSError:
            continue
    try:
        packed = (common_dir / "packed-refs").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return head + suffix  # a branch with no commit yet
    for line in packed.splitlines():
        commit, _, name = line.partition(" ")
        if name == ref:
            return commit + suffix
    return head + suffix
