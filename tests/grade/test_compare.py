"""Messages of the comparison helpers: they name the object and say got vs expected."""
from __future__ import annotations

import numpy as np

from autograder.grade.checks.common import compare_all
from autograder.grade.compare import compare, describe
from autograder.run.values import ErrorValue, TensorValue


def tensor(array: np.ndarray, dtype: str = "torch.float32", device: str = "cpu") -> TensorValue:
    return TensorValue(array=array, kind="tensor", dtype=dtype, device=device)


def test_wrong_shape_names_the_object_and_both_shapes() -> None:
    got, expected = tensor(np.zeros((64, 100))), tensor(np.zeros((64, 10)))
    assert compare("scores", got, expected) == "'scores' has the wrong shape: got (64, 100), expected (64, 10)"


def test_wrong_dtype_device_and_values() -> None:
    base = tensor(np.ones((2, 2)))
    assert "wrong dtype: got torch.float64, expected torch.float32" in compare("t", tensor(np.ones((2, 2)), "torch.float64"), base)
    assert "wrong device: got meta, expected cpu" in compare("t", tensor(np.ones((2, 2)), device="meta"), base)
    message = compare("t", tensor(np.full((2, 2), 2.0)), base)
    assert message.startswith("'t' has the wrong values: got [[2., 2.], [2., 2.]], expected [[1., 1.], [1., 1.]]")


def test_a_large_array_is_told_by_where_it_differs_not_dumped() -> None:
    expected = np.linspace(-1, 1, 3072 * 16).reshape(16, 3072)
    got = expected.copy()
    got[3, 100] += 0.5
    got[9, 7] -= 2.0
    message = compare("weights", tensor(got), tensor(expected))
    assert message.startswith("'weights' has the wrong values: 2 of 49152 differ; the first at [3, 100]: got ")
    assert message.endswith("(largest difference 2)")
    assert len(message) < 200  # a few numbers, never the arrays
    words = np.array(["cat"] * 20)
    changed = words.copy()
    changed[5] = "dog"
    assert compare("titles", TensorValue(changed, "ndarray", "<U3"), TensorValue(words, "ndarray", "<U3")) == \
        "'titles' has the wrong values: 1 of 20 differ; the first at [5]: got 'dog', expected 'cat'"


def test_close_values_pass_within_tolerance_and_numbers_compare() -> None:
    assert compare("t", tensor(np.ones(3) + 1e-8), tensor(np.ones(3))) is None
    assert compare("x", 1.0 + 1e-9, 1.0) is None
    assert compare("x", 1.5, 1.0) == "'x' has the wrong value: got 1.5, expected 1"
    assert "wrong type" in compare("x", "1.0", 1.0)


def test_numpy_array_is_not_a_tensor() -> None:
    array = TensorValue(array=np.ones(2), kind="ndarray", dtype="float64")
    assert "expected a tensor" in compare("t", array, tensor(np.ones(2)))


def test_errors_are_reported_as_the_students_and_expected_errors_compare_by_type() -> None:
    stub = ErrorValue("NotImplementedError", "f: TODO 3 — not implemented yet")
    assert compare("f(x)", stub, 1.0) == "TODO not done: f: TODO 3 — not implemented yet"
    raised = ErrorValue("ValueError", "bad shapes", "m.py:3 in f")
    assert compare("f(x)", raised, 1.0) == "'f(x)' raised ValueError: bad shapes (m.py:3 in f)"
    expected_error = ErrorValue("RuntimeError", "view size is not compatible")
    assert compare("view", ErrorValue("RuntimeError", "other words"), expected_error) is None
    assert "should raise RuntimeError" in compare("view", tensor(np.ones(2)), expected_error)


def test_sequences_and_dicts_point_at_the_first_difference() -> None:
    assert compare("pair", (1.0, 2.0), (1.0, 3.0)) == "'pair[1]' has the wrong value: got 2, expected 3"
    assert compare("pair", (1.0,), (1.0, 3.0)) == "'pair' has the wrong length: got 1, expected 2"
    assert "wrong type" in compare("d", 3, {"a": 1})


def test_compare_all_adds_the_hint_but_not_to_a_todo_stub() -> None:
    reference = {"a": 1.0}
    verdict = compare_all({"a": 2.0}, reference, hints={"a": "Use a @ b."})
    assert verdict.fraction == 0 and verdict.message.endswith("Use a @ b.")
    stub = compare_all({"a": ErrorValue("NotImplementedError", "g: TODO 1")}, reference, hints={"a": "Use a @ b."})
    assert stub.message == "TODO not done: g: TODO 1"
    assert compare_all({"a": 1.0}, reference).fraction == 1


def test_compare_all_reports_what_the_probe_said_instead_of_a_value() -> None:
    verdict = compare_all({"Model(3)": ErrorValue("TypeError", "bad argument")}, {"layers": [1]})
    assert verdict.message == "'Model(3)' raised TypeError: bad argument"
    assert compare_all({"f() returns a Figure": "returned int"}, {"x": 1}).message == "'f() returns a Figure': returned int"


def test_describe_is_short() -> None:
    assert describe(tensor(np.zeros((2, 3)))) == "a tensor of shape (2, 3) and dtype torch.float32 on cpu"
    assert len(describe("x" * 500)) <= 80


def test_a_tensor_still_attached_to_the_graph_is_named() -> None:
    import numpy as np

    from autograder.grade.compare import compare
    from autograder.run.values import TensorValue

    expected = TensorValue(np.array(4.0, dtype=np.float32), "tensor", "torch.float32", "cpu", False)
    attached = TensorValue(np.array(4.0, dtype=np.float32), "tensor", "torch.float32", "cpu", True)
    message = compare("loss", attached, expected)
    assert message is not None and "autograd" in message and ".detach()" in message
    assert compare("loss", expected, expected) is None
    assert compare("scores", attached, attached) is None  # both attached (a forward pass): equal
