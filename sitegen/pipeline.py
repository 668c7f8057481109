"""The build, in order: load -> validate -> render -> check links -> write.

Input: a project and build options. Output: the rendered site (output path -> bytes),
and on `build` the site on disk. `SiteBuilder` keeps, for each page, the inputs it read
(its source file, the datasets it used, the templates in its chain, the site-wide
digest) with their content hashes, so a later run re-renders only the pages whose
inputs changed. The dev server keeps one builder alive; a one-off build uses a fresh one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .charts import ChartRenderer
from .content import Project, load_content
from .errors import BuildFailed, SiteError
from .links import LinkSource, PageLinks, check_links, extract_links
from .markup import create_markdown, render_markdown
from .output import list_static_files, write_site
from .render import PAGE_TEMPLATES, DataAccess, Renderer, render_article, render_home, render_not_found
from .validate import Article, HomePage, Site, validate_site

SITE_DIGEST = "site"


@dataclass(frozen=True)
class BuildOptions:
    """What the command line can change about a build."""

    include_drafts: bool = False
    base_url: str | None = None


@dataclass(frozen=True)
class PageRecord:
    """A rendered page and the content hashes of every input it was rendered from."""

    inputs: dict[str, str]
    html: bytes
    links: PageLinks
    link_source: LinkSource


@dataclass
class BuildResult:
    """What one run produced: every page, and which pages had to be rendered again."""

    site: Site
    pages: dict[str, bytes]
    rendered: list[str] = field(default_factory=list)


def site_digest(site: Site, options: BuildOptions) -> str:
    """Hash what every page may show of the whole site: config and the article list."""
    listing = [
        [a.slug, a.title, a.summary, str(a.date), str(a.updated), a.order, a.draft, list(a.tags), a.layout]
        for a in site.articles
    ]
    home = [site.home.title, site.home.summary] if site.home else None
    payload = [__version__, site.config.digest, site.config.base_url, options.include_drafts, listing, home]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


class SiteBuilder:
    """Runs the build stages, remembering page inputs so that reruns are incremental."""

    def __init__(self, project: Project, options: BuildOptions):
        self.project = project
        self.options = options
        self.charts = ChartRenderer()
        self.markdown = create_markdown()
        self.records: dict[str, PageRecord] = {}
        self._renderer: Renderer | None = None
        self._template_digests: dict[str, str] = {}

    def load_and_validate(self) -> Site:
        """Read and check every input; raise BuildFailed listing every mistake."""
        site = validate_site(load_content(self.project), self.options.include_drafts)
        if self.options.base_url:
            site = replace(site, config=replace(site.config, base_url=self.options.base_url))
        return site

    def render_site(self, site: Site) -> BuildResult:
        """Render every page (reusing unchanged ones) and check the links between them."""
        renderer = self._current_renderer(site)
        current = {SITE_DIGEST: site_digest(site, self.options)}
        current.update({f"template:{n}": d for n, d in self._template_digests.items()})
        current.update({f"data:{n}": d.digest for n, d in site.datasets.items()})
        errors: list[SiteError] = []
        result = BuildResult(site, {})
        records: dict[str, PageRecord] = {}
        owners: dict[str, str] = {}
        for kind, output_path, page in self._pages(site):
            owner = page.path if page is not None else kind
            if output_path in owners:
                errors.append(SiteError(owner, None, f"this page and {owners[output_path]} would both be written to {output_path}"))
                continue
            owners[output_path] = owner
            if page is not None:
                current[f"doc:{page.path}"] = page.digest
            record = self.records.get(output_path)
            if record is None or any(current.get(k) != v for k, v in record.inputs.items()):
                try:
                    record = self._render_page(renderer, site, kind, page, current)
                except SiteError as error:
                    errors.append(error)
                    continue
                result.rendered.append(output_path)
            records[output_path] = record
        if not errors:
            errors = check_links(
                {path: r.links for path, r in records.items()},
                list_static_files(self.project.static),
                {path: r.link_source for path, r in records.items()},
                site.config.base_path,
            )
        self.records.update(records)
        if errors:
            raise BuildFailed(errors)
        for stale in self.records.keys() - records.keys():
            del self.records[stale]
        result.pages = {path: records[path].html for path in sorted(records)}
        return result

    def build(self) -> BuildResult:
        """Run load, validate and render; raise BuildFailed on any editor mistake."""
        return self.render_site(self.load_and_validate())

    def _current_renderer(self, site: Site) -> Renderer:
        digests = Renderer(self.project.templates).template_digests()
        if self._renderer is None or digests != self._template_digests:
            self._renderer = Renderer(self.project.templates, self.project.display)
            self._template_digests = digests
        self._renderer.base_path = site.config.base_path
        return self._renderer

    def _pages(self, site: Site):
        """Yield (kind, output path, source page) for every page of the site."""
        yield "home", "index.html", site.home
        for article in site.articles:
            yield "article", f"articles/{article.slug}/index.html", article
        yield "not_found", "404.html", None

    def _render_page(self, renderer: Renderer, site: Site, kind: str,
                     page: Article | HomePage | None, current: dict[str, str]) -> PageRecord:
        data = DataAccess(site.datasets)
        inputs = {SITE_DIGEST: current[SITE_DIGEST]}
        candidates = []
        body = None
        if page is not None:
            inputs[f"doc:{page.path}"] = page.digest
            figures = [self.charts.figure(c.spec, data[c.spec.data]) for c in page.charts]
            body = render_markdown(self.markdown, page.body, figures, site.config.base_path)
            candidates.append((page.path, page.body, page.body_line))
        if kind == "article":
            html = render_article(renderer, site, page, body.html, body.toc, data)
            template = PAGE_TEMPLATES[page.layout]
        elif kind == "home":
            html = render_home(renderer, site, page, body.html if body else "", data)
            template = PAGE_TEMPLATES["home"]
        else:
            html = render_not_found(renderer, site, data)
            template = PAGE_TEMPLATES["not_found"]
        for name in sorted(data.read):
            inputs[f"data:{name}"] = current.get(f"data:{name}", "")
        for name in sorted(renderer.template_closure(template)):
            inputs[f"template:{name}"] = current.get(f"template:{name}", "")
            candidates.append((self.project.display(self.project.templates / name),
                               (self.project.templates / name).read_text(encoding="utf-8"), 1))
        config_path = self.project.content / "site.yaml"
        if config_path.is_file():
            candidates.append((self.project.display(config_path), config_path.read_text(encoding="utf-8"), 1))
        return PageRecord(inputs, html.encode("utf-8"), extract_links(html), LinkSource(tuple(candidates)))


def build_site(project: Project, output: Path, options: BuildOptions) -> BuildResult:
    """Build the whole site and swap it into the output folder; raise BuildFailed on errors."""
    result = SiteBuilder(project, options).build()
    write_site(output, result.pages, project.static)
    return result


def check_site(project: Project, options: BuildOptions) -> BuildResult:
    """Run every stage a build runs except writing; raise BuildFailed on errors."""
    return SiteBuilder(project, options).build()
