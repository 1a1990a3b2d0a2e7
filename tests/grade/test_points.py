"""Points are set in one place and every check has them."""
from __future__ import annotations

from autograder.assignments import all_assignments, assignment_names, get_assignment
from autograder.grade.registry import checks_for
from autograder.probes import get_probe


def test_every_check_has_points_and_every_points_entry_a_check() -> None:
    for assignment, table in ((a.name, a.points) for a in all_assignments()):
        names = [c.name for c in checks_for(assignment)]
        assert len(names) == len(set(names))
        assert set(names) == set(table), assignment
        assert all(points > 0 for points in table.values())


def test_every_check_has_a_probe() -> None:
    for assignment in assignment_names():
        for item in checks_for(assignment):
            assert callable(get_probe(get_assignment(assignment).probes_module, item.probe))


def test_totals() -> None:
    assert sum(get_assignment("pytorch_tensor").points.values()) == 30
    assert sum(get_assignment("image_classification").points.values()) == 45
