"""Unpack what an LMS or Gradescope delivers (.zip, .tar.gz, .tgz, .tar, a single .py/.ipynb) safely.

Only regular files and folders are created; a member whose path is absolute, climbs out with `..`, is a
link, a device or a pipe is refused or left out; a name that is not UTF-8 or holds control characters is
left out and named (inert). Everything is bounded before it is read: the archive file's own size; a zip's
central directory, its size and count (`zipscan`); a tar stream, decompressed and walked header by header
before `tarfile` sees it (`tarscan`). Sizes are counted as bytes are really written (never trusting an
archive's own header), so a decompression bomb stops at the limit. Any failure is a refusal (`IntakeError`).
"""
from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from autograder.feedback.language import pair
from autograder.intake import tarscan, zipscan
from autograder.tree import ignored
from autograder.intake.copy import (IntakeError, IntakeLimits, Received, too_large, absurd_name, refusals,
                                    shown_name, unreadable_name)

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
SINGLE_FILES = (".py", ".ipynb")
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CHUNK = tarscan.CHUNK  # one read of a member's data
LZMA_CHUNK = 4096  # zipfile decompresses an LZMA read whole: a small one keeps what it makes small
ZIP_METHODS = {9: "Deflate64", 12: "bzip2", 93: "Zstandard", 95: "xz", 97: "WavPack", 98: "PPMd", 99: "AES"}


def _member_path(name: str, *, limits: IntakeLimits) -> PurePosixPath | None:
    """The member's path inside the folder, or None when it is to be left out; refuses escapes."""
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":") or ".." in path.parts:
        raise IntakeError(pair(f"압축 파일에 폴더 밖을 가리키는 경로가 있습니다: {shown_name(name)}",
                               f"The archive holds a path that leads outside its folder: {shown_name(name)}"))
    parts = tuple(p for p in path.parts if p not in ("", "."))
    if not parts or any(ignored(p) for p in parts):
        return None
    if len(parts) > limits.max_depth + 1:
        raise IntakeError(pair(f"압축 파일의 폴더가 너무 깊습니다 ({limits.max_depth}단계까지).",
                               f"The archive's folders are nested too deeply (at most {limits.max_depth} levels)."))
    if absurd_name(parts):
        raise IntakeError(pair(f"압축 파일에 이름이 너무 긴 파일이 있습니다: {shown_name(name)}",
                               f"The archive holds a name that is too long: {shown_name(name)}"))
    return PurePosixPath(*parts)


@contextmanager
def _no_clash(path: PurePosixPath) -> Iterator[None]:
    """A member that lands where another already is (the same name twice, a file and a folder of one name)
    is refused, named."""
    try:
        yield
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        raise IntakeError(pair(f"압축 파일에 같은 이름이 두 번 있거나, 파일과 폴더의 이름이 겹칩니다: {shown_name(path)}. "
                               "다시 압축해서 제출하세요.",
                               f"The archive holds a name twice, or a file and a folder of one name: "
                               f"{shown_name(path)}; make it again and hand it in.")) from None


def _folder(root: Path, path: PurePosixPath) -> None:
    with _no_clash(path):
        (root / path).mkdir(parents=True, exist_ok=True, mode=0o755)


def _write(stream: BinaryIO, root: Path, path: PurePosixPath, counters: dict[str, int], limits: IntakeLimits, *,
           chunk: int = CHUNK) -> None:
    """Write the member `path` under `root` from `stream`, counting files and bytes as they are written."""
    counters["files"] += 1
    if counters["files"] > limits.max_files:
        raise too_large(limits)
    destination = root / path
    with _no_clash(path):
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        out = open(destination, "xb")
    with out:
        while data := stream.read(chunk):
            counters["bytes"] += len(data)
            if counters["bytes"] > limits.max_bytes:
                raise too_large(limits)
            out.write(data)
    destination.chmod(0o644)


def _open_regular(source: Path) -> BinaryIO:
    """`source` opened for reading without following a link; anything but a regular file is refused."""
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise IntakeError(pair(f"제출물 {shown_name(source.name)}은(는) 일반 파일이 아닙니다.",
                               f"The submission {shown_name(source.name)} is not a regular file."))
    return handle


