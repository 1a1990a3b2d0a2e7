"""Helpers shared by the probes (they run in the child process)."""
from __future__ import annotations

import os
import traceback
from typing import Any, Callable

from autograder.run.values import ErrorValue


ANSWER_KEY_RUN = "answer_key_run"  # in a probe's context only when the answer key is probed
PROGRESS = "progress"  # in every probe's context (child only): progress(done, total) tells the parent how far


class StopProbe(BaseException):
    """Raised by a grader hook to stop student code early (BaseException, so `except Exception` in
    student code does not swallow it)."""


def _where(exc: BaseException) -> str:
    cwd = os.getcwd()
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith("<"):  # <frozen ...>, <string>: not a file of the student's folder
            continue
        if os.path.abspath(frame.filename).startswith(cwd + os.sep):
            where = f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
    return where


def is_error(value: Any) -> bool:
    """True when `value` is an error that `attempt` caught."""
    return isinstance(value, ErrorValue)


def attempt(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call student code; return its result, or an ErrorValue describing what it raised."""
    try:
        return function(*args, **kwargs)
    except StopProbe:
        raise
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - every student error becomes data
        kind = "SystemExit" if isinstance(exc, SystemExit) else type(exc).__name__
        return ErrorValue(type=kind, message=str(exc)[:1000], where=_where(exc))
