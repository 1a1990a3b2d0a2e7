"""The ordered preprocessor lists of the build. Each call returns fresh instances.

`.py` modules go through our own preprocessors; notebooks through nbgrader's, in the order of
``nbgrader.converters.GenerateAssignment.preprocessors`` (nbgrader 0.9), with our checks around them.
"""
from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
)

from .preprocessors import (
    CheckNotebookMarkers,
    CheckPythonSyntax,
    FillSolutions,
    FindMarkers,
    LocateRegions,
    PythonPreprocessor,
    RecordSolutions,
    StripSolutionMarkers,
    StubSolutions,
)
from .stubs import CODE_STUB, TEXT_STUB


def python_release_pipeline() -> list[PythonPreprocessor]:
    """source `.py` -> student `.py` (each solution region becomes one ``raise NotImplementedError``)."""
    return [
        # Markers first: a misspelled marker gives a clearer error than anything it breaks later.
        FindMarkers(),
        # The source must compile before LocateRegions reads it with `ast`.
        CheckPythonSyntax(stage="source"),
        # Qualified names and TODO labels, on the source's line numbers ...
        LocateRegions(),
        # ... so StubSolutions, the only step that changes lines, comes after it.
        StubSolutions(),
        # Last: the student module must still be valid Python.
        CheckPythonSyntax(stage="release"),
    ]


def python_solution_pipeline() -> list[PythonPreprocessor]:
    """source `.py` -> answer-key `.py` (marker lines deleted, solutions kept)."""
    return [
        FindMarkers(),
        CheckPythonSyntax(stage="source"),
        # Not needed for the output, but it rejects the same regions (e.g. at module level) as the
        # release pipeline does, so both products fail or succeed together.
        LocateRegions(),
        # Needs the regions of FindMarkers; changes line numbers, so after LocateRegions.
        StripSolutionMarkers(),
        CheckPythonSyntax(stage="solution"),
    ]


def _nbgrader_release_steps() -> list[Preprocessor]:
    """nbgrader's GenerateAssignment preprocessors, in nbgrader's order.

    Left out: IncludeHeaderFooter (no header/footer configured: a no-op), InstantiateTests (AUTOTEST
    cells; CheckNotebookMarkers rejects them) and SaveCells (writes the gradebook, does not change the
    notebook; needs a database).
    """
    return [
        LockCells(),
        ClearSolutions(code_stub=dict(CODE_STUB), text_stub=TEXT_STUB),
        ClearOutput(),  # outputs and execution counts
        CheckCellMetadata(),
        # In nbgrader, SaveCells records these checksums (hidden tests included) in the gradebook here.
        ComputeChecksums(),
        # nbgrader's rule: ClearHiddenTests after ComputeChecksums and SaveCells ...
        ClearHiddenTests(),
        ClearMarkScheme(),
        # ... and ComputeChecksums again after ClearHiddenTests: the release notebook carries the
        # checksums of what students get.
        ComputeChecksums(),
        CheckCellMetadata(),
    ]


def notebook_release_pipeline(*, notebook_name: str) -> list[Preprocessor]:
    """source notebook -> student notebook (what ``nbgrader generate_assignment`` writes)."""
    return [
        # First, so marker mistakes are reported with notebook, cell and line (nbgrader's errors are generic).
        CheckNotebookMarkers(notebook_name=notebook_name),
        *_nbgrader_release_steps(),
    ]


def notebook_solution_pipeline(*, notebook_name: str) -> list[Preprocessor]:
    """source notebook -> answer-key notebook: the release notebook with every solution cell answered."""
    return [
        CheckNotebookMarkers(notebook_name=notebook_name),
        # Before ClearSolutions: keep each solution cell's answer (markers and hidden tests removed) ...
        RecordSolutions(),
        *_nbgrader_release_steps(),
        # ... and put it back at the very end, after the checksums, so the notebook looks exactly like a
        # student's perfect submission of the release notebook (release checksums, locks, no hidden tests).
        FillSolutions(),
    ]
