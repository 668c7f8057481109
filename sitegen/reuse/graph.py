"""The dependency graph: every made thing, what it was made from, and whether this build used it.

Input: what the stages make, each as a node keyed by (kind, key) — a page, a feed, a card, a
chart's drawing or files, a search shard, a file read and parsed, an article validated, a
page's wording warnings, a page's links judged — with the inputs it was made from (name ->
content digest: files by their content's digest, settings, templates, the registry, other
outputs' digests) and its result (a small value, or digests of files in the file store,
reuse/store.py). Output: the one answer to "is this still current?" (`current`): the result,
when every input it was made from has the digest it has now, else `MISSING`.

This is the one place that decides reuse (STYLE.md, "Reuse has one room"); no stage keeps a
freshness rule of its own. The graph is kept in .cache/ between processes (reuse/cache.py
saves it and nothing beside it; its root nodes, one per kind of run, are a graph of their own
in a small file read before anything heavy: reuse/whole_build.py), and the dev server keeps
one alive between builds (reuse/memory.py). No input is a file time: a fresh clone has new ones.

What is kept: at the end of a build that succeeded (`finish`), a kind the build asked about
keeps only the nodes it used (asked for and found current, or recorded), plus every node a
kept node names in its `needs` (a page's chart drawings); a kind it never asked about is kept
as it was (`check` makes no zip and no cards: the next build still finds them). Page records,
search bundles, link verdicts and the other outputs kept by where they go (VARIANT_KINDS) are
kept per variant of the publication (`use_variant`; drafts or not, the base URL), so `check`,
the dev server and a deploy preview never replace a production build's, at most MAX_VARIANTS
of them.

Asking many keys at once (`current_all`, issue 29): a stage whose keys are all asked against
one mapping of inputs (an edition's pages, every page's links) names it a scope. The graph keeps,
from the last build that finished, the scope's inputs and the keys current against them, and,
per kind, which keys read each input name. The next ask tests only the keys that read an input
whose digest changed since; every other key is current without a test, since every input it
was made from still has the digest it was current against. A key whose node is recorded again
leaves the scopes' keys until it is found current again, and a build that failed drops them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter


class _Missing:
    """The answer of `current` when nothing current is recorded (a result may be None or empty)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"  # unpickled as this module's one sentinel


MISSING = _Missing()

# Kinds whose nodes are kept per variant of the publication (see `use_variant`): the outputs keyed by where they
# go, which a build of another variant makes differently at the same place.
VARIANT_KINDS = frozenset({"page", "search", "links", "listing", "feed", "site-files", "edition-cards", "mirror-page", "mirror-file",
                           "mirror-zip", "briefing-html", "briefing-part", "briefing-pdf"})
# Variants whose nodes are kept: the build, its drafts variant (check, serve), and two deploy previews' or base URLs'.
MAX_VARIANTS = 4

NodeId = tuple[str, str]  # (kind, key)
# `current_all` tests each key and keeps no scope when asked for one key (a data file, the site's
# settings) or for fewer keys than one in INPUTS_PER_KEY of the inputs asked with (a page or two of an
# edition): testing them is cheaper, and a scope for each would be one more for every `record` to visit.
INPUTS_PER_KEY = 64
ScopeId = tuple[str, str]  # (scoped kind, scope)


@dataclass(slots=True)
class Node:
    """One made thing: what it was made from, what came of it, and the stored files and nodes it needs."""

    inputs: Mapping[str, str]  # name -> content digest
    result: object
    stored: tuple[str, ...] = ()  # digests of its files in the file store
    needs: tuple[NodeId, ...] = ()  # other nodes it was made from, kept while it is


@dataclass(slots=True)
class Scope:
    """The inputs a stage asked its keys with (a copy), and the keys current against them."""

    now: dict[str, str]
    keys: set[str]
    asked_twice: bool = False  # a second ask in one build with other inputs: kept for no later build


_result = attrgetter("result")


def holds(recorded: Mapping[str, str], now: Mapping[str, str]) -> bool:
    """Tell whether every input recorded has the digest it has now (an input absent now counts as "").

    `now` may name more inputs than were recorded: a page is given every input of its edition
    and recorded with those it read.
    """
    # The C-level subset test settles the common case; an input recorded as "" (a dataset or
    # template that did not exist) also matches one that still does not.
    if isinstance(now, dict) and recorded.items() <= now.items():
        return True
    return all(now.get(name, "") == value for name, value in recorded.items())


