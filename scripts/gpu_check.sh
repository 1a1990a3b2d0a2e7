#!/usr/bin/env bash
# The device check: on a machine with one NVIDIA GPU, its own PyTorch (any recent version) and no internet, install
# this checkout without downloading and check grading on the GPU, in about 8 minutes. Needs .gpu-kit/ beside the
# checkout's files (scripts/gpu_kit.sh, run beforehand where the registries are reachable), carried with it.
#   bash scripts/gpu_check.sh          writes $OUT/gpu-check.md and $OUT/gpu-check.log (OUT default: gpu-check/)
# Steps (each must pass): the GPU tests (pytest -m gpu); the answer key and the starter code graded on cuda; two
# device-placement mistakes graded on cuda, each losing exactly its check; a generated class graded on the GPU
# and on this machine's CPU cores (benchmarks/gpu_benchmark.py). GPU_CHECK_STUDENTS (50) and
# GPU_CHECK_CPU_STUDENTS (8: the CPU side is slow; the rate per student is what is compared) size the class.
# GPU_CHECK_PART=checks runs everything but the class benchmark, GPU_CHECK_PART=benchmark only the install and it
# (two calls of at most 10 minutes each, where one would not do).
# A rehearsal without a GPU (the install and every step's plumbing, not the GPU): GPU_CHECK_DEVICE=cpu
# GPU_CHECK_QUICK=1 (no accuracy checks) GPU_CHECK_STUDENTS=4 GPU_CHECK_CPU_STUDENTS=2.
set -euo pipefail
cd "$(dirname "$0")/.."
KIT="${GPU_KIT:-.gpu-kit}"
OUT="${OUT:-gpu-check}"
PY="${PYTHON:-python3}"
STUDENTS="${GPU_CHECK_STUDENTS:-50}"
CPU_STUDENTS="${GPU_CHECK_CPU_STUDENTS:-8}"
PART="${GPU_CHECK_PART:-all}"
DEVICE="${GPU_CHECK_DEVICE:-cuda}"
QUICK=()
[ "${GPU_CHECK_QUICK:-0}" = 1 ] && QUICK=(--skip fc_accuracy --skip conv_accuracy)
mkdir -p "$OUT"
LOG="$OUT/gpu-check.log"
RESULTS="$OUT/gpu-check.md"
: > "$LOG"
step() { echo "== $(date +%T) $*" | tee -a "$LOG"; }
fail() { echo "gpu_check: FAILED: $*" | tee -a "$LOG" "$RESULTS" >&2; exit 1; }

[ -d "$KIT/wheels" ] && [ -f "$KIT/data/cifar10-jpeg.tar.gz" ] || fail "no $KIT/ (run scripts/gpu_kit.sh first, carry it)"
step "machine"
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
  "$PY" -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())'
  nproc; } 2>&1 | tee -a "$LOG"

