"""The supply chain stays as issue 31 left it: lock files in step with the pins, every package
with its hashes, every action pinned to a commit with its version beside it.

`make lint` runs zizmor over .github/ too; these tests say in plain words what a change broke."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"requirements.in": "requirements.txt", "requirements-dev.in": "requirements-dev.txt",
         "requirements-tools.in": "requirements-tools.txt"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\#]+)")
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """The name==version lines of a requirements file (an .in or a lock), by normalized name."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            found[normalized(match[1])] = match[2]
    return found


def locked_entries(path: Path) -> dict[str, list[str]]:
    """A lock file's entries: name -> its hash lines."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = normalized(match[1])
            entries[current] = []
        elif current and line.strip().startswith("--hash=sha256:"):
            entries[current].append(line.strip())
        elif not line.startswith(" "):
            current = None
    return entries


def test_every_pin_of_an_in_file_is_in_its_lock_at_the_same_version():
    for source, lock in LOCKS.items():
        wanted, locked = pins(ROOT / source), pins(ROOT / lock)
        assert wanted, source
        stale = {name: (version, locked.get(name)) for name, version in wanted.items() if locked.get(name) != version}
        assert not stale, f"{lock} is not in step with {source} (pinned, locked): {stale}; run `make lock`"


def test_every_locked_package_has_its_hashes():
    for lock in LOCKS.values():
        entries = locked_entries(ROOT / lock)
        assert entries, lock
        assert not [name for name, hashes in entries.items() if not hashes], f"{lock}: packages without hashes"


def test_the_tests_lock_has_the_sites_packages_at_the_sites_versions():
    site, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    assert {name: dev.get(name) for name in site} == site


def test_every_pip_install_in_the_makefile_checks_hashes():
    installs = [line for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines() if "pip install" in line]
    assert installs
    assert all("--require-hashes" in line for line in installs), installs


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it():
    workflows = sorted((ROOT / ".github/workflows").glob("*.y*ml"))
    assert workflows
    for workflow in workflows:
        for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1):
            if not (match := USES.match(line)) or match[1].startswith("./"):
                continue
            where = f"{workflow.name}:{number}"
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", match[1]), f"{where}: not pinned to a full commit"
            assert re.fullmatch(r"\s+#\s*v\d+(\.\d+)*\b.*", match[2]), f"{where}: no '# vX.Y.Z' comment after the commit"


def test_every_workflow_reads_with_least_privilege_and_leaves_no_credentials():
    for workflow in sorted((ROOT / ".github/workflows").glob("*.y*ml")):
        data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        jobs = data["jobs"].values()
        assert "permissions" in data or all("permissions" in job for job in jobs), f"{workflow.name}: no permissions block"
        for job in jobs:
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") is False, f"{workflow.name}: checkout keeps credentials"


def test_dependabot_watches_each_ecosystem_grouped():
    config = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text(encoding="utf-8"))
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(updates) == {"pip", "npm", "github-actions"}
    for update in updates.values():
        assert update["groups"], update
        assert update["schedule"]["interval"] in ("weekly", "monthly")
