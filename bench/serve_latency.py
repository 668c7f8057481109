"""Measure the dev server: edit saved -> new page served, and a cold full build.

Copies the project's content, templates and static files into a temporary folder,
times `build.py build` there, then starts `build.py serve`, saves 20 edits to one
article and polls the page until each edit shows. Prints median and p95 latency.
Run with `make bench`; never from the tests (shared machines make timings noisy).
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

REPO = Path(__file__).resolve().parent.parent
EDITS = 20
ARTICLE = "articles/commex.md"
PAGE = "/articles/commex/"


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


def time_cold_build(project: Path) -> float:
    """Return the wall time of one full build in a fresh process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--content", str(project / "content"),
                    "--output", str(project / "_site")], check=True)
    return time.perf_counter() - started


def measure_serve(project: Path) -> list[float]:
    """Return the latency in seconds of each of EDITS saved edits."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--content", str(project / "content"),
         "--output", str(project / "_serve"), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}{PAGE}"
    try:
        wait_for(url, "</html>", timeout=30)
        article = project / "content" / ARTICLE
        original = article.read_text()
        latencies = []
        for number in range(EDITS):
            marker = f"bench-edit-{number}-{time.time_ns()}"
            saved = time.perf_counter()
            article.write_text(original + f"\n\n{marker}\n")
            latencies.append(wait_for(url, marker) - saved)
            time.sleep(0.1)
        return latencies
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    """Run the measurements and print them."""
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary)
        for folder in ("content", "templates", "static"):
            shutil.copytree(REPO / folder, project / folder)
        cold = [time_cold_build(project) for _ in range(3)]
        latencies = measure_serve(project)
    ms = sorted(latency * 1000 for latency in latencies)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    print(f"full build (cold process, median of 3): {statistics.median(cold):.2f} s")
    print(f"serve: edit saved -> page served over {len(ms)} edits: median {statistics.median(ms):.0f} ms, "
          f"p95 {p95:.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
