"""The Korean message catalog: every message the code marks has native Korean, with the same fields."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from autograder.feedback.catalog import CATALOG, Both, bilingual, both, korean
from autograder.feedback.language import show

PACKAGE = Path(__file__).resolve().parents[2] / "autograder"
KEYWORDS = {"bilingual": None, "both": None, "marked": None}  # as scripts/update_catalog.sh extracts them
HANGUL = re.compile(r"[\uac00-\ud7a3]")
FIELD = re.compile(r"\{(\w+)\}")


def _marked_in_code() -> set[str]:
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
                             comment_tags=(), strip_comment_tags=True)
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str)}


def _catalog() -> dict[str, str]:
    with open(CATALOG, "rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale="ko") if m.id}


def test_every_marked_message_has_korean_with_the_same_fields() -> None:
    marked, catalog = _marked_in_code(), _catalog()
    assert len(marked) > 80
    untranslated = sorted(m for m in marked if not catalog.get(m))
    assert not untranslated, f"no Korean for these messages (run scripts/update_catalog.sh, write msgstr): {untranslated}"
    not_korean = sorted(m for m in marked if not HANGUL.search(catalog[m]))
    assert not not_korean, not_korean
    fields = {m: (sorted(FIELD.findall(m)), sorted(FIELD.findall(catalog[m]))) for m in marked}
    assert all(a == b for a, b in fields.values()), {m: f for m, f in fields.items() if f[0] != f[1]}


def test_the_catalog_holds_only_messages_the_code_uses() -> None:
    stale = sorted(set(_catalog()) - _marked_in_code())
    assert not stale, f"entries no code marks any more (scripts/update_catalog.sh drops them): {stale}"


def test_korean_first_english_beside_it_fields_in_each_language() -> None:
    message = bilingual("'{name}' has the wrong shape: got {got}, expected {expected}", name="x", got=(2, 3),
                        expected=(3, 2))
    assert show(message) == "'x'의 shape이 틀렸습니다: 결과 (2, 3), 정답 (3, 2) / 'x' has the wrong shape: got (2, 3), " \
                            "expected (3, 2)"
    assert show(message, "ko") == "'x'의 shape이 틀렸습니다: 결과 (2, 3), 정답 (3, 2)"
    assert show(message, "en") == "'x' has the wrong shape: got (2, 3), expected (3, 2)"
    where = both("{count} of {size} differ; the first at {index}: got {got}, expected {expected}", count=2, size=9,
                 index=[0, 1], got="1", expected="2")
    text = show(bilingual("'{name}' has the wrong values: {where}", name="y", where=where))
    assert text.startswith("'y'의 값이 틀렸습니다: 9개 중 2개가 다릅니다") and text.endswith("2 of 9 differ; the first at "
                                                                                  "[0, 1]: got 1, expected 2")
    assert bilingual("a message the catalog does not know") == "a message the catalog does not know"
    assert korean("a message the catalog does not know") == "" and both("no {x}", x=Both("가", "a")).en == "no a"
