"""Hostile and broken submissions: the grader holds (see docs/isolation.md).

Each folder under `hostile/` is one example, in the format of `submissions/` (`example.toml` + `golden.json`):
its assignment, its base (`solutions` or `release`), the text edits and extra files (`[[file]]`) that make it
hostile, and:

    limits = {check_seconds = 5, ...}        the limits it is graded under (small, so the tests are fast)
    fails = [...]                            the checks it affects: they must score 0, with a message
    expect = {check = "message fragment"}     what those messages must say (the cause, in words)
    all_fail = true                          every check is affected (e.g. a failure at import)
    honest_score = N                         the score without the hostility (default: every check not in `fails`)
    requires_confinement = true              only meaningful when student code runs confined (root)
    accuracy = true, skip = [...]            runs the (slow) accuracy checks, except those in `skip`

Fixture text may use placeholders that the test fills in: @@REPO@@, @@CIFAR10_ROOT@@, @@HOME@@, @@CACHE@@ (the
reference-results cache), @@PORT@@ (a TCP server on 127.0.0.1 that must see no connection), @@CANARY_TMP@@ and
@@CANARY_REPO@@ (canary files that must not change), @@MARKER@@ (a unique name for files it tries to create),
@@PWNED@@ (a file that appears only if something unpickles its objects) and @@RESULTS@@ (a results.json path).

For every example: grading completes within its time budget, the report is a valid Gradescope results.json,
the affected checks lose their points (all of them when every check is affected; a check whose parts
earn points of their own keeps the right parts' share) with a message naming the cause, the other checks keep full marks, the score is
never above the honest score, and nothing outside the grader's scratch folder changed (snapshots of the
repository's solutions/, source/ and tests/, the caches, the data folder, canary files in /tmp and in the
repository, and the submission's own folder, before and after). `golden.json` holds
every check's result, with the volatile tail of "last output line" messages left out. Regenerate with
`UPDATE_GOLDEN=1 pytest tests/grade/test_hostile_submissions.py`.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from autograder.feedback.language import show
from autograder.grade import grade_submission
from autograder.grade.registry import checks_for
from tests.suite import suite_limits
from tests.grade.examples import (ACCURACY_CHECKS, build_submission, golden_differences, golden_form, is_slow,
                                  language_problems,
                                  load_example, skipped_checks, summarize)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLES = sorted(p.parent for p in (HERE / "hostile").glob("*/example.toml"))
WATCHED = ("solutions", "source", "tests")  # folders of the repository that must not change
WEAKER = "Isolation was weaker"
# AUTOGRADER_TEST_CONFINE=0 grades without confinement even as root, to test the weaker mode.
CONFINE = None if os.environ.get("AUTOGRADER_TEST_CONFINE", "1") != "0" else False


def validate_gradescope(data: dict[str, Any]) -> None:
    """Gradescope's results.json structure, with scores that add up."""
    assert isinstance(data["score"], (int, float)) and isinstance(data["max_score"], (int, float))
    assert 0 <= data["score"] <= data["max_score"]
    assert isinstance(data["execution_time"], (int, float)) and data["execution_time"] >= 0
    assert data["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert isinstance(data["output"], str)
    assert isinstance(data["tests"], list) and data["tests"]
    for test in data["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert isinstance(test["name"], str) and isinstance(test["output"], str) and test["output"]
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert (test["status"] == "passed") == (test["score"] >= test["max_score"])
    assert abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 1e-6
    assert abs(sum(t["max_score"] for t in data["tests"]) - data["max_score"]) < 1e-6


def ipc_objects_with_key(key: int) -> list[str]:
    """The System V IPC objects (shared memory, semaphores, message queues) of this machine with `key`."""
    found = []
    for kind in ("shm", "sem", "msg"):
        try:
            lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        except OSError:
            continue
        found += [f"{kind}: {line.split()[:2]}" for line in lines if line.split() and int(line.split()[0]) == key]
    return found


def write_answer_table(path: Path, cifar10_root: Path) -> None:
    """What a student can build from the public CIFAR-10 test set: (hash of the pixels, label) per image."""
    import importlib.util
    import sys

    import numpy as np

    spec = importlib.util.spec_from_file_location("_answers_cifar10", REPO / "solutions" / "image_classification" /
                                                  "cifar10.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    arrays = module.load_cifar10(cifar10_root)
    rows = [(int.from_bytes(hashlib.sha256(np.ascontiguousarray(image).tobytes()).digest()[:7], "big"), int(label))
            for image, label in zip(arrays.test_images, arrays.test_labels)]
    np.save(path, np.asarray(rows, dtype=np.int64))


def snapshot(roots: list[Path]) -> dict[str, tuple[int, int, str]]:
    """Every file and folder under `roots`: (mode, mtime, content hash)."""
    state: dict[str, tuple[int, int, str]] = {}
    for root in roots:
        if not root.exists():
            state[str(root)] = (0, 0, "missing")
            continue
        paths = [root] + sorted(root.rglob("*"))
        for path in paths:
            if "__pycache__" in path.parts or ".pytest_cache" in path.parts or path.name == "golden.json":
                continue  # golden.json: rewritten by UPDATE_GOLDEN=1 runs in parallel workers
            try:
                info = path.lstat()
                digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() \
                    else ""
            except OSError:
                continue
            # A folder's own mtime moves when anything is added in it; what was added is a path of its own.
            state[str(path)] = (info.st_mode, 0 if path.is_dir() else info.st_mtime_ns, digest)
    return state


@dataclass
class Session:
    cache: Path
    confined: bool
    note: str


@pytest.fixture(scope="session")
def session(trained_reference_cache: Path, cifar10_root: Path) -> Session:
    """The answer key graded once per assignment with the suite's limits, with the session's filled reference
    cache (so the small limits of the examples apply to student code only): it tells whether student code runs
    confined."""
    cache = trained_reference_cache
    notes: list[str] = []
    for assignment in ("pytorch_tensor", "image_classification"):
        skip = ACCURACY_CHECKS if assignment == "image_classification" else ()
        report = grade_submission(submission=REPO / "solutions", assignment=assignment, skip=skip,
                                  data_dir=str(cifar10_root), cache_dir=cache, confine=CONFINE, limits=suite_limits())
        assert report.score == report.max_score, report.to_text()
        notes += report.grader_notes
    weaker = [n for n in notes if WEAKER in n]
    return Session(cache=cache, confined=not weaker, note=weaker[0] if weaker else "")


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it gets."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _params() -> list[Any]:
    params = []
    for folder in EXAMPLES:
        example = load_example(folder)
        marks = [pytest.mark.slow] if is_slow(example) else [pytest.mark.heavy] if example.get("accuracy") else []
        params.append(pytest.param(folder, id=folder.name, marks=marks))
    return params


@pytest.mark.parametrize("folder", _params())
def test_hostile_submission(folder: Path, tmp_path: Path, session: Session, cifar10_root: Path,
                            listener: Listener) -> None:
    example = load_example(folder)
    if example.get("requires_confinement") and not session.confined:
        pytest.skip(f"student code does not run confined here: {session.note}")
    assignment = example["assignment"]
    limits = suite_limits(example.get("limits", {}), where=f"{folder.name}/example.toml")
    names = {c.name for c in checks_for(assignment)}
    skip = skipped_checks(example)

    marker = f"hostile-marker-{uuid.uuid4().hex[:12]}"
    ipc_key = int(uuid.uuid4().hex[:7], 16) + 1  # a System V IPC key of this example's own
    canary_dir = tmp_path / "canary"
    canary_dir.mkdir()
    canary_tmp = canary_dir / "canary.txt"
    canary_tmp.write_text("a canary in /tmp\n", encoding="utf-8")
    canary_repo = REPO / f".hostile-canary-{marker}"
    canary_repo.write_text("a canary in the repository\n", encoding="utf-8")
    pwned = tmp_path / "pwned"
    results_dir = tmp_path / "results"
    results_dir.mkdir()
    placeholders = {
        "REPO": str(REPO), "CIFAR10_ROOT": str(cifar10_root), "HOME": str(Path.home()), "CACHE": str(session.cache),
        "PORT": str(listener.port), "CANARY_TMP": str(canary_tmp), "CANARY_REPO": str(canary_repo),
        "MARKER": marker, "PWNED": str(pwned), "RESULTS": str(results_dir / "results.json"),
        "IPC_KEY": str(ipc_key),
    }
    watched = [REPO / name for name in WATCHED] + [canary_dir, results_dir, session.cache, cifar10_root]
    try:
        submission = build_submission(folder, tmp_path / "submission", placeholders)
        if example.get("needs_answers"):
            write_answer_table(submission / assignment / "answers.npy", cifar10_root)
        watched.append(submission)  # the grader copies the submission; its own folder must not change either
        before = snapshot(watched)
        started = time.monotonic()
        report = grade_submission(submission=submission, assignment=assignment, skip=skip,
                                  data_dir=str(cifar10_root), cache_dir=session.cache, limits=limits,
                                  confine=CONFINE)
        elapsed = time.monotonic() - started
        after = snapshot(watched)
        repository_top = sorted(p.name for p in REPO.iterdir() if marker in p.name and p != canary_repo)
    finally:
        canary_repo_text = canary_repo.read_text(encoding="utf-8") if canary_repo.exists() else None
        canary_repo.unlink(missing_ok=True)
        for stray in [*REPO.rglob(f"*{marker}*"), Path("/tmp") / marker, Path("/dev/shm") / f"{marker}-shm",
                      Path("/var/tmp") / marker, Path.home() / marker]:
            if stray.is_file():
                stray.unlink()
    result = summarize(report)
    golden_path = folder / "golden.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden_path.write_text(json.dumps(golden_form(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    # Grading completed within its budget (the answer key's results come from the cache).
    assert elapsed <= limits.total_seconds + 90, f"{folder.name}: grading took {elapsed:.0f} s"
    # The report is valid, also as Gradescope's results.json.
    results_path = results_dir / "results.json"
    assert not results_path.exists(), f"{folder.name}: a results.json appeared before the grader wrote one"
    report.write_results(results_path)
    validate_gradescope(json.loads(results_path.read_text(encoding="utf-8")))
    assert not report.grader_errors, f"{folder.name}: the grader failed: {report.grader_errors}"
    assert not language_problems(report), language_problems(report)

    # The affected checks lose their points (all of them when everything fails; the wrong functions' share
    # where a check's parts earn points of their own) and say why; the others keep full marks.
    fails = set(names - set(skip)) if example.get("all_fail", False) else set(example.get("fails", []))
    for name in fails:
        row = result["checks"][name]
        if example.get("all_fail", False):
            assert row["score"] == 0, f"{folder.name}: check {name} should score 0 but got {row}"
        assert row["score"] < row["points"], f"{folder.name}: check {name} should lose points but got {row}"
        assert row["message"], f"{folder.name}: check {name} lost points without a message"
    raw = {r.name: show(r.message) for r in report.results}  # as the report shows it (ko+en)
    for name, fragment in example.get("expect", {}).items():
        assert fragment in raw[name], f"{folder.name}: the message of {name} does not say {fragment!r}: {raw[name]!r}"
    others = {n: r for n, r in result["checks"].items() if n not in fails and r["score"] < r["points"]}
    assert not others, f"{folder.name}: checks lost points that the hostility does not concern: {others}"
    # Never above the honest score.
    honest = example.get("honest_score", sum(r["points"] for n, r in result["checks"].items() if n not in fails))
    assert report.score <= honest, f"{folder.name}: score {report.score} is above the honest score {honest}"

    # Nothing outside the grader's scratch folder changed: in the canary, results, cache, data and submission
    # folders no file appeared, disappeared or changed (except the answer key's results, which the grader
    # itself may add to the reference cache). In the repository's folders, which people may be editing while
    # the tests run, a file that appeared or changed counts when it carries the submission's marks (the
    # repository canary covers changing and deleting an existing file).
    added_by_grader = {p for p in set(after) - set(before)
                       if p.startswith(f"{session.cache}/reference/") and marker not in p}
    repository = tuple(f"{REPO / name}" for name in WATCHED)

    def tampered(path: str) -> bool:
        if not (path + "/").startswith(tuple(r + "/" for r in repository)):
            return True
        if marker in path:
            return True
        try:
            text = Path(path).read_bytes() if Path(path).is_file() else b""
        except OSError:
            return False
        return marker.encode() in text or b"by a submission" in text

    differing = (set(before) ^ set(after)) - added_by_grader | {p for p in before if p in after and before[p] != after[p]}
    changed = sorted(p for p in differing if tampered(p))
    assert not changed, f"{folder.name}: files outside the scratch folder changed: {changed[:20]}"
    assert canary_repo_text == "a canary in the repository\n", f"{folder.name}: the repository canary changed"
    assert canary_tmp.read_text(encoding="utf-8") == "a canary in /tmp\n"
    assert not repository_top, f"{folder.name}: files appeared in the repository: {repository_top}"
    for stray in (Path("/tmp") / marker, Path("/dev/shm") / f"{marker}-shm", Path.home() / marker):
        assert not stray.exists(), f"{folder.name}: {stray} appeared (outside the child's private folders)"
    assert not pwned.exists(), f"{folder.name}: something unpickled the submission's objects"
    left = ipc_objects_with_key(ipc_key)
    assert not left, f"{folder.name}: System V IPC objects outlived the grading: {left}"
    assert listener.connections == 0, f"{folder.name}: the submission reached a server on 127.0.0.1"

    # And the whole result is exactly the golden one.
    assert golden_path.is_file(), f"{folder.name}: no golden.json; run with UPDATE_GOLDEN=1 once and review it"
    differences = golden_differences(result, json.loads(golden_path.read_text(encoding="utf-8")))
    assert not differences, f"{folder.name}: {differences}"


def test_examples_cover_the_issue() -> None:
    """Every case of the issue has an example."""
    names = {folder.name for folder in EXAMPLES}
    for needed in ("syntaxError", "raisesAtImport", "sysExitAtImport", "osExitAtImport", "sysExitInTrain",
                   "osExitInTrain", "loopsPastTimeLimit", "sleepsLong", "allocatesTooMuchMemory", "spawnsProcesses",
                   "floodsOutput", "forgesResults", "readsSecrets", "readsTestLabels", "patchesComparisons",
                   "liesAboutValues", "returnsPickles", "opensNetworkConnection", "triesToChangeFilesOutside",
                   "perturbsGlobalState", "totalTimeLimit", "returnsStrings", "returnsHugeInteger",
                   "returnsDeepNesting", "forgesReportLines", "garblesStatusPipe", "hidesMemoryInMemfd",
                   "leavesIpcObjects", "cifar10FolderInSubmission", "answersFromLookupTable", "usesTestOrder"):
        assert any(needed in name for name in names), f"no hostile example for {needed}"
