"""A Korean font for the pictures and pages the grader makes, without touching anyone's settings.

The font is NanumGothic (SIL Open Font License), from the `koreanize-matplotlib` package, a dependency
of this project: found on disk, never imported (importing it would change matplotlib's global settings).
Pictures use it through a scoped `rc_context`; HTML pages embed only the glyphs they use (a subset made
with fontTools, which matplotlib depends on), so Korean shows in a browser without Korean fonts.
"""
from __future__ import annotations

import base64
import importlib.util
import io
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from autograder.feedback.language import pair, show

FONT_FAMILY = "NanumGothic"
_PACKAGE = "koreanize_matplotlib"


class KoreanFontMissing(RuntimeError):
    """The Korean font is not installed."""


def korean_font_path() -> Path:
    """NanumGothic.ttf on disk; KoreanFontMissing (saying what to install) when it is not there."""
    spec = importlib.util.find_spec(_PACKAGE)  # finds the package without running it
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "fonts" / f"{FONT_FAMILY}.ttf"
        if path.is_file():
            return path
    raise KoreanFontMissing(show(pair("한글 글꼴(NanumGothic)이 없습니다. `pip install koreanize-matplotlib`로 "
                                      "설치하세요 (bash scripts/setup.sh가 설치합니다).",
                                      "The Korean font (NanumGothic) is missing: install it with "
                                      "`pip install koreanize-matplotlib` (scripts/setup.sh does).")))


@contextmanager
def korean_pictures() -> Iterator[None]:
    """Within this block, matplotlib draws text in NanumGothic (and a real minus sign it has)."""
    import matplotlib
    from matplotlib import font_manager

    path = str(korean_font_path())
    if path not in {entry.fname for entry in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)  # registers the file; no setting changes
    with matplotlib.rc_context({"font.family": [FONT_FAMILY, "DejaVu Sans"], "axes.unicode_minus": False}):
        yield


def font_face_css(text: str, *, family: str = FONT_FAMILY) -> str:
    """An @font-face rule embedding NanumGothic's glyphs for the characters of `text` (a WOFF subset)."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; woff2 would need brotli
    options.layout_features = ["*"]
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]  # VTT hinting sources: not needed to draw
    font = subset.load_font(str(korean_font_path()), options)
    try:
        subsetter = subset.Subsetter(options)
        drawable = {c for c in text if not 0xD800 <= ord(c) <= 0xDFFF}  # a lone surrogate is no character to draw
        subsetter.populate(text="".join(sorted(drawable)) or " ")
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    finally:
        font.close()
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f"@font-face {{ font-family: '{family}'; font-weight: 400 700; "
            f"src: url(data:font/woff;base64,{encoded}) format('woff'); }}")
