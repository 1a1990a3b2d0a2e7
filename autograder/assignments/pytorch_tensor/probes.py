"""Probes for `pytorch_tensor` (module `tensor_basics`). Keys name the call that produced each value;
the checks print them in messages, so they read like code."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from autograder.assignments.pytorch_tensor import keys
from autograder.probes.common import attempt, is_error
from autograder.probes.on_a_gpu import on_the_gpu
from autograder.probes.spaces import ArraySpace, described, draw

MODULE = "tensor_basics"


def _matrix() -> np.ndarray:
    return np.arange(1, 13, dtype=np.float64).reshape(3, 4)  # (3, 4): 1..12


def probe_zeros_and_ones(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        keys.MAKE_ZEROS_AND_ONES_2_3: attempt(tb.make_zeros_and_ones, (2, 3)),
        "make_zeros_and_ones((4,))": attempt(tb.make_zeros_and_ones, (4,)),
        keys.ZEROS_AND_ONES_NEW_ARRAYS: _new_arrays(attempt(tb.make_zeros_and_ones, (2, 3))),
    }


def _new_arrays(pair_of_arrays: Any) -> Any:
    """Whether a (zeros, ones) pair is two new arrays: each writeable and owning memory of its own (not a
    read-only `np.broadcast_to` view, not one array twice)."""
    if not (isinstance(pair_of_arrays, tuple) and len(pair_of_arrays) == 2
            and all(isinstance(a, np.ndarray) for a in pair_of_arrays)):
        return None  # the pair itself is compared under its own key
    zeros, ones = pair_of_arrays
    return bool(zeros.flags.writeable and ones.flags.writeable and not np.shares_memory(zeros, ones)
                and all(a.strides != (0,) * a.ndim or a.size <= 1 for a in pair_of_arrays))


def probe_random_matrix(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "first": attempt(tb.make_random_matrix, (50, 40), seed=7),
        "same_seed": attempt(tb.make_random_matrix, (50, 40), seed=7),
        "other_seed": attempt(tb.make_random_matrix, (50, 40), seed=8),
        keys.RANDOM_MATRIX_ONE_ROW: _shape_of(attempt(tb.make_random_matrix, (1, 5), seed=7)),
    }


def _shape_of(value: Any) -> Any:
    """A returned array's shape as a list (a size-1 dimension must be kept), or what came back instead."""
    return list(value.shape) if isinstance(value, (np.ndarray, torch.Tensor)) else value


def probe_random_int_matrix(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "first": attempt(tb.make_random_int_matrix, (60, 50), low=-3, high=4, seed=7),
        "same_seed": attempt(tb.make_random_int_matrix, (60, 50), low=-3, high=4, seed=7),
        "other_seed": attempt(tb.make_random_int_matrix, (60, 50), low=-3, high=4, seed=8),
        keys.RANDOM_INT_MATRIX_ONE_COLUMN: _shape_of(attempt(tb.make_random_int_matrix, (5, 1), low=0, high=3, seed=7)),
    }


