"""What an assignment is to the grader: the `Assignment` record (plain data, no torch).

Everything the grader, the CLI, the batch, Gradescope and nbgrader need to know about an assignment is derived
from its record: no other list names the assignments.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class DataSource:
    """A data set the answer key loads for the checks that need it (`needs_data`): `module` is a trusted file
    of the answer key's folder whose function `load(data_dir)` returns arrays `train_images`, `train_labels`,
    `test_images` and `test_labels`, and raises `error` when the data cannot be loaded (`load(data_dir=...,
    download=True)` fetches it where there is internet, as in Gradescope's setup.sh). A Gradescope bundle's
    setup copies the `files` found in the folder `$root_env` names instead of downloading them."""

    module: str
    load: str
    error: str
    root_env: str = ""
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    """One assignment: its name (the folder in release/ and solutions/), the student's module, and the Python
    package (dotted name) holding its `probes` (run in the child) and `checks` (run by the grader).

    points: check name -> points, in report order (the one place points are set).
    signature: text only this module defines (its first TODO): a lone .py file under another name that holds
      it is graded as the module.
    trusted_files: files of the answer key's folder copied over the student's (the data module).
    data: the data set the data-needing checks use, or None.
    rescored: accuracy probe -> the answer key's model that the grader scores the student's weights with
      (`autograder.grade.rescore`).
    package_dir: the package's folder when it lives outside `autograder` (found through
      `$AUTOGRADER_ASSIGNMENTS`): the child reads it, read-only; None for the built-in ones.
    """

    name: str
    module: str
    package: str
    points: Mapping[str, float]
    signature: str
    trusted_files: tuple[str, ...] = ()
    data: DataSource | None = None
    rescored: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    package_dir: str | None = None

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or not self.module.isidentifier():
            raise ValueError(f"assignment {self.name!r}: name and module must be Python identifiers")
        if self.data is not None and self.data.module not in self.trusted_files:
            raise ValueError(f"assignment {self.name!r}: its data module {self.data.module} must be a trusted file")
        unknown = set(self.rescored) - set(self.points)
        if unknown:
            raise ValueError(f"assignment {self.name!r}: rescored probes without points: {sorted(unknown)}")
        object.__setattr__(self, "points", MappingProxyType(dict(self.points)))
        object.__setattr__(self, "rescored", MappingProxyType(dict(self.rescored)))

    @property
    def probes_module(self) -> str:
        """The module of its probes (functions `probe_NAME`), imported in the child."""
        return f"{self.package}.probes"

    @property
    def checks_module(self) -> str:
        """The module of its checks (`Check` objects, in report order), imported by the grader."""
        return f"{self.package}.checks"

    @property
    def notebook(self) -> str:
        """The notebook released with the module."""
        return f"{self.name}.ipynb"

    @property
    def max_points(self) -> float:
        return float(sum(self.points.values()))
