"""nbgrader_config.py (the course folder's nbgrader configuration) handles nbgrader's traps.

Fast: the configuration is loaded as nbgrader loads it (traitlets' PyFileConfigLoader) and its pieces are
run on notebooks without a kernel. The real commands run in test_nbgrader_workflow.py and test_mini_course.py.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.assignments import all_assignments, assignment_names
from autograder.assign import CODE_STUB, TEXT_STUB
from autograder.nbgrader_support import (
    CELL_TIMEOUT,
    GRADE_CELL_TIMEOUT,
    STUDENT_MODULES,
    CourseTimeZoneCsvExport,
    FeedbackTitles,
    ReleaseModules,
    cell_timeout,
)
from autograder.run import Limits

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def config(monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.delenv("AUTOGRADER_SOLUTIONS", raising=False)  # the file sets it; monkeypatch undoes that
    return PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()


def _grade_cell(outputs: list[dict], *, points: int = 2) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("x = 1", id="graded")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "graded", "locked": True, "points": points,
                                 "schema_version": 3, "solution": False, "task": False}
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def test_the_course_folder_and_the_answer_key(config: Config) -> None:
    assert config.CourseDirectory.root == str(REPO)
    assert config.CourseDirectory.course_id
    assert os.environ["AUTOGRADER_SOLUTIONS"] == str(REPO / "solutions")


def test_generate_assignment_writes_the_projects_student_versions(config: Config) -> None:
    from nbgrader.converters import GenerateAssignment

    assert config.ClearSolutions.code_stub == dict(CODE_STUB)
    assert config.ClearSolutions.text_stub == TEXT_STUB
    defaults = GenerateAssignment.class_traits()["preprocessors"].default()
    assert config.GenerateAssignment.preprocessors == [ReleaseModules, *defaults]
    assert config.GenerateAssignment.force is True  # release/ is committed: never skip it (and the gradebook)


def test_autograde_keeps_the_students_modules_and_replaces_the_data_module(config: Config) -> None:
    excluded = config.Autograde.exclude_overwriting
    assert excluded == {a.name: [f"{a.module}.py"] for a in all_assignments()} == STUDENT_MODULES
    for assignment, trusted in ((a.name, a.trusted_files) for a in all_assignments() if a.trusted_files):
        assert not set(trusted) & set(excluded[assignment])  # cifar10.py comes from source/, as the grader's


def test_stderr_output_does_not_zero_a_grade_cell(config: Config) -> None:
    """nbgrader 0.9.6's determine_grade scores any stderr stream as a failure; IgnorePattern, enabled by the
    configuration, drops stderr before SaveAutoGrades reads the outputs. Errors still score 0."""
    from nbgrader.preprocessors import IgnorePattern
    from nbgrader.utils import determine_grade

    warning = ("/x/site-packages/torch/utils/data/dataloader.py:665: UserWarning: 'pin_memory' argument is set "
               "as true but no accelerator is found, then device pinned memory won't be used.\n  warnings.warn(warn_msg)\n")
    outputs = [
        {"output_type": "stream", "name": "stderr", "text": warning},
        {"output_type": "stream", "name": "stdout", "text": "자동 채점 / autograder: 2 / 2 ✔\n"},
        {"output_type": "stream", "name": "stderr", "text": "epoch 1 train:  40%|████      | 4/10 [00:01<00:01, 3.9it/s]\r"},
        {"output_type": "stream", "name": "stderr", "text": "[W NNPACK.cpp:64] Could not initialize NNPACK!\n"},
        {"output_type": "stream", "name": "stderr", "text": ""},
    ]
    assert determine_grade(_grade_cell(outputs)) == (0, 2)  # nbgrader's own rule: the trap

    nb = nbformat.v4.new_notebook(cells=[_grade_cell(outputs)])
    nb, _ = IgnorePattern(config=config).preprocess(nb, {})
    assert [o.name for o in nb.cells[0].outputs] == ["stdout"]
    assert determine_grade(nb.cells[0]) == (2, 2)

    error = {"output_type": "error", "ename": "CheckFailed", "evalue": "0 / 2", "traceback": ["CheckFailed: 0 / 2"]}
    nb = nbformat.v4.new_notebook(cells=[_grade_cell([outputs[0], error])])
    nb, _ = IgnorePattern(config=config).preprocess(nb, {})
    assert determine_grade(nb.cells[0]) == (0, 2)


def test_partial_credit_is_read_from_the_cells_value() -> None:
    """What autograder.notebook.check returns when some of a cell's checks failed: nbgrader's partial credit."""
    from nbgrader.utils import determine_grade

    value = {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": "6.0"}}
    assert determine_grade(_grade_cell([value], points=7)) == (6.0, 7)


def test_cell_time_limits(config: Config) -> None:
    from nbgrader.preprocessors import Execute

    assert config.Execute.timeout_func is cell_timeout
    execute = Execute(config=config)
    graded = _grade_cell([])  # as autograded: nbgrader has put the hidden tests back
    graded.source = ('# 채점 / graded\n### BEGIN HIDDEN TESTS\nfrom autograder.notebook import check\n'
                     'check("pytorch_tensor", "mean")\n### END HIDDEN TESTS')
    visible_tests = _grade_cell([], points=0)  # runs student code in the kernel
    visible_tests.source = "assert tb.matrix_mean(a) == 3.5"
    assert execute._get_timeout(graded) == GRADE_CELL_TIMEOUT
    assert execute._get_timeout(visible_tests) == CELL_TIMEOUT
    assert execute._get_timeout(nbformat.v4.new_code_cell("fc_result = clf.run(fc_config)")) == CELL_TIMEOUT
    assert config.Execute.timeout == CELL_TIMEOUT and execute.interrupt_on_timeout
    limits = Limits()
    # A grade cell waits for the sandbox: the answer key's training check (once, then cached) and the
    # student's whole grading. nbgrader's limit comes after the sandbox's, so the sandbox (autograder
    # grade's limits) decides.
    assert GRADE_CELL_TIMEOUT > limits.total_seconds + limits.train_seconds
    # Ordinary cells run the notebooks' own training (a full-data epoch: ~30 s on 2 cores) with room to spare.
    assert CELL_TIMEOUT >= 10 * 30


def test_feedback_leaves_out_the_hidden_tests(config: Config) -> None:
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades

    assert config.GenerateFeedback.preprocessors == [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor,
                                                     FeedbackTitles]
    assert config.HTMLExporter.template_name == "course_feedback"
    folders = [Path(d) for d in config.HTMLExporter.extra_template_basedirs]
    assert any((d / "feedback" / "index.html.j2").is_file() for d in folders)  # nbgrader's own, our base
    assert any((d / "course_feedback" / config.HTMLExporter.template_file).is_file() for d in folders)
    for assignment in assignment_names():
        nb = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        nb, _ = ClearHiddenTests().preprocess(nb, {})
        text = nbformat.writes(nb)
        assert "HIDDEN TESTS" not in text and "autograder.notebook" not in text


def test_a_broken_configuration_stops_nbgrader(monkeypatch: pytest.MonkeyPatch) -> None:
    """nbgrader only logs a warning for a config file that raises, and goes on with its defaults (which
    would release the solution modules): ours turns any error into SystemExit."""
    monkeypatch.delenv("AUTOGRADER_SOLUTIONS", raising=False)
    monkeypatch.setitem(sys.modules, "autograder.nbgrader_support", None)  # import fails
    with pytest.raises(SystemExit, match="run nbgrader from the project's environment"):
        PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()


def test_nbgrader_fails_without_the_autograder_package(tmp_path: Path) -> None:
    """The real command, with an `autograder` package that cannot be imported ahead on the path."""
    fake = tmp_path / "fake" / "autograder"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('not this environment')\n", encoding="utf-8")
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_bytes((REPO / "nbgrader_config.py").read_bytes())
    env = dict(os.environ, PYTHONPATH=str(fake.parent))
    env.pop("AUTOGRADER_SOLUTIONS", None)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "db", "assignment", "list"], cwd=course, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "run nbgrader from the project's environment" in done.stdout + done.stderr


def test_nbgrader_working_folders_are_ignored_by_git() -> None:
    ignored = {line.strip() for line in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()}
    for entry in ("/submitted/", "/autograded/", "/feedback/", "/gradebook.db", "/.nbgrader.log"):
        assert entry in ignored, entry
    tracked = subprocess.run(["git", "ls-files", "submitted", "autograded", "feedback", "gradebook.db"],
                             cwd=REPO, capture_output=True, text=True)
    assert tracked.returncode != 0 or tracked.stdout == ""


def test_exported_due_dates_and_submission_times_are_in_the_courses_time_zone(config: Config, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A due date given as 23:59 Seoul time is exported as 23:59+09:00, not as the gradebook's bare UTC 14:59."""
    from datetime import datetime

    # a new gradebook runs nbgrader's `alembic` migrations: from this environment's bin folder
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")

    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    assert config.ExportApp.plugin_class is CourseTimeZoneCsvExport
    assert config.Exchange.timezone == config.NbGraderAPI.timezone == "Asia/Seoul"
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        gradebook.add_assignment("pytorch_tensor", duedate=parse_utc("2025-04-07 23:59:00 Asia/Seoul"))
        gradebook.add_student("kim", first_name="민준", last_name="김")
        gradebook.add_student("lee")
        gradebook.add_submission("pytorch_tensor", "kim", timestamp=datetime(2025, 4, 7, 15, 30))  # UTC
        exporter = CourseTimeZoneCsvExport(to=str(tmp_path / "grades.csv"))
        exporter.export(gradebook)
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert rows["kim"]["duedate"] == rows["lee"]["duedate"] == "2025-04-07 23:59:00+09:00"
    assert rows["kim"]["timestamp"] == "2025-04-08 00:30:00+09:00" and rows["lee"]["timestamp"] == ""
    assert rows["kim"]["first_name"] == "민준"
