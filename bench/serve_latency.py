"""Measure the dev server: edit saved -> new page served.

Starts `build.py serve` on a content folder in a subprocess and saves EDITS edits to one
article (each appends a marker line), timed two ways:

    reloaded   as a browser sees it: connected to livereload's socket like livereload.js,
               wait for the server's reload message, then request the page once; the
               page must hold the marker
    polled     request the page every 5 ms until the marker shows; each request also
               costs the server time while it rebuilds, so this reads a little slower

The article is restored afterwards. `bench.run` calls `measure_serve` on the generated
corpus; `python -m bench.serve_latency` runs it on a copy of the project's own content.
Never run from the tests: shared machines make timings noisy.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.measure import percentile

REPO = Path(__file__).resolve().parent.parent
EDITS = 20
LIVERELOAD_PROTOCOL = "http://livereload.com/protocols/official-7"


@dataclass
class ServeLatencies:
    """Seconds from each saved edit to the page served with it, measured both ways."""

    reloaded: list[float]
    polled: list[float]


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    """Return a page's text, or '' while the server is not answering."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (the local dev server this benchmark started, over http)
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
                  startup_timeout: float = 300.0) -> ServeLatencies:
    """Return the latency of each saved edit to article, seen at page, by reload message and by polling."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(build_py), "serve", "--content", str(content),
         "--output", str(output), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}{page}"
    original = article.read_bytes()

    def save_edit(number: int) -> tuple[str, float]:
        marker = f"bench-edit-{number}-{time.time_ns()}"
        saved = time.perf_counter()
        article.write_bytes(original + f"\n\n{marker}\n".encode())
        return marker, saved

    try:
        wait_for(url, "</html>", timeout=startup_timeout)
        reloaded = asyncio.run(_reloaded_latencies(port, url, save_edit, edits))
        polled = []
        for number in range(edits):
            marker, saved = save_edit(edits + number)
            polled.append(wait_for(url, marker) - saved)
            time.sleep(0.1)
        return ServeLatencies(reloaded, polled)
    finally:
        article.write_bytes(original)
        server.terminate()
        server.wait(timeout=10)


async def _reloaded_latencies(port: int, url: str, save_edit, edits: int) -> list[float]:
    """Time each edit as livereload.js in a browser would: reload message, then one request."""
    from tornado.websocket import websocket_connect

    connection = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    try:
        # livereload.js's handshake: hello both ways, then info, which subscribes to reloads.
        await connection.write_message(json.dumps({"command": "hello", "protocols": [LIVERELOAD_PROTOCOL]}))
        await connection.read_message()
        await connection.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
        await asyncio.sleep(0.2)  # the server registers the subscriber on its own loop
        latencies = []
        for number in range(edits):
            marker, saved = save_edit(number)
            while True:
                message = await asyncio.wait_for(connection.read_message(), timeout=10)
                if message is None:
                    raise ConnectionError("the dev server closed the livereload socket")
                if json.loads(message).get("command") == "reload":
                    break
            text = fetch(url)
            served = time.perf_counter()
            if marker not in text:
                raise AssertionError(f"the reload message came before {url} held the edit {marker!r}")
            latencies.append(served - saved)
            await asyncio.sleep(0.1)
        return latencies
    finally:
        connection.close()


def main() -> int:
    """Measure serve latency on a copy of the project's content and print it."""
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary)
        for folder in ("content", "templates", "static"):
            shutil.copytree(REPO / folder, project / folder)
        latencies = measure_serve(REPO / "build.py", project / "content", project / "_serve",
                                  project / "content" / "articles" / "commex.md", "/articles/commex/")
    for way, seconds in (("reload message", latencies.reloaded), ("polled", latencies.polled)):
        ms = [latency * 1000 for latency in seconds]
        print(f"serve, {way}: edit saved -> page served over {len(ms)} edits: median {statistics.median(ms):.0f} ms, "
              f"p95 {percentile(ms, 0.95):.0f} ms, min {min(ms):.0f} ms, max {max(ms):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
