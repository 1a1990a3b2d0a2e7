"""Which language a report speaks: Korean first with English beside it (the default), Korean only, English only.

Messages are made once, in both languages, and the language is chosen where they are shown (the text report,
results.json, the HTML page, nbgrader's feedback, the class summary). A message holds each of its bilingual
parts as a *pair*: the Korean and the English between three private-use characters,

    pair("점수", "score")  ->  "\\ue000점수\\ue001score\\ue002"

so that pairs survive f-strings, joins, JSON and the trip from a Dask worker, and may nest (a pair's Korean can
hold another pair: shown in Korean, the inner pair shows its Korean too). `show(text, language)` turns every
pair into what that language shows:

    ko+en  "점수 / score"      ko  "점수"      en  "score"

Text a student's code made never holds a pair: `autograder.feedback.inert` removes the three characters.
"""
from __future__ import annotations

import re
from typing import Literal

Language = Literal["ko+en", "ko", "en"]
LANGUAGES: tuple[Language, ...] = ("ko+en", "ko", "en")
DEFAULT_LANGUAGE: Language = "ko+en"
LANGUAGE_ENV = "AUTOGRADER_LANG"  # the language of nbgrader's feedback (read by autograder.notebook)

OPEN, BETWEEN, CLOSE = "\ue000", "\ue001", "\ue002"
PAIR_MARKS = OPEN + BETWEEN + CLOSE
MARKS = re.compile(f"[{PAIR_MARKS}]")
SEPARATOR = " / "  # between the Korean and the English in 'ko+en'


def pair(ko: str, en: str) -> str:
    """The text `ko` in Korean and `en` in English, as one part of a message (`en` alone when they are equal)."""
    return en if ko == en else f"{OPEN}{ko}{BETWEEN}{en}{CLOSE}"


def check_language(language: str) -> Language:
    """`language` if it is one of LANGUAGES; else a ValueError that says which there are."""
    if language not in LANGUAGES:
        raise ValueError(f"언어는 {', '.join(LANGUAGES)} 중 하나입니다 / the language must be one of "
                         f"{', '.join(LANGUAGES)}, not {language!r}")
    return language  # type: ignore[return-value]


def show(text: str, language: str = DEFAULT_LANGUAGE) -> str:
    """`text` with every pair shown in `language` (see the module's docstring). Marks that do not pair up
    (a message cut short) are dropped."""
    if not MARKS.search(text):
        return text
    check_language(language)
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == OPEN:
            ko, index = _half(text, index + 1, "en" if language == "en" else "ko", stop_at=BETWEEN)
            en, index = _half(text, index, "en", stop_at=CLOSE)
            out.append(ko if language == "ko" else en if language == "en" or ko == en else f"{ko}{SEPARATOR}{en}")
            continue
        if char not in (BETWEEN, CLOSE):  # a stray mark (a message cut short) is dropped
            out.append(char)
        index += 1
    return "".join(out)


def _half(text: str, start: int, language: str, *, stop_at: str) -> tuple[str, int]:
    """One half of a pair, from `start` to its `stop_at` mark at this depth, its own pairs shown in `language`
    ('ko' or 'en'); returns it and the index after the mark (or the end of the text)."""
    out: list[str] = []
    index = start
    while index < len(text):
        char = text[index]
        if char == OPEN:
            ko, index = _half(text, index + 1, language, stop_at=BETWEEN)
            en, index = _half(text, index, language, stop_at=CLOSE)
            out.append(ko if language == "ko" else en)
            continue
        index += 1
        if char == stop_at:
            return "".join(out), index
        if char not in (BETWEEN, CLOSE):  # a mark of the other kind: the message was cut; drop it
            out.append(char)
    return "".join(out), index


def unmarked(text: str) -> str:
    """`text` without any of the three marks (for text a student's code made: it cannot make a pair)."""
    return MARKS.sub("", text)
