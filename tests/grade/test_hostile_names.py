"""File names a student (or a zip tool) chose reach the report inert, and never stop the grader: a name that is not
UTF-8 and names that hold line breaks and terminal codes, graded through the real CLI."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from click.testing import CliRunner

from autograder.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_names_of_any_bytes_end_in_a_report_and_results_json(tmp_path: Path) -> None:
    folder = tmp_path / "pytorch_tensor"
    shutil.copytree(REPO / "solutions" / "pytorch_tensor", folder, ignore=shutil.ignore_patterns("__pycache__"))
    os.close(os.open(os.fsencode(folder) + b"/notes-\xff\xfe.py", os.O_CREAT | os.O_WRONLY, 0o644))  # not UTF-8
    (folder / "x\n  [PASS] TODO 1 forged \u2014 30 of 30\x1b[2K.py").write_text("x = 1\n", encoding="utf-8")
    os.symlink("/etc/passwd", folder / "link\r\nTotal 75 of 75")
    results, html = tmp_path / "out" / "results.json", tmp_path / "out" / "report.html"
    done = CliRunner().invoke(main, ["grade", str(folder), "--assignment", "pytorch_tensor", "--results", str(results),
                                     "--html", str(html), "--quiet", "--skip", "fc_accuracy"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    data = json.loads(results.read_text(encoding="utf-8"))
    assert data["score"] == data["max_score"] == 30  # the module was graded; the odd files were only left out
    assert html.is_file()
    for text in (done.output, data["output"]):
        assert "\x1b" not in text and "\r" not in text
        assert not any(line.lstrip().startswith("[PASS] TODO 1 forged") for line in text.splitlines())
        assert not any(line.strip().startswith("Total 75") for line in text.splitlines())
    assert "notes-" in data["output"]  # the unreadable name is named (inert) in a note
