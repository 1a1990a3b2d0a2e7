"""The instructor's module source/pytorch_tensor/tensor_basics.py behaves as its docstrings promise.

The solution markers are comments, so the source module *is* the reference solution.
"""
from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

MODULE_PATH = Path(__file__).resolve().parents[2] / "source" / "pytorch_tensor" / "tensor_basics.py"

# (TODO number, function names) in the order of docs/design.md's pytorch_tensor table.
TODOS: list[tuple[int, list[str]]] = [
    (1, ["make_zeros_and_ones"]),
    (2, ["make_random_matrix"]),
    (3, ["make_random_int_matrix"]),
    (4, ["get_element", "get_row", "get_column", "get_block", "select_greater_than"]),
    (5, ["matrix_sum", "matrix_difference", "elementwise_product", "matrix_product", "scalar_multiple"]),
    (6, ["matrix_mean"]),
    (7, ["matrix_transpose"]),
    (8, ["list_to_tensor", "tensor_to_list"]),
    (9, ["numpy_to_tensor", "tensor_to_numpy"]),
    (10, ["get_device"]),
    (11, ["to_device"]),
    (12, ["add_dimension", "remove_size_one_dimensions"]),
    (13, ["view_as_rows", "reshape_as_rows"]),
    (14, ["concatenate", "stack"]),
    (15, ["autograd_gradient"]),
    (16, ["linear_mse_loss", "linear_mse_gradients"]),
    (17, ["gradient_descent"]),
]
ALL_FUNCTIONS = [name for _, names in TODOS for name in names]


def _load():
    spec = importlib.util.spec_from_file_location("tensor_basics_source_under_test", MODULE_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class body runs
    spec.loader.exec_module(module)
    return module


tb = _load()


# --------------------------------------------------------------------------------------------------
# The module's shape: API, markers, docstrings
# --------------------------------------------------------------------------------------------------


def test_import_prints_nothing(capsys):
    _load()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_public_api_matches_design():
    assert set(tb.__all__) == {"GDResult", *ALL_FUNCTIONS}
    for name in ALL_FUNCTIONS:
        assert callable(getattr(tb, name)), name
    params = {name: inspect.signature(getattr(tb, name)).parameters for name in ALL_FUNCTIONS}
    kw_only = {name: [p for p, v in ps.items() if v.kind is v.KEYWORD_ONLY] for name, ps in params.items()}
    positional = {name: [p for p, v in ps.items() if v.kind is v.POSITIONAL_OR_KEYWORD] for name, ps in params.items()}
    assert positional["make_zeros_and_ones"] == ["shape"]
    assert kw_only["make_random_matrix"] == ["seed"]
    assert kw_only["make_random_int_matrix"] == ["low", "high", "seed"]
    assert positional["get_block"] == ["m", "rows", "cols"]
    assert positional["matrix_mean"] == ["a", "axis"] and params["matrix_mean"]["axis"].default is None
    assert kw_only["get_device"] == ["prefer_cuda"] and params["get_device"]["prefer_cuda"].default is True
    assert params["concatenate"]["dim"].default == 0 and params["stack"]["dim"].default == 0
    assert positional["autograd_gradient"] == ["w", "x", "y"]
    assert positional["linear_mse_loss"] == ["w", "b", "x", "y"]
    assert positional["linear_mse_gradients"] == ["w", "b", "x", "y"]
    assert kw_only["gradient_descent"] == ["lr", "steps"]
    assert params["gradient_descent"]["lr"].default == 0.1
    assert params["gradient_descent"]["steps"].default == 100


def test_gdresult_fields():
    import dataclasses

    assert [f.name for f in dataclasses.fields(tb.GDResult)] == ["w", "b", "losses"]
    r = tb.GDResult(1.0, 2.0, [3.0])
    assert (r.w, r.b, r.losses) == (1.0, 2.0, [3.0])


def _regions(source: str):
    """Yield (begin_line_index, end_line_index) of each solution region, checking the markers' form."""
    lines = source.splitlines()
    begin = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if "BEGIN SOLUTION" in line:
            assert line.lstrip() == "### BEGIN SOLUTION" and begin is None, f"line {i + 1}: {line!r}"
            begin = i
        elif "END SOLUTION" in line:
            assert line.lstrip() == "### END SOLUTION" and begin is not None, f"line {i + 1}: {line!r}"
            assert lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())] == line[: len(line) - len(line.lstrip())]
            yield begin, i
            begin = None
        elif begin is not None:
            assert not stripped.startswith("# TODO"), "TODO comments belong outside the regions"
    assert begin is None, "unterminated solution region"


