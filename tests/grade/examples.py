"""Helpers shared by the example-submission tests (`submissions/`, `hostile/`): one `example.toml` format.

An example folder holds `example.toml` (its assignment, its base — `solutions` or `release` —, text
edits, extra files, which checks must lose points) and `golden.json`: the expected score and maximum, and the
result of every check that does not get full marks (score, status, stable message, figures); every check it
does not list must pass with full marks, so a new check that passes rewrites no golden file.
Golden results must hold on every machine of the same kind: CPUs round floats differently over a full
training epoch, so accuracy figures are kept out of the messages (`…%`) and compared as numbers within
`FIGURE_TOLERANCE`; the points never depend on them that closely (the targets are far from the reference).
"""
from __future__ import annotations

import json
import math
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

from autograder.feedback.language import LANGUAGES, MARKS, show

REPO = Path(__file__).resolve().parents[2]
ACCURACY_CHECKS = ("fc_accuracy", "conv_accuracy")
FIGURE_TOLERANCE = 0.02  # two accuracy points: more than any CPU's rounding moves one epoch, far less than a mistake
_PERCENT = re.compile(r"\d+(?:\.\d+)?%")


def load_example(folder: Path) -> dict[str, Any]:
    """The example's settings from example.toml."""
    with open(folder / "example.toml", "rb") as handle:
        return tomllib.load(handle)


def build_submission(folder: Path, target: Path, placeholders: dict[str, str] | None = None) -> Path:
    """Make the example's submission in `target`: its base folder with the edits and files applied,
    `@@KEY@@` placeholders filled from `placeholders`."""
    example = load_example(folder)
    assignment = example["assignment"]
    submission = target / assignment
    shutil.copytree(REPO / example.get("base", "solutions") / assignment, submission,
                    ignore=shutil.ignore_patterns("__pycache__"))

    def fill(text: str) -> str:
        for key, value in (placeholders or {}).items():
            text = text.replace(f"@@{key}@@", value)
        return text

    for name in example.get("remove", []):
        (submission / name).unlink()
    for edit in example.get("edit", []):
        path = submission / edit["file"]
        text = path.read_text(encoding="utf-8")
        count = text.count(edit["old"])
        assert count == 1, f"{folder.name}: the edit's 'old' text occurs {count} times in {edit['file']}, expected once"
        path.write_text(text.replace(edit["old"], fill(edit["new"])), encoding="utf-8")
    for extra in example.get("file", []):
        (submission / extra["name"]).parent.mkdir(parents=True, exist_ok=True)
        (submission / extra["name"]).write_text(fill(extra["text"]), encoding="utf-8")
    return target


def is_slow(example: dict[str, Any]) -> bool:
    """Examples that train on CIFAR-10 are slow, unless they say they are not (`slow = false`)."""
    return bool(example.get("slow", example.get("accuracy", False)))


def stable_message(name: str, message: str) -> str:
    """A message without what differs between runs or machines: the last output line (cut wherever the
    process was stopped) and, in the accuracy checks, the percentages (kept as figures instead)."""
    message = re.sub(r"last output line: .*", "last output line: …", message)
    if name in ACCURACY_CHECKS:
        message = _PERCENT.sub("…%", message)
    return message


def summarize(report: Any) -> dict[str, Any]:
    """The whole result: every check's score, status, stable message and figures."""
    checks = {}
    for r in report.results:
        row = {"score": r.score, "points": r.points, "status": r.status,
               "message": stable_message(r.name, show(r.message, "ko+en"))}
        if r.data:
            row["figures"] = dict(r.data)
        checks[r.name] = row
    return {"score": report.score, "max_score": report.max_score, "checks": checks}


def full_marks(row: dict[str, Any]) -> bool:
    """A check's result that needs no line in a golden file: passed, with all its points."""
    return row["status"] == "passed" and row["score"] >= row["points"]


def golden_form(result: dict[str, Any]) -> dict[str, Any]:
    """What golden.json holds of a `summarize` result: score, maximum and the checks without full marks."""
    return {"score": result["score"], "max_score": result["max_score"],
            "checks": {name: row for name, row in result["checks"].items() if not full_marks(row)}}


