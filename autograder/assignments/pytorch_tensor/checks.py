"""Checks of the assignment `pytorch_tensor` (module `tensor_basics`), in report order."""
from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from autograder.assignments.pytorch_tensor import keys
from autograder.grade.checks.common import compare_all, compare_parts, error_verdict
from autograder.feedback.catalog import bilingual
from autograder.feedback.language import pair
from autograder.grade.compare import describe_both
from autograder.grade.registry import Verdict
from autograder.grade.registry import check as _check
from autograder.run.values import ErrorValue, TensorValue

check = partial(_check, assignment="pytorch_tensor")
_SELECTION = pair("m[m > threshold]: 행 우선 순서, 같은 값도 그대로, m의 dtype 유지(정렬, np.unique, float 변환 없이)",
                  "m[m > threshold]: row-major order, repeats kept, m's dtype (no sorting, np.unique or float cast)")
_KEEP_INPUTS = pair("입력을 바꾸지 말고 새 결과를 돌려주세요", "Return a new result and leave the inputs as they were "
                    "(a + b, not a += b)")


zeros_and_ones = check("zeros_and_ones", title="TODO 1 make_zeros_and_ones", hints={
    keys.MAKE_ZEROS_AND_ONES_2_3: bilingual("Return (np.zeros(shape), np.ones(shape))."),
    keys.ZEROS_AND_ONES_NEW_ARRAYS: pair("np.zeros(shape)와 np.ones(shape)로 새 배열 두 개를 만드세요(쓰기 가능한 배열)",
                                         "Make two new, writeable arrays: np.zeros(shape) and np.ones(shape) (not "
                                         "np.broadcast_to views)"),
})()


def _random_properties(student: dict[str, Any], *, call: str, integer: bool, low: float, high: float) -> Verdict:
    first, same, other = student["first"], student["same_seed"], student["other_seed"]
    for value in (first, same, other):
        if isinstance(value, ErrorValue):
            return error_verdict(call, value)
    if not isinstance(first, TensorValue) or first.kind != "ndarray":
        return Verdict.failed(bilingual("'{call}' has the wrong type: got {got}, expected a numpy array", call=call,
                                        got=describe_both(first)))
    shape = (60, 50) if integer else (50, 40)
    if first.shape != shape:
        return Verdict.failed(bilingual("'{call}' has the wrong shape: got {got}, expected {expected}", call=call,
                                        got=first.shape, expected=shape))
    kind = first.array.dtype.kind
    if integer and kind not in "iu":
        return Verdict.failed(bilingual("'{call}' has the wrong dtype: got {got}, expected an integer dtype", call=call,
                                        got=first.dtype))
    if not integer and kind != "f":
        return Verdict.failed(bilingual("'{call}' has the wrong dtype: got {got}, expected a float dtype", call=call,
                                        got=first.dtype))
    if not integer and first.dtype != "float64":  # the docstring promises float64 (rng.random's)
        return Verdict.failed(bilingual("'{name}' has the wrong dtype: got {got}, expected {expected}", name=call,
                                        got=first.dtype, expected="float64"))
    values = first.array
    if values.min() < low or values.max() >= high:
        bounds = f"[{low:g}, {high:g})" if not integer else f"{low:g}..{high - 1:g} (high={high:g} is excluded)"
        return Verdict.failed(bilingual("'{call}' has values outside {bounds}: got min {low}, max {high}", call=call,
                                        bounds=bounds, low=f"{values.min():g}", high=f"{values.max():g}"))
    if not isinstance(same, TensorValue) or not np.array_equal(same.array, values):
        return Verdict.failed(bilingual("'{call}' is not reproducible: the same seed gave a different matrix. Make the "
                                        "generator from the seed (np.random.default_rng(seed)).", call=call))
    size_one_key, size_one_shape = ((keys.RANDOM_INT_MATRIX_ONE_COLUMN, [5, 1]) if integer
                                    else (keys.RANDOM_MATRIX_ONE_ROW, [1, 5]))
    size_one = student.get(size_one_key)
    if size_one != size_one_shape:  # a size-1 dimension is kept (no .squeeze(), no reshape(-1))
        return Verdict.failed(bilingual("'{name}' is wrong: got {got}, expected {expected}", name=size_one_key,
                                        got=describe_both(size_one), expected=str(size_one_shape)))
    if isinstance(other, TensorValue) and np.array_equal(other.array, values):
        return Verdict.failed(bilingual("'{call}' ignores the seed: seeds 7 and 8 gave the same matrix. Make the "
                                        "generator from the seed (np.random.default_rng(seed)).", call=call))
    if integer:
        missing = sorted(set(range(int(low), int(high))) - set(np.unique(values).tolist()))
        if missing:
            return Verdict.failed(bilingual("'{call}' never produced {missing} in 3,000 draws from {low}..{high}. "
                                            "rng.integers(low, high) draws from low to high - 1.", call=call,
                                            missing=missing, low=f"{low:g}", high=f"{high - 1:g}"))
    else:
        mean, std = float(values.mean()), float(values.std())
        if abs(mean - 0.5) > 0.05 or abs(std - 0.2887) > 0.04:
            return Verdict.failed(bilingual("'{call}' does not look uniform on [0, 1): mean {mean} (expected about 0.5), "
                                            "std {std} (expected about 0.289). Use rng.random(shape), not a normal "
                                            "distribution.", call=call, mean=f"{mean:.3f}", std=f"{std:.3f}"))
    return Verdict.passed()


