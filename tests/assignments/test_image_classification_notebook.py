"""The source notebook source/image_classification/image_classification.ipynb: nbgrader metadata, layout, and
a full top-to-bottom run (quick mode) against the source modules beside it.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

SOURCE_DIR = Path(__file__).resolve().parents[2] / "source" / "image_classification"
NOTEBOOK = SOURCE_DIR / "image_classification.ipynb"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
TOTAL_POINTS = 45  # the autograder's total for image_classification (POINTS)


@pytest.fixture(scope="module")
def nb() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _grade_cells(nb) -> list:
    """The grade cells that score (the visible test cells are grade cells worth 0 points)."""
    return [c for c in nb.cells if _nbgrader(c).get("grade") and _nbgrader(c)["points"] > 0]


def test_notebook_is_valid_nbformat_4(nb):
    assert nb.nbformat == 4
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"


def test_nbgrader_metadata_validates(nb):
    from nbgrader.nbgraderformat import MetadataValidator

    MetadataValidator().validate_nb(nb)
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if meta:
            assert meta["schema_version"] == 3


def test_grade_ids_and_cell_ids_are_unique(nb):
    grade_ids = [_nbgrader(c)["grade_id"] for c in nb.cells if _nbgrader(c)]
    assert len(grade_ids) == len(set(grade_ids))
    cell_ids = [c.id for c in nb.cells]
    assert len(cell_ids) == len(set(cell_ids))
    assert all(re.fullmatch(r"[a-z0-9-]+", cid) for cid in cell_ids), cell_ids  # readable, not random


def test_outputs_are_empty(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id


TEST_CELLS = ["test_transform_range", "test_unnormalize_range", "test_visualize", "test_two_layer_fc",
              "test_count_parameters", "test_train", "test_evaluate", "test_run_fc", "test_three_layer_convnet",
              "test_run_conv"]
# The grade cells in notebook order: each after the test cell of its section (tests/nbgrader checks the
# points against the checks they call).
GRADE_CELLS = ["grade_transform", "grade_unnormalize", "grade_visualize", "grade_two_layer_fc",
               "grade_count_parameters", "grade_train", "grade_evaluate", "grade_run", "grade_fc_accuracy",
               "grade_three_layer_convnet", "grade_conv_accuracy"]


def test_visible_test_cells_are_locked_and_worth_0_points(nb):
    """0-point grade cells: no effect on the score, and nbgrader's Validate reports the ones that fail."""
    cells = [c for c in nb.cells if _nbgrader(c).get("grade_id", "").startswith("test_")]
    assert [_nbgrader(c)["grade_id"] for c in cells] == TEST_CELLS
    for cell in cells:
        meta = _nbgrader(cell)
        assert cell.cell_type == "code" and meta["locked"] and meta["grade"] and not meta["solution"]
        assert meta["points"] == 0 and "HIDDEN TESTS" not in cell.source, meta["grade_id"]
        assert cell.source.startswith("# 공개 테스트 / visible tests: ") and "assert" in cell.source, meta["grade_id"]
        following = nb.cells[nb.cells.index(cell) + 1]
        assert _nbgrader(following).get("points"), f"{meta['grade_id']}: a grade cell follows its test cell"


def test_grade_cells_hold_comments_and_a_hidden_check(nb):
    cells = _grade_cells(nb)
    assert [_nbgrader(c)["grade_id"] for c in cells] == GRADE_CELLS
    assert sum(_nbgrader(c)["points"] for c in cells) == TOTAL_POINTS
    for cell in cells:
        meta = _nbgrader(cell)
        assert cell.cell_type == "code" and cell.id == meta["grade_id"].replace("_", "-")
        assert meta["locked"] and not meta["solution"] and not meta["task"] and meta["points"] > 0
        lines = cell.source.splitlines()
        begin, end = lines.index("### BEGIN HIDDEN TESTS"), lines.index("### END HIDDEN TESTS")
        assert end == len(lines) - 1 and all(line.startswith("#") for line in lines[:begin]), meta["grade_id"]
        assert lines[0].startswith("# 채점 / graded: ") and f"{meta['points']}점" in lines[0], meta["grade_id"]
        assert lines[begin + 1] == "from autograder.notebook import check" and end == begin + 3, meta["grade_id"]
        assert lines[begin + 2].startswith('check("image_classification", "'), meta["grade_id"]


