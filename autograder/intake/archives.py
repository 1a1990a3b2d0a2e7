"""Unpack what an LMS or Gradescope delivers (.zip, .tar.gz, .tgz, .tar, a single .py/.ipynb) safely.

Only regular files and folders are created; a member whose path is absolute, climbs out with `..`, is a
link, a device or a pipe is refused or left out; sizes are counted as bytes are really written (never
trusting an archive's own header), so a decompression bomb stops at the limit.
"""
from __future__ import annotations

import shutil
import stat
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from autograder.feedback.language import pair
from autograder.intake.copy import IntakeError, IntakeLimits, Received, _ignored, _too_large

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
SINGLE_FILES = (".py", ".ipynb")


def _member_path(name: str, *, limits: IntakeLimits) -> PurePosixPath | None:
    """The member's path inside the folder, or None when it is to be left out; refuses escapes."""
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":") or ".." in path.parts:
        raise IntakeError(pair(f"압축 파일에 폴더 밖을 가리키는 경로가 있습니다: {name[:200]}",
                               f"The archive holds a path that leads outside its folder: {name[:200]}"))
    parts = [p for p in path.parts if p not in ("", ".")]
    if not parts or any(_ignored(p) for p in parts):
        return None
    if len(parts) > limits.max_depth + 1:
        raise IntakeError(pair(f"압축 파일의 폴더가 너무 깊습니다 ({limits.max_depth}단계까지).",
                               f"The archive's folders are nested too deeply (at most {limits.max_depth} levels)."))
    return PurePosixPath(*parts)


def _write(stream, destination: Path, counters: dict[str, int], limits: IntakeLimits) -> None:  # noqa: ANN001
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    counters["files"] += 1
    if counters["files"] > limits.max_files:
        raise _too_large(limits)
    with open(destination, "xb") as out:
        while chunk := stream.read(1 << 20):
            counters["bytes"] += len(chunk)
            if counters["bytes"] > limits.max_bytes:
                raise _too_large(limits)
            out.write(chunk)
    destination.chmod(0o644)


def unpack_archive(source: Path, target: Path, *, limits: IntakeLimits = IntakeLimits()) -> Received:
    """Unpack the archive (or place the single file) `source` into the new folder `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.mkdir(mode=0o755)
    received = Received(root=target)
    counters = {"files": 0, "bytes": 0}
    name = source.name.lower()
    try:
        if name.endswith(SINGLE_FILES):
            with open(source, "rb") as stream:
                _write(stream, target / source.name, counters, limits)
        elif name.endswith(".zip"):
            _unzip(source, target, received, counters, limits)
        else:
            _untar(source, target, received, counters, limits)
    except IntakeError:
        shutil.rmtree(target, ignore_errors=True)
        raise
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, ValueError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise IntakeError(pair(f"압축 파일을 풀 수 없습니다 ({type(exc).__name__}). 다시 압축해서 제출하세요.",
                               f"The archive could not be unpacked ({type(exc).__name__}: {str(exc)[:200]}); "
                               "make it again and hand it in.")) from None
    return received


def _unzip(source: Path, target: Path, received: Received, counters: dict[str, int], limits: IntakeLimits) -> None:
    with zipfile.ZipFile(source) as archive:
        members = archive.infolist()
        if len(members) > 4 * limits.max_files:
            raise _too_large(limits)
        for member in members:
            path = _member_path(member.filename, limits=limits)
            if path is None:
                continue
            kind = stat.S_IFMT(member.external_attr >> 16)  # 0 when the archiver recorded no Unix file type
            if member.is_dir():
                (target / path).mkdir(parents=True, exist_ok=True, mode=0o755)
            elif kind and kind != stat.S_IFREG:
                mode = kind
                received.dropped.append(f"{path} (link)" if stat.S_ISLNK(mode) else f"{path} (special file)")
            else:
                with archive.open(member) as stream:
                    _write(stream, target / path, counters, limits)


def _untar(source: Path, target: Path, received: Received, counters: dict[str, int], limits: IntakeLimits) -> None:
    with tarfile.open(source, mode="r:*") as archive:
        count = 0
        for member in archive:
            count += 1
            if count > 4 * limits.max_files:
                raise _too_large(limits)
            path = _member_path(member.name, limits=limits)
            if path is None:
                continue
            if member.isdir():
                (target / path).mkdir(parents=True, exist_ok=True, mode=0o755)
            elif member.isreg():
                stream = archive.extractfile(member)
                if stream is not None:
                    with stream:
                        _write(stream, target / path, counters, limits)
            else:
                received.dropped.append(f"{path} (link)" if member.issym() or member.islnk() else f"{path} (special file)")
