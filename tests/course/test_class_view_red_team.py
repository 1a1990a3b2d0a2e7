"""What a red team found in the class view (graded from the docs alone), each now a test: a hand-in named
`submitted` cannot replace the class; hidden entries are said; a student who is no longer handed in leaves the
tables and exports (moved aside, not lost); an LMS bulk export keeps each graded module for the similarity review and
says which hand-in times are unknown; a copy padded with unused code is still flagged; `bob.zip` and a folder `bob`
are both "bob" to a roster; the report page shows a submission's path inert."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.classview.roster import match_rows
from autograder.course import grade_all
from autograder.course.discover import find_students
from autograder.run import Limits

REPO = Path(__file__).resolve().parents[2]
KEY = REPO / "solutions" / "pytorch_tensor" / "tensor_basics.py"
STARTER = REPO / "release" / "pytorch_tensor" / "tensor_basics.py"


def _hand_in(folder: Path, source: Path = KEY, *, extra: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tensor_basics.py").write_text(source.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_a_hand_in_named_submitted_is_one_more_student_not_the_class(tmp_path: Path) -> None:
    hand_ins = tmp_path / "hand-ins"
    for name in ("alice", "bob", "submitted/mallory/pytorch_tensor"):
        _hand_in(hand_ins / name)
    found = find_students(hand_ins, scratch=tmp_path / "scratch")
    assert [w.student for w in found.students] == ["alice", "bob", "submitted"]


def test_nbgraders_course_folder_grades_submitted_and_says_what_is_beside_it(tmp_path: Path) -> None:
    course = tmp_path / "course"
    _hand_in(course / "submitted" / "kim" / "pytorch_tensor")
    _hand_in(course / "lee")  # not nbgrader's: said, not graded
    (course / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    found = find_students(course, scratch=tmp_path / "scratch")
    assert [w.student for w in found.students] == ["kim"]
    assert any("beside submitted/" in line and "lee" in line and "nbgrader_config.py" in line for line in found.skipped)


def test_hidden_entries_are_said_not_dropped_silently(tmp_path: Path) -> None:
    hand_ins = tmp_path / "hand-ins"
    _hand_in(hand_ins / "kim")
    _hand_in(hand_ins / ".hidden")
    (hand_ins / ".zip").write_bytes(b"PK")
    (hand_ins / ".DS_Store").write_bytes(b"\0")  # the operating system's litter: not worth a line
    found = find_students(hand_ins, scratch=tmp_path / "scratch")
    assert [w.student for w in found.students] == ["kim"]
    assert sorted(line.split(":")[0] for line in found.skipped) == [".hidden", ".zip"]


def test_collided_folder_names_cannot_be_another_entrys_name(tmp_path: Path) -> None:
    hand_ins = tmp_path / "hand-ins"
    for name in ("kim lee", "kim_lee", "kim_lee-2"):
        _hand_in(hand_ins / name)
    found = find_students(hand_ins, scratch=tmp_path / "scratch")
    folders = {w.entry: w.student for w in found.students}
    assert folders == {"kim lee": "kim_lee", "kim_lee": "kim_lee~2", "kim_lee-2": "kim_lee-2"}
    records = [{"student": s, "entry": e} for e, s in folders.items()]
    # every student can be named by its folder, and none is another's
    assert match_rows(records, ["kim_lee~2", "kim_lee-2"]).of_key == {"kim_lee~2": "kim_lee~2", "kim_lee-2": "kim_lee-2"}


def test_bob_zip_and_a_folder_bob_are_both_bob_to_a_roster() -> None:
    records = [{"student": "bob", "entry": "bob"}, {"student": "bob~2", "entry": "bob.zip"}]
    matching = match_rows(records, ["bob"])
    assert matching.ambiguous == ["bob"] and not matching.of_key  # never guessed


@pytest.fixture(scope="module")
def bulk_class(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An LMS bulk export (one zip of hand-ins) graded with grade-all: ann (the answer key written her own way),
    ben (ann's module padded with 40 unused helpers), cho (the starter code)."""
    root = tmp_path_factory.mktemp("bulk")
    own = KEY.read_text(encoding="utf-8").replace("    return a + b\n", "    total = a + b\n    return total\n") \
        .replace("    return a * b\n", "    product = a * b\n    return product\n")
    (root / "ann.py").write_text(own + "\n\ndef describe(values):\n    return {'n': len(values), 'sum': sum(values)}\n",
                                 encoding="utf-8")
    padding = "".join(f"\n\ndef unused_{i}(values, step={i + 2}):\n    kept = []\n    for index in range(0, len(values), step):\n"
                      f"        kept.append(values[index] * {i + 1} - step)\n    return kept[:{i + 3}]\n" for i in range(40))
    (root / "ben.py").write_text((root / "ann.py").read_text(encoding="utf-8") + padding, encoding="utf-8")
    shutil.copy(STARTER, root / "cho.py")
    export = root / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for name in ("ann.py", "ben.py", "cho.py"):
            archive.write(root / name, f"hand-ins/{name}")
    out = root / "graded"
    ran = CliRunner().invoke(main, ["grade-all", str(export), "--out", str(out), "--jobs", "1", "--threads", "1",
                                    "--assignment", "pytorch_tensor", "--similarity", "--allow-unconfined",
                                    "--lang", "en"])
    assert ran.exit_code == 0, ran.output
    return out, root


