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


class _FunctionalReversedFC(_ReversedFC):
    """fc2 defined before fc1, and forward() uses their parameters functionally: no layer's forward hook fires."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        width = self.fc2.weight.size(1)  # a look at a size is not a use
        hidden = torch.relu(torch.nn.functional.linear(x.reshape(x.shape[0], -1), self.fc1.weight, self.fc1.bias))
        return torch.nn.functional.linear(hidden[:, :width], self.fc2.weight, self.fc2.bias)


class _MixedReversedFC(_ReversedFC):
    """fc1 used through its parameters (x @ W.t() + b), fc2 called as a layer."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.relu(x.flatten(1) @ self.fc1.weight.t() + self.fc1.bias))


def test_layers_used_through_their_parameters_are_matched_in_the_order_forward_uses_them() -> None:
    spec = probes.fc_layer_spec(128, 37, 7)
    x = torch.zeros(2, 2, 8, 8)
    for cls in (_FunctionalReversedFC, _MixedReversedFC):
        model = cls(128, 37, 7)
        assert [name for name, _ in probes.forward_order(model, x)] == ["fc1", "fc2"], cls.__name__
        assert probes._layers(model, x) == spec
        assert not probes.repair_layers(model, spec, x)


def test_run_is_graded_on_the_model_it_trains_not_the_last_one_built() -> None:
    make_fc = probes._constructor_recorder(CLASSIFIER.TwoLayerFC, "TwoLayerFC")
    make_conv = probes._constructor_recorder(CLASSIFIER.ThreeLayerConvNet, "ThreeLayerConvNet")
    models = {"fc": make_fc(3072, 20, 10), "conv": make_conv(3, 4, 3, 10)}  # both built, 'fc' chosen
    trained = probes._stand_in(nn.Sequential(models["fc"]))
    assert trained is models["fc"]
    assert trained.built_with == {"input_size": 3072, "hidden_size": 20, "num_classes": 10}
    assert probes._stand_in(nn.Linear(2, 2)) is None


def test_history_epochs_may_count_from_one_or_zero_but_must_be_there() -> None:
    entry = {"train_loss": 1.0, "val_loss": 0.5, "val_accuracy": 0.25}
    assert probes._history_epochs([{**entry, "epoch": 1}, {**entry, "epoch": 2}]) == [1, 2]
    assert probes._history_epochs([{**entry, "epoch": 0}, {**entry, "epoch": 1}]) == [1, 2]
    assert probes._history_epochs([entry, entry]) == [None, None]
    assert probes._history_epochs([{**entry, "epoch": 2}, {**entry, "epoch": 3}]) == [2, 3]
    assert probes._history_epochs([{**entry, "epoch": 1}, {**entry, "epoch": 1}]) == [1, 1]


def test_visualize_reports_its_grid_and_compares_uint8_pixels_as_fractions(monkeypatch) -> None:  # noqa: ANN001
    import matplotlib.pyplot as plt

    from autograder.assignments.image_classification import keys

    reference = probes.probe_visualize(CLASSIFIER, {})
    assert reference[keys.SUBPLOT_GRID] == "2 x 4" and keys.PIXELS_SHOWN_AS_UINT8 not in reference

    def one_row_of_uint8(images, labels, class_names, *, ncols=8):  # noqa: ANN001, ANN202 - ncols ignored
        fig, axes = plt.subplots(1, len(images), squeeze=False)
        for ax, image, label in zip(axes.flat, CLASSIFIER.unnormalize(images), labels):
            ax.imshow((image.permute(1, 2, 0).numpy() * 255).astype("uint8"))
            ax.set_title(class_names[int(label)])
        return fig

    monkeypatch.setattr(CLASSIFIER, "visualize", one_row_of_uint8)
    student = probes.probe_visualize(CLASSIFIER, {})
    assert student[keys.SUBPLOT_GRID] == "1 x 6" and student[keys.PIXELS_SHOWN_AS_UINT8] is True
    difference = abs(student[keys.PIXEL_VALUES_SHOWN] - reference[keys.PIXEL_VALUES_SHOWN]).max()
    assert 0 < difference <= 1 / 255 + 1e-6


