"""LocateRegions: find each solution region's enclosing function and its TODO label.

The qualified name is the path of enclosing classes and functions (``TwoLayerFC.forward``; a function
nested in ``outer`` is ``outer.inner``). The label comes from the nearest comment line above the region
that starts with ``# TODO N`` (label ``TODO N``) or ``# N)`` (label ``step N)``), looked for inside the
enclosing function and then in the comment blocks right above it and above its enclosing classes.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..errors import MarkerError
from ..markers import SOLUTION, Region
from .base import LocatedRegion, PythonModule

_TODO = re.compile(r"^\s*#\s*TODO\s*(\d+[a-z]?)\b", re.IGNORECASE)
_STEP = re.compile(r"^\s*#\s*(\d+[a-z]?)\)")

_Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def label_of(line: str) -> str | None:
    """``"TODO 3"`` for ``# TODO 3: …``, ``"step 2)"`` for ``# 2) …``, else None."""
    if match := _TODO.match(line):
        return f"TODO {match[1]}"
    if match := _STEP.match(line):
        return f"step {match[1]})"
    return None


def _scopes(tree: ast.Module) -> list[tuple[_Scope, ...]]:
    """Every def/class as the path of scopes from the module down to it."""
    found: list[tuple[_Scope, ...]] = []

    def visit(node: ast.AST, path: tuple[_Scope, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.append((*path, child))
                visit(child, (*path, child))
            else:
                visit(child, path)

    visit(tree, ())
    return found


def _first_line(node: _Scope) -> int:
    """0-based index of the node's first line (its first decorator, if any)."""
    return min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1


def _is_code(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _nearest(lines: Sequence[str], region: Region, path: tuple[_Scope, ...], *, todo_only: bool) -> str | None:
    """The nearest label above ``region`` inside its function, then in the comments above each enclosing scope."""
    def wanted(line: str) -> str | None:
        label = label_of(line)
        return label if label and (not todo_only or label.startswith("TODO")) else None

    for index in range(region.begin - 1, _first_line(path[-1]) - 1, -1):
        if label := wanted(lines[index]):
            return label
    for node in reversed(path):
        index = _first_line(node) - 1
        while index >= 0 and lines[index].lstrip().startswith("#"):
            if label := wanted(lines[index]):
                return label
            index -= 1
    return None


def find_label(lines: Sequence[str], region: Region, path: tuple[_Scope, ...]) -> str | None:
    """The label for ``region`` whose enclosing scopes are ``path`` (outermost first): ``TODO N``, or a step with
    the TODO it belongs to (``TODO N step 2)``) when one is written above it in the same function or scope."""
    label = _nearest(lines, region, path, todo_only=False)
    if label is None or label.startswith("TODO"):
        return label
    todo = _nearest(lines, region, path, todo_only=True)
    return f"{todo} {label}" if todo else label


@dataclass(frozen=True)
class LocateRegions:
    """Sets ``module.located``; every solution region must sit inside a function body."""

    def __call__(self, module: PythonModule) -> PythonModule:
        scopes = _scopes(ast.parse(module.text, filename=module.name))
        located = []
        for region in module.regions:
            if region.kind != SOLUTION:
                continue
            anchor = next((i for i in region.inner if _is_code(module.lines[i])), None)
            if anchor is None:
                raise MarkerError(
                    module.where(region.begin),
                    "this solution region holds no code",
                    "put the solution code between the marker lines, or delete the empty region",
                )
            lineno = anchor + 1
            enclosing = [
                path for path in scopes if path[-1].body[0].lineno <= lineno <= (path[-1].end_lineno or 0)
            ]
            path = max(enclosing, key=len, default=())
            if not path or isinstance(path[-1], ast.ClassDef):
                place = f"the body of class `{path[-1].name}`" if path else "module level"
                raise MarkerError(
                    module.where(region.begin),
                    f"this solution region is at {place}, not inside a function; its stub "
                    "(`raise NotImplementedError(...)`) would run when the module is imported",
                    "put the region inside the body of a function or method",
                )
            located.append(
                LocatedRegion(
                    region=region,
                    qualname=".".join(node.name for node in path),
                    label=find_label(module.lines, region, path),
                )
            )
        return replace(module, located=tuple(located))
