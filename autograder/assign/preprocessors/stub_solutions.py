"""StubSolutions: replace each solution region by one ``raise NotImplementedError(...)`` line."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..stubs import stub_line
from .base import PythonModule


@dataclass(frozen=True)
class StubSolutions:
    """The release version of a module; needs ``module.located`` (LocateRegions) on source line numbers."""

    def __call__(self, module: PythonModule) -> PythonModule:
        lines: list[str] = []
        position = 0
        for item in module.located:
            region = item.region
            lines.extend(module.lines[position : region.begin])
            begin_line = module.lines[region.begin]
            newline = begin_line[len(begin_line.rstrip("\r\n")) :] or "\n"
            lines.append(stub_line(region.indent, item.qualname, item.label, newline))
            position = region.end + 1
        lines.extend(module.lines[position:])
        return replace(module, lines=tuple(lines), regions_replaced=len(module.located))