step "install without downloading: the kit's wheels, then this checkout (--no-deps, the machine's own torch)"
"$PY" -m pip install --quiet --no-index --no-deps --disable-pip-version-check "$KIT"/wheels/*.whl >>"$LOG" 2>&1 \
    || fail "the kit's wheels did not install"
if ! "$PY" -m pip install --quiet --no-index --no-deps --no-build-isolation --disable-pip-version-check \
        --find-links "$KIT/wheels" -e . >>"$LOG" 2>&1; then
    echo "(not installed: this checkout is used from PYTHONPATH)" | tee -a "$LOG"
    export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
fi
export CIFAR10_ROOT="$PWD/$KIT/data" OMP_NUM_THREADS=2
# The driver's nodes made now (nvidia-uvm is created on first use) and kept warm between the gradings' children.
{ command -v nvidia-modprobe >/dev/null && nvidia-modprobe -u -c=0; nvidia-smi -pm 1; } >>"$LOG" 2>&1 || true
AUTOGRADER=("$PY" -m autograder)
"${AUTOGRADER[@]}" grade --help | grep -q -- "--device" || fail "autograder is not the one from this checkout"

if [ "$PART" = benchmark ]; then
    step "(GPU_CHECK_PART=benchmark: the tests and the gradings are another call's)"
else
step "the GPU tests"
if [ "$DEVICE" = cuda ] && ! "$PY" -m pytest -q -p no:cacheprovider -m gpu tests/gpu/test_on_a_real_gpu.py 2>&1 \
        | tee -a "$LOG" | tail -3; then
    fail "the GPU tests (see $LOG)"
fi

{ echo "# Device check ($(date -u +%F))"; echo; echo '```'
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || true
  "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'; echo '```'; echo
  echo "- device: $DEVICE; GPU tests (pytest -m gpu tests/gpu/test_on_a_real_gpu.py): $([ "$DEVICE" = cuda ] && echo passed || echo not run)"
} > "$RESULTS"

step "answer key and starter code on $DEVICE"
key_line=$("${AUTOGRADER[@]}" grade solutions --device "$DEVICE" "${QUICK[@]}" --quiet --lang en 2>>"$LOG" | tee -a "$LOG" | grep '^Total') \
    || fail "the answer key could not be graded on $DEVICE (see $LOG)"
starter_line=$("${AUTOGRADER[@]}" grade release --device "$DEVICE" "${QUICK[@]}" --quiet --lang en 2>>"$LOG" | tee -a "$LOG" | grep '^Total') \
    || true  # the starter code's grade exits 0 too; a missing total is caught below
echo "- answer key on $DEVICE: ${key_line}; starter code on $DEVICE: ${starter_line}" >> "$RESULTS"
[[ "$key_line" =~ ([0-9.]+)\ /\ ([0-9.]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] || fail "the answer key lost points on $DEVICE"
[[ "$starter_line" =~ ^Total\ +0\ / ]] || fail "the starter code scored on $DEVICE"

step "two device-placement mistakes on $DEVICE: each loses exactly its check"
for example in failsTrainDataNotOnDevice failsToDeviceIgnoresDevice; do
    if ! "$PY" - "$example" "$DEVICE" <<'PY' 2>&1 | tee -a "$LOG" "$RESULTS"; then
import sys, tempfile
from pathlib import Path
from autograder.grade import grade_submission
from tests.grade.examples import build_submission, load_example
folder = Path("tests/grade/submissions") / sys.argv[1]
example = load_example(folder)
with tempfile.TemporaryDirectory() as tmp:
    report = grade_submission(submission=build_submission(folder, Path(tmp) / "s"), assignment=example["assignment"],
                              device=sys.argv[2], skip=("fc_accuracy", "conv_accuracy"))
lost = sorted(r.name for r in report.results if r.score < r.points)
print(f"- {sys.argv[1]} on {report.device}: lost {lost}, expected {sorted(example['fails'])}")
sys.exit(0 if lost == sorted(example["fails"]) else 1)
PY
        fail "$example on $DEVICE"
    fi
done

fi  # PART != benchmark
if [ "$PART" = checks ]; then
    step "passed (GPU_CHECK_PART=checks: the class benchmark is another call's)"
    echo "gpu_check: passed; $RESULTS" | tee -a "$LOG"
    exit 0
fi
[ -f "$RESULTS" ] || echo "# Device check, class benchmark ($(date -u +%F))" > "$RESULTS"
step "a generated class of $STUDENTS on $DEVICE, and $CPU_STUDENTS of it on the CPU cores"
"$PY" benchmarks/gpu_benchmark.py --students "$STUDENTS" --cpu-students "$CPU_STUDENTS" --device "$DEVICE" \
    $([ "${GPU_CHECK_QUICK:-0}" = 1 ] && echo --quick) --out "$OUT/gpu-benchmark.json" \
    >>"$LOG" 2>&1 || fail "the class benchmark (see $LOG)"
{ echo; echo '```json'; cat "$OUT/gpu-benchmark.json"; echo '```'; } >> "$RESULTS"
step "passed"
echo "gpu_check: passed; $RESULTS" | tee -a "$LOG"
