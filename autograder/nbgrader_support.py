"""What nbgrader_config.py plugs into nbgrader (0.9) so that the instructor's nbgrader commands are safe.

nbgrader's traps and what the course does about them (docs/instructors.md explains the workflow):

* `nbgrader generate_assignment` copies every file but the notebooks unchanged, so the source modules
  (`tensor_basics.py`, `classifier.py`: solutions between markers) would reach release/.
  `ReleaseModules`, the first of GenerateAssignment's preprocessors, writes the project's student
  version of each `.py` file over nbgrader's copy (the same bytes `autograder assign` writes), refuses to
  go on while any marker text is left in release/<assignment>/ (nbgrader then removes the half-made
  folder and fails), and refuses an answer key (solutions/) that is not a fresh build of source/.
* `nbgrader autograde` copies the source files over the student's: `STUDENT_MODULES` is for
  `Autograde.exclude_overwriting`, so the student's module stays (the data module is still replaced by
  the trusted one).
* nbgrader scores a grade cell 0 when it printed anything on stderr (PyTorch warnings, tqdm bars):
  `STDERR_PATTERN` for `IgnorePattern`, which drops stderr output before the grades are saved.
* nbgrader runs the hidden tests in the student's own kernel, so a student's cell could replace `check`,
  builtins or numpy, end the kernel, rewrite the module after it was imported, or edit or delete a grade
  cell. `TrustedGrades` (after Execute, before SaveAutoGrades) sets every grade cell's result from the
  trusted grader, run in nbgrader's own process on the submitted folder (`submitted/`, which the kernel
  never touched) with the sandbox of `autograder grade`; the checks each cell grades come from the
  instructor's source notebook, never the student's. `TolerantExecute` lets a notebook whose kernel died
  still be graded, and tells the kernel's `check` that the trusted grader follows (no grading twice).
  With `OverwriteCells.add_missing_cells`, a deleted grade cell is put back (and graded).
* one timeout for every cell: `cell_timeout` gives the grade cells whose hidden tests call the autograder
  (they run no student code themselves; they wait for the sandbox, itself time-limited)
  `GRADE_CELL_TIMEOUT` and every other cell, the visible test cells included, `CELL_TIMEOUT`.
* nbgrader's feedback lists every grade cell as "Test cell" and lets long messages run off the page:
  `FeedbackTitles` names each grade cell by the titles of the checks it grades (the TODOs; read from the
  instructor's source notebook) for the `course_feedback` template (`FEEDBACK_TEMPLATES`), and adds CSS that
  wraps long output lines.
* `nbgrader export` writes due dates and submission times as the gradebook stores them, in UTC without
  saying so: `CourseTimeZoneCsvExport` writes them in the course's time zone (`COURSE_TIME_ZONE`), with
  the offset (`2025-04-07 23:59:00+09:00`).
"""
from __future__ import annotations

import base64
import csv
import tempfile
from pathlib import Path
from typing import Any, Sequence

import os

import nbformat
from nbformat import NotebookNode
from nbgrader.plugins import CsvExportPlugin
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Unicode
from nbgrader.utils import is_grade

from autograder.assign import BuildError, build_assignment, build_file
from autograder.assign.build import diff_trees, list_files
from autograder.assign.markers import MARKER_TEXTS
from autograder.nbgrader_trust.coursedir import course_directory
from autograder.nbgrader_trust.grade_first import OUTCOMES_KEY
from autograder.nbgrader_trust.kernel import UnconfinedKernelRefused
from autograder.assignments import all_assignments
from autograder.paths import default_solutions_dir

#: What the hidden tests import (`from autograder.notebook import check`).
CHECK_MODULE = "autograder.notebook"

#: `c.Autograde.exclude_overwriting`: the files of each assignment that are the student's work.
STUDENT_MODULES: dict[str, list[str]] = {a.name: [f"{a.module}.py"] for a in all_assignments()}

#: `c.IgnorePattern.pattern`: matches every stderr output (empty ones too). Points come only from the
#: hidden checks, which fail by raising; stderr never carries a test result in this course.
STDERR_PATTERN = r"^"

#: Seconds for an ordinary cell: a full-data epoch of both models takes about 1 min on 2 CPU cores.
CELL_TIMEOUT = 600
#: Seconds for a grade cell that calls the autograder. It runs no student code itself: it waits for
#: `grade_submission`, whose sandbox stops student code by the default `Limits` (600 s per training check,
#: 1800 s per grading; the answer key's results are cached after the first student). This is longer than
#: both together, so the sandbox's limits, the same as `autograder grade`'s, decide.
GRADE_CELL_TIMEOUT = 3600


