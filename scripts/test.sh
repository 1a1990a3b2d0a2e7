#!/usr/bin/env bash
# Set up .venv and run the whole test suite (slow tests included). Extra arguments go to pytest,
# e.g. `bash scripts/test.sh -m "not slow"` for the quick run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
exec .venv/bin/python -m pytest -n 2 --maxschedchunk 1 "$@"