def test_every_function_has_one_region_labelled_with_its_todo_number():
    source = MODULE_PATH.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    funcs = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    regions = list(_regions(source))
    order = []
    for number, names in TODOS:
        for name in names:
            node = funcs[name]
            inside = [(b, e) for b, e in regions if node.lineno <= b + 1 <= node.end_lineno]
            assert len(inside) == 1, f"{name}: expected one solution region, found {len(inside)}"
            begin, _ = inside[0]
            # the nearest `# TODO` comment above the region names the right number
            label = next(lines[i].strip() for i in range(begin - 1, node.lineno - 1, -1) if lines[i].strip().startswith("# TODO"))
            assert re.match(rf"# TODO {number}: \S.* / \S", label), f"{name}: {label!r}"
            assert re.search(r"[\uac00-\ud7a3]", label), f"{name}: the label should be Korean then English"
            order.append(node.lineno)
    assert order == sorted(order), "functions must appear in TODO order"
    assert len(regions) == len(ALL_FUNCTIONS)


def test_docstrings_korean_then_english():
    hangul = re.compile(r"[\uac00-\ud7a3]")
    assert hangul.search(tb.__doc__) and "TODO" in tb.__doc__
    assert tb.__doc__.index("[한국어]") < tb.__doc__.index("[English]")
    for name in ALL_FUNCTIONS + ["GDResult"]:
        doc = inspect.getdoc(getattr(tb, name))
        assert doc and hangul.search(doc), name
        if name != "GDResult":
            assert "Example" in doc, name
            assert doc.index("[한국어]") < doc.index("[English]"), name


def test_the_module_keeps_no_global_mutable_state():
    tree = ast.parse(MODULE_PATH.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assert [t.id for t in targets] == ["__all__"], ast.dump(node)


# --------------------------------------------------------------------------------------------------
# TODO 1-3: creating matrices
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(2, 3), (4,), (1, 1), (2, 3, 4), (0, 5)])
def test_make_zeros_and_ones(shape):
    zeros, ones = tb.make_zeros_and_ones(shape)
    for arr, value in ((zeros, 0.0), (ones, 1.0)):
        assert isinstance(arr, np.ndarray) and arr.shape == shape and arr.dtype == np.float64
        assert np.all(arr == value)
    assert not np.shares_memory(zeros, ones)


@pytest.mark.parametrize("shape", [(3, 4), (10,), (2, 5, 6)])
def test_make_random_matrix(shape):
    m = tb.make_random_matrix(shape, seed=7)
    assert isinstance(m, np.ndarray) and m.shape == shape and m.dtype == np.float64
    assert np.all((m >= 0) & (m < 1))
    np.testing.assert_array_equal(m, tb.make_random_matrix(shape, seed=7))
    assert not np.array_equal(m, tb.make_random_matrix(shape, seed=8))
    assert np.unique(m).size == m.size


def test_make_random_matrix_is_uniform_and_leaves_global_state_alone():
    state = np.random.get_state()[1].copy()
    m = tb.make_random_matrix((200, 200), seed=0)
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    assert abs(m.mean() - 0.5) < 0.01 and m.min() < 0.001 and m.max() > 0.999
    with pytest.raises(TypeError):
        tb.make_random_matrix((2, 2), 0)  # seed is keyword-only


@pytest.mark.parametrize("low, high", [(0, 10), (-5, 5), (3, 4), (100, 1000)])
def test_make_random_int_matrix(low, high):
    m = tb.make_random_int_matrix((30, 40), low=low, high=high, seed=3)
    assert isinstance(m, np.ndarray) and m.shape == (30, 40) and np.issubdtype(m.dtype, np.integer)
    assert m.min() >= low and m.max() < high
    if high - low <= 10:
        assert set(np.unique(m)) == set(range(low, high)), "every value of a small range should appear"
    np.testing.assert_array_equal(m, tb.make_random_int_matrix((30, 40), low=low, high=high, seed=3))
    if high - low > 1:
        assert not np.array_equal(m, tb.make_random_int_matrix((30, 40), low=low, high=high, seed=4))


# --------------------------------------------------------------------------------------------------
# TODO 4: indexing
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def m34():
    return np.arange(12).reshape(3, 4)


def test_get_element(m34):
    assert tb.get_element(m34, 1, 2) == 6
    assert tb.get_element(m34, -1, -1) == 11
    assert np.ndim(tb.get_element(m34, 0, 0)) == 0


