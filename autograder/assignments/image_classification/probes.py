"""Probes for `image_classification` (module `classifier`).

Models whose layout is the student's (TwoLayerFC, ThreeLayerConvNet) get the same deterministic weights
as the reference: each parameter is filled from a generator seeded by its shape (and by how many
parameters of that shape came before it), so differently written but equivalent models compare equal.
train() and evaluate() are probed with the grader's own small model, so a mistake in a model does not
cost the points of the loop checks.
"""
from __future__ import annotations

import numbers
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from autograder.assignments.image_classification import keys
from autograder.feedback.diagnosis import EVALUATE_MISTAKES, TRAIN_MISTAKES
from autograder.feedback.pictures import LOSS_CURVE, LOSS_CURVE_BATCHES
from autograder.probes.accuracy_keys import INITIAL_WEIGHTS, TRAINED_WEIGHTS
from autograder.probes.common import ANSWER_KEY_RUN, PROGRESS, StopProbe, attempt, is_error
from autograder.probes.on_a_gpu import on_the_gpu
from autograder.probes.stored_images import StoredImages, release_free_memory
from autograder.assignments.image_classification.training_mistakes import evaluate_accuracy_mistakes, evaluate_loss_mistakes, train_mistakes

MODULE = "classifier"
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
NUM_TRAIN = 49_000

# The training budget of the accuracy checks: CS231n Part III's settings (one epoch, batch 64, SGD with its
# learning rates) plus momentum 0.9, which the [-1, 1] inputs need to reach the conv net's target
# (plain SGD: 43.9 %; see the notes in README.md). The same as TrainConfig's defaults.
FC_SETTINGS = {"hidden_size": 4000, "lr": 1e-2, "momentum": 0.9}
CONV_SETTINGS = {"channel_1": 32, "channel_2": 16, "lr": 3e-3, "momentum": 0.9}
BATCH_SIZE = 64


def target_device() -> torch.device:
    """A real GPU when present, else 'meta': a device (with no data) that exists on every machine, so that
    code that forgets `.to(device)` is caught on a CPU-only grader too."""
    return torch.device("cuda") if torch.cuda.is_available() else torch.device("meta")


def training_device() -> torch.device:
    """Where the accuracy checks train and predict (the grader's own loop, the answer key's and the re-scoring
    alike): the GPU the grading was given, else the CPU."""
    return torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")


def fill_parameters(model: nn.Module, *, seed: int = 1234) -> None:
    """Give `model` deterministic weights that depend only on the parameters' shapes."""
    seen: dict[tuple[int, ...], int] = {}
    with torch.no_grad():
        for parameter in model.parameters():
            shape = tuple(parameter.shape)
            occurrence = seen.get(shape, 0)
            seen[shape] = occurrence + 1
            generator = torch.Generator().manual_seed(seed + zlib.crc32(repr((shape, occurrence)).encode()))
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 16
            bound = 1.0 / np.sqrt(fan_in)
            values = (torch.rand(shape, generator=generator) * 2 - 1) * bound
            parameter.copy_(values.to(parameter.device, parameter.dtype))


def _images(n: int, *, seed: int, size: int = 32) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 3, size, size, generator=generator) * 2 - 1)  # (N, 3, H, W) in [-1, 1]


