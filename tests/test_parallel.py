"""Worker processes: results come back in order, a worker's error is raised in the build, and a
build on several cores equals one on a single core."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import operator
import os
import threading
import time

import pytest

from sitegen.options import BuildOptions
from sitegen.pipeline import SiteBuilder
from sitegen.reading.project import Project
from sitegen.rendering.parallel import MIN_ITEMS_PER_WORKER, FreshWorkers, fresh_process_map, parallel_map

ITEMS = list(range(5 * MIN_ITEMS_PER_WORKER + 3))  # enough for two workers, not a multiple of two


@pytest.mark.parametrize("map_items", [fresh_process_map, parallel_map], ids=["fresh", "forked"])
def test_workers_return_every_result_in_order(map_items):
    assert list(map_items(operator.mul, 3, ITEMS, 2)) == [3 * item for item in ITEMS]


def test_forked_workers_leave_the_garbage_collector_as_it_was():
    # The build's objects are frozen for the collector while workers are forked (see parallel_map).
    assert list(parallel_map(operator.mul, 3, ITEMS, 2)) == [3 * item for item in ITEMS]
    assert gc.get_freeze_count() == 0


def test_an_error_in_a_fresh_worker_is_raised_here():
    with pytest.raises(ZeroDivisionError):
        fresh_process_map(operator.truediv, 1, ITEMS, 2)  # the first item is 0


def test_a_fresh_worker_started_ahead_warms_up_then_works(tmp_path):
    # Started before its work is known (the chart worker, while the build reads its content).
    worker = FreshWorkers(1, warm_up=functools.partial(os.mkdir, tmp_path / "warmed"))
    worker.give(operator.mul, 3, ITEMS)
    assert worker.results() == [3 * item for item in ITEMS]
    assert (tmp_path / "warmed").is_dir()


def test_a_fresh_worker_that_ends_while_warming_up_is_reported_as_stopped():
    worker = FreshWorkers(1, warm_up=functools.partial(os._exit, 9))
    # More than a pipe holds: giving waits for the worker to read, and finds it gone.
    worker.give(operator.mul, 3, list(range(200_000)))
    with pytest.raises(RuntimeError, match="stopped with exit code 9"):
        worker.results()


def test_a_fresh_worker_given_no_work_is_ended(child_processes):
    before = set(child_processes())
    worker = FreshWorkers(2, warm_up=functools.partial(time.sleep, 60))
    assert len(set(child_processes()) - before) == 2
    worker.dismiss()
    assert set(child_processes()) - before == set()


def _wait_for(release, item):
    release.wait(timeout=60)
    return item


def test_forked_workers_take_items_only_as_they_get_through_them():
    # A generator decides each item shortly before it is worked on (pages with charts
    # wait while the charts are drawn): with the workers held, few items are taken.
    release = multiprocessing.get_context("fork").Event()  # inherited by the forked workers
    taken, results = [], []

    def items():
        for item in ITEMS:
            taken.append(item)
            yield item

    consumer = threading.Thread(target=lambda: results.extend(parallel_map(_wait_for, release, items(), 2, len(ITEMS))))
    consumer.start()
    deadline = time.monotonic() + 60
    while not taken and time.monotonic() < deadline:  # the hand-out has begun...
        time.sleep(0.01)
    time.sleep(1)  # ...and, with the workers held, an unpaced one would take every item meanwhile
    held = len(taken)
    release.set()
    consumer.join(timeout=60)

    assert results == ITEMS
    assert 0 < held < len(ITEMS) / 2, held


def test_a_build_on_two_cores_equals_a_build_on_one_byte_for_byte(make_site, chart_block, monkeypatch):
    # Enough articles for two page workers; charts drawn in a worker of their own, their
    # pages waiting until they are drawn, with the SVGs sent along; each search shard
    # indexed while later pages render; cards drawn in fresh interpreters.
    articles = {f"content/articles/a{n:02}.md": f"---\ntitle: Article {n}\nsummary: s\ndate: 2024-01-02\n---\n"
                                                f"## Part\n\nText {n}.\n\n" + (chart_block if n % 10 == 0 else "")
                for n in range(2 * MIN_ITEMS_PER_WORKER + 4)}
    project = Project.from_content_dir(make_site(articles) / "content")

    monkeypatch.setattr("sitegen.publishing.search.PAGES_PER_SHARD", 10)
    parallel = SiteBuilder(project, BuildOptions(jobs=2)).build().pages
    serial = SiteBuilder(project, BuildOptions(jobs=1)).build().pages

    assert parallel == serial
    assert "<svg" in parallel["articles/a10/index.html"].decode()


def test_a_cold_build_on_two_cores_without_charts_leaves_no_chart_worker(make_site, child_processes):
    # The site has data, so the build starts a chart worker while it reads; no page has a
    # chart, so that worker is ended once the pages are known.
    project = Project.from_content_dir(make_site() / "content")
    before = set(child_processes())
    builder = SiteBuilder(project, BuildOptions(jobs=2))
    assert len(set(child_processes()) - before) == 1
    builder.build()
    assert set(child_processes()) - before == set()
    assert builder.memory.charts.rendered == 0


def test_a_build_that_fails_before_its_charts_leaves_no_chart_worker(make_site, build, child_processes):
    root = make_site({"content/articles/broken.md": "---\ntitle: [unclosed\n---\nText.\n"})
    before = set(child_processes())
    assert build(root, "--no-cache") == 1
    assert set(child_processes()) - before == set()
