#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (from /autograder/source).
# It installs what grading needs into /autograder/venv (CPU-only PyTorch where the platform allows),
# puts CIFAR-10 in place (image_classification), grades the answer key once (its reference results
# stay in the image) and makes the answer key readable only by root.
#
#   AUTOGRADER_ROOT         the /autograder folder (default /autograder; tests use a scratch folder)
#   AUTOGRADER_TORCH_INDEX  where torch comes from (default PyTorch's CPU-only index; empty: pip's own index)
#   PYTHON                  the Python (>= 3.11) to build the venv with (default: the system's newest)
#   CIFAR10_ROOT            a folder already holding CIFAR-10 (default: download it)
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
VENV="$ROOT/venv"
TORCH_INDEX="${AUTOGRADER_TORCH_INDEX-https://download.pytorch.org/whl/cpu}"

usable() {  # a Python >= 3.11 that can make a venv
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}
pick_python() {
    local candidate
    # System Pythons first: student code runs as another user, who must be able to run this Python
    # (one under /root, as with pyenv, is not).
    for candidate in ${PYTHON:-} /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 /usr/bin/python3 \
                     "$(command -v python3 || true)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] && usable "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! PY="$(pick_python)"; then
    if command -v apt-get >/dev/null; then
        echo "setup.sh: installing Python 3.11 with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv
    fi
    PY="$(pick_python)" || { echo "setup.sh: no Python >= 3.11 with venv found; set PYTHON=/path/to/python3.11" >&2; exit 1; }
fi
echo "setup.sh: Python $("$PY" -c 'import sys; print(sys.version.split()[0])') at $PY"

mkdir -p "$ROOT"
chmod 755 "$ROOT"
"$PY" -m venv "$VENV"
PIP=("$VENV/bin/pip" install --quiet --disable-pip-version-check)
mapfile -t TORCH < <(grep -E '^torch(vision)?==' "$SOURCE/requirements.txt")
if [ -n "$TORCH_INDEX" ]; then
    "${PIP[@]}" --index-url "$TORCH_INDEX" "${TORCH[@]}"
fi
"${PIP[@]}" -r "$SOURCE/requirements.txt"
"${PIP[@]}" --no-deps "$SOURCE/package"
chmod -R a+rX "$VENV"

# The answer key, its reference results and the data: root's only.
chmod -R go-rwx "$SOURCE/key"
"$VENV/bin/python" -m autograder.gradescope.run --root "$ROOT" --data
"$VENV/bin/python" -m autograder.gradescope.run --root "$ROOT" --answer-key
chmod -R go-rwx "$SOURCE"
chmod 755 "$SOURCE/run_autograder" 2>/dev/null || true
echo "setup.sh: done"
