"""The late policy and the gradebook exports: the rules change totals as documented (late.py's docstring), and
Canvas's and Moodle's import CSVs parse, have their formats' columns and carry the late totals, mapped by the
roster; on the real graded class of conftest.py (times from a times CSV and nbgrader's timestamp.txt)."""
from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from autograder.classview.exports import CANVAS_ID_COLUMNS, MOODLE_ID_COLUMNS, POINTS_POSSIBLE
from autograder.classview.late import LatePolicy, apply_policy, parse_time
from autograder.cli import main
from tests.classview.conftest import HOSTILE_NAME

SEOUL = ZoneInfo("Asia/Seoul")
DUE = datetime(2025, 4, 7, 23, 59, tzinfo=SEOUL)


@pytest.mark.parametrize("late, policy, factor", [
    (timedelta(minutes=-5), {}, 1.0),                                   # early
    (timedelta(minutes=1), {}, 0.9),                                    # a minute late: one day, 10 %
    (timedelta(hours=25), {}, 0.8),                                     # a day and an hour: two days
    (timedelta(minutes=9), {"grace": timedelta(minutes=10)}, 1.0),      # within the grace
    (timedelta(days=1, hours=1), {"extensions": {"kim": timedelta(days=2)}}, 1.0),  # within the extension
    (timedelta(days=3, hours=1), {"extensions": {"kim": timedelta(days=2)}}, 0.8),  # 2 days past the extension
    (timedelta(days=3), {"cutoff_days": 3}, 0.7),                       # 3 days: at the cut-off, still counted
    (timedelta(days=3, seconds=1), {"cutoff_days": 3}, 0.0),            # 4 days > 3: nothing
    (timedelta(days=12), {}, 0.0),                                      # never below 0
])
def test_the_late_rules(late: timedelta, policy: dict, factor: float) -> None:
    rules = LatePolicy(due={"pytorch_tensor": DUE}, **policy)
    result = apply_policy(rules, student="kim", assignment="pytorch_tensor", total=20.0, submitted=DUE + late,
                          source="times.csv")
    assert result.factor == pytest.approx(factor)
    assert result.final == pytest.approx(20.0 * factor)


def test_times_are_read_with_their_zone() -> None:
    assert parse_time("2025-04-07 23:59") == DUE
    assert parse_time("2025-04-07 14:59:00.000000 UTC") == DUE  # nbgrader's timestamp.txt
    assert parse_time("2025-04-07T23:59:00+09:00") == DUE


