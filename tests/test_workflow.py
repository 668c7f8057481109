"""The pull-request workflow and the optional pre-commit hooks run what the README and .ci/run run."""

from __future__ import annotations

import re
import tomllib

import yaml

from sitegen.reading.content import PACKAGE_ROOT


def load(path: str):
    return yaml.safe_load((PACKAGE_ROOT / path).read_text(encoding="utf-8"))


def test_the_workflow_checks_every_pull_request_and_push_to_main_with_python_311_and_pip_cache():
    workflow = load(".github/workflows/check.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true

    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    steps = workflow["jobs"]["check"]["steps"]
    python = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11" and python["with"]["cache"] == "pip"
    assert "requirements.txt" in python["with"]["cache-dependency-path"]


def test_the_workflow_tests_on_the_node_netlify_builds_with():
    steps = load(".github/workflows/check.yml")["jobs"]["check"]["steps"]
    node = next(step for step in steps if step.get("uses", "").startswith("actions/setup-node@"))
    netlify = tomllib.loads((PACKAGE_ROOT / "netlify.toml").read_text(encoding="utf-8"))

    assert node["with"]["node-version"] == netlify["build"]["environment"]["NODE_VERSION"]


def test_the_workflow_runs_the_check_with_annotations_and_the_same_tests_as_the_readme_and_ci():
    steps = load(".github/workflows/check.yml")["jobs"]["check"]["steps"]
    commands = [step["run"].strip() for step in steps if "run" in step]
    readme = (PACKAGE_ROOT / "README.md").read_text(encoding="utf-8")
    ci = (PACKAGE_ROOT / ".ci/run").read_text(encoding="utf-8")

    assert "make check FORMAT=github" in commands
    assert "make test" in commands and "make test" in readme and re.search(r"^make test$", ci, re.MULTILINE)
    assert commands.index("make check FORMAT=github") < commands.index("make test")  # the editor sees the annotations first


def test_the_pre_commit_hooks_are_the_standard_ones_and_our_check():
    config = load(".pre-commit-config.yaml")
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}

    assert {"check-yaml", "end-of-file-fixer", "trailing-whitespace"} <= hooks.keys()
    assert "--markdown-linebreak-ext=md" in hooks["trailing-whitespace"]["args"]
    assert hooks["sitegen-check"]["entry"] == "python build.py check" and hooks["sitegen-check"]["pass_filenames"] is False
    assert all(re.fullmatch(r"v\d+\.\d+\.\d+", repo["rev"]) for repo in config["repos"] if repo["repo"] != "local")
