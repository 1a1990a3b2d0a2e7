"""stubs: the notebook code stub and the `.py` stub line."""
from __future__ import annotations

import pytest

from autograder.assign import CODE_STUB, NOT_IMPLEMENTED, TEXT_STUB
from autograder.assign.stubs import stub_line, stub_message


def test_code_stub_is_bilingual_and_raises() -> None:
    assert set(CODE_STUB) == {"python"}
    stub = CODE_STUB["python"]
    assert "YOUR CODE HERE" in stub and "여기에 코드를 작성하세요" in stub
    with pytest.raises(NotImplementedError):
        exec(compile(stub, "<stub>", "exec"), {})
    assert "YOUR ANSWER HERE" in TEXT_STUB


def test_stub_message() -> None:
    assert stub_message("make_zeros_and_ones", "TODO 1") == (
        "make_zeros_and_ones: TODO 1 — 아직 구현하지 않았습니다 / not implemented yet"
    )
    assert stub_message("Net.forward", None) == f"Net.forward — {NOT_IMPLEMENTED}"


def test_stub_line_keeps_indentation_and_newline() -> None:
    line = stub_line("        ", "train", "step 1)", "\r\n")
    expected = 'raise NotImplementedError("train: step 1) — 아직 구현하지 않았습니다 / not implemented yet")'
    assert line == f"        {expected}\r\n"
    with pytest.raises(NotImplementedError) as info:
        exec(line.strip(), {})
    assert str(info.value) == stub_message("train", "step 1)")
