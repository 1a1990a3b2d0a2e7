"""The grader's mistaken loops: each one differs from the answer key's train()/evaluate() on the probes'
batches (else it could never be told apart), and a student's loop with that mistake, written in its own
way, lands on the same values (else the diagnosis would never fire)."""
from __future__ import annotations

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from autograder.feedback.diagnosis import (EVALUATE_ACCURACY_MISTAKES, EVALUATE_LOSS_MISTAKES, TRAIN_RETURN_MISTAKES,
                                           TRAIN_STEP_MISTAKES, matching_mistakes)
from autograder.assignments.image_classification import probes
from autograder.assignments.image_classification import training_mistakes
from autograder.run.values import TensorValue
from tests.assignments.test_classifier_solution import _load

CLASSIFIER = _load()
TOLERANCE = {"rtol": 1e-4, "atol": 1e-6}  # train_updates' tolerances


def _values(tensors: list[torch.Tensor]) -> list[TensorValue]:
    return [TensorValue(t.numpy(), "tensor", str(t.dtype), "cpu") for t in tensors]


def _train_loader():
    return probes.train_loader()  # the train probe's batches


def _answer_key_train() -> tuple[list[TensorValue], float]:
    model = probes._grader_model()
    returned = CLASSIFIER.train(model, _train_loader(), probes._train_optimizer(model), torch.device("cpu"),
                                epoch=1, print_every=0)
    return _values([p.detach() for p in model.parameters()]), returned


@pytest.fixture(scope="module")
def train_variants() -> dict:
    found = training_mistakes.train_mistakes(probes._grader_model, _train_loader(), probes._train_optimizer)
    return {"parameters": {k: _values(v) for k, v in found["parameters"].items()}, "returned": found["returned"]}


def test_every_train_mistake_is_named_in_the_catalog_and_differs_from_the_answer_key(train_variants) -> None:
    correct, returned = _answer_key_train()
    assert set(train_variants["parameters"]) == set(TRAIN_STEP_MISTAKES)
    assert set(train_variants["returned"]) == set(TRAIN_RETURN_MISTAKES)
    # a student whose train() is right is diagnosed with nothing
    assert matching_mistakes(correct, train_variants["parameters"], correct=correct, **TOLERANCE) == []
    for name, value in train_variants["parameters"].items():
        assert matching_mistakes(value, train_variants["parameters"], correct=correct, **TOLERANCE) == [name], name
    for name, value in train_variants["returned"].items():
        assert matching_mistakes(value, train_variants["returned"], correct=returned, **TOLERANCE) == [name], name


def _students_loop(model: nn.Module, loader, optimizer, order: str, loss_of=None) -> None:
    """A student's train() body, written differently from the grader's (nn modules, model.zero_grad())."""
    criterion = loss_of or nn.CrossEntropyLoss()
    model.train()
    for images, labels in loader:
        if order.startswith("zero"):
            model.zero_grad()
        out = model(images)
        loss = criterion(out, labels)
        for call in order.split(",")[1:] if order.startswith("zero") else order.split(","):
            {"backward": loss.backward, "step": optimizer.step, "zero": optimizer.zero_grad}[call]()


@pytest.mark.parametrize("order,loss_of,expected", [
    ("backward,step", None, "no_zero_grad"),
    ("zero,step,backward", None, "weights_unchanged"),  # step() before backward()
    ("zero,backward,zero,step", None, "weights_unchanged"),
    ("zero,backward", None, "weights_unchanged"),  # no step()
    ("zero,step", None, "weights_unchanged"),  # no backward()
    ("zero,backward,step", lambda s, y: nn.CrossEntropyLoss()(s.softmax(-1), y), "cross_entropy_on_softmax"),
    ("zero,backward,step", nn.NLLLoss(), "nll_loss_without_log_softmax"),
    ("zero,backward,step", lambda s, y: nn.MSELoss()(s, F.one_hot(y, 10).float()), "mse_loss"),
    ("zero,backward,step", nn.CrossEntropyLoss(reduction="sum"), "loss_summed_over_the_batch"),
])
def test_a_students_mistake_lands_on_the_graders_variant(train_variants, order, loss_of, expected) -> None:
    correct, _ = _answer_key_train()
    model = probes._grader_model()
    _students_loop(model, _train_loader(), probes._train_optimizer(model), order, loss_of)
    got = _values([p.detach() for p in model.parameters()])
    assert matching_mistakes(got, train_variants["parameters"], correct=correct, **TOLERANCE) == [expected]


def test_evaluate_mistakes_differ_from_the_answer_key_on_the_probes_batches() -> None:
    model = probes._grader_model()
    loader, even = probes.evaluate_loaders(model)
    accuracy, _ = CLASSIFIER.evaluate(probes._grader_model(), loader, "cpu", mode="test")
    _, loss = CLASSIFIER.evaluate(probes._grader_model(), even, "cpu", mode="val")
    accuracies = training_mistakes.evaluate_accuracy_mistakes(probes._grader_model(), loader)
    losses = training_mistakes.evaluate_loss_mistakes(probes._grader_model(), even)
    assert set(accuracies) == set(EVALUATE_ACCURACY_MISTAKES) and set(losses) == set(EVALUATE_LOSS_MISTAKES)
    for name, value in accuracies.items():
        assert matching_mistakes(value, accuracies, correct=accuracy, rtol=1e-6, atol=1e-9) == [name], name
    for name, value in losses.items():
        assert matching_mistakes(value, losses, correct=loss, rtol=1e-5, atol=1e-6) == [name], name
