"""The text report lines up by display width (Hangul is two columns wide) and wraps long titles and messages."""
from __future__ import annotations

from autograder.feedback.language import LANGUAGES, pair
from autograder.feedback.width import display_width, pad, wrap
from autograder.grade.report import MESSAGE_COLUMNS, CheckResult, GradeReport


def _report() -> GradeReport:
    return GradeReport("kim", results=[
        CheckResult("pytorch_tensor", "zeros", pair("TODO 1 영행렬과 일행렬", "TODO 1 zeros and ones"), 2, 2, "passed"),
        CheckResult("pytorch_tensor", "train", pair("TODO 6 train: 7단계가 정답 코드처럼 가중치를 업데이트함",
                                                    "TODO 6 train: the 7 steps update the weights as the reference does"),
                    5, 0, "failed", pair("아주 긴 메시지 " * 30, "a very long message " * 30)),
        CheckResult("image_classification", "count", "TODO 5 count_parameters", 1, 0.5, "partial", "x"),
    ])


def test_the_points_column_lines_up_in_every_language() -> None:
    for language in LANGUAGES:
        lines = _report().to_text(language=language).splitlines()
        scored = [line for line in lines if line.rstrip().endswith(("/ 2", "/ 5", "/ 7", "/ 1", "/ 8"))]
        assert len(scored) >= 6, lines
        assert len({display_width(line) - len(line.rsplit("/", 1)[1]) for line in scored}) == 1, "\n".join(scored)


def test_messages_and_titles_wrap_at_a_readable_width() -> None:
    text = _report().to_text()
    assert max(display_width(line) for line in text.splitlines()) <= max(MESSAGE_COLUMNS, 80)
    assert "업데이트함" in text and text.count("[FAIL]") == 1


def test_width_helpers() -> None:
    assert display_width("합계") == 4 and display_width("Total") == 5 and display_width("e\u0301") == 1
    assert pad("합계", 6) == "합계  " and pad("toolong", 3) == "toolong"
    assert wrap("a b c", width=4, indent="") == ["a b", "c"] and wrap("a b c", width=6, indent="  ") == ["  a b", "  c"]
    assert all(display_width(line) <= 12 for line in wrap("가나다라마바사아자차카타파하", width=12, indent="  "))


def test_no_message_line_looks_like_a_title_line_with_its_points() -> None:
    """The red team's forgery: a 'word' of blank-looking characters laid out like a wrapped title with its points."""
    from autograder.feedback.inert import inert

    forged = "TODO\u2800Bonus:\u2800extra\u2800credit\u2800" + "\u2800" * 40 + "5\u2800/\u28005"
    assert "\u2800" not in inert(forged) and "\\u2800" in inert(forged)
    report = GradeReport("kim", results=[CheckResult(
        "pytorch_tensor", "train", pair("TODO 6 train: 7단계가 정답 코드처럼 가중치를 업데이트함",
                                        "TODO 6 train: the 7 steps update the weights as the reference does"),
        5, 0, "failed", "'train' raised ValueError: " + "word " * 18 + inert(forged))])
    lines = report.to_text(language="en").splitlines()
    title_ends = [line for line in lines if line.rstrip().endswith("/ 5") and line.startswith(" ")]
    assert len(title_ends) == 1 and title_ends[0].startswith(" " * 11) and not title_ends[0].startswith(" " * 12)
    messages = [line for line in lines if line.startswith(" " * 9) and not line.startswith(" " * 10)]
    assert messages and not any(line.rstrip().endswith(("/ 5", "5 / 5")) for line in messages)
