"""The release notebook is byte-identical to what `nbgrader generate_assignment` writes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from autograder.assign import build_all

CONFIG = """\
from autograder.assign import CODE_STUB, TEXT_STUB

c = get_config()
c.CourseDirectory.course_id = "mini-course"
c.ClearSolutions.code_stub = dict(CODE_STUB)
c.ClearSolutions.text_stub = TEXT_STUB
"""


def test_release_notebook_equals_nbgrader_generate_assignment(mini_source: Path, tmp_path: Path) -> None:
    course = mini_source.parent
    (course / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    env = dict(os.environ)
    # nbgrader runs the `alembic` command of its own environment to set up the gradebook
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    repo = Path(__file__).resolve().parents[2]
    env["PYTHONPATH"] = os.pathsep.join([str(repo), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "mini", "--force"],
        cwd=course, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    theirs = course / "release" / "mini" / "mini.ipynb"

    ours = tmp_path / "ours"
    build_all(source_dir=mini_source, release_dir=ours / "release", solutions_dir=ours / "solutions")
    assert (ours / "release" / "mini" / "mini.ipynb").read_bytes() == theirs.read_bytes()
