"""Use every core: map a function over items in worker processes.

Input: a function, the state it needs, and the items. Output: the results, in order.
Two kinds of worker:
- `parallel_map` forks workers after the state is built, so they inherit it instead of
  receiving it through a pipe; only the items and the results travel. For work that
  needs the build's state (rendering pages).
- `fresh_process_map` and `FreshWorkers` start new interpreters (`python -m
  sitegen.parallel`) that hold only what the function's module imports. For
  self-contained work: drawing social cards late in a build, when a forked worker would
  hold a copy of everything the build holds (and the whole build's memory counts it once
  per worker), and rendering charts, whose libraries the build then never loads.
With one core, or few items, both run in this process: a worker costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import subprocess
import sys
import threading
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


def fresh_process_map(function: Callable, state, items: list, jobs: int) -> list:
    """Return [function(state, item) for item in items], computed in up to `jobs` new interpreters.

    With one job, or fewer items than one worker's worth, they are computed here.
    """
    workers = min(jobs, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1:
        return [function(state, item) for item in items]
    return FreshWorkers(function, state, items, workers).results()


class FreshWorkers:
    """function(state, item) over items in `workers` new interpreters, started at once; `results()` waits.

    The function, the state and the items travel pickled (a function by its module and
    name), so the function must be importable at module level.
    """

    def __init__(self, function: Callable, state, items: list, workers: int) -> None:
        self._count = len(items)
        # The worker imports sitegen from where this copy of it lives, whatever the current folder.
        package_parent = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
        # glibc hands freed memory at the top of the heap back to the kernel at once, so a
        # worker that frees a few large buffers per item (a card's 760 KB pixel copies)
        # faults every page of them in again for the next: 500 faults, a third of a card's
        # time. Keeping 16 MB at the top of the heap ends that (glibc's mallopt(3); other
        # C libraries ignore the variable).
        env = {"MALLOC_TOP_PAD_": str(16 << 20), **os.environ, "PYTHONPATH": path}
        self._processes = []
        for number in range(workers):
            process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       env=env)
            # Every worker reads all of its input before it writes anything, so this cannot deadlock.
            with process.stdin:
                pickle.dump((function, state, items[number::workers]), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._processes.append(process)

    def results(self) -> list:
        """Wait for every worker; return the results in the items' order, or raise a worker's error."""
        outcomes = []
        for process in self._processes:
            with process.stdout:
                answer = process.stdout.read()
            if process.wait() != 0 or not answer:
                raise RuntimeError(f"a worker process ({process.args[-1]}) stopped with exit code {process.returncode}")
            outcomes.append(pickle.loads(answer))
        for failed, value in outcomes:
            if failed:
                raise value
        results = [None] * self._count
        for number, (_failed, values) in enumerate(outcomes):
            results[number::len(outcomes)] = values
        return results


def _work_in_fresh_process() -> None:
    """Be one worker of `fresh_process_map`: read (function, state, items), write (failed, results or error)."""
    function, state, items = pickle.load(sys.stdin.buffer)
    try:
        outcome = (False, [function(state, item) for item in items])
    except Exception as error:  # handed to the parent, which raises it there
        outcome = (True, error)
    pickle.dump(outcome, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


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
