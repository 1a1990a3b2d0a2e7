"""Copy a submission folder without following anything: regular files and folders only, bounded.

Also what every part of the intake shares: the refusal (`IntakeError`), the bounds (`IntakeLimits`), what
was taken in (`Received`), names made safe to show (`shown_name`) and `refusals`, which turns any failure
inside the intake into a refusal and removes the partial copy.
"""
from __future__ import annotations

import os
import shutil
import stat
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.feedback.inert import inert
from autograder.feedback.language import pair
from autograder.tree import ignored

# Left out quietly: caches and the results file a student may have left in the folder.
NAME_CHARS = 200  # how much of one name a note or a refusal shows
# A name holding any of these is left out (and named, inert): it could not be shown or used safely later.
UNSAFE_CATEGORIES = ("Cc", "Cs", "Co", "Zl", "Zp")  # controls, lone surrogates (bytes that are not UTF-8), private use
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MAX_NAME_BYTES = 255  # one file or folder name (the file system's own bound)
MAX_PATH_CHARS = 1024  # a whole path inside the submission


class IntakeError(Exception):
    """The submission cannot be taken in (a link as the submission, too large, too deep, a bad archive).

    The message is shown to the student: Korean first, English beside it, and what to do."""


@dataclass(frozen=True)
class IntakeLimits:
    """Bounds on what a submission may hold (checked before anything is copied)."""

    max_bytes: int = 50 * 2**20
    max_files: int = 2000
    max_depth: int = 12

    @property
    def max_entries(self) -> int:
        """Entries an archive or the folders of a submission may list, left-out ones included."""
        return 4 * self.max_files

    @property
    def max_archive_bytes(self) -> int:
        """Bytes of an archive file, and of a tar stream once decompressed: the files plus their headers."""
        return self.max_bytes + self.max_entries * 2048 + 2**20

    @property
    def max_directory_bytes(self) -> int:
        """Bytes of a zip archive's central directory (its list of members)."""
        return self.max_entries * 1024 + 2**20


@dataclass
class Received:
    """A submission taken in: the plain copy, and what was left out of it (for the report)."""

    root: Path
    dropped: list[str] = field(default_factory=list)  # links and special files: "path (link)", inert
    unreadable: list[str] = field(default_factory=list)  # names not UTF-8 or holding control characters, inert

    def notes(self) -> list[str]:
        """Report notes naming what was left out."""
        notes = []
        if self.dropped:
            shown = _listed(self.dropped)
            notes.append(pair(f"제출물에서 링크나 특수 파일은 채점에 쓰지 않았습니다: {shown}",
                              f"Links and special files of the submission were left out of grading: {shown}"))
        if self.unreadable:
            shown = _listed(self.unreadable)
            notes.append(pair(f"이름이 UTF-8이 아니거나 제어 문자가 든 파일은 채점에 쓰지 않았습니다. 이름을 바꿔서 다시 "
                              f"제출하세요: {shown}",
                              f"Files whose names are not UTF-8 or hold control characters were left out of grading; "
                              f"rename them and hand in again: {shown}"))
        return notes


def _listed(items: list[str]) -> str:
    """The first ten of `items` (each inert), and how many more."""
    more = len(items) - 10
    shown = ", ".join(inert(item, max_chars=NAME_CHARS + 20) for item in items[:10])
    return shown + (" " + pair(f"외 {more}개", f"and {more} more") if more > 0 else "")


def shown_name(name: object) -> str:
    """A name from the submission as a report may show it: one line, controls and bad bytes escaped, bounded."""
    return inert(name, max_chars=NAME_CHARS)


def unreadable_name(name: str) -> bool:
    """Whether `name` is not UTF-8 (lone surrogates from undecodable bytes) or holds control characters,
    line separators, private-use characters or bidirectional overrides."""
    return any(unicodedata.category(c) in UNSAFE_CATEGORIES or c in BIDI_CONTROLS for c in name)


