"""Jinja over the templates folder: our filters, every template compiled once, mistakes as SiteErrors.

Input: a templates folder. Output: a `Renderer` that renders a template with a context,
turning Jinja's errors into SiteErrors at the template's line, or, when a template reads a
key a data row lacks, at the row's line in its data file (rendering/template_errors.py). Which
names a page's template gets is rendering/render.py's job. Each template's compiled code is a
"template" node of the dependency graph (reuse/graph.py), by the digest of its source, so a new
process compiles only the templates that changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import traceback
from collections.abc import Mapping
from pathlib import Path

import jinja2
from jinja2 import meta
from markupsafe import Markup

from ..checking.citations import citation_mark
from ..dates import PARTIAL_DATE_HINT, PartialDate, format_partial_date, parse_partial_date
from ..errors import SiteError
from ..messages import _
from ..publishing.feeds import absolute_url
from ..reading.assets import Assets
from ..reuse.graph import MISSING, DependencyGraph
from .template_errors import TracedUndefined, missing_row_key, syntax_error

TEMPLATE_SUFFIXES = ("html", "xml", "txt")


def format_long_date(value: dt.date, language: str = "en") -> str:
    """Format a date for readers in a language: 25 November 2026, 25 ноября 2026."""
    from babel.dates import format_date

    return format_date(value, "d MMMM y", locale=language)


@jinja2.pass_context
def _long_date_filter(context, value: dt.date) -> str:
    return format_long_date(value, context["site"].language)


@jinja2.pass_context
def _time_tag_filter(context, value: PartialDate | dt.date | str | int) -> Markup:
    """Write a date as readers read it inside `<time datetime>`, at its precision: <time datetime="2023-09">September 2023</time>.

    Data files hold dates as text (2023-09-27, 2023-09 or 2023); validation does not know which columns are dates.
    """
    date = value if isinstance(value, PartialDate) else parse_partial_date(value)
    if date is None:
        raise SiteError(context.name and f"templates/{context.name}", None,
                        _("'{value}' is shown as a date but is not one", value=value), _(PARTIAL_DATE_HINT))
    text = format_partial_date(date, context["site"].language)
    return Markup('<time datetime="{}">{}</time>').format(date.isoformat(), text)


@jinja2.pass_context
def _language_name_filter(context, code: str) -> str:
    """Name a language in the edition's own language: 'it' -> 'Italian' or 'итальянский'."""
    from babel import Locale

    return Locale.parse(context["site"].language).languages.get(code, code)


@jinja2.pass_context
def _source_kind_filter(context, kind: str) -> str:
    return context["strings"]["kind_" + kind.replace("/", "_").replace(" ", "_")]


class DataAccess(Mapping):
    """Datasets by name for templates, remembering which ones a page read."""

    def __init__(self, datasets: Mapping):
        self._datasets = datasets
        self.read: set[str] = set()

    def __getitem__(self, name: str):
        self.read.add(name)
        return self._datasets[name]

    def __iter__(self):
        return iter(self._datasets)

    def __len__(self) -> int:
        return len(self._datasets)

    def all(self):
        """Return every dataset, without counting them as read (to find the file of a row)."""
        return self._datasets.values()


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in the dependency graph by the digest of each one's source."""

    def __init__(self, graph: DependencyGraph) -> None:
        self.graph = graph

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.graph.current("template", bucket.key, {"source": bucket.checksum})
        if code is not MISSING:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.graph.record("template", bucket.key, {"source": bucket.checksum}, bucket.bytecode_to_string())


