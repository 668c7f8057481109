"""Output: put the site on disk without ever leaving half a site.

Input: output path -> bytes for every file (pages, fingerprinted assets, feed, cards,
search index). `write_site` writes the whole site into a temporary folder beside the
target and swaps it into place only when everything is written; `update_site` (the dev
server's path) replaces changed files one by one, each atomically, and removes files
that no longer exist.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _write_files(root: Path, files: dict[str, bytes]) -> None:
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def write_site(output: Path, files: dict[str, bytes]) -> None:
    """Write the whole site to a temporary folder, then swap it in for the old output."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        _write_files(staging, files)
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


def update_site(output: Path, files: dict[str, bytes], previous: dict[str, bytes]) -> list[str]:
    """Bring an existing output folder up to date; return the paths that changed."""
    changed = []
    for relative, content in files.items():
        if previous.get(relative) != content:
            _replace_file(output / relative, content)
            changed.append(relative)
    for relative in sorted(previous.keys() - files.keys()):
        (output / relative).unlink(missing_ok=True)
        changed.append(relative)
    return sorted(changed)
