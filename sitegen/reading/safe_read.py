"""Reading what a pull request may have made hostile: links, sizes, encodings and YAML shapes.

Input: the project's files as reading/content.py and the load stage find them. Output: their
bytes or text, or a `SiteError` naming the file when one may not be used: a link leading
outside the project (its target would be published from the build server), a file over
`MAX_FILE_BYTES`, bytes that are not UTF-8, a name that is not printable, or YAML nested
deeper than `MAX_YAML_DEPTH` or whose aliases stand for more than `MAX_ALIAS_NODES`
values (a "billion laughs"). Each of these ended in a traceback, a crash or a published
secret before issue 20; now each is a one-line error and the last good site stays.
"""

from __future__ import annotations

import errno
import os
import unicodedata
from pathlib import Path

import yaml

from ..errors import SiteError
from ..messages import N_, _, number

# An article or a data file is a few kilobytes to a few hundred; 5 MB is far beyond any real
# one, and reading a bigger file whole could exhaust a build server's memory.
MAX_FILE_BYTES = 5_000_000
# Real front matter and data are a few levels deep. libyaml's composer recurses once per
# level, in C: 5,000 levels end in a RecursionError and 100,000 in a segmentation fault.
MAX_YAML_DEPTH = 100
# Values that aliases (*name) add beyond what the file spells out: nine lines of nested
# aliases stand for 387 million values. A real file repeats a few fields at most.
MAX_ALIAS_NODES = 100_000
# The template files Jinja loads (see rendering/render.py); other files in templates/ are not read.
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")

# Messages the dev server treats as "a save still under way": reading again a moment later may succeed.
EMPTY_FILE = N_("the file is empty")
VANISHED_FILE = N_("the file disappeared while the site was being built")
CHANGED_FILE = N_("the file changed while the site was being built")
UNSETTLED_MESSAGES = frozenset({EMPTY_FILE, VANISHED_FILE, CHANGED_FILE})
RENAME_HINT = N_("rename the file using letters, digits and hyphens")

_EventLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def is_unsettled(error: SiteError) -> bool:
    """Tell whether an error may only mean a save still under way (see UNSETTLED_MESSAGES), in either language."""
    return error.message in {_(message) for message in UNSETTLED_MESSAGES}


def is_inside(path: str, root: str) -> bool:
    """Tell whether an absolute, resolved path lies in the root folder (or is it)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def outside_link_error(path: Path, display_path: str, root: Path) -> SiteError | None:
    """Return an error when path is a link whose target lies outside root, else None."""
    target = os.path.realpath(path)
    if is_inside(target, os.path.realpath(root)):
        return None
    return SiteError(display_path, None, _("the link leads outside the project, to '{target}'", target=target),
                     hint=_("copy the file into the project instead; links may only point inside the project"))


def name_error(display_path: str) -> SiteError | None:
    """Return an error when a file's name is not printable UTF-8 (bytes from another encoding, a control character)."""
    try:
        display_path.encode("utf-8")
    except UnicodeEncodeError:
        printable = display_path.encode("utf-8", "backslashreplace").decode("utf-8")
        return SiteError(printable, None, _("the file name is not valid UTF-8"), hint=_(RENAME_HINT))
    if any(unicodedata.category(c) == "Cc" for c in display_path):
        return SiteError(repr(display_path)[1:-1], None, _("the file name contains a control character (such as a line break)"),
                         hint=_(RENAME_HINT))
    return None


