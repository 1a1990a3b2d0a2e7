"""A seeded sample of the archive fuzzer (scripts/fuzz_archives.py; the full sweep runs as a script)."""
from __future__ import annotations

from pathlib import Path

from tests.fuzz.scripts import load_script

REPO = Path(__file__).resolve().parents[2]


def _fuzzer():  # noqa: ANN202
    return load_script("fuzz_archives")


def test_cases_are_seeded_and_cover_every_format_and_mutation_family() -> None:
    fuzz = _fuzzer()
    cases = [fuzz.make_case(4, index) for index in range(60)]
    assert [c.data for c in cases[:10]] == [fuzz.make_case(4, index).data for index in range(10)]  # seeded
    assert len({c.data for c in cases}) == len(cases)
    assert {c.fmt for c in cases} == set(fuzz.FORMATS)
    chosen = {name for c in cases for name in c.mutations}
    assert chosen & set(fuzz.STRUCTURAL) and chosen & set(fuzz.TAR_MUTATIONS) and chosen & set(fuzz.ZIP_MUTATIONS)
    assert chosen & set(fuzz.BYTE_MUTATIONS)


def test_a_seeded_sample_is_taken_in_or_refused_never_a_traceback(tmp_path: Path) -> None:
    fuzz = _fuzzer()
    summary = fuzz.run(count=150, seed=3, jobs=2, work_dir=tmp_path)
    assert summary["cases"] == 150
    assert summary["tracebacks"] == 0 and summary["violations"] == 0, summary["failures"]
    assert summary["over_peak_bound"] == 0, summary["over_bound"]
    assert summary["refused"] > 0 and summary["taken_in"] > 0
    print(f"archive fuzz sample: {summary['refused']} refused, {summary['taken_in']} taken in, "
          f"max peak {summary['max_peak_mib']} MiB (+{summary['max_growth_mib']} MiB)")


def test_two_cases_graded_end_to_end_exit_cleanly_with_results(tmp_path: Path) -> None:
    fuzz = _fuzzer()
    summary = fuzz.run(count=20, seed=3, jobs=2, work_dir=tmp_path)
    picked = fuzz.pick_for_grading(summary["outcomes"], 2)
    assert len(picked) == 2
    graded = fuzz.grade_cases(picked, seed=3, work_dir=tmp_path)
    assert [g["ok"] for g in graded] == [True, True], graded
    assert all(g["exit_code"] in (0, 1, 2) for g in graded)
