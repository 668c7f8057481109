"""Static assets, fingerprinted: each file's name carries a hash of its content.

Input: the static folder. Output: a map from the path templates ask for
(`/static/css/site.css`) to the path written (`/static/css/site.3f2a91c0.css`), and the
bytes to write. Because a changed file gets a new name, hosts can cache every asset for
a year (`immutable`) while readers still get each new version at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

STATIC_PREFIX = "static"


@dataclass(frozen=True)
class Assets:
    """Fingerprinted static files: logical path -> output path, and output path -> bytes."""

    names: dict[str, str]
    files: dict[str, bytes]

    def url(self, logical: str) -> str:
        """Return the fingerprinted root-relative URL for '/static/...'; unknown paths stay as they are."""
        return "/" + self.names[logical.lstrip("/")] if logical.lstrip("/") in self.names else logical

    @property
    def digest(self) -> str:
        """Return one hash over every asset name, so pages naming assets re-render when one changes."""
        return hashlib.sha256("\n".join(sorted(self.names.values())).encode()).hexdigest()


def fingerprinted_name(relative: str, content: bytes) -> str:
    """Return 'css/site.css' as 'css/site.<8 hex digits>.css'."""
    digest = hashlib.sha256(content).hexdigest()[:8]
    path = Path(relative)
    return path.with_name(f"{path.stem}.{digest}{path.suffix}").as_posix()


def load_assets(static: Path) -> Assets:
    """Read every static file and name it by its content."""
    names, files = {}, {}
    if static.is_dir():
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            relative = path.relative_to(static).as_posix()
            content = path.read_bytes()
            output = f"{STATIC_PREFIX}/{fingerprinted_name(relative, content)}"
            names[f"{STATIC_PREFIX}/{relative}"] = output
            files[output] = content
    return Assets(names, files)
