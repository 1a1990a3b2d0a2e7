"""One way to walk a file tree and digest it: regular files only (links never followed), caches and
version-control folders left out, in a fixed order. Used wherever a tree's content decides something (a
submission unchanged since its last grading, the answer key and grader behind a cached reference result)."""
from __future__ import annotations

import hashlib
import os
from fnmatch import fnmatch
from pathlib import Path
from typing import Callable, Collection, Iterator

#: Names left out of every walk (and of every submission the intake takes in).
IGNORED = ("__pycache__", "*.pyc", ".ipynb_checkpoints", "results.json", ".git", ".DS_Store", "__MACOSX")


def ignored(name: str) -> bool:
    """Whether a file or folder called `name` is left out (see IGNORED)."""
    return any(fnmatch(name, pattern) for pattern in IGNORED)


def walk_files(root: Path, *, skip: Callable[[str], bool] = ignored) -> Iterator[tuple[str, Path]]:
    """(relative POSIX path, path) of every regular file under `root`, sorted, links and `skip`ped names left
    out. A file `root` is itself the one entry (under its own name)."""
    root = Path(root)
    if root.is_file() and not root.is_symlink():
        yield root.name, root
        return
    for folder, folders, files in os.walk(root, followlinks=False):
        folders[:] = sorted(f for f in folders if not skip(f))
        for name in sorted(files):
            full = Path(folder) / name
            if skip(name) or full.is_symlink() or not full.is_file():
                continue
            yield full.relative_to(root).as_posix(), full


def tree_digest(root: Path, *, suffixes: Collection[str] = ()) -> str:
    """SHA-256 of the tree's relative paths and bytes (only files ending in `suffixes` when given)."""
    digest = hashlib.sha256()
    for relative, path in walk_files(root):
        if suffixes and not relative.endswith(tuple(suffixes)):
            continue
        digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0\0")
    return digest.hexdigest()
