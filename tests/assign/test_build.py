"""The whole build on the mini source folder: layout, products, errors, safety, determinism."""
from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from autograder.assign import (
    CODE_STUB,
    BuildError,
    MarkerError,
    build_all,
    build_assignment,
    diff_against_build,
    find_marker_text,
    stub_message,
)
from autograder.assign.build import list_files

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def build(source: Path) -> tuple[Path, Path]:
    root = source.parent
    build_all(source_dir=source, release_dir=root / "release", solutions_dir=root / "solutions")
    return root / "release" / "mini", root / "solutions" / "mini"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_layout_and_skipped_files(mini_source: Path) -> None:
    release, solutions = build(mini_source)
    expected = ["data/loader.py", "data/table.csv", "mini.ipynb", "skeleton.py"]
    assert sorted(snapshot(release)) == expected
    assert sorted(snapshot(solutions)) == expected
    assert sorted(p.name for p in mini_source.parent.iterdir()) == ["release", "solutions", "source"]


def test_files_without_markers_copied_unchanged(mini_source: Path) -> None:
    release, solutions = build(mini_source)
    for relative in ("data/loader.py", "data/table.csv"):
        original = (mini_source / "mini" / relative).read_bytes()
        assert (release / relative).read_bytes() == original
        assert (solutions / relative).read_bytes() == original


def test_release_module_stubs(
    mini_source: Path, skeleton_stubs: list, import_file: Callable[[Path], ModuleType]
) -> None:
    release, _ = build(mini_source)
    text = (release / "skeleton.py").read_text(encoding="utf-8")
    ast.parse(text)
    lines = text.splitlines()
    raises = [line for line in lines if "raise NotImplementedError" in line]
    assert [line.strip() for line in raises] == [
        f'raise NotImplementedError("{stub_message(q, label)}")' for q, label in skeleton_stubs
    ]
    # each stub sits at the indentation of the region it replaced
    assert raises[0].startswith("    raise") and raises[1].startswith("        raise")
    assert raises[3].startswith("        raise") and raises[5].startswith("    raise")
    assert "    # TODO 1: 두 수를 만드세요 / Make the pair." in lines  # comments stay
    assert "return n, n + 1" not in text

    module = import_file(release / "skeleton.py")
    assert module.GREETING == "안녕하세요"
    with pytest.raises(NotImplementedError) as info:
        module.make_pair(3)
    assert str(info.value) == "make_pair: TODO 1 — 아직 구현하지 않았습니다 / not implemented yet"
    with pytest.raises(NotImplementedError, match=r"^train: TODO 3 step 1\) — "):
        module.train([1])
    with pytest.raises(NotImplementedError, match=r"^train: TODO 3 step 3\) — "):
        module.train([])


def test_solution_module_is_source_minus_marker_lines(
    mini_source: Path, skeleton_text: str, import_file: Callable[[Path], ModuleType]
) -> None:
    _, solutions = build(mini_source)
    expected = "".join(
        line for line in skeleton_text.splitlines(keepends=True)
        if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
    )
    assert (solutions / "skeleton.py").read_text(encoding="utf-8") == expected
    module = import_file(solutions / "skeleton.py")
    assert module.make_pair(3) == (3, 4)
    assert module.train([1, 2, 3]) == 12


def test_release_notebook(mini_source: Path) -> None:
    release, _ = build(mini_source)
    text = (release / "mini.ipynb").read_text(encoding="utf-8")
    nb_cells = cells(release / "mini.ipynb")
    for cell in nb_cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    source = {c["id"]: "".join(c["source"]) for c in nb_cells}
    assert source["cell-2"] == 'def add(a, b):\n    """Sum."""\n' + "\n".join(
        "    " + line for line in CODE_STUB["python"].split("\n")
    )
    assert source["cell-3"] == CODE_STUB["python"]
    assert source["cell-4"] == "assert add(1, 2) == 3\nprint('ok')"
    assert "return a + b" not in text and "answer = 42" not in text and "secret" not in text
    assert "commutative" not in text
    grade = next(c for c in nb_cells if c["id"] == "cell-4")["metadata"]
    assert grade["editable"] is False and grade["deletable"] is False
    assert len(grade["nbgrader"]["checksum"]) == 32
    assert "celltoolbar" not in json.loads(text)["metadata"]


