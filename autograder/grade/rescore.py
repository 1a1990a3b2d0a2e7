"""The accuracy checks' trusted half: what the student's trained weights really predict.

The student's process returns its predictions on the test images (which it saw in a secret order that
changes every grading) and the weights its `train()` produced. The grader un-permutes the predictions
and scores the weights again with the answer key's own model code, in a child process where no student
code runs. The check then uses the grader's predictions for the accuracy, and requires the student's
forward to agree with them: a forward pass that answers from anything but its layers (a lookup table of
the public test labels, a hook) is caught, and its accuracy is never the one reported.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from autograder.feedback.language import pair
from autograder.run import Limits, ProbeOutcome, ProbeRequest, run_probes
from autograder.run.values import TensorValue

MODEL_OF_CHECK = {"fc_accuracy": "fc", "conv_accuracy": "conv"}  # accuracy probe -> the reference model to load
WEIGHTS_KEY = "trained weights"
GRADER_PREDICTIONS = "grader predictions"


def secret_permutation(size: int) -> np.ndarray:
    """A permutation of range(size) from the operating system's randomness: new for every grading."""
    return np.random.default_rng(np.random.SeedSequence()).permutation(size)


def unpermute(predictions: np.ndarray, permutation: np.ndarray) -> np.ndarray:
    """Predictions made on images[permutation] put back in the images' own order."""
    restored = np.empty_like(predictions)
    restored[permutation] = predictions
    return restored


def rescore(*, outcomes: dict[str, ProbeOutcome], permutation: np.ndarray | None, reference_dir: Path,
            module: str, data_dir: Path, work_dir: Path, limits: Limits, seed: int) -> None:
    """In place: for each accuracy outcome, un-permute the student's predictions and add the grader's
    own predictions from the trained weights (or the reason they could not be made)."""
    for probe, model in MODEL_OF_CHECK.items():
        outcome = outcomes.get(probe)
        if outcome is None or not outcome.ok or not isinstance(outcome.value, dict):
            continue
        value = dict(outcome.value)
        predictions = value.get("predictions")
        if permutation is not None and isinstance(predictions, TensorValue) and predictions.shape == permutation.shape:
            value["predictions"] = TensorValue(unpermute(predictions.array, permutation), predictions.kind,
                                               predictions.dtype, predictions.device)
        weights = value.pop(WEIGHTS_KEY, None)
        value[GRADER_PREDICTIONS] = _grader_predictions(weights, model=model, probe=probe, reference_dir=reference_dir,
                                                        module=module, data_dir=data_dir, work_dir=work_dir,
                                                        limits=limits, seed=seed)
        outcome.value = value


def _grader_predictions(weights: Any, *, model: str, probe: str, reference_dir: Path, module: str, data_dir: Path,
                        work_dir: Path, limits: Limits, seed: int) -> Any:
    if not isinstance(weights, list) or not all(isinstance(w, TensorValue) for w in weights) or not weights:
        return pair("학습된 모델의 파라미터를 읽을 수 없습니다", "the trained model's parameters could not be read")
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / f"{probe}-weights.npz"
    np.savez(path, **{f"w{i}": np.asarray(w.array, dtype=np.float32) for i, w in enumerate(weights)})
    try:
        outcome = run_probes(assignment="image_classification", module_dir=reference_dir, module=module,
                             probes=[ProbeRequest("score_weights", limits.train_seconds)], limits=limits,
                             work_dir=work_dir / f"{probe}-rescore", seed=seed,
                             context={"data_dir": str(data_dir), "weights": str(path), "model": model})["score_weights"]
    finally:
        path.unlink(missing_ok=True)
    if not outcome.ok:  # trusted code on the grader's side: the grader's failure, not the student's
        return {"grader failure": pair("채점기가 학습된 가중치를 평가하지 못했습니다", f"the grader could not score the "
                                       f"trained weights ({outcome.status}: {outcome.detail or outcome.value})")}
    fit = outcome.value.get("weights fit the reference model")
    if fit != "yes":
        return pair("학습된 가중치가 정답 모델의 층과 맞지 않습니다", f"the trained weights do not fit the reference model's "
                    f"layers ({fit})")
    return outcome.value["predictions"]
