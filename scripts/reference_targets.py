"""The notebook's own path, full data: `run(TrainConfig(...))` of source/image_classification/classifier.py with
CS231n's reference settings, one epoch each, must beat the targets (TwoLayerFC > 40 %, ThreeLayerConvNet > 45 %).

    . scripts/env.sh && .venv/bin/python scripts/reference_targets.py [--models fc,conv]

About two minutes per model on 2 idle cores. The suite runs the ThreeLayerConvNet case
(tests/assignments/test_classifier_solution.py); TwoLayerFC's settings are also proven by the graded answer key
(its fc_accuracy check trains it with the same settings). Exit status 1 when a model misses its target.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "source" / "image_classification"
REFERENCE_SETTINGS = {"fc": (1e-2, 0.40), "conv": (3e-3, 0.45)}  # model: (learning rate, target accuracy)


def _classifier():
    sys.path.insert(0, str(SOURCE))
    spec = importlib.util.spec_from_file_location("classifier", SOURCE / "classifier.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="fc,conv", help="comma-separated: fc, conv")
    args = parser.parse_args()
    clf = _classifier()
    missed = []
    for name in args.models.split(","):
        learning_rate, target = REFERENCE_SETTINGS[name]
        result = clf.run(clf.TrainConfig(model=name, learning_rate=learning_rate, print_every=0, device="cpu"))
        verdict = "ok" if result.test_accuracy > target else "MISSED"
        print(f"{name}: test accuracy {100 * result.test_accuracy:.2f} % (target {100 * target:.0f} %) {verdict}")
        if verdict != "ok":
            missed.append(name)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
