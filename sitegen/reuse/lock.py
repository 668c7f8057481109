"""Locks: who may write an output folder, and who still uses the cache's file store.

Input: an output folder, or the store's folder. Output: a held lock, or a `SiteError`
naming the process that holds it. Both are `fcntl.flock` locks, which the kernel
releases when their process ends, however it ends: a lock left by a killed build is
simply taken by the next one (issue 20).

- `OutputLock`: one build or dev server at a time writes an output folder (and the
  staging folders beside it). The lock file, `.<output>.lock` beside the folder, holds
  who took it (command, process id, since when) for the message a second build prints
  after waiting `SITEGEN_LOCK_WAIT` seconds (5 by default).
- `StoreUsers`: every process using a shared store holds a shared lock on a file in it;
  the store is cleaned only by a process that can turn its own into the one exclusive
  lock, so never while another live process (a dev server with drafts beside a build
  without) may still need what it stored.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import SiteError, relative_path
from ..messages import _, number

WAIT_VARIABLE = "SITEGEN_LOCK_WAIT"
DEFAULT_WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05


def process_alive(pid: int) -> bool:
    """Tell whether a process with this id exists (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def lock_wait_seconds() -> float:
    """Return how long to wait for a lock held by another process: SITEGEN_LOCK_WAIT, or 5 seconds."""
    value = os.environ.get(WAIT_VARIABLE, "")
    if not value:
        return DEFAULT_WAIT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        raise SiteError(WAIT_VARIABLE, None, _("'{value}' is not a number of seconds", value=value),
                        _("write e.g. {variable}=30, or leave it unset to wait {seconds} seconds",
                          variable=WAIT_VARIABLE, seconds=number(DEFAULT_WAIT_SECONDS, "0.###")))
    return seconds


def _command_line() -> str:
    return " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else f"python (pid {os.getpid()})"


class OutputLock:
    """The right to write one output folder, held by one process at a time (a context manager)."""

    def __init__(self, output: Path, wait: float | None = None) -> None:
        output = output.resolve()
        self.output = output
        self.path = output.parent / f".{output.name}.lock"
        self.wait = lock_wait_seconds() if wait is None else wait
        self._handle: int | None = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, waiting up to `wait` seconds; raise a SiteError naming the holder if it stays taken."""
        self.output.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.wait
        while True:
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                if time.monotonic() >= deadline:
                    raise self._busy() from None
                time.sleep(POLL_SECONDS)
                continue
            # The holder before us removes the file as it lets go; a lock taken on a removed
            # file guards nothing, so take it again on the file that is there now.
            try:
                current = os.stat(self.path).st_ino == os.fstat(handle).st_ino
            except FileNotFoundError:
                current = False
            if current:
                break
            os.close(handle)
        # Whoever held it before (a process that was killed, say) left its own note: replace it.
        note = {"pid": os.getpid(), "command": _command_line(), "since": dt.datetime.now().isoformat(timespec="seconds")}
        os.ftruncate(handle, 0)
        os.pwrite(handle, json.dumps(note).encode("utf-8"), 0)
        self._handle = handle

    def release(self) -> None:
        """Let go of the lock and remove its file (a killed holder's file is taken over instead)."""
        if self._handle is None:
            return
        self.path.unlink(missing_ok=True)  # while still held: see acquire
        os.close(self._handle)
        self._handle = None

    def _busy(self) -> SiteError:
        try:
            note = json.loads(self.path.read_text(encoding="utf-8"))
            holder = _("'{command}' (process {pid}, since {since})", command=note["command"], pid=note["pid"],
                       since=note["since"].replace("T", " "))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            holder = _("another sitegen process, which has not said who it is yet")
        return SiteError(relative_path(self.output, Path.cwd()), None,
                         _("another build is writing this folder: {holder}; gave up after waiting {seconds} s",
                           holder=holder, seconds=number(self.wait, "0.###")),
                         _("wait for it to end, stop it, or build into another folder with --output; "
                           "{variable}=60 waits longer", variable=WAIT_VARIABLE))


class StoreUsers:
    """This process's registration as a user of a shared file store, for as long as the object lives.

    The lock files are beside the store's folder (`.store.users`, `.store.cleaning`), not in
    it: the store holds only its files.
    """

    def __init__(self, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        self.pid = os.getpid()
        users, cleaning = self.files(folder)
        self._users = os.open(users, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        self._cleaning = os.open(cleaning, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        weakref.finalize(self, _close, self._users, self._cleaning)
        fcntl.flock(self._users, fcntl.LOCK_SH)  # waits only while another process cleans, a moment

    @staticmethod
    def files(folder: Path) -> tuple[Path, Path]:
        """Return the lock files of a store's folder: its users', and its cleaner's."""
        return folder.parent / f".{folder.name}.users", folder.parent / f".{folder.name}.cleaning"

    @contextmanager
    def alone(self) -> Iterator[bool]:
        """Yield True, keeping new users out meanwhile, if no other live process uses the store; else yield False.

        One cleaner at a time: a second one waits, still registered, so the first is not
        alone. While this process lets go of its shared lock to try for the exclusive one,
        a process that comes to use the store waits, and registers once the cleaning is done.
        """
        fcntl.flock(self._cleaning, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._users, fcntl.LOCK_UN)
            try:
                fcntl.flock(self._users, fcntl.LOCK_EX | fcntl.LOCK_NB)
                alone = True
            except BlockingIOError:
                alone = False
            try:
                yield alone
            finally:
                fcntl.flock(self._users, fcntl.LOCK_SH)  # back to shared (only a cleaner takes it exclusively)
        finally:
            fcntl.flock(self._cleaning, fcntl.LOCK_UN)


def _close(*handles: int) -> None:
    for handle in handles:
        os.close(handle)