def test_get_row_and_column(m34):
    row = tb.get_row(m34, 1)
    np.testing.assert_array_equal(row, [4, 5, 6, 7])
    assert row.shape == (4,)
    col = tb.get_column(m34, 2)
    np.testing.assert_array_equal(col, [2, 6, 10])
    assert col.shape == (3,)
    np.testing.assert_array_equal(tb.get_column(m34, -1), [3, 7, 11])


def test_get_block(m34):
    block = tb.get_block(m34, rows=(0, 2), cols=(1, 3))
    np.testing.assert_array_equal(block, [[1, 2], [5, 6]])
    np.testing.assert_array_equal(tb.get_block(m34, (1, 3), (0, 4)), m34[1:3, 0:4])
    assert tb.get_block(m34, rows=(1, 1), cols=(0, 4)).shape == (0, 4)
    m = np.random.default_rng(0).random((7, 9))
    for r0, r1, c0, c1 in [(0, 7, 0, 9), (2, 5, 3, 8), (6, 7, 8, 9)]:
        np.testing.assert_array_equal(tb.get_block(m, rows=(r0, r1), cols=(c0, c1)), m[r0:r1, c0:c1])


def test_select_greater_than(m34):
    np.testing.assert_array_equal(tb.select_greater_than(np.array([[1, 5], [7, 2]]), 2), [5, 7])
    np.testing.assert_array_equal(tb.select_greater_than(m34, 8), [9, 10, 11])
    out = tb.select_greater_than(m34, 100)
    assert out.shape == (0,)
    m = np.array([[0.5, 0.1, 0.9], [0.5, 0.7, 0.2]])
    out = tb.select_greater_than(m, 0.5)  # strictly greater: 0.5 itself is left out
    np.testing.assert_array_equal(out, [0.9, 0.7])
    assert out.ndim == 1 and out.dtype == np.float64


# --------------------------------------------------------------------------------------------------
# TODO 5-7: arithmetic, mean, transpose
# --------------------------------------------------------------------------------------------------


def test_arithmetic():
    rng = np.random.default_rng(1)
    a, b = rng.random((3, 4)), rng.random((3, 4))
    np.testing.assert_allclose(tb.matrix_sum(a, b), a + b)
    np.testing.assert_allclose(tb.matrix_difference(a, b), a - b)
    np.testing.assert_allclose(tb.matrix_difference(b, a), b - a)
    np.testing.assert_allclose(tb.elementwise_product(a, b), a * b)
    c = rng.random((4, 2))
    product = tb.matrix_product(a, c)
    assert product.shape == (3, 2)
    np.testing.assert_allclose(product, a @ c)
    before = a.copy()
    np.testing.assert_allclose(tb.scalar_multiple(a, 2.5), 2.5 * a)
    np.testing.assert_array_equal(a, before)
    with pytest.raises(ValueError):
        tb.matrix_product(a, b)  # (3, 4) @ (3, 4) is not defined


def test_matrix_mean():
    m = np.array([[1, 2], [3, 4]])
    assert float(tb.matrix_mean(m)) == 2.5
    np.testing.assert_allclose(tb.matrix_mean(m, axis=0), [2.0, 3.0])
    np.testing.assert_allclose(tb.matrix_mean(m, axis=1), [1.5, 3.5])
    r = np.random.default_rng(2).random((5, 3))
    assert tb.matrix_mean(r, axis=0).shape == (3,)
    assert tb.matrix_mean(r, axis=1).shape == (5,)
    assert tb.matrix_mean(r, axis=-1).shape == (5,)
    assert np.isclose(tb.matrix_mean(r), r.mean())


def test_matrix_transpose():
    m = np.arange(6).reshape(2, 3)
    t = tb.matrix_transpose(m)
    assert t.shape == (3, 2)
    np.testing.assert_array_equal(t, m.T)
    np.testing.assert_array_equal(tb.matrix_transpose(t), m)


# --------------------------------------------------------------------------------------------------
# TODO 8-9: tensors <-> lists and numpy
# --------------------------------------------------------------------------------------------------


def test_list_to_tensor_keeps_the_inferred_dtype():
    t = tb.list_to_tensor([[1, 2], [3, 4]])
    assert isinstance(t, torch.Tensor) and t.shape == (2, 2) and t.dtype == torch.int64
    f = tb.list_to_tensor([1.5, 2.0, -3.0])
    assert f.dtype == torch.float32 and f.tolist() == [1.5, 2.0, -3.0]
    assert tb.list_to_tensor([True, False]).dtype == torch.bool
    assert tb.list_to_tensor([1, 2.5]).dtype == torch.float32


