"""Find and read the editor's files: site config, pages, articles and YAML data.

Input: a content folder on disk. Output: raw, unvalidated documents (`RawDocument`,
`RawData`), their YAML parsed by reading/yaml_lines.py, so that mappings and lists remember the
source line of every key and item and validation can point an editor at the exact
line. Reading problems (bad UTF-8, empty file, front matter not closed) become
`SiteError`s; YAML syntax errors are reading/yaml_lines.py's, and the checks against hostile
files (links out of the project, huge files, YAML bombs) are in reading/safe_read.py. Each file
read and parsed is a "read" node of the dependency graph (reuse/graph.py), kept by the digest
of its text: an unchanged file is not parsed again, in the dev server or in the next process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import SiteError
from ..messages import _
from ..reuse.graph import MISSING, DependencyGraph
from .listing import ContentFile, list_content_files, list_ignored_articles
from .listing import translation_language as translation_language  # where commands/translation_status.py takes it
from .project import PACKAGE_ROOT, Project
from .safe_read import CHANGED_FILE, EMPTY_FILE, decode_text, find_unsafe_files, outside_link_error, read_file_bytes
from .yaml_lines import LineDict, parse_yaml

FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True)
class RawDocument:
    """A Markdown file split into its front matter and body, not yet validated."""

    path: Path
    display_path: str
    digest: str  # a hash of the file's text, to tell whether it changed
    meta: LineDict
    body_line: int

    @property
    def body(self) -> str:
        """Return the Markdown body, read from the file again (see `read_body`)."""
        # Not kept from the first reading: every body would then be in memory at once until
        # validation, and the memory they took stays with the process (and its forked workers).
        return read_body(self.path, self.digest, self.display_path)


@dataclass(frozen=True)
class RawData:
    """A YAML data file, parsed, not yet validated."""

    path: Path
    display_path: str
    name: str
    text: str
    value: object

    @property
    def digest(self) -> str:
        """Return a hash of the file's text, used to tell whether it changed."""
        return hashlib.sha256(self.text.encode()).hexdigest()


def read_text(path: Path, display_path: str, root: Path | None) -> str:
    """Read a UTF-8 file; raise SiteError for undecodable, empty, huge or linked-from-outside files.

    root is the project's: a link to a file outside it is refused. None skips that check,
    for a file read again (see `read_body`).
    """
    text = decode_text(read_file_bytes(path, display_path, root), display_path)
    if not text.strip():
        raise SiteError(display_path, 1, _(EMPTY_FILE))
    return text.replace("\r\n", "\n")


def _front_matter_end(lines: list[str], display_path: str) -> int:
    """Return the index of the line that closes the front matter."""
    if lines[0].strip() != FRONT_MATTER_FENCE:
        raise SiteError(display_path, 1, _("the file must start with front matter: a line '---', the fields, then '---'"))
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == FRONT_MATTER_FENCE:
            return index
    raise SiteError(display_path, 1, _("the front matter is not closed"),
                    hint=_("add a line '---' after the last front matter field"))


def split_front_matter(text: str, display_path: str) -> tuple[LineDict, str, int]:
    """Split a Markdown file into (front matter, body, body's first line)."""
    lines = text.split("\n")
    closing = _front_matter_end(lines, display_path)
    meta_text = "\n".join(lines[1:closing])
    meta = parse_yaml(meta_text, display_path, first_line=2) if meta_text.strip() else None
    if not isinstance(meta, LineDict):
        if meta is None:
            problem = _("the front matter must be fields like 'title: ...', found nothing")
        elif isinstance(meta, list):
            problem = _("the front matter must be fields like 'title: ...', found a list")
        else:
            problem = _("the front matter must be fields like 'title: ...', found '{value}'", value=meta)
        raise SiteError(display_path, 2, problem)
    body = "\n".join(lines[closing + 1 :])
    return meta, body, closing + 2


def read_document(path: Path, project: Project, text: str | None = None) -> RawDocument:
    """Read one Markdown file with front matter (its text, when the caller has read it)."""
    display_path = project.display(path)
    text = read_text(path, display_path, project.root) if text is None else text
    meta, _body, body_line = split_front_matter(text, display_path)
    return RawDocument(path, display_path, hashlib.sha256(text.encode()).hexdigest(), meta, body_line)


def read_body(path: Path, digest: str, display_path: str) -> str:
    """Return the body of a Markdown file whose text has the given hash.

    Bodies are read when they are needed (to validate, to render) rather than kept: at
    10,000 articles they are 66 MB, which the build and every page worker forked from it
    would each hold. A file saved again since it was read fails here; the dev server's
    watcher has seen the save, and the rebuild that follows reads the new version. The
    same check makes a file swapped for a link since its first reading fail here.
    """
    text = read_text(path, display_path, None)
    if hashlib.sha256(text.encode()).hexdigest() != digest:
        raise SiteError(display_path, None, _(CHANGED_FILE), hint=_("build again (the dev server does so by itself)"))
    lines = text.split("\n")
    return "\n".join(lines[_front_matter_end(lines, display_path) + 1:])


