"""graded/index.html in real headless Chromium: a class of 13 pytorch_tensor students graded for real (mixed
outcomes, hostile entry names, an error message that is a script). The page renders, its student table sorts when
a header is clicked, no script from student text ran, every link stays under the graded folder; the figures and
the clusters are right."""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from autograder.classview.dashboard import SORT_SCRIPT, render_dashboard
from autograder.classview.records import read_class
from autograder.classview.stats import check_statistics, describe, assignment_scores, point_biserial
from autograder.cli import main
from tests.classview.chromium import dump_dom
from tests.classview.conftest import CLASS, HOSTILE_NAME, MESSAGE_SCRIPT, SCRIPT_NAME

HARNESS = Path(__file__).with_name("harness.html")


@pytest.fixture(scope="module")
def seen(graded_class: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What Chromium saw of the dashboard grade-all wrote (through harness.html, which clicks the headers)."""
    page = graded_class / "index.html"
    assert page.is_file(), "grade-all writes index.html"
    shutil.copyfile(HARNESS, graded_class / "harness.html")
    dom = dump_dom(graded_class / "harness.html", profile=tmp_path_factory.mktemp("chromium"))
    (graded_class / "harness.html").unlink()
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found, dom[:2000]
    return json.loads(html.unescape(found.group(1)))


def test_the_page_renders_and_no_student_text_ran(seen: dict) -> None:
    assert "error" not in seen, seen.get("error")
    assert seen["pwned"] is None  # neither the entry names nor the error message ran
    assert seen["scripts"] == 1 and seen["images"] == 0 and seen["iframes"] == 0  # nothing injected became markup
    text = seen["bodyText"]
    assert "수업 한눈에 보기 / The class at a glance" in text
    assert HOSTILE_NAME in text and SCRIPT_NAME in text  # shown as the characters they are
    assert "window.__pwned=3" in text  # the message, as text
    assert "misconception cluster" in text and "discrimination" in text


def test_the_student_table_sorts_when_a_header_is_clicked(seen: dict) -> None:
    ascending = [float(v) for v in seen["ascending"]]
    descending = [float(v) for v in seen["descending"]]
    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True)
    assert len(set(ascending)) > 3
    assert seen["ariaAscending"] == "ascending"
    assert seen["byName"] in (sorted(seen["byName"]), sorted(seen["byName"], reverse=True))
    assert seen["ascendingStudents"] != seen["before"]  # the rows moved


def test_links_only_to_reports_under_the_graded_folder(seen: dict, graded_class: Path) -> None:
    links = seen["links"]
    assert len(links) >= len(CLASS)
    for link in links:
        assert re.fullmatch(r"students/[^/]+/report\.html", link), link
        assert (graded_class / unquote(link)).is_file()


def test_figures_clusters_and_the_command(graded_class: Path, tmp_path: Path) -> None:
    records = read_class(graded_class)
    rows = assignment_scores(records)["pytorch_tensor"]
    scores = [r["score"] for r in rows]
    page = render_dashboard(graded_class, language="en")
    figures = describe(scores)
    assert f"id='mean-pytorch_tensor'>{figures['mean']:.2f}".rstrip("0").rstrip(".") in page
    # lee, baek and the hostile name made the same mistake: one cluster of three, linked
    cluster = re.search(r"<tr class='cluster' data-students='3'>.*?</tr>", page, re.S)
    assert cluster and "students/lee/report.html" in cluster.group(0) and "students/baek/report.html" in cluster.group(0)
    # the discrimination shown is the corrected point-biserial, which a check every student passed does not have
    stats = {s["check"]: s for s in check_statistics(rows)}
    assert stats["arithmetic"]["passed"] < stats["arithmetic"]["graded"]
    assert stats["arithmetic"]["discrimination"] == pytest.approx(point_biserial(
        [1 if r["checks"]["arithmetic"]["score"] >= r["checks"]["arithmetic"]["points"] else 0 for r in rows if "arithmetic" in r["checks"]],
        [r["score"] - r["checks"]["arithmetic"]["score"] for r in rows if "arithmetic" in r["checks"]]))
    assert MESSAGE_SCRIPT not in page and html.escape(MESSAGE_SCRIPT, quote=True) in page
    assert page.count("<script") == 1 and f"<script>{SORT_SCRIPT}</script>" in page

    copy = tmp_path / "graded"
    shutil.copytree(graded_class, copy)
    (copy / "index.html").unlink()
    result = CliRunner().invoke(main, ["class-report", str(copy), "--lang", "ko"])
    assert result.exit_code == 0, result.output
    korean = (copy / "index.html").read_text(encoding="utf-8")
    assert "수업 한눈에 보기" in korean and "The class at a glance" not in korean


def test_statistics_on_known_numbers() -> None:
    assert describe([1, 2, 3, 4]) == {"n": 4, "mean": 2.5, "median": 2.5, "sd": pytest.approx(1.2909944), "min": 1.0, "max": 4.0}
    # passing students have higher rests: positive; a check everyone passes: None
    assert point_biserial([1, 1, 0, 0], [10, 9, 2, 1]) == pytest.approx(0.99, abs=0.01)
    assert point_biserial([1, 1, 1], [1, 2, 3]) is None
    assert point_biserial([0, 1, 0, 1], [10, 1, 9, 2]) < 0


def test_the_accuracy_distribution_against_the_reference(tmp_path: Path) -> None:
    """image_classification's accuracy checks, from constructed records and results.json (no training)."""
    accuracies = [0.49, 0.50, 0.47, 0.12, 0.10, 0.51]
    for number, accuracy in enumerate(accuracies):
        folder = tmp_path / "students" / f"s{number}"
        folder.mkdir(parents=True)
        passed = accuracy > 0.4
        check = {"assignment": "image_classification", "name": "fc_accuracy", "points": 5.0,
                 "score": 5.0 if passed else 0.0, "status": "passed" if passed else "failed",
                 "message": "" if passed else "accuracy too low"}
        record = {"student": f"s{number}", "entry": f"s{number}", "exit_code": 0, "score": check["score"],
                  "max_score": 5.0, "seconds": 30.0, "checks": [check], "peak_rss_mib": {"student": 900.0}}
        (folder / "graded.json").write_text(json.dumps(record), encoding="utf-8")
        (folder / "results.json").write_text(json.dumps({"tests": [
            {"tags": ["image_classification", "fc_accuracy"],
             "extra_data": {"accuracy": accuracy, "reference_accuracy": 0.4894}}]}), encoding="utf-8")
    page = render_dashboard(tmp_path, language="en")
    section = re.search(r"<div class='accuracy' data-check='fc_accuracy'>.*?</div>", page, re.S)
    assert section, "the accuracy section is there"
    counts = [int(c) for c in re.findall(r"data-count='?\"?(\d+)", section.group(0))]
    assert sum(counts) == len(accuracies) and len(counts) == 20
    assert counts[2] == 2 and counts[9] == 2 and counts[10] == 2  # 10-15 %: two; 45-50 %: two; 50-55 %: two
    assert "reference 48.94%" in section.group(0)
    assert "more than 5 points below the reference: 2" in section.group(0)
    assert "<tr class='cluster' data-students='2'>" in page  # the two with the same message