def test_tensor_to_list():
    assert tb.tensor_to_list(torch.tensor([[1, 2], [3, 4]])) == [[1, 2], [3, 4]]
    out = tb.tensor_to_list(torch.tensor([0.5, 1.5]))
    assert out == [0.5, 1.5] and all(type(v) is float for v in out)
    assert tb.tensor_to_list(torch.tensor(3)) == 3
    assert tb.tensor_to_list(tb.list_to_tensor([[1, 2, 3]])) == [[1, 2, 3]]


def test_numpy_to_tensor_shares_memory():
    a = np.zeros((2, 3))
    t = tb.numpy_to_tensor(a)
    assert isinstance(t, torch.Tensor) and t.shape == (2, 3) and t.dtype == torch.float64
    a[0, 0] = 7.0
    assert t[0, 0].item() == 7.0, "changing the array must change the tensor"
    t[1, 2] = -1.0
    assert a[1, 2] == -1.0, "changing the tensor must change the array"
    assert tb.numpy_to_tensor(np.arange(3, dtype=np.int32)).dtype == torch.int32


def test_tensor_to_numpy():
    t = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    a = tb.tensor_to_numpy(t)
    assert isinstance(a, np.ndarray) and a.shape == (2, 3) and a.dtype == np.float32
    t[0, 0] = 9.0
    assert a[0, 0] == 9.0, "a CPU tensor and its numpy array share memory"
    g = torch.ones(3, requires_grad=True) * 2  # requires grad and has a grad_fn
    np.testing.assert_array_equal(tb.tensor_to_numpy(g), [2.0, 2.0, 2.0])
    leaf = torch.ones(2, requires_grad=True)
    assert isinstance(tb.tensor_to_numpy(leaf), np.ndarray)
    assert leaf.requires_grad


def test_tensor_to_numpy_moves_to_the_cpu_first(monkeypatch):
    """A tensor on another device is brought to the CPU (detach().cpu().numpy())."""
    calls = []
    t = torch.ones(2, requires_grad=True)

    class FakeDeviceTensor:  # stands in for a CUDA tensor on this CPU-only machine
        def detach(self):
            calls.append("detach")
            return self

        def cpu(self):
            calls.append("cpu")
            return t.detach()

        def numpy(self):
            raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() first.")

    out = tb.tensor_to_numpy(FakeDeviceTensor())
    assert calls == ["detach", "cpu"]
    np.testing.assert_array_equal(out, [1.0, 1.0])


# --------------------------------------------------------------------------------------------------
# TODO 10-11: devices
# --------------------------------------------------------------------------------------------------


def test_get_device_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    for kwargs in ({}, {"prefer_cuda": True}, {"prefer_cuda": False}):
        device = tb.get_device(**kwargs)
        assert isinstance(device, torch.device) and device == torch.device("cpu"), kwargs


def test_get_device_with_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    device = tb.get_device()
    assert isinstance(device, torch.device) and device == torch.device("cuda") and device.index is None
    assert tb.get_device(prefer_cuda=True) == torch.device("cuda")
    assert tb.get_device(prefer_cuda=False) == torch.device("cpu")


def test_get_device_on_this_machine():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert tb.get_device().type == expected
    with pytest.raises(TypeError):
        tb.get_device(True)  # prefer_cuda is keyword-only


def test_to_device():
    t = torch.arange(4.0)
    cpu = tb.to_device(t, torch.device("cpu"))
    assert cpu.device.type == "cpu" and torch.equal(cpu, t)
    assert tb.to_device(t, "cpu").device == torch.device("cpu")
    meta = tb.to_device(t, "meta")
    assert meta.device.type == "meta" and meta.shape == t.shape and meta.dtype == t.dtype
    assert tb.to_device(t, torch.device("meta")).is_meta
    assert t.device.type == "cpu", "the input stays where it was"


# --------------------------------------------------------------------------------------------------
# TODO 12-14: shapes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dim, shape", [(0, (1, 3, 4)), (1, (3, 1, 4)), (2, (3, 4, 1)), (-1, (3, 4, 1)), (-3, (1, 3, 4))])
def test_add_dimension(dim, shape):
    t = torch.arange(12).reshape(3, 4)
    out = tb.add_dimension(t, dim)
    assert out.shape == shape
    assert out.data_ptr() == t.data_ptr()
    assert torch.equal(out.reshape(3, 4), t)