def absurd_name(parts: tuple[str, ...]) -> bool:
    """Whether a path (its parts) is longer than any file system keeps."""
    return (sum(len(p) + 1 for p in parts) > MAX_PATH_CHARS
            or any(len(p.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for p in parts))



def too_large(limits: IntakeLimits) -> IntakeError:
    return IntakeError(pair(f"제출물이 너무 큽니다 ({limits.max_bytes // 2**20} MiB, 파일 {limits.max_files}개까지). "
                            "데이터 파일과 체크포인트는 빼고 코드와 노트북만 제출하세요.",
                            f"The submission is too large (at most {limits.max_bytes // 2**20} MiB in "
                            f"{limits.max_files} files): hand in the code and notebook, without data or checkpoints."))


def _exception_text(exc: BaseException) -> str:
    """The exception's text, inert; an OSError's without its file names (the grader's own scratch paths)."""
    try:
        if isinstance(exc, OSError) and exc.strerror:
            return inert(exc.strerror, max_chars=200)
        return inert(exc, max_chars=200)
    except Exception:  # noqa: BLE001 - an exception whose text cannot be made is named by its type alone
        return ""


def _failure(exc: BaseException, *, archive: bool) -> IntakeError:
    """The refusal for a failure that is not already one (a broken archive, a file that vanished, ...)."""
    kind = type(exc).__name__
    if isinstance(exc, (MemoryError, RecursionError)):
        return IntakeError(pair(f"제출물이 너무 크거나 복잡해서 읽을 수 없습니다 ({kind}). 데이터 없이 코드와 노트북만 "
                                "다시 압축해서 제출하세요.",
                                f"The submission is too large or too complex to read ({kind}): hand in the code and "
                                "notebook, archived again, without data."))
    if archive:
        return IntakeError(pair(f"압축 파일을 풀 수 없습니다 ({kind}). 다시 압축해서 제출하세요.",
                                f"The archive could not be unpacked ({kind}: {_exception_text(exc)}); make it again "
                                "and hand it in."))
    return IntakeError(pair(f"제출물을 읽을 수 없습니다 ({kind}). 폴더나 압축 파일을 다시 만들어서 제출하세요.",
                            f"The submission could not be read ({kind}: {_exception_text(exc)}); make the folder or "
                            "archive again and hand it in."))


@contextmanager
def refusals(target: Path, *, archive: bool) -> Iterator[None]:
    """Every failure inside (MemoryError, a decoding or decompression error, ...) as a refusal, `IntakeError`,
    with the partial copy at `target` removed (when the intake made it)."""
    existed = os.path.lexists(target)
    try:
        yield
    except Exception as exc:
        if not existed:
            shutil.rmtree(target, ignore_errors=True)
        if isinstance(exc, IntakeError):
            raise
        raise _failure(exc, archive=archive) from None


def lstat_or_refuse(source: Path) -> os.stat_result:
    """The submission's own status (a link is not followed), or the refusal that it does not exist."""
    try:
        return os.lstat(source)
    except OSError as exc:
        raise IntakeError(pair(f"제출물을 찾을 수 없습니다: {shown_name(source)}",
                               f"No such submission: {shown_name(source)} ({exc.strerror})")) from None


def copy_tree(source: Path, target: Path, *, limits: IntakeLimits = IntakeLimits()) -> Received:
    """Copy the folder `source` into the new folder `target`: regular files and folders only, opened
    without following links (so nothing outside `source` is ever read), within `limits`."""
    source, target = Path(source), Path(target)
    with refusals(target, archive=False):
        info = lstat_or_refuse(source)
        if stat.S_ISLNK(info.st_mode):
            raise IntakeError(pair(f"제출물 {shown_name(source.name)}이(가) 심볼릭 링크입니다. 링크가 아닌 실제 폴더를 "
                                   "제출하세요.",
                                   f"The submission {shown_name(source.name)} is a symbolic link: hand in the folder "
                                   "itself."))
        if not stat.S_ISDIR(info.st_mode):
            raise IntakeError(pair(f"제출물 {shown_name(source.name)}은(는) 폴더가 아닙니다.",
                                   f"The submission {shown_name(source.name)} is not a folder."))
        received = Received(root=target)
        counters = {"files": 0, "bytes": 0, "listed": 0}
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(source, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            _copy_folder(fd, target, "", received, counters, limits, depth=0)
        finally:
            os.close(fd)
    return received


def _listing(fd: int, counters: dict[str, int], limits: IntakeLimits) -> list[str]:
    """The names in the open folder `fd`, sorted; a folder that lists more than the bound is refused."""
    names = []
    with os.scandir(fd) as entries:
        for entry in entries:
            counters["listed"] += 1
            if counters["listed"] > limits.max_entries:
                raise too_large(limits)
            names.append(entry.name)
    return sorted(names)


def _copy_folder(fd: int, target: Path, relative: str, received: Received, counters: dict[str, int],
                 limits: IntakeLimits, *, depth: int) -> None:
    if depth > limits.max_depth:
        raise IntakeError(pair(f"제출물의 폴더가 너무 깊습니다 ({limits.max_depth}단계까지): {shown_name(relative)}",
                               f"The submission's folders are nested too deeply (at most {limits.max_depth} levels): "
                               f"{shown_name(relative)}"))
    target.mkdir(mode=0o755)
    for name in _listing(fd, counters, limits):
        if ignored(name):
            continue
        shown = f"{relative}{name}"
        if unreadable_name(name):
            received.unreadable.append(shown_name(shown))
            continue
        try:
            info = os.lstat(name, dir_fd=fd)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode):
            counters["files"] += 1
            if counters["files"] > limits.max_files:
                raise too_large(limits)
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            try:
                _copy_folder(child, target / name, shown + "/", received, counters, limits, depth=depth + 1)
            finally:
                os.close(child)
        elif stat.S_ISREG(info.st_mode):
            counters["files"] += 1
            counters["bytes"] += info.st_size
            if counters["files"] > limits.max_files or counters["bytes"] > limits.max_bytes:
                raise too_large(limits)
            _copy_file(fd, name, target / name, info.st_size, limits)
        else:
            kind = " (link)" if stat.S_ISLNK(info.st_mode) else " (special file)"
            received.dropped.append(shown_name(shown) + kind)


def _copy_file(folder_fd: int, name: str, destination: Path, size: int, limits: IntakeLimits) -> None:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except OSError:
        return  # replaced by something else since it was listed: left out
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return
        written = 0
        with open(destination, "xb") as out:
            while chunk := handle.read(1 << 20):
                written += len(chunk)
                if written > max(size, 0) + (1 << 20) or written > limits.max_bytes:
                    raise too_large(limits)  # it grew while being copied
                out.write(chunk)
    os.chmod(destination, 0o644)
