"""The HTML report: every check, the accuracy checks' pictures, Korean drawn with a real Korean font."""
from __future__ import annotations

import base64
import html
import io
import re
import warnings
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont

from autograder.feedback.fonts import korean_pictures
from autograder.feedback.html import confusion_png, loss_curve_figure, loss_curve_png, misclassified_png, render_html, write_html
from autograder.grade.report import CheckResult, GradeReport
from tests.feedback.reports import report_with_pictures


def _visible_text(page: str) -> str:
    body = page.split("<body>", 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_page_has_every_check_and_the_three_pictures(tmp_path: Path) -> None:
    page = render_html(report_with_pictures(tmp_path))
    assert page.count("class='badge pass'") == 2 and page.count("class='badge fail'") == 1
    assert "TODO 6 train: weights after one pass" in page and "0 / 4" in page and "7 / 11" in page
    assert len(re.findall(r"<img alt='[^']*' src='data:image/png;base64,", page)) == 3
    for caption in ("학습 손실", "혼동 행렬", "틀리게 분류한 테스트 이미지"):
        assert f"<figcaption>{caption}" in page


def test_student_text_is_shown_never_run(tmp_path: Path) -> None:
    page = render_html(report_with_pictures(tmp_path, failing_message="<script>alert(1)</script> & 'x'"))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;x&#x27;" in page


def test_the_embedded_font_has_every_character_the_page_shows(tmp_path: Path) -> None:
    page = render_html(report_with_pictures(tmp_path))
    encoded = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(encoded)))
    covered = set(font.getBestCmap())
    shown = {ord(c) for c in _visible_text(page) if not c.isspace()}
    hangul = {c for c in shown if 0xAC00 <= c <= 0xD7A3}
    assert len(hangul) > 30 and not (shown - covered), sorted(chr(c) for c in shown - covered)
    assert "white-space: pre-wrap" in page  # long messages wrap instead of running off the right edge


def test_pictures_draw_korean_with_the_korean_font_and_leave_settings_alone(tmp_path: Path) -> None:
    before = dict(matplotlib.rcParams)
    pictures = next(r for r in report_with_pictures(tmp_path).results if r.name == "fc_accuracy").pictures
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for a box it draws
        drawn = [loss_curve_png(pictures["loss_curve"], pictures["reference_loss_curve"]),
                 confusion_png(pictures["confusion"]), misclassified_png(pictures["misclassified"])]
    assert all(png is not None and png.startswith(b"\x89PNG") for png in drawn)
    assert dict(matplotlib.rcParams) == before
    with korean_pictures():
        assert matplotlib.rcParams["font.family"][0] == "NanumGothic"


def test_without_pictures_the_page_is_the_report_alone(tmp_path: Path) -> None:
    report = GradeReport("s", [CheckResult("pytorch_tensor", "mean", "TODO 6 mean", 1, 0.0, "failed", "평균 / mean")])
    write_html(report, tmp_path / "out" / "report.html")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<img" not in page and "TODO 6 mean" in page and "0 / 1" in page
    assert loss_curve_png([], []) is None and confusion_png([[0] * 10] * 10) is None and misclassified_png([]) is None


def test_a_refused_submission_says_why(tmp_path: Path) -> None:
    page = render_html(GradeReport.refused("s", "과제 폴더가 없습니다 / no assignment folder", exit_code=2))
    assert "채점하지 못했습니다 / Not graded" in page and "과제 폴더가 없습니다" in page


@pytest.mark.parametrize("status", ["review", "grader-error", "partial"])
def test_every_status_has_a_korean_badge(status: str) -> None:
    page = render_html(GradeReport("s", [CheckResult("pytorch_tensor", "mean", "TODO 6 mean", 2, 1.0, status)]))
    assert re.search(r"class='badge \w+'>(보류|채점기 오류|부분) ", page)


def test_a_diverged_run_is_drawn_on_a_log_scale_and_said(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = loss_curve_png([2.3, 700.0, None, None], [2.3, 2.0, 1.8, 1.6])
        with korean_pictures():
            axes = loss_curve_figure([2.3, 700.0, None, None], [2.3, 2.0, 1.8, 1.6]).axes[0]
            calm = loss_curve_figure([2.3, 2.1, 1.9, 1.7], [2.3, 2.0, 1.8, 1.6]).axes[0]
    assert png is not None and png.startswith(b"\x89PNG")
    assert axes.get_yscale() == "log" and calm.get_yscale() == "linear"
    assert any("NaN" in text.get_text() for text in axes.texts) and not calm.texts