def test_remove_size_one_dimensions():
    t = torch.zeros(1, 3, 1, 4)
    assert tb.remove_size_one_dimensions(t).shape == (3, 4)
    assert tb.remove_size_one_dimensions(torch.zeros(2, 3)).shape == (2, 3)
    assert tb.remove_size_one_dimensions(torch.ones(1, 1, 1)).shape == ()
    u = torch.arange(5).reshape(1, 5, 1)
    assert tb.remove_size_one_dimensions(tb.add_dimension(u, 0)).tolist() == list(range(5))


def test_view_as_rows_shares_memory():
    t = torch.arange(12)
    v = tb.view_as_rows(t, 3)
    assert v.shape == (3, 4)
    assert torch.equal(v, t.reshape(3, 4))
    v[0, 0] = 100
    assert t[0].item() == 100, "view shares memory with its input"
    assert tb.view_as_rows(torch.zeros(2, 3, 4), 4).shape == (4, 6)


def test_view_needs_contiguous_memory_and_reshape_does_not():
    t = torch.arange(12).reshape(3, 4).T  # (4, 3), not contiguous
    assert not t.is_contiguous()
    with pytest.raises(RuntimeError):
        tb.view_as_rows(t, 2)
    r = tb.reshape_as_rows(t, 2)
    assert r.shape == (2, 6)
    assert r.tolist() == [[0, 4, 8, 1, 5, 9], [2, 6, 10, 3, 7, 11]]
    with pytest.raises(RuntimeError):
        tb.view_as_rows(torch.arange(10), 3)  # 10 is not divisible by 3


def test_reshape_as_rows_on_contiguous_input_is_a_view():
    t = torch.arange(12.0)
    r = tb.reshape_as_rows(t, 4)
    assert r.shape == (4, 3) and r.data_ptr() == t.data_ptr()
    assert torch.equal(r, tb.view_as_rows(t, 4))


def test_concatenate():
    a, b = torch.zeros(2, 3), torch.ones(4, 3)
    out = tb.concatenate([a, b])
    assert out.shape == (6, 3) and out[2:].sum().item() == 12
    out1 = tb.concatenate([torch.zeros(2, 3), torch.ones(2, 5)], dim=1)
    assert out1.shape == (2, 8)
    assert tb.concatenate((torch.arange(2), torch.arange(3), torch.arange(1))).tolist() == [0, 1, 0, 1, 2, 0]
    assert tb.concatenate([torch.zeros(2, 3), torch.ones(2, 3)], dim=-1).shape == (2, 6)


def test_stack():
    a, b = torch.zeros(2, 3), torch.ones(2, 3)
    assert tb.stack([a, b]).shape == (2, 2, 3)
    assert tb.stack([a, b], dim=1).shape == (2, 2, 3)
    out = tb.stack([a, b, a], dim=2)
    assert out.shape == (2, 3, 3)
    assert torch.equal(out[..., 1], b)
    assert tb.stack((torch.tensor(1), torch.tensor(2))).tolist() == [1, 2]
    with pytest.raises(RuntimeError):
        tb.stack([torch.zeros(2), torch.zeros(3)])


# --------------------------------------------------------------------------------------------------
# TODO 15-17: autograd and gradient descent
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n, d, dtype", [(5, 3, torch.float32), (20, 1, torch.float64), (1, 4, torch.float64)])
def test_autograd_gradient_matches_the_formula(n, d, dtype):
    g = torch.Generator().manual_seed(n * 10 + d)
    x = torch.randn(n, d, generator=g, dtype=dtype)
    w = torch.randn(d, generator=g, dtype=dtype)
    y = torch.randn(n, generator=g, dtype=dtype)
    w_before = w.clone()
    loss, grad = tb.autograd_gradient(w, x, y)
    assert loss.shape == () and not loss.requires_grad and loss.grad_fn is None
    assert grad.shape == (d,) and grad.dtype == dtype
    torch.testing.assert_close(loss, ((x @ w - y) ** 2).mean())
    torch.testing.assert_close(grad, 2.0 / n * x.T @ (x @ w - y))
    assert torch.equal(w, w_before) and not w.requires_grad and w.grad is None


