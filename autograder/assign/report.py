"""What a build did, per file, per assignment and in total."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

PYTHON = "python"
NOTEBOOK = "notebook"
COPIED = "copied"


@dataclass(frozen=True)
class FileReport:
    """One source file and what the build did to it."""

    path: str  # relative to the assignment folder, with '/'
    kind: str  # PYTHON, NOTEBOOK or COPIED
    regions_replaced: int = 0  # solution regions replaced by a stub in release/
    solution_cells: int = 0  # notebook solution cells without markers, replaced whole by the code stub
    hidden_tests_removed: int = 0  # hidden-test regions removed from release/ and solutions/
    stubs: tuple[str, ...] = ()  # `.py`: "qualname: label" of each stub, in file order

    def summary(self) -> str:
        """One line: what happened to the file."""
        if self.kind == COPIED:
            return "copied unchanged"
        parts = [f"{self.regions_replaced} solution region{_s(self.regions_replaced)} stubbed"]
        if self.kind == NOTEBOOK:
            parts.append(f"{self.solution_cells} solution cell{_s(self.solution_cells)} stubbed")
            parts.append(f"{self.hidden_tests_removed} hidden test region{_s(self.hidden_tests_removed)} removed")
        elif not self.regions_replaced:
            return "no solution regions (copied unchanged)"
        return ", ".join(parts)


@dataclass(frozen=True)
class AssignmentReport:
    """One assignment folder built into its release and solutions folders."""

    name: str
    release: Path
    solutions: Path
    files: tuple[FileReport, ...]

    @property
    def regions_replaced(self) -> int:
        """Solution regions stubbed, `.py` and notebooks."""
        return sum(f.regions_replaced for f in self.files)

    @property
    def solution_cells(self) -> int:
        """Notebook solution cells replaced whole."""
        return sum(f.solution_cells for f in self.files)

    @property
    def hidden_tests_removed(self) -> int:
        """Hidden-test regions removed."""
        return sum(f.hidden_tests_removed for f in self.files)

    def __str__(self) -> str:
        width = max((len(f.path) for f in self.files), default=0)
        lines = [
            f"{self.name}: {len(self.files)} file{_s(len(self.files))} -> {display(self.release)} "
            f"and {display(self.solutions)}",
            *(f"  {f.path:<{width}}  {f.summary()}" for f in self.files),
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class BuildReport:
    """A whole build of source/ into release/ and solutions/."""

    release_dir: Path
    solutions_dir: Path
    assignments: tuple[AssignmentReport, ...]

    @property
    def regions_replaced(self) -> int:
        """Solution regions stubbed in all assignments."""
        return sum(a.regions_replaced for a in self.assignments)

    @property
    def hidden_tests_removed(self) -> int:
        """Hidden-test regions removed in all assignments."""
        return sum(a.hidden_tests_removed for a in self.assignments)

    def __str__(self) -> str:
        n = len(self.assignments)
        total = (
            f"Built {n} assignment{_s(n)} into {display(self.release_dir)} (students) and "
            f"{display(self.solutions_dir)} "
            f"(answer key): {self.regions_replaced} solution region{_s(self.regions_replaced)} and "
            f"{sum(a.solution_cells for a in self.assignments)} solution cells stubbed, "
            f"{self.hidden_tests_removed} hidden test region{_s(self.hidden_tests_removed)} removed."
        )
        return "\n".join([*(str(a) for a in self.assignments), total])


def display(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else absolute."""
    path = Path(path).absolute()
    with contextlib.suppress(ValueError):
        return path.relative_to(Path.cwd()).as_posix()
    return path.as_posix()


def _s(n: int) -> str:
    return "" if n == 1 else "s"