def probe_indexing(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    m = _matrix()
    return {
        "get_element(m, 1, 2)": attempt(tb.get_element, m.copy(), 1, 2),
        "get_element(m, -1, -1)": attempt(tb.get_element, m.copy(), -1, -1),
        "get_row(m, 2)": attempt(tb.get_row, m.copy(), 2),
        keys.GET_COLUMN_M_1: attempt(tb.get_column, m.copy(), 1),
        "get_column(m[:1], 2) for a matrix of one row": attempt(tb.get_column, m[:1].copy(), 2),
        "get_row(m[:, :1], 0) for a matrix of one column": attempt(tb.get_row, m[:, :1].copy(), 0),
        keys.GET_BLOCK_M_ROWS_0_2_COLS_1_4: attempt(tb.get_block, m.copy(), (0, 2), (1, 4)),
        "get_block(m, rows=(1, 2), cols=(0, 4)) (a block of one row)": attempt(tb.get_block, m.copy(), (1, 2), (0, 4)),
        "get_block(m, rows=(0, 3), cols=(2, 3)) (a block of one column)": attempt(tb.get_block, m.copy(), (0, 3), (2, 3)),
        keys.SELECT_GREATER_THAN_M_6_5: attempt(tb.select_greater_than, m.copy(), 6.5),
        # a threshold equal to an element: strictly greater leaves it out (`>=` would keep it)
        keys.SELECT_GREATER_THAN_M_M_1_2_A_THRESHOLD_THAT_IS_AN_ELEMENT:
            attempt(tb.select_greater_than, m.copy(), float(m[1, 2])),
        "select_greater_than(m, 11.0) (one element above)": attempt(tb.select_greater_than, m.copy(), 11.0),
        **_selections(tb),
    }


# integer and float32 matrices, a row and a column, repeated, unsorted and negative values, a transposed view
SELECTION_SPACE = ArraySpace(dtypes=("int64", "float64", "float32"), shapes=((3, 4), (1, 5), (5, 1)),
                             values=("mixed", "repeated", "negative"), non_contiguous=True)


def _selections(tb: Any) -> dict[str, Any]:
    """select_greater_than over SELECTION_SPACE, each with a threshold equal to one of its elements: the
    elements in row-major order, repeats kept, and the dtype of `m` (the docstring's promises)."""
    out: dict[str, Any] = {}
    for case in draw(SELECTION_SPACE, seed=41):
        m = case.fresh()
        threshold = m.flat[m.size // 2].item()
        call = f"select_greater_than(m, {threshold!r})"
        result = attempt(tb.select_greater_than, m, threshold)
        out.update(described(call, [case], [result]))
        if isinstance(result, np.ndarray):
            out.update(described(f"{call}.dtype", [case], [str(result.dtype)]))
    return out


def _unchanged(before: Any, after: Any) -> bool:
    """True when `after` (an input after the call) still equals the copy `before` taken before it."""
    if isinstance(before, torch.Tensor):
        return tuple(after.shape) == tuple(before.shape) and bool(torch.equal(after, before))
    return after.shape == before.shape and bool(np.array_equal(after, before))


def _keeping_inputs(call: str, function: Any, *inputs: Any, **options: Any) -> dict[str, Any]:
    """`function(*inputs, **options)` on fresh copies, and whether it left those copies as they were
    (the docstrings promise that inputs are not modified: no `a += b`, no `unsqueeze_`)."""
    copies = [x.clone() if isinstance(x, torch.Tensor) else x.copy() if isinstance(x, np.ndarray) else x
              for x in inputs]
    result = attempt(function, *copies, **options)
    kept = all(_unchanged(original, copy) for original, copy in zip(inputs, copies)
               if isinstance(original, (np.ndarray, torch.Tensor)))
    return {call: result, f"{call} leaves its inputs unchanged": kept}


def probe_arithmetic(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    a = _matrix()  # (3, 4)
    b = np.linspace(-1.0, 1.0, 12).reshape(3, 4)  # (3, 4)
    c = np.arange(8, dtype=np.float64).reshape(4, 2)  # (4, 2)
    return {
        **_keeping_inputs("matrix_sum(a, b)", tb.matrix_sum, a, b),
        **_keeping_inputs("matrix_difference(a, b)", tb.matrix_difference, a, b),
        **_keeping_inputs(keys.ELEMENTWISE_PRODUCT_A_B, tb.elementwise_product, a, b),
        **_keeping_inputs(keys.MATRIX_PRODUCT_A_C, tb.matrix_product, a, c),
        **_keeping_inputs("scalar_multiple(a, 2.5)", tb.scalar_multiple, a, 2.5),
        **_arithmetic_space(tb),
    }


ARITHMETIC_SPACE = ArraySpace(dtypes=("int64", "float32"), shapes=((3, 4), (1, 1), (2, 3)),
                              values=("mixed", "negative"), non_contiguous=True)


def _arithmetic_space(tb: Any) -> dict[str, Any]:
    """The five functions on ARITHMETIC_SPACE (the numpy dtype of the result included: int64 stays int64),
    matrix_sum also on a broadcast row (its docstring promises broadcasting), matrix_product on (1, k) @ (k, 1)."""
    out: dict[str, Any] = {}
    for a_case, b_case in zip(draw(ARITHMETIC_SPACE, seed=43), draw(ARITHMETIC_SPACE, seed=44)):
        label = f"a: {a_case.label}; b: {b_case.label}"  # the same class, drawn twice
        out[f"matrix_sum(a, b) for {label}"] = attempt(tb.matrix_sum, a_case.fresh(), b_case.fresh())
        out[f"matrix_difference(a, b) for {label}"] = attempt(tb.matrix_difference, a_case.fresh(), b_case.fresh())
        out[f"elementwise_product(a, b) for {label}"] = attempt(tb.elementwise_product, a_case.fresh(), b_case.fresh())
        out[f"matrix_product(a, b.T) for {label}"] = attempt(tb.matrix_product, a_case.fresh(), b_case.fresh().T)
        out[f"scalar_multiple(a, -2.5) for a: {a_case.label}"] = attempt(tb.scalar_multiple, a_case.fresh(), -2.5)
    a = np.arange(12, dtype=np.int64).reshape(3, 4)  # (3, 4)
    row = np.array([[10, -20, 30, -40]], dtype=np.int64)  # (1, 4): broadcast over the rows
    out["matrix_sum(a, row) for a (3, 4) and a row (1, 4) (broadcasting)"] = attempt(tb.matrix_sum, a, row)
    return out


def probe_mean(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    m = _matrix()
    return {
        "matrix_mean(m)": attempt(tb.matrix_mean, m.copy()),
        keys.MATRIX_MEAN_M_AXIS_0: attempt(tb.matrix_mean, m.copy(), axis=0),
        keys.MATRIX_MEAN_M_AXIS_1: attempt(tb.matrix_mean, m.copy(), axis=1),
        **_means(tb),
    }


# integer input (the docstring promises float64 all the same), a row, a column, negative values
MEAN_SPACE = ArraySpace(dtypes=("int64",), shapes=((3, 4), (1, 5), (5, 1)), values=("mixed", "negative"))


def _means(tb: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for case in draw(MEAN_SPACE, seed=47):
        for axis in (None, 0, 1):
            out.update(described(f"matrix_mean(m, axis={axis})", [case],
                                 [attempt(tb.matrix_mean, case.fresh(), axis=axis)]))
    return out


TRANSPOSE_SPACE = ArraySpace(dtypes=("int64", "bool"), shapes=((2, 3), (1, 5), (5, 1)), non_contiguous=True)


def probe_transpose(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    cases = draw(TRANSPOSE_SPACE, seed=53)
    return {keys.MATRIX_TRANSPOSE_M: attempt(tb.matrix_transpose, _matrix()),
            **described("matrix_transpose(m)", cases, [attempt(tb.matrix_transpose, c.fresh()) for c in cases])}


def probe_list_conversion(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    back = attempt(tb.tensor_to_list, torch.tensor([[1.5, 2.0], [3.0, 4.25]]))
    return {
        "list_to_tensor([[1, 2], [3, 4]])": attempt(tb.list_to_tensor, [[1, 2], [3, 4]]),
        "list_to_tensor([0.5, 1.5])": attempt(tb.list_to_tensor, [0.5, 1.5]),
        "tensor_to_list(t)": back,
        keys.TYPE_TENSOR_TO_LIST_T: back if is_error(back) else type(back).__name__,
        keys.LIST_TO_TENSOR_BOOLS: attempt(tb.list_to_tensor, [True, False, True]),
        "list_to_tensor([[[-1, 2]], [[3, -4]]])": attempt(tb.list_to_tensor, [[[-1, 2]], [[3, -4]]]),
        keys.LIST_TO_TENSOR_INT_AND_FLOAT: attempt(tb.list_to_tensor, [1, 2.5]),
        "tensor_to_list(torch.tensor(7))": _plain(attempt(tb.tensor_to_list, torch.tensor(7))),
        "tensor_to_list(torch.tensor([[True], [False]]))": _plain(attempt(tb.tensor_to_list,
                                                                             torch.tensor([[True], [False]]))),
    }


def _plain(value: Any) -> Any:
    """A returned list (or scalar) as its Python types' names beside it: [1, 2] and [1.0, 2.0] compare equal."""
    if is_error(value):
        return value

    def types(v: Any) -> Any:
        return [types(x) for x in v] if isinstance(v, list) else type(v).__name__

    return {"value": value, "types": types(value)}


def probe_numpy_conversion(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    tensor = attempt(tb.numpy_to_tensor, array)
    shares = None
    if isinstance(tensor, torch.Tensor):
        converted_first = tensor.clone()
        array[0, 0] = 100.0  # a tensor that shares memory sees the change
        shares = bool(tensor.reshape(-1)[0].item() == 100.0)
        tensor = converted_first
    grad_tensor = torch.arange(4, dtype=torch.float32).requires_grad_(True)
    converted = attempt(tb.tensor_to_numpy, grad_tensor * 2)
    on_gpu = on_the_gpu(torch.arange(4, dtype=torch.float32))  # not requiring grad: one thing at a time
    cpu_tensor = torch.arange(5, dtype=torch.float64)
    as_array = attempt(tb.tensor_to_numpy, cpu_tensor)
    shares_back = None
    if isinstance(as_array, np.ndarray):
        cpu_tensor[0] = 100.0  # an array that shares memory sees the change
        shares_back = bool(as_array.reshape(-1)[0] == 100.0)
    return {
        "numpy_to_tensor(a)": tensor,
        keys.NUMPY_TO_TENSOR_FLOAT64: attempt(tb.numpy_to_tensor, np.linspace(-1, 1, 4)),
        "numpy_to_tensor(a) for an int32 array": attempt(tb.numpy_to_tensor, np.arange(-2, 2, dtype=np.int32)),
        "numpy_to_tensor(a) for an array of shape (1, 3)": attempt(tb.numpy_to_tensor, np.ones((1, 3))),
        "tensor_to_numpy(t) for an int64 tensor": attempt(tb.tensor_to_numpy, torch.tensor([[-1, 2], [3, 4]])),
        "tensor_to_numpy(t) for a tensor of shape (1, 3)": attempt(tb.tensor_to_numpy, torch.tensor([[1.5, -2.0, 0.25]])),
        keys.TENSOR_TO_NUMPY_SHARES_MEMORY: shares_back,
        keys.NUMPY_TO_TENSOR_NON_CONTIGUOUS_SHARES_MEMORY: _shares_numpy_memory(tb.numpy_to_tensor),
        keys.NUMPY_TO_TENSOR_A_SHARES_MEMORY_WITH_A: shares,
        keys.TENSOR_TO_NUMPY_T_2_FOR_T_REQUIRING_GRAD: converted,
        "type(tensor_to_numpy(t * 2))": type(converted).__name__,
        # the docstring's t may be on a GPU: numpy needs it on the CPU first (.cpu()); a real one where present
        keys.TENSOR_TO_NUMPY_ON_A_GPU: attempt(tb.tensor_to_numpy, on_gpu * 2),
    }



def _shares_numpy_memory(numpy_to_tensor: Any) -> Any:
    """Whether numpy_to_tensor of a non-contiguous array (a transposed view) still shares its memory."""
    base = np.arange(6, dtype=np.float64).reshape(2, 3)
    tensor = attempt(numpy_to_tensor, base.T)
    if not isinstance(tensor, torch.Tensor) or tuple(tensor.shape) != (3, 2):
        return None  # compared under the other keys
    base[0, 1] = 100.0  # base.T[1, 0]
    return bool(tensor[1, 0].item() == 100.0)


def probe_get_device(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    original, original_count = torch.cuda.is_available, torch.cuda.device_count
    results: dict[str, Any] = {}
    try:
        # Pretend a GPU is there (and then that none is): the choice must follow torch.cuda.is_available().
        # torch.cuda.device_count() agrees, for code that asks it instead.
        torch.cuda.is_available, torch.cuda.device_count = lambda: True, lambda: 1  # type: ignore[assignment]
        results[keys.GET_DEVICE_WITH_A_GPU] = attempt(tb.get_device)
        results[keys.GET_DEVICE_PREFER_CUDA_FALSE_WITH_A_GPU] = attempt(tb.get_device, prefer_cuda=False)
        torch.cuda.is_available, torch.cuda.device_count = lambda: False, lambda: 0  # type: ignore[assignment]
        results[keys.GET_DEVICE_WITHOUT_A_GPU] = attempt(tb.get_device)
    finally:
        torch.cuda.is_available, torch.cuda.device_count = original, original_count  # type: ignore[assignment]
    # the kind of device chosen, and what was returned: a torch.device without an index, as the docstring says
    return {**{k: _device_type(v) for k, v in results.items()},
            **{keys.returned_object(k): _device_form(v) for k, v in results.items()}}


def _device_form(value: Any) -> Any:
    """How a returned device is written, whatever device it names: "a torch.device without an index",
    "the string 'cuda'", ... (which device was chosen is a key of its own)."""
    if is_error(value):
        return value
    if isinstance(value, torch.device):
        return "a torch.device without an index" if value.index is None else f"torch.device({str(value)!r})"
    if isinstance(value, str):
        return f"the string {value!r}"
    return f"a {type(value).__name__}"


def _device_type(value: Any) -> Any:
    if isinstance(value, torch.device):
        return value.type
    if isinstance(value, str):
        try:
            return torch.device(value).type
        except RuntimeError:
            return value
    return value


def target_device() -> torch.device:
    """The device that placement checks move things to: a real GPU when present, else 'meta' (a device
    whose tensors carry no data, which exists on every machine)."""
    return torch.device("cuda") if torch.cuda.is_available() else torch.device("meta")


def probe_to_device(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    device = target_device()
    moved = attempt(tb.to_device, torch.ones(2, 3), device)
    kept = {}
    for dtype in (torch.float64, torch.int64):
        t = torch.tensor([[-1, 2, 3]], dtype=dtype)
        result = attempt(tb.to_device, t, device)
        kept[keys.to_device_dtype(str(dtype))] = \
            str(result.dtype) if isinstance(result, torch.Tensor) else result
        on_cpu = attempt(tb.to_device, t, "cpu")
        kept[f"to_device(t, 'cpu') for t of dtype {dtype}"] = on_cpu
    return {
        keys.TO_DEVICE_T_DEVICE_DEVICE_TYPE: moved.device.type if isinstance(moved, torch.Tensor) else moved,
        "to_device(t, device).shape": tuple(moved.shape) if isinstance(moved, torch.Tensor) else None,
        "expected device": device.type,
        **kept,
    }


def _shares_memory(result: Any, t: torch.Tensor) -> Any:
    """Whether `result` is a view of `t`'s memory (the docstrings say "no data is copied")."""
    if not isinstance(result, torch.Tensor):
        return None
    return result.untyped_storage().data_ptr() == t.untyped_storage().data_ptr()


def probe_squeeze(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    t = torch.arange(6.0).reshape(2, 3)
    viewed, tall = t.clone(), t.clone().reshape(2, 1, 3, 1)
    return {
        **_keeping_inputs("add_dimension(t, 0)", tb.add_dimension, t, 0),
        keys.ADD_DIMENSION_T_1: attempt(tb.add_dimension, t.clone(), 1),
        "add_dimension(t, -1)": attempt(tb.add_dimension, t.clone(), -1),
        **_keeping_inputs("remove_size_one_dimensions(t of shape (1, 2, 1, 3))", tb.remove_size_one_dimensions,
                          t.reshape(1, 2, 1, 3)),
        # no size-1 dimension: nothing to remove (a hard-coded squeeze(0) or squeeze(2) is caught here)
        keys.REMOVE_SIZE_ONE_DIMENSIONS_T_OF_SHAPE_2_1_3_1: attempt(tb.remove_size_one_dimensions,
                                                                        t.reshape(2, 1, 3, 1)),
        "remove_size_one_dimensions(t of shape (1, 1, 1))": attempt(tb.remove_size_one_dimensions,
                                                                      torch.tensor([[[5.0]]])),
        "remove_size_one_dimensions(t of shape (1, 6))": attempt(tb.remove_size_one_dimensions, t.reshape(1, 6)),
        "add_dimension(t, -2)": attempt(tb.add_dimension, t.clone(), -2),
        "add_dimension(t, 2)": attempt(tb.add_dimension, t.clone(), 2),
        keys.ADD_DIMENSION_SHARES_MEMORY: _shares_memory(attempt(tb.add_dimension, viewed, 1), viewed),
        keys.REMOVE_SIZE_ONE_DIMENSIONS_SHARES_MEMORY: _shares_memory(attempt(tb.remove_size_one_dimensions, tall),
                                                                      tall),
    }


def probe_view_reshape(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    t = torch.arange(24.0).reshape(4, 6)  # contiguous
    viewed = attempt(tb.view_as_rows, t, 3)
    shares = bool(viewed.data_ptr() == t.data_ptr()) if isinstance(viewed, torch.Tensor) else None
    transposed = torch.arange(24.0).reshape(4, 6).t()  # (6, 4), not contiguous
    contiguous = t.clone()
    return {
        "view_as_rows(t, 3)": viewed,
        keys.VIEW_AS_ROWS_T_3_SHARES_MEMORY_WITH_T: shares,
        "reshape_as_rows(t, 8)": attempt(tb.reshape_as_rows, t, 8),
        "view_as_rows(t, 1) (one row)": attempt(tb.view_as_rows, t.clone(), 1),
        "reshape_as_rows(t, 1) (one row)": attempt(tb.reshape_as_rows, t.clone(), 1),
        keys.RESHAPE_AS_ROWS_T_T_2_ON_A_NON_CONTIGUOUS_TENSOR: attempt(tb.reshape_as_rows, transposed, 2),
        keys.VIEW_AS_ROWS_T_T_2_ON_A_NON_CONTIGUOUS_TENSOR: _error_type(attempt(tb.view_as_rows, transposed, 2)),
        keys.RESHAPE_AS_ROWS_SHARES_MEMORY: _shares_memory(attempt(tb.reshape_as_rows, contiguous, 8), contiguous),
        keys.VIEW_AS_ROWS_NOT_DIVISIBLE: _error_type(attempt(tb.view_as_rows, torch.arange(10.0), 4)),
        keys.RESHAPE_AS_ROWS_NOT_DIVISIBLE: _error_type(attempt(tb.reshape_as_rows, torch.arange(10.0), 4)),
    }


def _error_type(value: Any) -> Any:
    """Reduce an error to its type (messages differ between torch versions)."""
    return f"raises {value.type}" if is_error(value) and not value.not_implemented else value


def probe_cat_stack(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    a = torch.arange(6.0).reshape(2, 3)
    b = torch.arange(6.0, 12.0).reshape(2, 3)
    return {
        keys.CONCATENATE_A_B_DIM_0: attempt(tb.concatenate, [a, b], dim=0),
        "concatenate([a, b], dim=1)": attempt(tb.concatenate, [a, b], dim=1),
        keys.STACK_A_B_DIM_0: attempt(tb.stack, [a, b], dim=0),
        "stack([a, b], dim=2)": attempt(tb.stack, [a, b], dim=2),
        "concatenate([a, b]) (dim left at its default)": attempt(tb.concatenate, [a, b]),
        "stack([a, b]) (dim left at its default)": attempt(tb.stack, [a, b]),
        **_three_tensors(tb),
    }


def _three_tensors(tb: Any) -> dict[str, Any]:
    """Three integer tensors (not two: `torch.cat([tensors[0], tensors[1]])` is caught), a negative dim, and two
    tensors of one row."""
    a, b, c = (torch.arange(k, k + 4).reshape(2, 2) for k in (0, 10, -10))  # (2, 2) int64
    return {
        "concatenate([a, b, c], dim=1) for int64 (2, 2) tensors": attempt(tb.concatenate, [a, b, c], dim=1),
        "stack([a, b, c], dim=-1) for int64 (2, 2) tensors": attempt(tb.stack, [a, b, c], dim=-1),
        "concatenate((a, b, c), dim=-2) (a tuple)": attempt(tb.concatenate, (a, b, c), dim=-2),
        # tensors of one row: a size-1 dimension is kept (no .squeeze() of the result)
        "concatenate([a[:1], b[:1]], dim=1) for tensors of one row": attempt(tb.concatenate, [a[:1], b[:1]], dim=1),
        "stack([a[:1], b[:1]], dim=0) for tensors of one row": attempt(tb.stack, [a[:1], b[:1]], dim=0),
    }


def probe_autograd(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    generator = torch.Generator().manual_seed(3)
    x = torch.randn(8, 3, generator=generator)  # (N, D)
    y = torch.randn(8, generator=generator)  # (N,)
    w = torch.tensor([0.5, -1.0, 2.0])  # (D,)
    result = attempt(tb.autograd_gradient, w, x, y)
    out: dict[str, Any] = {keys.W_AFTER_THE_CALL_MUST_BE_UNCHANGED: w, keys.W_REQUIRES_GRAD_AFTER_THE_CALL: w.requires_grad}
    if isinstance(result, tuple) and len(result) == 2:
        out["loss"], out["gradient"] = result
    else:
        out["autograd_gradient(w, x, y)"] = result if is_error(result) else f"a {type(result).__name__}, not a (loss, gradient) pair"
    # a caller's w that already requires grad: its .grad stays untouched, the gradient comes back detached
    caller_w = w.clone().requires_grad_(True)
    again = attempt(tb.autograd_gradient, caller_w, x, y)
    out[keys.GRADIENT_FOR_A_W_REQUIRING_GRAD] = again[1] if isinstance(again, tuple) and len(again) == 2 else again
    out[keys.CALLERS_W_GRAD_AFTER_THE_CALL] = "None" if caller_w.grad is None else "a gradient was added to it"
    # fresh float64 tensors (nothing shared with the calls above): the gradient keeps their dtype
    wide = attempt(tb.autograd_gradient, torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64), x.double(), y.double())
    gradient = wide[1] if isinstance(wide, tuple) and len(wide) == 2 else wide
    out[keys.AUTOGRAD_FLOAT64_GRADIENT] = str(gradient.dtype) if isinstance(gradient, torch.Tensor) else gradient
    return out


def _line_data() -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.linspace(-1.0, 1.0, 20)
    y = 3.0 * x + 2.0 + 0.1 * torch.sin(7.0 * x)
    return x, y


def probe_mse(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    x, y = _line_data()
    w, b = torch.tensor(0.5), torch.tensor(-0.25)
    grads = attempt(tb.linear_mse_gradients, w, b, x, y)
    out: dict[str, Any] = {"linear_mse_loss(w, b, x, y)": attempt(tb.linear_mse_loss, w, b, x, y)}
    if isinstance(grads, tuple) and len(grads) == 2:
        out[keys.DL_DW], out[keys.DL_DB] = grads
    else:
        out["linear_mse_gradients(w, b, x, y)"] = grads if is_error(grads) else f"a {type(grads).__name__}, not a (dw, db) pair"
    return {**out, **_backward_through_loss(tb, x, y), keys.MSE_GRADIENTS_USED_AUTOGRAD: _uses_autograd(
        tb.linear_mse_gradients, w, b, x, y)}


def _backward_through_loss(tb: Any, x: torch.Tensor, y: torch.Tensor) -> dict[str, Any]:
    """Whether backward() through the student's loss reaches w and b when they require grad (the docstring:
    "backward() must work on the result"; a detached or float loss has no graph). The values are the loss's key."""
    w, b = torch.tensor(0.5, requires_grad=True), torch.tensor(-0.25, requires_grad=True)
    loss = attempt(tb.linear_mse_loss, w, b, x, y)
    if is_error(loss):
        return {}  # said under the loss's own key
    if not isinstance(loss, torch.Tensor) or loss.grad_fn is None:
        return {keys.LOSS_BACKWARD: "no computation graph: backward() cannot reach w and b"}
    backward = attempt(loss.backward)
    if is_error(backward):
        return {keys.LOSS_BACKWARD: backward}
    reached = [name for name, leaf in (("w", w), ("b", b)) if leaf.grad is not None]
    return {keys.LOSS_BACKWARD: f"reaches {' and '.join(reached) or 'neither w nor b'}"}


def _uses_autograd(function: Any, *args: Any) -> bool:
    """Whether `function(*args)` calls torch.autograd.backward (Tensor.backward calls it) or torch.autograd.grad:
    the manual gradients' docstring says no autograd."""
    calls: list[str] = []
    original_backward, original_grad = torch.autograd.backward, torch.autograd.grad

    def backward(*a: Any, **k: Any) -> Any:
        calls.append("backward")
        return original_backward(*a, **k)

    def grad(*a: Any, **k: Any) -> Any:
        calls.append("grad")
        return original_grad(*a, **k)

    torch.autograd.backward, torch.autograd.grad = backward, grad  # type: ignore[assignment]
    try:
        attempt(function, *(a.clone() for a in args))
    finally:
        torch.autograd.backward, torch.autograd.grad = original_backward, original_grad  # type: ignore[assignment]
    return bool(calls)


def _grader_mse_loss(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((w * x + b - y) ** 2).mean()


def probe_gradient_descent(tb: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    x, y = _line_data()
    # not the defaults (lr=0.1, steps=100): a hard-coded learning rate or step count is caught
    call = "gradient_descent(x, y, lr=0.05, steps=37)"
    # with the grader's linear_mse_loss (TODO 16 is graded on its own), so a wrong loss costs only its check
    original = getattr(tb, "linear_mse_loss", None)
    tb.linear_mse_loss = _grader_mse_loss
    try:
        return _gradient_descent_results(tb, x, y, call)
    finally:
        tb.linear_mse_loss = original


def _gradient_descent_results(tb: Any, x: torch.Tensor, y: torch.Tensor, call: str) -> dict[str, Any]:
    result = attempt(tb.gradient_descent, x, y, lr=0.05, steps=37)
    if is_error(result):
        return {call: result}
    try:
        losses = list(result.losses)
        values = {"w": float(result.w), "b": float(result.b), "losses": [float(v) for v in losses]}
    except (AttributeError, TypeError, ValueError) as exc:
        return {call: f"not a GDResult with w, b and losses ({exc})"}
    # GDResult holds Python floats (loss.item(), w.item()), not tensors
    types = ", ".join(sorted({type(v).__name__ for v in [result.w, result.b, *losses]}))
    defaults = attempt(tb.gradient_descent, x, y)  # lr=0.1, steps=100 as the signature says
    try:
        with_defaults = defaults if is_error(defaults) else {"steps": len(list(defaults.losses)),
                                                               "w": _number(defaults.w)}
    except (AttributeError, TypeError, ValueError) as exc:
        with_defaults = f"not a GDResult with w, b and losses ({exc})"
    return {**values, keys.TYPES_OF_W_B_AND_THE_LOSSES: types,
            "gradient_descent(x, y) with the default lr and steps": with_defaults}


def _number(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return f"not a number: {type(value).__name__}"
