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

from ..errors import BuildFailed, SiteError, relative_path
from ..messages import _, number

STATIC_PREFIX = "static"
# static/ holds CSS, icons and fonts: kilobytes. Every static file is read into memory and
# copied on each build, and git hosts refuse or warn about files of tens of megabytes
# (GitHub: a warning at 50 MB, a refusal at 100 MB). A larger download belongs elsewhere.
MAX_STATIC_BYTES = 20_000_000


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


def check_static_sizes(static: Path, paths: list[Path]) -> None:
    """Raise BuildFailed naming every static file larger than MAX_STATIC_BYTES, with its size."""
    errors = []
    for path in paths:
        size = path.stat().st_size
        if size > MAX_STATIC_BYTES:
            megabytes = {"size": number(size / 1e6, "0.0"), "limit": number(MAX_STATIC_BYTES / 1e6, "0")}
            errors.append(SiteError(relative_path(path, static.parent), None,
                                    _("the file is {size} MB, more than the {limit} MB a static file may be", **megabytes),
                                    _("make it smaller, or publish it elsewhere (e.g. as a release download) and link to it")))
    if errors:
        raise BuildFailed(errors)


def load_assets(static: Path) -> Assets:
    """Read every static file and name it by its content; raise BuildFailed for files too large to publish."""
    names, files = {}, {}
    if static.is_dir():
        paths = sorted(p for p in static.rglob("*") if p.is_file())
        check_static_sizes(static, paths)
        for path in paths:
            relative = path.relative_to(static).as_posix()
            content = path.read_bytes()
            output = f"{STATIC_PREFIX}/{fingerprinted_name(relative, content)}"
            names[f"{STATIC_PREFIX}/{relative}"] = output
            files[output] = content
    return Assets(names, files)
