"""Use every core: map a function over items in worker processes.

Input: a function, the state it needs, and the items. Output: the results, in order.
Two kinds of worker:
- `parallel_map` forks workers after the state is built, so they inherit it instead of
  receiving it through a pipe; only the items and the results travel. For work that
  needs the build's state (rendering pages).
- `fresh_process_map` and `FreshWorkers` start new interpreters (`python -m
  sitegen.rendering.parallel`) that hold only what the function's module imports. For
  self-contained work: drawing social cards late in a build, when a forked worker would
  hold a copy of everything the build holds (and the whole build's memory counts it once
  per worker), and rendering charts, whose libraries the build then never loads.
With one core, or few items, both run in this process: a worker costs more than it saves.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import queue
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

MIN_ITEMS_PER_WORKER = 16
MAX_BATCH = 16  # items sent to a worker at once
_STATE: tuple[Callable, object] | None = None


def available_cores() -> int:
    """Return how many cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _call_batch(batch: list) -> list:
    function, state = _STATE
    return [function(state, item) for item in batch]


def parallel_map(function: Callable, state, items: Iterable, jobs: int, count: int | None = None) -> Iterator:
    """Yield function(state, item) for each item, in order, using up to `jobs` processes.

    `items` may be a generator (give its `count`) that waits for something before its last
    items: a thread hands the items to the workers as they come, while the results of
    those already given are yielded here. It takes the next items only as the workers
    get through the last ones, so the generator decides each item shortly before it is
    worked on.
    """
    global _STATE
    count = len(items) if count is None else count
    workers = min(jobs, count // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (function(state, item) for item in items)
        return
    _STATE = (function, state)
    # The workers' garbage collector leaves the objects they inherit alone (Python's advice for
    # fork, in the gc module's docs): it does not walk them again in each worker, nor write to
    # their pages, which stay shared. A page worker's collections: 0.09 -> 0.03 s at 1,000 pages.
    gc.freeze()
    _return_freed_memory()
    try:
        context = multiprocessing.get_context("fork")
        # Small batches, so that the generator decides each item shortly before it is worked on.
        chunk = max(1, min(MAX_BATCH, count // (workers * 8)))
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            submitted: queue.Queue = queue.Queue()
            # Two batches a worker: one being worked on and the next one ready.
            in_flight = threading.BoundedSemaphore(2 * workers)

            def submit_all() -> None:
                try:
                    for batch in batched(items, chunk):
                        in_flight.acquire()
                        future = pool.submit(_call_batch, batch)
                        future.add_done_callback(lambda _future: in_flight.release())
                        submitted.put(future)
                except BaseException as error:  # raised where the results are read
                    submitted.put(error)
                    return
                submitted.put(None)

            threading.Thread(target=submit_all, name="submit-items", daemon=True).start()
            while (batch_results := submitted.get()) is not None:
                if isinstance(batch_results, BaseException):
                    raise batch_results
                yield from batch_results.result()
    finally:
        _STATE = None
        gc.unfreeze()


def _return_freed_memory() -> None:
    """Give the C library's freed heap back to the kernel before forking (glibc's malloc_trim(3)).

    A forked worker's RSS counts every resident page it inherits. Reading and checking
    10,000 articles leaves ~60 MB freed but kept by glibc for reuse (147 MB resident, 84 MB
    after the trim), which the build and each page worker then counted again.
    """
    import ctypes  # here, not at the top: fresh workers import this module and never trim

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return
    trim(0)


def fresh_process_map(function: Callable, state, items: list, jobs: int) -> list:
    """Return [function(state, item) for item in items], computed in up to `jobs` new interpreters.

    With one job, or fewer items than one worker's worth, they are computed here.
    """
    workers = min(jobs, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1:
        return [function(state, item) for item in items]
    fresh = FreshWorkers(workers)
    fresh.give(function, state, items)
    return fresh.results()


class FreshWorkers:
    """`workers` new interpreters, started at once: `give` them function(state, item) over items, `results()` waits.

    They may be started before their work is known, running `warm_up` meanwhile (loading
    the libraries the work needs, say), and be given it later or `dismiss`ed. The
    function, the state and the items travel pickled (a function by its module and
    name), so the function must be importable at module level.
    """

    def __init__(self, workers: int, warm_up: Callable[[], object] | None = None) -> None:
        self._count = 0
        # The worker imports sitegen from where this copy of it lives, whatever the current folder.
        package_parent = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
        # glibc hands freed memory at the top of the heap back to the kernel at once, so a
        # worker that frees a few large buffers per item (a card's 760 KB pixel copies)
        # faults every page of them in again for the next: 500 faults, a third of a card's
        # time. Keeping 16 MB at the top of the heap ends that (glibc's mallopt(3); other
        # C libraries ignore the variable).
        env = {"MALLOC_TOP_PAD_": str(16 << 20), **os.environ, "PYTHONPATH": path}
        self._processes = []
        for _ in range(workers):
            process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,  # noqa: S603 (this interpreter, this module)
                                       env=env)
            pickle.dump(warm_up, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            process.stdin.flush()
            self._processes.append(process)
        # Workers never given their work are ended with this object, or when the build's process exits.
        self._dismiss = weakref.finalize(self, _end_processes, self._processes)

    def give(self, function: Callable, state, items: list, last: bool = True) -> None:
        """Send each worker its share of the items (waiting, if the items are many, until it has warmed up).

        Unless it is the `last` work, the workers stay for more once `results()` has read this one's:
        given more work, they skip the start and the warm-up again.
        """
        if last:
            self._dismiss.detach()
        self._count = len(items)
        for number, process in enumerate(self._processes):
            # Every worker reads all of its work before it writes anything, so this cannot deadlock.
            try:
                pickle.dump((function, state, items[number::len(self._processes)]), process.stdin,
                            protocol=pickle.HIGHEST_PROTOCOL)
                if last:
                    # Said, not only shown by closing the pipe: page workers forked meanwhile hold
                    # its other end too, and the worker would stay until they end.
                    pickle.dump(None, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                process.stdin.flush()
                if last:
                    process.stdin.close()
            except BrokenPipeError:  # the worker ended before it read its work (killed while warming up): results() says so
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.close()

    def dismiss(self) -> None:
        """End workers that will be given no work."""
        self._dismiss()

    def results(self) -> list:
        """Wait for every worker; return the results in the items' order, or raise a worker's error."""
        outcomes = []
        for process in self._processes:
            try:
                outcomes.append(pickle.load(process.stdout))  # noqa: S301 (the answer of a worker this build started, through its pipe)
            except EOFError:
                process.stdout.close()
                raise RuntimeError(f"a worker process ({process.args[-1]}) stopped with exit code {process.wait()}") from None
            if process.stdin.closed:  # its last work: it ends now (told so: see `give`)
                # Not read to its end: a page worker forked while this worker started may hold
                # the other end of its output too, and the end of it would come only with theirs.
                process.stdout.close()
                if process.wait() != 0:
                    raise RuntimeError(f"a worker process ({process.args[-1]}) stopped with exit code {process.returncode}")
        for failed, value in outcomes:
            if failed:
                raise value
        results = [None] * self._count
        for number, (_failed, values) in enumerate(outcomes):
            results[number::len(outcomes)] = values
        return results


def _end_processes(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.kill()  # it holds nothing worth finishing: a warm-up at most
        process.stdin.close()
        process.stdout.close()
        process.wait()


def _work_in_fresh_process() -> None:
    """Be one worker of `FreshWorkers`: read and run its warm-up; then read (function, state, items)
    and write (failed, results or error), for each work given; end when told there is no more (None)
    or when the input ends."""
    from ..messages import LANGUAGE_VARIABLE, use_language

    use_language(os.environ.get(LANGUAGE_VARIABLE, "en"))  # a chart's error speaks as the build does
    warm_up = pickle.load(sys.stdin.buffer)  # noqa: S301 (sent by the build that started this worker, through the pipe)
    try:
        if warm_up is not None:
            warm_up()
    except Exception:  # noqa: S110 (the work meets the same failure, and reports it)
        pass
    while True:  # each work given, until the input ends
        try:
            work = pickle.load(sys.stdin.buffer)  # noqa: S301 (sent by the build that started this worker, through the pipe)
        except EOFError:
            return
        if work is None:  # no more work (see `give`)
            return
        function, state, items = work
        try:
            outcome = (False, [function(state, item) for item in items])
        except Exception as error:  # handed to the parent, which raises it there
            outcome = (True, error)
        pickle.dump(outcome, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
        sys.stdout.buffer.flush()


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Yield lists of up to size items."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


if __name__ == "__main__":
    _work_in_fresh_process()
