"""Serve a built site on 127.0.0.1 roughly as the production host does, for the audit.

Input: the built folder, a port, and netlify.toml. Output: an HTTP server that answers
like Netlify for what the audit measures: text responses gzip-compressed when the
browser accepts it, the `[[headers]]` of netlify.toml (security headers, caching), a
redirect from `/dir` to `/dir/`, and 404.html with status 404 for unknown paths.
One deliberate difference: `upgrade-insecure-requests` is dropped from the
Content-Security-Policy, because this server speaks plain HTTP and has no HTTPS twin.

    python audit/serve.py _site --port 8123
"""

from __future__ import annotations

import argparse
import gzip
import mimetypes
import sys
import tomllib
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "application/atom+xml", "image/svg+xml")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/wasm", ".wasm")


def load_header_rules(netlify_toml: Path) -> list[tuple[str, dict[str, str]]]:
    """Return netlify.toml's header rules as (path pattern, headers), in file order."""
    if not netlify_toml.is_file():
        return []
    config = tomllib.loads(netlify_toml.read_text(encoding="utf-8"))
    rules = []
    for rule in config.get("headers", []):
        values = dict(rule.get("values", {}))
        if "Content-Security-Policy" in values:
            directives = [d.strip() for d in values["Content-Security-Policy"].split(";")]
            values["Content-Security-Policy"] = "; ".join(d for d in directives if d and d != "upgrade-insecure-requests")
        rules.append((rule["for"], values))
    return rules


def headers_for(path: str, rules: list[tuple[str, dict[str, str]]]) -> dict[str, str]:
    """Return the headers every matching rule sets for a URL path; later rules win."""
    headers: dict[str, str] = {}
    for pattern, values in rules:
        matches = path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern
        if matches:
            headers.update(values)
    return headers


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with gzip, netlify.toml headers, trailing-slash redirects and a 404 page."""

    protocol_version = "HTTP/1.1"  # keep-alive, as browsers expect from a real host
    rules: list[tuple[str, dict[str, str]]] = []

    def send_head(self):
        url_path = self.path.split("?", 1)[0].split("#", 1)[0]
        file = Path(self.translate_path(url_path))
        status = HTTPStatus.OK
        if file.is_dir():
            if not url_path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            file = file / "index.html"
        if not file.is_file():
            status, file = HTTPStatus.NOT_FOUND, Path(self.directory) / "404.html"
            if not file.is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return None
        body = file.read_bytes()
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "image/svg+xml":
            content_type += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if content_type.startswith(COMPRESSIBLE):
            self.send_header("Vary", "Accept-Encoding")
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, compresslevel=6, mtime=0)
                self.send_header("Content-Encoding", "gzip")
        for name, value in headers_for(url_path, self.rules).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)
        return None

    def log_message(self, format, *args):  # noqa: A002 - the name http.server uses
        sys.stderr.write(f"{self.command} {self.path} {args[1] if len(args) > 1 else ''}\n")


def main(argv: list[str] | None = None) -> int:
    """Serve a folder until interrupted."""
    parser = argparse.ArgumentParser(description="Serve a built site like the production host (gzip, netlify.toml headers).")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--port", type=int, default=0, help="0 lets the system pick a free port")
    parser.add_argument("--netlify-toml", type=Path, default=REPO / "netlify.toml")
    args = parser.parse_args(argv)
    SiteHandler.rules = load_header_rules(args.netlify_toml)
    handler = partial(SiteHandler, directory=str(args.folder.resolve()))
    with ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"serving {args.folder} on http://127.0.0.1:{server.server_address[1]}/", flush=True)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