def test_a_bulk_export_keeps_each_graded_module_and_the_padded_copy_is_flagged(bulk_class: tuple[Path, Path]) -> None:
    import json

    out, _root = bulk_class
    assert (out / "students" / "ann" / "code" / "pytorch_tensor.py").is_file()
    data = json.loads((out / "similarity.json").read_text(encoding="utf-8"))
    assert data["not_compared"] == [], "the unpacked export is gone, the kept modules are compared"
    flagged = [(p["first"], p["second"]) for p in data["pairs"] if p["flagged"]]
    assert flagged == [("ann", "ben")], data["pairs"][:3]


def test_unknown_hand_in_times_are_named_in_a_warning(bulk_class: tuple[Path, Path]) -> None:
    out, _root = bulk_class
    ran = CliRunner().invoke(main, ["class-report", str(out), "--due", "pytorch_tensor=2025-04-07 23:59", "--lang", "en"])
    assert ran.exit_code == 0, ran.output
    assert "the hand-in time of 3 student(s) is unknown" in ran.output and "ann, ben, cho" in ran.output
    assert "give --times" in ran.output


def test_a_student_no_longer_handed_in_is_moved_aside_not_counted(tmp_path: Path) -> None:
    hand_ins, out = tmp_path / "hand-ins", tmp_path / "graded"
    for name in ("kim", "zed"):
        _hand_in(hand_ins / name)
    options = dict(out=out, jobs=1, assignment="pytorch_tensor", allow_unconfined=True, limits=Limits(threads=1),
                   cache_dir=tmp_path / "cache")
    grade_all(submissions=hand_ins, **options)
    shutil.rmtree(hand_ins / "zed")  # withdrawn
    summary = grade_all(submissions=hand_ins, **options)
    assert [r["student"] for r in summary.records] == ["kim"] and summary.withdrawn == ["zed"]
    assert (out / "withdrawn" / "zed" / "graded.json").is_file() and not (out / "students" / "zed").exists()
    assert "withdrawn/" in (out / "summary.md").read_text(encoding="utf-8")
    assert "zed" not in (out / "index.html").read_text(encoding="utf-8")


def test_the_report_page_shows_the_submission_path_inert(tmp_path: Path) -> None:
    from autograder.feedback.html import render_html
    from autograder.grade.report import GradeReport

    page = render_html(GradeReport(submission="rtl\u202eevil\tname\nline"), language="en")
    assert "\u202e" not in page and "\\u202e" in page and "evil name ⏎ line" in page
