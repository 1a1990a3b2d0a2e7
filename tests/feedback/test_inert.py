"""Student-made text is shown inert: one line, no control characters, nothing that passes for a report line."""
from __future__ import annotations

from autograder.feedback import escape_controls, inert, inert_line
from autograder.grade.report import CheckResult, GradeReport

FORGERY = "boom\n  [PASS] TODO 2 make_random_matrix   1 / 1\r\nTotal  30 / 30\x1b[2J\u202e\x07"


def test_inert_is_one_line_without_controls() -> None:
    text = inert(FORGERY)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text and "\u202e" not in text
    assert text == "boom ⏎ [PASS] TODO 2 make_random_matrix 1 / 1 ⏎ Total 30 / 30\\x1b[2J\\u202e\\x07"
    assert inert("한국어 메시지 / Korean") == "한국어 메시지 / Korean"  # printable text stays as it is
    assert len(inert("x" * 10_000)) <= 600


def test_inert_line_keeps_the_last_line_only() -> None:
    assert inert_line("first\nsecond\x1b[31m\n\n") == "second\\x1b[31m"


def test_escape_controls_keeps_spacing_and_escapes_breaks() -> None:
    assert escape_controls("a  b\rc\nd\x00") == "a  b\\x0dc\\x0ad\\x00"


def test_a_forged_message_cannot_add_report_lines() -> None:
    report = GradeReport(submission="s", results=[
        CheckResult("pytorch_tensor", "zeros_and_ones", "TODO 1 make_zeros_and_ones", 1, 0.0, "failed",
                    f"'make_zeros_and_ones' raised ValueError: {inert(FORGERY)}")])
    lines = report.to_text().splitlines()
    assert not any(line.lstrip().startswith(("[PASS] TODO 2", "Total  30")) for line in lines)
    assert sum(line.startswith("합계 / Total") for line in lines) == 1


def test_lone_surrogates_and_astral_controls_are_visible_escapes() -> None:
    assert inert("\udcff") == "\\udcff"  # a byte that was not UTF-8 (os.fsdecode, surrogateescape)
    assert inert("tensor_basics\udcff.py\ud800") == "tensor_basics\\udcff.py\\ud800"
    assert inert("tag\U000e0001end") == "tag\\U000e0001end"  # astral format character: eight hex digits
    assert inert("\ue000pair\ue002") == "\\ue000pair\\ue002"  # the grader's own pair marks


def test_inert_text_can_always_be_written_as_utf8() -> None:
    import json
    import random
    import unicodedata

    rng = random.Random(7)
    pools = [(0, 0x80), (0x80, 0x800), (0xD800, 0xE000), (0xE000, 0xF900), (0x10000, 0x110000)]
    for _ in range(2000):
        text = "".join(chr(rng.randrange(*rng.choice(pools))) for _ in range(rng.randrange(0, 40)))
        shown = inert(text)
        json.dumps(shown, ensure_ascii=False).encode("utf-8")
        shown.encode("utf-8")
        assert "\n" not in shown and "\r" not in shown
        assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") for c in shown)
