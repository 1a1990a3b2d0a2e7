"""Grading helpers shared by the assignments' checks."""
from __future__ import annotations

from typing import Any, Callable

from autograder.feedback.catalog import bilingual
from autograder.feedback.language import pair
from autograder.grade.compare import compare, error_both, todo_not_done, ungradable
from autograder.grade.verdict import Verdict
from autograder.run.values import UNGRADABLE, ErrorValue, TensorValue


MAX_PARTS_SHOWN = 5  # a message lists at most this many differing parts, then says how many more


def compare_all(student: dict[str, Any], reference: dict[str, Any], *,
                hints: dict[str, str | dict[str, str]] | None = None,
                **options: Any) -> Verdict:
    """Full points when every value of the reference's result is matched; else what differs followed by its
    hint. When several parts differ: how many, their hints first (each said once), then every part (a TODO not
    done: that alone)."""
    return _verdict(differing_keys(student, reference, **options), student, reference, hints or {}, **options)


def _verdict(keys: list[str], student: dict[str, Any], reference: dict[str, Any], hints: dict[str, str],
             **options: Any) -> Verdict:
    """compare_all's verdict for the differing `keys`."""
    if not keys:
        return Verdict.passed()
    stub = next((k for k in keys if isinstance(student.get(k), ErrorValue) and student[k].not_implemented), None)
    parts = [_part(k, student, reference, hints, **options) for k in ([stub] if stub else keys)]
    messages = list(dict.fromkeys(message for message, _ in parts))
    said = list(dict.fromkeys(hint for _, hint in parts if hint))
    if len(messages) == 1:
        return Verdict.failed(". ".join([messages[0], *said]))
    shown = [f"{i}) {m}" for i, m in enumerate(messages[:MAX_PARTS_SHOWN], start=1)]
    if len(messages) > MAX_PARTS_SHOWN:
        more = len(messages) - MAX_PARTS_SHOWN
        shown.append("… " + pair(f"외 {more}개", f"and {more} more"))
    head = pair(f"{len(messages)}군데가 틀렸습니다", f"{len(messages)} parts differ") + (f" — {' '.join(said)}" if said else ":")
    return Verdict.failed(head + "\n" + "\n".join(shown))


def _part(key: str, student: dict[str, Any], reference: dict[str, Any], hints: dict[str, str],
          **options: Any) -> tuple[str, str | None]:
    """What differs at `key`, and the hint for it (None: no hint, or a TODO not done)."""
    got, hint = student.get(key), hints.get(key)
    if key not in reference and isinstance(got, str):  # what the probe reported instead of a value
        return f"'{key}': {got}", None
    if key not in reference:  # the call raised
        message = error_verdict(key, got).message
    else:
        message = compare(key, got, reference[key], **options) or ""
    if isinstance(got, ErrorValue) and got.not_implemented:
        return message, None
    return message, hint_for(hint, got=got, expected=reference.get(key))


def hint_for(hint: str | dict[str, str] | None, *, got: Any, expected: Any) -> str | None:
    """The hint that fits the failure. A hint is one text for every failure, or texts by failure: 'raised' (the
    student's call raised, the answer key's did not), 'shape' (an array of another shape), 'value' (anything else);
    a failure without its own text gets 'value'."""
    if not isinstance(hint, dict):
        return hint
    if isinstance(got, ErrorValue) and not isinstance(expected, ErrorValue):
        kind = "raised"
    elif isinstance(got, TensorValue) and isinstance(expected, TensorValue) and got.shape != expected.shape:
        kind = "shape"
    else:
        kind = "value"
    return hint.get(kind, hint.get("value"))


def function_called(key: str) -> str:
    """The function a probe key calls: 'get_block' for 'get_block(m, rows=(0, 2), cols=(1, 4))'."""
    return key.split("(", 1)[0].strip()


def compare_parts(student: dict[str, Any], reference: dict[str, Any], *, part_of: Callable[[str], str] = function_called,
                  hints: dict[str, str] | None = None, **options: Any) -> Verdict:
    """compare_all with partial points for independent parts (by default, the functions the keys call): each
    part earns its share of the check's points when all its values match; the message names the parts that did."""
    keys = differing_keys(student, reference, **options)
    verdict = _verdict(keys, student, reference, hints or {}, **options)
    if verdict.fraction >= 1:
        return verdict
    parts = list(dict.fromkeys(part_of(k) for k in reference))
    wrong = {part_of(k) for k in keys}
    right = [part for part in parts if part not in wrong]
    if not right or wrong - set(parts):  # nothing right, or a failure outside the known parts: no partial credit
        return verdict
    names = ", ".join(right)
    return Verdict(len(right) / len(parts), f"{verdict.message}\n" + pair(f"맞은 부분 {len(right)}/{len(parts)}: {names}",
                                                                        f"{len(right)} of {len(parts)} parts right: {names}"))


def differing_keys(student: dict[str, Any], reference: dict[str, Any], **options: Any) -> list[str]:
    """Every key that differs, in compare_all's order: the values the probe reported instead of a result
    (an error or a sentence) first, then the reference's values that differ (those it could not make because
    of a reported error left out)."""
    reported = [k for k, got in student.items() if k not in reference and isinstance(got, (ErrorValue, str))]
    differing = [k for k, expected in reference.items()
                 if not (reported and k not in student)  # a value missing because the call raised: said once
                 and compare(k, student.get(k), expected, **options)]
    return reported + differing


def first_differing_key(student: dict[str, Any], reference: dict[str, Any], **options: Any) -> str | None:
    """The first key that differs (see `differing_keys`); None when all match."""
    return next(iter(differing_keys(student, reference, **options)), None)


def first_error(student: dict[str, Any]) -> ErrorValue | None:
    """The first error among the student's values (a TODO stub first), or None."""
    errors = [v for v in student.values() if isinstance(v, ErrorValue)]
    for error in errors:
        if error.not_implemented:
            return error
    return errors[0] if errors else None


def error_verdict(name: str, error: ErrorValue) -> Verdict:
    """The verdict for a call that raised."""
    if error.not_implemented:
        return Verdict.failed(todo_not_done(error))
    if error.type == UNGRADABLE:
        return Verdict.failed(ungradable(name, error))
    return Verdict.failed(bilingual("'{name}' raised {error}", name=name, error=error_both(error)))
