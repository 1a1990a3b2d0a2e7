"""CheckPythonSyntax: every version of a module must compile."""
from __future__ import annotations

import pytest

from autograder.assign.errors import BuildError
from autograder.assign.preprocessors import CheckPythonSyntax, PythonModule


def test_valid_module_passes_unchanged() -> None:
    module = PythonModule.from_text("def f():\n    return 1\n", name="m.py")
    assert CheckPythonSyntax()(module) is module


def test_source_error_names_file_and_line() -> None:
    module = PythonModule.from_text("x = 1\ndef f(:\n    pass\n", name="pkg/m.py")
    with pytest.raises(BuildError, match=r"pkg/m.py:2: the source version is not valid Python"):
        CheckPythonSyntax(stage="source")(module)


def test_release_error_points_at_markers() -> None:
    module = PythonModule.from_text("def f():\nraise NotImplementedError()\n", name="m.py")
    with pytest.raises(BuildError) as info:
        CheckPythonSyntax(stage="release")(module)
    assert "m.py (release version, line 2)" in str(info.value)
    assert "BEGIN SOLUTION" in str(info.value)


def test_compile_errors_beyond_the_parser_are_caught() -> None:
    module = PythonModule.from_text("return 1\n", name="m.py")
    with pytest.raises(BuildError, match="'return' outside function"):
        CheckPythonSyntax()(module)
