"""The unit that flows through the `.py` pipelines, and the preprocessor protocol.

As in nbgrader, a pipeline is an ordered list of small preprocessors. A `.py` preprocessor takes a
:class:`PythonModule` and returns a new one (modules are immutable), or raises a BuildError.
Notebook preprocessors are nbconvert/nbgrader ``Preprocessor`` objects instead (see ../notebooks.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..markers import Region


@dataclass(frozen=True)
class LocatedRegion:
    """A solution region with the enclosing function and the TODO label its stub names."""

    region: Region
    qualname: str  # "train", "TwoLayerFC.forward"
    label: str | None  # "TODO 3", "step 2)" or None


@dataclass(frozen=True)
class PythonModule:
    """A `.py` file on its way through a pipeline."""

    name: str  # how error messages name the file, e.g. "source/pytorch_tensor/tensor_basics.py"
    lines: tuple[str, ...]  # the text, line endings kept
    regions: tuple[Region, ...] = ()  # set by FindMarkers; indices refer to the source lines
    located: tuple[LocatedRegion, ...] = ()  # set by LocateRegions, solution regions only
    regions_replaced: int = 0  # set by StubSolutions

    @classmethod
    def from_text(cls, text: str, *, name: str) -> PythonModule:
        """A module from its source text, split after each '\\n' only (as Python counts lines)."""
        *lines, last = text.split("\n")
        return cls(name=name, lines=(*(line + "\n" for line in lines), *([last] if last else [])))

    @property
    def text(self) -> str:
        """The current text."""
        return "".join(self.lines)

    def where(self, index: int) -> str:
        """``"name:line"`` for the 0-based line ``index`` of the source."""
        return f"{self.name}:{index + 1}"


class PythonPreprocessor(Protocol):
    """One step of a `.py` pipeline."""

    def __call__(self, module: PythonModule) -> PythonModule: ...


def run_python_pipeline(module: PythonModule, pipeline: list[PythonPreprocessor]) -> PythonModule:
    """Apply the preprocessors in order."""
    for preprocessor in pipeline:
        module = preprocessor(module)
    return module
