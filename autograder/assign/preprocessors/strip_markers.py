"""StripSolutionMarkers: the solution version of a module is the source without its marker lines."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..markers import strip_marker_lines
from .base import PythonModule


@dataclass(frozen=True)
class StripSolutionMarkers:
    """Deletes the marker lines of ``module.regions`` (FindMarkers); the solution code stays."""

    def __call__(self, module: PythonModule) -> PythonModule:
        return replace(module, lines=tuple(strip_marker_lines(module.lines, module.regions)))
