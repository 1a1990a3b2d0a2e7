"""A zip archive's central directory read and counted before `zipfile` sees it.

`zipfile` reads the whole central directory (its list of members) in one read of the size the archive's end
record claims, and makes an object of every entry in it. `directory` finds that record as `zipfile` does
(the zip64 one too), bounds the claimed size and count by the intake's limits and walks the entries,
counting them and their names; `Capped` then hands `zipfile` the file with every read bounded, so a claim
that slipped past cannot make one read larger.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

from autograder.feedback.language import pair
from autograder.intake.copy import IntakeError, IntakeLimits, too_large

END = struct.Struct("<4s4H2LH")  # the end of central directory record
END_SIGNATURE = b"PK\x05\x06"
LOCATOR = struct.Struct("<4sLQL")  # the zip64 end record's locator
LOCATOR_SIGNATURE = b"PK\x06\x07"
END64 = struct.Struct("<4sQ2H2L4Q")  # the zip64 end of central directory record
END64_SIGNATURE = b"PK\x06\x06"
ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # one central directory entry
ENTRY_SIGNATURE = b"PK\x01\x02"
MAX_COMMENT = 1 << 16
UTF8_FLAG = 0x800
MAX_READ_FLOOR = 1 << 17  # reads zipfile makes besides the directory: the end records, a member's local header


def _broken(en: str) -> IntakeError:
    return IntakeError(pair("압축 파일을 풀 수 없습니다: zip 형식이 올바르지 않습니다. 다시 압축해서 제출하세요.",
                            f"The archive could not be unpacked: {en}; make it again and hand it in."))


@dataclass(frozen=True)
class Directory:
    """Where the central directory is (as `zipfile` finds it), its size and how many entries it holds."""

    start: int
    size: int
    entries: int


def _end_record(handle: BinaryIO, file_size: int) -> tuple[tuple, int]:
    """The end record's fields and where it is, found as `zipfile._EndRecData` finds it."""
    if file_size < END.size:
        raise _broken("it is not a zip archive")
    handle.seek(file_size - END.size)
    tail = handle.read(END.size)
    if tail[:4] == END_SIGNATURE and tail[-2:] == b"\0\0":
        return END.unpack(tail), file_size - END.size
    first = max(file_size - MAX_COMMENT - END.size, 0)
    handle.seek(first)
    data = handle.read(file_size - first)
    at = data.rfind(END_SIGNATURE)
    if at < 0 or len(data) - at < END.size:
        raise _broken("it is not a zip archive")
    return END.unpack(data[at:at + END.size]), first + at


def _zip64(handle: BinaryIO, location: int) -> tuple[int, int, int] | None:
    """(entries, size, offset) from the zip64 end record just before `location`, if there is one."""
    if location < LOCATOR.size:
        return None
    handle.seek(location - LOCATOR.size)
    data = handle.read(LOCATOR.size)
    if len(data) != LOCATOR.size:
        return None
    signature, disk, _, disks = LOCATOR.unpack(data)
    if signature != LOCATOR_SIGNATURE:
        return None
    if disk != 0 or disks > 1 or location < LOCATOR.size + END64.size:
        raise _broken("it spans several disks, or its zip64 record is cut short")
    handle.seek(location - LOCATOR.size - END64.size)
    data = handle.read(END64.size)
    if len(data) != END64.size:
        return None
    fields = END64.unpack(data)
    if fields[0] != END64_SIGNATURE:
        return None
    return fields[7], fields[8], fields[9]


def directory(handle: BinaryIO, file_size: int, *, limits: IntakeLimits) -> Directory:
    """The central directory of the zip archive in `handle`, bounded and counted (see the module's docstring)."""
    fields, location = _end_record(handle, file_size)
    entries, size = fields[4], fields[5]
    zip64 = _zip64(handle, location)
    if zip64 is not None:
        entries, size, _ = zip64
    # zipfile places the directory by where the end record is, not by the offset it claims (as `start` here)
    start = location - size - (END64.size + LOCATOR.size if zip64 is not None else 0)
    if start < 0 or size > file_size:
        raise _broken("its list of members lies about its size or place")
    if size > limits.max_directory_bytes or entries > limits.max_entries:
        raise too_large(limits)
    handle.seek(start)
    listing = handle.read(size)
    return Directory(start=start, size=size, entries=_count(listing, size, limits=limits))


def _count(listing: bytes, size: int, *, limits: IntakeLimits) -> int:
    """How many entries `zipfile` will make of the directory `listing`; names that say they are UTF-8 must be."""
    count = position = 0
    while position < size:
        fixed = listing[position:position + ENTRY.size]
        if len(fixed) != ENTRY.size or fixed[:4] != ENTRY_SIGNATURE:
            raise _broken("its list of members is cut short or damaged")
        fields = ENTRY.unpack(fixed)
        flags, name_length, extra_length, comment_length = fields[5], fields[12], fields[13], fields[14]
        name = listing[position + ENTRY.size:position + ENTRY.size + name_length]
        if flags & UTF8_FLAG:
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                raise IntakeError(pair("압축 파일에 UTF-8이라면서 UTF-8이 아닌 이름이 있습니다. 파일 이름을 바꾸고 다시 "
                                       "압축해서 제출하세요.",
                                       "The archive holds a name that says it is UTF-8 but is not: rename the file, "
                                       "make the archive again and hand it in.")) from None
        count += 1
        if count > limits.max_entries:
            raise too_large(limits)
        position += ENTRY.size + name_length + extra_length + comment_length
    return count


class Capped:
    """The archive file as `zipfile` is to read it: every read at most `max_read` bytes."""

    def __init__(self, handle: BinaryIO, *, max_read: int) -> None:
        self._handle, self._max_read = handle, max(max_read, MAX_READ_FLOOR)

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (to the end when `size` is negative); a read of more than `max_read` is refused."""
        if size is None or size < 0:
            here = self._handle.tell()
            size = self._handle.seek(0, 2) - here
            self._handle.seek(here)
        if size > self._max_read:
            raise _broken("a part of it is too large to read")
        return self._handle.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """The intake closes the file itself."""