@check("random_matrix", title="TODO 2 make_random_matrix")
def random_matrix(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return _random_properties(student, call="make_random_matrix((50, 40), seed=7)", integer=False, low=0.0, high=1.0)


@check("random_int_matrix", title="TODO 3 make_random_int_matrix")
def random_int_matrix(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return _random_properties(student, call="make_random_int_matrix((60, 50), low=-3, high=4, seed=7)",
                              integer=True, low=-3, high=4)


@check("indexing", title="TODO 4 " + pair(
                             "인덱싱", "indexing") + " (get_element, get_row, get_column, get_block, select_greater_than)")
def indexing(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return compare_parts(student, reference, check_dtype=False, hints={  # five functions: a fifth of the points each
        keys.GET_BLOCK_M_ROWS_0_2_COLS_1_4: bilingual("Slices are half-open: m[r0:r1, c0:c1]."),
        keys.SELECT_GREATER_THAN_M_6_5: bilingual("Use a boolean mask: m[m > threshold]."),
        keys.SELECT_GREATER_THAN_M_M_1_2_A_THRESHOLD_THAT_IS_AN_ELEMENT:
            pair("threshold보다 큰 원소만 고르세요(같은 값은 빼야 합니다)", "Strictly greater: an element equal to the "
                 "threshold is left out (m[m > threshold], not >=)."),
        keys.GET_COLUMN_M_1: bilingual("A column is m[:, col]."),
        **{key: _SELECTION for key in reference if key.startswith("select_greater_than(") and " for " in key},
    })


@check("arithmetic", title="TODO 5 " + pair("행렬 연산", "matrix arithmetic"))
def arithmetic(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return compare_parts(student, reference, hints={  # five functions: a fifth of the points each
        keys.MATRIX_PRODUCT_A_C: bilingual("The matrix product is a @ b (np.matmul), not a * b."),
        keys.ELEMENTWISE_PRODUCT_A_B: bilingual("The elementwise product is a * b."),
        **{f"{call} leaves its inputs unchanged": _KEEP_INPUTS for call in (
            "matrix_sum(a, b)", "matrix_difference(a, b)", "elementwise_product(a, b)", "matrix_product(a, c)",
            "scalar_multiple(a, 2.5)")},
    })


_PASS_THE_AXIS = pair("axis를 그대로 넘기세요: a.mean(axis=axis) (keepdims 없이: 결과는 1차원입니다)",
                      "Pass the axis on: a.mean(axis=axis), without keepdims (the result has one dimension).")


mean = check("mean", title="TODO 6 matrix_mean", hints={
    keys.MATRIX_MEAN_M_AXIS_0: _PASS_THE_AXIS,
    keys.MATRIX_MEAN_M_AXIS_1: _PASS_THE_AXIS,
})()


transpose = check("transpose", title="TODO 7 matrix_transpose", hints={keys.MATRIX_TRANSPOSE_M: {
    "value": bilingual("Use a.T (reshape does not transpose)."),
    "raised": bilingual("Return a.T: the transpose of any 2-D array, without reshaping it."),
}})()


list_conversion = check("list_conversion", title="TODO 8 list_to_tensor / tensor_to_list", hints={
    keys.LIST_TO_TENSOR_BOOLS: pair("dtype을 지정하지 말고 torch.tensor(values)가 추론하게 두세요",
                                                "Keep the dtype torch infers: torch.tensor(values), no dtype="),
    keys.LIST_TO_TENSOR_INT_AND_FLOAT: pair("dtype을 지정하지 말고 torch.tensor(values)가 추론하게 두세요",
                                     "Keep the dtype torch infers: torch.tensor(values), no dtype="),
    keys.TYPE_TENSOR_TO_LIST_T: bilingual("Use t.tolist(), which gives nested Python lists."),
})()


numpy_conversion = check("numpy_conversion", title="TODO 9 numpy_to_tensor / tensor_to_numpy", hints={
    keys.NUMPY_TO_TENSOR_A_SHARES_MEMORY_WITH_A: bilingual("torch.from_numpy(a) shares memory; torch.tensor(a) copies."),
    keys.TENSOR_TO_NUMPY_T_2_FOR_T_REQUIRING_GRAD: bilingual("Detach first: t.detach().cpu().numpy()."),
    keys.TENSOR_TO_NUMPY_ON_A_GPU: pair("GPU의 텐서는 numpy 배열이 되기 전에 CPU로 옮겨야 합니다: t.detach().cpu().numpy()",
                                        "A tensor on the GPU must be moved to the CPU before numpy: "
                                        "t.detach().cpu().numpy()"),
    keys.TENSOR_TO_NUMPY_SHARES_MEMORY: pair(
        "CPU 텐서라면 t.detach().cpu().numpy()는 메모리를 공유합니다(np.array(t)는 복사)",
        "For a tensor on the CPU, t.detach().cpu().numpy() shares its memory (np.array(t) copies)"),
    keys.NUMPY_TO_TENSOR_FLOAT64: pair("torch.from_numpy(a)는 dtype을 그대로 둡니다(float64 -> torch.float64)",
                                       "torch.from_numpy(a) keeps the dtype (float64 -> torch.float64)"),
    keys.NUMPY_TO_TENSOR_NON_CONTIGUOUS_SHARES_MEMORY: pair(
        "torch.from_numpy(a)는 연속되지 않은 배열과도 메모리를 공유합니다(torch.tensor, .float(), np.ascontiguousarray는 "
        "복사)", "torch.from_numpy(a) shares the memory of a non-contiguous array too (torch.tensor, .float() and "
        "np.ascontiguousarray copy)"),
})()


_DEVICE_OBJECT = pair("문자열이 아니라 torch.device 객체를 인덱스 없이 돌려주세요: torch.device('cuda')",
                      "Return a torch.device object without an index, not a string: torch.device('cuda') or "
                      "torch.device('cpu')")


get_device = check("get_device", title="TODO 10 get_device", hints={
    keys.GET_DEVICE_WITH_A_GPU: bilingual("Choose 'cuda' when prefer_cuda and torch.cuda.is_available()."),
    keys.GET_DEVICE_WITHOUT_A_GPU: bilingual("Fall back to 'cpu' when torch.cuda.is_available() is False."),
    **{keys.returned_object(call): _DEVICE_OBJECT for call in (keys.GET_DEVICE_WITH_A_GPU, keys.GET_DEVICE_WITHOUT_A_GPU,
                                                                keys.GET_DEVICE_PREFER_CUDA_FALSE_WITH_A_GPU)},
})()


to_device = check("to_device", title="TODO 11 to_device", hints={
    keys.TO_DEVICE_T_DEVICE_DEVICE_TYPE: bilingual(
        "Return t.to(device): the tensor must end up on the device it was given (without a GPU the grader gives "
        "the 'meta' device, which stands in for 'cuda')."),
    **{keys.to_device_dtype(str(dtype)): pair(
        "t.to(device)는 dtype을 바꾸지 않습니다", "t.to(device) keeps the dtype (no .float())")
       for dtype in ("torch.float64", "torch.int64")},
})()


_NO_COPY = pair("값을 복사하지 말고 같은 메모리를 보는 텐서를 돌려주세요(torch.stack, clone, torch.tensor는 복사합니다)",
               "Return a view of the same memory, no copy (torch.stack, clone and torch.tensor copy)")


squeeze = check("squeeze", title="TODO 12 add_dimension / remove_size_one_dimensions", hints={
    keys.ADD_DIMENSION_T_1: bilingual("Use t.unsqueeze(dim) with the dim you were given."),
    "add_dimension(t, 0) leaves its inputs unchanged": _KEEP_INPUTS + " (t.unsqueeze(dim), not t.unsqueeze_(dim))",
    "remove_size_one_dimensions(t of shape (1, 2, 1, 3)) leaves its inputs unchanged":
        _KEEP_INPUTS + " (t.squeeze(), not t.squeeze_())",
    keys.REMOVE_SIZE_ONE_DIMENSIONS_T_OF_SHAPE_2_1_3_1: bilingual("Remove every size-1 dimension: t.squeeze() with no dim."),
    keys.ADD_DIMENSION_SHARES_MEMORY: _NO_COPY + " (t.unsqueeze(dim))",
    keys.REMOVE_SIZE_ONE_DIMENSIONS_SHARES_MEMORY: _NO_COPY + " (t.squeeze())",
})()


_ROWS_FIRST = pair("행의 수를 먼저 주세요: t.view(rows, -1) (나누어떨어지지 않으면 RuntimeError)",
                   "Give the rows first: t.view(rows, -1), which raises RuntimeError when the number of elements "
                   "is not divisible by rows")


view_reshape = check("view_reshape", title="TODO 13 view_as_rows / reshape_as_rows", hints={
    keys.VIEW_AS_ROWS_T_T_2_ON_A_NON_CONTIGUOUS_TENSOR:
        bilingual("view_as_rows must use t.view(rows, -1), which needs contiguous memory and so raises here."),
    keys.RESHAPE_AS_ROWS_T_T_2_ON_A_NON_CONTIGUOUS_TENSOR:
        bilingual("reshape_as_rows must use t.reshape(rows, -1), which also works on non-contiguous tensors (view does not)."),
    keys.VIEW_AS_ROWS_T_3_SHARES_MEMORY_WITH_T: bilingual("view never copies: use t.view(rows, -1)."),
    keys.RESHAPE_AS_ROWS_SHARES_MEMORY: pair("연속된 텐서라면 t.reshape(rows, -1)은 복사하지 않습니다(clone 없이)",
                                             "For a contiguous t, t.reshape(rows, -1) is a view: no clone"),
    keys.VIEW_AS_ROWS_NOT_DIVISIBLE: _ROWS_FIRST,
    keys.RESHAPE_AS_ROWS_NOT_DIVISIBLE: _ROWS_FIRST,
})()


cat_stack = check("cat_stack", title="TODO 14 concatenate / stack", hints={
    keys.CONCATENATE_A_B_DIM_0: bilingual("torch.cat joins along an existing dimension; torch.stack adds a new one."),
    keys.STACK_A_B_DIM_0: bilingual("torch.stack adds a new dimension; torch.cat joins along an existing one."),
})()


autograd = check("autograd", title="TODO 15 autograd_gradient (requires_grad, backward, .grad)", rtol=1e-4, atol=1e-6, hints={
    "gradient": bilingual("Make w require gradients, compute the mean squared error, call loss.backward(), return w.grad."),
    keys.W_AFTER_THE_CALL_MUST_BE_UNCHANGED: bilingual("Work on a copy: w = w.detach().clone().requires_grad_(True)."),
    keys.W_REQUIRES_GRAD_AFTER_THE_CALL: bilingual("Work on a copy: w = w.detach().clone().requires_grad_(True)."),
    keys.CALLERS_W_GRAD_AFTER_THE_CALL: bilingual("Work on a copy: w = w.detach().clone().requires_grad_(True)."),
    keys.AUTOGRAD_FLOAT64_GRADIENT: pair("w의 dtype을 지키세요: w.detach().clone().requires_grad_(True)",
                                         "Keep w's dtype: w.detach().clone().requires_grad_(True), not a tensor "
                                         "rebuilt from a list"),
})()


_KEEP_THE_GRAPH = pair("손실을 텐서로 돌려주세요(.item(), detach 없이): backward()가 w와 b까지 닿아야 합니다",
                       "Return the loss as a tensor in the graph (no .item(), no detach): backward() must reach w "
                       "and b")


mse = check("mse", title="TODO 16 linear_mse_loss / linear_mse_gradients", rtol=1e-4, atol=1e-6, hints={
    keys.DL_DW: bilingual("d/dw mean((w*x + b - y)**2) = 2 * mean((w*x + b - y) * x)."),
    keys.DL_DB: bilingual("d/db mean((w*x + b - y)**2) = 2 * mean(w*x + b - y)."),
    keys.LOSS_BACKWARD: _KEEP_THE_GRAPH,
    keys.MSE_GRADIENTS_USED_AUTOGRAD: pair("linear_mse_gradients는 autograd 없이 공식으로 계산하세요(backward() 없이)",
                                           "Compute linear_mse_gradients by the formulas, without autograd (no "
                                           "backward(), no torch.autograd.grad)"),
})()


@check("gradient_descent", title="TODO 17 gradient_descent")
def gradient_descent(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    losses = student.get("losses")
    expected = reference.get("losses")
    if isinstance(losses, list) and isinstance(expected, list) and len(losses) == len(expected) > 2:
        if np.isclose(losses[0], expected[0], rtol=1e-4) and np.isclose(losses[1], expected[1], rtol=1e-4) \
                and not np.allclose(losses, expected, rtol=1e-3, atol=1e-5):
            return Verdict.failed(bilingual(
                "'losses' agree for the first two steps and then drift (last step: got {got}, expected {expected}). "
                "Reset the gradients after every step (w.grad.zero_(), b.grad.zero_()): backward() adds to .grad.",
                got=f"{losses[-1]:.6g}", expected=f"{expected[-1]:.6g}"))
    return compare_all(student, reference, rtol=1e-3, atol=1e-5, hints={
        "losses": bilingual("Record float(loss) once per step, before updating w and b, with the lr and steps you were given."),
        "w": bilingual("Update inside torch.no_grad(): w -= lr * w.grad (the lr you were given), then reset w.grad."),
        keys.TYPES_OF_W_B_AND_THE_LOSSES: pair("GDResult에는 파이썬 float를 넣으세요", "GDResult holds Python floats: "
                                             "w.item(), b.item() and loss.item(), not tensors."),
    })
