"""Intake of a submission folder: read, never followed; bounded; refusals say what to do."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.intake import IntakeError, IntakeLimits, copy_tree, receive_submission

REPO = Path(__file__).resolve().parents[2]
ANSWER_KEY = REPO / "solutions" / "pytorch_tensor" / "tensor_basics.py"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "submission" / "pytorch_tensor"
    folder.mkdir(parents=True)
    (folder / "tensor_basics.py").write_text("x = 1\n")
    return tmp_path / "submission"


def test_regular_files_and_folders_are_copied(tmp_path: Path) -> None:
    source = _folder(tmp_path)
    (source / "pytorch_tensor" / "notes").mkdir()
    (source / "pytorch_tensor" / "notes" / "a.txt").write_text("hello")
    (source / "pytorch_tensor" / "__pycache__").mkdir()
    (source / "pytorch_tensor" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    received = copy_tree(source, tmp_path / "copy")
    files = sorted(str(p.relative_to(tmp_path / "copy")) for p in (tmp_path / "copy").rglob("*"))
    assert files == ["pytorch_tensor", "pytorch_tensor/notes", "pytorch_tensor/notes/a.txt",
                     "pytorch_tensor/tensor_basics.py"]
    assert received.dropped == [] and received.notes() == []


def test_a_link_as_the_submission_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(REPO / "solutions")
    with pytest.raises(IntakeError, match="symbolic link") as raised:
        receive_submission(link, tmp_path / "copy")
    assert "심볼릭 링크" in str(raised.value)
    assert not (tmp_path / "copy").exists()


@pytest.mark.parametrize("what", ["assignment folder", "module", "helper file", "fifo"])
def test_links_and_special_files_inside_are_dropped_and_named(tmp_path: Path, what: str) -> None:
    source = tmp_path / "submission"
    source.mkdir()
    if what == "assignment folder":
        (source / "pytorch_tensor").symlink_to(REPO / "solutions" / "pytorch_tensor")
        dropped = "pytorch_tensor (link)"
    else:
        (source / "pytorch_tensor").mkdir()
        if what == "module":
            (source / "pytorch_tensor" / "tensor_basics.py").symlink_to(ANSWER_KEY)
            dropped = "pytorch_tensor/tensor_basics.py (link)"
        elif what == "helper file":
            (source / "pytorch_tensor" / "tensor_basics.py").write_text("x = 1\n")
            (source / "pytorch_tensor" / "helper.py").symlink_to(ANSWER_KEY)
            dropped = "pytorch_tensor/helper.py (link)"
        else:
            os.mkfifo(source / "pytorch_tensor" / "pipe")
            dropped = "pytorch_tensor/pipe (special file)"
    received = receive_submission(source, tmp_path / "copy")
    assert received.dropped == [dropped]
    assert dropped in received.notes()[0] and "링크" in received.notes()[0]
    copied = [p for p in (tmp_path / "copy").rglob("*")]
    assert not any(p.is_symlink() for p in copied)
    assert all(p.read_bytes() != ANSWER_KEY.read_bytes() for p in copied if p.is_file())


def test_depth_file_count_and_size_are_bounded_before_copying(tmp_path: Path) -> None:
    deep = tmp_path / "deep"
    path = deep
    for i in range(300):  # a few hundred levels
        path = path / "d"
    path.mkdir(parents=True)
    with pytest.raises(IntakeError, match="nested too deeply"):
        copy_tree(deep, tmp_path / "copy-deep")

    many = tmp_path / "many"
    many.mkdir()
    for i in range(30):
        (many / f"f{i}.txt").write_text("x")
    with pytest.raises(IntakeError, match="too large"):
        copy_tree(many, tmp_path / "copy-many", limits=IntakeLimits(max_files=20))

    big = tmp_path / "big"
    big.mkdir()
    (big / "data.bin").write_bytes(b"\0" * 3_000_000)
    with pytest.raises(IntakeError, match="too large") as raised:
        copy_tree(big, tmp_path / "copy-big", limits=IntakeLimits(max_bytes=2_000_000))
    assert "데이터 파일" in str(raised.value)
    assert not (tmp_path / "copy-big" / "data.bin").exists()


def test_a_missing_submission_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match="No such submission"):
        receive_submission(tmp_path / "nope", tmp_path / "copy")


def test_an_unknown_single_file_is_refused_with_what_to_hand_in(tmp_path: Path) -> None:
    odd = tmp_path / "submission.docx"
    odd.write_bytes(b"PK")
    with pytest.raises(IntakeError, match=r"\.zip or \.tar\.gz"):
        receive_submission(odd, tmp_path / "copy")
