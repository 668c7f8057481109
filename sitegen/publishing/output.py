"""Output: put the site on disk without ever leaving half a site.

Input: output path -> bytes for every file (pages, fingerprinted assets, feed, cards,
search index). Output: those files in the output folder. `write_site` writes the whole
site into a temporary folder beside the target (a `StagedSite`) and swaps it into place
only when everything is written; a build that will write the whole site stages it
before its pages render, and their folders are made meanwhile. `update_site` (the dev
server's path) replaces changed files one by one, each atomically, and removes files
that no longer exist. `sync_site` (what `build` calls) does the same from one build to
the next, comparing content hashes kept in a manifest in .cache/, but only while the
folder is exactly what the last build left (same files, sizes, mtimes, inodes); anything
else gets `write_site`. A build killed while syncing leaves files the manifest does not
know, so the next build writes in full.

Whoever writes an output folder holds its lock (`holding_output_lock`, reuse/lock.py) and, on
taking it, sweeps what builds killed before left beside it: every temporary folder is
named for the process that made it (`._site.new-<pid>-*`, `._site.old-<pid>-*`), and is
removed once that process has ended (issue 20). Temporary files of a sync are written
there too, never inside the output. The whole-site swap exchanges the two folders in one
step (renameat2), so a kill at any moment leaves the output folder in place.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import hashlib
import json
import os
import posixpath
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from ..reuse.lock import OutputLock, process_alive
from ..reuse.store import SiteFiles

Build = TypeVar("Build", bound=Callable)


def temporary_folder(output: Path, kind: str) -> Path:
    """Make a folder beside output for new ("new") or retired ("old") files, named for this process."""
    return Path(tempfile.mkdtemp(prefix=f".{output.name}.{kind}-{os.getpid()}-", dir=output.parent))


def _owner(output: Path, name: str) -> int | None:
    """Return the process id in the name of a temporary folder of output, or None if it is not one."""
    for kind in ("new", "old"):
        prefix = f".{output.name}.{kind}-"
        if name.startswith(prefix):
            pid, dash, _ = name[len(prefix):].partition("-")
            return int(pid) if dash and pid.isdigit() else None
    return None


def sweep_temporary_folders(output: Path) -> list[str]:
    """Remove the temporary folders beside output whose process has ended (or is this one); return their names.

    Call it holding the output's lock: a live build writing here would hold it, so such a
    folder was left by a build that was killed.
    """
    output = output.resolve()
    swept = []
    for entry in os.scandir(output.parent):
        pid = _owner(output, entry.name)
        if pid is not None and entry.is_dir(follow_symlinks=False) and (pid == os.getpid() or not process_alive(pid)):
            shutil.rmtree(entry.path, ignore_errors=True)
            swept.append(entry.name)
    return sorted(swept)


@contextmanager
def output_lock_held(output: Path) -> Iterator[None]:
    """Hold the output folder's lock (waiting, then a SiteError naming its holder), and sweep what killed builds left."""
    with OutputLock(output):
        sweep_temporary_folders(output)
        yield


def holding_output_lock(build: Build) -> Build:
    """Make a function of (project, output, ...) run holding the output's lock (see `output_lock_held`)."""

    @functools.wraps(build)
    def run(project, output: Path, *args, **kwargs):
        with output_lock_held(output):
            return build(project, output, *args, **kwargs)

    return run  # type: ignore[return-value]


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); return False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(first))


def _write_files(root: Path, files: Mapping[str, bytes], made: set[str]) -> None:
    """Write every file under root, making each folder not in `made` (folders relative to root) first."""
    files = SiteFiles.of(files)
    base = os.fspath(root)
    _make_folders(base, files, made)
    for relative in files:  # paths as strings: a Path per file cost more than its write in a deploy's profile
        files.write_to(relative, os.path.join(base, relative))


def _make_folders(base: str, paths: Iterable[str], made: set[str]) -> None:
    """Make the folder of each path under base, and each above it, that is not in `made`: one mkdir each."""
    wanted: set[str] = set()
    for path in paths:
        folder = posixpath.dirname(path)
        while folder not in made and folder not in wanted:
            wanted.add(folder)
            folder = posixpath.dirname(folder)
    for folder in sorted(wanted):  # a folder sorts before what is in it
        with suppress(FileExistsError):
            os.mkdir(os.path.join(base, folder))
        made.add(folder)


