"""The accuracy checks' pictures as plain data: loss curves, confusion matrix, misclassified images."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.feedback.pictures import (attach_test_images, confusion_matrix, decode_image, encode_image, loss_curve,
                                          misclassified_examples, per_class_accuracy)
from autograder.grade.report import CheckResult
from autograder.run.values import TensorValue
from tests.feedback.reports import LABELS, predictions_with_accuracy, report_with_pictures


def test_only_a_short_curve_of_numbers_is_drawn_with_gaps_where_it_diverged() -> None:
    assert loss_curve(TensorValue(np.array([2.3, 1.91234567]), "tensor", "torch.float32", "cpu")) == [2.3, 1.9123]
    assert loss_curve([1.0, float("nan"), float("inf")]) == [1.0, None, None]
    assert loss_curve(np.ones((3, 2))) == []  # not 1-D
    assert loss_curve(np.ones(401)) == []  # longer than any epoch's curve
    assert loss_curve("a curve") == [] and loss_curve(None) == []


def test_the_confusion_matrix_counts_true_rows_and_predicted_columns() -> None:
    labels = np.array([0, 0, 1, 2, 2, 2])
    predictions = np.array([0, 1, 1, 2, 0, 99])  # 99: not a class, left out
    counts = confusion_matrix(predictions, labels, classes=3)
    assert counts == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    assert per_class_accuracy(counts) == [0.5, 1.0, 0.5]


def test_one_misclassified_image_per_true_class_the_first_of_each() -> None:
    predictions = predictions_with_accuracy(0.5)
    examples = misclassified_examples(predictions, LABELS)
    assert [e["true"] for e in examples] == list(range(10))
    for example in examples:
        wrong = np.flatnonzero((LABELS == example["true"]) & (predictions != LABELS))
        assert example["index"] == wrong[0] and example["predicted"] == predictions[wrong[0]] != example["true"]
    assert misclassified_examples(LABELS.copy(), LABELS) == []  # nothing wrong, nothing shown


def test_images_travel_as_their_exact_pixels() -> None:
    image = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert np.array_equal(decode_image(encode_image(image)), image)


def test_the_engine_attaches_the_pixels_of_the_misclassified_images_only(tmp_path: Path) -> None:
    report = report_with_pictures(tmp_path)
    images = np.load(tmp_path / "test_images.npy")
    accuracy = next(r for r in report.results if r.name == "fc_accuracy")
    assert len(accuracy.pictures["misclassified"]) == 10
    for example in accuracy.pictures["misclassified"]:
        assert np.array_equal(decode_image(example["image"]), images[example["index"]])
    plain = CheckResult("image_classification", "transform", "t", 1, 1.0, "passed")
    assert attach_test_images([plain], test_images_path=tmp_path / "test_images.npy") == [plain]
