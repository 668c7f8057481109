"""Full-text search for a static host: a Pagefind index built from the rendered pages.

Input: the rendered HTML pages of one edition. Output: the files of a Pagefind bundle,
placed under a folder named by a hash of the bundle (`static/pagefind.<hash>/`), so hosts
cache it for a year like every other fingerprinted asset, and every rebuilt index gets a
new address. Only the part of a page marked `data-pagefind-body` is indexed, so
navigation and footers do not pollute results. Pagefind is the binary that the
pagefind-bin package ships; it needs no network.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

BUNDLE_PREFIX = "pagefind"
# Pagefind also ships ready-made UIs; our page has its own small script, so they are left out.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class SearchIndexing:
    """One Pagefind run: started on the pages at once, its bundle collected by `result()`.

    Pagefind works mostly on one core in its own process, so the build draws social
    cards on the other cores while it indexes.
    """

    def __init__(self, pages: dict[str, bytes], base_path: str, language: str) -> None:
        from pagefind_bin import get_executable

        self._folder = tempfile.TemporaryDirectory(prefix="sitegen-search-")
        site, self._bundle = Path(self._folder.name) / "site", Path(self._folder.name) / "bundle"
        for path, html in pages.items():
            if path.endswith(".html") and b"data-pagefind-body" in html:
                # Pages sit under the base path so that result URLs carry it too.
                target = site / base_path.strip("/") / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(html)
        site.mkdir(exist_ok=True)
        # The command line rather than Pagefind's Python service: the process has written
        # every file when it exits (the service answered before its files were complete).
        self._process = subprocess.Popen(
            [str(get_executable()), "--site", str(site), "--output-path", str(self._bundle),
             "--force-language", language, "--silent"],
            stdout=subprocess.DEVNULL,
        )

    def result(self) -> tuple[str, dict[str, bytes]]:
        """Wait for Pagefind; return (bundle folder, {output path: bytes})."""
        try:
            if self._process.wait() != 0:
                raise subprocess.CalledProcessError(self._process.returncode, self._process.args)
            files = {
                p.relative_to(self._bundle).as_posix(): p.read_bytes()
                for p in sorted(self._bundle.rglob("*"))
                if p.is_file() and p.name not in UNUSED_FILES
            }
        finally:
            self._folder.cleanup()
        digest = hashlib.sha256()
        for name in sorted(files):
            digest.update(name.encode() + b"\0" + files[name])
        folder = f"static/{BUNDLE_PREFIX}.{digest.hexdigest()[:10]}"
        return folder, {f"{folder}/{name}": content for name, content in sorted(files.items())}

