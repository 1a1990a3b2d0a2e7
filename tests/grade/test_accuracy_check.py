"""The accuracy checks' decisions, on synthetic predictions: the grader's own scoring of the trained weights
decides, the student's forward must agree with it, and an accuracy one epoch cannot reach is held for review, as is
a model that does not start near chance or does not learn over the epoch (its weights before training, scored by the
grader too)."""
from __future__ import annotations

import numpy as np

from autograder.feedback.pictures import LOSS_CURVE
from autograder.assignments.image_classification.checks import learning_problem, fc_accuracy
from autograder.grade.rescore import secret_permutation, unpermute
from autograder.probes.accuracy_keys import GRADER_PREDICTIONS, INITIAL_PREDICTIONS, TEST_LABELS
from autograder.run.values import TensorValue

LABELS = np.arange(10_000, dtype=np.int64) % 10


def _predictions(accuracy: float, *, seed: int = 0) -> TensorValue:
    rng = np.random.default_rng(seed)
    predicted = LABELS.copy()
    wrong = rng.permutation(len(LABELS))[: int(round((1 - accuracy) * len(LABELS)))]
    predicted[wrong] = (predicted[wrong] + 1) % 10
    return TensorValue(predicted, "tensor", "torch.int64", "cpu")


def _grade(student_accuracy: float, grader_accuracy: float, reference_accuracy: float = 0.49, *,
           initial_accuracy: float | None = 0.10):
    student = {"predictions": _predictions(student_accuracy, seed=1), GRADER_PREDICTIONS: _predictions(grader_accuracy, seed=1),
               INITIAL_PREDICTIONS: None if initial_accuracy is None else _predictions(initial_accuracy, seed=3)}
    reference = {"predictions": _predictions(reference_accuracy, seed=2)}
    return fc_accuracy.grade(student, {**reference, TEST_LABELS: LABELS})


def test_a_model_that_learned_passes_with_its_accuracy() -> None:
    verdict = _grade(0.48, 0.48)
    assert verdict.fraction == 1.0 and verdict.status == ""
    assert "48.00%" in verdict.message and verdict.data["accuracy"] == 0.48 and verdict.data["agreement"] == 1.0


def test_the_grader_scoring_decides_not_the_students_forward() -> None:
    verdict = _grade(1.0, 0.10)  # a forward that answers everything right, weights that learned nothing
    assert verdict.fraction == 0.0
    assert "does not give the predictions of its own trained weights" in verdict.message


def test_below_the_target_or_far_below_the_reference_fails() -> None:
    assert "below the target" in _grade(0.35, 0.35).message
    assert "below the reference" in _grade(0.41, 0.41, reference_accuracy=0.49).message


def test_far_above_one_epoch_is_held_for_review() -> None:
    verdict = _grade(0.70, 0.70, reference_accuracy=0.49)
    assert verdict.status == "review" and verdict.fraction == 0.0
    assert "instructor's review" in verdict.message


def test_a_secret_order_is_new_each_time_and_undone_exactly() -> None:
    first, second = secret_permutation(10_000), secret_permutation(10_000)
    assert not np.array_equal(first, second)
    shown = LABELS[first]  # what the student's code sees, in that order
    assert np.array_equal(unpermute(shown, first), LABELS)


def test_the_pictures_come_from_the_graders_predictions_and_loop() -> None:
    """The confusion matrix and the misclassified images are the grader's predictions of the trained
    weights (not what the student's forward said); the curves are the grader's loop's, checked as data."""
    student = {"predictions": _predictions(1.0, seed=1), GRADER_PREDICTIONS: _predictions(0.48, seed=1),
               INITIAL_PREDICTIONS: _predictions(0.1, seed=3), LOSS_CURVE: TensorValue(np.linspace(2.3, 1.5, 39), "tensor", "torch.float32", "cpu")}
    reference = {"predictions": _predictions(0.49, seed=2), LOSS_CURVE: "not a curve"}
    pictures = fc_accuracy.grade(student, {**reference, TEST_LABELS: LABELS}).pictures
    confusion = np.array(pictures["confusion"])
    assert confusion.sum() == len(LABELS) and np.trace(confusion) == round(0.48 * len(LABELS))
    assert len(pictures["loss_curve"]) == 39 and pictures["reference_loss_curve"] == []
    assert len(pictures["misclassified"]) == 10


def test_a_model_that_arrives_trained_or_does_not_learn_is_held_for_review() -> None:
    """Pre-trained weights loaded in __init__ and updates blocked: the grader's own scoring of the weights before
    training says so; a model that already passes before the epoch, or barely moves, is held, never passed."""
    for initial, why in ((0.46, "before training it already reaches 46.00%"), (0.26, "already reaches 26.00%"),
                         (None, "could not be measured before training")):
        verdict = _grade(0.47, 0.47, initial_accuracy=initial)
        assert verdict.status == "review" and verdict.fraction == 0.0, initial
        assert why in verdict.message and "instructor's review" in verdict.message
        assert verdict.data.get("initial_accuracy") == initial
    assert _grade(0.47, 0.47, initial_accuracy=0.16).fraction == 1.0  # an unlucky start near chance still learns
    ko, en, before = learning_problem(_predictions(0.2, seed=3), LABELS, accuracy=0.3)  # the epoch must add 15 points
    assert "barely raised it from 20.00%" in en and before == 0.2 and "거의 오르지" in ko
    assert learning_problem(_predictions(0.2, seed=3), LABELS, accuracy=0.36) is None


def test_an_honest_model_that_fails_the_target_fails_as_before_whatever_it_started_from() -> None:
    assert "below the target" in _grade(0.30, 0.30, initial_accuracy=0.30).message
