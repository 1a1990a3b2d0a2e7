#!/usr/bin/env bash
# Set up .venv, rebuild release/ and solutions/ from source/, then grade the answer key and the
# untouched starter code and print both reports. Exits non-zero unless the answer key gets full marks
# and the starter code gets none (a grader or an answer key that disagrees with itself must not pass).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
.venv/bin/autograder assign
mkdir -p results
status=0
echo "== solutions/ (the answer key: expect full marks) =="
.venv/bin/autograder grade solutions --results results/solutions.json || status=$?
echo
echo "== release/ (the untouched starter code: expect 0) =="
.venv/bin/autograder grade release --results results/release.json || status=$?
echo
.venv/bin/python - "$status" <<'PY'
import json, sys

status = int(sys.argv[1])
key = json.load(open("results/solutions.json", encoding="utf-8"))
starter = json.load(open("results/release.json", encoding="utf-8"))
problems = []
if key["score"] != key["max_score"] or key["max_score"] == 0:
    problems.append(f"the answer key got {key['score']:g} / {key['max_score']:g}, not full marks")
if starter["score"] != 0:
    problems.append(f"the starter code got {starter['score']:g} points, not 0")
if status != 0:
    problems.append(f"a grading exited with code {status} (4: the grader failed or the machine was overloaded)")
if problems:
    print("grade.sh: FAILED: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"grade.sh: OK: answer key {key['score']:g} / {key['max_score']:g}, starter code 0 / {starter['max_score']:g}")
PY