def read_file_bytes(path: Path, display_path: str, root: Path | None) -> bytes:
    """Return a file's bytes, refusing links outside root, files over MAX_FILE_BYTES and unprintable names.

    root None skips the link check: for a file read again, whose text must equal the first reading's.
    """
    problem = name_error(display_path)
    if problem:
        raise problem
    try:
        try:
            # O_NOFOLLOW: the ordinary file is read with no extra system call; only a link fails (ELOOP).
            handle = os.open(path, os.O_RDONLY | (os.O_NOFOLLOW if root is not None else 0))
        except OSError as error:
            if error.errno != errno.ELOOP or root is None:
                raise
            problem = outside_link_error(path, display_path, root)
            if problem:
                raise problem from None
            handle = os.open(path, os.O_RDONLY)
        with os.fdopen(handle, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise SiteError(display_path, None,
                                _("the file is {size} MB, more than the {limit} MB a content file may be",
                                  size=number(size / 1e6, "0.0"), limit=number(MAX_FILE_BYTES / 1e6)),
                                hint=_("split it into smaller files; a chart needs summary rows, not raw records"))
            # Asked for its size (and one byte more, to notice a file still growing), not for the limit:
            # a read of MAX_FILE_BYTES makes a buffer that large for every file, 47 µs against 9 µs.
            data = stream.read(size + 1)
            if len(data) > size:
                data += stream.read(MAX_FILE_BYTES + 1 - len(data))
            return data
    except FileNotFoundError:
        raise SiteError(display_path, None, _(VANISHED_FILE),
                        hint=_("build again (the dev server does so by itself)")) from None
    except IsADirectoryError:
        raise SiteError(display_path, None, _("this is a folder, but its name is that of a content file"),
                        hint=_("rename the folder")) from None
    except OSError as error:
        raise SiteError(display_path, None, _("the file cannot be read: {reason}", reason=error.strerror)) from None


def decode_text(data: bytes, display_path: str) -> str:
    """Decode UTF-8 (with or without a byte order mark), naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SiteError(
            display_path,
            line,
            _("the file is not valid UTF-8 (byte {byte})", byte=f"0x{data[error.start]:02x}"),
            hint=_("save the file with UTF-8 encoding in your editor"),
        ) from None


def may_be_hostile_yaml(text: str) -> bool:
    """Tell cheaply whether YAML text could be deep or alias-heavy, so that check_yaml_shape must look.

    Every nested collection needs one of the indicators counted here, so text with fewer
    of them cannot be nested MAX_YAML_DEPTH deep; without '*' it has no alias. Most front
    matter passes here and is parsed once.
    """
    if "*" in text:
        return True
    indicators = text.count("[") + text.count("{") + text.count("-") + text.count(":") + text.count("?")
    return indicators >= MAX_YAML_DEPTH


def check_yaml_shape(text: str, path: str, first_line: int) -> None:
    """Raise SiteError if the YAML nests deeper than MAX_YAML_DEPTH or its aliases stand for too many values.

    Reads libyaml's events, which come from a loop with its own stack, before the
    recursive composer sees the text. A syntax error raises yaml's own error, for the
    caller to report as it reports any other.
    """
    offset = first_line - 1
    open_collections = [[0, None]]  # per collection being read: values in it so far, its anchor
    anchored: dict[str, int] = {}  # anchor -> how many values an alias to it stands for
    added = 0  # values that aliases added
    loader = _EventLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                if len(open_collections) > MAX_YAML_DEPTH:
                    raise SiteError(path, event.start_mark.line + 1 + offset,
                                    _("the YAML is nested more than {depth} levels deep", depth=MAX_YAML_DEPTH),
                                    hint=_("flatten it: a data file is a list of rows, each a few fields"))
                open_collections.append([1, event.anchor])
            elif isinstance(event, yaml.CollectionEndEvent):
                count, anchor = open_collections.pop()
                if anchor:
                    anchored[anchor] = count
                open_collections[-1][0] += count
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    anchored[event.anchor] = 1
                open_collections[-1][0] += 1
            elif isinstance(event, yaml.AliasEvent):
                count = anchored.get(event.anchor, 1)
                added += count
                open_collections[-1][0] += count
                if added > MAX_ALIAS_NODES:
                    raise SiteError(path, event.start_mark.line + 1 + offset,
                                    _("the YAML aliases (*{anchor}) stand for more than {limit} values",
                                      anchor=event.anchor, limit=number(MAX_ALIAS_NODES)),
                                    hint=_("write the values out, or use fewer aliases"))
    finally:
        loader.dispose()


def find_unsafe_files(folder: Path, root: Path, display, read_templates: bool = False) -> list[SiteError]:
    """Return an error for each link in folder leading outside root and each unprintable name.

    With read_templates, also each template over MAX_FILE_BYTES or not UTF-8, since
    Jinja would read it with a traceback. `display` names a path for messages.
    """
    errors = []
    if not folder.is_dir():
        return errors
    if folder.is_symlink():
        problem = outside_link_error(folder, display(folder), root)
        if problem:
            return [problem]
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(parent, name)
            problem = name_error(display(path))
            if problem is None and path.is_symlink():
                problem = outside_link_error(path, display(path), root)
            if problem is None and read_templates and name in files and name.endswith(TEMPLATE_SUFFIXES):
                problem = _template_error(path, display(path), root)
            if problem:
                errors.append(problem)
    return errors


def _template_error(path: Path, display_path: str, root: Path) -> SiteError | None:
    try:
        decode_text(read_file_bytes(path, display_path, root), display_path)
    except SiteError as error:
        return error
    return None
