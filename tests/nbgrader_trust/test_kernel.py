"""The nbgrader kernel, confined: a real kernel run by nbclient through ConfinedKernelManager."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.nbgrader_trust import kernel as confined
from autograder.nbgrader_trust.kernel import ALLOW_UNCONFINED_ENV, ConfinedKernelManager, UnconfinedKernelRefused

REPO = Path(__file__).resolve().parents[2]
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="confinement needs root (CI runs as root)")

PROBE = [
    "import os, json, socket\nseen = {'uid': os.getuid(), 'cwd': os.getcwd(), 'env': sorted(os.environ)}",
    f"seen['answer_key'] = os.path.exists({str(REPO / 'solutions')!r})\nseen['course'] = os.path.exists({str(REPO / 'source')!r})",
    "open('written.txt', 'w').write('x')\nseen['own'] = sorted(os.listdir('.'))",
    "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=2)\n    seen['net'] = 'connected'\n"
    "except OSError as exc:\n    seen['net'] = str(exc)",
    "print(json.dumps(seen))",
]


def _run(folder: Path) -> dict:
    import json

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in PROBE]
    client = NotebookClient(nb, timeout=120, kernel_name="python3", kernel_manager_class=ConfinedKernelManager,
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    return json.loads(nb.cells[-1].outputs[0]["text"])


@needs_root
def test_the_kernel_runs_as_a_fresh_uid_without_the_course_network_or_secrets(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOGRADER_SOLUTIONS", str(REPO / "solutions"))
    folder = tmp_path / "autograded" / "kim" / "pytorch_tensor"
    folder.mkdir(parents=True)
    (folder / "tensor_basics.py").write_text("x = 1\n", encoding="utf-8")
    seen = _run(folder)
    assert seen["uid"] != 0 and seen["uid"] != os.getuid()
    assert seen["cwd"] == str(folder.resolve())
    assert "AUTOGRADER_SOLUTIONS" not in seen["env"] and seen["answer_key"] is False and seen["course"] is False
    assert seen["own"] == ["tensor_basics.py", "written.txt"]  # its working folder is a private copy...
    assert sorted(p.name for p in folder.iterdir()) == ["tensor_basics.py"]  # ...the real one is unchanged
    assert seen["net"] != "connected"


def test_without_confinement_the_kernel_is_refused_unless_the_instructor_opts_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(confined.os, "geteuid", lambda: 1000)  # as on an instructor's laptop without root...
    monkeypatch.setattr(confined.sandbox_confine, "check_confinement",  # ...whose kernel refuses user namespaces
                        lambda plan, work_dir: confined.sandbox_confine.Support(False, "user namespaces are off"))
    monkeypatch.delenv(ALLOW_UNCONFINED_ENV, raising=False)
    with pytest.raises(UnconfinedKernelRefused, match="allow_unconfined"):
        _run(tmp_path)
    monkeypatch.setenv(ALLOW_UNCONFINED_ENV, "1")
    seen = _run(tmp_path)
    assert seen["own"] == ["written.txt"] and (tmp_path / "written.txt").exists()  # unconfined: the real folder


def test_the_kernels_environment_is_an_allow_list() -> None:
    env = confined.kernel_environment({"AUTOGRADER_SOLUTIONS": "/key", "CIFAR10_ROOT": "/data", "SECRET_TOKEN": "x",
                                       "COURSE_QUICK_RUN": "1", "HOME": "/root"})
    assert env["CIFAR10_ROOT"] == "/data" and env["COURSE_QUICK_RUN"] == "1" and env["HOME"] != "/root"
    assert "AUTOGRADER_SOLUTIONS" not in env and "SECRET_TOKEN" not in env


@needs_root
def test_without_root_the_kernel_runs_in_a_user_namespace_of_its_own(tmp_path: Path) -> None:
    """nbgrader run by an ordinary user (here `nobody`): the kernel is confined all the same, no opt-in needed."""
    import json
    import shutil
    import subprocess
    import textwrap

    from tests.run.nobody import NOBODY, as_nobody

    scratch = Path(f"/tmp/kernel-userns-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "home").mkdir(parents=True)
    (scratch / "notebook").mkdir()
    (scratch / ".orig").mkdir()
    script = scratch / "run.py"
    script.write_text(textwrap.dedent(f"""
        import json, nbformat
        from nbclient import NotebookClient
        from autograder.nbgrader_trust.kernel import ConfinedKernelManager
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(code) for code in {PROBE!r}]
        NotebookClient(nb, timeout=120, kernel_name="python3", kernel_manager_class=ConfinedKernelManager,
                       resources={{"metadata": {{"path": "{scratch / 'notebook'}"}}}}).execute()
        print(nb.cells[-1].outputs[0]["text"])
    """), encoding="utf-8")
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(scratch)], check=True)
    try:
        done = as_nobody(scratch, [str(script)])
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        seen = json.loads(done.stdout.strip().splitlines()[-1])
        assert seen["answer_key"] is False and seen["course"] is False and seen["net"] != "connected"
        assert seen["own"] == ["written.txt"] and not (scratch / "notebook" / "written.txt").exists()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
