#!/usr/bin/env bash
# make audit: build the site, serve it like production, and measure HTML validity (Nu HTML
# Checker), accessibility (axe-core), Lighthouse scores and home page weight. Prints the
# summary, writes audit/reports/summary.md (git-ignored), exits 1 if a gate fails.
# Needs: .venv (make does it), node_modules (npm ci; make does it), Java 17, Debian chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${CHROMIUM_PATH:-/usr/lib/chromium/chromium}"
missing=()
[ -x .venv/bin/python ] || missing+=("the virtualenv .venv (run: make audit)")
[ -f node_modules/vnu-jar/build/dist/vnu.jar ] && [ -x node_modules/.bin/lighthouse ] && [ -f node_modules/axe-core/axe.min.js ] \
  || missing+=("node_modules (run: npm ci --ignore-scripts, or make audit)")
command -v java >/dev/null || missing+=("Java 17 or newer for the Nu HTML Checker (apt-get install openjdk-17-jre-headless)")
[ -x "$chromium" ] || missing+=("Chromium at $chromium (apt-get install chromium, or set CHROMIUM_PATH)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'audit: missing %s\n' "${missing[@]}" >&2
  exit 1
fi

exec .venv/bin/python audit/audit.py "$@"
