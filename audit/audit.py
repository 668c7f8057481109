"""The quality audit: build the site, serve it like production, measure, report.

Input: the repository (content/, templates/, static/), node_modules (vnu-jar, axe-core,
Lighthouse) and the Debian Chromium. Output: audit/reports/ (git-ignored): the built
site, every tool's raw report, and summary.md, which is also printed. Exit code 0 when
every gate passes, 1 when one fails.

Gates: HTML errors (Nu HTML Checker) = 0; axe-core violations on every page = 0;
Lighthouse performance, accessibility, best practices and SEO >= 0.95 on the home page
and one article; the home page and all it loads <= 100 KB transferred (gzip); requests
to other hosts = 0.

The site is built with an absolute base URL (http://127.0.0.1:PORT/), as production is
built with its own (netlify.toml), so canonical links, og:url and the sitemap line in
robots.txt are what a deployed site would have.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import CHROMIUM, measure_page_weight, run_axe  # noqa: E402 - audit/ is a folder of scripts, not a package

REPO = Path(__file__).resolve().parent.parent
REPORTS = REPO / "audit" / "reports"
SITE = REPORTS / "site"
SITE_DEFAULT = REPORTS / "site-default"
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_PAGES = {"home": "/", "article": "/articles/website-traffic/"}
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
# Performance scores wobble on a busy machine; the median of a few runs is what Lighthouse advises.
LIGHTHOUSE_RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
MIN_SCORE = 0.95
MAX_HOME_KB = 100


@dataclass(frozen=True)
class Gate:
    """One pass/fail line of the summary."""

    name: str
    value: str
    limit: str
    ok: bool


def free_port() -> int:
    """Return a port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_site(output: Path, base_url: str | None) -> None:
    """Build the site into a folder; with a base URL, as production builds it."""
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, str(REPO / "build.py"), "build", "--content", str(REPO / "content"), "--output", str(output)]
    subprocess.run(command + (["--base-url", base_url] if base_url else []), check=True, cwd=REPO)


@contextmanager
def serve(site: Path, port: int) -> Iterator[str]:
    """Serve a built site with gzip and netlify.toml's headers; yield its base URL."""
    log_path = REPORTS / f"server-{site.name}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen([sys.executable, "-u", str(REPO / "audit" / "serve.py"), str(site), "--port", str(port)],
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"the audit server did not start or died:\n{log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=5)


