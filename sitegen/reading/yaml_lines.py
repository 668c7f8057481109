"""YAML with line numbers: every mapping and list remembers the line of each key and item.

Input: YAML text, the path of its file as editors see it, and the line the text starts on
(front matter starts on line 2). Output: plain values, with mappings as `LineDict` and
lists as `LineList`, so that validation can point an editor at the exact line; broken
YAML becomes a `SiteError` at the line to fix. Parsing is safe (no tags run code) and dates
stay text. reading/content.py reads the files, and keeps what each parsed to in the build's
dependency graph (reuse/graph.py); reading/safe_read.py guards against YAML bombs.
"""

from __future__ import annotations

import yaml

from ..errors import SiteError
from ..messages import N_, _
from .safe_read import check_yaml_shape, may_be_hostile_yaml


class LineDict(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int = 0
    item_lines: list


# libyaml's C parser when PyYAML has it: several times faster, and it keeps line marks.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    """Safe YAML loading that keeps lines and leaves dates as text.

    Dates stay strings because PyYAML turns an impossible date such as 2024-02-30 into
    an uncaught ValueError; validation parses them itself and reports the line.
    """

    line_offset = 0


_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1 + loader.line_offset
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(None, None, _("a key must be a plain word"), key_node.start_mark)
        key = str(key)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, _("the key '{key}' appears twice", key=key),
                                                    key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1 + loader.line_offset
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1 + loader.line_offset
    items.item_lines = [child.start_mark.line + 1 + loader.line_offset for child in node.value]
    return items


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def parse_yaml(text: str, path: str, first_line: int = 1):
    """Parse YAML text safely, numbering lines from first_line; raise SiteError if broken."""
    loader = _LineLoader(text)
    loader.line_offset = first_line - 1
    try:
        if may_be_hostile_yaml(text):
            check_yaml_shape(text, path, first_line)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark and _mistake_is_at_context(error):
            mark = error.context_mark
        line = mark.line + 1 + loader.line_offset if mark else first_line
        lines = text.split("\n")
        index = line - loader.line_offset - 1
        if 0 <= index < len(lines) and "\t" in lines[index]:
            # PyYAML's words for a tab ("cannot start any token", "violates indentation") rarely say "tab".
            raise SiteError(path, line, _("YAML syntax error: this line has a tab character; YAML allows only spaces"),
                            _("replace the tab with spaces (two per level of indentation)")) from None
        raise SiteError(path, line, _describe_yaml_error(error)) from None
    except yaml.YAMLError as error:
        raise SiteError(path, first_line, _("YAML error: {problem}", problem=error)) from None
    finally:
        loader.dispose()


def _mistake_is_at_context(error: yaml.MarkedYAMLError) -> bool:
    """Tell whether the mistake is where YAML's context began, not where it gave up.

    A key without ':', an unclosed quote and an unclosed '[' or '{' are noticed lines
    later (often at the end of the text); the line that opened them is the one to fix.
    """
    context = error.context or ""
    return ("could not find expected ':'" in (error.problem or "")
            or context.startswith(("while scanning a quoted scalar", "while parsing a flow")))


# PyYAML's most common complaints, in words an editor acts on (and that have a Russian);
# any other keeps PyYAML's own English words.
YAML_PROBLEMS = {
    "did not find expected ',' or ']'": N_("a list in [ ] is not closed with ']', or a comma is missing between its items"),
    "did not find expected ',' or '}'": N_("a set of fields in { } is not closed with '}', or a comma is missing between them"),
    "mapping values are not allowed": N_("a value holds ': ' (a colon and a space): put the whole value in quotes"),
    "found unexpected end of stream": N_("a quote is opened and never closed"),
    "did not find expected key": N_("this line's indentation does not match the lines above it"),
    "that cannot start any token": N_("a value starts with a character YAML reserves (such as @ or `): "
                                                      "put the whole value in quotes"),
    "found unknown escape character": N_("a backslash in double quotes starts an unknown escape: write \\\\ or use single quotes"),
}


def _describe_yaml_error(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or _("invalid YAML")
    for words, ours in YAML_PROBLEMS.items():
        if words in problem:
            return _("YAML syntax error: {problem}", problem=_(ours))
    if "could not determine a constructor for the tag" in problem:
        tag = problem.split("tag", 1)[1].strip(" '")
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        return _("the YAML tag '{tag}' is not allowed here; write plain values only", tag=tag)
    if error.context and "could not find expected ':'" in problem:
        return _("YAML syntax error: a line is missing ':' between a key and its value")
    return _("YAML syntax error: {problem}", problem=problem)
