"""Points per check: the one place they are set. Keys are check names in `autograder.grade.checks`."""
from __future__ import annotations

from types import MappingProxyType

POINTS = MappingProxyType({
    "pytorch_tensor": MappingProxyType({
        "zeros_and_ones": 1,
        "random_matrix": 1,
        "random_int_matrix": 1,
        "indexing": 2,
        "arithmetic": 2,
        "mean": 1,
        "transpose": 1,
        "list_conversion": 1,
        "numpy_conversion": 2,
        "get_device": 2,
        "to_device": 2,
        "squeeze": 1,
        "view_reshape": 2,
        "cat_stack": 2,
        "autograd": 3,
        "mse": 2,
        "gradient_descent": 4,
    }),
    "image_classification": MappingProxyType({
        "transform": 2,
        "unnormalize": 1,
        "visualize": 2,
        "fc_layers": 2,
        "fc_forward": 2,
        "fc_gradient_flow": 1,
        "count_parameters": 1,
        "conv_layers": 2,
        "conv_forward": 2,
        "conv_gradient_flow": 1,
        "train_updates": 4,
        "train_mode": 1,
        "train_device": 2,
        "evaluate_mode": 2,
        "evaluate_accuracy": 2,
        "evaluate_loss": 1,
        "evaluate_device": 2,
        "run_pipeline": 3,
        "run_device": 2,
        "fc_accuracy": 5,
        "conv_accuracy": 5,
    }),
})
