"""The nbgrader source notebook source/pytorch_tensor/pytorch_tensor.ipynb is well formed and runs.

Checks: nbformat + nbgrader (schema version 3) metadata, unique grade ids, points, bilingual narrative,
a visible test cell (0 points) then a grade cell for every TODO (the grade cell's hidden tests call the
autograder's check; tests/nbgrader checks the points against the checks), the notebook's own solution cell, that the
visible tests catch typical mistakes, and a top-to-bottom run with nbclient in a temporary copy of the folder.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

ASSIGNMENT_DIR = Path(__file__).resolve().parents[2] / "source" / "pytorch_tensor"
NOTEBOOK = ASSIGNMENT_DIR / "pytorch_tensor.ipynb"
MODULE = ASSIGNMENT_DIR / "tensor_basics.py"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
TOTAL_POINTS = 30  # the autograder's total for pytorch_tensor (POINTS); the loss-curve cell is worth 0
NOTEBOOK_ONLY = "test_loss_curve"  # the grade cell of the notebook's own task: its own asserts, 0 points


def _load_module(name: str = "tensor_basics_for_notebook_tests"):
    spec = importlib.util.spec_from_file_location(name, MODULE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NOTEBOOK, as_version=4)


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _grade_cells(nb):
    return [c for c in nb.cells if _meta(c).get("grade")]


def _test_cells(nb):
    """The visible test cells: locked grade cells worth 0 points (nbgrader's Validate reports them), named test_*."""
    return [c for c in nb.cells if c.cell_type == "code" and c.id.startswith("test_") and c.id != NOTEBOOK_ONLY]


def _todo_functions() -> list[str]:
    return [name for name in _load_module().__all__ if name != "GDResult"]


# --------------------------------------------------------------------------------------------------
# Format and metadata
# --------------------------------------------------------------------------------------------------


def test_notebook_validates_against_nbformat_and_nbgrader(nb):
    from nbgrader.nbgraderformat import MetadataValidator, SCHEMA_VERSION

    assert nb.nbformat == 4
    nbformat.validate(nb)
    assert SCHEMA_VERSION == 3
    MetadataValidator().validate_nb(nb)  # raises on a schema or consistency error
    assert nb.metadata.kernelspec.name == "python3"


def test_every_cell_is_locked_or_a_solution_with_a_unique_grade_id(nb):
    ids = []
    for cell in nb.cells:
        meta = _meta(cell)
        assert meta, f"cell without nbgrader metadata: {cell.source[:60]!r}"
        assert meta["schema_version"] == 3
        assert set(meta) >= {"grade", "grade_id", "locked", "solution", "schema_version", "task"}
        assert meta["locked"] or meta["solution"], meta["grade_id"]
        assert re.fullmatch(r"[A-Za-z0-9_\-]+", meta["grade_id"]), meta["grade_id"]
        assert cell.id == meta["grade_id"], "cell ids are deterministic: the grade_id"
        ids.append(meta["grade_id"])
        if not meta["grade"]:
            assert "points" not in meta, meta["grade_id"]
        if cell.cell_type == "markdown":
            assert meta == {"grade": False, "grade_id": meta["grade_id"], "locked": True,
                            "schema_version": 3, "solution": False, "task": False}
    assert len(ids) == len(set(ids)), f"duplicate grade ids: {sorted(i for i in ids if ids.count(i) > 1)}"


def test_outputs_are_empty(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id


def test_every_test_cell_is_followed_by_its_grade_cell(nb):
    """Visible tests in a locked test cell worth 0 points; right after it, the grade cell: comments for
    students, then hidden tests that only call the autograder's check (so the points are the checks' points)."""
    tests = _test_cells(nb)
    assert len(tests) == 17
    total = 0
    for cell in tests:
        meta = _meta(cell)
        assert meta["locked"] and meta["grade"] and meta["points"] == 0 and not meta["solution"], cell.id
        assert BEGIN_HIDDEN not in cell.source, f"{cell.id}: hidden tests belong in the grade cell"
        assert "got" in cell.source and "expected" in cell.source, \
            f"{cell.id}: visible asserts should say what they got and what was expected"
        assert cell.source.count("assert") >= 1 and HANGUL.search(cell.source), cell.id
        grade = nb.cells[nb.cells.index(cell) + 1]
        gmeta = _meta(grade)
        assert gmeta["grade"] and gmeta["locked"] and not gmeta["solution"] and gmeta["points"] >= 1, grade.id
        total += gmeta["points"]
        lines = grade.source.splitlines()
        begin, end = lines.index(BEGIN_HIDDEN), lines.index(END_HIDDEN)
        assert end == len(lines) - 1 and all(line.startswith("#") for line in lines[:begin]), grade.id
        assert lines[0].startswith("# 채점 / graded: TODO ") and f"{gmeta['points']}점" in lines[0], grade.id
        assert lines[begin + 1 : end] == ["from autograder.notebook import check",
                                          f'check("pytorch_tensor", "{grade.id.removeprefix("grade_")}")'], grade.id
    assert total == TOTAL_POINTS
    scored = [c for c in _grade_cells(nb) if _meta(c)["points"] > 0]
    assert len(scored) == 17 and all(c.id.startswith("grade_") for c in scored)
    assert _grade_cells(nb)[-1].id == NOTEBOOK_ONLY and _meta(_grade_cells(nb)[-1])["points"] == 0


def test_every_todo_function_is_demonstrated_and_tested_in_order(nb):
    grade_sources = [c.source for c in _test_cells(nb)]
    demo_sources = [c.source for c in nb.cells if c.cell_type == "code" and c.id.startswith("demo_")]
    first_graded = []
    for name in _todo_functions():
        pattern = re.compile(rf"\btb\.{name}\(")
        graded_in = [i for i, src in enumerate(grade_sources) if pattern.search(src.split(BEGIN_HIDDEN)[0])]
        assert graded_in, f"{name} has no visible test"
        assert any(pattern.search(src) for src in demo_sources), f"{name} has no demo"
        first_graded.append(graded_in[0])
    assert first_graded == sorted(first_graded), "sections follow the TODO order"


def test_the_notebook_has_its_own_solution_cell(nb):
    solution_cells = [c for c in nb.cells if _meta(c).get("solution")]
    assert solution_cells, "at least one cell for students to write in the notebook"
    for cell in solution_cells:
        meta = _meta(cell)
        assert cell.cell_type == "code" and not meta["grade"] and not meta["locked"]
        lines = [line.strip() for line in cell.source.splitlines()]
        assert lines.count(BEGIN_SOLUTION) == 1 and lines.count(END_SOLUTION) == 1
        assert lines.index(BEGIN_SOLUTION) < lines.index(END_SOLUTION)
    # the cell right after the solution cell grades it
    index = nb.cells.index(solution_cells[-1])
    assert _meta(nb.cells[index + 1]).get("grade")


def test_nbgrader_makes_a_student_version(nb):
    """nbgrader's own preprocessors accept the notebook: no marker text is left where it should not be."""
    import copy

    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, LockCells

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert "BEGIN SOLUTION" not in cell.source and "BEGIN HIDDEN TESTS" not in cell.source, cell.id
    student, resources = copy.deepcopy(nb), {}
    for preprocessor in (ClearSolutions(), ClearHiddenTests(), LockCells()):
        student, resources = preprocessor.preprocess(student, resources)
    text = nbformat.writes(student)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    cells = {c.id: c for c in student.cells}
    assert "raise NotImplementedError()" in cells["plot_loss_curve"].source
    assert "tb.gradient_descent" not in cells["plot_loss_curve"].source
    for cell in _grade_cells(nb):
        visible = cell.source.split(BEGIN_HIDDEN)[0].rstrip("\n")
        assert cells[cell.id].source.startswith(visible), cell.id
        assert cells[cell.id].metadata.editable is False


def test_first_code_cell_sets_up_autoreload_and_imports(nb):
    first = next(c for c in nb.cells if c.cell_type == "code")
    lines = first.source.splitlines()
    assert lines[:2] == ["%load_ext autoreload", "%autoreload 2"]
    for needed in ("import tensor_basics as tb", "import numpy as np", "import torch", "torch.manual_seed("):
        assert needed in first.source, needed


def test_markdown_cells_are_korean_then_english(nb):
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert len(markdown) >= 20
    for cell in markdown:
        assert HANGUL.search(cell.source), f"{cell.id}: no Korean"
        words = re.findall(r"\b(?:the|and|is|are|of|to|with|a)\b", cell.source)
        assert len(words) >= 3, f"{cell.id}: no English prose"
        for line in cell.source.splitlines():
            if line.startswith("#"):
                korean, sep, english = line.partition(" / ")
                assert sep and HANGUL.search(korean) and not HANGUL.search(english), f"{cell.id}: {line!r}"
                assert re.search(r"[A-Za-z]{3}", english), f"{cell.id}: {line!r}"


def test_narrative_follows_the_course_notes(nb):
    sections = [c for c in nb.cells if c.cell_type == "markdown" and c.id not in ("intro", "summary")]
    text = "\n".join(c.source for c in sections)
    topics = ["0과 1", "랜덤 수", "랜덤 정수", "인덱싱", "합, 차, 곱, 상수곱", "평균", "전치", "리스트", "넘파이",
              "CUDA 또는 CPU", "`unsqueeze`", "`view`", "`cat`", "경사하강법", "자동 미분: `requires_grad`", "손실 곡선"]
    positions = [text.find(topic) for topic in topics]
    assert all(p >= 0 for p in positions), [t for t, p in zip(topics, positions) if p < 0]
    assert positions == sorted(positions)
    for concept in ("contiguous", "메모리", "shared", "torch.no_grad()", "zero", "backward()", ".grad"):
        assert concept in text, concept


# --------------------------------------------------------------------------------------------------
# The tests in the grade cells (run in this process, without the kernel)
# --------------------------------------------------------------------------------------------------


def _run_grade_cell(nb, grade_id: str, module) -> None:
    cell = next(c for c in nb.cells if c.id == grade_id)
    namespace = {"np": np, "torch": torch, "tb": module}
    exec(compile(cell.source, f"<{grade_id}>", "exec"), namespace)


def test_test_cells_pass_with_the_solution(nb, capsys):
    module = _load_module()
    for cell in _test_cells(nb):
        _run_grade_cell(nb, cell.id, module)
    assert capsys.readouterr().out.count("visible tests passed") == len(_test_cells(nb))


def test_test_cells_fail_on_the_unsolved_skeleton(nb):
    """With every solution region replaced by `raise NotImplementedError` no test cell passes."""
    import types

    lines, out, inside = MODULE.read_text(encoding="utf-8").splitlines(), [], False
    for line in lines:
        if line.strip() == BEGIN_SOLUTION:
            inside = True
            out.append(line.replace(BEGIN_SOLUTION, 'raise NotImplementedError("skeleton")'))
        elif line.strip() == END_SOLUTION:
            inside = False
        elif not inside:
            out.append(line)
    skeleton = types.ModuleType("tensor_basics_skeleton")
    sys.modules[skeleton.__name__] = skeleton
    exec(compile("\n".join(out), "tensor_basics_skeleton.py", "exec"), skeleton.__dict__)
    for cell in [*_test_cells(nb), next(c for c in nb.cells if c.id == NOTEBOOK_ONLY)]:
        with pytest.raises((NotImplementedError, AssertionError, NameError)):
            exec(compile(cell.source, f"<{cell.id}>", "exec"), {"np": np, "torch": torch, "tb": skeleton})


def _broken_gradient_descent(x, y, *, lr=0.1, steps=100):
    tb = sys.modules["tensor_basics_for_notebook_tests"]
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for _ in range(steps):
        loss = tb.linear_mse_loss(w, b, x, y)
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad  # forgets to reset the gradients
    return tb.GDResult(w.item(), b.item(), losses)


def _mutating_autograd(w, x, y):
    w.requires_grad_(True)  # uses the caller's w
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    return loss.detach(), w.grad


BROKEN = {
    "test_zeros_ones": ("make_zeros_and_ones", lambda shape: (np.zeros(shape, dtype=np.float32), np.ones(shape))),
    "test_random_matrix": ("make_random_matrix", lambda shape, *, seed: np.random.random(shape)),
    "test_random_int_matrix": ("make_random_int_matrix",
                               lambda shape, *, low, high, seed: np.random.default_rng(seed).integers(low, high + 1, size=shape)),
    "test_indexing": ("select_greater_than", lambda m, threshold: m[m >= threshold]),
    "test_arithmetic": ("matrix_product", lambda a, b: a * b),
    "test_mean": ("matrix_mean", lambda a, axis=None: np.mean(a, axis=0 if axis is None else 1 - axis)),
    "test_transpose": ("matrix_transpose", lambda a: a.reshape(a.shape[::-1])),
    "test_lists": ("list_to_tensor", lambda values: torch.tensor(values, dtype=torch.float32)),
    "test_numpy": ("numpy_to_tensor", lambda a: torch.tensor(a)),
    "test_get_device": ("get_device", lambda *, prefer_cuda=True: "cpu"),
    "test_to_device": ("to_device", lambda t, device: t.numpy()),
    "test_squeeze": ("add_dimension", lambda t, dim: t.unsqueeze(0)),
    "test_view_reshape": ("view_as_rows", lambda t, rows: t.reshape(rows, -1)),
    "test_cat_stack": ("stack", lambda tensors, dim=0: torch.cat(list(tensors), dim=dim)),
    "test_autograd": ("autograd_gradient", _mutating_autograd),
    "test_linear_mse": ("linear_mse_gradients", lambda w, b, x, y: (((w * x + b - y) * x).mean(), (w * x + b - y).mean())),
    "test_gradient_descent": ("gradient_descent", _broken_gradient_descent),
}


@pytest.mark.parametrize("grade_id", sorted(BROKEN))
def test_visible_tests_catch_a_typical_mistake(nb, grade_id):
    module = _load_module()
    name, broken = BROKEN[grade_id][:2]
    setattr(module, name, broken)
    cell = next(c for c in nb.cells if c.id == grade_id)
    visible = cell.source.split(BEGIN_HIDDEN)[0]
    with pytest.raises(AssertionError):
        exec(compile(visible, f"<{grade_id}>", "exec"), {"np": np, "torch": torch, "tb": module})


def test_hidden_tests_catch_what_the_visible_ones_miss(nb, tmp_path, monkeypatch):
    """get_device that ignores CUDA passes the visible tests on a CPU-only machine, not the grade cell."""
    module = _load_module()
    module.get_device = lambda *, prefer_cuda=True: torch.device("cpu")  # ignores CUDA
    cell = next(c for c in nb.cells if c.id == "test_get_device")
    if not torch.cuda.is_available():
        exec(compile(cell.source, "<test_get_device>", "exec"), {"np": np, "torch": torch, "tb": module})

    from autograder.notebook import CheckFailed, clear_cache

    folder = tmp_path / "pytorch_tensor"
    shutil.copytree(ASSIGNMENT_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    text = (folder / "tensor_basics.py").read_text(encoding="utf-8")
    old = '    if prefer_cuda and torch.cuda.is_available():\n        return torch.device("cuda")\n'
    assert text.count(old) == 1
    (folder / "tensor_basics.py").write_text(text.replace(old, ""), encoding="utf-8")
    grade = next(c for c in nb.cells if c.id == "grade_get_device")
    monkeypatch.chdir(folder)
    clear_cache()
    with pytest.raises(CheckFailed, match="Choose 'cuda' when prefer_cuda"):
        exec(compile(grade.source, "<grade_get_device>", "exec"), {})


# --------------------------------------------------------------------------------------------------
# Top-to-bottom run
# --------------------------------------------------------------------------------------------------


def _check_kernel() -> None:
    """The 'python3' Jupyter kernel must run this environment's Python (with torch and the project)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    fix = (f"install this environment's kernel with `{sys.executable} -m ipykernel install --sys-prefix` "
           "and check `jupyter kernelspec list` (a 'python3' kernel in ~/.local/share/jupyter takes precedence)")
    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.fail(f"no Jupyter kernel named 'python3': {fix}")
    exe = spec.argv[0]
    major, minor = sys.version_info[:2]
    if exe in {"python", f"python{major}", f"python{major}.{minor}"}:
        exe = sys.executable  # jupyter_client starts such kernels with the running interpreter
    try:
        proc = subprocess.run([exe, "-c", "import sys, ipykernel; print(sys.prefix)"],
                              capture_output=True, text=True, timeout=120)
    except OSError as error:
        pytest.fail(f"the 'python3' kernel ({spec.resource_dir}) runs {exe!r}, which fails to start ({error}): {fix}")
    prefix = proc.stdout.strip()
    if proc.returncode != 0 or Path(prefix).resolve() != Path(sys.prefix).resolve():
        pytest.fail(f"the 'python3' kernel ({spec.resource_dir}) runs {exe!r} (prefix {prefix or proc.stderr.strip()!r}), "
                    f"not this environment ({sys.prefix}): {fix}")


def test_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    _check_kernel()
    workdir = tmp_path / "pytorch_tensor"
    shutil.copytree(ASSIGNMENT_DIR, workdir, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("AUTOGRADER_SKIP", raising=False)  # the grade cells grade every check
    nb = nbformat.read(workdir / NOTEBOOK.name, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"the notebook failed:\n{error}")

    def stdout(cell):
        return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")

    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.id
    for cell in [*_test_cells(nb), next(c for c in nb.cells if c.id == NOTEBOOK_ONLY)]:
        assert "visible tests passed" in stdout(cell), cell.id
    for cell in _grade_cells(nb):  # the hidden tests: the autograder's checks on the folder's module
        if cell.id.startswith("grade_"):
            points = _meta(cell)["points"]
            assert f"자동 채점 / autograder: {points} / {points} ✔" in stdout(cell), cell.id
    assert "cpu" in stdout(next(c for c in nb.cells if c.id == "demo_device"))
    assert "view -> RuntimeError" in stdout(next(c for c in nb.cells if c.id == "demo_view"))
