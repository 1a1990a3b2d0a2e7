"""A tar stream read header by header before `tarfile` sees any of it: every claim bounded, nothing read whole.

Python's `tarfile` reads a GNU long name (types `L`, `K`) or a pax header (`x`, `X`, `g`) whole, with the size
its header claims, and follows chains of them recursively: a 2 KB archive can make it allocate gigabytes. So
`scan` walks the (decompressed) stream first, 512-byte block by block, the way `tarfile` walks it: extended
headers of at most 64 KiB and at most 4 before one member, pax records well formed, member data skipped in
bounded reads, the whole stream and the members counted. Then `Bounded` hands `tarfile` the same stream, cut
where the scan stopped and read at most 128 KiB at a time, so that whatever `tarfile` makes of it, it reads
nothing the scan did not see.
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import re
import struct
from dataclasses import dataclass
from typing import BinaryIO

from autograder.feedback.language import pair
from autograder.intake.copy import IntakeError, IntakeLimits, too_large

BLOCK = 512
CHUNK = 64 * 1024  # one read of member data
MAX_EXTENDED = 64 * 1024  # one GNU long name or pax header
MAX_EXTENDED_TOTAL = 8 * 2**20  # all of them in one archive (or 1 KiB a member, where more members are allowed)
MAX_CHAIN = 4  # extended headers before one member
MAX_DIGIT_RUN = 128  # digits in a row in a pax header: tarfile's search for `hdrcharset` is quadratic in them
MAX_READ = 2 * CHUNK  # what tarfile may ask for at once (a header, an extended header, a chunk of data)

LONG_TYPES = (b"L", b"K")
PAX_TYPES = (b"x", b"X", b"g")
REGULAR_TYPES = (b"0", b"\0", b"7")
SUPPORTED_TYPES = (b"0", b"\0", b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"L", b"K", b"S")
NUMBER_FIELDS = ((100, 108), (108, 116), (116, 124), (124, 136), (136, 148), (329, 337), (337, 345))
PAX_RECORD = re.compile(rb"([0-9]{1,6}) ")
DIGIT_RUN = re.compile(rb"[0-9]{%d}" % (MAX_DIGIT_RUN + 1))
DECIMAL = re.compile(rb"[0-9]{1,20}")
# Magic numbers of what a tar may be compressed with: read (gzip, bzip2, xz) or refused by name.
GZIP, BZIP2, XZ = b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00"
REFUSED_COMPRESSIONS = ((b"\x28\xb5\x2f\xfd", "Zstandard"), (b"\x1f\x9d", "compress (.Z)"), (b"\x1f\xa0", "LZH"),
                        (b"LZIP", "lzip"), (b"\x04\x22\x4d\x18", "LZ4"), (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
                        (b"Rar!", "RAR"), (b"\x89LZO", "LZO"))


def _refusal(ko: str, en: str) -> IntakeError:
    return IntakeError(pair(f"압축 파일을 풀 수 없습니다: {ko}. 다시 압축해서 제출하세요.",
                            f"The archive could not be unpacked: {en}; make it again and hand it in."))


def decompressed(handle: BinaryIO) -> BinaryIO:
    """The tar stream in `handle` (at its start), decompressed as it is read when it is gzip, bzip2 or xz;
    another compression is refused by name."""
    head = handle.read(BLOCK)
    handle.seek(0)
    if len(head) == BLOCK and valid_header(head):
        return handle  # a plain tar (as tarfile, which tries that first)
    magic = head[:8]
    if magic.startswith(GZIP):
        return gzip.GzipFile(fileobj=handle, mode="rb")
    if magic.startswith(BZIP2):
        return bz2.BZ2File(handle)
    if magic.startswith(XZ):
        return lzma.LZMAFile(handle, format=lzma.FORMAT_XZ)
    for prefix, name in REFUSED_COMPRESSIONS:
        if magic.startswith(prefix):
            raise IntakeError(pair(f"압축 형식({name})을 읽을 수 없습니다. .zip 또는 .tar.gz로 다시 압축해서 제출하세요.",
                                   f"The archive is compressed with {name}, which the grader does not read: make a "
                                   ".zip or .tar.gz and hand it in."))
    return handle


class _Counted:
    """A stream read forward, its bytes counted, never more than `limit` of them."""

    def __init__(self, stream: BinaryIO, *, limit: int, limits: IntakeLimits) -> None:
        self._stream, self._limit, self._limits = stream, limit, limits
        self.position = 0

    def read(self, size: int) -> bytes:
        """Up to `size` bytes (fewer only at the end of the stream), read `CHUNK` at a time."""
        parts = []
        left = size
        while left > 0:
            part = self._stream.read(min(left, CHUNK))
            if not part:
                break
            self.position += len(part)
            if self.position > self._limit:
                raise too_large(self._limits)
            parts.append(part)
            left -= len(part)
        return b"".join(parts)

    def skip(self, size: int) -> int:
        """Read and forget `size` bytes; how many there were."""
        skipped = 0
        while skipped < size:
            part = self.read(min(size - skipped, CHUNK))
            if not part:
                break
            skipped += len(part)
        return skipped


@dataclass(frozen=True)
class Scan:
    """What the scan saw: where `tarfile` is to stop reading, and how many members there are."""

    end: int
    members: int


def number(field: bytes) -> int | None:
    """A tar number field as `tarfile` reads it (octal, or GNU's base-256 with a leading 0x80 or 0xff byte);
    None where `tarfile` would call the header invalid."""
    if field[0] in (0o200, 0o377):
        value = int.from_bytes(field[1:], "big")
        return value - 256 ** (len(field) - 1) if field[0] == 0o377 else value
    try:
        return int(field.split(b"\0", 1)[0].decode("ascii").strip() or "0", 8)
    except ValueError:  # UnicodeDecodeError included
        return None


def valid_header(block: bytes) -> bool:
    """Whether `tarfile` takes the 512-byte `block` as a header: numbers readable and the checksum right."""
    if any(number(block[start:stop]) is None for start, stop in NUMBER_FIELDS):
        return False
    checksum = number(block[148:156])
    unsigned = 256 + sum(struct.unpack_from("148B8x356B", block))
    signed = 256 + sum(struct.unpack_from("148b8x356b", block))
    return checksum in (unsigned, signed)


def pax_records(payload: bytes) -> dict[str, bytes]:
    """The records of a pax header (`"%d %s=%s\\n"`, then zero padding), or a refusal where one is malformed
    (where `tarfile`'s own parser would wander or stop early)."""
    if DIGIT_RUN.search(payload):
        raise _refusal("pax 헤더에 숫자가 너무 길게 이어집니다", "a pax header holds an absurdly long number")
    records: dict[str, bytes] = {}
    position = 0
    while position < len(payload):
        match = PAX_RECORD.match(payload, position)
        if match is None:
            if payload.count(0, position) == len(payload) - position:
                break  # the padding
            raise _refusal("pax 헤더가 올바르지 않습니다", "a pax header is malformed")
        end = position + int(match.group(1))
        record = payload[match.end():end]
        keyword, equals, value = record[:-1].partition(b"=")
        if end > len(payload) or not record.endswith(b"\n") or not keyword or not equals:
            raise _refusal("pax 헤더가 올바르지 않습니다", "a pax header is malformed")
        records[keyword.decode("utf-8", "surrogateescape")] = value
        position = end
    return records


def _pax_size(records: dict[str, bytes], kind: bytes) -> int | None:
    """The member size a pax header sets (None when it sets none); sparse files and a global size refused."""
    if any(key.startswith("GNU.sparse") for key in records):
        raise _refusal("성긴(sparse) 파일은 읽지 않습니다", "sparse files are not read")
    if "size" not in records:
        return None
    if kind == b"g" or not DECIMAL.fullmatch(records["size"]):
        raise _refusal("pax 헤더의 크기가 올바르지 않습니다", "a pax header's size is not a plain number")
    return int(records["size"])


def _blocks(size: int) -> int:
    return -(-size // BLOCK) * BLOCK


def scan(stream: BinaryIO, *, limits: IntakeLimits) -> Scan:
    """Walk the tar stream header by header (see the module's docstring); refuses what is not bounded."""
    reader = _Counted(stream, limit=limits.max_archive_bytes, limits=limits)
    members = extended_total = data_total = 0
    chain: list[bytes] = []
    pax_size: int | None = None
    while True:
        start = reader.position
        block = reader.read(BLOCK)
        zeros = len(block) == BLOCK and block.count(0) == BLOCK
        if zeros or len(block) < BLOCK or not valid_header(block):
            if chain or (start == 0 and not zeros):  # an extended header with no member after it; no tar at all
                raise _refusal("tar 형식이 아니거나 잘렸습니다", "it is not a tar archive, or it is cut short")
            return Scan(end=reader.position, members=members)  # where tarfile stops, as it stops
        kind, size = block[156:157], number(block[124:136]) or 0  # a number: valid_header said so
        if size < 0:
            raise _refusal("tar 헤더의 크기가 음수입니다", "a tar header claims a negative size")
        if kind in LONG_TYPES or kind in PAX_TYPES:
            family = b"x" if kind == b"X" else kind
            if size > MAX_EXTENDED or len(chain) >= MAX_CHAIN or family in chain:
                raise _refusal("tar의 긴 이름이나 pax 헤더가 너무 크거나 많습니다",
                               "a long-name or pax header is too large, or there are too many of them")
            chain.append(family)
            payload = reader.read(_blocks(size))
            extended_total += len(payload)
            if len(payload) < _blocks(size) or extended_total > max(MAX_EXTENDED_TOTAL, limits.max_entries * 1024):
                raise _refusal("tar의 긴 이름이나 pax 헤더가 잘렸거나 너무 많습니다",
                               "long-name or pax headers are cut short, or too many")
            if kind in PAX_TYPES:
                size_set = _pax_size(pax_records(payload), kind)
                pax_size = size_set if size_set is not None else pax_size
            continue
        if kind == b"S":
            raise _refusal("성긴(sparse) 파일은 읽지 않습니다", "sparse files are not read")
        members += 1
        if members > limits.max_entries:
            raise too_large(limits)
        size = pax_size if pax_size is not None else size
        folder = kind == b"\0" and block[:100].split(b"\0", 1)[0].endswith(b"/")
        if (kind in REGULAR_TYPES and not folder) or kind not in SUPPORTED_TYPES:
            data_total += size
            if data_total > limits.max_bytes:
                raise too_large(limits)
            if reader.skip(_blocks(size)) < _blocks(size):
                raise _refusal("tar의 파일 하나가 잘렸습니다", "a member's data is cut short")
        chain, pax_size = [], None


class Bounded:
    """The tar stream as `tarfile` is to read it: forward only, ending where the scan ended (`end`), at most
    `MAX_READ` bytes a read."""

    def __init__(self, stream: BinaryIO, *, end: int) -> None:
        self._stream, self._end = stream, end
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes; nothing past `end`; a read of more than `MAX_READ` is refused."""
        if size is None or size < 0 or size > MAX_READ:
            raise _refusal("tar를 읽는 도중 너무 큰 부분을 만났습니다", "a part of the tar is too large to read")
        size = min(size, self._end - self._position)
        parts = []
        while size > 0:
            part = self._stream.read(size)
            if not part:
                break
            parts.append(part)
            size -= len(part)
            self._position += len(part)
        return b"".join(parts)

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        """Move forward to `offset` (from the start) by reading; going back is refused."""
        if whence != 0 or offset < self._position:
            raise _refusal("tar를 거꾸로 읽을 수 없습니다", "the tar cannot be read backwards")
        while self._position < offset and self.read(min(offset - self._position, CHUNK)):
            pass
        return self._position

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True