def test_solution_notebook_is_a_perfect_submission(mini_source: Path) -> None:
    release, solutions = build(mini_source)
    released, solved = cells(release / "mini.ipynb"), cells(solutions / "mini.ipynb")
    text = (solutions / "mini.ipynb").read_text(encoding="utf-8")
    assert "secret" not in text and "YOUR CODE HERE" not in text
    source = {c["id"]: "".join(c["source"]) for c in solved}
    assert source["cell-2"] == 'def add(a, b):\n    """Sum."""\n    return a + b'
    assert source["cell-3"] == "answer = 42"
    assert source["cell-5"] == "Because addition is commutative."
    for ours, theirs in zip(released, solved, strict=True):
        assert ours["metadata"] == theirs["metadata"]  # same locks and checksums as the release
        if not ours["metadata"].get("nbgrader", {}).get("solution"):
            assert ours == theirs
        if ours["cell_type"] == "code":
            assert theirs["outputs"] == [] and theirs["execution_count"] is None


def test_no_marker_text_left(mini_source: Path) -> None:
    release, solutions = build(mini_source)
    for folder in (release, solutions):
        assert find_marker_text(folder) == []
        for data in snapshot(folder).values():
            assert not any(marker.encode() in data for marker in MARKERS)


def test_rebuild_is_byte_identical(mini_source: Path) -> None:
    release, solutions = build(mini_source)
    first = (snapshot(release), snapshot(solutions))
    build(mini_source)
    assert (snapshot(release), snapshot(solutions)) == first


def test_rebuild_replaces_stale_files(mini_source: Path) -> None:
    release, _ = build(mini_source)
    (release / "stale.txt").write_text("old", encoding="utf-8")
    build(mini_source)
    assert not (release / "stale.txt").exists()


def test_diff_against_build(mini_source: Path) -> None:
    release, solutions = build(mini_source)
    kwargs = dict(source_dir=mini_source, release_dir=release.parent, solutions_dir=solutions.parent)
    assert diff_against_build(**kwargs) == []
    (release / "__pycache__").mkdir()  # caches from importing the release are ignored
    (release / "__pycache__" / "skeleton.cpython-311.pyc").write_bytes(b"x")
    assert diff_against_build(**kwargs) == []
    (release / "skeleton.py").write_text("changed", encoding="utf-8")
    (solutions / "extra.txt").write_text("extra", encoding="utf-8")
    (release / "data" / "table.csv").unlink()
    assert diff_against_build(**kwargs) == [
        str(release.parent / "mini/data/table.csv"),
        str(release.parent / "mini/skeleton.py"),
        str(solutions.parent / "mini/extra.txt"),
    ]


def test_diff_when_nothing_was_built(mini_source: Path) -> None:
    root = mini_source.parent
    differ = diff_against_build(source_dir=mini_source, release_dir=root / "release", solutions_dir=root / "solutions")
    assert len(differ) == 8


def test_build_report(mini_source: Path) -> None:
    root = mini_source.parent
    report = build_all(source_dir=mini_source, release_dir=root / "release", solutions_dir=root / "solutions")
    (assignment,) = report.assignments
    by_path = {f.path: f for f in assignment.files}
    assert by_path["skeleton.py"].regions_replaced == 6
    assert by_path["skeleton.py"].stubs[0] == "make_pair: TODO 1"
    assert by_path["mini.ipynb"].regions_replaced == 1
    assert by_path["mini.ipynb"].solution_cells == 2
    assert by_path["mini.ipynb"].hidden_tests_removed == 1
    assert by_path["data/table.csv"].kind == "copied"
    assert report.regions_replaced == 7 and report.hidden_tests_removed == 1
    assert "skeleton.py" in str(report) and "Built 1 assignment" in str(report)


def test_build_assignment_one_folder(mini_source: Path, tmp_path: Path) -> None:
    report = build_assignment(
        source=mini_source / "mini", release=tmp_path / "r" / "mini", solutions=tmp_path / "s" / "mini"
    )
    assert report.name == "mini" and report.regions_replaced == 7
    assert sorted(snapshot(tmp_path / "r" / "mini")) == [
        "data/loader.py", "data/table.csv", "mini.ipynb", "skeleton.py",
    ]
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["mini"]


