"""Built files kept on disk by content hash, so a build holds hashes, not every page.

Input: the bytes of a built file (a rendered page, a social card, a search index file).
Output: their SHA-256, and the bytes again when asked. At 10,000 articles the pages,
cards and search index come to about 400 MB; held in memory they were most of a build's
memory, and a worker forked from the build counted them again. A build that uses the
cache keeps its store in .cache/store/, so the next build finds unchanged files there;
any other build uses a temporary folder, removed when the store is no longer used.
`SiteFiles` is a whole built site: small files in memory, the rest in the store, each
read when it is asked for.

A deploy writes the whole site from the store (reuse/whole_build.py), and making thousands
of new files is most of its time; so it may lend the output the store's own files, as hard
links, instead of copies (`FileStore.lend`). But an edit in place to a lent output file (a
Netlify plugin rewriting the publish folder) would change the stored bytes. So the store
never trusts a file whose inode another name shares: a lent file is first renamed out of
its digest's name (to `<digest>.lent`), and only then linked; whoever opens the store next
checks each lent file's bytes against its name (`_settle_lent`) and trusts it again (renamed
back, or copied when the output still shares it) or drops it, and the build makes it anew.
Lending happens only while no other process uses the store, so none reads a lent name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from .lock import StoreUsers


class FileStore:
    """A folder of files named by the SHA-256 of their bytes."""

    def __init__(self, folder: Path | None = None) -> None:
        self.temporary = folder is None
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="sitegen-store-"))
            # Removed by the process that made it: a forked worker that exits must not take it along.
            weakref.finalize(self, _remove_if_owner, folder, os.getpid())
            self._users = None
        else:
            self._users = _register(folder)  # another process cleaning the store waits until we are counted
            _settle_lent(folder)  # none lends meanwhile: a lender is alone
        self.folder = folder
        self.opened = time.time()  # files older than this that no build refers to may be removed

    def put(self, content: bytes) -> str:
        """Keep content (unless it is kept already); return its digest."""
        digest = hashlib.sha256(content).hexdigest()
        target = os.path.join(self.folder, digest[:2], digest[2:])
        if not os.path.exists(target):
            # Written under a name of its own (this process and thread), then renamed: a reader
            # never sees half a file, and two workers storing the same bytes at once both succeed.
            temporary = f"{target}.{os.getpid()}-{threading.get_ident()}.new"
            try:
                handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            except FileNotFoundError:  # the first file of its subfolder
                os.makedirs(os.path.dirname(target), exist_ok=True)
                handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            try:
                os.write(handle, content)
            finally:
                os.close(handle)
            os.replace(temporary, target)
        return digest

    def adopt(self, path: Path) -> str:
        """Keep a file made elsewhere on this file system by moving it in; return its digest.

        Moving rather than copying saves a new file per file: on ext4 without a journal,
        making a file right after many were deleted costs up to a millisecond.
        """
        with open(path, "rb") as file:  # hashed as it is read: a zip or a one-file edition is ~100 MB at 10,000 articles
            digest = hashlib.file_digest(file, "sha256").hexdigest()
        target = self.path(digest)
        if target.exists():
            path.unlink()
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, target)
        except OSError:  # another file system: store a copy
            self.put(path.read_bytes())
        return digest

    def draft(self, name: str) -> Path:
        """Return a place in the store's folder, this process's and thread's, to write a file in and then `adopt` it.

        A large file is written there piece by piece rather than held whole to be `put`.
        """
        return self.folder / f".{name}-{os.getpid()}-{threading.get_ident()}.new"

    def digests(self) -> set[str]:
        """Return the digest of every file kept here (one listing per subfolder, not a look-up per file)."""
        if not self.folder.is_dir():
            return set()
        return {subfolder.name + entry.name for subfolder in os.scandir(self.folder) if subfolder.is_dir()
                for entry in os.scandir(subfolder.path) if "." not in entry.name}  # not .new, not .lent

    def get(self, digest: str) -> bytes:
        """Return the bytes kept under a digest."""
        return self.path(digest).read_bytes()

    def path(self, digest: str) -> Path:
        """Return where the bytes of a digest are kept (in one of 256 subfolders, so none grows huge)."""
        return self.folder / digest[:2] / digest[2:]

    def place(self, digest: str, target: str | os.PathLike[str], *, shared: bool) -> None:
        """Put a stored file at target: as a second name for it (a hard link) where that is
        safe, else as a copy.

        A link costs no copy, but the two names share their bytes: an edit to one would
        change the other. So a link is made only for a reader that never writes (`shared`),
        or from a temporary store, which is gone once the build ends.
        """
        source = os.path.join(self.folder, digest[:2], digest[2:])  # a string, not self.path(): a deploy places thousands
        if shared or self.temporary:
            try:
                os.link(source, target)
                return
            except OSError:  # another file system, or links not supported: copy
                pass
        _copy_file(source, target)

    @contextmanager
    def lending(self) -> Iterator[bool]:
        """Yield whether `lend` may be used meanwhile: no other process uses the store (those that come wait)."""
        if self._users is None:
            yield False
            return
        with self._users.alone() as alone:
            if alone:
                _lent_mark(self.folder).touch()  # first: the next process to open the store settles what is lent
            yield alone

    def lend(self, digest: str, target: str | os.PathLike[str]) -> None:
        """Give target the stored file itself, as a hard link, no longer trusted under its digest (see the module's doc).

        Only within `lending`, when it yields True.
        """
        trusted = os.path.join(self.folder, digest[:2], digest[2:])
        lent = trusted + LENT
        with suppress(FileNotFoundError):  # lent already, to another output file with the same bytes
            os.replace(trusted, lent)  # before the link: a trusted name never shares its bytes
        try:
            os.link(lent, target)
        except OSError:  # another file system, or no hard links there: a copy (settled with the rest)
            _copy_file(lent, target)

    def keep_only(self, digests: set[str]) -> None:
        """Remove every file not among digests, except those stored since this store was opened.

        A dev server running beside a build shares .cache/store/, and it still needs what it
        stored, before this build began or since. So nothing is removed while another live
        process uses the store (issue 20): the union of what they use stays, and the first
        build that runs alone cleans it.
        """
        if self._users is None:
            self._remove_all_but(digests)
            return
        with self._users.alone() as alone:
            if alone:
                self._remove_all_but(digests)

    def _remove_all_but(self, digests: set[str]) -> None:
        if not self.folder.is_dir():
            return
        for subfolder in os.scandir(self.folder):
            if not subfolder.is_dir():
                if subfolder.name.endswith(".new") and subfolder.stat().st_mtime < self.opened:
                    os.unlink(subfolder.path)  # a draft (`draft`) left by a build that was killed
                continue
            for entry in os.scandir(subfolder.path):
                if subfolder.name + entry.name not in digests and entry.stat().st_mtime < self.opened:
                    Path(entry.path).unlink(missing_ok=True)


LENT = ".lent"  # the name's ending of a stored file lent to an output


def _lent_mark(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.lent"  # beside the store, as its lock files


def _settle_lent(folder: Path) -> None:
    """Check each file lent to an output against its digest: trust it again, or drop it."""
    mark = _lent_mark(folder)
    if not mark.exists():
        return
    for subfolder in os.scandir(folder) if folder.is_dir() else ():
        if subfolder.is_dir():
            for entry in os.scandir(subfolder.path):
                if entry.name.endswith(LENT):
                    _settle(entry.path, subfolder.name + entry.name.removesuffix(LENT))
    mark.unlink(missing_ok=True)


def _settle(lent: str, digest: str) -> None:
    trusted = lent.removesuffix(LENT)
    with suppress(FileNotFoundError):  # settled by another process meanwhile
        if os.stat(lent).st_nlink == 1:  # no other name now: trusted again if its bytes are still its digest's
            with open(lent, "rb") as stream:
                unchanged = hashlib.file_digest(stream, "sha256").hexdigest() == digest
            if unchanged:
                os.replace(lent, trusted)
                return
        else:  # the output still has it: a copy of our own, checked as it is copied
            temporary = f"{trusted}.{os.getpid()}-{threading.get_ident()}.new"
            copied = hashlib.sha256()
            _copy_file(lent, temporary, copied)
            if copied.hexdigest() == digest:
                os.replace(temporary, trusted)
            else:
                os.unlink(temporary)
        os.unlink(lent)  # edited through the output's name, or copied


# A deploy writes its thousands of files from the store (reuse/whole_build.py), so each costs as few
# system calls as can be: shutil.copyfile also compares the two files' status, and Python's open asks
# whether a file is a terminal: twice as many calls (a deploy of 3,202 files: 58,000 -> 26,000).
_PART = 1 << 20  # a page, a chart or a card is copied in one read; the site's zip 1 MB at a time, never whole


def _copy_file(source: str | os.PathLike[str], target: str | os.PathLike[str], digest=None) -> None:
    """Copy source's bytes to target (a new file, or in place of the one there), feeding a hash object those very bytes."""
    reading = os.open(source, os.O_RDONLY)
    try:
        writing = _new_file(target)
        try:
            while part := os.read(reading, _PART):
                if digest is not None:
                    digest.update(part)
                _write_all(writing, part)
        finally:
            os.close(writing)
    finally:
        os.close(reading)


def _new_file(target: str | os.PathLike[str]) -> int:
    """Open a new file at target for writing, in place of any file there.

    Never written through: the name there may be a hard link to a stored file (a deploy's
    output is lent the store's files) or to the very file being copied, which truncating it
    would empty.
    """
    with suppress(FileNotFoundError):
        os.unlink(target)
    return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)


