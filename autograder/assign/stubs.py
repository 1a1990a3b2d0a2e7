"""What students see in place of a solution: the notebook stubs and the `.py` stub line."""
from __future__ import annotations

#: nbgrader's ClearSolutions.code_stub (per kernel language). Share it with nbgrader_config.py:
#: ``c.ClearSolutions.code_stub = dict(CODE_STUB)``. Treat as a constant: never mutate it.
CODE_STUB: dict[str, str] = {
    "python": "# YOUR CODE HERE / 여기에 코드를 작성하세요\nraise NotImplementedError()",
}

#: nbgrader's ClearSolutions.text_stub, for markdown solution cells (``c.ClearSolutions.text_stub = TEXT_STUB``).
TEXT_STUB: str = "YOUR ANSWER HERE / 여기에 답을 작성하세요"

#: The end of every `.py` stub message (the grader knows it: autograder.run.values).
from autograder.run.values import NOT_IMPLEMENTED  # noqa: E402


def stub_message(qualname: str, label: str | None) -> str:
    """The NotImplementedError message for a region: ``"train: step 1) — 아직 … / not implemented yet"``."""
    head = f"{qualname}: {label}" if label else qualname
    return f"{head} — {NOT_IMPLEMENTED}"


def stub_line(indent: str, qualname: str, label: str | None, newline: str = "\n") -> str:
    """The one line that replaces a solution region in a release `.py` module."""
    message = stub_message(qualname, label).replace("\\", "\\\\").replace('"', '\\"')
    return f'{indent}raise NotImplementedError("{message}"){newline}'
