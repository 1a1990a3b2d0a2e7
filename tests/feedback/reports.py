"""Reports made up for the feedback tests: one passing accuracy check with its pictures, one failing check."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.feedback.pictures import accuracy_pictures, attach_test_images
from autograder.grade.report import CheckResult, GradeReport

LABELS = np.arange(10_000, dtype=np.int64) % 10  # (10000,) test labels, every class 1000 times


def predictions_with_accuracy(accuracy: float, *, seed: int = 0) -> np.ndarray:
    """Predictions right on `accuracy` of LABELS, the rest one class off."""
    rng = np.random.default_rng(seed)
    predicted = LABELS.copy()
    wrong = rng.permutation(len(LABELS))[: int(round((1 - accuracy) * len(LABELS)))]
    predicted[wrong] = (predicted[wrong] + 1) % 10
    return predicted


def report_with_pictures(tmp_path: Path, *, failing_message: str = "진단: 틀렸습니다 / Diagnosis — wrong") -> GradeReport:
    """A report of image_classification: a passed check, a failed one and a passed accuracy check with
    pictures (test images of random pixels written under `tmp_path`)."""
    batches = np.arange(1, 40)
    pictures = accuracy_pictures(predictions=predictions_with_accuracy(0.48), labels=LABELS,
                                 curve=2.3 / np.sqrt(batches), reference_curve=2.2 / np.sqrt(batches))
    images = np.random.default_rng(1).integers(0, 256, (len(LABELS), 32, 32, 3), dtype=np.uint8)  # (N, H, W, C)
    np.save(tmp_path / "test_images.npy", images)
    results = [
        CheckResult("image_classification", "transform", "TODO 1 build_transform", 2, 2.0, "passed"),
        CheckResult("image_classification", "train_updates", "TODO 6 train: weights after one pass", 4, 0.0, "failed",
                    failing_message),
        CheckResult("image_classification", "fc_accuracy", "Minimum CIFAR-10 accuracy: TwoLayerFC", 5, 5.0, "passed",
                    "한 epoch 학습한 TwoLayerFC의 테스트 정확도 48.00% / TwoLayerFC: test accuracy 48.00%",
                    data={"accuracy": 0.48}, pictures=pictures),
    ]
    return GradeReport("submission", attach_test_images(results, test_images_path=tmp_path / "test_images.npy"))
