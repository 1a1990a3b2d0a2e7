"""CheckPythonSyntax: the module (source, release or solution version) must compile."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import BuildError
from .base import PythonModule


@dataclass(frozen=True)
class CheckPythonSyntax:
    """Raises BuildError when ``module.text`` is not valid Python; ``stage`` names the version checked."""

    stage: str = "source"

    def __call__(self, module: PythonModule) -> PythonModule:
        try:
            compile(module.text, module.name, "exec", dont_inherit=True)
        except SyntaxError as error:
            line = (error.text or "").strip()
            where = module.name
            if error.lineno:
                where = f"{module.name}:{error.lineno}" if self.stage == "source" else (
                    f"{module.name} ({self.stage} version, line {error.lineno})"
                )
            hint = (
                "fix the Python syntax of the source file"
                if self.stage == "source"
                else "check the indentation of the `### BEGIN SOLUTION` marker lines near this "
                "line: the stub is inserted at the BEGIN marker's indentation"
            )
            raise BuildError(
                f"{where}: the {self.stage} version is not valid Python: {error.msg}"
                + (f"\n  line: {line}" if line else "")
                + f"\n  fix: {hint}"
            ) from error
        return module