def _csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_exports_with_the_late_policy(graded_class: Path, tmp_path: Path) -> None:
    graded = tmp_path / "graded"
    shutil.copytree(graded_class, graded)
    # lee hands in through nbgrader: a timestamp.txt 26 hours after the due date (2 days late: x 0.8)
    record_path = graded / "students" / "lee" / "graded.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    submission = tmp_path / "course" / "submitted" / "lee"  # nbgrader's exchange layout
    shutil.copytree(record["provenance"]["submission_path"], submission)
    (submission / "pytorch_tensor" / "timestamp.txt").write_text("2025-04-08 15:59:00.000000 UTC\n", encoding="utf-8")
    record["provenance"]["submission_path"] = str(submission)
    record_path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    times = tmp_path / "times.csv"
    times.write_text("student,submitted_at\nkim,2025-04-07 23:00\npark,2025-04-09 00:30\nseo,2025-04-20 10:00\n"
                     "jung,2025-04-08 12:00\n", encoding="utf-8")
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("student,extension\njung,2d\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ["student", "student_number", "first_name", "last_name", "email", "canvas_id", "sis_login_id", "section"],
            ["kim", "2024000001", "Minji", "Kim", "kim@uni.ac.kr", "101", "kim01", "A"],
            ["lee", "2024000002", "Jun", "Lee", "lee@uni.ac.kr", "102", "lee01", "A"],
            ["park", "2024000003", "Seo", "Park", "park@uni.ac.kr", "103", "park01", "B"],
            ["seo", "2024000004", "Hana", "Seo", "seo@uni.ac.kr", "104", "seo01", "B"],
            ["jung", "2024000005", "Ara", "Jung", "jung@uni.ac.kr", "105", "jung01", "B"],
            [HOSTILE_NAME, '=HYPERLINK("http://x")', "=1+1", "Evil", "e@uni.ac.kr", "106", "evil", "C"]])
    canvas, moodle = tmp_path / "canvas.csv", tmp_path / "moodle.csv"
    result = CliRunner().invoke(main, [
        "class-report", str(graded), "--roster", str(roster), "--canvas", str(canvas), "--moodle", str(moodle),
        "--due", "pytorch_tensor=2025-04-07 23:59", "--penalty-per-day", "10", "--cutoff-days", "7",
        "--times", str(times), "--extensions", str(extensions), "--lang", "en"])
    assert result.exit_code == 0, result.output
    totals = {r["student"]: r["score"] for r in
              (json.loads((graded / "students" / s / "graded.json").read_text(encoding="utf-8")) for s in
               ("kim", "lee", "park", "seo", "jung"))}
    expected = {"kim": totals["kim"], "lee": round(totals["lee"] * 0.8, 4), "park": round(totals["park"] * 0.8, 4),
                "seo": 0.0, "jung": totals["jung"]}  # seo: 13 days > cut-off; jung: within the extension

    rows = _csv(canvas)
    assert rows[0] == [*CANVAS_ID_COLUMNS, "pytorch_tensor"]
    assert rows[1][0] == POINTS_POSSIBLE and rows[1][-1] == "30"
    by_sis = {row[2]: row for row in rows[2:]}
    assert len(rows) == 2 + 6  # the six students of the roster; the others are said to be missing
    for number, student in enumerate(("kim", "lee", "park", "seo", "jung"), start=1):
        row = by_sis[f"202400000{number}"]
        assert row[1] == f"10{number}" and float(row[-1]) == pytest.approx(expected[student]), student
    hostile = next(row for row in rows[2:] if row[1] == "106")
    assert hostile[2].startswith("'=") and hostile[0] == "'=1+1 Evil"  # no formula survives
    assert "not in the roster" in result.output

    rows = _csv(moodle)
    assert rows[0] == [*MOODLE_ID_COLUMNS, "pytorch_tensor", "Feedback: pytorch_tensor"]
    lee = next(row for row in rows[1:] if row[0] == "2024000002")
    assert lee[1] == "lee@uni.ac.kr" and float(lee[4]) == pytest.approx(expected["lee"])
    assert "2 day(s) late" in lee[5] and lee[5].startswith("지각 2일")

    late = {row["student"]: row for row in csv.DictReader(open(graded / "late.csv", encoding="utf-8"))}
    assert late["lee"]["source"] == "timestamp.txt" and late["lee"]["days_late"] == "2"
    assert late["kim"]["source"] == "times.csv" and late["kim"]["days_late"] == "0"
    assert late["seo"]["factor"] == "0.0" and late["jung"]["extension_hours"] == "48.0"
    assert late["choi"]["source"] == "mtime"  # no time given: the files' (today: far past the due date)
    summary = (graded / "summary.md").read_text(encoding="utf-8")
    assert "## Late policy" in summary and "Grading summary" in summary
    assert json.loads((graded / "summary.json").read_text(encoding="utf-8"))["late"]
    page = (graded / "index.html").read_text(encoding="utf-8")
    assert "after late policy" in page and "2 day(s) late" in page and "past the cut-off: 0" in page
    assert "href='late.csv'" in page
    # a second run replaces the late section, never adds another
    CliRunner().invoke(main, ["class-report", str(graded), "--due", "pytorch_tensor=2025-04-07 23:59", "--lang", "en"])
    assert (graded / "summary.md").read_text(encoding="utf-8").count("## Late policy") == 1


def _twin(graded: Path, source: str, folder: str, entry: str) -> None:
    """students/<folder>: a copy of <source>'s record, handed in as `entry`."""
    record = json.loads((graded / "students" / source / "graded.json").read_text(encoding="utf-8"))
    record["student"], record["entry"] = folder, entry
    (graded / "students" / folder).mkdir()
    (graded / "students" / folder / "graded.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def _class_report(graded: Path, tmp_path: Path, roster_rows: list[list[str]], *more: str):
    roster = tmp_path / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["student", "student_number", "canvas_id"], *roster_rows])
    canvas = tmp_path / "canvas.csv"
    result = CliRunner().invoke(main, ["class-report", str(graded), "--roster", str(roster), "--canvas", str(canvas),
                                       "--lang", "en", *more])
    return result, canvas


