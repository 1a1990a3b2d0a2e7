"""Compare two sets of golden results (example submissions): what changed in score, status and messages.

    .venv/bin/python scripts/compare_goldens.py OLD_ROOT [NEW_ROOT]

OLD_ROOT and NEW_ROOT hold `tests/grade/submissions/*/golden.json` and `tests/grade/hostile/*/golden.json` (NEW_ROOT
defaults to this repository). Prints one line per changed check (score and status first, then the message's
changed words) and a summary; exits 1 when any score, maximum or status changed (a message-only change is 0).
A golden file lists only the checks without full marks (older ones listed every check): a check one side does not
list passed with full marks there, so the two forms compare by content.
"""
from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PATTERNS = ("tests/grade/submissions/*/golden.json", "tests/grade/hostile/*/golden.json")


def goldens(root: Path) -> dict[str, dict]:
    """Every golden file under `root`, by its path relative to `root`."""
    return {path.relative_to(root).as_posix(): json.loads(path.read_text(encoding="utf-8"))
            for pattern in PATTERNS for path in sorted(root.glob(pattern))}


def word_diff(old: str, new: str) -> str:
    """The changed words of a message, as `-old +new`."""
    matcher = difflib.SequenceMatcher(a=old.split(), b=new.split())
    parts = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "equal":
            parts.append(f"-[{' '.join(old.split()[a0:a1])}] +[{' '.join(new.split()[b0:b1])}]")
    return " ".join(parts)


def _full_marks(row: dict) -> bool:
    return row["status"] == "passed" and row["score"] >= row["points"]


def compare(old: dict[str, dict], new: dict[str, dict]) -> tuple[list[str], int]:
    """(report lines, number of score/status changes)."""
    lines, grave = [], 0
    for name in sorted(set(old) | set(new)):
        if name not in old or name not in new:
            lines.append(f"{name}: {'added' if name in new else 'removed'}")
            continue
        before, after = old[name], new[name]
        for key in ("score", "max_score"):
            if before[key] != after[key]:
                grave += 1
                lines.append(f"{name}: {key} {before[key]} -> {after[key]}")
        for check in sorted(set(before["checks"]) | set(after["checks"])):
            b, a = before["checks"].get(check), after["checks"].get(check)
            if b is None or a is None:  # not listed: full marks on that side
                listed = a if b is None else b
                if not _full_marks(listed):
                    grave += 1
                    lines.append(f"{name} {check}: " + (f"full marks -> {a['score']} {a['status']}" if b is None
                                                         else f"{b['score']} {b['status']} -> full marks"))
                continue
            if (b["score"], b["status"]) != (a["score"], a["status"]):
                grave += 1
                lines.append(f"{name} {check}: {b['score']} {b['status']} -> {a['score']} {a['status']}")
            if b["message"] != a["message"]:
                lines.append(f"{name} {check}: message {word_diff(b['message'], a['message'])}")
    return lines, grave


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path, nargs="?", default=REPO)
    args = parser.parse_args(argv)
    old, new = goldens(args.old), goldens(args.new)
    lines, grave = compare(old, new)
    print("\n".join(lines))
    changed = len({line.split(":")[0].split(" ")[0] for line in lines})
    print(f"{len(new)} golden files; {changed} changed; {grave} score/status changes")
    return 1 if grave else 0


if __name__ == "__main__":
    sys.exit(main())
