"""Planted copies for the similarity tests: a module disguised as a cheater would: local variables renamed, the
functions in another order, comments changed (docstrings, as given in the starter, kept)."""
from __future__ import annotations

import ast
import re


def disguise(source: str, *, order: str = "reverse") -> str:
    """`source` with each function's local variables renamed, its comments replaced and the top-level functions
    reversed (`order='reverse'`) or rotated by five (`order='rotate'`)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    starts = [n.lineno - 1 - len(n.decorator_list) for n in functions]
    blocks = []
    for index, node in enumerate(functions):
        end = starts[index + 1] if index + 1 < len(functions) else len(lines)
        doc_end = node.body[0].end_lineno if isinstance(node.body[0], ast.Expr) else node.lineno
        head, body = "".join(lines[starts[index]:doc_end]), "".join(lines[doc_end:end])
        params = {a.arg for a in node.args.args + node.args.kwonlyargs}
        stored = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} - params
        for number, name in enumerate(sorted(stored)):
            body = re.sub(rf"\b{re.escape(name)}\b", f"my{number}_{name[::-1]}", body)
        body = re.sub(r"#[^\n\"']*$", "# my own comment", body, flags=re.M)
        blocks.append(head + body.rstrip("\n") + "\n\n\n")
    blocks = list(reversed(blocks)) if order == "reverse" else blocks[5:] + blocks[:5]
    return "".join(lines[:starts[0]]) + "".join(blocks)
