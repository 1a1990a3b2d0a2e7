"""Messages as a report shows them: the grader keeps each bilingual part as a pair (autograder.feedback.language);
tests that read a message directly read it as the default report does ('한국어 / English')."""
from __future__ import annotations

import dataclasses
from typing import Any

from autograder.feedback.language import show


def shown(message: str | None, language: str = "ko+en") -> str | None:
    """`message` in `language` (None stays None)."""
    return None if message is None else show(message, language)


def shown_verdict(verdict: Any, language: str = "ko+en") -> Any:
    """A Verdict (or CheckResult) with its message in `language`."""
    return dataclasses.replace(verdict, message=show(verdict.message, language))