def _write_bytes(target: str | os.PathLike[str], content: bytes) -> None:
    handle = _new_file(target)
    try:
        _write_all(handle, content)
    finally:
        os.close(handle)


def _write_all(handle: int, content: bytes) -> None:
    with memoryview(content) as left:
        while left:
            left = left[os.write(handle, left):]


# This process's registration as a user of each shared store, kept while any FileStore of it lives.
_USERS: weakref.WeakValueDictionary[Path, StoreUsers] = weakref.WeakValueDictionary()


def _register(folder: Path) -> StoreUsers:
    # One registration per process: two FileStores of one folder in one process (a builder
    # and its successor in the dev server) are one user, and neither keeps the other from cleaning.
    users = _USERS.get(folder)
    if users is None or users.pid != os.getpid():  # a forked worker registers on its own
        users = _USERS[folder] = StoreUsers(folder)
    return users


def _remove_if_owner(folder: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
        for lock in StoreUsers.files(folder):  # made by the card workers that stored into it
            lock.unlink(missing_ok=True)


class SiteFiles(Mapping[str, bytes]):
    """Every file of a built site by output path, in path order: bytes held here, or a digest in a store."""

    def __init__(self, store: FileStore | None, held: dict[str, bytes], stored: dict[str, str], *,
                 lent: bool = False) -> None:
        self._store = store  # kept alive as long as these files are: a temporary store goes with it
        self._held = held
        self._stored = stored
        self._paths = sorted(held.keys() | stored.keys())
        self._lent = lent  # written as the store's own files (FileStore.lend), not copies

    @contextmanager
    def lent(self) -> Iterator[SiteFiles]:
        """Yield these files to write once, the stored ones lent by the store where it may (`FileStore.lending`)."""
        with self._store.lending() as alone:
            yield SiteFiles(self._store, self._held, self._stored, lent=alone)

    @classmethod
    def of(cls, files: Mapping[str, bytes]) -> SiteFiles:
        """Return files as SiteFiles: these very ones, or plain bytes by path held as they are."""
        return files if isinstance(files, SiteFiles) else cls(None, dict(files), {})

    def __getitem__(self, path: str) -> bytes:
        if path in self._held:
            return self._held[path]
        return self._store.get(self._stored[path])

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __contains__(self, path: object) -> bool:
        return path in self._stored or path in self._held

    def write_to(self, path: str, target: str | os.PathLike[str]) -> None:
        """Write one file at target (a new file, or over the one there)."""
        if path in self._stored and self._lent:
            self._store.lend(self._stored[path], target)
        elif path in self._stored:
            self._store.place(self._stored[path], target, shared=False)
        else:
            _write_bytes(target, self._held[path])

    def changed_since(self, previous: SiteFiles) -> list[str]:
        """Return the paths whose bytes differ from those in previous (or that previous lacks)."""
        changed = [path for path, digest in self._stored.items() if previous._stored.get(path) != digest]
        # Held files are few and small; an unchanged one is often the very same object.
        return changed + [path for path, content in self._held.items() if previous._held.get(path) != content]

    def digest(self, path: str) -> str:
        """Return the SHA-256 of a file, without reading a stored one."""
        if path in self._stored:
            return self._stored[path]
        return hashlib.sha256(self._held[path]).hexdigest()

    def digests(self) -> dict[str, str]:
        """Return the SHA-256 of every file by path."""
        return {path: self.digest(path) for path in self._paths}

    def all_stored(self) -> SiteFiles:
        """Return these files with the held ones put in the store too: a digest then names each one's bytes there."""
        stored = {**self._stored, **{path: self._store.put(content) for path, content in self._held.items()}}
        return SiteFiles(self._store, {}, stored)


class StoredTexts(Mapping[str, str]):
    """Texts by key, each read from the store (and decoded) only when it is asked for."""

    def __init__(self, store: FileStore, digests: dict[str, str]) -> None:
        self._store = store
        self._digests = digests

    def __getitem__(self, key: str) -> str:
        return self._store.get(self._digests[key]).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._digests)

    def __len__(self) -> int:
        return len(self._digests)
