"""The common mistakes of train() and evaluate(), written by the grader (never the student's code).

Each mistake is the reference loop with one step wrong. The train/evaluate probes run every mistake on
the same small model, weights, batches and optimizer settings as the student's call, and return what each
gives; the checks then say which mistake a student's result matches (`autograder.feedback.diagnosis`).
Everything here runs in the child, but only on the grader's own model: no student code is called.
"""
from __future__ import annotations

from typing import Any, Callable

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

BatchStep = Callable[[nn.Module, torch.Tensor, torch.Tensor, torch.optim.Optimizer], torch.Tensor]


def _cross_entropy(scores: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(scores, labels)


def _step(loss_of: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], *, order: str) -> BatchStep:
    """One batch of the 7 steps with the optimizer calls in `order`: letters z (zero_grad), b (backward) and
    s (step); those before '|' run before the forward pass, the others after the loss, e.g. 'z|bs' is right."""
    before, after = order.split("|")
    calls = {"z": lambda optimizer, loss: optimizer.zero_grad(),
             "b": lambda optimizer, loss: loss.backward(),
             "s": lambda optimizer, loss: optimizer.step()}

    def run(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
            optimizer: torch.optim.Optimizer) -> torch.Tensor:
        for letter in before:
            calls[letter](optimizer, None)
        loss = loss_of(model(images), labels)  # model(images): (N, num_classes)
        for letter in after:
            calls[letter](optimizer, loss)
        return loss

    return run


def _one_hot(scores: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return F.one_hot(labels, num_classes=scores.shape[1]).to(scores.dtype)  # (N, num_classes)


# name -> one batch of train() with that mistake (in the order a diagnosis prefers when two give the same)
TRAIN_STEP_MISTAKES: dict[str, BatchStep] = {
    # no optimizer.step(), no loss.backward(), step() before backward() and zero_grad() between backward() and
    # step() all leave the weights as they were: one entry, 'weights_unchanged', stands for them
    "no_zero_grad": _step(_cross_entropy, order="|bs"),
    "cross_entropy_on_softmax": _step(lambda s, y: F.cross_entropy(F.softmax(s, dim=1), y), order="z|bs"),
    "nll_loss_without_log_softmax": _step(lambda s, y: F.nll_loss(s, y), order="z|bs"),
    "mse_loss": _step(lambda s, y: F.mse_loss(s, _one_hot(s, y)), order="z|bs"),
    "mse_loss_on_softmax": _step(lambda s, y: F.mse_loss(F.softmax(s, dim=1), _one_hot(s, y)), order="z|bs"),
    "loss_summed_over_the_batch": _step(lambda s, y: F.cross_entropy(s, y, reduction="sum"), order="z|bs"),
}

# name -> the number train() returns, from each batch's mean loss and size (the weights being right)
TRAIN_RETURN_MISTAKES: dict[str, Callable[[list[float], list[int]], float]] = {
    "mean_of_batch_means": lambda losses, sizes: sum(losses) / len(losses),
    "batch_means_over_samples": lambda losses, sizes: sum(losses) / sum(sizes),
    "sum_of_batch_means": lambda losses, sizes: sum(losses),
    "sum_not_divided": lambda losses, sizes: sum(l * n for l, n in zip(losses, sizes)),
    "last_batch_loss": lambda losses, sizes: losses[-1],
}


def train_mistakes(make_model: Callable[[], nn.Module], loader: DataLoader,
                   make_optimizer: Callable[[nn.Module], torch.optim.Optimizer]) -> dict[str, Any]:
    """What each mistake of train() gives from the same start: {'parameters': {mistake: [tensors]},
    'returned': {mistake: number}} (the returned numbers from the correct weights' batch losses)."""
    parameters: dict[str, list[torch.Tensor]] = {"weights_unchanged": [p.detach().clone() for p in make_model().parameters()]}
    for name, step in TRAIN_STEP_MISTAKES.items():
        model = make_model()
        model.train()
        optimizer = make_optimizer(model)
        for images, labels in loader:
            step(model, images, labels, optimizer)
        parameters[name] = [p.detach().clone() for p in model.parameters()]
    model = make_model()
    model.train()
    optimizer = make_optimizer(model)
    correct = _step(_cross_entropy, order="z|bs")
    losses, sizes = [], []
    for images, labels in loader:
        losses.append(float(correct(model, images, labels, optimizer).item()))
        sizes.append(int(labels.shape[0]))
    returned = {name: float(rule(losses, sizes)) for name, rule in TRAIN_RETURN_MISTAKES.items()}
    return {"parameters": parameters, "returned": returned}


def _batches(model: nn.Module, loader: DataLoader) -> list[tuple[torch.Tensor, torch.Tensor]]:
    model.eval()
    with torch.no_grad():
        return [(model(images), labels) for images, labels in loader]  # [((N, C), (N,)), ...]


def evaluate_accuracy_mistakes(model: nn.Module, loader: DataLoader) -> dict[str, float]:
    """What evaluate()'s accuracy is with each common mistake (model in eval mode, no graph)."""
    batches = _batches(model, loader)
    correct = [int((scores.argmax(dim=1) == labels).sum()) for scores, labels in batches]
    sizes = [int(labels.shape[0]) for _, labels in batches]
    return {
        "accuracy_over_batches": sum(correct) / len(batches),
        "mean_of_batch_accuracies": sum(c / n for c, n in zip(correct, sizes)) / len(batches),
        "accuracy_in_percent": 100.0 * sum(correct) / sum(sizes),
        "number_correct": float(sum(correct)),
        "last_batch_accuracy": correct[-1] / sizes[-1],
    }


def evaluate_loss_mistakes(model: nn.Module, loader: DataLoader) -> dict[str, float]:
    """What evaluate()'s 'val' loss is with each common mistake."""
    batches = _batches(model, loader)
    means = [float(F.cross_entropy(scores, labels)) for scores, labels in batches]
    sums = [float(F.cross_entropy(scores, labels, reduction="sum")) for scores, labels in batches]
    sizes = [int(labels.shape[0]) for _, labels in batches]
    samples = sum(sizes)
    return {
        "loss_mean_of_batch_means": sum(means) / len(batches),
        "loss_batch_means_over_samples": sum(means) / samples,
        "loss_sum_of_batch_means": sum(means),
        "loss_sum_not_divided": sum(sums),
        "loss_sums_over_batches": sum(sums) / len(batches),
        "loss_last_batch": means[-1],
        "loss_on_softmax": sum(float(F.cross_entropy(F.softmax(s, dim=1), y, reduction="sum"))
                               for s, y in batches) / samples,
        "loss_nll_without_log_softmax": sum(float(F.nll_loss(s, y, reduction="sum")) for s, y in batches) / samples,
    }