def test_markdown_cells_are_locked_korean_first(nb):
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        meta = _nbgrader(cell)
        assert meta.get("locked") and meta.get("grade_id") and not meta.get("grade"), cell.id
        lines = [line for line in cell.source.splitlines() if line.strip()]
        assert HANGUL.search(lines[0]), f"{cell.id}: Korean first"
        english = [line for line in lines[1:] if not HANGUL.search(line)
                   and re.search(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}", line)]
        assert english, f"{cell.id}: an English part follows"
        assert not HANGUL.search(lines[-1]), f"{cell.id}: English last"


def test_setup_and_quick_run_cells(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = code[0].source
    for line in ("%load_ext autoreload", "%autoreload 2", "import classifier as clf", "from cifar10 import",
                 "%matplotlib inline"):
        assert line in setup, line
    assert re.search(r"from cifar10 import .*\bCLASSES\b", setup)
    params = code[1].source
    assert 'QUICK = os.environ.get("COURSE_QUICK_RUN") == "1"' in params
    assert "LIMIT = 512 if QUICK else None" in params
    configs = [c.source for c in code if "clf.TrainConfig(" in c.source and not _nbgrader(c)]
    assert len(configs) == 2 and all("limit=LIMIT" in s for s in configs)
    assert 'model="fc"' in configs[0] and 'model="conv"' in configs[1] and "learning_rate=3e-3" in configs[1]


def test_sections_follow_the_seed_order(nb):
    text = "\n".join(c.source for c in nb.cells)
    anchors = ["build_transform", "clf.visualize(", "clf.TwoLayerFC(", "train()", "evaluate()", "clf.run(fc_config)",
               "clf.ThreeLayerConvNet(", "clf.run(conv_config)", "## 정리"]
    positions = [text.index(a) for a in anchors]
    assert positions == sorted(positions)


def _cache_dir(tmp_path_factory) -> str:
    """$CIFAR10_CACHE when set, else one cache folder shared by this session's workers."""
    return os.environ.get("CIFAR10_CACHE") or str(tmp_path_factory.getbasetemp().parent / "cifar10-cache")


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_in_quick_mode(tmp_path, tmp_path_factory, cifar10_root, monkeypatch):
    from nbclient import NotebookClient

    work = tmp_path / "image_classification"
    work.mkdir()
    for name in ("image_classification.ipynb", "classifier.py", "cifar10.py"):
        shutil.copy2(SOURCE_DIR / name, work / name)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("COURSE_QUICK_RUN", "1")
    monkeypatch.setenv("CIFAR10_ROOT", str(cifar10_root))
    monkeypatch.setenv("CIFAR10_CACHE", _cache_dir(tmp_path_factory))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    # The grade cells' hidden tests grade this folder; the accuracy checks (full-data training, covered by
    # tests/nbgrader) are left out, so their cells report 0 points with a CheckFailed.
    monkeypatch.setenv("AUTOGRADER_SKIP", "fc_accuracy,conv_accuracy")
    monkeypatch.delenv("AUTOGRADER_SOLUTIONS", raising=False)
    monkeypatch.chdir(work)

    nb = nbformat.read(work / "image_classification.ipynb", as_version=4)
    # coalesce_streams: the saved outputs as nbgrader's Execute saves them (nbgrader_config.py)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}},
                            allow_error_names=["CheckFailed"], coalesce_streams=True)
    client.execute()  # raises CellExecutionError on the first failing cell (but a CheckFailed)

    outputs = {cell.id: cell.outputs for cell in nb.cells if cell.cell_type == "code"}
    skipped = {"grade-fc-accuracy", "grade-conv-accuracy"}
    for cell_id, cell_outputs in outputs.items():
        errors = [o for o in cell_outputs if o.output_type == "error"]
        if cell_id in skipped:
            assert len(errors) == 1 and "AUTOGRADER_SKIP" in "\n".join(errors[0].traceback), cell_id
        else:
            assert not errors, cell_id

    def text(cell_id: str) -> str:
        return "".join(o.get("text", "") for o in outputs[cell_id] if o.output_type == "stream")

    assert "QUICK = True, LIMIT = 512" in text("params")
    assert "train 512 val 512 test 512" in text("data-demo")
    assert any("image/png" in o.get("data", {}) for o in outputs["visualize-demo"]), "visualize() showed a figure"
    assert "TwoLayerFC test accuracy" in text("run-fc") and "ThreeLayerConvNet test accuracy" in text("run-conv")
    assert "TwoLayerFC" in text("summary") and "ThreeLayerConvNet" in text("summary")
    # the training progress stays readable in the saved notebook: a text bar in its final state, no widget
    for cell_id in ("run-fc", "run-conv"):
        assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs[cell_id])
        assert "epoch 1 train: 100%|" in text(cell_id) and "\r" not in text(cell_id), text(cell_id)[:500]
    for cell in _grade_cells(nb):
        if cell.id not in skipped:
            points = _nbgrader(cell)["points"]
            assert f"자동 채점 / autograder: {points} / {points} ✔" in text(cell.id), cell.id
    assert not (work / "cifar10-cache").exists() and not any(work.glob("*.npz")), "no cache inside the folder"


