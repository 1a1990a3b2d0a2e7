"""nbgrader configuration of the course 인공지능 영상: this folder is the nbgrader course folder.

source/<assignment>/ holds the instructor's notebooks and modules, release/ what students get (written by
`autograder assign` and, identically, by `nbgrader generate_assignment`), solutions/ the answer key the
hidden tests grade against. nbgrader's own folders (submitted/, autograded/, feedback/, gradebook.db) are
ignored by git. The workflow, from authoring to exported grades, is in docs/instructors.md.

Run nbgrader from the project's environment (`.venv/bin/nbgrader ...`): this file and the hidden tests
import the project's `autograder` package. If anything here fails, the nbgrader command stops (nbgrader
would otherwise only log a warning and go on with its defaults, which would release the solutions).
"""
import os
from pathlib import Path

try:
    import nbgrader
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, GetGrades,
                                        IgnorePattern, LimitOutput, SaveAutoGrades)

    from autograder.assign import CODE_STUB, TEXT_STUB
    from autograder.nbgrader_support import (
        CELL_TIMEOUT,
        COURSE_TIME_ZONE,
        CourseTimeZoneCsvExport,
        FEEDBACK_TEMPLATES,
        FeedbackTitles,
        STDERR_PATTERN,
        STUDENT_MODULES,
        ReleaseModules,
        TolerantExecute,
        TrustedGrades,
        cell_timeout,
    )
    from autograder.nbgrader_trust.grade_cells import NormaliseGradeCells
    from autograder.nbgrader_trust.grade_first import GradeBeforeRun
    from autograder.nbgrader_trust.kernel import ConfinedKernelManager
    from nbgrader.converters import Autograde

    COURSE = Path(__file__).resolve().parent
    c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

    c.CourseDirectory.root = str(COURSE)
    c.CourseDirectory.course_id = "ai-vision"
    # The answer key of the hidden tests (autograder.notebook.check) when the trusted grader runs them: this
    # course folder's solutions/. Confined kernels never get it (their environment is an allow-list).
    os.environ.setdefault("AUTOGRADER_SOLUTIONS", str(COURSE / "solutions"))

    # --- generate_assignment: the same student notebooks and modules as `autograder assign` -----------
    c.ClearSolutions.code_stub = dict(CODE_STUB)
    c.ClearSolutions.text_stub = TEXT_STUB
    # nbgrader copies the `.py` modules unchanged; ReleaseModules writes their student versions over
    # the copies (and stops the command if marker text is left, or if solutions/ is out of date).
    c.GenerateAssignment.preprocessors = [
        ReleaseModules,
        *GenerateAssignment.class_traits()["preprocessors"].default(),
    ]
    # release/ is committed (built by `autograder assign`); without --force nbgrader would skip an
    # existing release folder and then never record the notebooks in the gradebook.
    c.GenerateAssignment.force = True

    # --- autograde --------------------------------------------------------------------------------
    # nbgrader copies the source files over the student's: keep the student's module (the trusted data
    # module cifar10.py is still replaced by the instructor's).
    c.Autograde.exclude_overwriting = {a: list(files) for a, files in STUDENT_MODULES.items()}
    # nbgrader scores a grade cell 0 when it wrote anything on stderr (PyTorch warnings, tqdm bars).
    # The points come from the hidden checks only, so stderr output is dropped before grades are saved.
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = STDERR_PATTERN
    # Per-cell time limits: 600 s for a cell that runs the student's code in the kernel (a full-data
    # epoch of a model takes ~30 s on 2 CPU cores), 3600 s for a grade cell that calls the autograder
    # (it waits for the sandbox, which stops student code by `autograder grade`'s limits).
    c.Execute.timeout_func = cell_timeout
    c.Execute.timeout = CELL_TIMEOUT  # used only if timeout_func is not (another nbclient)
    c.Execute.interrupt_on_timeout = True
    # The points of every grade cell come from the trusted grader, outside the student's kernel (which a
    # student's cell could patch): TrustedGrades after the notebook ran, before nbgrader saves the grades.
    # A deleted grade cell is put back first, so that it is graded too.
    c.OverwriteCells.add_missing_cells = True
    # A copy-pasted, invented or broken grade cell of the student's never fails the notebook: only the
    # instructor's nbgrader cells stay nbgrader cells, each once (then nbgrader restores them).
    c.Autograde.sanitize_preprocessors = [
        NormaliseGradeCells, *Autograde.class_traits()["sanitize_preprocessors"].default(),
    ]
    # The grades are settled first, from the submitted folder, before any student code runs (GradeBeforeRun);
    # the kernel then runs confined (another uid, namespaces, the course folder hidden, ipc sockets), so the
    # notebook cannot change its own or a classmate's files, the gradebook or the answer key.
    c.TolerantExecute.kernel_manager_class = ConfinedKernelManager
    c.Autograde.autograde_preprocessors = [
        GradeBeforeRun, TolerantExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, TrustedGrades,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
    ]
    c.TolerantExecute.timeout_func = cell_timeout
    c.TolerantExecute.timeout = CELL_TIMEOUT
    c.TolerantExecute.interrupt_on_timeout = True
    # Saved outputs as a person saw them: a cell's stream output in one piece, with the carriage returns of
    # text progress bars applied (the final state of each bar, not every redraw).
    c.TolerantExecute.coalesce_streams = True

    # --- the student's code while GradeBeforeRun grades it: autograder grade's limits (docs/isolation.md) --
    # Unset names keep their defaults; e.g. on a machine with more cores and memory:
    # c.GradeBeforeRun.limits = {"threads": 4, "memory_mib": 8192}
    # Where the student's code runs: "auto" (the GPU where one can be used), "cpu" or "cuda" (autograder grade --device).
    # c.GradeBeforeRun.device = "cpu"

    # --- times: the course's time zone (due dates are given in it; nbgrader's own export says UTC) -----
    c.Exchange.timezone = COURSE_TIME_ZONE
    c.NbGraderAPI.timezone = COURSE_TIME_ZONE
    c.ExportApp.plugin_class = CourseTimeZoneCsvExport

    # --- generate_feedback: no hidden-test code in the students' HTML --------------------------------
    # (nbgrader 0.9 shows the grade cells as autograded, hidden tests included: jupyter/nbgrader#917.)
    # The table of contents names each grade cell by its TODOs (not "Test cell"), long lines wrap.
    c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor, FeedbackTitles]
    c.HTMLExporter.template_name = "course_feedback"  # its conf.json: based on nbgrader's "feedback"
    c.HTMLExporter.template_file = "course_index.html.j2"
    c.HTMLExporter.extra_template_basedirs = [
        str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"),  # nbgrader's own
        str(FEEDBACK_TEMPLATES),
    ]
except Exception as error:  # noqa: BLE001 - stop nbgrader rather than let it run with its defaults
    raise SystemExit(
        f"nbgrader_config.py: {type(error).__name__}: {error}\n"
        "  fix: run nbgrader from the project's environment (.venv/bin/nbgrader), where the `autograder` "
        "package is installed (bash scripts/setup.sh)"
    ) from error
