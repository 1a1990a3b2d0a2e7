"""Progress on the terminal while a submission is graded: a line per probe as it ends, a bar while training.

Written to a stream of its own (stderr in the CLI), so that the report on stdout stays as it was.
"""
from __future__ import annotations

from typing import Any, TextIO

from autograder.feedback.language import DEFAULT_LANGUAGE, check_language, pair, show
from autograder.grade.progress import GradingEvent

_STOPPED = {  # probe outcome -> how it is told (the checks say why in the report)
    "raised": pair("오류가 났습니다", "raised an error"), "import": pair("모듈을 불러오지 못했습니다", "module not imported"),
    "timeout": pair("시간 제한으로 멈춤", "stopped: time limit"), "memory": pair("메모리 제한으로 멈춤", "stopped: memory limit"),
    "output": pair("출력 제한으로 멈춤", "stopped: output limit"), "exited": pair("프로세스가 끝남", "the process ended"),
    "processes": pair("프로세스 수 제한으로 멈춤", "stopped: process limit"),
    "total-time": pair("전체 시간 제한으로 못 함", "not run: total time limit"),
    "overloaded": pair("서버가 바빠 멈춤", "stopped: machine too busy"),
}


class TerminalProgress:
    """A `ProgressListener` that writes to `stream`: each probe's checks when it ends (with its time), and a
    tqdm bar of the training batches while a training probe runs."""

    def __init__(self, stream: TextIO, *, language: str = DEFAULT_LANGUAGE) -> None:
        self.stream = stream
        self.language = check_language(language)
        self.bar: Any = None
        self.announced_key = False

    def __call__(self, event: GradingEvent) -> None:
        if event.who == "answer key" and not self.announced_key:
            self.announced_key = True
            self._line(pair("정답 코드의 결과를 계산합니다 (한 번만; 다음부터는 캐시)",
                            "computing the answer key's results (once; cached after)"))
        if event.kind == "progress":
            self._bar(event)
        elif event.kind == "done":
            self._close_bar()
            if event.who == "student":
                what = "; ".join(show(title, self.language) for title in event.titles) or event.probe
                told = pair("실행함", "ran") if event.status == "ok" else _STOPPED.get(event.status, event.status)
                self._line(f"  {what} — {told} ({event.seconds:.1f} s)")

    def _bar(self, event: GradingEvent) -> None:
        from tqdm.auto import tqdm

        if self.bar is None:
            label = show(pair("정답 코드 학습", "answer key training") if event.who == "answer key"
                         else pair("학습", "training"), self.language)
            self.bar = tqdm(total=event.total, desc=f"  {label}", unit="batch", file=self.stream, leave=False,
                            dynamic_ncols=True)
        self.bar.update(max(event.done - self.bar.n, 0))

    def _close_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def _line(self, text: str) -> None:
        self.stream.write(show(text, self.language) + "\n")
        self.stream.flush()