def read_data(path: Path, project: Project, text: str | None = None) -> RawData:
    """Read one YAML data file (its text, when the caller has read it)."""
    display_path = project.display(path)
    text = read_text(path, display_path, project.root) if text is None else text
    return RawData(path, display_path, path.stem, text, parse_yaml(text, display_path))


@dataclass(frozen=True)
class RawEdition:
    """The files of one language edition: the original (language None) or a translation."""

    language: str | None
    config: RawData | None  # site.yaml for the original, site.<language>.yaml for a translation
    home: RawDocument | None
    articles: tuple[RawDocument, ...]
    data: tuple[RawData, ...]
    unreadable_data: tuple[str, ...] = ()  # names of data files that could not be read


@dataclass(frozen=True)
class RawContent:
    """Everything read from the content folder, plus the reading errors found."""

    original: RawEdition
    translations: tuple[RawEdition, ...]
    errors: tuple[SiteError, ...]
    strings: dict[str, RawData] = field(default_factory=dict)  # language -> templates/strings/<language>.yaml
    sources: RawData | None = None  # the sources registry, content/sources.yaml
    sources_unreadable: bool = False  # it exists, but could not be read (the error is among `errors`)
    ignored: tuple[str, ...] = ()  # files in articles/ that look like articles but are not read: x.markdown
    glossary: RawData | None = None  # each edition's preferred terms, content/glossary.yaml (see checking/glossary.py)

    # The original edition's parts, by the names the rest of the code has always used.
    config = property(lambda self: self.original.config)
    home = property(lambda self: self.original.home)
    articles = property(lambda self: self.original.articles)
    data = property(lambda self: self.original.data)
    unreadable_data = property(lambda self: self.original.unreadable_data)


class ReadCache:
    """The content files as read and parsed: "read" nodes of the dependency graph, by the digest of each file's text.

    A one-off build reads every file to know its digest, and parses only those the graph has
    no current node for. The dev server's watcher also knows which files were saved since the
    last build (`changed`): the digest of any other is the one this process read last, so it
    is not even read again.
    """

    def __init__(self, graph: DependencyGraph | None = None) -> None:
        self.graph = graph if graph is not None else DependencyGraph()
        self.changed: set[Path] | None = None  # None: everything may have changed, read it all
        self._listing: tuple[Path, list[ContentFile], set[Path]] | None = None  # folder, files, their paths
        self._digests: dict[Path, str] = {}  # the digest of each file's text when this process last read it
        self._keys: dict[str, dict[Path, str]] = {}  # reader's name -> path -> the key of its node
        self._ignored: tuple[str, ...] | None = None  # see `ignored`

    def get(self, path: Path, reader, project: Project):
        """Return the file as read and parsed before when its text is unchanged, else read and parse it now."""
        found = self.get_all([path], reader, project, str(path))[0]
        if isinstance(found, SiteError):
            raise found
        return found

    def get_all(self, paths: list[Path], reader, project: Project, scope: str) -> list:
        """Return each file as `get` would, or the SiteError reading it raised, asking the graph once for them all.

        A node is keyed by the file's place in the project, not on the disk: a deploy's fresh
        clone elsewhere with the last .cache/ parses nothing again, and takes each file at its path.
        Its one input, named by its key, is the digest of the file's text: the graph's scope of
        the reader's files then holds each file's digest (reuse/graph.py, `current_all`).
        """
        keys = self._keys.setdefault(reader.__name__, {})
        changed, known = self.changed, self._digests
        now: dict[str, str] = {}
        texts: dict[str, str] = {}
        outcomes: list = []
        for path in paths:
            key = keys.get(path)
            if key is None:
                key = keys[path] = f"{reader.__name__}:{project.display(path)}"
            outcomes.append(key)
            if changed is not None and path not in changed and path in known:
                now[key] = known[path]  # unchanged since this process read it
                continue
            try:
                text = texts[key] = read_text(path, project.display(path), project.root)
            except SiteError as error:
                outcomes[-1] = error
                continue
            now[key] = known[path] = hashlib.sha256(text.encode()).hexdigest()
        found = self.graph.current_all("read", scope, now, now)
        for index, (path, key) in enumerate(zip(paths, outcomes, strict=True)):
            if isinstance(key, SiteError):
                continue
            made = found.get(key, MISSING)
            if made is MISSING:
                try:
                    text = texts[key] if key in texts else read_text(path, project.display(path), project.root)
                    digest = hashlib.sha256(text.encode()).hexdigest()
                    known[path] = digest
                    made = self.graph.record("read", key, {key: digest}, reader(path, project, text))
                except SiteError as error:
                    outcomes[index] = error
                    continue
            if made.path is not path and made.path != path:  # the project has moved since: the same file, at its new place
                made = replace(made, path=path)
            outcomes[index] = made
        return outcomes

    def files(self, content: Path) -> list[ContentFile]:
        """List the content folder, or reuse the last listing when the changes neither added nor removed a file."""
        # Reused only when every change is to a file listed and still there. Compared with the
        # listing, not with `documents`: a file deleted and then restored is still among the
        # documents, but not in the listing made while it was gone (issue 20).
        if self._listing is None or self._listing[0] != content or self.changed is None or any(
            path not in self._listing[2] or not path.is_file() for path in self.changed if path.is_relative_to(content)
        ):
            listed = list_content_files(content)
            self._listing = (content, listed, {file.path for file in listed})
            self._ignored = None
        return self._listing[1]

    def ignored(self, content: Path, project: Project) -> tuple[str, ...]:
        """Return the files in articles/ that look like articles but are not read, as editors name them: listed
        again with the content folder (`files`, called first), since a file saved there is among the changes."""
        if self._ignored is None:
            self._ignored = tuple(project.display(path) for path in list_ignored_articles(content))
        return self._ignored


