"""Confinement of the student's child (needs root; skipped otherwise): what it can see, do and reach."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.run import confine

REPO = Path(__file__).resolve().parents[2]
ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="confinement needs root")

PROBE = r"""
import json, os, resource, socket, subprocess, sys
secret, readable, module = sys.argv[1:4]
report = {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "cwd": os.getcwd()}
report["status"] = {line.split(":")[0]: line.split(":", 1)[1].strip() for line in open("/proc/self/status")
                    if line.startswith(("NoNewPrivs", "CapEff", "CapPrm"))}
report["secret visible"] = os.path.lexists(secret)
report["readable"] = sorted(os.listdir(readable))
report["processes"] = sorted(p for p in os.listdir("/proc") if p.isdigit())
report["nproc"] = resource.getrlimit(resource.RLIMIT_NPROC)[0]
report["top"] = {name: sorted(os.listdir("/" + name)) for name in ("work", "root", "home", "var", "opt")
                 if os.path.isdir("/" + name)}
def attempt(action):
    try:
        action()
        return "ok"
    except OSError as exc:
        return exc.strerror
report["write module"] = attempt(lambda: open(os.path.join(module, "new.txt"), "w").write("x"))
report["write tmp"] = attempt(lambda: open("/tmp/written-" + str(os.getpid()), "w").write("x"))
report["write usr"] = attempt(lambda: open("/usr/written", "w").write("x"))
report["write readable"] = attempt(lambda: open(os.path.join(readable, "new.txt"), "w").write("x"))
report["connect"] = attempt(lambda: socket.create_connection(("127.0.0.1", 22), timeout=2))
report["sudo"] = subprocess.run(["sh", "-c", "id -u"], capture_output=True, text=True).stdout.strip()
subprocess.Popen(["setsid", "sh", "-c", "sleep 60"], start_new_session=True)  # left behind on purpose
print(json.dumps(report))
"""


def _plan(tmp_path: Path) -> tuple[confine.Confinement, Path, Path, Path]:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "answer_key.py").write_text("ANSWER = 42\n")
    readable = tmp_path / "data"
    readable.mkdir(mode=0o755)
    (readable / "train_images.npy").write_bytes(b"pixels")
    (readable / "train_images.npy").chmod(0o644)
    module = tmp_path / "student"
    module.mkdir()
    (module / "tensor_basics.py").write_text("x = 1\n")
    ids = confine.sandbox_ids()
    assert ids is not None
    plan = confine.plan_confinement(module_dir=module, secret=[secret, REPO, tmp_path], readable=[readable], ids=ids,
                                    tmp_mib=64, nproc=128)
    return plan, secret, readable, module


def _run(plan: confine.Confinement, tmp_path: Path, command: list[str]) -> tuple[subprocess.CompletedProcess, list[str]]:
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(plan.to_json())
    read, write = os.pipe()
    try:
        done = subprocess.run(confine.wrap(plan_path, command, status_fd=write), capture_output=True, timeout=120,
                              pass_fds=(write,), cwd="/", start_new_session=True)
    finally:
        os.close(write)
    with os.fdopen(read, "rb") as handle:
        lines = handle.read().decode().splitlines()
    return done, lines


@needs_root
def test_the_plan_hides_secrets_and_keeps_python_and_the_package(tmp_path: Path) -> None:
    plan, secret, readable, module = _plan(tmp_path)
    assert str(secret) in plan.hidden and str(REPO) in plan.hidden and "/root" in plan.hidden
    assert str(REPO / "autograder") in plan.readable and str(readable) in plan.readable
    assert any(os.path.realpath(sys.base_prefix) == p or os.path.realpath(sys.base_prefix).startswith(p + "/")
               for p in plan.readable)
    assert plan.copies == ((str(module), str(module)),) and plan.cwd == str(module)
    assert plan.uid != 0 and plan.gid != 0


@needs_root
def test_the_confined_child_is_unprivileged_blind_and_offline(tmp_path: Path) -> None:
    plan, secret, readable, module = _plan(tmp_path)
    done, lines = _run(plan, tmp_path, [sys.executable, "-I", "-S", "-c", PROBE, str(secret / "answer_key.py"),
                                        str(readable), str(module)])
    assert done.returncode == 0, done.stderr.decode()
    assert lines[0] == f"confined {plan.uid}"
    report = json.loads(done.stdout.decode().splitlines()[-1])
    assert (report["uid"], report["gid"], report["groups"]) == (plan.uid, plan.gid, [])
    assert report["status"]["NoNewPrivs"] == "1" and int(report["status"]["CapEff"], 16) == 0
    assert report["secret visible"] is False
    assert report["readable"] == ["train_images.npy"]
    assert report["cwd"] == str(module)
    assert report["processes"] == ["1", "2"], "a fresh /proc: only the namespace's init and the child"
    assert report["nproc"] == 128
    assert report["top"]["work"] in ([REPO.name], []) and report["top"].get("home", []) == []
    assert report["top"]["root"] in ([".pyenv"], []) and report["top"].get("var", []) == []
    assert report["write module"] == "ok" and report["write tmp"] == "ok"
    assert report["write usr"] in ("Read-only file system", "Permission denied")
    assert report["write readable"] in ("Read-only file system", "Permission denied")
    assert report["connect"] == "Network is unreachable"
    assert report["sudo"] == str(plan.uid)
    # The child worked on a copy: the grader's folders and the real /tmp are untouched.
    assert sorted(p.name for p in module.iterdir()) == ["tensor_basics.py"]
    assert not list(Path("/tmp").glob("written-*"))
    # Everything it started is gone with it (the PID namespace ended).
    assert not [pid for pid in os.listdir("/proc") if pid.isdigit() and confine_uid(pid) == plan.uid]


def confine_uid(pid: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@needs_root
def test_the_child_ends_the_way_the_command_ended(tmp_path: Path) -> None:
    plan, *_ = _plan(tmp_path)
    done, lines = _run(plan, tmp_path, [sys.executable, "-I", "-S", "-c", "import sys; sys.exit(7)"])
    assert done.returncode == 7 and lines == [f"confined {plan.uid}"]
    done, _ = _run(plan, tmp_path, [sys.executable, "-I", "-S", "-c", "import os, signal; os.kill(os.getpid(), 9)"])
    assert done.returncode == -9


@needs_root
def test_a_sandbox_that_cannot_be_set_up_says_so(tmp_path: Path) -> None:
    plan, *_ = _plan(tmp_path)
    broken = confine.Confinement(**{**json.loads(plan.to_json()), "copies": [["/no/such/folder", "/no/such/folder"]]})
    done, lines = _run(broken, tmp_path, ["/bin/true"])
    assert done.returncode == confine.WRAPPER_FAILED
    assert len(lines) == 1 and lines[0].startswith("sandbox-error ") and "/no/such/folder" in lines[0]


@needs_root
def test_confinement_is_checked_before_it_is_used(tmp_path: Path) -> None:
    plan, *_ = _plan(tmp_path)
    support = confine.check_confinement(plan, work_dir=tmp_path / "check")
    assert support.available, support.reason


def test_without_root_confinement_is_reported_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    plan = confine.Confinement(uid=65534, gid=65534)
    support = confine.check_confinement(plan, work_dir=tmp_path)
    assert not support.available and "not running as root" in support.reason


def test_no_confine_is_noted_in_the_report(repo_root: Path, cifar10_root: Path) -> None:
    from autograder.cli import main

    result = CliRunner().invoke(main, ["grade", str(repo_root / "solutions" / "pytorch_tensor"), "--no-confine",
                                       "--data-dir", str(cifar10_root)])
    assert result.exit_code == 0, result.output
    assert "Isolation was weaker" in result.output and "--no-confine" in result.output


def test_when_confinement_fails_grading_goes_on_and_the_report_says_why(monkeypatch: pytest.MonkeyPatch,
                                                                         repo_root: Path, tmp_path: Path) -> None:
    from autograder.grade import grade_submission

    monkeypatch.setattr(os, "geteuid", lambda: 0)  # as if root, whoever runs the tests
    monkeypatch.setattr(confine, "check_confinement",
                        lambda plan, work_dir: confine.Support(False, "unshare: Operation not permitted"))
    report = grade_submission(submission=repo_root / "solutions" / "pytorch_tensor", assignment="pytorch_tensor",
                              cache_dir=tmp_path / "cache")
    assert report.score == report.max_score
    weaker = [note for note in report.grader_notes if "Isolation was weaker" in note]
    assert len(weaker) == 1 and "unshare: Operation not permitted" in weaker[0] and "격리가 약했습니다" in weaker[0]
    # For the instructor (the console, graded.json), never in what the student reads.
    assert "Isolation was weaker" not in report.to_gradescope()["output"] and "Isolation" not in report.to_text()
    assert "Isolation was weaker" in report.to_text(for_instructor=True)
    from autograder.feedback.html import render_html

    student_sees = [report.to_text(), report.to_gradescope()["output"], render_html(report)]
    for text in student_sees:  # nothing about the machine: neither the isolation nor how memory was counted
        assert not any(word in text for word in ("Isolation", "격리", "Memory limit", "메모리 제한", "cgroup")), text[:500]


@needs_root
def test_a_sandbox_failure_is_the_graders_fault_not_the_students(tmp_path: Path) -> None:
    from autograder.run import Limits, ProbeRequest, run_probes

    plan, *_ = _plan(tmp_path)
    broken = confine.Confinement(**{**json.loads(plan.to_json()), "copies": [["/no/such/folder", "/no/such/folder"]]})
    outcomes = run_probes(assignment="pytorch_tensor", module_dir=REPO / "solutions" / "pytorch_tensor",
                          module="tensor_basics", probes=[ProbeRequest("zeros_and_ones", 30), ProbeRequest("mean", 30)],
                          limits=Limits(), work_dir=tmp_path / "work", confinement=broken)
    assert {o.status for o in outcomes.values()} == {"sandbox"}
    assert all("sandbox could not start" in o.detail for o in outcomes.values())
