"""FindMarkers: check a `.py` module's marker lines and record its solution regions."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..markers import SOLUTION, find_regions
from .base import PythonModule


@dataclass(frozen=True)
class FindMarkers:
    """Records ``module.regions``; raises MarkerError for misspelled, unbalanced or nested markers.

    `.py` modules only hold ``### BEGIN/END SOLUTION`` regions; hidden tests belong in the notebook.
    """

    def __call__(self, module: PythonModule) -> PythonModule:
        regions = find_regions(
            module.lines,
            locate=module.where,
            allowed=(SOLUTION,),
            not_allowed_fix="`.py` modules only hold `### BEGIN/END SOLUTION` regions; "
            "put hidden tests in a grade cell of the notebook",
        )
        return replace(module, regions=tuple(regions))