def load_content(project: Project, cache: ReadCache | None = None) -> RawContent:
    """Read every content file of every edition; collect reading errors rather than stopping at the first."""
    errors: list[SiteError] = []
    cache = cache or ReadCache()
    content = project.content
    if not content.is_dir():
        error = SiteError(project.display(content), None, _("the content folder does not exist"))
        return RawContent(RawEdition(None, None, None, (), ()), (), (error,))
    files = cache.files(content)
    errors.extend(find_linked_folders(project))
    if not any(file.part == "config" and file.language is None for file in files):
        errors.append(SiteError(project.display(content / "site.yaml"), None, _("site.yaml is missing"),
                                hint=_("create it with at least 'title:' and 'description:'")))
    languages = {file.language for file in files} - {None}
    original = _load_edition(project, files, None, errors, cache)
    translations = tuple(_load_edition(project, files, language, errors, cache) for language in sorted(languages))
    strings = {}
    for path in sorted((project.templates / "strings").glob("*.yaml")):
        try:
            strings[path.stem] = cache.get(path, read_data, project)
        except SiteError as error:
            errors.append(error)
    registry = next((file.path for file in files if file.part == "sources"), None)
    sources = None
    if registry is not None:
        try:
            sources = cache.get(registry, read_data, project)
        except SiteError as error:
            errors.append(error)
    glossary_path = next((file.path for file in files if file.part == "glossary"), None)
    glossary = None
    if glossary_path is not None:
        try:
            glossary = cache.get(glossary_path, read_data, project)
        except SiteError as error:
            errors.append(error)
    ignored = cache.ignored(content, project)
    return RawContent(original, translations, tuple(errors), strings, sources, registry is not None and sources is None, ignored,
                      glossary)


def _load_edition(project: Project, files: list[ContentFile], language: str | None, errors: list[SiteError],
                  cache: ReadCache) -> RawEdition:
    def attempt(reader, path):
        try:
            return cache.get(path, reader, project)
        except SiteError as error:
            errors.append(error)
            return None

    mine = [file for file in files if file.language == language]
    config = next((attempt(read_data, f.path) for f in mine if f.part == "config"), None)
    home = next((attempt(read_document, f.path) for f in mine if f.part == "home"), None)
    articles = cache.get_all([f.path for f in mine if f.part == "article"], read_document, project,
                             f"articles:{language}")
    errors.extend(a for a in articles if isinstance(a, SiteError))
    articles = [a for a in articles if not isinstance(a, SiteError)]
    data_files = [f.path for f in mine if f.part == "data"]
    data = [attempt(read_data, p) for p in data_files]
    if language:  # traffic_index.ru.yaml is the Russian traffic_index
        data = [replace(d, name=d.name.rpartition(".")[0]) if d else None for d in data]
    return RawEdition(
        language=language,
        config=config,
        home=home,
        articles=tuple(a for a in articles if a is not None),
        data=tuple(d for d in data if d is not None),
        unreadable_data=tuple(p.stem.partition(".")[0] for p, d in zip(data_files, data, strict=True) if d is None),
    )


def find_linked_folders(project: Project) -> list[SiteError]:
    """Return an error for each link leading outside the project among the folders the build reads.

    A linked file in content/ is caught when it is read; here, content/articles or
    content/data linked as a whole, and anything in templates/ or static/, which Jinja
    and the asset copier would follow (issue 20). The folders shipped with sitegen are trusted. (Here, beside
    Project, so that reading/safe_read.py needs nothing of this module: issue 29.)
    """
    errors = []
    for folder in (project.content / "articles", project.content / "data"):
        if folder.is_symlink():
            problem = outside_link_error(folder, project.display(folder), project.root)
            errors.extend([problem] if problem else [])
    for folder, templates in ((project.templates, True), (project.static, False)):
        if folder.parent != PACKAGE_ROOT or project.root == PACKAGE_ROOT:
            errors.extend(find_unsafe_files(folder, project.root, project.display, read_templates=templates))
    return errors