def cell_timeout(cell: NotebookNode) -> int:
    """`c.Execute.timeout_func`: the time limit of one cell. In `nbgrader autograde` a grade cell holds its
    hidden tests again (nbgrader restores them from the gradebook)."""
    if is_grade(cell) and CHECK_MODULE in cell.get("source", ""):
        return GRADE_CELL_TIMEOUT
    return CELL_TIMEOUT


class ReleaseModules(NbGraderPreprocessor):
    """GenerateAssignment: student versions of the assignment's `.py` files in release/<assignment>/.

    Runs before the notebook itself is converted (nbgrader has copied the other files by then), once per
    notebook; it changes files, not the notebook. Any problem raises, and nbgrader then deletes
    release/<assignment>/ and exits with an error.
    """

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        assignment = resources["nbgrader"]["assignment"]
        coursedir = self._coursedir()
        source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        release = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
        written = write_release_modules(source, release)
        for path in written:
            self.log.info("Wrote the student version of %s", path)
        check_answer_key(source, default_solutions_dir() / assignment)
        return nb, resources

    def _coursedir(self) -> Any:
        return course_directory(self, "ReleaseModules runs inside `nbgrader generate_assignment` only")


def write_release_modules(source: Path, release: Path) -> list[Path]:
    """Write the student version of every `.py` file of `source` that nbgrader copied into `release`;
    raise when marker text is left in any file of `release` but the notebooks."""
    written = []
    for relative in list_files(source):
        target = release / relative
        if relative.suffix != ".py" or not target.exists():  # nbgrader did not copy it (CourseDirectory.ignore)
            continue
        built = build_file(source / relative, relative=relative.as_posix())
        target.unlink()  # nbgrader may have made it read-only
        target.write_bytes(built.release)
        written.append(target)
    # Every file, hidden ones too (nbgrader copies them; the build skips them); notebooks are converted later.
    leftovers = [str(p) for p in sorted(release.rglob("*")) if p.is_file() and p.suffix != ".ipynb" and _has_markers(p)]
    if leftovers:
        raise BuildError("solution markers left in the release; nothing was released:\n  " + "\n  ".join(leftovers))
    return written


def check_answer_key(source: Path, solutions: Path) -> None:
    """Raise unless `solutions` (the answer key the hidden tests grade against) is a fresh build of `source`."""
    with tempfile.TemporaryDirectory(prefix="answer-key-") as tmp:
        fresh = Path(tmp, "solutions")
        build_assignment(source=source, release=Path(tmp, "release"), solutions=fresh)
        differ = diff_trees(fresh, solutions)
    if differ:
        raise BuildError(
            f"the answer key {solutions} is not a build of {source} (differs: {', '.join(differ)}); the hidden "
            "tests grade against it\n  fix: run `autograder assign`, then this command again"
        )


def _has_markers(path: Path) -> bool:
    data = path.read_bytes()
    return any(text.encode() in data for text in MARKER_TEXTS)


