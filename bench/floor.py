"""The bare floor: the least a generator on our libraries can spend on a corpus.

Input: a sitegen content folder. Output: one HTML page per article plus an index in
the output folder. Per article it does only what any generator must: read the file,
parse the front matter with PyYAML (its C loader), render each chart block's figure
(`sitegen.rendering.charts`, Altair + vl-convert), convert the body with our Markdown extensions
(`create_markdown` + `render_markdown`), fill one trivial Jinja template and write the
page, on every core (a multiprocessing pool). No validation, no link check, no cache,
no incremental bookkeeping: what sitegen spends above this is its overhead. The article's
body is marked `data-pagefind-body`, as sitegen's is, for the bench's "floor + Pagefind".

Run as `PYTHONPATH=. python bench/floor.py CONTENT OUTPUT` from the repository root;
bench/run.py puts the sitegen being measured on PYTHONPATH.
"""

from __future__ import annotations

import hashlib
import os
import sys
from multiprocessing import Pool
from pathlib import Path

import jinja2
import yaml
from markupsafe import Markup

from sitegen.checking.datatypes import Column
from sitegen.rendering.chart_drawing import ChartRenderer
from sitegen.rendering.charts import CHART_KEYS, ChartSpec, Dataset
from sitegen.rendering.markup import CHART_FENCE, create_markdown, render_markdown

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PAGE = jinja2.Template(
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ title }}</title></head>\n"
    "<body><main><h1>{{ title }}</h1><p><time>{{ date }}</time></p>\n<div data-pagefind-body>{{ body }}</div>"
    "</main></body></html>\n",
    autoescape=True,
)
INDEX = jinja2.Template(
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Index</title></head><body><ol>\n"
    "{% for slug, title, summary in articles %}<li><a href=\"/articles/{{ slug }}/\">{{ title }}</a>"
    "<p>{{ summary }}</p></li>\n{% endfor %}</ol></body></html>\n",
    autoescape=True,
)

# Each worker's own converter, chart renderer and datasets, made once by start_worker.
_worker: dict = {}


def load_datasets(data: Path) -> dict[str, Dataset]:
    """Read every {description, sources, columns, rows} data file into a Dataset."""
    datasets = {}
    for path in sorted(data.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        value = yaml.load(text, Loader=LOADER)  # noqa: S506 (LOADER is a SafeLoader)
        rows = tuple(value["rows"])
        declared = value["columns"]  # name: type, as the corpus writes them
        types = tuple(Column(name, kind) for name, kind in declared.items())
        datasets[path.stem] = Dataset(path.stem, path.name, tuple(declared), rows, value.get("description"),
                                      tuple(value.get("sources", ())), digest=hashlib.sha256(text.encode()).hexdigest(),
                                      column_types=types)
    return datasets


def start_worker(content: Path, output: Path) -> None:
    """Set up one pool worker."""
    _worker.update(markdown=create_markdown(), charts=ChartRenderer(), output=output,
                   datasets=load_datasets(content / "data"))


def build_article(path: Path) -> tuple[str, str, str]:
    """Turn one article into its page; return (slug, title, summary) for the index."""
    text = path.read_text(encoding="utf-8")
    _, meta_text, body = text.split("---\n", 2)
    meta = yaml.load(meta_text, Loader=LOADER)  # noqa: S506 (LOADER is a SafeLoader)
    figures = []
    for match in CHART_FENCE.finditer(body):
        spec = yaml.load(match.group("spec"), Loader=LOADER)  # noqa: S506 (LOADER is a SafeLoader)
        chart = ChartSpec(**{key: spec[key] for key in CHART_KEYS if key in spec})
        figures.append(_worker["charts"].figure(chart, _worker["datasets"][chart.data]))
    html = render_markdown(_worker["markdown"], body, figures, "/").html
    page = PAGE.render(title=meta["title"], date=meta["date"], body=Markup(html))  # noqa: S704 (HTML our Markdown made)
    target = _worker["output"] / "articles" / path.stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return path.stem, meta["title"], meta["summary"]


def build_floor(content: Path, output: Path, processes: int | None = None) -> int:
    """Build every article and the index on all cores; return the number of pages."""
    paths = sorted((content / "articles").glob("*.md"))
    with Pool(processes or os.cpu_count(), initializer=start_worker, initargs=(content, output)) as pool:
        listed = pool.map(build_article, paths, chunksize=16)
    (output / "index.html").write_text(INDEX.render(articles=sorted(listed)), encoding="utf-8")
    return len(listed) + 1


def main(argv: list[str] | None = None) -> int:
    """Build the floor for CONTENT into OUTPUT."""
    content, output = (Path(arg) for arg in (argv if argv is not None else sys.argv[1:]))
    output.mkdir(parents=True, exist_ok=True)
    build_floor(content, output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