class StagedSite:
    """A whole new site, written into a temporary folder beside the output and then swapped in for it."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.folder = temporary_folder(self.output, "new")
        self._made: set[str] = {""}  # folders made in it, relative to it
        self._making: threading.Thread | None = None

    def make_folders_ahead(self, paths: Iterable[str]) -> None:
        """Start making the folders of these output paths, in a thread, while the build goes on.

        A thousand pages have a thousand folders: on ext4 a new folder costs up to half a
        millisecond soon after many files were deleted, and writing waits on the disk now
        and then. Made while the pages render, that time leaves the end of the build,
        when only the main process is at work. A folder the thread could not make is made,
        or fails with its error, when the files are written. Folders are kept as short
        strings: the page workers forked meanwhile each count this process's memory again.
        """
        folders = sorted({posixpath.dirname(path) for path in paths} - self._made)

        def make() -> None:
            for folder in folders:
                try:
                    os.makedirs(os.path.join(self.folder, folder), exist_ok=True)
                except OSError:
                    continue
                self._made.add(folder)

        self._making = threading.Thread(target=make, name="output-folders", daemon=True)
        self._making.start()

    def write(self, files: Mapping[str, bytes]) -> None:
        """Write every file into the staged folder (a stored one as a link to the store's copy)."""
        self._wait()
        _write_files(self.folder, files, self._made)

    def swap_in(self) -> None:
        """Put the staged folder in the output's place; remove the old output."""
        os.chmod(self.folder, 0o755)  # noqa: S103 (a site anyone may read, as mkdir makes a folder; mkdtemp made it 0o700)
        if self.output.exists() and _exchange(self.folder, self.output):
            shutil.rmtree(self.folder, ignore_errors=True)  # now the old output
            return
        # Two steps where the system cannot swap in one: a kill between them leaves no output
        # folder, only the old site in a folder that the next build sweeps.
        retired = None
        if self.output.exists():
            retired = temporary_folder(self.output, "old")
            os.replace(self.output, retired / "site")
        os.replace(self.folder, self.output)
        if retired:
            shutil.rmtree(retired, ignore_errors=True)

    def discard(self) -> None:
        """Remove the staged folder and what is in it: the output stays as it was."""
        self._wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _wait(self) -> None:
        if self._making is not None:
            self._making.join()
            self._making = None


def write_site(output: Path, files: Mapping[str, bytes], staged: StagedSite | None = None) -> None:
    """Write the whole site to a temporary folder (the one staged for it, if any), then swap it in for the old output."""
    staged = staged or StagedSite(output)
    try:
        staged.write(files)
    except BaseException:
        staged.discard()
        raise
    staged.swap_in()


@contextmanager
def _scratch_folder(output: Path) -> Iterator[Path]:
    """Yield a temporary folder beside output for files on their way in, removed afterwards."""
    folder = temporary_folder(output, "new")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _replace_file(target: Path, files: SiteFiles, relative: str, scratch: Path) -> None:
    # Written in the scratch folder, not beside the target: a build killed meanwhile leaves
    # no stray file inside the output, only a folder the next build sweeps.
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = scratch / "file"
    files.write_to(relative, temporary)
    os.replace(temporary, target)


def update_site(output: Path, files: Mapping[str, bytes], previous: Mapping[str, bytes]) -> list[str]:
    """Bring an existing output folder up to date; return the paths that changed."""
    files, previous = SiteFiles.of(files), SiteFiles.of(previous)
    changed = files.changed_since(previous)  # compares the store's names: no stored file is read
    if changed:
        with _scratch_folder(output) as scratch:
            for relative in changed:
                _replace_file(output / relative, files, relative, scratch)
    for relative in sorted(set(previous).difference(files)):  # not a KeysView's difference: it asks `in` file by file
        (output / relative).unlink(missing_ok=True)
        changed.append(relative)
    return sorted(changed)


# A file's stat signature: size, mtime and inode. A hand edit changes the mtime; an editor
# that saves by rename, a restore from backup or a `--no-cache` swap changes the inode.
Signature = tuple[int, int, int]


def _scan_folder(output: Path) -> dict[str, Signature] | None:
    """Return the signature of every file under output, or None if it holds what no build leaves."""
    found: dict[str, Signature] = {}
    folders = [""]
    while folders:
        folder = folders.pop()
        with os.scandir(output / folder) as scan:
            entries = list(scan)
        if not entries:
            return None  # an empty folder
        for entry in entries:
            relative = folder + entry.name
            if entry.is_dir(follow_symlinks=False):
                folders.append(relative + "/")
            elif entry.is_file(follow_symlinks=False):
                status = entry.stat(follow_symlinks=False)
                found[relative] = (status.st_size, status.st_mtime_ns, status.st_ino)
            else:
                return None  # a symlink or socket
    return found


def _read_manifest(manifest: Path, output: Path) -> dict[str, tuple[str, Signature]] | None:
    """Return {path: (digest, signature)} if the manifest describes this output folder."""
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        if recorded["output"] != str(output):
            return None
        return {path: (digest, (size, mtime, inode)) for path, (digest, size, mtime, inode) in recorded["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no manifest, or a damaged one: the full write needs none


def will_write_whole_site(manifest: Path, output: Path) -> bool:
    """Tell, before a build, that `sync_site` will write the whole site: no usable manifest describes the output."""
    return _read_manifest(manifest, output.resolve()) is None


def _left_as_recorded(output: Path, recorded: dict[str, tuple[str, Signature]]) -> bool:
    return output.is_dir() and _scan_folder(output) == {path: signature for path, (_, signature) in recorded.items()}


def output_untouched(manifest: Path, output: Path) -> bool:
    """Tell whether the output folder holds exactly the files the build in manifest left, none touched since."""
    output = output.resolve()
    recorded = _read_manifest(manifest, output)
    return recorded is not None and _left_as_recorded(output, recorded)


def manifest_digest(manifest: Path) -> str:
    """Return a digest of the output manifest ("" when there is none): which build's output it describes."""
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()
    except OSError:
        return ""


def _save_manifest(manifest: Path, output: Path, digests: dict[str, str]) -> None:
    # Signatures are taken after writing; a file someone adds meanwhile is left out of the
    # manifest, so the next build sees a stranger in the folder and writes the whole site.
    signatures = _scan_folder(output) or {}
    files = {path: [digests[path], *signatures[path]] for path in sorted(digests.keys() & signatures.keys())}
    manifest.parent.mkdir(parents=True, exist_ok=True)
    temporary = manifest.with_name(f".{manifest.name}.{os.getpid()}.tmp")  # two builds into two outputs share it
    with temporary.open("w", encoding="utf-8") as stream:
        stream.write(json.dumps({"output": str(output), "files": files}))  # json.dump encodes in Python, 4x slower
        stream.flush()
        os.fsync(stream.fileno())  # renamed only once its bytes are on disk: no empty manifest after a power cut
    os.replace(temporary, manifest)


def _remove_file(output: Path, relative: str) -> None:
    target = output / relative
    target.unlink()
    for folder in target.parents:  # a clean build has no empty folders, so neither may we
        if folder == output or any(folder.iterdir()):
            break
        folder.rmdir()


def sync_site(output: Path, files: Mapping[str, bytes], manifest: Path, staged: StagedSite | None = None) -> list[str]:
    """Rewrite only the files that changed since the build in manifest, else write the whole site; return what was written.

    A build that staged the site (see `will_write_whole_site`) writes the whole site into it.
    """
    output = output.resolve()
    files = SiteFiles.of(files)
    digests = {path: files.digest(path) for path in files}
    recorded = _read_manifest(manifest, output) if staged is None else None
    untouched = recorded is not None and _left_as_recorded(output, recorded)
    if not untouched:
        write_site(output, files, staged)
        _save_manifest(manifest, output, digests)
        return list(files)
    previous = {path: digest for path, (digest, _) in recorded.items()}
    changed = [path for path, digest in digests.items() if previous.get(path) != digest]
    removed = sorted(recorded.keys() - files.keys())
    for path in removed:  # first, in case a new file takes the name of an emptied folder
        _remove_file(output, path)
    if changed:
        with _scratch_folder(output) as scratch:
            for path in changed:
                _replace_file(output / path, files, path, scratch)
    if changed or removed:
        _save_manifest(manifest, output, digests)
    return changed