def test_visualize_counts_every_axes_and_draws_a_single_image(monkeypatch) -> None:  # noqa: ANN001
    import matplotlib.pyplot as plt

    from autograder.assignments.image_classification import keys

    reference = probes.probe_visualize(CLASSIFIER, {})
    assert reference[keys.AXES_IN_THE_FIGURE] == 6 and reference[keys.SUBPLOTS_SHOWING_ONE_IMAGE] == 1

    def drawn(images, labels, class_names, *, ncols=8, empty="remove", squeeze=False):  # noqa: ANN001, ANN202
        n = len(images)
        columns = min(ncols, n)
        fig, axes = plt.subplots(-(-n // columns), columns, squeeze=squeeze)
        cells = axes.flatten() if hasattr(axes, "flatten") else [axes]
        for index, ax in enumerate(cells):
            if index >= n:
                ax.remove() if empty == "remove" else ax.axis("off")
                continue
            ax.imshow(CLASSIFIER.unnormalize(images[index].detach().cpu()).permute(1, 2, 0).numpy())
            ax.set_title(class_names[int(labels[index])])
        return fig

    def probe(**options):  # noqa: ANN003, ANN202
        monkeypatch.setattr(CLASSIFIER, "visualize", lambda *args, **kwargs: drawn(*args, **kwargs, **options))
        return probes.probe_visualize(CLASSIFIER, {})

    # ax.remove() like fig.delaxes, and a lone Axes handled without squeeze=False: both right
    right = probe(squeeze=True)
    assert right.keys() == reference.keys()
    assert all(right[k] == reference[k] for k in reference if k != keys.PIXEL_VALUES_SHOWN)
    assert probe(empty="off")[keys.AXES_IN_THE_FIGURE] == 8  # hidden, not removed
    assert probe(empty="off")[keys.SUBPLOTS_SHOWING_ONE_IMAGE] == 1

    def flattened(images, labels, class_names, *, ncols=8):  # noqa: ANN001, ANN202 - no squeeze=False
        n = len(images)
        columns = min(ncols, n)
        fig, axes = plt.subplots(-(-n // columns), columns)
        for ax, image, label in zip(axes.flatten(), images, labels):
            ax.imshow(CLASSIFIER.unnormalize(image.detach().cpu()).permute(1, 2, 0).numpy())
            ax.set_title(class_names[int(label)])
        return fig

    monkeypatch.setattr(CLASSIFIER, "visualize", flattened)
    result = probes.probe_visualize(CLASSIFIER, {})
    assert result[keys.AXES_IN_THE_FIGURE] == 8
    assert probes.is_error(result[keys.SUBPLOTS_SHOWING_ONE_IMAGE])
    assert result[keys.SUBPLOTS_SHOWING_ONE_IMAGE].type == "AttributeError"


def test_returned_numbers_must_not_be_tensors() -> None:
    import numpy as np

    from autograder.assignments.image_classification import keys

    assert probes._returned_number(0.5) == 0.5
    assert probes._returned_number(np.float64(0.5)) == 0.5
    assert probes._returned_number(torch.tensor(0.5)) == keys.TENSOR_NOT_A_FLOAT
    assert probes._returned_number(torch.tensor([0.5])) == keys.TENSOR_NOT_A_FLOAT
    assert "attached" in probes._returned_number(torch.tensor(0.5, requires_grad=True) * 2)


def test_count_parameters_must_return_an_integer(monkeypatch) -> None:  # noqa: ANN001
    import numpy as np

    from autograder.assignments.image_classification import keys

    def trainable(model):  # noqa: ANN001, ANN202
        return [p for p in model.parameters() if p.requires_grad]

    reference = probes.probe_count_parameters(CLASSIFIER, {})
    assert reference[keys.COUNT_PARAMETERS_RETURN_TYPE] == keys.COUNT_IS_AN_INT
    spellings = {
        "int": lambda model: sum(p.numel() for p in trainable(model)),
        "np.int64": lambda model: sum(np.prod(p.shape) for p in trainable(model)),  # an integer: right
        "np.sum": lambda model: np.sum([p.numel() for p in trainable(model)]),
        "torch.Tensor": lambda model: sum(torch.tensor(p.numel()) for p in trainable(model)),
        "float": lambda model: float(sum(p.numel() for p in trainable(model))),
    }
    for name, count in spellings.items():
        monkeypatch.setattr(CLASSIFIER, "count_parameters", count)
        result = probes.probe_count_parameters(CLASSIFIER, {})
        expected = keys.COUNT_IS_AN_INT if name.startswith(("int", "np.")) else name
        assert result[keys.COUNT_PARAMETERS_RETURN_TYPE] == expected, name
        assert {k: float(v) for k, v in result.items() if k != keys.COUNT_PARAMETERS_RETURN_TYPE} == \
            {k: float(v) for k, v in reference.items() if k != keys.COUNT_PARAMETERS_RETURN_TYPE}, name


def test_train_with_print_every_0_must_run_but_may_print_anything(monkeypatch) -> None:  # noqa: ANN001
    from autograder.assignments.image_classification import keys

    assert probes._never_logging(CLASSIFIER) is True
    original = CLASSIFIER.train

    def logging_always(model, loader, optimizer, device, *, epoch=1, print_every=100):  # noqa: ANN001, ANN202
        for step, (images, labels) in enumerate(loader):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(images.to(device)), labels.to(device))
            loss.backward()
            optimizer.step()
            if print_every <= 0 or step % print_every == 0:  # prints at 0 too: free
                print(f"step {step}: {loss.item():.4f}")
        return 1.0

    def cs231n_logging(model, loader, optimizer, device, *, epoch=1, print_every=100):  # noqa: ANN001, ANN202
        for t, _ in enumerate(loader):
            if t % print_every == 0:
                print(t)
        return 1.0

    monkeypatch.setattr(CLASSIFIER, "train", logging_always)
    assert probes._never_logging(CLASSIFIER) is True
    monkeypatch.setattr(CLASSIFIER, "train", cs231n_logging)
    crashed = probes._never_logging(CLASSIFIER)
    assert probes.is_error(crashed) and crashed.type == "ZeroDivisionError"
    monkeypatch.setattr(CLASSIFIER, "train", original)
    assert probes.probe_train(CLASSIFIER, {})[keys.TRAIN_WITH_PRINT_EVERY_0] is True


def test_run_records_the_seed_given_to_get_loaders_and_print_every_given_to_train() -> None:
    from autograder.assignments.image_classification import keys

    results = probes.probe_run(CLASSIFIER, {})
    for run in ("run(model='conv', epochs=2)", "run(model='fc', epochs=1)"):
        assert results[f"{run}: {keys.RUN_GET_LOADERS_SEED}"] == probes.RUN_SEED != CLASSIFIER.TrainConfig().seed
        assert results[f"{run}: {keys.RUN_TRAIN_PRINT_EVERY}"] == probes.RUN_PRINT_EVERY != 100
