"""Peak memory and training time of the accuracy checks' probe, beside the machine's matrix-product floor.

    .venv/bin/python benchmarks/accuracy_benchmark.py [--data-dir DIR] [--model fc|conv|both]

Each accuracy probe of the answer key (TwoLayerFC and ThreeLayerConvNet, one epoch on 49,000 images,
batch 64, then 10,000 test predictions) runs in a fresh Python process with the grading child's allocator
settings, and reports that process's peak RSS and its wall time. The floor for TwoLayerFC is its matrix products alone: per image
2 * 3072 * 4000 multiply-adds forward and as many for fc1's weight gradient (about 2.4 TFLOP per epoch),
divided by the rate this machine reaches on one (64, 3072) @ (3072, 4000) product, measured in the same run;
and the same floor with the epoch's 766 SGD-momentum updates added (memory-bound: timed on TwoLayerFC's parameters).
Figures are for comparing within one run (the machine may be busy); nothing here is asserted.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_CHILD = r"""
import json, resource, sys, time
sys.modules.setdefault("triton", None)  # as autograder/run/child.py does before torch is imported
sys.path.insert(0, sys.argv[1])
import classifier
from autograder.assignments.image_classification import probes
started = time.perf_counter()
probe = probes.probe_fc_accuracy if sys.argv[3] == "fc" else probes.probe_conv_accuracy
result = probe(classifier, {"data_dir": sys.argv[2]})
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "predictions": int(result["predictions"].numel())}))
"""


def gemm_gflops(*, repeats: int = 20, rounds: int = 5) -> float:
    """The fp32 rate of one (64, 3072) @ (3072, 4000) product on this machine, in GFLOP/s: the best of
    `rounds` rounds (a busy moment slows a round; none makes one faster than the machine)."""
    import torch

    a, b = torch.randn(64, 3072), torch.randn(3072, 4000)
    out = torch.empty(64, 4000)
    for _ in range(3):
        torch.mm(a, b, out=out)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(repeats):
            torch.mm(a, b, out=out)
        best = min(best, (time.perf_counter() - started) / repeats)
    return 2 * 64 * 3072 * 4000 / best / 1e9


def sgd_step_seconds(*, repeats: int = 20, rounds: int = 5) -> float:
    """The time of one fused SGD step with momentum over TwoLayerFC's parameters (fc1 is 49 MB): memory-bound
    (it reads the weights, their gradient and the momentum and writes two of them back, about 245 MB a step), the
    part of an epoch that no matrix-product rate covers. Best of `rounds` rounds."""
    import torch

    parameters = [torch.nn.Parameter(torch.randn(4000, 3072)), torch.nn.Parameter(torch.randn(4000)),
                  torch.nn.Parameter(torch.randn(10, 4000)), torch.nn.Parameter(torch.randn(10))]
    for parameter in parameters:
        parameter.grad = torch.randn_like(parameter)
    optimizer = torch.optim.SGD(parameters, lr=1e-2, momentum=0.9, fused=True)
    for _ in range(3):
        optimizer.step()
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(repeats):
            optimizer.step()
        best = min(best, (time.perf_counter() - started) / repeats)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help="CIFAR-10 (default: $CIFAR10_ROOT, then the cache)")
    parser.add_argument("--model", choices=("fc", "conv", "both"), default="both")
    args = parser.parse_args()

    import os

    from autograder.assignments import get_assignment
    from autograder.grade.data import prepare_data
    from autograder.run.sandbox import ALLOCATOR_ENVIRONMENT

    solutions = REPO / "solutions"
    with tempfile.TemporaryDirectory(prefix="accuracy-benchmark-") as scratch:
        data = Path(scratch) / "data"
        prepare_data(get_assignment("image_classification"), solutions_dir=solutions, data_dir=args.data_dir, target=data)
        rate = gemm_gflops()
        floor = 49_000 * 2 * (2 * 3072 * 4000) / (rate * 1e9)
        update = sgd_step_seconds() * -(-49_000 // 64)
        print(f"matrix products: {rate:.0f} GFLOP/s; TwoLayerFC epoch floor {floor:.1f} s (the products), "
              f"{floor + update:.1f} s with the {-(-49_000 // 64)} SGD-momentum updates ({update:.1f} s, memory-bound)")
        for model in (("fc", "conv") if args.model == "both" else (args.model,)):
            output = subprocess.run([sys.executable, "-c", _CHILD, str(solutions / "image_classification"), str(data),
                                     model], capture_output=True, text=True, check=True, cwd=REPO,
                                    env={**os.environ, **ALLOCATOR_ENVIRONMENT})  # as the grading child's
            figures = json.loads(output.stdout.strip().splitlines()[-1])
            line = f"{model}: {figures['seconds']:.1f} s (epoch and test predictions), peak RSS {figures['peak_rss_mib']:.0f} MiB"
            if model == "fc":
                line += (f", {figures['seconds'] / floor:.2f}x the products' floor, "
                         f"{figures['seconds'] / (floor + update):.2f}x the floor with the updates")
            print(line)


if __name__ == "__main__":
    main()
