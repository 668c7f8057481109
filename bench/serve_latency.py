"""Measure the dev server: edit saved -> new page served.

Starts `build.py serve` on a content folder in a subprocess, saves EDITS edits to one
article (each appends a marker line) and polls the page until each marker shows. The
article is restored afterwards. `bench.run` calls `measure_serve` on the generated
corpus; `python -m bench.serve_latency` runs it on a copy of the project's own content.
Never run from the tests: shared machines make timings noisy.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.measure import percentile

REPO = Path(__file__).resolve().parent.parent
EDITS = 20


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    """Return a page's text, or '' while the server is not answering."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return ""


def wait_for(url: str, marker: str, timeout: float = 10.0) -> float:
    """Poll until the page contains marker; return when it did (perf_counter)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if marker in fetch(url):
            return time.perf_counter()
        time.sleep(0.005)
    raise TimeoutError(f"{marker!r} never appeared at {url}")


def measure_serve(build_py: Path, content: Path, output: Path, article: Path, page: str, edits: int = EDITS,
                  startup_timeout: float = 300.0) -> list[float]:
    """Return the latency in seconds of each saved edit to article, seen at page."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(build_py), "serve", "--content", str(content),
         "--output", str(output), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}{page}"
    original = article.read_bytes()
    try:
        wait_for(url, "</html>", timeout=startup_timeout)
        latencies = []
        for number in range(edits):
            marker = f"bench-edit-{number}-{time.time_ns()}"
            saved = time.perf_counter()
            article.write_bytes(original + f"\n\n{marker}\n".encode())
            latencies.append(wait_for(url, marker) - saved)
            time.sleep(0.1)
        return latencies
    finally:
        article.write_bytes(original)
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    """Measure serve latency on a copy of the project's content and print it."""
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary)
        for folder in ("content", "templates", "static"):
            shutil.copytree(REPO / folder, project / folder)
        latencies = measure_serve(REPO / "build.py", project / "content", project / "_serve",
                                  project / "content" / "articles" / "commex.md", "/articles/commex/")
    ms = [latency * 1000 for latency in latencies]
    print(f"serve: edit saved -> page served over {len(ms)} edits: median {statistics.median(ms):.0f} ms, "
          f"p95 {percentile(ms, 0.95):.0f} ms, min {min(ms):.0f} ms, max {max(ms):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
