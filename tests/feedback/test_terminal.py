"""Progress on the terminal: one line per probe of the student's as it ends, a bar while training."""
from __future__ import annotations

import io

from autograder.feedback.terminal import TerminalProgress
from autograder.grade.progress import GradingEvent


def _event(kind: str, *, who: str = "student", status: str = "", done: int = 0) -> GradingEvent:
    return GradingEvent(kind, who, "image_classification", "fc_accuracy", ("Minimum CIFAR-10 accuracy: TwoLayerFC",),
                        done=done, total=766, status=status, seconds=41.25)


def test_lines_for_the_students_probes_and_one_for_the_answer_key() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    for event in (_event("start", who="answer key"), _event("done", who="answer key", status="ok"),
                  _event("start"), _event("progress", done=20), _event("progress", done=766), _event("done", status="ok"),
                  _event("start"), _event("done", status="timeout")):
        progress(event)
    lines = [line for line in stream.getvalue().splitlines() if line.startswith(("정답", "  Minimum"))]
    assert lines == ["정답 코드의 결과를 계산합니다 (한 번만; 다음부터는 캐시) / computing the answer key's results "
                     "(once; cached after)",
                     "  Minimum CIFAR-10 accuracy: TwoLayerFC — 실행함 / ran (41.2 s)",
                     "  Minimum CIFAR-10 accuracy: TwoLayerFC — 시간 제한으로 멈춤 / stopped: time limit (41.2 s)"]
    assert progress.bar is None  # closed when its probe ended


def test_the_training_bar_counts_batches() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    progress(_event("progress", done=40))
    assert progress.bar.n == 40 and progress.bar.total == 766
    progress(_event("progress", done=60))
    assert progress.bar.n == 60
    progress(_event("done", status="ok"))
    assert "batch" in stream.getvalue()
