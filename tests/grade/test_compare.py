"""Messages of the comparison helpers: they name the object and say got vs expected."""
from __future__ import annotations

import numpy as np

from autograder.grade import compare as comparing
from autograder.grade.checks import common
from autograder.grade.compare import describe, describe_both
from autograder.run.values import ErrorValue, TensorValue
from tests.shown import shown, shown_verdict


def compare(*args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - the messages as the report shows them
    return shown(comparing.compare(*args, **kwargs))


def compare_all(*args, **kwargs):  # noqa: ANN002, ANN003, ANN201
    return shown_verdict(common.compare_all(*args, **kwargs))


def compare_parts(*args, **kwargs):  # noqa: ANN002, ANN003, ANN201
    return shown_verdict(common.compare_parts(*args, **kwargs))


def english(message: str) -> str:
    """The English half of a 'Korean / English' message."""
    korean, _, text = message.partition(" / ")
    assert korean and text, message
    return text


def tensor(array: np.ndarray, dtype: str = "torch.float32", device: str = "cpu") -> TensorValue:
    return TensorValue(array=array, kind="tensor", dtype=dtype, device=device)


def test_wrong_shape_names_the_object_and_both_shapes() -> None:
    got, expected = tensor(np.zeros((64, 100))), tensor(np.zeros((64, 10)))
    assert compare("scores", got, expected) == ("'scores'의 shape이 틀렸습니다: 결과 (64, 100), 정답 (64, 10) / "
                                                "'scores' has the wrong shape: got (64, 100), expected (64, 10)")


def test_wrong_dtype_device_and_values() -> None:
    base = tensor(np.ones((2, 2)))
    assert "wrong dtype: got torch.float64, expected torch.float32" in compare("t", tensor(np.ones((2, 2)), "torch.float64"), base)
    assert "wrong device: got meta, expected cpu" in compare("t", tensor(np.ones((2, 2)), device="meta"), base)
    message = english(compare("t", tensor(np.full((2, 2), 2.0)), base))
    assert message.startswith("'t' has the wrong values: got [[2., 2.], [2., 2.]], expected [[1., 1.], [1., 1.]]")


def test_a_large_array_is_told_by_where_it_differs_not_dumped() -> None:
    expected = np.linspace(-1, 1, 3072 * 16).reshape(16, 3072)
    got = expected.copy()
    got[3, 100] += 0.5
    got[9, 7] -= 2.0
    message = compare("weights", tensor(got), tensor(expected))
    assert message.startswith("'weights'의 값이 틀렸습니다: 49152개 중 2개가 다릅니다. 처음 다른 곳 [3, 100]: 결과 ")
    assert " (가장 큰 차이 2) / " in message
    assert english(message).startswith("'weights' has the wrong values: 2 of 49152 differ; the first at [3, 100]: got ")
    assert message.endswith("(largest difference 2)")
    assert len(message) < 300  # a few numbers in each language, never the arrays
    words = np.array(["cat"] * 20)
    changed = words.copy()
    changed[5] = "dog"
    assert english(compare("titles", TensorValue(changed, "ndarray", "<U3"), TensorValue(words, "ndarray", "<U3"))) == \
        "'titles' has the wrong values: 1 of 20 differ; the first at [5]: got 'dog', expected 'cat'"


def test_close_values_pass_within_tolerance_and_numbers_compare() -> None:
    assert compare("t", tensor(np.ones(3) + 1e-8), tensor(np.ones(3))) is None
    assert compare("x", 1.0 + 1e-9, 1.0) is None
    assert compare("x", 1.5, 1.0) == "'x'의 값이 틀렸습니다: 결과 1.5, 정답 1 / 'x' has the wrong value: got 1.5, expected 1"
    assert "wrong type" in compare("x", "1.0", 1.0)


def test_numpy_array_is_not_a_tensor() -> None:
    array = TensorValue(array=np.ones(2), kind="ndarray", dtype="float64")
    assert "expected a tensor" in compare("t", array, tensor(np.ones(2)))


def test_errors_are_reported_as_the_students_and_expected_errors_compare_by_type() -> None:
    stub = ErrorValue("NotImplementedError", "f: TODO 3 — not implemented yet")
    assert english(compare("f(x)", stub, 1.0)) == "TODO not done: f: TODO 3 — not implemented yet"
    raised = ErrorValue("ValueError", "bad shapes", "m.py:3 in f")
    assert compare("f(x)", raised, 1.0) == ("'f(x)'에서 오류가 났습니다: ValueError (m.py:3 in f). 오류 내용은 뒤의 영어 "
                                            "메시지에 있습니다 / 'f(x)' raised ValueError: bad shapes (m.py:3 in f)")
    expected_error = ErrorValue("RuntimeError", "view size is not compatible")
    assert compare("view", ErrorValue("RuntimeError", "other words"), expected_error) is None
    assert "should raise RuntimeError" in compare("view", tensor(np.ones(2)), expected_error)


def test_sequences_and_dicts_point_at_the_first_difference() -> None:
    assert english(compare("pair", (1.0, 2.0), (1.0, 3.0))) == "'pair[1]' has the wrong value: got 2, expected 3"
    assert english(compare("pair", (1.0,), (1.0, 3.0))) == "'pair' has the wrong length: got 1, expected 2"
    assert "wrong type" in compare("d", 3, {"a": 1})


def test_compare_all_adds_the_hint_but_not_to_a_todo_stub() -> None:
    reference = {"a": 1.0}
    verdict = compare_all({"a": 2.0}, reference, hints={"a": "Use a @ b."})
    assert verdict.fraction == 0 and verdict.message.endswith("Use a @ b.")
    stub = compare_all({"a": ErrorValue("NotImplementedError", "g: TODO 1")}, reference, hints={"a": "Use a @ b."})
    assert stub.message == "TODO를 아직 하지 않았습니다: g: TODO 1 / TODO not done: g: TODO 1"
    assert compare_all({"a": 1.0}, reference).fraction == 1


def test_compare_all_reports_what_the_probe_said_instead_of_a_value() -> None:
    verdict = compare_all({"Model(3)": ErrorValue("TypeError", "bad argument")}, {"layers": [1]})
    assert english(verdict.message) == "'Model(3)' raised TypeError: bad argument"
    assert compare_all({"f() returns a Figure": "returned int"}, {"x": 1}).message == "'f() returns a Figure': returned int"


def test_compare_all_lists_every_part_that_differs_hints_first_each_once() -> None:
    reference = {f"f({i})": float(i) for i in range(8)}
    student = {f"f({i})": float(i) + (i % 2) for i in range(8)}  # f(1), f(3), f(5), f(7) are wrong
    hints = {f"f({i})": "Return i." for i in range(8)}
    message = compare_all(student, reference, hints=hints).message
    head, *parts = message.split("\n")
    assert head == "4군데가 틀렸습니다 / 4 parts differ — Return i."
    assert [p.split(")", 1)[0] for p in parts] == ["1", "2", "3", "4"] and "'f(7)'" in parts[3]
    many = compare_all({k: v + 1 for k, v in reference.items()}, reference).message.split("\n")
    assert len(many) == 1 + 5 + 1 and many[-1] == "… 외 3개 / and 3 more"


def test_describe_is_short() -> None:
    assert describe(tensor(np.zeros((2, 3)))) == "a tensor of shape (2, 3) and dtype torch.float32 on cpu"
    assert describe_both(tensor(np.zeros((2, 3)))).ko == "cpu에 있는 shape (2, 3), dtype torch.float32인 텐서"
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


def test_independent_parts_earn_their_share_and_the_message_says_which() -> None:
    reference = {"f(1)": 1.0, "f(2)": 2.0, "g(1)": 1.0, "h(x) leaves its inputs unchanged": True}
    student = {"f(1)": 1.0, "f(2)": 2.5, "g(1)": 1.0, "h(x) leaves its inputs unchanged": True}
    verdict = compare_parts(student, reference)
    assert verdict.fraction == 2 / 3 and verdict.message.endswith("맞은 부분 2/3: g, h / 2 of 3 parts right: g, h")
    assert compare_parts(reference, reference).fraction == 1
    nothing = compare_parts({k: 0.0 for k in reference}, reference)
    assert nothing.fraction == 0 and "parts right" not in nothing.message
    stub = ErrorValue("NotImplementedError", "g: TODO 4")
    assert compare_parts({**reference, "g(1)": stub}, reference).fraction == 2 / 3  # one function left undone
