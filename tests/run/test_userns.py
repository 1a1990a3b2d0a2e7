"""Confinement without root: a grader running as an ordinary user confines student code in a user namespace of its
own (the kernel's unprivileged user namespaces): the same hidden paths, no network, no capability, nothing it
writes outside its private /tmp. Run for real as the unprivileged user `nobody`, with this repository's Python."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.run.nobody import NOBODY, as_nobody

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("unshare"),
                                reason="needs root to become `nobody` (CI runs as root)")

# make_zeros_and_ones reaches for what a confined run must not reach; when all of it fails it returns the right value.
# Each success is also written down where the test can see it.
HOSTILE = """
def make_zeros_and_ones(shape):
    import os, socket
    reached = []
    for path in (@@SOLUTIONS@@, @@CACHE@@, @@SCRATCH@@):
        try:
            os.listdir(path)
            reached.append("read " + path)
        except OSError:
            pass
        try:
            with open(os.path.join(path, "planted-by-student"), "w") as handle:
                handle.write("x")
            reached.append("wrote " + path)
        except OSError:
            pass
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=2).close()
        reached.append("network")
    except OSError:
        pass
    if reached:
        return reached  # the wrong value: the check fails exactly when confinement did not hold
    return np.zeros(shape), np.ones(shape)
"""


@pytest.fixture()
def scratch() -> Path:
    folder = Path(f"/tmp/userns-test-{os.getpid()}")
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "home").mkdir(parents=True)
    (folder / ".orig").mkdir()
    os.chown(folder, NOBODY, NOBODY)
    os.chown(folder / "home", NOBODY, NOBODY)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_grader_without_root_confines_student_code_in_a_user_namespace(scratch: Path) -> None:
    submission = scratch / "submission" / "pytorch_tensor"
    shutil.copytree(REPO / "solutions" / "pytorch_tensor", submission, ignore=shutil.ignore_patterns("__pycache__"))
    cache = scratch / "home" / ".cache" / "autograder-cache"
    module = submission / "tensor_basics.py"
    hostile = (HOSTILE.replace("@@SOLUTIONS@@", repr(str(REPO / "solutions")))
               .replace("@@CACHE@@", repr(str(cache))).replace("@@SCRATCH@@", repr(str(scratch))))
    module.write_text(module.read_text(encoding="utf-8") + "\n" + hostile, encoding="utf-8")
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(scratch)], check=True)
    results = scratch / "results.json"
    done = as_nobody(scratch, ["-m", "autograder", "grade", str(submission), "--assignment", "pytorch_tensor",
                                "--results", str(results), "--quiet", "--lang", "en",
                                "--solutions", str(REPO / "solutions")])
    report = done.stdout + done.stderr
    assert results.is_file(), report[-4000:]
    data = json.loads(results.read_text(encoding="utf-8"))
    assert "Isolation was weaker" not in report, report[-3000:]
    assert data["max_score"] == 30 and data["score"] == 30, report[-4000:]  # every reach failed: the right value came back
    assert not list(scratch.rglob("planted-by-student")) and not (REPO / "solutions" / "planted-by-student").exists()


def test_the_same_code_unconfined_reaches_what_it_reaches_for(scratch: Path) -> None:
    """The control: as `nobody` with --no-confine, the same submission plants its file and loses the check (so the
    confined run's full marks mean confinement held, not that the attempt was harmless)."""
    submission = scratch / "submission" / "pytorch_tensor"
    shutil.copytree(REPO / "solutions" / "pytorch_tensor", submission, ignore=shutil.ignore_patterns("__pycache__"))
    module = submission / "tensor_basics.py"
    hostile = (HOSTILE.replace("@@SOLUTIONS@@", repr(str(REPO / "solutions")))
               .replace("@@CACHE@@", repr(str(scratch / "nowhere"))).replace("@@SCRATCH@@", repr(str(scratch))))
    module.write_text(module.read_text(encoding="utf-8") + "\n" + hostile, encoding="utf-8")
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(scratch)], check=True)
    results = scratch / "results.json"
    done = as_nobody(scratch, ["-m", "autograder", "grade", str(submission), "--assignment", "pytorch_tensor",
                                "--results", str(results), "--quiet", "--lang", "en", "--no-confine",
                                "--solutions", str(REPO / "solutions")])
    data = json.loads(results.read_text(encoding="utf-8"))
    assert "Isolation was weaker" in done.stdout and "Isolation" not in data["output"], (done.stdout + done.stderr)[-3000:]
    assert data["score"] < data["max_score"] and (scratch / "planted-by-student").exists()
