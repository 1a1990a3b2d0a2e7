"""StubSolutions: one `raise NotImplementedError(...)` line per region, at the region's indentation."""
from __future__ import annotations

import pytest

from autograder.assign.preprocessors import FindMarkers, LocateRegions, PythonModule, StubSolutions
from autograder.assign.stubs import stub_message


def stub(text: str) -> PythonModule:
    module = PythonModule.from_text(text, name="m.py")
    return StubSolutions()(LocateRegions()(FindMarkers()(module)))


def test_skeleton_stub_lines(skeleton_text: str, skeleton_stubs: list[tuple[str, str | None]]) -> None:
    release = stub(skeleton_text)
    assert release.regions_replaced == 6
    raises = [line for line in release.lines if "raise NotImplementedError" in line]
    assert len(raises) == 6
    for line, (qualname, label) in zip(raises, skeleton_stubs, strict=True):
        assert line.strip() == f'raise NotImplementedError("{stub_message(qualname, label)}")'
    assert "BEGIN SOLUTION" not in release.text and "return n, n + 1" not in release.text


def test_indentation_and_surrounding_lines_kept() -> None:
    text = (
        "def f(xs):\n"
        "    total = 0\n"
        "    for x in xs:\n"
        "        # 1) add\n"
        "        ### BEGIN SOLUTION\n"
        "        total += x\n"
        "        ### END SOLUTION\n"
        "    return total\n"
    )
    assert stub(text).text == (
        "def f(xs):\n"
        "    total = 0\n"
        "    for x in xs:\n"
        "        # 1) add\n"
        f'        raise NotImplementedError("{stub_message("f", "step 1)")}")\n'
        "    return total\n"
    )


def test_crlf_line_endings_kept() -> None:
    text = "def f():\r\n    ### BEGIN SOLUTION\r\n    return 1\r\n    ### END SOLUTION\r\n"
    assert stub(text).text == f'def f():\r\n    raise NotImplementedError("{stub_message("f", None)}")\r\n'


def test_stubbed_function_raises(skeleton_text: str) -> None:
    namespace: dict = {}
    exec(compile(stub(skeleton_text).text, "release.py", "exec"), namespace)
    with pytest.raises(NotImplementedError, match=f"^{stub_message('make_pair', 'TODO 1')}$"):
        namespace["make_pair"](1)
    with pytest.raises(NotImplementedError, match="^Counter.__init__: TODO 2 — "):
        namespace["Counter"](0)


def test_module_without_regions_is_unchanged() -> None:
    text = "x = 1\n\n\ndef f():\n    return x\n"
    assert stub(text).text == text


def test_lines_split_only_at_newlines() -> None:
    text = 'def f():\n    s = "a\u2028b\x0cc"\n    ### BEGIN SOLUTION\n    return s\n    ### END SOLUTION\nX = 1'
    module = PythonModule.from_text(text, name="m.py")
    assert len(module.lines) == 6 and module.text == text
    assert stub(text).text.endswith(f'    raise NotImplementedError("{stub_message("f", None)}")\nX = 1')