def page_paths(site: Path) -> list[str]:
    """Return the URL path of every HTML page in the built site."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        paths.append("/" + relative.removesuffix("index.html") if relative.endswith("index.html") else "/" + relative)
    return paths


def check_html() -> list[dict]:
    """Run the Nu HTML Checker over the built site; return its error messages."""
    done = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json", str(SITE)],
        capture_output=True, text=True,
    )
    (REPORTS / "vnu.json").write_text(done.stderr or done.stdout)
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def run_lighthouse_once(url: str, output: Path, categories: tuple[str, ...] = LIGHTHOUSE_CATEGORIES) -> dict:
    """Run Lighthouse (mobile, the default) once; keep its HTML and JSON reports; return the JSON."""
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output=html", f"--output-path={output}",
         f"--only-categories={','.join(categories)}", f"--chrome-flags={LIGHTHOUSE_CHROME_FLAGS}"],
        check=True, env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
    )
    return json.loads(output.with_suffix(".report.json").read_text())


def run_lighthouse(name: str, url: str) -> dict:
    """Run Lighthouse LIGHTHOUSE_RUNS times on a URL; return the run with the median performance."""
    runs = [run_lighthouse_once(url, REPORTS / f"lighthouse-{name}-{attempt}") for attempt in range(1, LIGHTHOUSE_RUNS + 1)]
    performance = [run["categories"]["performance"]["score"] for run in runs]
    median = statistics.median_low(performance)
    chosen = runs[performance.index(median)]
    chosen["_performance_runs"] = performance
    return chosen


def lighthouse_findings(report: dict) -> list[str]:
    """Return every audit that did not fully pass, one line each, saying whether it counts."""
    findings = []
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["score"] is None or audit["score"] >= 1 or audit["scoreDisplayMode"] in ("notApplicable", "manual", "informative"):
                continue
            items = [item for item in audit.get("details", {}).get("items", []) if isinstance(item, dict)]
            details = [item.get("message") or item.get("line") for item in items]
            said = "; ".join(str(x) for x in [audit.get("displayValue"), audit.get("explanation"), *details[:3]] if x)
            counts = f"weight {ref['weight']}" if ref["weight"] else "not scored"
            findings.append(f"{category['id']}: {audit['title']}: score {audit['score']:.2f}, {counts}" + (f" ({said})" if said else ""))
    return sorted(set(findings))


def main() -> int:
    """Run every measurement, print and write the summary, return the exit code."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    print(f"audit: building the site for http://127.0.0.1:{port}/", file=sys.stderr)
    build_site(SITE, f"http://127.0.0.1:{port}/")
    with serve(SITE, port) as base_url:
        paths = page_paths(SITE)
        print("audit: Nu HTML Checker", file=sys.stderr)
        html_errors = check_html()
        print(f"audit: axe-core on {len(paths)} pages", file=sys.stderr)
        axe = run_axe(base_url, paths)
        (REPORTS / "axe.json").write_text(json.dumps(axe, indent=2))
        print("audit: home page weight", file=sys.stderr)
        weight = measure_page_weight(base_url + "/")
        (REPORTS / "weight.json").write_text(json.dumps(weight, indent=2))
        lighthouse = {}
        for name, path in LIGHTHOUSE_PAGES.items():
            print(f"audit: Lighthouse on {path} ({LIGHTHOUSE_RUNS} run(s))", file=sys.stderr)
            lighthouse[name] = run_lighthouse(name, base_url + path)
    # What `make build` and `make serve` make: content/site.yaml's base_url, a bare "/".
    print("audit: Lighthouse SEO on the default build (relative base URL)", file=sys.stderr)
    port = free_port()
    build_site(SITE_DEFAULT, None)
    with serve(SITE_DEFAULT, port) as default_url:
        default_seo = run_lighthouse_once(default_url + "/", REPORTS / "lighthouse-home-default-build", ("seo",))
    summary, gates = write_summary(base_url, html_errors, axe, weight, lighthouse, default_seo)
    (REPORTS / "summary.md").write_text(summary)
    print(summary)
    failed = [gate.name for gate in gates if not gate.ok]
    print(f"audit: {len(gates) - len(failed)} of {len(gates)} gates passed" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def write_summary(base_url: str, html_errors: list[dict], axe: dict, weight: list[dict], lighthouse: dict,
                  default_seo: dict) -> tuple[str, list[Gate]]:
    """Return the summary as Markdown and the gates it judged."""
    gates = [Gate("HTML errors (Nu HTML Checker)", str(len(html_errors)), "0", not html_errors)]
    axe_total = sum(len(v) for schemes in axe.values() for v in schemes.values())
    gates.append(Gate("axe-core violations, all pages, light + dark", str(axe_total), "0", axe_total == 0))
    for name, report in lighthouse.items():
        for category in LIGHTHOUSE_CATEGORIES:
            score = report["categories"][category]["score"]
            gates.append(Gate(f"Lighthouse {name} {category}", f"{score:.2f}", f">= {MIN_SCORE}", score >= MIN_SCORE))
    total = sum(row["transferred"] for row in weight)
    foreign = [row["url"] for row in weight if row["host"] != "127.0.0.1"]
    kilobytes = f"{total / 1024:.1f} KB"
    gates.append(Gate("home page transferred (gzip), all requests", kilobytes, f"<= {MAX_HOME_KB} KB", total <= MAX_HOME_KB * 1024))
    gates.append(Gate("home page requests to other hosts", str(len(foreign)), "0", not foreign))

    lines = ["# Quality audit", "",
             f"Site built with base URL {base_url}/ and served on 127.0.0.1 by audit/serve.py: gzip for text, "
             "netlify.toml's headers (Content-Security-Policy without upgrade-insecure-requests, which needs HTTPS).", "",
             "| gate | value | limit | result |", "| --- | --- | --- | --- |"]
    lines += [f"| {g.name} | {g.value} | {g.limit} | {'pass' if g.ok else 'FAIL'} |" for g in gates]

    lines += ["", "## Nu HTML Checker", ""]
    where = [f"{m.get('url', '').replace('file:' + str(SITE), '')}:{m.get('lastLine', '?')}" for m in html_errors]
    lines += [f"- {place}: {m['message']}" for place, m in zip(where, html_errors, strict=True)] or ["No errors."]

    lines += ["", "## axe-core, violations per page", "", "| page | light | dark |", "| --- | --- | --- |"]
    for path, schemes in axe.items():
        lines.append(f"| {path} | {len(schemes.get('light', []))} | {len(schemes.get('dark', []))} |")
    for path, schemes in axe.items():
        for scheme, violations in schemes.items():
            lines += [f"- {path} ({scheme}): {v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'][:3])}" for v in violations]

    lines += ["", "## Lighthouse (mobile, simulated throttling)", "",
              "| page | performance | accessibility | best practices | SEO | performance runs |", "| --- | --- | --- | --- | --- | --- |"]
    for name, report in lighthouse.items():
        scores = " | ".join(f"{report['categories'][c]['score']:.2f}" for c in LIGHTHOUSE_CATEGORIES)
        runs = ", ".join(f"{s:.2f}" for s in report["_performance_runs"])
        lines.append(f"| {name} ({LIGHTHOUSE_PAGES[name]}) | {scores} | {runs} |")
    for name, report in lighthouse.items():
        audits = report["audits"]
        metrics = ", ".join(f"{audits[a]['title']} {audits[a]['displayValue']}" for a in
                            ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"))
        lines += ["", f"{name}: {metrics}; total byte weight {audits['total-byte-weight']['displayValue']}."]
        findings = lighthouse_findings(report)
        lines += [f"- {finding}" for finding in findings] or ["- Every audit passed."]
    seo = default_seo["categories"]["seo"]["score"]
    lines += ["", f"Default build (base_url `/` from content/site.yaml, what `make build` makes; not a gate): home page SEO {seo:.2f}."]
    lines += [f"- {finding}" for finding in lighthouse_findings(default_seo)] or ["- Every audit passed."]

    lines += ["", "## Home page weight (phone, 390 px, 3x)", "",
              "| request | type | status | encoding | transferred | decoded |", "| --- | --- | --- | --- | --- | --- |"]
    for row in weight:
        url, encoding = row["url"].replace(base_url, ""), row["encoding"] or "-"
        lines.append(f"| {url} | {row['type']} | {row['status']} | {encoding} | {row['transferred']:,} B | {row['decoded']:,} B |")
    decoded = sum(row["decoded"] for row in weight)
    lines.append(f"| **{len(weight)} requests** | | | | **{total:,} B ({total / 1024:.1f} KB)** | {decoded:,} B |")
    lines.append("")
    return "\n".join(lines), gates


if __name__ == "__main__":
    sys.exit(main())
