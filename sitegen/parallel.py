"""Use every core: map a function over items in forked worker processes.

Input: a function, the state it needs, and the items. Output: the results, in order.
Workers are forked after the state is built, so they inherit it instead of receiving
it through a pipe; only the items and the results travel. With one core, or few items,
it runs in this process: forking costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

MIN_ITEMS_PER_WORKER = 16
_STATE: tuple[Callable, object] | None = None


def available_cores() -> int:
    """Return how many cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _call(item):
    function, state = _STATE
    return function(state, item)


def parallel_map(function: Callable, state, items: list, jobs: int) -> Iterator:
    """Yield function(state, item) for each item, in order, using up to `jobs` processes."""
    global _STATE
    workers = min(jobs, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (function(state, item) for item in items)
        return
    _STATE = (function, state)
    try:
        context = multiprocessing.get_context("fork")
        chunk = max(1, len(items) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield from pool.map(_call, items, chunksize=chunk)
    finally:
        _STATE = None


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
