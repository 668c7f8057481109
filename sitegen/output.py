"""Output: put rendered pages and static files on disk without ever leaving half a site.

Input: output path -> bytes for every page, and the static folder. `write_site` builds
the whole site in a temporary folder beside the target and swaps it into place only
when everything is written; `update_site` (the dev server's path) replaces changed files
one by one, each atomically, and removes pages that no longer exist.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from pathlib import Path

STATIC_PREFIX = "static"


def list_static_files(static: Path) -> frozenset[str]:
    """Return the output paths the static folder will be copied to."""
    if not static.is_dir():
        return frozenset()
    return frozenset(
        f"{STATIC_PREFIX}/{path.relative_to(static).as_posix()}"
        for path in static.rglob("*")
        if path.is_file()
    )


def _write_pages(root: Path, pages: dict[str, bytes]) -> None:
    for relative, content in pages.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def write_site(output: Path, pages: dict[str, bytes], static: Path) -> None:
    """Write the whole site to a temporary folder, then swap it in for the old output."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        _write_pages(staging, pages)
        if static.is_dir():
            shutil.copytree(static, staging / STATIC_PREFIX)
        os.chmod(staging, 0o755)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = None
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        os.replace(output, retired / "site")
    os.replace(staging, output)
    if retired:
        shutil.rmtree(retired, ignore_errors=True)


def _replace_file(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)


def update_site(output: Path, pages: dict[str, bytes], previous: dict[str, bytes], static: Path) -> list[str]:
    """Bring an existing output folder up to date; return the paths that changed."""
    changed = []
    for relative, content in pages.items():
        if previous.get(relative) != content:
            _replace_file(output / relative, content)
            changed.append(relative)
    for relative in previous.keys() - pages.keys():
        (output / relative).unlink(missing_ok=True)
        changed.append(relative)
    changed.extend(_sync_static(static, output / STATIC_PREFIX))
    return sorted(changed)


def _sync_static(static: Path, target: Path) -> list[str]:
    changed = []
    wanted = {p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file()} if static.is_dir() else set()
    present = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()} if target.is_dir() else set()
    for relative in sorted(wanted):
        source, destination = static / relative, target / relative
        if relative not in present or not filecmp.cmp(source, destination, shallow=False):
            _replace_file(destination, source.read_bytes())
            changed.append(f"{STATIC_PREFIX}/{relative}")
    for relative in sorted(present - wanted):
        (target / relative).unlink()
        changed.append(f"{STATIC_PREFIX}/{relative}")
    return changed
