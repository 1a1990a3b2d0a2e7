"""The parent side of the sandbox: the status pipe's messages, and what a child can and cannot make the parent do."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path


from autograder.run import Limits, ProbeRequest, run_probes
from autograder.run.status_pipe import HEADER_MAX_BYTES, StatusChannel
from tests.run.modules import answer_key_with

REPO = Path(__file__).resolve().parents[2]


def channel() -> StatusChannel:
    return StatusChannel(-1, max_bytes=1000)


def test_messages_are_split_whatever_the_chunks() -> None:
    stream = b"confined 7\nstart a\ndone a 2 3 0\n{}xyzstart b\n"
    whole, pieces = channel(), channel()
    whole.feed(stream)
    for i in range(len(stream)):
        pieces.feed(stream[i:i + 1])
    for c in (whole, pieces):
        messages = c.take()
        assert [(m.kind, m.name) for m in messages] == [("confined", "7"), ("start", "a"), ("done", "a"), ("start", "b")]
        assert (messages[2].text, messages[2].payload) == (b"{}", b"xyz")


def test_lines_that_are_not_ours_are_dropped() -> None:
    c = channel()
    c.feed(b"hello\ndone\ndone a b c d\ndone a 1\ndone a 1 1\npassed 30\n{\"score\": 30}\nstart a\n")
    assert [(m.kind, m.name) for m in c.take()] == [("start", "a")]


def test_an_over_long_line_is_dropped_and_parsing_resumes() -> None:
    c = channel()
    c.feed(b"x" * (3 * HEADER_MAX_BYTES))
    assert len(c.buffer) <= HEADER_MAX_BYTES
    c.feed(b"yyy\nstart a\n")
    assert [(m.kind, m.name) for m in c.take()] == [("start", "a")]


def test_a_result_larger_than_the_limit_is_not_waited_for() -> None:
    c = channel()
    c.feed(b"done a 5000 0 0\nstart b\n")
    assert [(m.kind, m.name) for m in c.take()] == [("start", "b")]




LIMITS = Limits(check_seconds=20, import_seconds=120)
PROBES = [ProbeRequest("zeros_and_ones", 20), ProbeRequest("transpose", 20), ProbeRequest("mean", 20)]


def _run(tmp_path: Path, body: str, probes: list[ProbeRequest] = PROBES, limits: Limits = LIMITS) -> dict:
    folder = answer_key_with(tmp_path, body)
    return run_probes(assignment="pytorch_tensor", module_dir=folder, module="tensor_basics", probes=probes,
                      limits=limits, work_dir=tmp_path / "work")


def test_results_come_back_through_the_pipe_into_the_parents_folder(tmp_path: Path) -> None:
    outcomes = _run(tmp_path, "")
    assert all(o.ok for o in outcomes.values()), outcomes
    saved = sorted(p.name for p in (tmp_path / "work").glob("out-*/*"))
    assert saved == ["mean.json", "mean.npz", "transpose.json", "transpose.npz", "zeros_and_ones.json",
                     "zeros_and_ones.npz"]
    assert (tmp_path / "work" / "out-1").stat().st_mode & 0o077 == 0
    assert not list((tmp_path / "pytorch_tensor").glob("*.json"))


def test_a_probe_that_runs_alone_gets_a_child_of_its_own(tmp_path: Path) -> None:
    """A training probe runs alone (ProbeRequest.alone): its peak memory is its own. The probes around it share
    a child before it and another after it, in order."""
    probes = [ProbeRequest("zeros_and_ones", 20), ProbeRequest("transpose", 20, alone=True), ProbeRequest("mean", 20),
              ProbeRequest("autograd", 20)]
    outcomes = _run(tmp_path, "", probes=probes)
    assert all(o.ok for o in outcomes.values()), outcomes
    children = {folder.name: sorted(p.stem for p in folder.glob("*.json")) for folder in (tmp_path / "work").glob("out-*")}
    assert children == {"out-1": ["zeros_and_ones"], "out-2": ["transpose"], "out-3": ["autograd", "mean"]}


def test_a_failure_at_import_costs_every_probe_but_one_child(tmp_path: Path) -> None:
    outcomes = _run(tmp_path, "import os\nos._exit(7)\n")
    assert {o.status for o in outcomes.values()} == {"exited"}
    assert all("while your module was being imported" in o.detail and "exit code 7" in o.detail
               for o in outcomes.values())
    assert len(list((tmp_path / "work").glob("spec-*.json"))) == 1


def test_a_probe_that_ends_the_process_costs_only_itself(tmp_path: Path) -> None:
    outcomes = _run(tmp_path, "def matrix_transpose(a):\n    import os\n    os._exit(5)\n")
    assert outcomes["transpose"].status == "exited" and "exit code 5" in outcomes["transpose"].detail
    assert outcomes["zeros_and_ones"].ok and outcomes["mean"].ok


def test_a_forged_result_for_a_later_probe_is_ignored(tmp_path: Path) -> None:
    body = '''
def make_zeros_and_ones(shape):
    import os, stat
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, b"done transpose 2 0 0\\n{}" + b"start transpose\\ndone transpose 2 0 0\\n{}")
        except OSError:
            pass
    return np.zeros(shape), np.ones(shape)
'''
    outcomes = _run(tmp_path, body)
    # While zeros_and_ones runs, only its own result is awaited: the forged messages are dropped.
    assert all(o.ok for o in outcomes.values()), outcomes
    assert outcomes["transpose"].value["matrix_transpose(m)"].shape == (4, 3)


def test_output_beyond_the_limit_stops_the_probe(tmp_path: Path) -> None:
    body = "def matrix_transpose(a):\n    for _ in range(1000):\n        print('x' * 99)\n    return a.T\n"
    outcomes = _run(tmp_path, body, limits=Limits(check_seconds=20, output_bytes=50_000))
    assert outcomes["transpose"].status == "output"
    assert outcomes["zeros_and_ones"].ok and outcomes["mean"].ok
    assert not list((tmp_path / "work").glob("output-*"))  # output goes through a pipe the parent drains


def test_global_state_is_reset_before_every_probe(tmp_path: Path) -> None:
    body = '''
import torch as _torch
_torch.set_grad_enabled(False)
_torch.set_default_dtype(_torch.float64)
_torch.manual_seed = lambda *args: None
'''
    probes = [ProbeRequest("autograd", 20), ProbeRequest("gradient_descent", 20)]
    outcomes = _run(tmp_path, body, probes=probes)
    assert outcomes["autograd"].ok and outcomes["gradient_descent"].ok
    assert outcomes["autograd"].value["gradient"].dtype == "torch.float32"


def test_processes_left_behind_are_killed(tmp_path: Path) -> None:
    marker = f"sleep-{os.getpid()}-{time.monotonic_ns()}"
    body = f'''
def matrix_transpose(a):
    import subprocess
    subprocess.Popen(["sh", "-c", "exec -a {marker} sleep 30"])
    return a.T
'''
    outcomes = _run(tmp_path, body)
    assert outcomes["transpose"].ok
    time.sleep(0.5)
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                alive.append(pid)
        except OSError:
            pass
    assert not alive


def test_a_private_copy_belongs_to_the_unprivileged_user(tmp_path: Path) -> None:
    from autograder.run.sandbox import private_copy

    folder = answer_key_with(tmp_path, "")
    private, copy = private_copy(folder, (54321, 54321))
    try:
        assert (copy / "tensor_basics.py").read_bytes() == (folder / "tensor_basics.py").read_bytes()
        assert all(p.lstat().st_uid == 54321 for p in [private, *private.rglob("*")])
        assert private.stat().st_mode & 0o077 == 0  # nobody else can look in
    finally:
        shutil.rmtree(private)


def test_a_message_after_an_over_long_line_in_the_same_chunk_is_kept() -> None:
    c = channel()
    c.feed(b"x" * (5 * HEADER_MAX_BYTES) + b"\nstart a\n")
    assert [(m.kind, m.name) for m in c.take()] == [("start", "a")]
    c.feed(b"y" * (2 * HEADER_MAX_BYTES))  # an over-long partial line, then the rest of it and a message
    c.feed(b"yyy\nstart b\n")
    assert [(m.kind, m.name) for m in c.take()] == [("start", "b")]


def test_each_outcome_records_the_childs_peak_memory(tmp_path: Path) -> None:
    # transpose touches 300 MB and lets it go again: the kernel's peak (VmHWM) keeps it; the check before it
    # ran with only the module imported.
    body = ("_original_transpose = matrix_transpose\n"
            "def matrix_transpose(a):\n"
            "    block = bytearray(300 * 2**20)\n"
            "    block[::4096] = b'x' * len(block[::4096])\n"
            "    del block\n"
            "    return _original_transpose(a)\n")
    outcomes = _run(tmp_path, body)
    assert all(o.ok for o in outcomes.values()), outcomes
    before, peak = outcomes["zeros_and_ones"].peak_rss_mib, outcomes["transpose"].peak_rss_mib
    assert 0 < before < peak and peak - before >= 290
    assert outcomes["mean"].peak_rss_mib >= peak  # the same process: a peak never comes down


def test_the_child_gets_the_allocator_settings_for_training(tmp_path: Path) -> None:
    from autograder.run.sandbox import ALLOCATOR_ENVIRONMENT

    body = ("def matrix_transpose(a):\n"
            "    import os, numpy as np\n"
            "    if os.environ.get('MALLOC_MMAP_THRESHOLD_') != %r:\n"
            "        raise RuntimeError('allocator settings missing')\n"
            "    return np.asarray(a).T\n") % ALLOCATOR_ENVIRONMENT["MALLOC_MMAP_THRESHOLD_"]
    outcomes = _run(tmp_path, body)
    assert outcomes["transpose"].ok, outcomes["transpose"]


def test_the_listener_hears_each_probe_start_and_end_in_order_a_failed_one_too(tmp_path: Path) -> None:
    events = []
    folder = answer_key_with(tmp_path, "def matrix_transpose(a):\n    import os\n    os._exit(5)\n")
    run_probes(assignment="pytorch_tensor", module_dir=folder, module="tensor_basics", probes=PROBES, limits=LIMITS,
               work_dir=tmp_path / "work", on_event=events.append)
    told = [(e.kind, e.probe, e.outcome.status if e.outcome else "") for e in events]
    assert told == [("start", "zeros_and_ones", ""), ("done", "zeros_and_ones", "ok"), ("start", "transpose", ""),
                    ("done", "transpose", "exited"), ("start", "mean", ""), ("done", "mean", "ok")]


def test_training_progress_is_a_message_of_the_running_probe() -> None:
    c = channel()
    c.feed(b"start fc_accuracy\nprogress 20 766\nprogress twenty 766\n")
    assert [(m.kind, m.name) for m in c.take()] == [("start", "fc_accuracy"), ("progress", "20 766"),
                                                    ("progress", "twenty 766")]  # the watcher ignores the last