def test_autograd_gradient_leaves_a_leaf_w_untouched():
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    y = torch.tensor([0.5, 1.0])
    loss, grad = tb.autograd_gradient(w, x, y)
    assert w.grad is None, "the caller's w must not receive a gradient"
    loss2, grad2 = tb.autograd_gradient(w, x, y)
    torch.testing.assert_close(grad, grad2)  # no accumulation between calls
    torch.testing.assert_close(loss, loss2)


def test_autograd_example_from_the_docstring():
    loss, grad = tb.autograd_gradient(torch.tensor([1.0, 1.0]), torch.tensor([[1.0, 2.0]]), torch.tensor([1.0]))
    assert loss.item() == 4.0 and grad.tolist() == [4.0, 8.0]


def test_linear_mse_loss():
    w, b = torch.tensor(2.0), torch.tensor(1.0)
    x, y = torch.tensor([0.0, 1.0]), torch.tensor([1.0, 4.0])
    loss = tb.linear_mse_loss(w, b, x, y)
    assert loss.shape == () and loss.item() == pytest.approx(0.5)
    wg = torch.tensor(0.5, requires_grad=True)
    out = tb.linear_mse_loss(wg, torch.tensor(0.0), x, y)
    out.backward()
    assert wg.grad is not None, "the loss must stay differentiable"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hand_gradients_equal_autograd(seed):
    g = torch.Generator().manual_seed(seed)
    x, y = torch.randn(30, generator=g), torch.randn(30, generator=g)
    w = torch.randn((), generator=g).requires_grad_(True)
    b = torch.randn((), generator=g).requires_grad_(True)
    tb.linear_mse_loss(w, b, x, y).backward()
    dw, db = tb.linear_mse_gradients(w.detach(), b.detach(), x, y)
    assert dw.shape == () and db.shape == ()
    torch.testing.assert_close(dw, w.grad)
    torch.testing.assert_close(db, b.grad)


def test_hand_gradients_docstring_example():
    dw, db = tb.linear_mse_gradients(torch.tensor(2.0), torch.tensor(1.0), torch.tensor([0.0, 1.0]), torch.tensor([1.0, 4.0]))
    assert dw.item() == pytest.approx(-1.0) and db.item() == pytest.approx(-1.0)


def test_gradient_descent_converges_on_a_line():
    x = torch.linspace(-1, 1, 50)
    y = 3 * x + 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = tb.gradient_descent(x, y, lr=0.1, steps=300)
    assert isinstance(result, tb.GDResult)
    assert type(result.w) is float and type(result.b) is float
    assert result.w == pytest.approx(3.0, abs=1e-3) and result.b == pytest.approx(2.0, abs=1e-3)
    assert len(result.losses) == 300 and all(type(v) is float for v in result.losses)
    assert result.losses[0] == pytest.approx(float((y**2).mean()), rel=1e-6), "losses[0] is the loss at w = b = 0"
    assert all(later <= earlier + 1e-7 for earlier, later in zip(result.losses, result.losses[1:]))
    assert result.losses[-1] < 1e-5


def test_gradient_descent_defaults_and_exact_steps():
    x = torch.linspace(0, 1, 10)
    y = -2 * x + 0.5
    result = tb.gradient_descent(x, y)
    assert len(result.losses) == 100
    assert result.losses[-1] < result.losses[0]
    # reference: the same loop written out in plain arithmetic (no autograd)
    w = b = 0.0
    expected = []
    for _ in range(3):
        err = w * x + b - y
        expected.append(float((err**2).mean()))
        w, b = w - 0.05 * float(2 * (err * x).mean()), b - 0.05 * float(2 * err.mean())
    short = tb.gradient_descent(x, y, lr=0.05, steps=3)
    assert short.losses == pytest.approx(expected, rel=1e-5)
    assert (short.w, short.b) == pytest.approx((w, b), rel=1e-5)
    assert tb.gradient_descent(x, y, steps=0).losses == []


def test_gradient_descent_resets_gradients_each_step():
    """Without the reset the gradients accumulate and the 2nd step differs from plain GD."""
    x = torch.tensor([1.0, 2.0, 3.0])
    y = torch.tensor([2.0, 4.0, 6.0])
    r = tb.gradient_descent(x, y, lr=0.01, steps=2)
    w1 = 0.01 * 2 * float((y * x).mean())
    b1 = 0.01 * 2 * float(y.mean())
    err = w1 * x + b1 - y
    assert r.losses[1] == pytest.approx(float((err**2).mean()), rel=1e-5)
    w2 = w1 - 0.01 * 2 * float((err * x).mean())
    assert r.w == pytest.approx(w2, rel=1e-5)
