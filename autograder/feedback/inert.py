"""Text that comes from student code, made inert before it reaches a report.

Student code controls exception messages, printed output and names it returns. Shown as it is, a
newline followed by `  [PASS] ...` or `Total 75 / 75` would forge a line of the report, and control
characters (ANSI escapes, carriage returns, backspaces) could rewrite what a terminal shows. `inert`
keeps printable text (Korean included), shows every control character as a visible escape, joins lines
with a visible separator and bounds the length, so the result is always one plain line.
"""
from __future__ import annotations

import unicodedata

LINE_BREAK = " ⏎ "
MAX_CHARS = 600
#: Printable characters that show as empty space (Braille blank, Hangul fillers, Khmer inherent vowels): a "word" of
#: them looks like spaces, so text built with them could pass for a report line laid out with real spaces.
BLANK_LOOKING = frozenset("\u2800\u3164\u115f\u1160\uffa0\u17b4\u17b5")


def _visible(char: str) -> str:
    if char in "\n\r":
        return "\n"
    if char == "\t":
        return " "
    category = unicodedata.category(char)
    # Cc: controls (ESC, BEL, BS, NUL ...); Cf: format (bidi overrides, zero-width); Zl/Zp: line/paragraph separators.
    # Cs: lone surrogates (bytes that were not UTF-8, as os.fsdecode and surrogateescape give them) cannot be
    # written as UTF-8 at all; Co: private use (the grader's own pair marks); Cn: unassigned.
    if category in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") or char in BLANK_LOOKING:
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char


def inert(text: object, *, max_chars: int = MAX_CHARS) -> str:
    """`text` as one line that cannot pass for a report line: controls escaped, lines joined with ⏎."""
    value = text if isinstance(text, str) else str(text)
    if len(value) > 4 * max_chars:
        value = value[: 4 * max_chars]
    shown = "".join(_visible(c) for c in value)
    lines = [" ".join(line.split()) for line in shown.split("\n")]
    joined = LINE_BREAK.join(line for line in lines if line)
    if len(joined) > max_chars:
        joined = joined[: max_chars - 1] + "…"
    return joined


def escape_controls(text: str, *, keep: str = "") -> str:
    """`text` with every control or format character shown as a visible escape (newlines too), but those in
    `keep` (the grader's own marks of bilingual pairs, in a message the grader made)."""
    return "".join(c if c in keep else f"\\x{ord(c):02x}" if c in "\n\r" else _visible(c) for c in text)


def inert_line(text: object, *, max_chars: int = 300) -> str:
    """The last non-empty line of `text` (e.g. a program's output), inert."""
    value = text if isinstance(text, str) else str(text)
    lines = [line for line in value.replace("\r", "\n").splitlines() if line.strip()]
    return inert(lines[-1] if lines else "", max_chars=max_chars)
