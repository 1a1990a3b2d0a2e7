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

from autograder.assignments import Assignment
from autograder.feedback.language import pair
from autograder.gpu import CPU, GraderDevice
from autograder.gpu.slots import GpuSlots
from autograder.run import Limits, ProbeOutcome, ProbeRequest, run_probes
from autograder.probes.accuracy_keys import GRADER_PREDICTIONS, INITIAL_PREDICTIONS, INITIAL_WEIGHTS, TRAINED_WEIGHTS
from autograder.run.values import TensorValue

def secret_permutation(size: int) -> np.ndarray:
    """A permutation of range(size) from the operating system's randomness: new for every grading."""
    return np.random.default_rng(np.random.SeedSequence()).permutation(size)


def unpermute(predictions: np.ndarray, permutation: np.ndarray) -> np.ndarray:
    """Predictions made on images[permutation] put back in the images' own order."""
    restored = np.empty_like(predictions)
    restored[permutation] = predictions
    return restored


def rescore(record: Assignment, *, outcomes: dict[str, ProbeOutcome], permutation: np.ndarray | None,
            reference_dir: Path, data_dir: Path, work_dir: Path, limits: Limits, seed: int,
            device: GraderDevice = CPU, gpu_slots: GpuSlots | None = None) -> None:
    """In place (on `device`, within `limits`, the student's own): for each accuracy outcome, un-permute the student's predictions and add the grader's own
    predictions from the trained weights and from the weights before training (or the reason they could not
    be made). Whatever the student's values are, the outcome of that check alone is affected: a value that
    cannot be read is that check's failure (a message in place of the predictions), never the grader's."""
    for probe, model in record.rescored.items():  # accuracy probe -> the answer key's model to load
        outcome = outcomes.get(probe)
        if outcome is None or not outcome.ok or not isinstance(outcome.value, dict):
            continue
        value = dict(outcome.value)
        trained, initial = value.pop(TRAINED_WEIGHTS, None), value.pop(INITIAL_WEIGHTS, None)
        try:
            predictions = value.get("predictions")
            if permutation is not None and isinstance(predictions, TensorValue) and \
                    predictions.shape == permutation.shape:
                value["predictions"] = TensorValue(unpermute(predictions.array, permutation), predictions.kind,
                                                   predictions.dtype, predictions.device)
            value[GRADER_PREDICTIONS], value[INITIAL_PREDICTIONS] = _grader_predictions(
                trained, initial, record=record, model=model, probe=probe, reference_dir=reference_dir,
                data_dir=data_dir, work_dir=work_dir, limits=limits, seed=seed, device=device, gpu_slots=gpu_slots)
        except Exception as exc:  # noqa: BLE001 - values made by student code: this check's failure only
            value[GRADER_PREDICTIONS] = pair(f"학습된 모델의 파라미터를 읽을 수 없습니다 ({type(exc).__name__})",
                                             f"the trained model's parameters could not be read ({type(exc).__name__})")
            value[INITIAL_PREDICTIONS] = None
        outcome.value = value


def _weight_arrays(weights: Any) -> list[np.ndarray] | None:
    """The parameters as float32 arrays of numbers, or None when they are not a non-empty list of such tensors."""
    if not isinstance(weights, list) or not weights or not all(isinstance(w, TensorValue) for w in weights):
        return None
    if not all(np.issubdtype(w.array.dtype, np.number) and not np.issubdtype(w.array.dtype, np.complexfloating)
               for w in weights):
        return None
    return [np.asarray(w.array, dtype=np.float32) for w in weights]


def _grader_predictions(trained: Any, initial: Any, *, record: Assignment, model: str, probe: str,
                        reference_dir: Path, data_dir: Path, work_dir: Path, limits: Limits,
                        seed: int, device: GraderDevice, gpu_slots: GpuSlots | None) -> tuple[Any, Any]:
    """(predictions of the trained weights or why there are none, predictions of the initial weights or None)."""
    arrays, before = _weight_arrays(trained), _weight_arrays(initial)
    if arrays is None:
        return pair("학습된 모델의 파라미터를 읽을 수 없습니다", "the trained model's parameters could not be read"), None
    work_dir.mkdir(parents=True, exist_ok=True)
    paths = {"weights": work_dir / f"{probe}-weights.npz", "initial_weights": work_dir / f"{probe}-initial.npz"}
    np.savez(paths["weights"], **{f"w{i}": w for i, w in enumerate(arrays)})
    if before is not None:
        np.savez(paths["initial_weights"], **{f"w{i}": w for i, w in enumerate(before)})
    context = {"data_dir": str(data_dir), "model": model, "weights": str(paths["weights"]),
               "initial_weights": str(paths["initial_weights"]) if before is not None else ""}
    try:
        outcome = run_probes(assignment=record.name, module_dir=reference_dir, module=record.module,
                             probes=[ProbeRequest("score_weights", limits.train_seconds, alone=True)], limits=limits,
                             work_dir=work_dir / f"{probe}-rescore", seed=seed, context=context, device=device,
                             gpu_slots=gpu_slots)["score_weights"]
    finally:
        for path in paths.values():
            path.unlink(missing_ok=True)
    if not outcome.ok:  # trusted code on the grader's side: the grader's failure, not the student's
        return {"grader failure": pair("채점기가 학습된 가중치를 평가하지 못했습니다", f"the grader could not score the "
                                       f"trained weights ({outcome.status}: {outcome.detail or outcome.value})")}, None
    fit = outcome.value.get("weights fit the reference model")
    if fit != "yes":
        return pair("학습된 가중치가 정답 모델의 층과 맞지 않습니다", f"the trained weights do not fit the reference model's "
                    f"layers ({fit})"), None
    return outcome.value["predictions"], outcome.value.get("initial predictions")