class DependencyGraph:
    """Every node of the last builds, the ones this build used, and the variant it builds."""

    def __init__(self) -> None:
        self._nodes: dict[str, dict[str, Node]] = {}  # scoped kind -> key -> node
        self._used: dict[str, set[str]] = {}  # scoped kind -> keys this build used
        self.variants: list[str] = []  # the least recently used first; the last is this build's
        self.changed = False  # whether anything was recorded or dropped since the graph was saved
        self.made: dict[str, int] = {}  # kind -> nodes recorded by this build (what it made again)
        self._scopes: dict[ScopeId, Scope] = {}  # as the last build that finished left them (see `current_all`)
        self._asking: dict[ScopeId, Scope] = {}  # this build's
        self._missing_in: dict[str, dict[str, str]] = {}  # scoped kind -> key found missing -> its scope
        self._readers: dict[str, dict[str, set[str]]] = {}  # scoped kind -> input name -> keys that read it (or did)
        self._finished = True  # whether the last build that started has finished
        self._needing: dict[str, set[str]] | None = None  # scoped kind -> keys whose nodes have needs (or had)

    def __getstate__(self) -> dict:
        return {"nodes": self._nodes, "variants": self.variants}

    def __setstate__(self, state: dict) -> None:
        self.__init__()
        self._nodes, self.variants = state["nodes"], state["variants"]

    def _scoped(self, kind: str) -> str:
        return f"{kind}@{self.variants[-1]}" if kind in VARIANT_KINDS and self.variants else kind

    def current(self, kind: str, key: str, inputs: Mapping[str, str]) -> object:
        """Return what was made for (kind, key) when every input it was made from is unchanged, else MISSING."""
        scoped = self._scoped(kind)
        node = self._nodes.get(scoped, {}).get(key)
        if node is None or not holds(node.inputs, inputs):
            return MISSING
        self._used.setdefault(scoped, set()).add(key)
        return node.result

    def record(self, kind: str, key: str, inputs: Mapping[str, str], result: object, stored: Iterable[str] = (),
               needs: Iterable[NodeId] = ()) -> object:
        """Keep what was made for (kind, key) from these inputs; return the result."""
        scoped = self._scoped(kind)
        nodes = self._nodes.setdefault(scoped, {})
        self._used.setdefault(scoped, set()).add(key)
        old = nodes.get(key)
        same_inputs = old is not None and old.inputs == inputs
        if same_inputs and old.result is result:
            return result  # the node it was taken from: nothing new
        needs = tuple(needs) or (old.needs if same_inputs else ())  # made again from the same inputs: needs the same
        nodes[key] = Node(inputs, result, tuple(digest for digest in stored if digest), needs)
        if needs and self._needing is not None:
            self._needing.setdefault(scoped, set()).add(key)
        if self._scopes or self._asking:
            self._recorded_in_scopes(scoped, key, inputs)
        self.changed = True
        self.made[kind] = self.made.get(kind, 0) + 1
        return result

    def current_all(self, kind: str, scope: str, now: Mapping[str, str], keys: Iterable[str]) -> dict[str, object]:
        """Return the result of each key of `kind` current against `now`, which every key is asked with; leave
        out the others (MISSING). `scope` names the ask among the build's (a stage and an edition).

        A key current against the scope's inputs at the end of the last build that finished, of
        which no input it read has another digest now, is current without a test: see the module's
        docstring. The other keys are tested as `current` tests them.
        """
        scoped = self._scoped(kind)
        nodes = self._nodes.get(scoped, {})
        wanted = keys if isinstance(keys, (set, frozenset)) else set(keys)
        if len(wanted) == 1 or len(wanted) * INPUTS_PER_KEY < len(now):
            return self._tested(scoped, wanted, now)
        snapshot = dict(now)
        last = self._scopes.get((scoped, scope))
        carried: set[str] = set()
        if last is not None:
            readers = self._readers_of(scoped)
            changed = {name for name, _digest in last.now.items() ^ snapshot.items()}
            suspect = set().union(*(readers.get(name, ()) for name in changed))
            carried = (wanted & last.keys) - suspect
        try:
            found = dict(zip(carried, map(_result, map(nodes.__getitem__, carried)), strict=True))
        except KeyError:  # a node dropped since (its variant's records were pushed out): tested below
            carried.intersection_update(nodes)
            found = dict(zip(carried, map(_result, map(nodes.__getitem__, carried)), strict=True))
        missing_in = self._missing_in.setdefault(scoped, {})
        for key in wanted - carried:
            node = nodes.get(key)
            if node is not None and holds(node.inputs, snapshot):
                found[key] = node.result
            else:
                missing_in[key] = scope
        self._used.setdefault(scoped, set()).update(found)
        asking = self._asking.get((scoped, scope))
        if asking is None:
            self._asking[(scoped, scope)] = Scope(snapshot, set(found))
        else:  # asked again in this build: the keys' inputs may differ, so the next build tests them all
            asking.asked_twice = True
        return found

    def _tested(self, scoped: str, wanted: set[str], now: Mapping[str, str]) -> dict[str, object]:
        """Return the result of each wanted key current against `now`, testing each (no scope kept)."""
        nodes = self._nodes.get(scoped, {})
        found = {}
        for key in wanted:
            node = nodes.get(key)
            if node is not None and holds(node.inputs, now):
                found[key] = node.result
        self._used.setdefault(scoped, set()).update(found)
        return found

    def _readers_of(self, scoped: str) -> dict[str, set[str]]:
        """Return which keys of a kind read each input name (made once a process, then kept by `record`)."""
        readers = self._readers.get(scoped)
        if readers is None:
            readers = self._readers[scoped] = {}
            for key, node in self._nodes.get(scoped, {}).items():
                for name in node.inputs:
                    readers.setdefault(name, set()).add(key)
        return readers

    def _recorded_in_scopes(self, scoped: str, key: str, inputs: Mapping[str, str]) -> None:
        """A node was recorded anew: no scope vouches for it any more, unless it was asked in this build and its
        inputs are current against the scope it was asked in."""
        for (kind, _scope), scope in self._scopes.items():
            if kind == scoped:
                scope.keys.discard(key)
        for (kind, _scope), scope in self._asking.items():
            if kind == scoped and key in scope.keys and not holds(inputs, scope.now):
                scope.keys.discard(key)
        readers = self._readers.get(scoped)
        if readers is not None:
            for name in inputs:
                readers.setdefault(name, set()).add(key)
        asked_in = self._missing_in.get(scoped, {}).get(key)
        asking = self._asking.get((scoped, asked_in)) if asked_in is not None else None
        if asking is not None and holds(inputs, asking.now):
            asking.keys.add(key)

    def not_recorded(self, kind: str, results: Mapping[str, object]) -> list[str]:
        """Return the keys whose node's result is not the very result given (none, or another); mark the others used."""
        scoped = self._scoped(kind)
        nodes = self._nodes.get(scoped, {})
        missing = [key for key, result in results.items() if (node := nodes.get(key)) is None or node.result is not result]
        self._used.setdefault(scoped, set()).update(results.keys() - missing)
        return missing

    def has(self, kind: str) -> bool:
        """Tell whether any node of a kind is recorded (a cold build has none)."""
        return bool(self._nodes.get(self._scoped(kind)))

    def results(self, kind: str) -> Iterator[tuple[str, Mapping[str, str], object]]:
        """Yield (key, inputs, result) of every node of a kind, used or not."""
        for key, node in list(self._nodes.get(self._scoped(kind), {}).items()):
            yield key, node.inputs, node.result

    def use_variant(self, name: str) -> None:
        """Build the variant `name` of the publication: its page records and search bundles are its own.

        Only a speed matter: every record holds its inputs, so one made for another variant
        would never be current, only made again. But every page shows the base URL and the
        list of articles, so two variants sharing records would replace each other's at every
        turn: `check` with drafts, then the published check, then `build`.
        """
        if self.variants and self.variants[-1] == name:
            return
        if name in self.variants:
            self.variants.remove(name)
        self.variants.append(name)  # now the most recently used
        while len(self.variants) > MAX_VARIANTS:
            gone = self.variants.pop(0)
            for kind in VARIANT_KINDS:
                self._nodes.pop(f"{kind}@{gone}", None)
            self.changed = True

    def start_build(self) -> None:
        """Forget which nodes were used: a build begins (a failed one's asks are not kept)."""
        self._used = {}
        self.made = {}
        if not self._finished:  # the last build failed: what it recorded is vouched for by no scope
            self._scopes = {}
        self._asking, self._missing_in, self._finished = {}, {}, False

    def finish(self) -> None:
        """Keep what this build used: see the module's docstring."""
        needed: dict[str, set[str]] = {}
        if self._needing is None:  # made once a process, then kept by `record`: 60,000 nodes, a few hundred with needs
            self._needing = {scoped: {key for key, node in nodes.items() if node.needs}
                             for scoped, nodes in self._nodes.items()}
        for scoped, needing in self._needing.items():
            nodes = self._nodes.get(scoped, {})
            used = self._used.get(scoped)
            for key in needing:
                node = nodes.get(key)
                if node is not None and node.needs and (used is None or key in used):
                    for kind, needed_key in node.needs:
                        needed.setdefault(self._scoped(kind), set()).add(needed_key)
        for scoped, used in self._used.items():
            nodes = self._nodes.get(scoped, {})
            keep = used | needed.get(scoped, set())
            if len(keep) < len(nodes) or not keep.issuperset(nodes):
                self._nodes[scoped] = {key: node for key, node in nodes.items() if key in keep}
                self.changed = True
        self._used = {}
        self._scopes = {scope_id: scope for scope_id, scope in self._asking.items() if not scope.asked_twice}
        self._asking, self._missing_in, self._finished = {}, {}, True

    def stored_digests(self) -> set[str]:
        """Return the digest of every file in the store a node names: what the store keeps."""
        return {digest for nodes in self._nodes.values() for node in nodes.values() for digest in node.stored}

    def without_missing_files(self, present: set[str]) -> DependencyGraph:
        """Drop the nodes whose files are gone from the store (part of .cache/ was deleted)."""
        for scoped, nodes in self._nodes.items():
            if any(not present.issuperset(node.stored) for node in nodes.values() if node.stored):
                self._nodes[scoped] = {key: node for key, node in nodes.items() if present.issuperset(node.stored)}
        return self
