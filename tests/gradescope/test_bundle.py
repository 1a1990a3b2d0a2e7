"""Gradescope's autograder zip, really run: setup.sh, then run_autograder, in a scratch folder laid out like
Gradescope's /autograder; results.json validated with the JSON Schema of Gradescope's spec.

run_autograder runs as root, as on Gradescope; student code runs as an unprivileged user of its own, both
with namespaces and (emulating a Docker container without CAP_SYS_ADMIN, as Gradescope's is) without them.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator

import jsonschema
import pytest

from autograder.assignments import get_assignment
from autograder.gradescope import build_bundle, bundle_digest

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="Gradescope runs run_autograder as root")

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "autograder" / "gradescope" / "results_schema.json")
                    .read_text(encoding="utf-8"))
NO_SYS_ADMIN = ["setpriv", "--inh-caps=-sys_admin", "--bounding-set=-sys_admin"]  # as in a default Docker container

SNOOP = '''

def _snoop_answer_key():
    """Student code that looks for the answer key where the bundle keeps it."""
    root = "@@ROOT@@"
    for path in (root + "/source/key/solutions/pytorch_tensor/tensor_basics.py", root + "/source/config.json"):
        try:
            with open(path, encoding="utf-8") as handle:
                handle.read(10)
        except OSError:
            continue
        raise RuntimeError("LEAKED " + path)
'''


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[Path]:
    """/autograder after Gradescope unpacked the pytorch_tensor zip into source/ and ran setup.sh."""
    out = tmp_path_factory.mktemp("bundle")
    # Like Gradescope's /, every folder above /autograder can be crossed by any user (pytest's own
    # temporary folder cannot: 0700).
    scratch = Path(tempfile.mkdtemp(prefix="gradescope-"))
    scratch.chmod(0o755)
    try:
        yield _setup(out, scratch / "autograder", repo_root)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _setup(out: Path, root: Path, repo_root: Path) -> Path:
    zip_path = build_bundle(assignment="pytorch_tensor", out_dir=out, solutions_dir=repo_root / "solutions")
    again = build_bundle(assignment="pytorch_tensor", out_dir=out / "again", solutions_dir=repo_root / "solutions")
    assert bundle_digest(zip_path) == bundle_digest(again)  # reproducible: same inputs, same bytes
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        assert {"setup.sh", "run_autograder", "requirements.txt", "config.json"} <= names
        assert json.loads(archive.read("config.json"))["language"] == "ko+en"  # results.json: Korean first
        archive.extractall(root / "source")
        for info in archive.infolist():  # zipfile drops the modes: restore them as Gradescope's unzip does
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_TORCH_INDEX": ""}
    done = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True,
                          check=False, cwd=root / "source")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "setup.sh: done" in done.stdout
    # The answer key is root's only; the venv anyone's (student code runs Python from it).
    assert stat.S_IMODE((root / "source").stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE((root / "venv").stat().st_mode) & 0o005 == 0o005
    return root


def _submit(root: Path, files: dict[str, str]) -> None:
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    submission.mkdir()
    for name, text in files.items():
        (submission / name).write_text(text, encoding="utf-8")
    shutil.rmtree(root / "results", ignore_errors=True)


def _run(root: Path, *, prefix: list[str] = ()) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CIFAR10", "AUTOGRADER"))}
    env["AUTOGRADER_ROOT"] = str(root)
    done = subprocess.run([*prefix, str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, check=False, cwd=root)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (root / "stdout.txt").write_text(done.stdout, encoding="utf-8")  # Gradescope shows it to instructors only
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, SCHEMA)
    numbers = [test["number"] for test in results["tests"]]
    assert len(set(numbers)) == len(numbers)
    return results


def _module(repo_root: Path, folder: str) -> str:
    return (repo_root / folder / "pytorch_tensor" / "tensor_basics.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix", [[], NO_SYS_ADMIN], ids=["namespaces", "no-namespaces"])
def test_answer_key_that_snoops_gets_full_marks_and_sees_nothing(installed: Path, repo_root: Path,
                                                                 prefix: list[str]) -> None:
    text = _module(repo_root, "solutions")
    old = "    return np.zeros(shape, dtype=np.float64), np.ones(shape, dtype=np.float64)\n"
    assert old in text
    text = text.replace(old, "    _snoop_answer_key()\n" + old) + SNOOP.replace("@@ROOT@@", str(installed))
    _submit(installed, {"tensor_basics.py": text})
    results = _run(installed, prefix=prefix)
    assert results["score"] == sum(get_assignment("pytorch_tensor").points.values()) == 30, json.dumps(results, ensure_ascii=False)[:3000]
    assert all(test["status"] == "passed" for test in results["tests"])
    assert "LEAKED" not in json.dumps(results)
    if prefix:  # without namespaces it still ran as another user; that is said to the instructor, not the student
        assert "unprivileged user of its own" not in results["output"]
        assert "unprivileged user of its own" in (installed / "stdout.txt").read_text(encoding="utf-8")


def test_starter_code_gets_zero_with_a_message_per_check(installed: Path, repo_root: Path) -> None:
    _submit(installed, {"tensor_basics.py": _module(repo_root, "release")})
    results = _run(installed, prefix=NO_SYS_ADMIN)
    assert results["score"] == 0
    assert len(results["tests"]) == len(get_assignment("pytorch_tensor").points)
    for test in results["tests"]:
        assert test["status"] == "failed" and test["score"] == 0 and "TODO" in test["output"]


def test_the_bundles_language_is_what_results_json_speaks(installed: Path, repo_root: Path) -> None:
    english = installed.parent / "autograder-en"  # beside /autograder: every folder above it can be crossed
    shutil.copytree(installed / "source", english / "source", symlinks=True)
    (english / "venv").symlink_to(installed / "venv")
    config = json.loads((english / "source" / "config.json").read_text(encoding="utf-8"))
    (english / "source" / "config.json").write_text(json.dumps({**config, "language": "en"}), encoding="utf-8")
    _submit(english, {"tensor_basics.py": _module(repo_root, "release")})
    results = _run(english)
    shown = json.dumps(results, ensure_ascii=False)
    assert "TODO not done" in shown and not any("\uac00" <= c <= "\ud7a3" for c in shown)


def test_a_broken_installation_still_writes_results_json(installed: Path, tmp_path: Path) -> None:
    broken = tmp_path / "autograder"
    shutil.copytree(installed / "source", broken / "source", symlinks=True)
    (broken / "venv").symlink_to(installed / "venv")
    (broken / "source" / "config.json").write_text("{not json", encoding="utf-8")
    _submit(broken, {"tensor_basics.py": "x = 1\n"})
    env = {**os.environ, "AUTOGRADER_ROOT": str(broken)}
    done = subprocess.run([str(broken / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode != 0
    results = json.loads((broken / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, SCHEMA)
    assert results["score"] == 0 and "tell the instructor" in results["output"]


def test_bundle_refuses_a_missing_answer_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="autograder assign"):
        build_bundle(assignment="pytorch_tensor", out_dir=tmp_path, solutions_dir=tmp_path / "nothing")
    assert not list(tmp_path.glob("*.zip"))