class Renderer:
    """A Jinja environment over one templates folder, with our filters."""

    def __init__(self, templates: Path, display=lambda p: p.as_posix(), root: Path | None = None,
                 graph: DependencyGraph | None = None):
        self.templates = templates
        self._display = display
        self.root = root  # the project's: data files are read again from there to locate a row's mistake
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates),
            autoescape=True,
            undefined=TracedUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=CompiledTemplates(graph) if graph is not None else None,
        )
        self.env.filters["long_date"] = _long_date_filter
        self.env.filters["iso_date"] = lambda value: value.isoformat()
        self.env.filters["time_tag"] = _time_tag_filter
        self.env.filters["language_name"] = _language_name_filter
        self.env.filters["source_kind"] = _source_kind_filter
        self.env.filters["cite"] = citation_mark
        self.base_path = "/"
        self.assets = Assets({}, {})
        # A Renderer lives as long as its templates are unchanged, so this cache can too.
        self._closures: dict[str, frozenset[str]] = {}
        self._syntax_errors: list[SiteError] | None = None
        # Filters of this renderer's state take the context, so that Jinja never folds them into constants of the
        # compiled code ('/style.css' | asset), which outlives the state: the renderer is kept while the templates are
        # unchanged, and their compiled code is kept in the graph (another base URL or stylesheet must show).
        self.env.filters["url"] = jinja2.pass_context(lambda _context, path: self.site_url(path))
        self.env.filters["asset"] = jinja2.pass_context(lambda _context, path: self.site_url(self.assets.url(path)))
        self.base_url = "/"
        self.env.filters["absolute"] = jinja2.pass_context(lambda _context, path: absolute_url(self.base_url, path))

    def site_url(self, path: str) -> str:
        """Prefix a root-relative path with the site's base path."""
        if path.startswith("/") and not path.startswith("//"):
            return self.base_path + path[1:]
        return path

    def template_digests(self) -> dict[str, str]:
        """Return a content hash of every template, by name."""
        return {
            name: hashlib.sha256((self.templates / name).read_bytes()).hexdigest()
            for name in self.env.list_templates(extensions=TEMPLATE_SUFFIXES)
        }

    def check_syntax(self) -> list[SiteError]:
        """Compile every template; return one error per template Jinja cannot parse.

        Run before any page renders, so a broken template is reported once, not once per
        page using it or per template extending it (issue 21).
        """
        if self._syntax_errors is None:
            self._syntax_errors = []
            for name in self.env.list_templates(extensions=TEMPLATE_SUFFIXES):
                try:
                    self.env.get_template(name)
                except jinja2.TemplateSyntaxError as error:
                    self._syntax_errors.append(self._syntax_error(error))
        return self._syntax_errors

    def _syntax_error(self, error: jinja2.TemplateSyntaxError) -> SiteError:
        path = self._display(Path(error.filename)) if error.filename else f"templates/{error.name}"
        return syntax_error(self.env, error, path)

    def template_closure(self, name: str) -> frozenset[str]:
        """Return a template's name and every template it extends, includes or imports."""
        if name not in self._closures:
            self._closures[name] = self._find_closure(name)
        return self._closures[name]

    def _find_closure(self, name: str) -> frozenset[str]:
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self.env.loader.get_source(self.env, current)[0]
            try:
                referenced = meta.find_referenced_templates(self.env.parse(source))
            except jinja2.TemplateSyntaxError:
                continue  # reported by check_syntax, before any page renders
            pending.extend(r for r in referenced if r)
        return frozenset(seen)

    def render(self, template_name: str, context: dict) -> str:
        """Render a template; turn template mistakes into SiteErrors with template lines."""
        try:
            return self.env.get_template(template_name).render(context)
        except jinja2.TemplateSyntaxError as error:
            raise self._syntax_error(error) from None
        except jinja2.TemplateNotFound as error:
            path, line = self._template_location(error, template_name)  # the include's line, the same for every page
            raise SiteError(path, line, _("template not found: {name}", name=error.name)) from None
        except jinja2.UndefinedError as error:
            path, line = self._template_location(error, template_name)
            data = context.get("data")
            in_data = missing_row_key(error, data.all(), (path, line), self.root) if isinstance(data, DataAccess) else None
            if in_data is not None:
                raise in_data from None
            raise SiteError(path, line, _("template error: {problem}", problem=error.message),
                            _("check the spelling of the variable; templates may only use the names listed in sitegen/rendering/render.py")
                            ) from None

    def _template_location(self, error: Exception, template_name: str) -> tuple[str, int | None]:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename and Path(frame.filename).is_relative_to(self.templates):
                return self._display(Path(frame.filename)), frame.lineno
        return f"templates/{template_name}", None
