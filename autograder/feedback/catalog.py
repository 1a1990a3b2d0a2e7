"""Messages in Korean first, English beside it, from a gettext catalog managed with Babel.

Code writes the English message as the id, with named fields:

    bilingual("'{name}' has the wrong shape: got {got}, expected {expected}", name=..., got=..., expected=...)

and the Korean comes from `locale/ko/LC_MESSAGES/autograder.po` (msgid: the English, msgstr: the Korean,
with the same fields). `scripts/update_catalog.sh` extracts the ids (`pybabel extract -k bilingual -k both -k marked`)
and merges them into the catalog (`pybabel update`); a test fails on an id without Korean, on Korean whose
fields differ from the English and on entries no code uses.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, NamedTuple

from autograder.feedback.language import pair

CATALOG = Path(__file__).resolve().parent / "locale" / "ko" / "LC_MESSAGES" / "autograder.po"
DOMAIN = "autograder"


@functools.lru_cache(maxsize=1)
def korean_messages() -> dict[str, str]:
    """msgid -> Korean msgstr of every translated, non-fuzzy entry of the catalog (read once)."""
    from babel.messages.pofile import read_po

    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle, locale="ko", domain=DOMAIN)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


class Both(NamedTuple):
    """A text in both languages, as a field of another message (each language's message gets its own)."""

    ko: str
    en: str


def korean(english: str, /, **fields: Any) -> str:
    """The Korean of `english` with its fields filled ('' when the catalog has none)."""
    text = korean_messages().get(english, "")
    if not text:
        return ""
    return text.format(**{k: v.ko if isinstance(v, Both) else v for k, v in fields.items()}) if fields else text


def both(english: str, /, **fields: Any) -> Both:
    """The message `english` in Korean (English when the catalog has none) and in English, fields filled."""
    en = english.format(**{k: v.en if isinstance(v, Both) else v for k, v in fields.items()}) if fields else english
    return Both(korean(english, **fields) or en, en)


def marked(english: str) -> str:
    """`english` unchanged: marks a message whose Korean is looked up later (`korean`, `bilingual`)."""
    return english


def bilingual(english: str, /, **fields: Any) -> str:
    """The message `english` as a pair of its Korean (from the catalog) and its English, fields filled in both:
    shown as '한국어 / English', '한국어' or 'English' by the report's language (`autograder.feedback.language`)."""
    text = both(english, **fields)
    return pair(text.ko, text.en)
