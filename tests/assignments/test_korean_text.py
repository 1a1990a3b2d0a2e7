"""Korean text that students read (notebooks, modules, README) keeps the spelling fixes of the course notes.

Each rule is a mistake found in the notes or in an earlier release: a particle that does not fit the number
before it (`channel_1으로` is read 채널 일으로: after 1, 2, 4, 5, 7, 8, 9 it is `로`), `맞춘` for right answers
(`맞힌`), `클래스 별` (a suffix: `클래스별`), `torch.view()` (the method is `Tensor.view`), and a bullet whose
English half is a dangling `/ and`.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STUDENT_TEXT = sorted(
    [*ROOT.glob("source/*/*.py"), *ROOT.glob("source/*/*.ipynb"), *ROOT.glob("release/*/*.py"),
     *ROOT.glob("release/*/*.ipynb"), ROOT / "README.md"]
)
RULES = {
    r"[1245789]`?으로": "after 1, 2, 4, 5, 7, 8 or 9 the particle is 로 (channel_1로)",
    r"맞춘": "right answers are 맞힌 (맞히다), not 맞춘",
    r"클래스 별": "별 is a suffix: 클래스별",
    r"torch\.view\(": "view is a tensor method: Tensor.view()",
    r"/ and(\\n)?\"?,?$": "a line whose English half is only '/ and'",
}


def test_the_student_text_files_are_found():
    assert len(STUDENT_TEXT) >= 9


@pytest.mark.parametrize("path", STUDENT_TEXT, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_known_korean_mistakes(path: Path):
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for pattern, why in RULES.items():
            if re.search(pattern, line):
                problems.append(f"{path.name}:{number}: {why}: {line.strip()[:100]}")
    assert not problems, "\n".join(problems)
