"""Reading, converting and writing notebooks the way nbgrader's converters do.

nbgrader reads a notebook with ``nbformat.read(..., as_version=4)``, runs the preprocessors through an
nbconvert ``NotebookExporter`` and writes the exporter's output (``nbformat.writes`` plus a final newline).
We do the same, so a release notebook is byte-identical to ``nbgrader generate_assignment``'s.
"""
from __future__ import annotations

import json
import warnings
from collections import Counter
from typing import Any

import nbformat
from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from .errors import BuildError


def read_notebook(text: str, *, name: str) -> nbformat.NotebookNode:
    """Parse a v4 notebook; refuse what would make the build non-reproducible (missing/duplicate cell ids)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BuildError(f"{name}:{error.lineno}: not valid notebook JSON: {error.msg}") from error
    if not isinstance(data, dict) or data.get("nbformat") != 4 or not isinstance(data.get("cells"), list):
        raise BuildError(f"{name}: not an nbformat 4 notebook\n  fix: open it in Jupyter and save it")
    if data.get("nbformat_minor", 0) >= 5:
        # nbformat would invent random ids for these, and the output would change from build to build.
        missing = [str(i + 1) for i, cell in enumerate(data["cells"]) if not cell.get("id")]
        if missing:
            raise BuildError(
                f"{name}: cells {', '.join(missing)} have no `id` (nbformat 4.5 needs one per cell; a random id "
                "would make every build different)\n  fix: open and save the notebook in Jupyter, or run "
                "nbformat.validator.normalize on it and write it back"
            )
        repeated = sorted(key for key, n in Counter(cell["id"] for cell in data["cells"]).items() if n > 1)
        if repeated:
            raise BuildError(f"{name}: cell ids {', '.join(repeated)} are used more than once\n  fix: make them unique")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat's deprecation chatter; the checks above matter
        return nbformat.reads(text, as_version=4)


def _exporter(pipeline: list[Preprocessor]) -> NotebookExporter:
    config = Config()
    config.Exporter.default_preprocessors = []  # as nbgrader's converters do
    exporter = NotebookExporter(config=config)
    for preprocessor in pipeline:
        exporter.register_preprocessor(preprocessor, enabled=True)
    return exporter


def convert_notebook(
    nb: nbformat.NotebookNode, pipeline: list[Preprocessor], *, name: str
) -> tuple[str, dict[str, Any]]:
    """Run ``pipeline`` on a copy of ``nb``; return the written notebook text and the resources.

    Errors of nbgrader's preprocessors become BuildErrors naming the notebook.
    """
    resources: dict[str, Any] = {"assign": {}}
    try:
        output, resources = _exporter(pipeline).from_notebook_node(nb, resources=resources)
    except BuildError:
        raise
    except Exception as error:  # nbgrader raises RuntimeError/ValueError/ValidationError
        raise BuildError(f"{name}: {type(error).__name__}: {error}") from error
    return output, resources
