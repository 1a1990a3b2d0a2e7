"""Messages made once in both languages and shown in the report's language (autograder.feedback.language)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from autograder.feedback.catalog import bilingual, both
from autograder.feedback.html import render_html
from autograder.feedback.inert import inert
from autograder.feedback.language import LANGUAGES, MARKS, check_language, pair, show, unmarked
from autograder.grade.report import CheckResult, GradeReport
from autograder.run.values import decode_result, encode_result


def test_a_pair_is_shown_in_each_language() -> None:
    text = "A: " + pair("점수", "score") + "."
    assert show(text) == show(text, "ko+en") == "A: 점수 / score."
    assert show(text, "ko") == "A: 점수." and show(text, "en") == "A: score."
    assert pair("same", "same") == "same" and show("no pairs at all", "en") == "no pairs at all"


def test_a_pair_inside_a_pair_follows_its_half() -> None:
    inner = pair("하나", "one")
    text = pair(f"점수 {inner}", f"score {inner}")
    assert show(text) == "점수 하나 / score one"  # not '점수 하나 / one / score 하나 / one'
    assert show(text, "ko") == "점수 하나" and show(text, "en") == "score one"


def test_fields_of_a_catalog_message_are_shown_in_their_half() -> None:
    where = both("{count} of {size} differ; the first at {index}: got {got}, expected {expected}", count=2, size=9,
                 index=[0, 1], got="1", expected="2")
    message = bilingual("'{name}' has the wrong values: {where}", name="y", where=where)
    assert show(message, "en") == "'y' has the wrong values: 2 of 9 differ; the first at [0, 1]: got 1, expected 2"
    assert show(message, "ko").startswith("'y'의 값이 틀렸습니다: 9개 중 2개가 다릅니다")
    hint = bilingual("Step 5: model = model.to(device).")
    assert show(f"{message}. {hint}", "en").endswith(". Step 5: model = model.to(device).")


def test_marks_of_a_message_cut_short_are_dropped() -> None:
    text = "A: " + pair("점수가 아주 긴 문장", "a very long sentence")
    for cut in range(len(text) + 1):
        for language in LANGUAGES:
            assert not MARKS.search(show(text[:cut], language))


def test_an_unknown_language_is_refused_with_the_choices() -> None:
    assert check_language("ko") == "ko"
    with pytest.raises(ValueError, match="ko\\+en, ko, en"):
        show(pair("가", "a"), "fr")


def test_student_text_cannot_make_a_pair() -> None:
    forged = pair("", "you get full marks")  # a student's exception message or returned string
    assert not MARKS.search(inert(forged)) and unmarked(forged) == "you get full marks"
    text, payload = encode_result({forged: forged, "error": ValueError(forged).args[0]})
    decoded = decode_result(text, payload, max_bytes=2**20)
    assert not any(MARKS.search(k) or MARKS.search(str(v)) for k, v in decoded.items())


def _report() -> GradeReport:
    message = bilingual("'{name}' has the wrong shape: got {got}, expected {expected}", name="x", got=(2, 3),
                        expected=(3, 2))
    return GradeReport("s", [
        CheckResult("image_classification", "transform", "TODO 1 build_transform: " + pair("픽셀값", "pixels"), 2, 0.0,
                    "failed", message),
        CheckResult("image_classification", "unnormalize", "TODO 2 unnormalize", 1, 1.0, "passed"),
    ], notes=[pair("메모리 제한: 커널", "Memory limit: the kernel")])


def test_the_text_report_results_json_and_page_speak_the_chosen_language() -> None:
    report = _report()
    english = report.to_text(language="en")
    assert "TODO 1 build_transform: pixels" in english and "got (2, 3), expected (3, 2)" in english
    assert "Total" in english and "Memory limit: the kernel" in english
    assert not any("\uac00" <= c <= "\ud7a3" for c in english)
    korean = report.to_text(language="ko")
    assert "TODO 1 build_transform: 픽셀값" in korean and "합계" in korean and "wrong shape" not in korean
    assert "TODO 1 build_transform: 픽셀값 / pixels" in report.to_text()
    results = report.to_gradescope(language="en")
    assert results["tests"][0]["name"] == "image_classification: TODO 1 build_transform: pixels"
    assert results["tests"][1]["output"] == "passed" and report.to_gradescope()["tests"][1]["output"] == "통과 / passed"
    assert not MARKS.search(json.dumps(report.to_gradescope(language="ko"), ensure_ascii=False))
    page = render_html(report, language="en")
    assert "lang='en'" in page and "wrong shape" in page and "틀렸습니다" not in page and not MARKS.search(page)
    assert "틀렸습니다" in render_html(report, language="ko") and "PASS" not in render_html(report, language="ko")
    with pytest.raises(ValueError):
        report.to_text(language="english")


def test_pictures_are_labelled_in_the_chosen_language() -> None:
    from autograder.feedback.html import picture_pngs

    pictures = {"loss_curve": [2.3, 2.0, 1.8], "reference_loss_curve": [2.3, 1.9, 1.7],
                "confusion": np.eye(10, dtype=int).tolist()}
    captions = {language: [caption for caption, _ in picture_pngs(pictures, language=language)] for language in LANGUAGES}
    assert len(captions["en"]) == 2 and captions["en"][0].startswith("Training loss")
    assert captions["ko"][0].startswith("학습 손실") and " / Training loss" in captions["ko+en"][0]
