"""The build's own preprocessors, one per file (the ordered pipelines are in ../pipelines.py)."""
from __future__ import annotations

from .base import LocatedRegion, PythonModule, PythonPreprocessor, run_python_pipeline
from .check_notebook_markers import CheckNotebookMarkers
from .check_syntax import CheckPythonSyntax
from .fill_solutions import FillSolutions
from .find_markers import FindMarkers
from .locate_regions import LocateRegions
from .record_solutions import RecordSolutions
from .strip_markers import StripSolutionMarkers
from .stub_solutions import StubSolutions

__all__ = [
    "CheckNotebookMarkers",
    "CheckPythonSyntax",
    "FillSolutions",
    "FindMarkers",
    "LocateRegions",
    "LocatedRegion",
    "PythonModule",
    "PythonPreprocessor",
    "RecordSolutions",
    "StripSolutionMarkers",
    "StubSolutions",
    "run_python_pipeline",
]
