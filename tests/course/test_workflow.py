"""The GitHub Actions workflow that grades a class (.github/workflows/grade-class.yml) passes actionlint
and keeps the answer key out of what it publishes."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "grade-class.yml"


def _actionlint() -> str:
    found = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    assert Path(found).exists(), "actionlint is missing: `pip install -e .[dev]` installs it"
    return found


def test_the_class_workflow_passes_actionlint() -> None:
    result = subprocess.run([_actionlint(), "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on: ubuntu-latest", "runs-on: [ubuntu-latest\n"),
                      encoding="utf-8")
    result = subprocess.run([_actionlint(), "-no-color", str(broken)], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0


def test_the_workflow_publishes_grades_and_reports_but_never_the_answer_key() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    uploaded = text[text.index("actions/upload-artifact"):]
    assert "graded/grades.csv" in uploaded and "graded/students/" in uploaded
    assert "solutions" not in uploaded and "source" not in uploaded.split("path:")[1]
    assert "grade-all" in text and "permissions:\n  contents: read" in text
