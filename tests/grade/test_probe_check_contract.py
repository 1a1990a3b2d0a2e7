"""The probe↔check contract: every key a check's hints name is a key of its probe's result (the answer key's), so
a typo in a hint's key cannot silently drop the hint; and every check's probe exists. Real probes, run on the
answer key in the sandbox (the accuracy probes, which train on CIFAR-10, are left out: their checks declare no
hints)."""
from __future__ import annotations

import copy
import importlib
from pathlib import Path
from typing import Any

import pytest

import autograder.grade.checks.common as common
from autograder.assignments import assignment_names, get_assignment
from autograder.grade.registry import checks_for
from autograder.probes import get_probe
from autograder.run import Limits, ProbeRequest, run_probes


@pytest.fixture(scope="module")
def answer_key_results(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> dict[str, dict[str, Any]]:
    """(assignment) -> probe name -> the answer key's result, for every check that needs no data set."""
    results = {}
    for name in assignment_names():
        record = get_assignment(name)
        probes = list(dict.fromkeys(c.probe for c in checks_for(name) if not c.needs_data))
        limits = Limits()
        outcomes = run_probes(assignment=name, module_dir=repo_root / "solutions" / name, module=record.module,
                              probes=[ProbeRequest(p, limits.train_seconds) for p in probes], limits=limits,
                              work_dir=tmp_path_factory.mktemp(name))
        assert all(o.ok for o in outcomes.values()), {p: (o.status, o.detail) for p, o in outcomes.items() if not o.ok}
        results[name] = {p: o.value for p, o in outcomes.items()}
    return results


def _reported_keys(assignment: str) -> tuple[str, ...]:
    """The keys the assignment's probes return only when the student's code fails (its keys module's REPORTED)."""
    try:
        keys = importlib.import_module(f"{get_assignment(assignment).package}.keys")
    except ModuleNotFoundError:
        return ()
    return tuple(getattr(keys, "REPORTED", ()))


def test_every_check_names_a_probe_of_its_assignment() -> None:
    for name in assignment_names():
        for item in checks_for(name):
            assert callable(get_probe(get_assignment(name).probes_module, item.probe)), (name, item.name)


def test_every_hint_key_is_a_key_of_the_probes_result(answer_key_results: dict[str, dict[str, Any]],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[dict[str, Any]] = []
    verdict = common._verdict

    def recording(keys, student, reference, hints, **options):  # noqa: ANN001, ANN003, ANN202
        used.append(dict(hints))
        return verdict(keys, student, reference, hints, **options)

    monkeypatch.setattr(common, "_verdict", recording)
    unknown, checked = [], 0
    for name, by_probe in answer_key_results.items():
        for item in checks_for(name):
            if item.needs_data:
                assert not item.hints, f"{item.name}: hints on a check this test cannot probe"
                continue
            value = by_probe[item.probe]
            reported = _reported_keys(name)
            used.clear()
            item.grade(copy.deepcopy(value), value)  # the answer key's own values: the body runs to its compare
            for hints in [dict(item.hints), *used]:
                checked += len(hints)
                unknown += [f"{name}.{item.name}: {key!r}" for key in hints if key not in value and key not in reported]
    assert not unknown, f"hint keys that the probe's result does not have: {unknown}"
    assert checked >= 40, checked  # the test saw the hints (it would pass vacuously otherwise)


def test_a_misspelt_hint_key_is_caught(answer_key_results: dict[str, dict[str, Any]]) -> None:
    """The check above can fail: a hint declared under a key the probe does not return is found."""
    from autograder.grade.registry import check

    value = answer_key_results["pytorch_tensor"]["mean"]
    misspelt = check("mean", assignment="pytorch_tensor", title="t", hints={"matrix_mean(m, axis=O)": "typo"})()
    assert "matrix_mean(m, axis=O)" not in value and "matrix_mean(m, axis=0)" in value
    assert set(misspelt.hints) - set(value) == {"matrix_mean(m, axis=O)"}
