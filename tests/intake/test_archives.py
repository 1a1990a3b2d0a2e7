"""Archives as an LMS or Gradescope delivers them: unpacked with no path escapes, no links, no bombs."""
from __future__ import annotations

import io
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from autograder.intake import IntakeError, IntakeLimits, receive_submission

MODULE = b"x = 1\n"


def _zip(path: Path, members: dict[str, bytes], *, links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def _tar(path: Path, members: dict[str, bytes], *, links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return path


@pytest.mark.parametrize("make", [_zip, _tar], ids=["zip", "tar.gz"])
def test_an_archive_is_unpacked_into_plain_files(tmp_path: Path, make) -> None:  # noqa: ANN001
    name = "hw.zip" if make is _zip else "hw.tar.gz"
    archive = make(tmp_path / name, {"hw1/pytorch_tensor/tensor_basics.py": MODULE,
                                     "__MACOSX/hw1/._tensor_basics.py": b"junk"},
                   links={"hw1/pytorch_tensor/key.py": "/work/main/solutions/pytorch_tensor/tensor_basics.py"})
    received = receive_submission(archive, tmp_path / "copy")
    assert (tmp_path / "copy" / "hw1" / "pytorch_tensor" / "tensor_basics.py").read_bytes() == MODULE
    assert received.dropped == ["hw1/pytorch_tensor/key.py (link)"]
    assert not any(p.is_symlink() for p in (tmp_path / "copy").rglob("*"))
    assert not (tmp_path / "copy" / "__MACOSX").exists()


@pytest.mark.parametrize("make", [_zip, _tar], ids=["zip", "tar.gz"])
@pytest.mark.parametrize("name", ["../escape.py", "/etc/escape.py", "a/../../escape.py"])
def test_paths_that_leave_the_folder_are_refused(tmp_path: Path, make, name: str) -> None:  # noqa: ANN001
    archive = make(tmp_path / ("bad.zip" if make is _zip else "bad.tar.gz"), {name: MODULE})
    with pytest.raises(IntakeError, match="leads outside its folder"):
        receive_submission(archive, tmp_path / "inner" / "copy")
    assert not list(tmp_path.rglob("escape.py"))
    assert not (tmp_path / "inner" / "copy").exists()


def test_a_decompression_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "bomb.zip", {"big.bin": b"\0" * 20_000_000})
    assert archive.stat().st_size < 100_000
    with pytest.raises(IntakeError, match="too large"):
        receive_submission(archive, tmp_path / "copy", limits=IntakeLimits(max_bytes=5_000_000))
    assert not (tmp_path / "copy").exists()


def test_a_broken_archive_says_to_make_it_again(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IntakeError, match="could not be unpacked"):
        receive_submission(broken, tmp_path / "copy")


def test_a_single_notebook_is_taken_in_and_the_grader_asks_for_the_module(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from autograder.cli import main

    notebook = tmp_path / "pytorch_tensor.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    received = receive_submission(notebook, tmp_path / "copy")
    assert (received.root / "pytorch_tensor.ipynb").is_file()
    results = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["grade", str(notebook), "--results", str(results)])
    assert result.exit_code == 2, result.output
    assert "a notebook alone cannot be graded" in result.output and "노트북만으로는" in result.output
    assert results.is_file()
