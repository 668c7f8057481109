"""The package's shape (issue 29): no module imports, even only for type hints, one that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sitegen"


def imported_modules(path: Path) -> set[str]:
    """Return the sitegen modules a module imports, by dotted name relative to the package."""
    module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    package = module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = ".".join([*base, node.module] if node.module else base)
            names = [f"{target}.{alias.name}" if target else alias.name for alias in node.names] if not node.module else [target]
            found.update(names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen."):
            found.add(node.module.removeprefix("sitegen."))
    modules = {".".join(p.relative_to(PACKAGE).with_suffix("").parts) for p in PACKAGE.rglob("*.py")}
    return {name for name in found if name in modules and name != module}


def test_no_module_imports_one_that_imports_it_back():
    graph = {".".join(p.relative_to(PACKAGE).with_suffix("").parts): imported_modules(p) for p in PACKAGE.rglob("*.py")}
    circles = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(graph.get(module, ())):
            if target in path:
                circles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in done:
                visit(target, [*path, target])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    assert not circles, "import circles:\n" + "\n".join(sorted(set(circles)))
