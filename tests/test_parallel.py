"""Worker processes: results come back in order, a worker's error is raised in the build, and a
build on several cores equals one on a single core."""

from __future__ import annotations

import operator

import pytest

from sitegen.content import Project
from sitegen.parallel import MIN_ITEMS_PER_WORKER, fresh_process_map, parallel_map
from sitegen.pipeline import BuildOptions, SiteBuilder

ITEMS = list(range(5 * MIN_ITEMS_PER_WORKER + 3))  # enough for two workers, not a multiple of two


@pytest.mark.parametrize("map_items", [fresh_process_map, parallel_map], ids=["fresh", "forked"])
def test_workers_return_every_result_in_order(map_items):
    assert list(map_items(operator.mul, 3, ITEMS, 2)) == [3 * item for item in ITEMS]


def test_an_error_in_a_fresh_worker_is_raised_here():
    with pytest.raises(ZeroDivisionError):
        fresh_process_map(operator.truediv, 1, ITEMS, 2)  # the first item is 0


def test_a_build_on_two_cores_equals_a_build_on_one_byte_for_byte(make_site, chart_block):
    # Enough articles for two page workers; charts drawn in a worker of their own, their
    # pages rendered last with the SVGs sent along; cards drawn in fresh interpreters.
    articles = {f"content/articles/a{n:02}.md": f"---\ntitle: Article {n}\nsummary: s\ndate: 2024-01-02\n---\n"
                                                f"## Part\n\nText {n}.\n\n" + (chart_block if n % 10 == 0 else "")
                for n in range(2 * MIN_ITEMS_PER_WORKER + 4)}
    project = Project.from_content_dir(make_site(articles) / "content")

    parallel = SiteBuilder(project, BuildOptions(jobs=2, search_index=False)).build().pages
    serial = SiteBuilder(project, BuildOptions(jobs=1, search_index=False)).build().pages

    assert parallel == serial
    assert "<svg" in parallel["articles/a10/index.html"].decode()
