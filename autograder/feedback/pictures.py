"""What the HTML report draws for an accuracy check: plain data, made by the grader from trusted values.

`accuracy_pictures` is called by the accuracy checks with the grader's own predictions (the student's
trained weights scored by the answer key's model code) and the test labels, which never leave the grader;
the loss curves come from the grader's own training loop (`_grader_train_epoch`) run on the student's
model and on the reference's. `attach_test_images` then adds the pixels of the misclassified test images,
which only the engine has at hand. Nothing here changes a score.
"""
from __future__ import annotations

import base64
import dataclasses
import math
from pathlib import Path
from typing import Any, Sequence

import numpy as np

# CIFAR-10's classes in label order: (Korean, English)
CLASS_NAMES: tuple[tuple[str, str], ...] = (
    ("비행기", "airplane"), ("자동차", "automobile"), ("새", "bird"), ("고양이", "cat"), ("사슴", "deer"),
    ("개", "dog"), ("개구리", "frog"), ("말", "horse"), ("배", "ship"), ("트럭", "truck"),
)
LOSS_CURVE = "training loss curve"  # where the accuracy probes put the grader's loop's loss curve
LOSS_CURVE_BATCHES = 20  # one point of the loss curve per this many training batches
MAX_CURVE_POINTS = 400  # a longer curve (or one that is not a curve of finite numbers) is not drawn
IMAGE_SHAPE = (32, 32, 3)  # (H, W, C) uint8, as CIFAR-10 is stored


def loss_curve(value: Any) -> list[float | None]:
    """A 1-D loss curve as a list of numbers rounded to 4 digits, None where the loss was NaN or infinite (a
    diverged run); [] when `value` is not such a curve."""
    array = getattr(value, "array", value)
    try:
        array = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        return []
    if array.ndim != 1 or not 1 <= len(array) <= MAX_CURVE_POINTS:
        return []
    return [round(float(v), 4) if np.isfinite(v) else None for v in array]


def confusion_matrix(predictions: np.ndarray, labels: np.ndarray, *, classes: int = 10) -> list[list[int]]:
    """counts[true][predicted] over the test set."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    valid = (predictions >= 0) & (predictions < classes)
    np.add.at(counts, (labels[valid], predictions[valid]), 1)
    return counts.tolist()


def misclassified_examples(predictions: np.ndarray, labels: np.ndarray, *, classes: int = 10) -> list[dict[str, int]]:
    """One misclassified test image per true class (the first of each, in test-set order): index, true, predicted."""
    examples = []
    for label in range(classes):
        wrong = np.flatnonzero((labels == label) & (predictions != label))
        if len(wrong):
            index = int(wrong[0])
            examples.append({"index": index, "true": label, "predicted": int(predictions[index])})
    return examples


def accuracy_pictures(*, predictions: np.ndarray, labels: np.ndarray, curve: Any, reference_curve: Any) -> dict[str, Any]:
    """The pictures of one accuracy check: both training loss curves, the confusion matrix of the grader's
    predictions and one misclassified test image per class (pixels added later by `attach_test_images`)."""
    predictions = np.asarray(predictions, dtype=np.int64)
    labels = np.asarray(labels, dtype=np.int64)
    return {
        "loss_curve": loss_curve(curve),
        "reference_loss_curve": loss_curve(reference_curve),
        "confusion": confusion_matrix(predictions, labels),
        "misclassified": misclassified_examples(predictions, labels),
    }


def encode_image(image: np.ndarray) -> str:
    """A (32, 32, 3) uint8 image as base64 of its raw bytes (what `decode_image` reads back)."""
    array = np.ascontiguousarray(image, dtype=np.uint8)
    if array.shape != IMAGE_SHAPE:
        raise ValueError(f"a CIFAR-10 image is {IMAGE_SHAPE}, not {array.shape}")
    return base64.b64encode(array.tobytes()).decode("ascii")


def decode_image(text: str) -> np.ndarray:
    """The (32, 32, 3) uint8 image that `encode_image` made."""
    return np.frombuffer(base64.b64decode(text), dtype=np.uint8).reshape(IMAGE_SHAPE)


def attach_test_images(results: Sequence[Any], *, test_images_path: Path) -> list[Any]:
    """`results` (CheckResult-like dataclasses with `pictures`) with the pixels of each misclassified test
    image added to its entry; results without such pictures are returned as they are."""
    if not any(r.pictures.get("misclassified") for r in results) or not test_images_path.is_file():
        return list(results)
    images = np.load(test_images_path, mmap_mode="r")  # (10000, 32, 32, 3) uint8, the original order
    attached = []
    for row in results:
        examples = row.pictures.get("misclassified") or []
        if examples:
            examples = [{**e, "image": encode_image(images[e["index"]])} for e in examples if 0 <= e["index"] < len(images)]
            row = dataclasses.replace(row, pictures={**row.pictures, "misclassified": examples})
        attached.append(row)
    return attached


def per_class_accuracy(confusion: list[list[int]]) -> list[float]:
    """The fraction of each true class predicted right (nan for a class with no test image)."""
    return [row[i] / sum(row) if sum(row) else math.nan for i, row in enumerate(confusion)]
