"""Fixtures for the build's tests: a mini source folder with a skeleton module and an nbgrader notebook."""
from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

SKELETON = '''\
"""A mini skeleton module: 미니 과제."""
from __future__ import annotations

GREETING = "안녕하세요"


def make_pair(n: int) -> tuple[int, int]:
    """Return (n, n + 1)."""
    # TODO 1: 두 수를 만드세요 / Make the pair.
    ### BEGIN SOLUTION
    return n, n + 1
    ### END SOLUTION


class Counter:
    """A counter."""

    def __init__(self, start: int) -> None:
        # TODO 2: 시작 값 저장 / Store the start value.
        ### BEGIN SOLUTION
        self.value = start
        ### END SOLUTION

    def step(self) -> int:
        """One step up."""
        # no numbered comment in this method
        ### BEGIN SOLUTION
        self.value += 1
        return self.value
        ### END SOLUTION


def train(values: list[int]) -> int:
    """Three numbered steps."""
    # TODO 3: 세 단계 / The three steps.
    total = 0
    for v in values:
        # 1) 값을 두 배로 / Double the value.
        #    (a second comment line)
        ### BEGIN SOLUTION
        doubled = 2 * v
        ### END SOLUTION
        # 2) 더하기 / Add it up.
        ### BEGIN SOLUTION
        total += doubled
        ### END SOLUTION
    # 3) 결과 / Return the result.
    ### BEGIN SOLUTION
    return total
    ### END SOLUTION
'''

#: (qualname, label) of each region of SKELETON, in order.
SKELETON_STUBS = [
    ("make_pair", "TODO 1"),
    ("Counter.__init__", "TODO 2"),
    ("Counter.step", None),
    ("train", "TODO 3 step 1)"),
    ("train", "TODO 3 step 2)"),
    ("train", "TODO 3 step 3)"),
]

DATA_MODULE = '''\
"""A data module without regions; copied unchanged."""
CLASSES = ("cat", "dog")


def load() -> list[int]:
    return [1, 2, 3]
'''


def _nbgrader(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def make_notebook() -> nbformat.NotebookNode:
    """An nbgrader source notebook: markdown, locked setup, solution cells, a grade cell with hidden tests."""
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "celltoolbar": "Create Assignment",
    }
    cells = [
        v4.new_markdown_cell("# 미니 과제 / Mini assignment\n\nFill in `add`."),
        v4.new_code_cell("import math", metadata=_nbgrader("setup", locked=True)),
        v4.new_code_cell(
            "def add(a, b):\n    \"\"\"Sum.\"\"\"\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION",
            metadata=_nbgrader("add", solution=True),
            execution_count=3,
            outputs=[v4.new_output("stream", name="stdout", text="hello\n")],
        ),
        v4.new_code_cell("answer = 42", metadata=_nbgrader("answer", solution=True)),
        v4.new_code_cell(
            "assert add(1, 2) == 3\n### BEGIN HIDDEN TESTS\nassert add(-1, 1) == 0  # secret\n"
            "### END HIDDEN TESTS\nprint('ok')",
            metadata=_nbgrader("test_add", grade=True, locked=True, points=2),
            execution_count=4,
            outputs=[v4.new_output("stream", name="stdout", text="ok\n")],
        ),
        v4.new_markdown_cell("Because addition is commutative.",
                             metadata=_nbgrader("explain", solution=True, grade=True, points=1)),
        v4.new_code_cell("print(answer)", execution_count=5,
                         outputs=[v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=5)]),
    ]
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"
    nb.cells = cells
    return nb


def write_mini_source(root: Path) -> Path:
    """``root/source/mini/…``; returns ``root/source``."""
    assignment = root / "source" / "mini"
    (assignment / "data").mkdir(parents=True)
    (assignment / "skeleton.py").write_text(SKELETON, encoding="utf-8")
    (assignment / "data" / "loader.py").write_text(DATA_MODULE, encoding="utf-8")
    (assignment / "data" / "table.csv").write_bytes(b"a,b\r\n1,2\r\n\x00\xff")
    nbformat.write(make_notebook(), assignment / "mini.ipynb")
    # never built:
    (assignment / "__pycache__").mkdir()
    (assignment / "__pycache__" / "skeleton.cpython-311.pyc").write_bytes(b"junk")
    (assignment / ".ipynb_checkpoints").mkdir()
    (assignment / ".ipynb_checkpoints" / "mini-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    (assignment / ".hidden").write_text("secret", encoding="utf-8")
    return root / "source"


@pytest.fixture
def mini_source(tmp_path: Path) -> Path:
    """A source folder with one assignment, ``mini``."""
    return write_mini_source(tmp_path)


@pytest.fixture
def import_file() -> Callable[[Path], ModuleType]:
    """Import a `.py` file under a unique module name (its folder on sys.path while importing)."""
    added: list[str] = []

    def load(path: Path) -> ModuleType:
        name = f"_assign_test_{path.stem}_{uuid.uuid4().hex}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(path.parent))
        added.append(str(path.parent))
        spec.loader.exec_module(module)
        return module

    yield load
    for entry in added:
        if entry in sys.path:
            sys.path.remove(entry)


@pytest.fixture
def skeleton_text() -> str:
    """The mini skeleton module's source."""
    return SKELETON


@pytest.fixture
def skeleton_stubs() -> list[tuple[str, str | None]]:
    """(qualname, label) of each region of the skeleton, in order."""
    return list(SKELETON_STUBS)


@pytest.fixture
def source_notebook() -> nbformat.NotebookNode:
    """A fresh copy of the mini nbgrader source notebook."""
    return make_notebook()
