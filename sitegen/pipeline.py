"""The build, in order: load -> validate -> render -> edition files -> check links -> write.

Input: a project and build options (options.py). Output: every file of the site (output
path -> bytes), and on `build` the site on disk. Each stage is a module that takes what
the one before gives: reading/content.py loads the editor's files, checking/validate.py
makes them a `Publication` or every error, rendering/editions.py renders each edition's
pages, publishing/edition_stage.py makes the files of whole editions (the one-file and PDF
editions, feeds, cards, search, the mirror), checking/links.py checks every link between
them; publishing/output.py writes them (runs.py, for a one-off build). What a build reuses
from the last one is reuse/'s to decide. The dev server keeps one builder alive; a one-off
build or check (runs.py) uses a fresh one and .cache/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .checking.links import LinkChecker
from .checking.sourcing import sourcing_warnings
from .checking.stale_translations import stale_translations
from .checking.validate import validate_site
from .errors import BuildFailed
from .model import Publication
from .options import BuildOptions, BuildResult, ProgressReport
from .publishing.edition_files import EditionFiles
from .publishing.edition_stage import EditionStage
from .publishing.mirror import MIRROR_ZIP
from .publishing.whole_briefing import offered_files
from .reading.assets import load_assets
from .reading.content import ReadCache, load_content
from .reading.history import HistoryReader
from .reading.listing import has_data_files
from .reading.project import Project
from .rendering.editions import render_editions
from .rendering.page_rendering import PageRenderer
from .reuse.memory import BuildMemory, variant
from .reuse.store import SiteFiles


class SiteBuilder:
    """Runs the build stages, remembering what each made so that reruns are incremental."""

    def __init__(self, project: Project, options: BuildOptions, progress: ProgressReport | None = None):
        self.project = project
        self.options = options
        self.progress = progress
        self.memory = BuildMemory(project.root, options.use_cache)
        self._reads = ReadCache(self.memory.graph)  # every stage asks the one graph what is current (reuse/graph.py)
        self._history = HistoryReader()
        self._links = LinkChecker(project.root, self.memory.graph)
        self.page_renderer = PageRenderer(project, self.memory, options.jobs, progress)
        edition_files = EditionFiles(self.memory, options.jobs, options.social_cards, self.page_renderer.feed_body, progress)
        self.editions = EditionStage(project, options, self.memory, self.page_renderer, edition_files)
        if options.jobs > 1 and not self.memory.charts.has_drawings and has_data_files(project.content):  # charts need data
            # No chart is cached, so every chart a page has is to be drawn: the chart worker loads
            # its libraries while the content is read (and is ended if no page has a chart).
            self.memory.charts.warm_up()

    def save_cache(self) -> None:
        """Keep what this build rendered and parsed for the next one (when the cache is in use and changed)."""
        self.memory.save()

    def load_and_validate(self, changed: set[Path] | None = None) -> Publication:
        """Read and check every input (only the changed files, when the caller knows them)."""
        templates = self.project.display(self.project.templates)
        self._reads.changed = changed
        publication = validate_site(load_content(self.project, self._reads), self.options.include_drafts, templates,
                                    self.memory.graph)
        if self.options.base_url:
            publication = Publication(tuple(replace(edition, config=replace(edition.config, base_url=self.options.base_url))
                                            for edition in publication.editions), publication.warnings)
        return publication

    def build(self, changed: set[Path] | None = None,
              validated: Callable[[Publication], None] | None = None) -> BuildResult:
        """Run every stage; raise BuildFailed on any editor mistake.

        `changed` lists the files saved since the last build (the dev server's watcher knows
        them); None means anything may have changed. `validated` hears of the publication
        before its pages render.
        """
        self.memory.graph.start_build()
        try:
            publication = self.load_and_validate(changed)
            if validated is not None:
                validated(publication)
            return self.render_site(publication)
        finally:
            # A build that failed before its charts leaves the chart worker started for them
            # unused; later builds are incremental and would not wait for it. End it now.
            self.memory.charts.dismiss_warm_worker()

    def render_site(self, publication: Publication) -> BuildResult:
        """Render every page and every whole-edition file (reusing what is current), and check the links between them."""
        history = self._history.load(self.project.root, self.project.content)
        result = BuildResult(publication.original, {},  # warnings shown even if errors follow
                             warnings=[*publication.warnings, *stale_translations(publication, history)])
        try:
            assets = load_assets(self.project.static)
        except BuildFailed as failure:  # a static file too large to publish
            raise BuildFailed(failure.errors, result.warnings) from None
        renderer = self.page_renderer.current_renderer(publication.original, assets)
        if renderer.check_syntax():
            raise BuildFailed(renderer.check_syntax(), result.warnings)
        self.memory.use_variant(variant(publication))  # with drafts or at another base URL: records of their own
        pdf = self.options.pdf if publication.original.config.pdf else ""  # a site.yaml may offer no PDF
        self.editions.warm_up(publication, pdf)
        shared = {"assets": assets.digest, "registry": publication.original.sources.digest,
                  **{f"template:{name}": d for name, d in self.page_renderer.template_digests.items()}}
        pages = None
        try:
            pages = render_editions(self.page_renderer, renderer, publication, history, shared, pdf,
                                    self.memory.graph, result.rendered, self.options.search_index)
            made = self.editions.make(renderer, publication, pages, assets.files, pdf, result.rendered) if not pages.errors else None
            errors = pages.errors or made.errors or self._links.check(
                {path: r.links for path, r in pages.records.items()},
                # The mirror page links the zip, every page the whole briefing's files; `serve` and `check` make none.
                frozenset(made.files.keys() | made.stored.keys() | {MIRROR_ZIP} | offered_files(publication, pdf)),
                {path: r.link_source for path, r in pages.records.items()},
                publication.original.config.base_path,
            )
            if errors:
                # A mistake in a template shared by pages is reported once.
                raise BuildFailed(list(dict.fromkeys(errors)), result.warnings)
        except BaseException:
            if pages is not None:  # (render_editions stops its own searches when it fails)
                pages.cancel_searches()  # a failed build indexes nothing more and leaves no Pagefind running
            raise
        finally:
            self.memory.whole_briefing.dismiss()  # the PDF workers of a failed build; none are left once the PDFs are made
        if self.options.sourcing_warnings:
            cited = {source_id for record in pages.records.values() for source_id in record.cited}
            result.warnings.extend(sourcing_warnings(publication, cited, dt.date.today()))
        self.memory.keep_pages(pages.records)
        made.stored.update(self.editions.page_files(publication, pages.records))
        self.memory.finish_build()  # what this build used is kept; the pages that rendered in a failed one were too
        result.made = dict(self.memory.graph.made)
        result.pages = made.copy if self.options.relative else SiteFiles(self.memory.store, made.files, made.stored)
        return result
