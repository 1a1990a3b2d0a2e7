"""Limits from a configuration mapping (nbgrader_config.py, Gradescope's config): the defaults with the named
limits over them, and a clear error for a name or a value nobody meant."""
from __future__ import annotations

import pytest

from autograder.run import Limits


def test_named_limits_over_the_defaults_keep_their_kind() -> None:
    limits = Limits.from_mapping({"threads": 1, "memory_mib": 8192.0, "check_seconds": 5}, where="here")
    assert limits == Limits(threads=1, memory_mib=8192, check_seconds=5.0)
    assert type(limits.memory_mib) is int and type(limits.check_seconds) is float
    assert Limits.from_mapping({}, where="here") == Limits()
    assert Limits.from_mapping({"wall_slack_seconds": 0}, where="here").wall_slack_seconds == 0.0


@pytest.mark.parametrize("values, says", [
    ({"thread": 1}, "unknown limit(s) ['thread']"),
    ({"threads": 1.5}, "threads must be a positive integer, not 1.5"),
    ({"threads": True}, "threads must be a positive integer, not True"),
    ({"memory_mib": -1}, "memory_mib must be a positive integer"),
    ({"check_seconds": 0}, "check_seconds must be a positive number"),
    ({"check_seconds": "60"}, "check_seconds must be a positive number, not '60'"),
])
def test_a_wrong_name_or_value_is_refused_naming_where(values: dict, says: str) -> None:
    with pytest.raises(ValueError) as raised:
        Limits.from_mapping(values, where="c.GradeBeforeRun.limits")
    assert str(raised.value).startswith("c.GradeBeforeRun.limits: ") and says in str(raised.value)
