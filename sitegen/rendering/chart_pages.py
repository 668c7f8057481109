"""Chart pages: each chart of an edition on a page of its own, /charts/<id>/ (see `Site.chart_pages`).

Input: an edition's chart pages. Output: what their downloads are made from, and their
HTML. A chart page shows the figure as the article does (its text alternative and data
table included), cites the data's sources, and offers the data (CSV) and the drawing
(SVG, PNG) under the chart's id.
"""

from __future__ import annotations

from ..model import ChartPage, Site
from ..publishing.chart_files import ChartDownload
from .charts import ChartLanguage
from .render import PAGE_TEMPLATES, BuildContext, RenderedPage, base_context, cite_page, page_meta
from .templating import DataAccess, Renderer
from .typography import typeset_html, typeset_text


def chart_download(site: Site, page: ChartPage, language: ChartLanguage, drawing: str) -> ChartDownload:
    """Return what a chart page's downloads are made from: its drawing, its data, its title and source line,
    typeset as the page is (no-break spaces in the drawing's labels, its title and source line)."""
    spec = page.chart.spec
    dataset = site.datasets[spec.data]
    outlets = dict.fromkeys(site.sources[source_id].outlet for source_id in dataset.sources if source_id in site.sources)
    source_line = f"{language.source_label}: {', '.join(outlets)}" if outlets else ""
    if dataset.note:
        source_line = f"{source_line}. {dataset.note}" if source_line else dataset.note
    code = language.code
    return ChartDownload(spec.id, typeset_html(drawing, code), dataset, typeset_text(spec.title or spec.description, code),
                         typeset_text(source_line, code), site.config.title)


def render_chart_page(renderer: Renderer, context: BuildContext, page: ChartPage, figure_html: str,
                      data: DataAccess) -> RenderedPage:
    """Render a chart's own page: the figure, where it is shown, its downloads and its cited sources."""
    spec = page.chart.spec
    title = spec.title or spec.description
    meta = page_meta(context, page.url, title, spec.description)
    names = base_context(context, f"chart:{page.id}", data, meta)
    names.update(page=page, title=title, description=spec.description, figure_html=figure_html,
                 shown_on_title=context.page_titles.get(page.shown_at, page.shown_at))
    template = PAGE_TEMPLATES["chart"]
    return cite_page(renderer, names, renderer.render(template, names), template)
