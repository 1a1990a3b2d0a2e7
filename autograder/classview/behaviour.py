"""Behaviour similarity for review: two students whose code gave the same wrong values (the same failure message,
values included, or the same diagnosed mistake) on the same checks. A failure many students share is a common
misconception, not evidence, and so is a failure the grader anticipates (its message carries a diagnosis or one of
the check's hints: `anticipated`), so only rare, unexplained failures count (held by at most `rare_limit` students), each weighted by
its surprisal, log2(N / students holding it): a wrong value only these two gave is worth the most."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

RARE_SHARE = 0.05  # a failure held by more than this share of the class (and more than 2 students) is common


@dataclass(frozen=True)
class BehaviourPair:
    """Two students and the rare failures they share: (assignment, check, message) and the evidence in bits."""

    first: str
    second: str
    shared: tuple[tuple[str, str, str], ...]
    evidence: float

    def strength(self, class_size: int) -> float:
        """The evidence on a 0–1 scale: 1 for two shared failures that only these two students have."""
        unit = 2 * math.log2(max(class_size, 3) / 2)
        return min(1.0, self.evidence / unit) if unit > 0 else 0.0


def rare_limit(class_size: int) -> int:
    """How many students may hold a failure for it still to count as rare."""
    return max(2, math.ceil(RARE_SHARE * class_size))


DIAGNOSIS_MARKS = ("진단", "Diagnosis")  # autograder.feedback.diagnosis.explain's message starts so
MIN_HINT_CHARS = 8  # a shorter hint text is not looked for (it could be anywhere)


def _pair_halves(text: str) -> set[str]:
    """The Korean and the English of a grader's text (pairs as `autograder.feedback.language.pair` marks them)."""
    from autograder.feedback.language import show

    return {t for t in (show(text, "ko"), show(text, "en")) if len(t.strip()) >= MIN_HINT_CHARS}


@lru_cache(maxsize=None)
def hint_texts(assignment: str) -> frozenset[str]:
    """Every hint text the checks of `assignment` can give (their declared hints, and every `bilingual(...)` or
    `pair(...)` text written in their modules, as the checks that compare parts declare them inline), in Korean
    and in English."""
    import ast
    import inspect
    import sys

    from autograder.feedback.catalog import bilingual
    from autograder.grade.registry import checks_for

    try:
        checks = checks_for(assignment)
    except Exception:  # noqa: BLE001 - an assignment this installation does not know: no hints known
        return frozenset()
    texts: set[str] = set()
    modules = set()
    for check in checks:
        for value in check.hints.values():
            for text in (value.values() if isinstance(value, dict) or hasattr(value, "values") else [value]):
                if isinstance(text, str):
                    texts |= _pair_halves(text)
        grade = getattr(check.grade, "func", check.grade)
        modules.add(getattr(grade, "__module__", None))
    for name in modules:
        try:
            tree = ast.parse(inspect.getsource(sys.modules[name]))
        except (KeyError, OSError, TypeError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "bilingual" and strings and not node.keywords:
                try:
                    texts |= _pair_halves(bilingual(strings[0]))
                except Exception:  # noqa: BLE001 - a text the catalog cannot render: its English alone
                    texts |= _pair_halves(strings[0])
            elif node.func.id == "pair" and len(strings) == 2:
                texts |= {t for t in strings if len(t.strip()) >= MIN_HINT_CHARS}
    return frozenset(texts)


def anticipated(assignment: str, message: str) -> bool:
    """Whether a failure's message carries the grader's own explanation: a diagnosis of a known mistake, or a hint
    of the check. Such a mistake is common by definition (the grader was written for it): no evidence."""
    if any(mark in message for mark in DIAGNOSIS_MARKS):
        return True
    head = message.split("\n", 1)[0]
    if "\n" in message and " — " in head:  # 'N parts differ — <hints>' (common.compare_all)
        return True
    return any(text in message for text in hint_texts(assignment))


def behaviour_pairs(records: list[dict[str, Any]]) -> list[BehaviourPair]:
    """Every pair of students sharing at least one rare, unexplained failure (not `anticipated`), the strongest
    evidence first."""
    failures: dict[str, set[tuple[str, str, str]]] = {}
    for record in records:
        failures[record["student"]] = {(c["assignment"], c["name"], c["message"]) for c in record.get("checks", [])
                                       if c["score"] < c["points"] and c.get("message")
                                       and not anticipated(str(c.get("assignment", "")), str(c["message"]))}
    holders: dict[tuple[str, str, str], list[str]] = {}
    for student, held in failures.items():
        for failure in held:
            holders.setdefault(failure, []).append(student)
    size, limit = len(records), rare_limit(len(records))
    pairs: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for failure, students in holders.items():
        if 2 <= len(students) <= limit:
            for a, b in combinations(sorted(students), 2):
                pairs.setdefault((a, b), []).append(failure)
    out = [BehaviourPair(first=a, second=b, shared=tuple(sorted(shared)),
                         evidence=sum(math.log2(size / len(holders[f])) for f in shared))
           for (a, b), shared in pairs.items()]
    out.sort(key=lambda p: (-p.evidence, p.first, p.second))
    return out
