"""Worker processes: results come back in order, and a worker's error is raised in the build."""

from __future__ import annotations

import operator

import pytest

from sitegen.parallel import MIN_ITEMS_PER_WORKER, fresh_process_map, parallel_map

ITEMS = list(range(5 * MIN_ITEMS_PER_WORKER + 3))  # enough for two workers, not a multiple of two


@pytest.mark.parametrize("map_items", [fresh_process_map, parallel_map], ids=["fresh", "forked"])
def test_workers_return_every_result_in_order(map_items):
    assert list(map_items(operator.mul, 3, ITEMS, 2)) == [3 * item for item in ITEMS]


def test_an_error_in_a_fresh_worker_is_raised_here():
    with pytest.raises(ZeroDivisionError):
        fresh_process_map(operator.truediv, 1, ITEMS, 2)  # the first item is 0
