"""`GradeBeforeRun`: the student's grades are settled before any of the student's code runs.

The first autograde step (before the notebook's kernel starts) grades the folder the student handed in,
`submitted/<student>/<assignment>/`, with the trusted grader: the intake copies it into the grader's own
scratch folder and `autograder grade`'s sandbox runs the checks. The checks of each grade cell come from
the instructor's source notebook. The outcomes stay in this process's memory (nbgrader's `resources`),
where the notebook's kernel cannot reach them; `TrustedGrades` writes them into the grade cells after
the notebook ran. So nothing the notebook does (rewriting its module, the submitted folder, the hidden
tests or `check`) changes its grades.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Enum

from autograder.grade.isolation import ALLOW_UNCONFINED_ENV, opted_in, refuse_unconfined_class, same_user_reason
from autograder.nbgrader_trust.coursedir import assignment_folder
from autograder.gpu.device import DEVICE_CHOICES
from autograder.run.limits import Limits

#: Where GradeBeforeRun leaves each grade cell's outcome for TrustedGrades (resources[OUTCOMES_KEY][grade_id]).
OUTCOMES_KEY = "autograder_outcomes"


@dataclass(frozen=True)
class CellGrade:
    """A grade cell's trusted result: 'full' | 'partial' | 'none', the text shown, the points, pictures."""

    verdict: str
    text: str
    score: float
    pictures: tuple[tuple[str, bytes], ...] = ()


def grade_cell_outcomes(*, source_notebook: Any, submitted: Any, limits: Limits = Limits(),
                        device: str = "auto") -> dict[str, CellGrade]:
    """The trusted result of every grade cell of the source notebook that calls checks, on `submitted` (its code
    under `limits`, on `device`)."""
    from autograder.feedback.html import picture_pngs
    from autograder.notebook import CheckFailed, grade_cells, grade_checks, notebook_language, verdict_text

    found = {}
    for item in grade_cells(nbformat.read(source_notebook, as_version=4)):
        if not item.checks:
            continue
        try:
            outcome = grade_checks(item.assignment, item.checks, folder=submitted, limits=limits, device=device)
            language = notebook_language()
            verdict, text = verdict_text(outcome, language=language)
            pictures = tuple(drawn for row in outcome.results if row.pictures
                             for drawn in picture_pngs(row.pictures, language=language))
            found[item.grade_id] = CellGrade(verdict, text, outcome.score, pictures)
        except CheckFailed as exc:
            found[item.grade_id] = CellGrade("none", exc.message, 0.0)
    return found


class GradeBeforeRun(NbGraderPreprocessor):
    """Autograde, first step: grade the submitted folder before the kernel runs (see the module's docstring)."""

    limits = Dict(help="Limits of the student's code while it is graded, over autograder grade's defaults, by the "
                       "names of autograder.run.Limits (e.g. {'threads': 1, 'memory_mib': 8192}; docs/isolation.md)"
                  ).tag(config=True)
    device = Enum(DEVICE_CHOICES, default_value="auto",
                  help="Where the student's code runs: 'auto' (the GPU where one can be used), 'cpu' or 'cuda' "
                       "(autograder grade --device; docs/isolation.md)").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        if not opted_in():
            reason = same_user_reason(confine=None)
            if reason is not None:
                raise refuse_unconfined_class(reason, how_to_allow=f"{ALLOW_UNCONFINED_ENV}=1 in nbgrader's environment")
        limits = Limits.from_mapping(self.limits, where="c.GradeBeforeRun.limits in nbgrader_config.py")
        outside = "GradeBeforeRun runs inside `nbgrader autograde` only"
        source = assignment_folder(self, resources, which="source", outside=outside)
        submitted = assignment_folder(self, resources, which="submitted", outside=outside)
        notebook = resources["nbgrader"]["notebook"]
        resources[OUTCOMES_KEY] = grade_cell_outcomes(source_notebook=source / f"{notebook}.ipynb",
                                                      submitted=submitted, limits=limits, device=self.device)
        return nb, resources