TODO_OF = {"build_transform": 1, "unnormalize": 2, "visualize": 3, "TwoLayerFC": 4, "count_parameters": 5,
           "train": 6, "evaluate": 7, "run": 8, "ThreeLayerConvNet": 9}


def test_run_all_stops_only_at_the_first_unfinished_todo(nb):
    """No cell calls a TODO's function before that TODO's own visible test, so 'Run All' with TODOs 1..k done
    runs through to TODO k+1's test (TODO 4's demo once called count_parameters, TODO 5)."""
    tested: set[int] = set()
    early = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or _nbgrader(cell).get("points", 0) > 0:
            continue
        called = {TODO_OF[name] for name in re.findall(r"\bclf\.(\w+)\(", cell.source) if name in TODO_OF}
        own = re.search(r"visible tests: TODO (\d+)", cell.source)
        allowed = tested | ({int(own.group(1))} if own else set())
        # a demo cell just before its TODO's test may use that TODO (it fails where the test would)
        upcoming = next((int(m.group(1)) for later in nb.cells[index + 1:]
                         if (m := re.search(r"visible tests: TODO (\d+)", later.source))), None)
        allowed |= {upcoming} if upcoming else set()
        if called - allowed:
            early.append((index, sorted(called - allowed), cell.source[:60]))
        if own:
            tested.add(int(own.group(1)))
    assert not early, early


@pytest.mark.parametrize("notebook", [NOTEBOOK, SOURCE_DIR.parent / "pytorch_tensor" / "pytorch_tensor.ipynb"])
def test_every_visible_test_cell_prints_a_pass_line(notebook):
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"
             and _nbgrader(c).get("grade") and _nbgrader(c).get("points", 0) == 0]
    assert len(cells) >= 10
    silent = [c.source[:60] for c in cells if "공개 테스트 통과 / visible tests passed" not in c.source.splitlines()[-1]]
    assert not silent, silent


def test_run_tests_name_their_todo_when_run_did_not_finish(nb):
    """nbgrader validate with run() (TODO 8) unfinished: the run cells raise NotImplementedError, and the test cells
    below them name the TODO (TODO 8 for TwoLayerFC's run, TODO 9 for the CNN's; not `NameError: fc_result`)."""
    for variable, todo, says in (("fc_result", "TODO 8", "TODO 8 run: 위 셀의"), ("conv_result", "TODO 9", "TODO 9: 위 셀의")):
        (cell,) = [c for c in nb.cells if c.cell_type == "code" and f"visible tests: {todo}" in c.source
                   and variable in c.source]
        namespace: dict = {}
        with pytest.raises(AssertionError, match=says) as info:
            exec(compile(cell.source, "<test cell>", "exec"), namespace)  # noqa: S102 - our own notebook's cell
        assert f"{variable} = clf.run(" in str(info.value)
