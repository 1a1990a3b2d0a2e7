#!/usr/bin/env bash
# Set up .venv, rebuild release/ and solutions/ from source/, then grade the answer key and the
# untouched starter code and print both reports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
.venv/bin/autograder assign
mkdir -p results
echo "== solutions/ (the answer key: expect full marks) =="
.venv/bin/autograder grade solutions --results results/solutions.json
echo
echo "== release/ (the untouched starter code: expect 0) =="
.venv/bin/autograder grade release --results results/release.json