def _make_folder(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.mkdir(mode=0o755)


def unpack_archive(source: Path, target: Path, *, limits: IntakeLimits = IntakeLimits()) -> Received:
    """Unpack the archive (or place the single file) `source` into the new folder `target`.

    Every failure is a refusal (`IntakeError`, Korean and English) and leaves no partial folder behind."""
    source, target = Path(source), Path(target)
    received = Received(root=target)
    with refusals(target, archive=True), _open_regular(source) as handle:
        size = os.fstat(handle.fileno()).st_size
        lowered = source.name.lower()
        if lowered.endswith(SINGLE_FILES):
            _place(handle, size, source.name, received, limits)
        elif size > limits.max_archive_bytes:
            raise too_large(limits)
        elif lowered.endswith(".zip") or handle.read(4) in ZIP_MAGIC:
            _unzip(handle, size, received, limits)
        else:
            _untar(handle, received, limits)
    return received


def _place(handle: BinaryIO, size: int, name: str, received: Received, limits: IntakeLimits) -> None:
    """A single .py/.ipynb file, placed in the new folder under its own name."""
    if size > limits.max_bytes:
        raise too_large(limits)
    if unreadable_name(name) or absurd_name((name,)):
        raise IntakeError(pair(f"파일 이름 {shown_name(name)}을(를) 읽을 수 없습니다 (UTF-8이 아니거나 제어 문자가 있거나 "
                               "너무 깁니다). 이름을 바꿔서 제출하세요.",
                               f"The file name {shown_name(name)} cannot be read (not UTF-8, control characters, or "
                               "too long): rename the file and hand it in."))
    _make_folder(received.root)
    _write(handle, received.root, PurePosixPath(name), {"files": 0, "bytes": 0}, limits)


def _zip_chunk(member: zipfile.ZipInfo) -> int:
    """How much to read of `member` at a time; an encrypted member or an unread compression is refused."""
    if member.flag_bits & 0x1:
        raise IntakeError(pair(f"압축 파일에 암호가 걸린 파일이 있습니다: {shown_name(member.filename)}. 암호 없이 다시 "
                               "압축해서 제출하세요.",
                               f"The archive holds an encrypted file ({shown_name(member.filename)}): make it again "
                               "without a password and hand it in."))
    if member.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return CHUNK
    if member.compress_type == zipfile.ZIP_LZMA:
        return LZMA_CHUNK
    method = ZIP_METHODS.get(member.compress_type, f"#{member.compress_type}")
    raise IntakeError(pair(f"압축 파일이 채점기가 읽지 않는 압축 방식({method})을 씁니다. 일반 zip(Deflate)이나 .tar.gz로 "
                           "다시 압축해서 제출하세요.",
                           f"The archive uses a compression method the grader does not read ({method}): make a "
                           "plain zip (Deflate) or a .tar.gz and hand it in."))


def _unzip(handle: BinaryIO, size: int, received: Received, limits: IntakeLimits) -> None:
    listing = zipscan.directory(handle, size, limits=limits)
    handle.seek(0)
    _make_folder(received.root)
    counters = {"files": 0, "bytes": 0}
    with zipfile.ZipFile(zipscan.Capped(handle, max_read=listing.size)) as archive:  # type: ignore[arg-type]
        members = archive.infolist()
        if len(members) > limits.max_entries:
            raise too_large(limits)
        for member in members:
            path = _member_path(member.filename, limits=limits)
            if path is None:
                continue
            if not 0 <= member.header_offset < size:
                raise IntakeError(pair("압축 파일을 풀 수 없습니다: zip의 목록이 파일 밖을 가리킵니다. 다시 압축해서 제출하세요.",
                                       "The archive could not be unpacked: its list of members points outside the "
                                       "file; make it again and hand it in."))
            if unreadable_name(str(path)):
                received.unreadable.append(shown_name(path))
                continue
            kind = stat.S_IFMT(member.external_attr >> 16)  # 0 when the archiver recorded no Unix file type
            if member.is_dir():
                _folder(received.root, path)
            elif kind and kind != stat.S_IFREG:
                received.dropped.append(shown_name(path) + (" (link)" if stat.S_ISLNK(kind) else " (special file)"))
            else:
                chunk = _zip_chunk(member)
                with archive.open(member) as stream:
                    _write(stream, received.root, path, counters, limits, chunk=chunk)


@contextmanager
def _tar_stream(handle: BinaryIO) -> Iterator[BinaryIO]:
    """The tar stream of the archive `handle`, from its start, decompressed as it is read."""
    handle.seek(0)
    stream = tarscan.decompressed(handle)
    try:
        yield stream
    finally:
        if stream is not handle:
            stream.close()


def _untar(handle: BinaryIO, received: Received, limits: IntakeLimits) -> None:
    with _tar_stream(handle) as stream:
        seen = tarscan.scan(stream, limits=limits)  # bounded before tarfile reads a byte
    _make_folder(received.root)
    counters = {"files": 0, "bytes": 0}
    with _tar_stream(handle) as stream, \
            tarfile.open(fileobj=tarscan.Bounded(stream, end=seen.end), mode="r:",  # type: ignore[call-overload]
                         encoding="utf-8", errors="surrogateescape") as archive:
        count = 0
        for member in archive:
            count += 1
            if count > limits.max_entries:
                raise too_large(limits)
            path = _member_path(member.name, limits=limits)
            if path is None:
                continue
            if unreadable_name(str(path)):
                received.unreadable.append(shown_name(path))
                continue
            if member.isdir():
                _folder(received.root, path)
            elif member.isreg():
                data = archive.extractfile(member)
                if data is not None:
                    with data:
                        _write(data, received.root, path, counters, limits)
            else:
                link = member.issym() or member.islnk()
                received.dropped.append(shown_name(path) + (" (link)" if link else " (special file)"))
