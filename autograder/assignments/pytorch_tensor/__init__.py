"""Assignment `pytorch_tensor` (module `tensor_basics`): numpy matrices, tensors and lists/numpy, cpu/cuda,
squeeze/unsqueeze, view/reshape, cat/stack, autograd, gradient descent. Its probes and checks sit beside it."""
from autograder.assignments.record import Assignment

ASSIGNMENT = Assignment(
    name="pytorch_tensor",
    module="tensor_basics",
    package=__name__,
    signature="def make_zeros_and_ones(",
    points={  # check name -> points, in report order
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
    },
)