def golden_differences(result: dict[str, Any], golden: dict[str, Any]) -> list[str]:
    """How `result` (a `summarize` result) differs from `golden` (its `golden_form`): exactly, except figures,
    which may differ by FIGURE_TOLERANCE; a check the golden file does not list must have full marks."""
    problems = []
    for key in ("score", "max_score"):
        if result[key] != golden[key]:
            problems.append(f"{key}: got {result[key]}, golden {golden[key]}")
    missing = sorted(set(golden["checks"]) - set(result["checks"]))
    if missing:
        problems.append(f"checks not graded: {missing}")
    for name in sorted(set(result["checks"]) - set(golden["checks"])):
        if not full_marks(result["checks"][name]):
            problems.append(f"{name}: got {result['checks'][name]}, golden: full marks")
    for name in sorted(set(result["checks"]) & set(golden["checks"])):
        got, want = dict(result["checks"][name]), dict(golden["checks"][name])
        got_figures, want_figures = got.pop("figures", {}), want.pop("figures", {})
        if got != want:
            problems.append(f"{name}: got {got}, golden {want}")
        if set(got_figures) != set(want_figures):
            problems.append(f"{name} figures: got {got_figures}, golden {want_figures}")
            continue
        for figure, value in want_figures.items():
            if not math.isclose(got_figures[figure], value, abs_tol=FIGURE_TOLERANCE):
                problems.append(f"{name} {figure}: got {got_figures[figure]}, golden {value} (± {FIGURE_TOLERANCE})")
    return problems


def skipped_checks(example: dict[str, Any]) -> tuple[str, ...]:
    """The checks of the example's assignment it is graded without (the accuracy checks unless it says so)."""
    from autograder.grade.registry import checks_for

    skip = tuple(example.get("skip", ())) if example.get("accuracy", False) else ACCURACY_CHECKS
    names = {c.name for c in checks_for(example["assignment"])}
    return tuple(name for name in skip if name in names)


def graded_checks(example: dict[str, Any]) -> list[str]:
    """The checks an example is graded with (the accuracy checks only where it says so), in report order."""
    from autograder.grade.registry import checks_for

    skip = skipped_checks(example)
    return [c.name for c in checks_for(example["assignment"]) if c.name not in skip]


def expand_golden(folder: Path) -> dict[str, Any]:
    """golden.json with every graded check: those it does not list, at full marks (message '')."""
    from autograder.grade.registry import checks_for

    golden = json.loads((folder / "golden.json").read_text(encoding="utf-8"))
    example = load_example(folder)
    points = {c.name: c.points for c in checks_for(example["assignment"])}
    checks = {name: golden["checks"].get(name, {"score": float(points[name]), "points": points[name],
                                                "status": "passed", "message": ""})
              for name in graded_checks(example)}
    return {**golden, "checks": checks}


def picture_problems(report: Any) -> list[str]:
    """What is missing from the pictures of each accuracy check the grader scored (one with figures): both
    loss curves of the one-epoch run, a confusion matrix over the whole test set, and the pixels of one
    misclassified image per true class."""
    problems = []
    for row in report.results:
        if row.name not in ACCURACY_CHECKS or "accuracy" not in row.data:
            continue
        pictures = row.pictures
        for curve in ("loss_curve", "reference_loss_curve"):
            if len(pictures.get(curve, [])) < 30:
                problems.append(f"{row.name}: {curve} has {len(pictures.get(curve, []))} points")
        if sum(map(sum, pictures.get("confusion", []))) != 10_000:
            problems.append(f"{row.name}: the confusion matrix does not count the 10,000 test images")
        examples = pictures.get("misclassified", [])
        if not examples or not all(isinstance(e.get("image"), str) for e in examples):
            problems.append(f"{row.name}: misclassified images missing ({len(examples)})")
    return problems


_HANGUL = re.compile("[\uac00-\ud7a3]")


def language_problems(report: Any) -> list[str]:
    """How the report fails to speak each language (autograder.feedback.language): 'en' must hold no Korean (in
    the text report and results.json), 'ko' must say every failure in Korean, and no output may show a pair's
    marks. Student-made text is the student's own and is left out (an ErrorValue's words are English anyway)."""
    problems = []
    outputs = {language: (report.to_text(language=language),
                          json.dumps(report.to_gradescope(language=language), ensure_ascii=False))
               for language in LANGUAGES}
    for language, texts in outputs.items():
        if any(MARKS.search(text) for text in texts):
            problems.append(f"{language}: a pair's marks are shown")
    for text in outputs["en"]:
        for line in text.splitlines():
            if _HANGUL.search(line):
                problems.append(f"en: Korean in {line.strip()[:160]!r}")
    for row in report.results:
        if row.message and row.status != "passed":
            korean = show(row.message, "ko")
            if not _HANGUL.search(korean):
                problems.append(f"ko: {row.name}'s message has no Korean: {korean[:160]!r}")
    return problems
