"""LocateRegions: enclosing qualified name and TODO label of each solution region."""
from __future__ import annotations

import textwrap

import pytest

from autograder.assign.errors import MarkerError
from autograder.assign.preprocessors import FindMarkers, LocateRegions, PythonModule
from autograder.assign.preprocessors.locate_regions import label_of


def locate(text: str) -> list[tuple[str, str | None]]:
    module = LocateRegions()(FindMarkers()(PythonModule.from_text(textwrap.dedent(text), name="m.py")))
    return [(r.qualname, r.label) for r in module.located]


def test_skeleton(skeleton_text: str, skeleton_stubs: list[tuple[str, str | None]]) -> None:
    assert locate(skeleton_text) == skeleton_stubs


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("    # TODO 3: 설명 / explain", "TODO 3"),
        ("#TODO 12", "TODO 12"),
        ("        # 4) cross entropy loss", "step 4)"),
        ("# 10) last", "step 10)"),
        ("# step 1) no", None),
        ("# TODO: no number", None),
        ("x = 1  # TODO 3", None),
        ("# 1. not a step", None),
    ],
)
def test_label_of(line: str, label: str | None) -> None:
    assert label_of(line) == label


def test_nearest_comment_wins_and_other_comments_are_skipped() -> None:
    text = """
    def run(config):
        # TODO 9: 실행 / run
        # 1) device
        #    more words about the device
        ### BEGIN SOLUTION
        device = "cpu"
        ### END SOLUTION
        x = 1  # an ordinary comment
        ### BEGIN SOLUTION
        y = 2
        ### END SOLUTION
    """
    # A step names its TODO (written above it in the same function): "run: TODO 9 step 1)".
    assert locate(text) == [("run", "TODO 9 step 1)"), ("run", "TODO 9 step 1)")]


def test_label_above_the_def_and_above_the_class() -> None:
    text = """
    # TODO 4: 모델 / the model
    class Net:
        def __init__(self):
            ### BEGIN SOLUTION
            self.a = 1
            ### END SOLUTION

        # TODO 5: forward
        @staticmethod
        def forward(x):
            ### BEGIN SOLUTION
            return x
            ### END SOLUTION
    """
    assert locate(text) == [("Net.__init__", "TODO 4"), ("Net.forward", "TODO 5")]


def test_labels_do_not_leak_from_the_previous_function() -> None:
    text = """
    def a():
        # TODO 1: a
        ### BEGIN SOLUTION
        return 1
        ### END SOLUTION


    def b():
        ### BEGIN SOLUTION
        return 2
        ### END SOLUTION
    """
    assert locate(text) == [("a", "TODO 1"), ("b", None)]


def test_nested_function_and_async() -> None:
    text = """
    def outer():
        def inner():
            # TODO 2
            ### BEGIN SOLUTION
            return 1
            ### END SOLUTION
        return inner


    async def fetch():
        ### BEGIN SOLUTION
        return 3
        ### END SOLUTION
    """
    assert locate(text) == [("outer.inner", "TODO 2"), ("fetch", None)]


def test_region_at_module_level_is_an_error() -> None:
    with pytest.raises(MarkerError, match=r"m.py:2: this solution region is at module level"):
        locate("# TODO 1\n### BEGIN SOLUTION\nX = 1\n### END SOLUTION\n")


def test_region_in_class_body_is_an_error() -> None:
    text = """
    class Net:
        ### BEGIN SOLUTION
        def forward(self, x):
            return x
        ### END SOLUTION
    """
    with pytest.raises(MarkerError, match="the body of class `Net`"):
        locate(text)


def test_empty_region_is_an_error() -> None:
    text = """
    def f():
        x = 1
        ### BEGIN SOLUTION
        # only a comment
        ### END SOLUTION
        return x
    """
    with pytest.raises(MarkerError, match="holds no code"):
        locate(text)