def forward_order(model: nn.Module, x: torch.Tensor | None = None) -> list[tuple[str, nn.Module]]:
    """The model's conv and linear layers, (name, layer), in the order `model(x)` first uses them; layers
    it never reaches (or all of them, without `x`) follow in registration order. So a model that defines
    fc2 before fc1 is matched to the specification by what forward() does, not by how it was written.
    A layer counts as used when it is called (its forward pre-hook fires) or when forward() computes with
    one of its parameters (`F.linear(x, self.fc1.weight, self.fc1.bias)` calls no layer: a torch function
    mode sees the parameter reach an operation)."""
    named = [(name, m) for name, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    if x is None:
        return named
    index = {id(m): i for i, (_, m) in enumerate(named)}
    owner = {id(p): i for i, (_, m) in enumerate(named) for p in m.parameters(recurse=False)}
    used: list[int] = []

    def hook(module: nn.Module, args: tuple[Any, ...]) -> None:
        if index[id(module)] not in used:
            used.append(index[id(module)])

    handles = [m.register_forward_pre_hook(hook) for _, m in named]
    try:
        with torch.no_grad(), _ParameterUse(owner, used):
            attempt(model, x)  # a forward that raises: the layers it reached first, then the rest
    finally:
        for handle in handles:
            handle.remove()
    return [named[i] for i in used] + [named[i] for i in range(len(named)) if i not in used]


class _ParameterUse(torch.overrides.TorchFunctionMode):
    """While active, appends to `used` (once each) the layer index `owner` gives (by id) for every parameter
    that a torch function or tensor method computes a tensor from, in the order they do."""

    def __init__(self, owner: dict[int, int], used: list[int]) -> None:
        super().__init__()
        self.owner, self.used = owner, used

    def __torch_function__(self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        if not isinstance(result, torch.Tensor):  # a computation, not a look at the size (weight.size(1))
            return result
        for value in (*args, *kwargs.values()):
            for item in (value if isinstance(value, (list, tuple)) else (value,)):
                layer = self.owner.get(id(item)) if isinstance(item, torch.Tensor) else None
                if layer is not None and layer not in self.used:
                    self.used.append(layer)
        return result


def _layers(model: nn.Module, x: torch.Tensor | None = None) -> dict[str, Any]:
    """The student's conv and linear layers, in the order forward(x) uses them (`forward_order`), with
    normalized settings."""
    convs, linears = [], []
    for _, module in forward_order(model, x):
        if isinstance(module, nn.Conv2d):
            kernel = tuple(module.kernel_size)
            padding = module.padding
            if isinstance(padding, str):
                padding = tuple((k - 1) // 2 for k in kernel) if padding == "same" else (0, 0)
            convs.append({"in_channels": module.in_channels, "out_channels": module.out_channels,
                          "kernel_size": list(kernel), "padding": list(padding), "stride": list(module.stride),
                          "bias": module.bias is not None})
        elif isinstance(module, nn.Linear):
            linears.append({"in_features": module.in_features, "out_features": module.out_features,
                            "bias": module.bias is not None})
    return {keys.CONVOLUTION_LAYERS: convs, keys.LINEAR_LAYERS: linears}


# The layers the notes ask for. The model probes use sizes that are nobody's default (not the docstring's,
# not CS231n's, not TrainConfig's), so that a hard-coded size is caught by the layers check.
FC_PROBE = {"input_size": 2 * 8 * 8, "hidden_size": 37, "num_classes": 7, "input_shape": (4, 2, 8, 8)}
CONV_PROBE = {"in_channel": 4, "channel_1": 7, "channel_2": 5, "num_classes": 6, "input_shape": (3, 4, 32, 32)}


def fc_layer_spec(input_size: int, hidden_size: int, num_classes: int) -> dict[str, Any]:
    """TwoLayerFC's layers as `_layers` reports them: fc1 input -> hidden, fc2 hidden -> classes."""
    return {keys.CONVOLUTION_LAYERS: [],
            keys.LINEAR_LAYERS: [{"in_features": input_size, "out_features": hidden_size, "bias": True},
                              {"in_features": hidden_size, "out_features": num_classes, "bias": True}]}


def conv_layer_spec(in_channel: int, channel_1: int, channel_2: int, num_classes: int) -> dict[str, Any]:
    """ThreeLayerConvNet's layers: conv 5x5 pad 2, conv 3x3 pad 1, FC channel_2*32*32 -> classes."""
    return {keys.CONVOLUTION_LAYERS: [
        {"in_channels": in_channel, "out_channels": channel_1, "kernel_size": [5, 5], "padding": [2, 2],
         "stride": [1, 1], "bias": True},
        {"in_channels": channel_1, "out_channels": channel_2, "kernel_size": [3, 3], "padding": [1, 1],
         "stride": [1, 1], "bias": True}],
        keys.LINEAR_LAYERS: [{"in_features": channel_2 * 32 * 32, "out_features": num_classes, "bias": True}]}


def _layer_from_spec(spec: dict[str, Any]) -> nn.Module:
    if "in_features" in spec:
        return nn.Linear(spec["in_features"], spec["out_features"], bias=spec["bias"])
    return nn.Conv2d(spec["in_channels"], spec["out_channels"], tuple(spec["kernel_size"]),
                     stride=tuple(spec["stride"]), padding=tuple(spec["padding"]), bias=spec["bias"])


def repair_layers(model: nn.Module, spec: dict[str, Any], x: torch.Tensor | None = None) -> bool:
    """Replace the student's conv and linear layers that differ from `spec` by layers made to it, in
    place (same attribute names), so that the forward and gradient checks grade forward() alone and a
    wrong layer costs only the layers check. Layers are matched in the order forward(x) uses them. True
    when something was replaced; nothing is replaced when the model does not have as many layers of each
    kind as `spec`."""
    named = forward_order(model, x)
    found = _layers(model, x)
    if found == spec:
        return False
    convs = [(n, m) for n, m in named if isinstance(m, nn.Conv2d)]
    linears = [(n, m) for n, m in named if isinstance(m, nn.Linear)]
    if len(convs) != len(spec[keys.CONVOLUTION_LAYERS]) or len(linears) != len(spec[keys.LINEAR_LAYERS]):
        return False
    replaced = False
    for (name, _), got, want in [*zip(convs, found[keys.CONVOLUTION_LAYERS], spec[keys.CONVOLUTION_LAYERS]),
                                 *zip(linears, found[keys.LINEAR_LAYERS], spec[keys.LINEAR_LAYERS])]:
        if got == want:
            continue
        parent_name, _, attribute = name.rpartition(".")
        setattr(model.get_submodule(parent_name) if parent_name else model, attribute, _layer_from_spec(want))
        replaced = True
    return replaced


def _grad_status(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[str]:
    """The parameters that backward() leaves without a finite, non-zero gradient (by the student's names)."""
    model.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    problems = []
    for name, parameter in model.named_parameters():
        grad = parameter.grad
        if grad is None:
            problems.append(f"{name}: no gradient")
        elif not torch.isfinite(grad).all():
            problems.append(f"{name}: non-finite gradient")
        elif float(grad.abs().sum()) == 0.0:
            problems.append(f"{name}: zero gradient")
    return problems


# --- data transformation and visualization ---------------------------------------------------------

def probe_transform(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, size=(32, 32, 3), dtype=np.uint8)  # (H, W, C) uint8
    image[0, 0] = 0
    image[0, 1] = 255
    transform = attempt(clf.build_transform)
    if is_error(transform):
        return {"build_transform()": transform}
    out = attempt(transform, image)
    return {keys.BUILD_TRANSFORM_IMAGE: out}


def probe_unnormalize(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    x = torch.linspace(-1.2, 1.2, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    out = attempt(clf.unnormalize, x)
    # "any shape": one image (C, H, W), a row of values, a float64 batch of one
    others = {"unnormalize(x) for one image (3, 4, 4)": x[0].clone(),
              "unnormalize(x) for a 1-D x of 5 values": torch.linspace(-2.0, 2.0, 5),
              "unnormalize(x) for a float64 x of shape (1, 3, 2, 2)": torch.linspace(-1.5, 1.5, 12,
                                                                                   dtype=torch.float64).reshape(1, 3, 2, 2)}
    return {keys.UNNORMALIZE_X: out, keys.X_AFTER_UNNORMALIZE_X_MUST_BE_UNCHANGED: x,
            **{call: attempt(clf.unnormalize, value) for call, value in others.items()}}


def probe_visualize(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    images = _images(6, seed=11)
    labels = torch.tensor([3, 0, 9, 5, 1, 7])
    # with the grader's unnormalize (TODO 2 is graded on its own): a wrong unnormalize costs only its check
    with _replaced(clf, {"unnormalize": _grader_unnormalize}):
        figure = attempt(clf.visualize, images, labels, CLASSES, ncols=4)
    if is_error(figure):
        return {"visualize(images, labels, CLASSES, ncols=4)": figure}
    if not isinstance(figure, Figure):
        plt.close("all")
        return {"visualize(...) returns a matplotlib Figure": f"returned {type(figure).__name__}"}
    shown = [ax for ax in figure.axes if ax.images]
    result: dict[str, Any] = {
        "visualize(...) returns a matplotlib Figure": "yes",
        keys.NUMBER_OF_SUBPLOTS_SHOWING_AN_IMAGE: len(shown),
        keys.SUBPLOT_GRID: _grid(shown),
        # every axes of the Figure, hidden ones too: the empty cells of the grid are removed (fig.delaxes),
        # not just switched off (ax.axis('off') keeps them)
        keys.AXES_IN_THE_FIGURE: len(figure.axes),
        keys.SUBPLOT_TITLES: [ax.get_title() for ax in shown],
    }
    if shown:
        arrays = []
        for ax in shown:
            data = np.asarray(ax.images[0].get_array())
            if data.dtype == np.uint8:  # imshow's 0..255 pixels: the same picture as value / 255 in [0, 1]
                result[keys.PIXELS_SHOWN_AS_UINT8] = True
                data = data / 255.0
            arrays.append(data.astype(np.float64))
        if all(a.shape == arrays[0].shape for a in arrays):
            result[keys.PIXEL_VALUES_SHOWN] = np.stack(arrays).astype(np.float32)
    plt.close("all")
    # other class names and fewer images than columns: the titles come from the `classes` given
    with _replaced(clf, {"unnormalize": _grader_unnormalize}):
        other = attempt(clf.visualize, images[:3], torch.tensor([2, 0, 1]), OTHER_CLASSES, ncols=4)
    result[keys.SUBPLOT_TITLES_WITH_OTHER_CLASS_NAMES] = (
        other if is_error(other) else [ax.get_title() for ax in getattr(other, "axes", []) if ax.images])
    plt.close("all")
    # a single image: plt.subplots(1, 1) gives one Axes, not an array, unless squeeze=False
    with _replaced(clf, {"unnormalize": _grader_unnormalize}):
        one = attempt(clf.visualize, images[:1], torch.tensor([4]), CLASSES, ncols=4)
    result[keys.SUBPLOTS_SHOWING_ONE_IMAGE] = (
        one if is_error(one) else len([ax for ax in getattr(one, "axes", []) if ax.images]))
    plt.close("all")
    # images on a GPU (a real one where present) that require grad, as the docstring allows: matplotlib needs
    # them detached and on the CPU first (.detach().cpu())
    with _replaced(clf, {"unnormalize": _grader_unnormalize}):
        on_gpu = attempt(clf.visualize, on_the_gpu(images[:2]).requires_grad_(True), torch.tensor([6, 8]), CLASSES,
                         ncols=4)
    result[keys.SUBPLOTS_SHOWING_GPU_IMAGES] = (
        on_gpu if is_error(on_gpu) else len([ax for ax in getattr(on_gpu, "axes", []) if ax.images]))
    plt.close("all")
    return result


OTHER_CLASSES = ("kitten", "puppy", "parrot")  # class names of another data set, for visualize()


def _grid(axes: list[Any]) -> str:
    """'ROWS x COLUMNS' that the subplots `axes` occupy: the distinct grid rows and columns of their subplot
    specs when they share one grid's geometry (plt.subplots, add_subplot(r, c, i)), else of their positions."""
    specs = [ax.get_subplotspec() if hasattr(ax, "get_subplotspec") else None for ax in axes]
    if specs and all(s is not None for s in specs) and len({s.get_geometry()[:2] for s in specs}) == 1:
        cells = [(s.rowspan.start, s.colspan.start) for s in specs]
    else:
        cells = [(-round(float(b.y0), 3), round(float(b.x0), 3)) for b in (ax.get_position(original=True) for ax in axes)]
    return f"{len({row for row, _ in cells})} x {len({column for _, column in cells})}"


def _grader_unnormalize(images: torch.Tensor) -> torch.Tensor:
    return (images * 0.5 + 0.5).clamp(0.0, 1.0)  # the notes' inverse of Normalize(0.5, 0.5)


# --- models --------------------------------------------------------------------------------------------

def _model_probe(make: Callable[[], nn.Module], call: str, spec: dict[str, Any],
                 input_shape: tuple[int, ...]) -> dict[str, Any]:
    torch.manual_seed(0)
    model = attempt(make)
    if is_error(model):
        return {call: model}
    if not isinstance(model, nn.Module):
        return {call: f"not an nn.Module but {type(model).__name__}"}
    x = _input(input_shape)
    repaired = repair_layers(model, spec, x)
    fill_parameters(model)
    out = attempt(model, x)
    one = attempt(model, x[:1])  # a batch of one image: still (1, num_classes), no .squeeze()
    return {"model": model, "call": call, "out": out, "x": x, "repaired": repaired, "one": one}


def _input(shape: tuple[int, ...]) -> torch.Tensor:
    generator = torch.Generator().manual_seed(21)
    return torch.rand(shape, generator=generator) * 2 - 1  # (N, C, H, W) in [-1, 1]


def _fc_probe(clf: Any) -> dict[str, Any]:
    i, h, c = FC_PROBE["input_size"], FC_PROBE["hidden_size"], FC_PROBE["num_classes"]
    return _model_probe(lambda: clf.TwoLayerFC(i, h, c), f"TwoLayerFC({i}, {h}, {c})", fc_layer_spec(i, h, c),
                        FC_PROBE["input_shape"])


def _conv_probe(clf: Any) -> dict[str, Any]:
    sizes = (CONV_PROBE["in_channel"], CONV_PROBE["channel_1"], CONV_PROBE["channel_2"], CONV_PROBE["num_classes"])
    return _model_probe(lambda: clf.ThreeLayerConvNet(*sizes), f"ThreeLayerConvNet{sizes}", conv_layer_spec(*sizes),
                        CONV_PROBE["input_shape"])


def _forward_result(probe: dict[str, Any]) -> dict[str, Any]:
    if "out" not in probe:
        return probe
    return {f"{probe['call']}(x) for x of shape {tuple(probe['x'].shape)}": probe["out"],
            f"{probe['call']}(x[:1]) for a batch of one image": probe["one"]}


def _gradient_result(probe: dict[str, Any]) -> dict[str, Any]:
    if "out" not in probe:
        return probe
    if is_error(probe["out"]):
        return {f"{probe['call']}(x)": probe["out"]}
    model = probe["model"]
    model.train()
    labels = torch.arange(probe["x"].shape[0]) % 3
    status = attempt(_grad_status, model, probe["x"], labels)
    return {keys.NO_GRADIENT: status} if isinstance(status, list) else {keys.BACKWARD_PASS: status}


def probe_fc_layers(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    i, h, c = FC_PROBE["input_size"], FC_PROBE["hidden_size"], FC_PROBE["num_classes"]
    model = attempt(clf.TwoLayerFC, i, h, c)
    if is_error(model):
        return {f"TwoLayerFC({i}, {h}, {c})": model}
    return _layers(model, _input(FC_PROBE["input_shape"]))


def probe_fc_forward(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    return _forward_result(_fc_probe(clf))


def probe_fc_gradient_flow(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    return _gradient_result(_fc_probe(clf))


def probe_count_parameters(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(7, 5), nn.ReLU(), nn.Linear(5, 3))
    all_trainable = attempt(clf.count_parameters, model)
    model[2].bias.requires_grad_(False)  # a frozen parameter is not trainable
    nested = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Sequential(nn.ReLU(), nn.Sequential(nn.Flatten(), nn.Linear(4, 2))))
    nested[1][1][1].weight.requires_grad_(False)
    shared = nn.Linear(3, 3)
    tied = nn.Sequential(shared, nn.ReLU(), shared)  # one layer used twice: its parameters count once
    counts = {keys.COUNT_PARAMETERS_LINEAR_7_5_RELU_LINEAR_5_3: all_trainable,
            keys.COUNT_PARAMETERS_WITH_THE_LAST_BIAS_FROZEN: attempt(clf.count_parameters, model),
            "count_parameters(a conv net with nested Sequentials, one weight frozen)":
                attempt(clf.count_parameters, nested),
            "count_parameters(Sequential(shared, ReLU, shared)) (one Linear(3, 3) used twice)":
                attempt(clf.count_parameters, tied),
            "count_parameters(ThreeLayerConvNet-sized layers: Conv2d(3, 32, 5), Conv2d(32, 16, 3), Linear(16384, 10))":
                attempt(clf.count_parameters, nn.Sequential(nn.Conv2d(3, 32, 5, padding=2), nn.Conv2d(32, 16, 3, padding=1),
                                                            nn.Flatten(), nn.Linear(16 * 32 * 32, 10))),
            }
    return {**counts, keys.COUNT_PARAMETERS_RETURN_TYPE: _count_type(counts.values())}


def _count_type(values: Any) -> str:
    """keys.COUNT_IS_AN_INT when every value returned (errors aside, graded by their own keys) is an integer — a
    Python int, or a NumPy integer (np.prod, np.sum) that works as one —, else the first other type's name: the
    docstring promises an int, not a tensor (which compares equal as a number) or a float."""
    for value in values:
        if is_error(value):
            continue
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            kind = type(value)
            return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    return keys.COUNT_IS_AN_INT


def probe_conv_layers(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    sizes = (CONV_PROBE["in_channel"], CONV_PROBE["channel_1"], CONV_PROBE["channel_2"], CONV_PROBE["num_classes"])
    model = attempt(clf.ThreeLayerConvNet, *sizes)
    if is_error(model):
        return {f"ThreeLayerConvNet{sizes}": model}
    return _layers(model, _input(CONV_PROBE["input_shape"]))


def probe_conv_forward(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    return _forward_result(_conv_probe(clf))


def probe_conv_gradient_flow(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    return _gradient_result(_conv_probe(clf))


# --- train() and evaluate() with the grader's own model ------------------------------------------------

def _grader_model() -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 16), nn.ReLU(), nn.Linear(16, 10))
    fill_parameters(model, seed=77)
    return model


def _loader(n: int, *, batch_size: int, seed: int, labels_from: nn.Module | None = None) -> DataLoader:
    x = _images(n, seed=seed)
    generator = torch.Generator().manual_seed(seed + 1)
    y = torch.randint(0, 10, (n,), generator=generator)
    if labels_from is not None:  # most labels agree with the model, so accuracy is neither 0 nor 1
        with torch.no_grad():
            predicted = labels_from(x).argmax(dim=1)
        agree = torch.rand(n, generator=generator) < 0.6
        y = torch.where(agree, predicted, y)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=False)


def _forward_recorder(model: nn.Module, record: dict[str, Any], *, stop: bool) -> None:
    def hook(module: nn.Module, args: tuple[Any, ...]) -> None:
        # only the passes with autograd on count: a logging pass under torch.no_grad() is free
        record.setdefault("forward calls", 0)
        record["forward calls"] += int(torch.is_grad_enabled())
        if "first input" not in record:
            first = args[0] if args else None
            record["first input"] = first.device.type if isinstance(first, torch.Tensor) else type(first).__name__
            record["training"] = module.training
            record["grad enabled"] = torch.is_grad_enabled()
        if stop:
            raise StopProbe

    model.register_forward_pre_hook(hook)


def _train_optimizer(model: nn.Module) -> torch.optim.Optimizer:
    return torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)


def train_loader() -> DataLoader:
    """The batches train() is graded on: 6 batches, the last of 4."""
    return _loader(44, batch_size=8, seed=31)


def evaluate_loaders(model: nn.Module) -> tuple[DataLoader, DataLoader]:
    """The batches evaluate() is graded on, labelled mostly as `model` predicts (so accuracy is neither 0 nor
    1): for the accuracy, 4 batches, the last of 2; for the loss, batches of 10 and a last batch of 1. A top-1
    over the wrong dim still runs on both (10 scores per image), so it costs only the accuracy check; a loss
    averaged over batches weighs the last image as much as ten."""
    return (_loader(50, batch_size=16, seed=51, labels_from=model),
            _loader(41, batch_size=10, seed=53, labels_from=model))


def probe_train(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    loader = train_loader()
    # what the common mistakes give, for the diagnosis (only the answer key's run is used, so only it computes them)
    mistakes = ({TRAIN_MISTAKES: train_mistakes(_grader_model, loader, _train_optimizer)}
                if ctx.get(ANSWER_KEY_RUN) else {})
    model = _grader_model()
    model.eval()  # train() must switch it to training mode
    optimizer = _train_optimizer(model)
    record: dict[str, Any] = {}
    _forward_recorder(model, record, stop=False)
    # print_every=2: the optional logging (step 7) runs, as CS231n's `if t % print_every == 0` expects a
    # positive number; whatever it prints never costs points
    returned = attempt(clf.train, model, loader, optimizer, torch.device("cpu"), epoch=1, print_every=2)
    mode = {keys.MODEL_IN_TRAINING_MODE_DURING_TRAIN: bool(record["training"])} if "training" in record else {}
    if is_error(returned):
        # what was seen before it raised still counts (train_mode is graded on its own)
        return {"train(model, loader, optimizer, 'cpu')": returned, **mode}
    return {
        keys.FORWARD_PASSES_ONE_PER_BATCH: record.get("forward calls", 0),
        **mode,
        "parameters after train()": [p.detach().clone() for p in model.parameters()],
        "train() returns the mean loss per sample": _returned_number(returned),
        keys.FORWARD_PASSES_ON_A_LONG_LOADER: _long_epoch_passes(clf),
        keys.PARAMETERS_AFTER_TRAIN_OF_A_CONV_NET: _conv_net_training(clf),
        keys.TRAIN_WITH_PRINT_EVERY_0: _never_logging(clf),
        **mistakes,
    }


def _conv_net(seed: int = 79) -> nn.Module:
    """A small convolutional model for train(): it needs (N, C, H, W) batches, so a train() that flattens the
    images itself (which the grader's flat model would not notice) is caught."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten(),
                          nn.Linear(4 * 8 * 8, 10))  # (N, 3, 32, 32) -> (N, 10)
    fill_parameters(model, seed=seed)
    return model


def _conv_net_training(clf: Any) -> Any:
    """The conv model's parameters after train() over 3 batches (the last of 2)."""
    model = _conv_net()
    loader = _loader(10, batch_size=4, seed=61)
    returned = attempt(clf.train, model, loader, torch.optim.SGD(model.parameters(), lr=0.05), torch.device("cpu"),
                       epoch=1, print_every=2)
    return returned if is_error(returned) else [p.detach().clone() for p in model.parameters()]


def _long_epoch_passes(clf: Any) -> Any:
    """How many forward passes (autograd on) train() makes over keys.LONG_LOADER_BATCHES batches, the last of one
    image: every batch of the epoch, past any debug limit, and a batch of 1 (where `.squeeze()` breaks)."""
    model = _grader_model()
    loader = _loader(2 * keys.LONG_LOADER_BATCHES - 1, batch_size=2, seed=37)  # (2, 3, 32, 32) ... (1, 3, 32, 32)
    record: dict[str, Any] = {}
    _forward_recorder(model, record, stop=False)
    returned = attempt(clf.train, model, loader, torch.optim.SGD(model.parameters(), lr=0.01), torch.device("cpu"),
                       epoch=1, print_every=1000)
    return returned if is_error(returned) else record.get("forward calls", 0)


def _never_logging(clf: Any) -> Any:
    """train() with print_every=0, which its docstring defines as "never log": True when it runs to the end
    (whatever it prints), else its error (`step % print_every` divides by zero). Printing is free: only a
    crash costs."""
    model = _grader_model()
    loader = _loader(12, batch_size=4, seed=43)
    returned = attempt(clf.train, model, loader, _train_optimizer(model), torch.device("cpu"), epoch=1,
                       print_every=0)
    return returned if is_error(returned) else True


def _returned_number(value: Any) -> Any:
    """A returned number as it is; a one-element tensor, where the docstrings promise a Python float, is named
    as such (still attached to the autograd graph, or detached)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        if value.requires_grad:
            return "a tensor still attached to the autograd graph (requires_grad=True)"
        return keys.TENSOR_NOT_A_FLOAT
    return value


def _patched_cross_entropy(record: dict[str, Any]) -> Callable[..., Any]:
    original = F.cross_entropy

    def cross_entropy(input: torch.Tensor, target: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        record["labels"] = target.device.type if isinstance(target, torch.Tensor) else type(target).__name__
        raise StopProbe

    cross_entropy.original = original  # type: ignore[attr-defined]
    return cross_entropy


def _device_probe(run: Callable[[nn.Module, DataLoader, torch.device], Any], *, stop_at_forward: bool) -> dict[str, Any]:
    device = target_device()
    model = _grader_model().to(device)
    loader = _loader(16, batch_size=8, seed=41)  # batches on the CPU
    record: dict[str, Any] = {}
    _forward_recorder(model, record, stop=stop_at_forward)
    original = F.cross_entropy
    F.cross_entropy = _patched_cross_entropy(record)  # type: ignore[assignment]
    try:
        outcome = attempt(run, model, loader, device)
    except StopProbe:
        outcome = None
    finally:
        F.cross_entropy = original  # type: ignore[assignment]
    if "first input" not in record:
        if is_error(outcome):
            return {keys.IMAGES_MOVED_TO_DEVICE: outcome}
        return {keys.IMAGES_MOVED_TO_DEVICE: "the model was never called"}
    result = {keys.IMAGES_MOVED_TO_DEVICE: record["first input"] == device.type}
    if "labels" in record:
        result[keys.LABELS_MOVED_TO_DEVICE] = record["labels"] == device.type
    elif is_error(outcome) and "device" in outcome.message.lower() and "meta tensors" not in outcome.message:
        result[keys.LABELS_MOVED_TO_DEVICE] = False
    else:
        result[keys.LABELS_MOVED_TO_DEVICE] = True  # not observable here (own loss function); not held against it
    return result


def probe_train_device(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    def run(model: nn.Module, loader: DataLoader, device: torch.device) -> Any:
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        return clf.train(model, loader, optimizer, device, epoch=1, print_every=2)

    return _device_probe(run, stop_at_forward=False)


def probe_evaluate_device(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    def run(model: nn.Module, loader: DataLoader, device: torch.device) -> Any:
        # 'test' mode: no loss, so the labels meet the device in the comparison with the predictions
        return clf.evaluate(model, loader, device, mode="test")

    return _device_probe(run, stop_at_forward=False)


def _evaluate_call(clf: Any, model: nn.Module, loader: DataLoader, mode: str, label: str) -> dict[str, Any]:
    value = attempt(clf.evaluate, model, loader, torch.device("cpu"), mode=mode)
    call = keys.evaluate_call(mode, label)
    if is_error(value):
        return {call: value}
    if not (isinstance(value, tuple) and len(value) == 2):
        return {call: f"returned {type(value).__name__}, not (accuracy, loss)"}
    accuracy, loss = value
    return {"accuracy": _returned_number(accuracy) if isinstance(accuracy, torch.Tensor) else accuracy,
            "loss": _returned_number(loss) if isinstance(loss, torch.Tensor) else loss}


def probe_evaluate(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    model = _grader_model()
    loader, even = evaluate_loaders(model)
    mistakes = ({EVALUATE_MISTAKES: {"accuracy": evaluate_accuracy_mistakes(_grader_model(), loader),
                                     "loss": evaluate_loss_mistakes(_grader_model(), even)}}
                if ctx.get(ANSWER_KEY_RUN) else {})
    model.train()  # evaluate() must switch it to eval mode
    record: dict[str, Any] = {}
    _forward_recorder(model, record, stop=False)
    test = _evaluate_call(clf, model, loader, "test", "")
    mode_record = dict(record)
    val = _evaluate_call(clf, model, loader, "val", "")
    result: dict[str, Any] = {
        "model.training during evaluate()": mode_record.get("training"),
        "autograd enabled during evaluate()": mode_record.get("grad enabled"),
    }
    for mode, values in (("test", test), ("val", val)):
        if "accuracy" in values:
            result[f"accuracy from evaluate(..., mode='{mode}')"] = values["accuracy"]
        else:
            result.update(values)
    # The loss, on batches of 10 (as many as classes) and a last batch of 1 (see evaluate_loaders).
    model.train()
    for mode in ("val", "test"):
        values = _evaluate_call(clf, model, even, mode, keys.LOSS_BATCHES)
        if "loss" in values:
            result[f"loss from evaluate(..., mode='{mode}')"] = values["loss"]
        else:
            result.update(values)
    return {**result, **mistakes}


# --- run(): the 7 steps, with the data, train() and evaluate() replaced by recorders --------------------

def probe_run(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    device = target_device()
    results: dict[str, Any] = {}
    for model_kind, epochs in (("conv", 2), ("fc", 1)):
        calls: list[str] = []
        seen: dict[str, Any] = {}
        loaders = (["train-batches"], ["val-batches"], ["test-batches"])

        def get_loaders(transform: Any, **kwargs: Any) -> tuple[Any, Any, Any]:
            calls.append("get_loaders")
            seen["get_loaders options"] = {k: kwargs.get(k) for k in ("batch_size", "data_dir", "limit")}
            seen[keys.RUN_GET_LOADERS_SEED] = kwargs.get("seed", "not given")  # the shuffling order follows it
            seen["transform given to get_loaders is callable"] = callable(transform)
            return loaders

        def train(model: nn.Module, loader: Any, optimizer: Any, device_: Any, **kwargs: Any) -> float:
            calls.append("train")
            parameters = list(model.parameters())
            trained = _stand_in(model)
            seen["model"] = getattr(model, "built_as", type(model).__name__)
            # the sizes it was built with (config.hidden_size / channel_1 / channel_2, 3 * 32 * 32 inputs):
            # the constructor's arguments, so that a mistake inside the model class costs nothing here. Those of
            # the model trained, not of the last one built (run() may build both and pick one).
            seen["model built with"] = (trained.built_with if trained is not None
                                        else "not built by calling TwoLayerFC/ThreeLayerConvNet")
            seen[keys.MODEL_DEVICE_DURING_TRAIN] = parameters[0].device.type if parameters else "no parameters"
            seen["optimizer"] = type(optimizer).__name__
            group = optimizer.param_groups[0] if getattr(optimizer, "param_groups", None) else {}
            seen["learning rate"] = float(group.get("lr", float("nan")))
            seen["momentum"] = float(group.get("momentum", float("nan")))
            # options config does not name keep SGD's defaults (an added weight_decay is a mistake)
            seen["other SGD options"] = {k: group.get(k) for k in ("weight_decay", "dampening", "nesterov")}
            seen["train() gets the training loader"] = loader is loaders[0]
            seen[keys.RUN_TRAIN_PRINT_EVERY] = kwargs.get("print_every", "not given")
            return RUN_TRAIN_LOSSES[min(calls.count("train"), len(RUN_TRAIN_LOSSES)) - 1]

        def evaluate(model: nn.Module, loader: Any, device_: Any, *, mode: str = "val") -> tuple[float, Any]:
            calls.append(f"evaluate:{mode}")
            seen[f"evaluate(mode='{mode}') gets the {mode} loader"] = loader is (loaders[1] if mode == "val" else loaders[2])
            if mode != "val":
                return 0.75, None
            return RUN_VAL_RESULTS[min(calls.count("evaluate:val"), len(RUN_VAL_RESULTS)) - 1]

        replacements = {"get_loaders": get_loaders, "train": train, "evaluate": evaluate, **_grader_parts(clf)}
        with _replaced(clf, replacements):
            config = clf.TrainConfig(model=model_kind, epochs=epochs, batch_size=4, hidden_size=20, channel_1=4,
                                     channel_2=3, learning_rate=0.0123, momentum=0.5, device=device.type, limit=8,
                                     print_every=RUN_PRINT_EVERY, data_dir=RUN_DATA_DIR, seed=RUN_SEED)
            returned = attempt(clf.run, config)
        prefix = f"run(model='{model_kind}', epochs={epochs}): "
        if is_error(returned):
            results[prefix + "result"] = returned
            continue
        results[prefix + "calls in order"] = calls
        for key, value in seen.items():  # in the order the steps happen
            results[prefix + key] = value
        results[prefix + "test_accuracy returned"] = getattr(returned, "test_accuracy", None)
        results[prefix + "history entries"] = len(getattr(returned, "history", []) or [])
        results[prefix + "history"] = _history(getattr(returned, "history", None))
        results[prefix + keys.HISTORY_EPOCHS] = _history_epochs(getattr(returned, "history", None))
    results.update(_run_seeding(clf))
    results.update(_run_default_device(clf))
    return results


RUN_DATA_DIR = "cifar10-probe-folder"  # config.data_dir in the run() probe: get_loaders must be given it
RUN_SEED = 13  # config.seed there (not TrainConfig's 0, nor get_loaders' default 0): get_loaders must be given it
RUN_PRINT_EVERY = 7  # config.print_every there (not train()'s default 100): train() must be given it
RUN_TRAIN_LOSSES = (1.5, 1.25, 1.0)  # what the stand-in train() returns, epoch by epoch
RUN_VAL_RESULTS = ((0.25, 0.5), (0.375, 0.4375), (0.5, 0.375))  # and evaluate(mode='val'): (accuracy, loss)


def _history(history: Any) -> Any:
    """run()'s history as the checks compare it: per epoch, the three numbers the docstring names (the 'epoch'
    of each entry is compared on its own, `_history_epochs`; extra keys are the student's own)."""
    if not isinstance(history, (list, tuple)):
        return f"not a list but {type(history).__name__}"
    return [{k: entry.get(k) for k in ("train_loss", "val_loss", "val_accuracy")} if isinstance(entry, dict)
            else f"not a dict but {type(entry).__name__}" for entry in history]


def _history_epochs(history: Any) -> Any:
    """Each history entry's 'epoch' (None where an entry has none), as the docstring lists it: consecutive
    integers, counted from 1 or from 0 (the epochs 0, 1, ... are given as 1, 2, ..., so both compare equal)."""
    if not isinstance(history, (list, tuple)):
        return f"not a list but {type(history).__name__}"
    epochs = [entry.get("epoch") if isinstance(entry, dict) else f"not a dict but {type(entry).__name__}"
              for entry in history]
    whole = all(isinstance(e, numbers.Integral) and not isinstance(e, bool) for e in epochs)
    if whole and [int(e) for e in epochs] == list(range(len(epochs))):
        return [int(e) + 1 for e in epochs]
    return [int(e) for e in epochs] if whole else epochs


@contextmanager
def _replaced(module: Any, replacements: dict[str, Any]) -> Iterator[None]:
    """The module's globals `replacements` set for the duration (run() looks them up there), then put back."""
    originals = {name: getattr(module, name, None) for name in replacements}
    try:
        for name, value in replacements.items():
            setattr(module, name, value)
        yield
    finally:
        for name, value in originals.items():
            setattr(module, name, value)


def _grader_parts(clf: Any) -> dict[str, Any]:
    """The other TODOs that run() uses, replaced by the grader's own (TODO 1's transform, TODO 4's and 8's
    models), so that a mistake in one of them costs only its own check and never run()'s."""
    def transform() -> Any:
        return _grader_transform

    return {"build_transform": transform,
            "TwoLayerFC": _constructor_recorder(clf.TwoLayerFC, "TwoLayerFC"),
            "ThreeLayerConvNet": _constructor_recorder(clf.ThreeLayerConvNet, "ThreeLayerConvNet")}


def _grader_transform(image: Any) -> torch.Tensor:
    array = torch.as_tensor(np.asarray(image), dtype=torch.float32).permute(2, 0, 1) / 255.0  # (C, H, W) in [0, 1]
    return (array - 0.5) / 0.5  # [-1, 1]


class _GraderModel(nn.Module):
    """A small stand-in for the student's model class inside run(): what run() does with it is graded,
    not the class itself. `built_as` names the class run() asked for, `built_with` the constructor's arguments
    (by the student's parameter names)."""

    def __init__(self, built_as: str, sizes: list[Any], built_with: dict[str, Any]) -> None:
        super().__init__()
        self.built_as = built_as
        self.built_with = built_with
        width = next((v for v in sizes[1:2] if isinstance(v, int) and 0 < v <= 4096), 8)
        self.layer = nn.Linear(4, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x.flatten(1)[:, :4])


def _stand_in(model: Any) -> _GraderModel | None:
    """The grader's stand-in model that run() handed to train(): `model` itself or, when run() wrapped it (an
    nn.Sequential around it, a DataParallel), the first stand-in inside it."""
    if isinstance(model, _GraderModel):
        return model
    if isinstance(model, nn.Module):
        return next((m for m in model.modules() if isinstance(m, _GraderModel)), None)
    return None


def _constructor_recorder(cls: Any, name: str) -> Callable[..., Any]:
    """A stand-in for `cls`: each call returns the grader's stand-in model, which keeps the call's arguments (by
    the student's parameter names) as its `built_with`."""
    import inspect

    def make(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = inspect.signature(cls).bind(*args, **kwargs)
            arguments = {k: v for k, v in bound.arguments.items() if isinstance(v, (int, float, str))}
        except (TypeError, ValueError):
            arguments = {"arguments": "do not fit the constructor"}
        return _GraderModel(name, list(bound.arguments.values()) if "arguments" not in arguments else [], arguments)

    return make


def _run_seeding(clf: Any) -> dict[str, Any]:
    """run() twice with the same config.seed (torch's random state disturbed in between), and once with
    another: step 1 seeds torch with config.seed, so the model starts from the same weights exactly when
    the seed is the same."""
    def first_weights(seed: int, disturbance: int) -> Any:
        seen: dict[str, Any] = {}

        def train(model: nn.Module, loader: Any, optimizer: Any, device_: Any, **kwargs: Any) -> float:
            parameters = list(model.parameters())
            seen.setdefault("weights", parameters[0].detach().cpu().clone() if parameters else None)
            return 1.5

        replacements = {
            "get_loaders": lambda transform, **kwargs: (["train"], ["val"], ["test"]),
            "train": train,
            "evaluate": lambda model, loader, device_, *, mode="val": (0.25, 0.5) if mode == "val" else (0.75, None),
            **_grader_parts(clf),
        }
        torch.manual_seed(disturbance)  # what came before run() must not matter
        with _replaced(clf, replacements):
            returned = attempt(clf.run, clf.TrainConfig(model="fc", epochs=1, hidden_size=20, device="cpu",
                                                       limit=8, print_every=0, seed=seed))
        return returned if is_error(returned) else seen.get("weights")

    first, again, other = first_weights(5, 101), first_weights(5, 202), first_weights(6, 101)
    for value in (first, again, other):
        if is_error(value):
            return {"run(seed=5) twice": value}
    if not all(isinstance(v, torch.Tensor) for v in (first, again, other)):
        return {"run(seed=5) twice": "the model was never trained"}
    return {keys.RUN_SEED_5_TWICE_THE_SAME_INITIAL_WEIGHTS: bool(torch.equal(first, again)),
            keys.RUN_SEED_5_AND_RUN_SEED_6_DIFFERENT_INITIAL_WEIGHTS: not bool(torch.equal(first, other))}


def _run_default_device(clf: Any) -> dict[str, Any]:
    """run() with config.device None (step 1: 'cuda' when available, else 'cpu'): where the model trains."""
    seen: dict[str, Any] = {}

    def train(model: nn.Module, loader: Any, optimizer: Any, device_: Any, **kwargs: Any) -> float:
        parameters = list(model.parameters())
        seen["device"] = parameters[0].device.type if parameters else "no parameters"
        return 1.5

    replacements = {
        "get_loaders": lambda transform, **kwargs: (["train"], ["val"], ["test"]),
        "train": train,
        "evaluate": lambda model, loader, device_, *, mode="val": (0.25, 0.5) if mode == "val" else (0.75, None),
        **_grader_parts(clf),
    }
    with _replaced(clf, replacements):
        returned = attempt(clf.run, clf.TrainConfig(model="fc", epochs=1, hidden_size=20, device=None, limit=8,
                                                   print_every=0))
    key = keys.RUN_DEVICE_NONE_MODEL_DEVICE_DURING_TRAIN
    return {key: returned if is_error(returned) else seen.get("device", "the model was never trained")}


# --- minimum accuracy: the student's model trained by the student's train() --------------------------

def _train_arrays(ctx: dict[str, Any]) -> tuple[StoredImages, torch.Tensor]:
    """The prepared CIFAR-10 training images as they are stored, uint8 (N, 32, 32, 3), read a batch at a time
    (never resident as a whole) and normalized one batch at a time by `normalize`; and their labels."""
    folder = Path(ctx["data_dir"])
    train_images = StoredImages(folder / "train_images.npy", count=NUM_TRAIN)  # (49000, 32, 32, 3) uint8
    train_labels = torch.from_numpy(np.load(folder / "train_labels.npy")[:NUM_TRAIN]).long()  # (49000,)
    return train_images, train_labels


def _test_images(ctx: dict[str, Any]) -> StoredImages:
    """The test images (10000, 32, 32, 3) uint8, read 500 at a time; their labels stay with the grader."""
    return StoredImages(Path(ctx["data_dir"]) / "test_images.npy")


def shuffled_batches(count: int, *, batch_size: int, seed: int) -> list[torch.Tensor]:
    """The sample indices of one shuffled epoch, batch by batch: one seeded permutation, the same for the
    answer key and every student, gathered by index instead of DataLoader's per-sample indexing and collation.
    (Not DataLoader's own order for the same seed: it draws a worker seed from the generator first.)"""
    return list(torch.randperm(count, generator=torch.Generator().manual_seed(seed)).split(batch_size))


def normalize(images: torch.Tensor) -> torch.Tensor:
    """The reference transform on a batch: uint8 (N, H, W, C) in [0, 255] -> float32 (N, C, H, W) in [-1, 1],
    contiguous as ToTensor's output is (a channels-last tensor would break a student's correct x.view(N, -1))."""
    return images.permute(0, 3, 1, 2).float().div(255.0).sub(0.5).div(0.5).contiguous()


def _predictions(model: nn.Module, test_images: StoredImages) -> torch.Tensor:
    """Top-1 classes of `model` on the uint8 test images, a training batch at a time (the CPU convolution's
    unfolded input grows with the chunk: 75 MB for conv2 at 64 images, 590 MB at 500)."""
    model.eval()
    device = training_device()  # where the model was put (never asked of its parameters: a student's may be anything)
    predictions = []
    with test_images, torch.no_grad():
        for start in range(0, len(test_images), BATCH_SIZE):
            batch = normalize(test_images[start:start + BATCH_SIZE]).to(device)  # (64, 3, 32, 32)
            predictions.append(model(batch).argmax(dim=1))  # (64,)
    return torch.cat(predictions).to(torch.int64).cpu()


def _accuracy_probe(clf: Any, ctx: dict[str, Any], make: Callable[[], nn.Module], settings: dict[str, float]) -> dict[str, Any]:
    train_images, train_labels = _train_arrays(ctx)
    torch.manual_seed(0)
    model = attempt(make)
    if is_error(model):
        return {"model": model}
    # The parameters before training, scored by the grader too: a model must learn here, not arrive trained.
    # Half precision (their argmax is what counts): the two weight sets together stay within a result's size limit.
    initial = attempt(lambda: [p.detach().to("cpu", torch.float16) for p in model.parameters()]) \
        if ctx.get("return_weights") else None
    moved = attempt(lambda: model.to(training_device()))  # on the grading's GPU where it has one
    if is_error(moved):
        return {"model.to(device)": moved}
    # fused: one pass over each parameter, its gradient and its momentum per step (the foreach update makes
    # three, and for TwoLayerFC's 49 MB fc1 that memory traffic is a third of the batch's time).
    optimizer = torch.optim.SGD(model.parameters(), lr=settings["lr"], momentum=settings["momentum"], fused=True)
    # The grader's own loop (the notes' steps 1-6, as the reference's train()): train() is graded exactly by
    # its own checks, so a mistake there costs only those and never these.
    with train_images:
        trained = attempt(_grader_train_epoch, model, train_images, train_labels, optimizer,
                          progress=ctx.get(PROGRESS))
    del optimizer  # its momentum (as large as the model) is not needed for the predictions
    release_free_memory()  # nor the heap the epoch's gradients used: the weights are sent from a compact heap
    if is_error(trained):
        return {"training (your model's forward or backward)": trained}
    predictions = attempt(_predictions, model, _test_images(ctx))
    if is_error(predictions):
        return {"predictions": predictions}
    result: dict[str, Any] = {"predictions": predictions, LOSS_CURVE: trained}
    if ctx.get("return_weights"):
        # The trained weights, scored again by the grader's own model code in a process without student code.
        result[TRAINED_WEIGHTS] = [p.detach().to("cpu", torch.float32) for p in model.parameters()]  # (copied when sent)
        if not is_error(initial):
            result[INITIAL_WEIGHTS] = initial
    return result


def _grader_train_epoch(model: nn.Module, images: StoredImages, labels: torch.Tensor,
                        optimizer: torch.optim.Optimizer, *,
                        progress: Callable[[int, int], None] | None = None) -> torch.Tensor:
    """One epoch of the notes' steps 1-6; returns the training loss curve: the mean batch loss over each
    run of LOSS_CURVE_BATCHES batches (the reports draw it beside the reference's). `progress(done, total)`
    is told every LOSS_CURVE_BATCHES batches."""
    model.train()
    device = training_device()
    losses = []
    batches = shuffled_batches(len(images), batch_size=BATCH_SIZE, seed=0)
    for number, batch in enumerate(batches, start=1):  # batch: (64,) sample indices
        if number % LOSS_CURVE_BATCHES == 0 or number == len(batches):
            release_free_memory()  # the heap's free pages back to the system: the child stays its size all epoch
            if progress is not None:
                progress(number, len(batches))
        optimizer.zero_grad()  # set to None: backward's new gradient is kept, not added to zeros
        inputs = normalize(images[batch]).to(device)  # (64, 3, 32, 32) in [-1, 1]
        loss = F.cross_entropy(model(inputs), labels[batch].to(device))
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    curve = torch.stack(losses).float().cpu()  # (766,)
    return torch.stack([part.mean() for part in curve.split(LOSS_CURVE_BATCHES)])  # (39,)


def _load_by_shape(model: nn.Module, weights: list[np.ndarray]) -> str | None:
    """Copy `weights` into `model`'s parameters, matched by shape and order of occurrence; a reason when
    they do not fit."""
    by_shape: dict[tuple[int, ...], list[np.ndarray]] = {}
    for array in weights:
        by_shape.setdefault(tuple(array.shape), []).append(array)
    parameters = list(model.parameters())
    if len(parameters) != len(weights):
        return f"the trained model has {len(weights)} parameter tensors, the reference's {len(parameters)}"
    with torch.no_grad():
        for parameter in parameters:
            shape = tuple(parameter.shape)
            if not by_shape.get(shape):
                return f"no trained parameter of shape {shape}"
            parameter.copy_(torch.from_numpy(np.ascontiguousarray(by_shape[shape].pop(0))))
    return None


def probe_score_weights(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    """Trusted: runs on the answer key only. The student's trained weights (and, when given, the same model's
    weights before training) in the reference's model, on the test images in their original order."""
    if ctx["model"] == "fc":
        model = clf.TwoLayerFC(3 * 32 * 32, FC_SETTINGS["hidden_size"], 10)
    else:
        model = clf.ThreeLayerConvNet(3, CONV_SETTINGS["channel_1"], CONV_SETTINGS["channel_2"], 10)
    result: dict[str, Any] = {}
    for key, prefix in (("weights", ""), ("initial_weights", "initial ")):
        if not ctx.get(key):
            continue
        with np.load(Path(ctx[key]), allow_pickle=False) as store:
            weights = [store[f"w{i}"] for i in range(len(store.files))]
        problem = _load_by_shape(model, weights)
        result[f"{prefix}weights fit the reference model"] = problem or "yes"
        if problem is None:  # on the device the student's model trained on, as their predictions were made
            result[f"{prefix}predictions"] = _predictions(model.to(training_device()), _test_images(ctx))
    return result


def probe_fc_accuracy(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    return _accuracy_probe(clf, ctx, lambda: clf.TwoLayerFC(3 * 32 * 32, FC_SETTINGS["hidden_size"], 10), FC_SETTINGS)


def probe_conv_accuracy(clf: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    return _accuracy_probe(clf, ctx, lambda: clf.ThreeLayerConvNet(3, CONV_SETTINGS["channel_1"], CONV_SETTINGS["channel_2"], 10),
                           CONV_SETTINGS)
