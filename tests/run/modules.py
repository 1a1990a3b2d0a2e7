"""A student module for sandbox tests: the answer key with code appended (later definitions win)."""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def answer_key_with(tmp_path: Path, body: str) -> Path:
    """A pytorch_tensor folder in `tmp_path`: the answer key's module with `body` appended."""
    folder = tmp_path / "pytorch_tensor"
    shutil.copytree(REPO / "solutions" / "pytorch_tensor", folder, ignore=shutil.ignore_patterns("__pycache__", "*.ipynb"))
    with open(folder / "tensor_basics.py", "a", encoding="utf-8") as handle:
        handle.write("\n" + body)
    return folder
