"""The image_classification probes' own parts: the layers they expect, the repair that keeps one wrong
layer from costing the forward and gradient checks too, and the stand-ins that run() is probed with."""
from __future__ import annotations

import torch
import torch.nn as nn

from autograder.assignments.image_classification import probes
from tests.assignments.test_classifier_solution import _load

CLASSIFIER = _load()


def test_the_expected_layers_are_the_answer_keys() -> None:
    fc = CLASSIFIER.TwoLayerFC(128, 37, 7)
    conv = CLASSIFIER.ThreeLayerConvNet(4, 7, 5, 6)
    assert probes._layers(fc) == probes.fc_layer_spec(128, 37, 7)
    assert probes._layers(conv) == probes.conv_layer_spec(4, 7, 5, 6)
    assert not probes.repair_layers(fc, probes.fc_layer_spec(128, 37, 7))  # nothing to repair


class _HardCodedHidden(nn.Module):
    def __init__(self, input_size: int, hidden_size: int, num_classes: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(input_size, 4000), nn.ReLU(), nn.Linear(4000, 10, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def test_repair_replaces_only_the_wrong_layers_and_keeps_the_forward() -> None:
    model = _HardCodedHidden(128, 37, 7)
    spec = probes.fc_layer_spec(128, 37, 7)
    assert probes.repair_layers(model, spec)
    assert probes._layers(model) == spec
    assert isinstance(model.body[1], nn.Linear) and model.body[1].out_features == 37
    assert model.body[3].bias is not None
    assert model(torch.zeros(2, 2, 8, 8)).shape == (2, 7)  # the student's forward, with the asked layers


def test_repair_leaves_a_model_with_other_layer_counts_alone() -> None:
    model = nn.Sequential(nn.Flatten(), nn.Linear(128, 7))  # one layer where two are asked for
    before = probes._layers(model)
    assert not probes.repair_layers(model, probes.fc_layer_spec(128, 37, 7))
    assert probes._layers(model) == before


def test_gradient_status_names_the_parameters_cut_off() -> None:
    class Detached(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(12, 5), nn.Linear(5, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc2(torch.relu(self.fc1(x.flatten(1))).detach())

    model = Detached()
    probes.fill_parameters(model)
    problems = probes._grad_status(model, torch.randn(4, 3, 2, 2), torch.tensor([0, 1, 2, 0]))
    assert problems == ["fc1.weight: no gradient", "fc1.bias: no gradient"]


def test_run_seeding_tells_a_seeded_run_from_an_unseeded_one() -> None:
    assert probes._run_seeding(CLASSIFIER) == {"run(seed=5) twice: the same initial weights": True,
                                               "run(seed=5) and run(seed=6): different initial weights": True}
    original = CLASSIFIER.torch.manual_seed
    try:
        CLASSIFIER.torch = _TorchWithoutSeeding()  # run() as if it never called torch.manual_seed
        seeding = probes._run_seeding(CLASSIFIER)
    finally:
        CLASSIFIER.torch = torch
    assert original is torch.manual_seed
    assert seeding["run(seed=5) twice: the same initial weights"] is False


class _TorchWithoutSeeding:
    """torch, except that manual_seed does nothing (what a run() without step 1's seeding does)."""

    def __getattr__(self, name: str) -> object:
        if name == "manual_seed":
            return lambda seed: None
        return getattr(torch, name)


class _ReversedFC(nn.Module):
    """TwoLayerFC written with fc2 defined before fc1 (a correct model)."""

    def __init__(self, input_size: int, hidden_size: int, num_classes: int) -> None:
        super().__init__()
        self.fc2 = nn.Linear(hidden_size, num_classes)
        self.fc1 = nn.Linear(input_size, hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.relu(self.fc1(x.flatten(1))))


def test_layers_are_matched_in_the_order_forward_uses_them() -> None:
    model = _ReversedFC(128, 37, 7)
    spec = probes.fc_layer_spec(128, 37, 7)
    x = torch.zeros(2, 2, 8, 8)
    assert probes._layers(model) != spec  # registration order: fc2 first
    assert probes._layers(model, x) == spec
    assert not probes.repair_layers(model, spec, x)
    assert [name for name, _ in probes.forward_order(model, x)] == ["fc1", "fc2"]


def test_a_forward_that_raises_orders_the_layers_it_reached_first() -> None:
    class Broken(_ReversedFC):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            hidden = self.fc1(x.flatten(1))
            raise RuntimeError(f"stopped after {tuple(hidden.shape)}")

    assert [name for name, _ in probes.forward_order(Broken(128, 37, 7), torch.zeros(2, 2, 8, 8))] == ["fc1", "fc2"]


def test_only_forward_passes_with_autograd_count_as_training_steps() -> None:
    model = probes._grader_model()
    record: dict[str, object] = {}
    probes._forward_recorder(model, record, stop=False)
    x = torch.zeros(2, 3, 32, 32)
    model(x)
    with torch.no_grad():  # optional logging
        model(x)
    with torch.inference_mode():
        model(x)
    assert record["forward calls"] == 1
