"""Copy a submission folder without following anything: regular files and folders only, bounded."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from autograder.feedback.language import pair

# Left out quietly: caches and the results file a student may have left in the folder.
IGNORED = ("__pycache__", "*.pyc", ".ipynb_checkpoints", "results.json", ".git", ".DS_Store", "__MACOSX")


class IntakeError(Exception):
    """The submission cannot be taken in (a link as the submission, too large, too deep, a bad archive).

    The message is shown to the student: Korean first, English beside it, and what to do."""


@dataclass(frozen=True)
class IntakeLimits:
    """Bounds on what a submission may hold (checked before anything is copied)."""

    max_bytes: int = 50 * 2**20
    max_files: int = 2000
    max_depth: int = 12


@dataclass
class Received:
    """A submission taken in: the plain copy, and what was left out of it (for the report)."""

    root: Path
    dropped: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        """Report notes naming what was left out."""
        if not self.dropped:
            return []
        more = len(self.dropped) - 10
        shown = ", ".join(self.dropped[:10]) + (" " + pair(f"외 {more}개", f"and {more} more") if more > 0 else "")
        return [pair(f"제출물에서 링크나 특수 파일은 채점에 쓰지 않았습니다: {shown}",
                     f"Links and special files of the submission were left out of grading: {shown}")]


def _ignored(name: str) -> bool:
    return any(fnmatch(name, pattern) for pattern in IGNORED)


def _too_large(limits: IntakeLimits) -> IntakeError:
    return IntakeError(pair(f"제출물이 너무 큽니다 ({limits.max_bytes // 2**20} MiB, 파일 {limits.max_files}개까지). "
                            "데이터 파일과 체크포인트는 빼고 코드와 노트북만 제출하세요.",
                            f"The submission is too large (at most {limits.max_bytes // 2**20} MiB in "
                            f"{limits.max_files} files): hand in the code and notebook, without data or checkpoints."))


def _lstat_or_refuse(source: Path) -> os.stat_result:
    """The submission's own status (a link is not followed), or the refusal that it does not exist."""
    try:
        return os.lstat(source)
    except OSError as exc:
        raise IntakeError(pair(f"제출물을 찾을 수 없습니다: {source}", f"No such submission: {source} ({exc.strerror})")) from None


def copy_tree(source: Path, target: Path, *, limits: IntakeLimits = IntakeLimits()) -> Received:
    """Copy the folder `source` into the new folder `target`: regular files and folders only, opened
    without following links (so nothing outside `source` is ever read), within `limits`."""
    info = _lstat_or_refuse(source)
    if stat.S_ISLNK(info.st_mode):
        raise IntakeError(pair(f"제출물 {source.name}이(가) 심볼릭 링크입니다. 링크가 아닌 실제 폴더를 제출하세요.",
                               f"The submission {source.name} is a symbolic link: hand in the folder itself."))
    if not stat.S_ISDIR(info.st_mode):
        raise IntakeError(pair(f"제출물 {source.name}은(는) 폴더가 아닙니다.", f"The submission {source.name} is not a folder."))
    received = Received(root=target)
    counters = {"files": 0, "bytes": 0}
    fd = os.open(source, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        _copy_folder(fd, target, "", received, counters, limits, depth=0)
    finally:
        os.close(fd)
    return received


def _copy_folder(fd: int, target: Path, relative: str, received: Received, counters: dict[str, int],
                 limits: IntakeLimits, *, depth: int) -> None:
    if depth > limits.max_depth:
        raise IntakeError(pair(f"제출물의 폴더가 너무 깊습니다 ({limits.max_depth}단계까지): {relative[:200]}",
                               f"The submission's folders are nested too deeply (at most {limits.max_depth} levels): "
                               f"{relative[:200]}"))
    target.mkdir(mode=0o755)
    with os.scandir(fd) as entries:
        names = sorted(entry.name for entry in entries)
    for name in names:
        if _ignored(name):
            continue
        shown = f"{relative}{name}"
        try:
            info = os.lstat(name, dir_fd=fd)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode):
            counters["files"] += 1
            if counters["files"] > limits.max_files:
                raise _too_large(limits)
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            try:
                _copy_folder(child, target / name, shown + "/", received, counters, limits, depth=depth + 1)
            finally:
                os.close(child)
        elif stat.S_ISREG(info.st_mode):
            counters["files"] += 1
            counters["bytes"] += info.st_size
            if counters["files"] > limits.max_files or counters["bytes"] > limits.max_bytes:
                raise _too_large(limits)
            _copy_file(fd, name, target / name, info.st_size, limits)
        else:
            received.dropped.append(shown + (" (link)" if stat.S_ISLNK(info.st_mode) else " (special file)"))


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
                    raise _too_large(limits)  # it grew while being copied
                out.write(chunk)
    os.chmod(destination, 0o644)


def receive_submission(source: Path, target: Path, *, limits: IntakeLimits = IntakeLimits()) -> Received:
    """Take in `source` (a folder, an archive or a single .py/.ipynb file) as a plain folder at `target`."""
    from autograder.intake.archives import ARCHIVE_SUFFIXES, SINGLE_FILES, unpack_archive

    source = Path(source)
    info = _lstat_or_refuse(source)
    if stat.S_ISREG(info.st_mode):
        lowered = source.name.lower()
        if lowered.endswith(ARCHIVE_SUFFIXES) or lowered.endswith(SINGLE_FILES):
            return unpack_archive(source, target, limits=limits)
        raise IntakeError(pair(f"{source.name}은(는) 채점할 수 있는 제출물이 아닙니다. 폴더, .zip, .tar.gz 또는 .py/.ipynb "
                               "파일을 제출하세요.", f"{source.name} is not a submission the grader can read: hand in a "
                               "folder, a .zip or .tar.gz archive, or the .py/.ipynb file."))
    return copy_tree(source, target, limits=limits)
