"""Time a command and sample the peak memory of its whole process tree.

Input: a command line. Output: a `Run` with its wall time and the peak, over the run,
of the summed resident set size of the process and all its descendants, read from
/proc every 20 ms, and the peak of their summed proportional set size (PSS), every 200 ms. A forked
worker's RSS counts every page it still shares with its parent, so the RSS sum counts
the parent's memory once per worker; PSS splits each shared page among its sharers,
so the PSS sum is the memory the build really holds. `ru_maxrss` would be simpler but is the peak of one process only,
which misses multiprocessing workers. New descendants are found among the processes
started after the command (higher pids), so a sample reads a handful of files, not
every process on a busy machine.

A process that shares its parent's address space is not counted twice: a child being
started (subprocess's vfork, between the fork and the exec of the new program) reports
its parent's memory as its own for a moment, and a 20 ms sampler catches that moment
now and then, adding the whole parent once more to the peak. kcmp(2) tells whether two
processes share one address space; where it is unavailable, every process counts.
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02
# Reading PSS makes the kernel walk every page table of the process: at every sample it
# took a third of a core from the build being measured. Memory peaks last seconds, so
# one sample in ten is enough for it.
PSS_EVERY = 10
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
KCMP_SYSCALL = {"x86_64": 312, "aarch64": 272}.get(platform.machine())
KCMP_VM = 1
_libc = ctypes.CDLL(None, use_errno=True)


def shares_address_space(pid: int, other: int) -> bool:
    """Tell whether two processes run in one address space (False when it cannot be told)."""
    if KCMP_SYSCALL is None:
        return False
    return _libc.syscall(KCMP_SYSCALL, pid, other, KCMP_VM, 0, 0) == 0


@dataclass(frozen=True)
class Run:
    """One timed run: wall seconds, CPU seconds of the whole tree, peak tree RSS and PSS in bytes (0: not sampled)."""

    seconds: float
    peak_rss: int = 0
    peak_pss: int = 0
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class Summary:
    """Several runs of one measurement: the median time and the largest peak memory."""

    runs: tuple[Run, ...]

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)

    @property
    def peak_rss(self) -> int:
        return max(run.peak_rss for run in self.runs)

    @property
    def peak_pss(self) -> int:
        return max(run.peak_pss for run in self.runs)


def parent_pid(pid: int) -> int | None:
    """Return a process's parent pid, or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return int(stat[stat.rindex(b")") + 2:].split()[1])  # after "pid (name) state"


def resident_bytes(pid: int) -> int:
    """Return a process's resident set size in bytes, 0 if it is gone."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * PAGE_SIZE
    except (OSError, IndexError):
        return 0


def proportional_bytes(pid: int) -> int:
    """Return a process's proportional set size in bytes, 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


class TreeSampler:
    """Follow a process tree in a thread and remember its largest total RSS."""

    def __init__(self, root: int):
        self.root = root
        self.tree = {root}
        self.foreign: set[int] = set()  # later pids found not to be ours: skip them
        self.peak = 0
        self.peak_pss = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> int:
        """Stop sampling; return the peak in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak

    def sample(self) -> None:
        """Add newly started descendants to the tree, then sum the tree's RSS."""
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            if pid <= self.root or pid in self.tree or pid in self.foreign:
                continue
            parent = parent_pid(pid)
            if parent in self.tree:
                self.tree.add(pid)
            elif parent is None or parent < self.root or parent in self.foreign:
                self.foreign.add(pid)  # gone, or its parent is older than our root: not ours
        counted = [pid for pid in self.tree if not self._shares_parent_memory(pid)]
        self.peak = max(self.peak, sum(resident_bytes(pid) for pid in counted))
        self.samples += 1
        if self.samples % PSS_EVERY == 1:
            self.peak_pss = max(self.peak_pss, sum(proportional_bytes(pid) for pid in counted))

    def _shares_parent_memory(self, pid: int) -> bool:
        parent = parent_pid(pid) if pid != self.root else None
        return parent in self.tree and shares_address_space(pid, parent)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(SAMPLE_SECONDS)


def run_command(argv: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run a command to completion; return its wall time, CPU time and peak tree RSS.

    The CPU time is user + system of the process and of every descendant it waited for
    (pool workers, Pagefind): on a shared machine it varies far less than the wall time.
    Output goes to a temporary file, shown in the exception if the command fails.
    """
    with tempfile.TemporaryFile() as log:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        sampler = TreeSampler(process.pid)
        sampler.start()
        code = process.wait()
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        peak = sampler.stop()
        if code != 0:
            log.seek(0)
            output = log.read().decode(errors="replace")[-4000:]
            raise RuntimeError(f"{' '.join(map(str, argv))} exited {code} in {cwd}:\n{output}")
    return Run(seconds, peak, sampler.peak_pss, cpu)


Measurement = tuple[Callable[[], None], Callable[[], Run]]  # (prepare, run): one timed run after its set-up


def repeat(times: int, prepare: Callable[[], None], run: Callable[[], Run]) -> Summary:
    """Call prepare() then run() the given number of times; return the summary."""
    return take_turns(times, {"": (prepare, run)})[""]


def take_turns(rounds: int, measurements: dict[str, Measurement],
               report: Callable[[str, Run], None] | None = None) -> dict[str, Summary]:
    """Run every measurement once a round, in turn, for `rounds` rounds; return each one's summary.

    On a shared machine a slow spell lasts minutes: run one build's three runs and then the
    next's, and a spell can fall on one of them alone (the floor took 3.15 s in one run of
    this bench and 4.72 s in the next, five minutes later). Taking turns spreads it over
    every build alike, so the ratios between them hold. `report(name, run)` hears of each run.
    """
    runs: dict[str, list[Run]] = {name: [] for name in measurements}
    for _ in range(rounds):
        for name, (prepare, run) in measurements.items():
            prepare()
            runs[name].append(run())
            if report:
                report(name, runs[name][-1])
    return {name: Summary(tuple(done)) for name, done in runs.items()}


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of values (share 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]
