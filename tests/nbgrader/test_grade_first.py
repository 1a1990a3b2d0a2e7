"""GradeBeforeRun, nbgrader's first autograde step: its configurable limits reach the sandbox, and a wrong one
stops the command with a message that names the setting (nothing is graded with a limit nobody asked for)."""
from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config import Config

from autograder.nbgrader_trust.grade_first import GradeBeforeRun, grade_cell_outcomes
from autograder.run import Limits

REPO = Path(__file__).resolve().parents[2]
SOURCE_NOTEBOOK = REPO / "source" / "pytorch_tensor" / "pytorch_tensor.ipynb"


@pytest.mark.parametrize("limits, says", [({"thread": 1}, "unknown limit(s) ['thread']"),
                                          ({"memory_mib": "8G"}, "memory_mib must be a positive integer"),
                                          ({"threads": 0}, "threads must be a positive integer")])
def test_a_wrong_limit_stops_autograde_naming_the_setting(limits: dict, says: str) -> None:
    config = Config()
    config.GradeBeforeRun.limits = limits
    step = GradeBeforeRun(config=config)
    with pytest.raises(ValueError) as raised:
        step.preprocess(None, {"nbgrader": {"notebook": "pytorch_tensor"}})  # stops before it looks at anything
    assert "c.GradeBeforeRun.limits in nbgrader_config.py" in str(raised.value) and says in str(raised.value)


def test_the_configured_limits_are_the_ones_the_student_code_runs_under(tmp_path: Path) -> None:
    """A matrix_mean whose first call spends 2 s of CPU passes under the default limits and is stopped under a
    1 s one."""
    submitted = tmp_path / "pytorch_tensor"
    submitted.mkdir()
    key = (REPO / "solutions" / "pytorch_tensor" / "tensor_basics.py").read_text(encoding="utf-8")
    slow_first_call = ("\n_answer_key_mean = matrix_mean\n_calls = []\n\n\n"
                       "def matrix_mean(a, axis=None):\n"
                       "    import time\n"
                       "    end = time.process_time() + (0 if _calls else 2)\n"
                       "    _calls.append(1)\n"
                       "    while time.process_time() < end:\n"
                       "        pass\n"
                       "    return _answer_key_mean(a, axis)\n")
    (submitted / "tensor_basics.py").write_text(key + slow_first_call, encoding="utf-8")

    stopped = grade_cell_outcomes(source_notebook=SOURCE_NOTEBOOK, submitted=submitted,
                                  limits=Limits(check_seconds=1.0, wall_slack_seconds=60.0))  # CPU time decides, busy or not
    lost = [g.text for g in stopped.values() if g.verdict != "full"]
    assert len(lost) == 1 and "time limit" in lost[0], [g.text for g in stopped.values()]
    relaxed = grade_cell_outcomes(source_notebook=SOURCE_NOTEBOOK, submitted=submitted, limits=Limits())
    assert all(g.verdict == "full" for g in relaxed.values()), [g.text for g in relaxed.values() if g.verdict != "full"]