# ------------------------------------------------------------------------------------------------
# errors leave the old output untouched


def break_file(source: Path, relative: str, old: str, new: str) -> None:
    path = source / "mini" / relative
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        ("skeleton.py", "### BEGIN SOLUTION\n        self.value", "### BEGIN SOLUTIONS\n        self.value",
         r"skeleton.py:20: `### BEGIN SOLUTIONS` looks like a marker"),
        ("skeleton.py", "    return total\n    ### END SOLUTION\n", "    return total\n",
         r"skeleton.py:48: `### BEGIN SOLUTION` has no matching"),
        ("skeleton.py", "        doubled = 2 * v\n", "        doubled = 2 * v\n        ### BEGIN SOLUTION\n",
         r"skeleton.py:42: .*cannot nest"),
        ("skeleton.py", "def train(values: list[int]) -> int:", "def train(values: list[int]) -> int\n",
         r"skeleton.py:33: the source version is not valid Python"),
        ("mini.ipynb", "### END HIDDEN TESTS", "### END HIDDEN TEST",
         r"mini.ipynb, cell 5 \(grade_id 'test_add'\), line 4: `### END HIDDEN TEST` looks like a marker"),
    ],
)
def test_marker_errors_keep_old_output(
    mini_source: Path, relative: str, old: str, new: str, message: str
) -> None:
    release, solutions = build(mini_source)
    before = (snapshot(release), snapshot(solutions))
    break_file(mini_source, relative, old, new)
    with pytest.raises(BuildError, match=message):
        build(mini_source)
    assert (snapshot(release), snapshot(solutions)) == before
    leftovers = [p.name for p in mini_source.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # staging folders removed


def test_marker_error_is_a_build_error_with_a_fix(mini_source: Path) -> None:
    break_file(mini_source, "skeleton.py", "    return total\n    ### END SOLUTION\n", "    return total\n")
    with pytest.raises(MarkerError) as info:
        build(mini_source)
    assert "fix: add `### END SOLUTION`" in str(info.value)


def test_marker_text_that_survives_is_caught(mini_source: Path) -> None:
    # A data file is copied unchanged, so marker text in it would reach students.
    (mini_source / "mini" / "data" / "notes.txt").write_text("### BEGIN SOLUTION\nleak\n", encoding="utf-8")
    message = r"(?s)marker text left in the built release.*mini/data/notes.txt: BEGIN SOLUTION"
    with pytest.raises(BuildError, match=message):
        build(mini_source)
    assert not (mini_source.parent / "release").exists()


def test_output_inside_source_is_refused(mini_source: Path) -> None:
    with pytest.raises(BuildError, match="cannot be inside the source folder"):
        build_all(source_dir=mini_source, release_dir=mini_source / "release", solutions_dir=mini_source.parent / "s")
    with pytest.raises(BuildError, match="same folder"):
        build_all(source_dir=mini_source, release_dir=mini_source.parent / "x", solutions_dir=mini_source.parent / "x")


def test_empty_source_is_refused(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    with pytest.raises(BuildError, match="no assignment folders"):
        build_all(source_dir=tmp_path / "source", release_dir=tmp_path / "r", solutions_dir=tmp_path / "s")


def test_list_files_skips_caches_and_hidden(mini_source: Path) -> None:
    assert [p.as_posix() for p in list_files(mini_source / "mini")] == [
        "data/loader.py", "data/table.csv", "mini.ipynb", "skeleton.py",
    ]


def test_failed_swap_restores_old_output(mini_source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release, solutions = build(mini_source)
    (mini_source / "mini" / "skeleton.py").write_text("def f():\n    return 2\n", encoding="utf-8")
    before = (snapshot(release), snapshot(solutions))

    import autograder.assign.build as build_module

    real_replace = build_module.os.replace

    def flaky_replace(src: Path, dst: Path) -> None:
        if ".solutions.build-" in str(src):  # moving the new solutions/ into place fails
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(build_module.os, "replace", flaky_replace)
    with pytest.raises(BuildError, match="could not move the built folders into place: disk full"):
        build(mini_source)
    monkeypatch.undo()
    assert (snapshot(release), snapshot(solutions)) == before
    assert sorted(p.name for p in mini_source.parent.iterdir()) == ["release", "solutions", "source"]