def test_one_roster_row_is_one_student(graded_class: Path, tmp_path: Path) -> None:
    import unicodedata

    graded = tmp_path / "graded"
    shutil.copytree(graded_class, graded)
    _twin(graded, "kim", "kim_lee", "kim lee")    # entries "kim lee" and "kim_lee": folders kim_lee, kim_lee-2
    _twin(graded, "lee", "kim_lee-2", "kim_lee")
    nfc, nfd = unicodedata.normalize("NFC", "각"), unicodedata.normalize("NFD", "각")
    _twin(graded, "kim", nfc, nfc)                # an NFD entry and its NFC twin: folders 각 and 각-2, entry 각
    _twin(graded, "lee", f"{nfc}-2", nfc)
    result, canvas = _class_report(graded, tmp_path, [["kim_lee", "901", "901"], [nfc, "902", "902"],
                                                      [nfd, "903", "903"], ["park", "904", "904"]])
    assert result.exit_code == 0, result.output
    numbers = [row[2] for row in _csv(canvas)[2:]]
    assert numbers == ["904"]  # no row written twice, none guessed
    for name in ("kim_lee", "kim_lee-2", nfc, f"{nfc}-2"):
        assert name in result.output.split("could be theirs or another")[1], name
    assert "could be theirs or another" in (graded / "summary.md").read_text(encoding="utf-8")
    # the exact folder name, when no other student's entry is spelt so, is one student
    result, canvas = _class_report(graded, tmp_path, [["kim_lee-2", "901", "901"], ["kim lee", "905", "905"]])
    def total(student: str) -> float:
        return json.loads((graded / "students" / student / "graded.json").read_text(encoding="utf-8"))["score"]

    assert result.exit_code == 0, result.output
    rows = {row[2]: float(row[-1]) for row in _csv(canvas)[2:]}
    assert rows == {"901": total("lee"), "905": total("kim")}
    # an extension or a time that could be two students' is refused
    extensions = tmp_path / "extensions.csv"
    extensions.write_text(f"student,extension\n{nfc},2d\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["class-report", str(graded), "--due", "pytorch_tensor=2025-04-07 23:59",
                                       "--extensions", str(extensions)])
    assert result.exit_code == 2 and "more than one student" in result.output
    times = tmp_path / "times.csv"
    times.write_text("student,submitted_at\nkim_lee,2025-04-01 10:00\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["class-report", str(graded), "--due", "pytorch_tensor=2025-04-07 23:59",
                                       "--times", str(times)])
    assert result.exit_code == 2 and "more than one student" in result.output


def test_a_roster_with_one_id_twice_is_refused(graded_class: Path, tmp_path: Path) -> None:
    result, _ = _class_report(graded_class, tmp_path, [["kim", "901", "1"], ["lee", "901", "2"]])
    assert result.exit_code == 2 and "student_number '901' is listed twice" in result.output


@pytest.mark.parametrize("option, text, message", [
    ("--due", "tensor_basicz=2025-04-07 23:59", "unknown assignment"),
    ("--extensions", "student,extension\nnobody,2d\n", "no student of this class"),
    ("--extensions", "student,extension\nkim,-2d\n", "negative"),
])
def test_policy_mistakes_are_errors(graded_class: Path, tmp_path: Path, option: str, text: str, message: str) -> None:
    args = ["class-report", str(graded_class), "--due", "pytorch_tensor=2025-04-07 23:59"]
    if option == "--due":
        args += ["--due", text]
    else:
        (tmp_path / "x.csv").write_text(text, encoding="utf-8")
        args += [option, str(tmp_path / "x.csv")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_only_nbgraders_timestamp_is_trusted(graded_class: Path, tmp_path: Path) -> None:
    graded = tmp_path / "graded"
    shutil.copytree(graded_class, graded)
    for student, folder in (("lee", tmp_path / "course" / "submitted" / "lee"), ("park", tmp_path / "hand-ins" / "park")):
        record_path = graded / "students" / student / "graded.json"
        record = json.loads(record_path.read_text(encoding="utf-8"))
        shutil.copytree(record["provenance"]["submission_path"], folder)
        (folder / "pytorch_tensor" / "timestamp.txt").write_text("2000-01-01 00:00:00 UTC\n", encoding="utf-8")
        record["provenance"]["submission_path"] = str(folder)
        record_path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["class-report", str(graded), "--due", "pytorch_tensor=2025-04-07 23:59",
                                       "--lang", "en"])
    assert result.exit_code == 0, result.output
    late = {row["student"]: row for row in csv.DictReader(open(graded / "late.csv", encoding="utf-8"))}
    assert late["lee"]["source"] == "timestamp.txt" and late["lee"]["days_late"] == "0"
    assert late["park"]["source"] == "mtime (timestamp.txt ignored: student-supplied)"
    assert late["park"]["days_late"] != "0"  # the student's own 2000-01-01 is not believed
    assert "was ignored (only nbgrader" in result.output
    # with no nbgrader timestamp at all, every time is a file's: said
    shutil.rmtree(tmp_path / "course")
    result = CliRunner().invoke(main, ["class-report", str(graded), "--due", "pytorch_tensor=2025-04-07 23:59"])
    assert "modification time" in result.output and "copying" in result.output
