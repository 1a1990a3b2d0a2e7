"""autograder.nbgrader_support: the `.py` modules `nbgrader generate_assignment` releases, and the answer-key
guard. Without a kernel or nbgrader command (test_mini_course.py runs the real command)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.assignments import get_assignment
from autograder.assign import BuildError, build_all, build_file
from autograder.nbgrader_support import check_answer_key, write_release_modules

REPO = Path(__file__).resolve().parents[2]


def _nbgrader_copy(source: Path, release: Path) -> None:
    """What nbgrader's generate_assignment does with the files that are not notebooks: copy them unchanged."""
    shutil.copytree(source, release, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))


@pytest.mark.parametrize("assignment", ["pytorch_tensor", "image_classification"])
def test_the_student_versions_replace_nbgraders_copies(tmp_path: Path, assignment: str) -> None:
    source, release = REPO / "source" / assignment, tmp_path / "release" / assignment
    _nbgrader_copy(source, release)
    module = release / f"{get_assignment(assignment).module}.py"
    assert "### BEGIN SOLUTION" in module.read_text(encoding="utf-8")  # the trap: solutions in release/
    written = write_release_modules(source, release)
    assert sorted(p.name for p in written) == sorted(p.name for p in source.glob("*.py"))
    for path in written:
        assert path.read_bytes() == build_file(source / path.name, relative=path.name).release
        assert path.read_bytes() == (REPO / "release" / assignment / path.name).read_bytes()
        assert b"BEGIN SOLUTION" not in path.read_bytes()


def test_marker_text_left_anywhere_stops_the_release(tmp_path: Path) -> None:
    source = tmp_path / "source" / "hw"
    source.mkdir(parents=True)
    (source / "hw.py").write_text("def f():\n    # TODO 1\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n",
                                  encoding="utf-8")
    # a hidden file: nbgrader copies it, the build skips it
    (source / ".notes.py").write_text("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\n", encoding="utf-8")
    release = tmp_path / "release" / "hw"
    _nbgrader_copy(source, release)
    with pytest.raises(BuildError, match=r"(?s)solution markers left in the release.*\.notes\.py"):
        write_release_modules(source, release)
    (source / ".notes.py").unlink()
    (release / ".notes.py").unlink()
    (release / "answers.txt").write_text("### BEGIN HIDDEN TESTS\n", encoding="utf-8")
    with pytest.raises(BuildError, match="answers.txt"):
        write_release_modules(source, release)
    (release / "answers.txt").unlink()
    write_release_modules(source, release)
    assert "raise NotImplementedError" in (release / "hw.py").read_text(encoding="utf-8")


def test_a_stale_answer_key_stops_the_release(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(REPO / "source" / "pytorch_tensor", source / "pytorch_tensor")
    build_all(source_dir=source, release_dir=tmp_path / "release", solutions_dir=tmp_path / "solutions")
    check_answer_key(source / "pytorch_tensor", tmp_path / "solutions" / "pytorch_tensor")  # fresh: fine
    module = source / "pytorch_tensor" / "tensor_basics.py"
    module.write_text(module.read_text(encoding="utf-8").replace("return a @ b", "return np.matmul(a, b)"),
                      encoding="utf-8")
    with pytest.raises(BuildError, match=r"(?s)not a build of .*tensor_basics.py.*run `autograder assign`"):
        check_answer_key(source / "pytorch_tensor", tmp_path / "solutions" / "pytorch_tensor")
