"""One-off runs of the pipeline: `build_site` writes the site to its folder, `check_site` writes nothing.

Input: a project and build options. Output: the `BuildResult`, and for `build_site` the
site on disk, written whole to a temporary folder and swapped into place or, with the
cache, only the files that changed (publishing/output.py). Each run uses a fresh
`SiteBuilder` (pipeline.py) that reads .cache/ and saves it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .model import Publication
from .options import BuildOptions, BuildResult, ProgressReport
from .pipeline import SiteBuilder
from .publishing.output import StagedSite, holding_output_lock, sync_site, will_write_whole_site, write_site
from .reading.project import Project
from .reuse.cache import output_manifest_file


@holding_output_lock  # one process at a time writes an output folder (issue 20, publishing/output.py)
def build_site(project: Project, output: Path, options: BuildOptions,
               progress: ProgressReport | None = None) -> BuildResult:
    """Build the whole site and put it in the output folder; raise BuildFailed on errors."""
    manifest = output_manifest_file(project.root)
    if options.relative:  # the mirrorable copy carries no search index and no social cards: none are made for it
        options = replace(options, search_index=False, social_cards=False)
    builder = SiteBuilder(project, options, progress)
    # When the whole site will be written, its pages' folders are made while the pages render.
    staged = StagedSite(output) if not options.use_cache or will_write_whole_site(manifest, output) else None

    def make_page_folders(publication: Publication) -> None:
        staged.make_folders_ahead(builder.page_renderer.page_paths(publication))

    try:
        result = builder.build(validated=make_page_folders if staged else None)
    except BaseException:
        if staged:
            staged.discard()
        raise
    finally:
        builder.save_cache()  # pages that did render are worth keeping even when others failed
    if options.use_cache:
        # Every file in the store, the small ones too: the root node names them all by digest, so that a
        # deploy with the last .cache/ writes them from there without building (reuse/whole_build.py).
        result.pages = result.pages.all_stored()
        result.written = sync_site(output, result.pages, manifest, staged)
    else:
        write_site(output, result.pages, staged)
        result.written = list(result.pages)
    return result


def check_site(project: Project, options: BuildOptions, progress: ProgressReport | None = None,
               checked: Callable[[BuildResult], None] | None = None) -> BuildResult:
    """Run every stage a build runs except writing the output; raise BuildFailed on errors.

    With `use_cache` it reuses and keeps .cache/ as a build does, so an unchanged site is
    checked in a warm build's time. When drafts are included and one is among the articles,
    the published site is checked next, since a link to a draft is dead there: by the same
    builder, so nothing is read, validated or compiled twice, and its pages come from the
    published variant's records, which `build` keeps too (reuse.variant). `checked` hears of
    the first check's result before the second runs; the second's only say is its errors.
    """
    builder = SiteBuilder(project, replace(options, search_index=False, social_cards=False, mirror_zip=False, one_file=False),
                          progress)
    try:
        result = builder.build()
        if checked is not None:
            checked(result)
        if options.include_drafts and any(article.draft for article in result.site.articles):
            builder.options = replace(builder.options, include_drafts=False)
            builder.build(changed=set())  # the files as the first check read them
    finally:
        builder.save_cache()  # pages that did render are worth keeping even when others failed
    return result
