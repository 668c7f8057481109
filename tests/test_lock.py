"""Builds that survive anything (issue 20): one writer per output folder, a lock left by a
killed build taken over, staging folders of dead builds swept, and a build killed at random
moments leaving either the old site or the new one, whole, with no poisoned cache."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sitegen.reading.project import PACKAGE_ROOT
from sitegen.reuse.lock import OutputLock

# `make test` kills a build this many times; `make torture` many more (TORTURE_KILLS=200).
KILLS = int(os.environ.get("TORTURE_KILLS", "4"))


def build_command(root: Path, output: str = "_site", *options: str) -> list[str]:
    return [sys.executable, str(PACKAGE_ROOT / "build.py"), "build", "--content", str(root / "content"),
            "--output", str(root / output), *options]


def run_build(root: Path, *options: str, output: str = "_site", wait: str = "60") -> subprocess.CompletedProcess:
    return subprocess.run(build_command(root, output, *options), cwd=root, capture_output=True, text=True,
                          env={**os.environ, "SITEGEN_LOCK_WAIT": wait}, check=False)


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("._site"))


def test_a_second_build_waits_then_names_who_holds_the_folder(built_site, build, capsys, monkeypatch, read_tree):
    monkeypatch.setenv("SITEGEN_LOCK_WAIT", "0.2")
    before = read_tree(built_site / "_site")

    with OutputLock(built_site / "_site", wait=0):
        code = build(built_site)

    err = capsys.readouterr().err
    assert code == 1, err
    assert "_site: another build is writing this folder:" in err and f"(process {os.getpid()}, since " in err, err
    assert "gave up after waiting 0.2 s" in err and "Traceback" not in err, err
    assert read_tree(built_site / "_site") == before


def test_a_lock_left_by_a_killed_build_is_taken_over(built_site):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from sitegen.reuse.lock import OutputLock; OutputLock(Path(sys.argv[1])).acquire(); "
                               "print('held', flush=True); time.sleep(60)", str(built_site / "_site")],
                              cwd=PACKAGE_ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    holder.kill()
    holder.wait()

    result = run_build(built_site, wait="0")

    assert result.returncode == 0, result.stderr


def test_staging_folders_of_killed_builds_are_swept_and_a_live_one_is_kept(built_site):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                              check=True).stdout.strip()
        (built_site / f"._site.new-{dead}-abc").mkdir()
        (built_site / f"._site.old-{dead}-def").mkdir()
        (built_site / f"._site.new-{sleeper.pid}-ghi").mkdir()

        result = run_build(built_site)

        assert result.returncode == 0, result.stderr
        assert leftovers(built_site) == [f"._site.new-{sleeper.pid}-ghi"]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_builds_into_one_folder_at_once_take_turns(built_site, read_tree):
    builds = [subprocess.Popen(build_command(built_site, "_site", *options), cwd=built_site, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "SITEGEN_LOCK_WAIT": "120"})
              for options in ((), ("--no-cache",), (), ("--drafts",))]
    outcomes = [(b.wait(), b.stderr.read()) for b in builds]

    for code, err in outcomes:
        assert code == 0 and "Traceback" not in err, err
    assert leftovers(built_site) == []
    clean = run_build(built_site, "--no-cache", output="clean")
    assert clean.returncode == 0, clean.stderr
    last = run_build(built_site)
    assert read_tree(built_site / "_site") == read_tree(built_site / "clean")
    assert last.returncode == 0


def test_a_build_killed_at_any_moment_leaves_a_whole_site_and_no_poisoned_cache(built_site, read_tree):
    article = built_site / "content/articles/second.md"
    versions = [article.read_text(encoding="utf-8"), article.read_text(encoding="utf-8").replace("Back to", "Return to")]
    references = []
    for number, text in enumerate(versions):
        article.write_text(text, encoding="utf-8")
        result = run_build(built_site, "--no-cache", output=f"reference-{number}")
        assert result.returncode == 0, result.stderr
        references.append(read_tree(built_site / f"reference-{number}"))
    article.write_text(versions[0], encoding="utf-8")
    assert run_build(built_site).returncode == 0
    started = time.monotonic()
    assert run_build(built_site, "--no-cache").returncode == 0
    duration = time.monotonic() - started  # timing only decides when to kill, never what passes

    rng = random.Random(20)
    for kill in range(KILLS):
        version = (kill + 1) % 2
        article.write_text(versions[version], encoding="utf-8")
        process = subprocess.Popen(build_command(built_site, "_site"), cwd=built_site, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0, duration))
        os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, as a CI timeout or power loss would
        process.wait()

        # A whole-site build swaps in one step (old or new site); a build that rewrites only changed
        # files replaces each in one step: every file is then whole, the old one or the new one.
        old, new = references[1 - version], references[version]
        for path, content in read_tree(built_site / "_site").items():
            assert content in (old.get(path), new.get(path)), f"kill {kill}: {path} is neither its old nor its new version"
        result = run_build(built_site)
        assert result.returncode == 0, result.stderr
        assert read_tree(built_site / "_site") == references[version], f"the build after kill {kill} differs"
        assert leftovers(built_site) == []
