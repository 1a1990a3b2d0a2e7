"""Points are set in one place and every check has them."""
from __future__ import annotations

from autograder.grade.points import POINTS
from autograder.grade.registry import checks_for
from autograder.probes import get_probe


def test_every_check_has_points_and_every_points_entry_a_check() -> None:
    for assignment, table in POINTS.items():
        names = [c.name for c in checks_for(assignment)]
        assert len(names) == len(set(names))
        assert set(names) == set(table), assignment
        assert all(points > 0 for points in table.values())


def test_every_check_has_a_probe() -> None:
    for assignment in POINTS:
        for item in checks_for(assignment):
            assert callable(get_probe(assignment, item.probe))


def test_totals() -> None:
    assert sum(POINTS["pytorch_tensor"].values()) == 30
    assert sum(POINTS["image_classification"].values()) == 45