class TolerantExecute(Execute):
    """Execute, but a notebook whose kernel died or hung (`os._exit` in a cell, an endless loop) is still
    handed on to TrustedGrades, which grades the submitted module itself; and the kernel's hidden tests
    only say that the trusted grader follows (`autograder.notebook.DEFER_ENV`). Its saved outputs are as a
    person saw them: each cell's stream output in one piece, with the carriage returns of text progress bars
    applied (nbclient's `coalesce_streams`, which its own class does not let a config file set)."""

    coalesce_streams = Bool(True, help="Merge a cell's stream outputs and apply their carriage returns.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        from autograder.notebook import DEFER_ENV

        previous = os.environ.get(DEFER_ENV)
        os.environ[DEFER_ENV] = "1"  # the kernel started below inherits it
        try:
            return super().preprocess(nb, resources)
        except UnconfinedKernelRefused:
            raise  # the instructor must decide: nbgrader reports it for this notebook
        except Exception as exc:  # noqa: BLE001 - whatever the student's notebook did, its grades follow
            self.log.warning("The notebook stopped running (%s: %s); its grade cells are graded by the trusted "
                             "grader all the same.", type(exc).__name__, exc)
            return nb, resources
        finally:
            if previous is None:
                os.environ.pop(DEFER_ENV, None)
            else:
                os.environ[DEFER_ENV] = previous


class TrustedGrades(NbGraderPreprocessor):
    """Autograde: every grade cell's result is the trusted grader's, settled before the notebook ran.

    `GradeBeforeRun` (`autograder.nbgrader_trust.grade_first`, the first autograde step) graded the submitted
    folder before the kernel started, with the checks of each grade cell read from the instructor's source
    notebook; this step replaces each grade cell's outputs by that result (a summary; the points as the
    cell's value for partial credit; an error for none), which SaveAutoGrades then scores as usual.
    """

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        if OUTCOMES_KEY not in resources:
            raise RuntimeError("TrustedGrades needs GradeBeforeRun first in c.Autograde.autograde_preprocessors "
                               "(the grades are settled before the student's notebook runs)")
        outcomes = resources[OUTCOMES_KEY]
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if not is_grade(cell) or grade_id not in outcomes:
                continue
            graded = outcomes[grade_id]
            cell.outputs = _outputs(graded.verdict, graded.text, score=graded.score, pictures=graded.pictures)
        return nb, resources


def _outputs(verdict: str, text: str, *, score: float,
             pictures: Sequence[tuple[str, bytes]] = ()) -> list[NotebookNode]:
    """The outputs nbgrader's determine_grade reads: an error for none, a value for partial credit; before them
    the accuracy checks' pictures (PNG images with their captions, which the feedback shows)."""
    shown = [nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode("ascii"),
                                                          "text/plain": caption}) for caption, png in pictures]
    if verdict == "none":
        first, *rest = text.splitlines() or [""]
        return [*shown, nbformat.v4.new_output("error", ename="CheckFailed", evalue=first,
                                               traceback=[f"CheckFailed: {first}", *rest])]
    outputs = [nbformat.v4.new_output("stream", name="stdout", text=text + "\n"), *shown]
    if verdict == "partial":
        outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": repr(score)}, execution_count=None))
    return outputs


COURSE_TIME_ZONE = "Asia/Seoul"  # the course's time zone: due dates are given and exported in it


def in_time_zone(stored: str, zone: str) -> str:
    """A gradebook time as nbgrader's CSV export writes it (UTC, no offset: '2025-04-07 14:59:00') in `zone`,
    with its offset ('2025-04-07 23:59:00+09:00'); '' stays ''."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    if not stored.strip():
        return stored
    moment = datetime.fromisoformat(stored)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(zone)).isoformat(sep=" ")


class CourseTimeZoneCsvExport(CsvExportPlugin):
    """nbgrader's CSV export, with `duedate` and `timestamp` in the course's time zone instead of bare UTC."""

    timezone = Unicode(COURSE_TIME_ZONE, help="IANA time zone of the exported times").tag(config=True)

    def export(self, gradebook: Any) -> None:
        super().export(gradebook)
        destination = Path(self.to or "grades.csv")
        with open(destination, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
            fields = list(rows[0].keys()) if rows else None
        if not fields:
            return
        for row in rows:
            for column in ("duedate", "timestamp"):
                row[column] = in_time_zone(row[column], self.timezone)
        temporary = destination.with_name(destination.name + ".tmp")
        with open(temporary, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        temporary.replace(destination)


FEEDBACK_TEMPLATES = Path(__file__).resolve().parent / "nbgrader_templates"  # holds course_feedback/
FEEDBACK_CSS = """
div.output_area pre, div.output_text pre, div.output_subarea pre { white-space: pre-wrap; overflow-wrap: anywhere; }
div.output_subarea { max-width: 100%; }
"""


class FeedbackTitles(NbGraderPreprocessor):
    """generate_feedback: each grade cell gets `metadata.autograder.title`, the titles of the checks it grades
    (e.g. 'TODO 4 indexing (...)'), which the feedback's table of contents shows instead of "Test cell"; the
    page gets CSS that wraps long output lines. Run after CSSHTMLHeaderPreprocessor."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        from autograder.grade.registry import checks_for
        from autograder.notebook import grade_cells

        info = resources.get("nbgrader", {})
        coursedir = course_directory(self, "FeedbackTitles runs inside `nbgrader generate_feedback` only")
        source = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"])) / f"{info['notebook']}.ipynb"
        titles = {}
        for item in grade_cells(nbformat.read(source, as_version=4)):
            if item.assignment and item.checks:
                known = {c.name: c.title for c in checks_for(item.assignment)}
                titles[item.grade_id] = " · ".join(known.get(name, name) for name in item.checks)
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in titles:
                cell.metadata["autograder"] = {"title": titles[grade_id]}
        resources.setdefault("inlining", {}).setdefault("css", []).append(FEEDBACK_CSS)
        return nb, resources
