"""Text laid out by how wide a terminal shows it: Hangul and other wide characters take two columns."""
from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal (East Asian wide and fullwidth characters: 2; combining marks: 0)."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """`text` followed by spaces up to `width` display columns (as str.ljust, by display width)."""
    return text + " " * max(width - display_width(text), 0)


def wrap(text: str, *, width: int, indent: str) -> list[str]:
    """`text` wrapped at `width` display columns, each line starting with `indent` (words kept whole where
    they fit; Hangul counted as two columns)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split(" ")
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if line and display_width(indent + candidate) > width:
                lines.append(indent + line)
                line = word
            else:
                line = candidate
        while display_width(indent + line) > width and len(line) > 1:  # one word longer than the line: cut it
            cut = _fit(line, width - display_width(indent))
            lines.append(indent + line[:cut])
            line = line[cut:]
        lines.append(indent + line)
    return lines


def _fit(text: str, columns: int) -> int:
    """How many characters of `text` fit in `columns` display columns (at least one)."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in ("W", "F") else (0 if unicodedata.combining(char) else 1)
        if used > columns:
            return max(index, 1)
    return len(text)


__all__ = ["display_width", "pad", "wrap"]
