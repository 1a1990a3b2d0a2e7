"""Archive fuzzer: seeded mutations of valid handins (.zip, .tar, .tar.gz), each taken in by the intake.

    .venv/bin/python scripts/fuzz_archives.py --count 2000 --seed 1 --jobs 2 --out fuzz-archives.json
    .venv/bin/python scripts/fuzz_archives.py --count 200 --seed 1 --grade 5   # and 5 graded end to end

Each case packs the answer key (solutions/pytorch_tensor, solutions/image_classification) as a handin in
one of a few layouts (the assignment's folder, wrapped in another folder, both assignments, loose files) and
formats (zip deflated or stored, tar, tar.gz), then applies one to three seeded mutations: bytes flipped,
inserted or deleted; size and type fields changed (octal, base-256, negative, garbage); pax and GNU
long-name headers with lying sizes, chains of them; names of random bytes or control characters; members
turned into links, devices and fifos; archives nested in archives; duplicate members; absurd member counts,
depths and name lengths; a zip's end record, central directory or local headers lying; other compressions;
bombs (a .tar.gz of a megabyte whose long-name header holds a gigabyte of zeros, a bzip2 zip member of 512 MiB).
Each case is taken in by `autograder.intake.receive_submission` in a worker process. What is counted, and
what must hold:

* taken in / refused (`IntakeError`): either is fine, as long as a refusal is bilingual and leaves no copy,
  and a copy holds only folders and regular files with readable names, and every note is inert;
* tracebacks: any other exception (must be 0), and violations of the above (must be 0);
* peak memory: the worker's peak resident memory (VmHWM, reset before each case through
  /proc/self/clear_refs) above its level before the case, at most --max-peak-mib (default 300).

With --grade K, K of the cases (half taken in, half refused where there are) are also graded end to end
through the CLI (`autograder grade CASE --assignment pytorch_tensor --results R.json --quiet`): the exit code
must be 0, 1 or 2 (never 4, never a traceback) and R.json valid JSON.

Exit code 1 when any traceback, violation, peak over the bound or bad grading happened.
"""
from __future__ import annotations

import argparse
import bz2
import functools
import gc
import gzip
import io
import json
import lzma
import os
import random
import resource
import shutil
import stat
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import traceback
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.assignments import all_assignments  # noqa: E402 - torch-free

ASSIGNMENTS = {a.name: (f"{a.module}.py", *a.trusted_files, a.notebook) for a in all_assignments()}
FORMATS = ("zip", "zip-stored", "tar", "tar.gz")
LAYOUTS = ("assignment", "wrapped", "both", "flat")
DEFAULT_PEAK_MIB = 300
WORKER_ADDRESS_SPACE = 4 * 2**30  # above the worker's start: a hole shows as a MemoryError, not a dead machine
GRADE_SECONDS = 600  # a guard against a hung grading, not a timing check
UNSAFE_CATEGORIES = ("Cc", "Cs", "Co", "Zl", "Zp")
MIB = 2**20


# --- members and packing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One archive member: its name (str, or bytes taken as they are), data and kind."""

    name: str | bytes
    data: bytes = b""
    kind: str = "file"  # file, dir, symlink, hardlink, chardev, blockdev, fifo, contiguous, unknown
    target: str = ""  # a link's target


@dataclass(frozen=True)
class Case:
    """One fuzz case: how it was made (for the report) and its bytes."""

    index: int
    fmt: str
    layout: str
    suffix: str
    mutations: tuple[str, ...]
    data: bytes = field(repr=False, default=b"")

    @property
    def description(self) -> str:
        return f"{self.fmt}/{self.layout}{self.suffix}: {', '.join(self.mutations)}"


@functools.cache
def answer_key() -> dict[str, tuple[tuple[str, bytes], ...]]:
    """The answer key's files, per assignment (read once per process)."""
    return {a: tuple((f, (REPO / "solutions" / a / f).read_bytes()) for f in files) for a, files in ASSIGNMENTS.items()}


def base_members(layout: str, rng: random.Random) -> list[Member]:
    """The answer key as a handin in `layout`, folders listed as members or not."""
    key = answer_key()
    chosen = list(ASSIGNMENTS) if layout == "both" else [rng.choice(list(ASSIGNMENTS))]
    prefix = "hw1/" if layout == "wrapped" else ""
    members = []
    for assignment in chosen:
        folder = "" if layout == "flat" else f"{prefix}{assignment}/"
        if folder and rng.random() < 0.5:
            members.append(Member(folder, kind="dir"))
        members += [Member(folder + name, data) for name, data in key[assignment]]
    return members


def _text_name(name: str | bytes) -> str:
    return name if isinstance(name, str) else name.decode("utf-8", "surrogateescape")


TAR_KINDS = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
             "chardev": tarfile.CHRTYPE, "blockdev": tarfile.BLKTYPE, "fifo": tarfile.FIFOTYPE,
             "contiguous": tarfile.CONTTYPE, "unknown": b"Z"}
ZIP_KINDS = {"file": stat.S_IFREG, "dir": stat.S_IFDIR, "symlink": stat.S_IFLNK, "hardlink": stat.S_IFREG,
             "chardev": stat.S_IFCHR, "blockdev": stat.S_IFBLK, "fifo": stat.S_IFIFO, "contiguous": stat.S_IFSOCK,
             "unknown": 0o170000}


def pack_tar(members: list[Member], rng: random.Random) -> bytes:
    """An uncompressed tar of `members`, in GNU or pax format (names of any bytes kept as they are)."""
    buffer = io.BytesIO()
    tar_format = rng.choice([tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
    with tarfile.open(fileobj=buffer, mode="w", format=tar_format, encoding="utf-8", errors="surrogateescape") as out:
        for member in members:
            info = tarfile.TarInfo(_text_name(member.name))
            info.type = TAR_KINDS[member.kind]
            info.mode = 0o755 if member.kind == "dir" else 0o644
            info.linkname = member.target
            carries_data = member.kind in ("file", "contiguous", "unknown")
            info.size = len(member.data) if carries_data else 0
            out.addfile(info, io.BytesIO(member.data) if carries_data else None)
    return buffer.getvalue()


def pack_zip(members: list[Member], rng: random.Random, *, stored: bool) -> bytes:
    """A zip of `members` (a name of bytes that are not UTF-8 is read as cp437, as zip readers do)."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    level = None if stored else rng.choice([1, 6, 9])
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression=method, compresslevel=level) as out:
        warnings.simplefilter("ignore")  # duplicate names are one of the mutations
        for member in members:
            name = _zip_name(member.name)
            if member.kind == "dir" and not name.endswith("/"):
                name += "/"
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            info.external_attr = (ZIP_KINDS[member.kind] | (0o755 if member.kind == "dir" else 0o644)) << 16
            out.writestr(info, member.target.encode() if member.kind == "symlink" else member.data)
    return buffer.getvalue()


def _zip_name(name: str | bytes) -> str:
    """The name zipfile is to write: UTF-8 where the bytes are UTF-8, else read as cp437 (as zip readers do)."""
    raw = name if isinstance(name, bytes) else name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp437")


# --- mutations: structural (on the members) ----------------------------------------------------------------


def _gzip(data: bytes, compresslevel: int = 9) -> bytes:
    """`data` gzipped, the header's time fixed (a seeded case is the same bytes every time)."""
    return gzip.compress(data, compresslevel=compresslevel, mtime=0)


def _random_bytes(rng: random.Random, low: int, high: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(rng.randint(low, high)))


def _pick(members: list[Member], rng: random.Random) -> int:
    return rng.randrange(len(members)) if members else -1


def m_random_name(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """A member's name, or one part of it, becomes random bytes."""
    at = _pick(members, rng)
    if at < 0:
        return members
    parts = _text_name(members[at].name).encode("utf-8", "surrogateescape").split(b"/")
    parts[rng.randrange(len(parts))] = _random_bytes(rng, 1, 40).replace(b"\0", b"_")
    members[at] = replace(members[at], name=b"/".join(parts))
    return members


def m_hostile_name(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """A member's name gains a line break, an escape sequence, a bidi override, a pair mark or a report line."""
    at = _pick(members, rng)
    if at < 0:
        return members
    name = _text_name(members[at].name)
    bad = rng.choice(["\n", "\r", "\x1b[2J", "\u202e", "\u2028", "\ue000", "\x07", "\n  [PASS] TODO 1   30 / 30\n",
                      "\udcff", "\x7f", "\u200f", "\t"])
    cut = rng.randrange(len(name) + 1)
    members[at] = replace(members[at], name=name[:cut] + bad + name[cut:])
    return members


def m_special_member(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """A member becomes a link (to the answer key, or out of the folder), a device, a fifo or another kind."""
    at = _pick(members, rng)
    if at < 0:
        return members
    kind = rng.choice(["symlink", "hardlink", "chardev", "blockdev", "fifo", "contiguous", "unknown", "dir"])
    target = rng.choice([str(REPO / "solutions" / "pytorch_tensor" / "tensor_basics.py"), "../../etc/passwd",
                         "/etc/shadow", _text_name(members[at].name)])
    members[at] = replace(members[at], kind=kind, target=target)
    return members


def m_nested_archive(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """An archive of the handin becomes one of its members (named as the module, sometimes)."""
    inner_members = base_members(rng.choice(LAYOUTS), rng)
    inner = pack_zip(inner_members, rng, stored=False) if rng.random() < 0.5 else _gzip(pack_tar(inner_members, rng))
    name = rng.choice(["pytorch_tensor/tensor_basics.py", "inner.zip", "pytorch_tensor/inner.tar.gz", "hw.tgz"])
    members.append(Member(name, inner))
    return members


def m_duplicate(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """A member twice (other data), a folder with a file's name, or a file inside a file."""
    at = _pick(members, rng)
    if at < 0:
        return members
    name = _text_name(members[at].name).rstrip("/")
    how = rng.choice(["twice", "folder", "inside"])
    if how == "twice":
        members.insert(rng.randrange(len(members) + 1), Member(name, b"x = 2\n"))
    elif how == "folder":
        members.append(Member(name + "/", kind="dir"))
    else:
        members.append(Member(name + "/inner.py", b"y = 1\n"))
    return members


def m_many_members(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """Tens to thousands of empty members (past the bound, sometimes), in folders or left-out ones."""
    count = rng.choice([30, 300, 2100, 8100])
    folder = rng.choice(["many", "__MACOSX", "pytorch_tensor/__pycache__", "hw1/pytorch_tensor/deep"])
    return members + [Member(f"{folder}/f{i}.txt", b"") for i in range(count)]


def m_deep_path(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """A member nested 5 to 80 folders deep."""
    depth = rng.choice([5, 12, 13, 14, 40, 80])
    return members + [Member("/".join(["d"] * depth) + "/x.py", b"x = 1\n")]


def m_long_name(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """A name with a part of 100 to 5000 characters, or a path of many long parts."""
    if rng.random() < 0.5:
        return members + [Member("pytorch_tensor/" + "n" * rng.choice([100, 255, 256, 1000, 5000]) + ".py", b"")]
    return members + [Member("/".join(["p" * rng.choice([50, 200, 255])] * rng.randint(2, 12)) + "/x.py", b"")]


def m_escape(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """A member whose path leaves the folder."""
    name = rng.choice(["../escape.py", "/tmp/escape.py", "a/../../escape.py", "C:\\escape.py", "..\\escape.py",
                       "pytorch_tensor/../../escape.py", "./../escape.py"])
    return members + [Member(name, b"escaped = True\n")]


def m_ignored(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """Caches, resource forks and a results file, as students leave them."""
    return members + [Member(name, _random_bytes(rng, 0, 200)) for name in
                      rng.sample(["__MACOSX/pytorch_tensor/._tensor_basics.py", "pytorch_tensor/__pycache__/x.pyc",
                                  ".git/config", "pytorch_tensor/results.json", ".DS_Store",
                                  "pytorch_tensor/.ipynb_checkpoints/x.ipynb"], 3)]


def m_big_member(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """A member of zeros, 1 MiB to past the 50 MiB bound (compressed formats only; small in a plain tar)."""
    size = rng.choice([1, 8, 49, 51, 70]) * MIB if fmt in ("zip", "tar.gz") else rng.choice([64 * 1024, MIB])
    return members + [Member("pytorch_tensor/data.bin", bytes(size))]


def m_empty(members: list[Member], rng: random.Random, fmt: str) -> list[Member]:
    """No members at all, or only folders."""
    return [m for m in members if m.kind == "dir"] if rng.random() < 0.5 else []


STRUCTURAL: dict[str, Callable[[list[Member], random.Random, str], list[Member]]] = {
    "random-name": m_random_name, "hostile-name": m_hostile_name, "special-member": m_special_member,
    "nested-archive": m_nested_archive, "duplicate": m_duplicate, "many-members": m_many_members,
    "deep-path": m_deep_path, "long-name": m_long_name, "escape": m_escape, "ignored": m_ignored,
    "big-member": m_big_member, "empty": m_empty,
}


# --- mutations: a tar's headers ----------------------------------------------------------------------------


def _octal(value: int, width: int = 12) -> bytes:
    return (b"%0*o" % (width - 1, value))[-(width - 1):] + b"\0"


def _base256(value: int, width: int = 12) -> bytes:
    if value < 0:
        return b"\xff" + (256 ** (width - 1) + value).to_bytes(width - 1, "big")
    return b"\x80" + value.to_bytes(width - 1, "big")


def _fix_checksum(block: bytearray) -> None:
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\0 " % sum(block)


def _tar_number(field: bytes) -> int:
    from autograder.intake.tarscan import number

    value = number(field)
    return value if value is not None and 0 <= value < 2**40 else 0


def tar_headers(data: bytes) -> list[int]:
    """Where the headers of the tar `data` start (walked simply: sizes taken as they are)."""
    offsets, offset = [], 0
    while offset + 512 <= len(data) and data[offset:offset + 512].count(0) != 512:
        offsets.append(offset)
        kind = data[offset + 156:offset + 157]
        size = _tar_number(data[offset + 124:offset + 136])
        has_data = kind in (b"0", b"\0", b"7", b"L", b"K", b"x", b"g", b"X", b"Z")
        offset += 512 + (-(-size // 512) * 512 if has_data else 0)
    return offsets


def _size_field(rng: random.Random, honest: int) -> bytes:
    return rng.choice([
        _octal(rng.randrange(0, 16)), _octal(honest + rng.choice([-513, -1, 1, 512, 4096])),
        _octal(rng.choice([2**30, 2**33 - 1, 50 * MIB + 1])), _base256(rng.choice([2**31, 2**40, 2**88 - 1])),
        _base256(-rng.choice([1, 512, 2**40])), _random_bytes(rng, 12, 12), b" " * 12, b"\0" * 12,
        b"0x1F\0\0\0\0\0\0\0\0", b"1_000\0\0\0\0\0\0\0", b"\x80" + b"\0" * 11])


def _header(name: bytes, size_field: bytes, kind: bytes) -> bytes:
    block = bytearray(512)
    block[0:len(name[:100])] = name[:100]
    block[100:124] = b"0000644\0" + b"0000000\0" * 2
    block[124:136] = size_field
    block[136:148] = b"00000000000\0"
    block[156:157] = kind
    block[257:265] = b"ustar\x0000"
    _fix_checksum(block)
    return bytes(block)


def _padded(payload: bytes) -> bytes:
    return payload + b"\0" * (-len(payload) % 512)


def _pax_payload(rng: random.Random) -> bytes:
    records = []
    for _ in range(rng.randint(1, 4)):
        key, value = rng.choice([
            (b"size", str(rng.choice([0, 6, 4096, 2**31, 10**30])).encode()), (b"size", b"-5"), (b"size", b"12abc"),
            (b"path", _random_bytes(rng, 1, 60).replace(b"\n", b"_")), (b"path", b"pytorch_tensor/tensor_basics.py"),
            (b"path", b"../escape.py"), (b"linkpath", b"/etc/passwd"), (b"hdrcharset", b"BINARY"),
            (b"GNU.sparse.major", b"1"), (b"GNU.sparse.map", b"0,10,20,30"), (b"mtime", b"9" * rng.choice([10, 500])),
            (b"comment", b"7" * rng.choice([100, 5000])), (b"uid", b"notanumber")])
        text = b" " + key + b"=" + value + b"\n"
        length = len(text) + 1
        while len(text) + len(str(length)) != length:
            length = len(text) + len(str(length))
        records.append(str(length + rng.choice([0, 0, 0, -1, 1, -5])).encode() + text)
    payload = b"".join(records)
    return payload if rng.random() < 0.9 else payload + _random_bytes(rng, 1, 100)


def _insert_at_header(data: bytes, rng: random.Random, extra: bytes) -> bytes:
    offsets = tar_headers(data) or [0]
    at = rng.choice(offsets)
    return data[:at] + extra + data[at:]


def t_size(data: bytes, rng: random.Random) -> bytes:
    """A header's size field set to a lie (octal, base-256, negative, garbage), its checksum mostly fixed."""
    offsets = tar_headers(data)
    if not offsets:
        return data
    at = rng.choice(offsets)
    block = bytearray(data[at:at + 512])
    block[124:136] = _size_field(rng, _tar_number(bytes(block[124:136])))
    if rng.random() < 0.9:
        _fix_checksum(block)
    return data[:at] + bytes(block) + data[at + 512:]


def t_type(data: bytes, rng: random.Random) -> bytes:
    """A header's type changed (links, devices, fifos, extended headers, sparse, volume labels, unknown)."""
    offsets = tar_headers(data)
    if not offsets:
        return data
    at = rng.choice(offsets)
    block = bytearray(data[at:at + 512])
    block[156:157] = bytes([rng.choice(b"0123456789LKxXgSVMNDZ\0")])
    _fix_checksum(block)
    return data[:at] + bytes(block) + data[at + 512:]


def t_pax(data: bytes, rng: random.Random) -> bytes:
    """A pax header (x, g or X) before a member: random records, its own size true or a lie."""
    payload = _pax_payload(rng)
    claimed = rng.choice([_octal(len(payload))] * 6 + [_octal(len(payload) + 700), _octal(max(len(payload) - 3, 0)),
                                                      _base256(2**31), _base256(2**33), _octal(2**30)])
    return _insert_at_header(data, rng, _header(b"PaxHeader", claimed, rng.choice(b"xxxgX").to_bytes(1, "big"))
                             + _padded(payload))


def t_long_name(data: bytes, rng: random.Random) -> bytes:
    """A GNU long name or long link header before a member: its size true, a lie, or gigabytes."""
    payload = rng.choice([b"pytorch_tensor/tensor_basics.py\0", b"a" * rng.choice([100, 5000, 70_000]),
                          _random_bytes(rng, 1, 300), b"../../escape.py\0"])
    claimed = rng.choice([_octal(len(payload))] * 4 + [_octal(len(payload) + 1000), _base256(2**30), _base256(2**40),
                                                      _octal(2**33 - 1), _base256(-1)])
    return _insert_at_header(data, rng, _header(b"././@LongLink", claimed, rng.choice([b"L", b"K"]))
                             + _padded(payload))


def t_chain(data: bytes, rng: random.Random) -> bytes:
    """A chain of 2 to 3000 extended headers before one member."""
    links = []
    for _ in range(rng.choice([2, 3, 5, 50, 3000])):
        if rng.random() < 0.5:
            links.append(_header(b"././@LongLink", _octal(10), b"L") + _padded(b"a" * 10))
        else:
            links.append(_header(b"PaxHeader", _octal(12), b"x") + _padded(b"12 path=abc\n"))
    return _insert_at_header(data, rng, b"".join(links))


def t_header_bytes(data: bytes, rng: random.Random) -> bytes:
    """Bytes flipped inside one header block (name, mode, size, type, magic, prefix), its checksum fixed or not."""
    offsets = tar_headers(data)
    if not offsets:
        return data
    at = rng.choice(offsets)
    block = bytearray(data[at:at + 512])
    for _ in range(rng.randint(1, 8)):
        block[rng.randrange(512)] = rng.randrange(256)
    if rng.random() < 0.5:
        _fix_checksum(block)
    return data[:at] + bytes(block) + data[at + 512:]


def t_end(data: bytes, rng: random.Random) -> bytes:
    """The end of the archive: zero blocks removed, garbage after them, or a zero block in the middle."""
    how = rng.choice(["strip", "garbage", "zero"])
    if how == "strip":
        return data.rstrip(b"\0")
    if how == "garbage":
        return data + _random_bytes(rng, 1, 4096)
    return _insert_at_header(data, rng, b"\0" * 512)


TAR_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "tar-size": t_size, "tar-type": t_type, "tar-pax": t_pax, "tar-long-name": t_long_name, "tar-chain": t_chain,
    "tar-header-bytes": t_header_bytes, "tar-end": t_end,
}


# --- mutations: a zip's records ----------------------------------------------------------------------------

CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
LOCAL = struct.Struct("<4s5H3L2H")
END = struct.Struct("<4s4H2LH")


def zip_entries(data: bytes) -> tuple[int, list[int]]:
    """Where the end record is, and where each central directory entry starts."""
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + END.size > len(data):
        return -1, []
    fields = END.unpack(data[end:end + END.size])
    offsets, position = [], max(end - fields[5], 0)
    while position + CENTRAL.size <= end and data[position:position + 4] == b"PK\x01\x02":
        offsets.append(position)
        entry = CENTRAL.unpack(data[position:position + CENTRAL.size])
        position += CENTRAL.size + entry[12] + entry[13] + entry[14]
    return end, offsets


def _lie(rng: random.Random, value: int, bits: int) -> int:
    top = 2**bits - 1
    return rng.choice([0, 1, top, top - 1, max(value - 1, 0), min(value + 1, top), min(value * 2, top),
                       rng.randrange(top + 1)])


def z_end(data: bytes, rng: random.Random) -> bytes:
    """A field of the end record (entries, directory size or offset, comment length) set to a lie."""
    end, _ = zip_entries(data)
    if end < 0:
        return data
    fields = list(END.unpack(data[end:end + END.size]))
    index = rng.choice([1, 2, 3, 4, 5, 6, 7])
    fields[index] = _lie(rng, fields[index], 16 if index in (1, 2, 3, 4, 7) else 32)
    return data[:end] + END.pack(*fields) + data[end + END.size:]


def z_central(data: bytes, rng: random.Random) -> bytes:
    """A field of one central directory entry set to a lie: method, flags, sizes, name or extra length, offset."""
    _, offsets = zip_entries(data)
    if not offsets:
        return data
    at = rng.choice(offsets)
    fields = list(CENTRAL.unpack(data[at:at + CENTRAL.size]))
    index = rng.choice([3, 5, 6, 6, 9, 10, 11, 12, 13, 14, 17, 18])
    if index == 6:
        fields[6] = rng.choice([0, 8, 12, 14, 9, 93, 95, 98, 99, 7, 65535])
    elif index == 5:
        fields[5] = fields[5] ^ rng.choice([0x1, 0x8, 0x20, 0x40, 0x800])
    else:
        fields[index] = _lie(rng, fields[index], 8 if index == 3 else 16 if 12 <= index <= 14 else 32)
    return data[:at] + CENTRAL.pack(*fields) + data[at + CENTRAL.size:]


def z_local(data: bytes, rng: random.Random) -> bytes:
    """A field of one local header set to a lie (flags, method, sizes, name or extra length)."""
    _, offsets = zip_entries(data)
    if not offsets:
        return data
    entry = CENTRAL.unpack(data[rng.choice(offsets):][:CENTRAL.size])
    at = entry[18]
    if at + LOCAL.size > len(data) or data[at:at + 4] != b"PK\x03\x04":
        return data
    fields = list(LOCAL.unpack(data[at:at + LOCAL.size]))
    index = rng.choice([2, 3, 6, 7, 8, 9, 10])
    fields[index] = _lie(rng, fields[index], 32 if 6 <= index <= 8 else 16)
    return data[:at] + LOCAL.pack(*fields) + data[at + LOCAL.size:]


def z_raw_name(data: bytes, rng: random.Random) -> bytes:
    """One member's name bytes replaced by random bytes of the same length (directory and local header), its
    UTF-8 flag set or cleared."""
    _, offsets = zip_entries(data)
    if not offsets:
        return data
    at = rng.choice(offsets)
    fields = list(CENTRAL.unpack(data[at:at + CENTRAL.size]))
    length, local = fields[12], fields[18]
    name = bytes(rng.choice([rng.randrange(256), 0xFF, 0xE9, ord("/")]) for _ in range(length))
    flag = rng.choice([0, 0x800])
    fields[5] = (fields[5] & ~0x800) | flag
    out = bytearray(data)
    out[at:at + CENTRAL.size] = CENTRAL.pack(*fields)
    out[at + CENTRAL.size:at + CENTRAL.size + length] = name
    if local + LOCAL.size + length <= len(out) and out[local:local + 4] == b"PK\x03\x04":
        local_fields = list(LOCAL.unpack(bytes(out[local:local + LOCAL.size])))
        local_fields[2] = (local_fields[2] & ~0x800) | flag
        out[local:local + LOCAL.size] = LOCAL.pack(*local_fields)
        out[local + LOCAL.size:local + LOCAL.size + length] = name
    return bytes(out)


def z_zip64(data: bytes, rng: random.Random) -> bytes:
    """A zip64 end record and locator before the end record, with values true or absurd."""
    end, _ = zip_entries(data)
    if end < 0:
        return data
    fields = list(END.unpack(data[end:end + END.size]))
    count = rng.choice([fields[4], 2**40, 2**64 - 1])
    size = rng.choice([fields[5], 2**33, 2**64 - 1])
    offset = rng.choice([fields[6], 2**40])
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", rng.choice([0, 0, 1]), end, rng.choice([1, 1, 2]))
    fields[3:7] = [0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF]
    return data[:end] + record + locator + END.pack(*fields) + data[end + END.size:]


def z_comment(data: bytes, rng: random.Random) -> bytes:
    """An archive comment holding a false end record, its length true or not."""
    end, _ = zip_entries(data)
    if end < 0:
        return data
    comment = _random_bytes(rng, 0, 100) + END.pack(b"PK\x05\x06", 0, 0, 5, 5, 1000, 10, 0) + _random_bytes(rng, 0, 50)
    fields = list(END.unpack(data[end:end + END.size]))
    fields[7] = rng.choice([len(comment), 0, 65535])
    return data[:end] + END.pack(*fields) + comment


ZIP_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "zip-end": z_end, "zip-central": z_central, "zip-local": z_local, "zip-raw-name": z_raw_name,
    "zip-zip64": z_zip64, "zip-comment": z_comment,
}


# --- mutations: the final bytes ----------------------------------------------------------------------------


def b_flip(data: bytes, rng: random.Random) -> bytes:
    """1 to 32 bytes set to random values."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 32)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def b_insert(data: bytes, rng: random.Random) -> bytes:
    """1 to 1000 random bytes inserted somewhere."""
    at = rng.randrange(len(data) + 1)
    return data[:at] + _random_bytes(rng, 1, 1000) + data[at:]


def b_delete(data: bytes, rng: random.Random) -> bytes:
    """A range of 1 to 2000 bytes removed."""
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[at + rng.randint(1, 2000):]


def b_truncate(data: bytes, rng: random.Random) -> bytes:
    """The archive cut short anywhere."""
    return data[:rng.randrange(len(data) + 1)]


def b_append(data: bytes, rng: random.Random) -> bytes:
    """Garbage after the archive."""
    return data + _random_bytes(rng, 1, 5000)


BYTE_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": b_flip, "insert": b_insert, "delete": b_delete, "truncate": b_truncate, "append": b_append,
}


def compress_tar(tar: bytes, fmt: str, rng: random.Random, *, fast: bool) -> tuple[bytes, str]:
    """The tar as the format wants it (and, sometimes, compressed otherwise); the compression's name."""
    level = 1 if fast else rng.choice([1, 6, 9])
    choice = "none" if fmt == "tar" and rng.random() < 0.9 else "gzip" if fmt == "tar.gz" and rng.random() < 0.75 else \
        rng.choice(["gzip", "gzip-twice", "gzip-members", "xz", "bzip2", "zstd-magic", "none"])
    if choice == "none":
        return tar, choice
    if choice == "gzip":
        return _gzip(tar, compresslevel=level), choice
    if choice == "gzip-twice":
        return _gzip(_gzip(tar, compresslevel=level), compresslevel=level), choice
    if choice == "gzip-members":
        cut = rng.randrange(len(tar) + 1)
        return _gzip(tar[:cut], compresslevel=level) + _gzip(tar[cut:], compresslevel=level), choice
    if choice == "xz":
        return lzma.compress(tar, preset=0 if fast else 1), choice
    if choice == "bzip2":
        return bz2.compress(tar, compresslevel=1), choice
    return b"\x28\xb5\x2f\xfd" + tar[:1000], choice


# --- bombs: small archives that inflate to gigabytes --------------------------------------------------------


@functools.cache
def _gzip_zeros_mib() -> bytes:
    """One gzip member of 1 MiB of zeros (repeated, a stream of any size in zeros, made in no time)."""
    return _gzip(bytes(MIB), compresslevel=9)


@functools.cache
def _bzip2_zeros(mib: int) -> bytes:
    """`mib` MiB of zeros as one bzip2 stream (a few hundred bytes; made once per worker, ~3 s for 512)."""
    compressor = bz2.BZ2Compressor(9)
    return b"".join(compressor.compress(bytes(64 * MIB)) for _ in range(mib // 64)) + compressor.flush()


def tar_bomb(tar: bytes, rng: random.Random) -> bytes:
    """The tar, gzipped, with a GNU long name or pax header before one member claiming 256 MiB to 1 GiB and
    holding as many zeros (a .tar.gz of about a megabyte)."""
    mib = rng.choice([256, 512, 1024])
    header = _header(b"././@LongLink", _octal(mib * MIB), rng.choice([b"L", b"K", b"x", b"g"]))
    at = rng.choice(tar_headers(tar) or [0])
    return _gzip(tar[:at] + header) + _gzip_zeros_mib() * mib + _gzip(tar[at:])


def zip_bzip2_bomb(data: bytes, rng: random.Random) -> bytes:
    """The member "pytorch_tensor/bomb.bin" (stored with a bzip2 stream of 512 MiB of zeros as its bytes)
    turned into a bzip2 member of that size."""
    _, offsets = zip_entries(data)
    out = bytearray(data)
    for at in offsets:
        fields = list(CENTRAL.unpack(bytes(out[at:at + CENTRAL.size])))
        if out[at + CENTRAL.size:at + CENTRAL.size + fields[12]] != b"pytorch_tensor/bomb.bin":
            continue
        fields[6], fields[11] = 12, 512 * MIB
        out[at:at + CENTRAL.size] = CENTRAL.pack(*fields)
        local = fields[18]
        local_fields = list(LOCAL.unpack(bytes(out[local:local + LOCAL.size])))
        local_fields[3], local_fields[8] = 12, 512 * MIB
        out[local:local + LOCAL.size] = LOCAL.pack(*local_fields)
    return bytes(out)


# --- making a case -----------------------------------------------------------------------------------------

WEIGHTS = {**{name: 3 for name in STRUCTURAL}, "big-member": 1, "empty": 1, "many-members": 1,
           **{name: 4 for name in TAR_MUTATIONS}, **{name: 4 for name in ZIP_MUTATIONS},
           **{name: 3 for name in BYTE_MUTATIONS}, "tar-bomb": 1, "zip-bzip2-bomb": 1, "none": 2}


def make_case(seed: int, index: int) -> Case:
    """Case `index` of the run seeded `seed`: the same bytes every time."""
    rng = random.Random(f"archive-fuzz:{seed}:{index}")
    fmt, layout = rng.choice(FORMATS), rng.choice(LAYOUTS)
    family = "zip" if fmt.startswith("zip") else "tar"
    allowed = [n for n in WEIGHTS if not (family == "zip" and (n in TAR_MUTATIONS or n == "tar-bomb"))
               and not (family == "tar" and (n in ZIP_MUTATIONS or n == "zip-bzip2-bomb"))]
    chosen = tuple(rng.choices(allowed, weights=[WEIGHTS[n] for n in allowed], k=rng.choice([1, 1, 2, 2, 3])))
    members = base_members(layout, rng)
    for name in chosen:
        if name in STRUCTURAL:
            members = STRUCTURAL[name](members, rng, fmt)
    big = "big-member" in chosen
    notes: tuple[str, ...] = ()
    if family == "zip":
        if "zip-bzip2-bomb" in chosen:
            members.append(Member("pytorch_tensor/bomb.bin", _bzip2_zeros(512)))
        data = pack_zip(members, rng, stored=True) if "zip-bzip2-bomb" in chosen else \
            pack_zip(members, rng, stored=fmt == "zip-stored")
        for name in chosen:
            data = ZIP_MUTATIONS[name](data, rng) if name in ZIP_MUTATIONS else data
        data = zip_bzip2_bomb(data, rng) if "zip-bzip2-bomb" in chosen else data
    else:
        data = pack_tar(members, rng)
        for name in chosen:
            data = TAR_MUTATIONS[name](data, rng) if name in TAR_MUTATIONS else data
        if "tar-bomb" in chosen:
            data = tar_bomb(data, rng)
        else:
            data, compression = compress_tar(data, fmt, rng, fast=big)
            notes = () if compression in ("none", "gzip") else (f"compressed {compression}",)
    for name in chosen:
        data = BYTE_MUTATIONS[name](data, rng) if name in BYTE_MUTATIONS else data
    suffixes = {"zip": [".zip"], "zip-stored": [".zip"], "tar": [".tar"], "tar.gz": [".tar.gz", ".tgz"]}[fmt]
    suffixes = [".tar.gz"] if "tar-bomb" in chosen else suffixes
    suffix = rng.choice(suffixes) if rng.random() < 0.95 else rng.choice([".zip", ".tar", ".tar.gz"])
    return Case(index=index, fmt=fmt, layout=layout, suffix=suffix, mutations=chosen + notes, data=data)


# --- taking a case in (in a worker) ------------------------------------------------------------------------


def _status_kib(field_name: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field_name + ":"))


def _reset_peak() -> bool:
    """Reset this process's VmHWM to its resident size now (Linux 4.0+); False where that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def worker_setup() -> None:
    """Cap the worker's address space (well above any bounded intake) so that a hole cannot take the machine."""
    cap = _status_kib("VmSize") * 1024 + WORKER_ADDRESS_SPACE
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _bilingual(text: str) -> bool:
    from autograder.feedback.language import BETWEEN, OPEN

    return OPEN in text and BETWEEN in text and any("\uac00" <= c <= "\ud7a3" for c in text)


def _unsafe_text(text: str) -> bool:
    """Whether `text` (a note or a refusal) could not be written as UTF-8 or holds a line break or control."""
    try:
        json.dumps(text, ensure_ascii=False).encode("utf-8")
    except UnicodeError:
        return True
    from autograder.feedback.language import PAIR_MARKS

    return any(unicodedata.category(c) in UNSAFE_CATEGORIES and c not in PAIR_MARKS for c in text)


def _copy_violation(root: Path, case_dir: Path, archive: Path) -> str:
    """What is wrong with a copy the intake made (empty when nothing): only folders and regular files with
    readable names, nothing outside it."""
    from autograder.intake.copy import unreadable_name

    for folder, folders, files in os.walk(root, followlinks=False):
        for name in folders + files:
            path = os.path.join(folder, name)
            mode = os.lstat(path).st_mode
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                return f"a non-regular file in the copy: {path!r}"
            if unreadable_name(name):
                return f"an unreadable name in the copy: {path!r}"
    extra = sorted(set(os.listdir(case_dir)) - {archive.name, root.name})
    return f"files outside the copy: {extra!r}" if extra else ""


def take_in(seed: int, index: int, work_dir: str) -> dict:
    """Make case `index` and take it in with `receive_submission`; the outcome (a plain dict)."""
    from autograder.intake import IntakeError, receive_submission

    case = make_case(seed, index)
    case_dir = Path(tempfile.mkdtemp(prefix=f"case{index}-", dir=work_dir))
    archive = case_dir / f"hw{case.suffix}"
    archive.write_bytes(case.data)
    result = {"index": index, "case": case.description, "bytes": len(case.data), "outcome": "", "detail": ""}
    case = replace(case, data=b"")
    gc.collect()
    reset = _reset_peak()
    before = _status_kib("VmHWM") if reset else _status_kib("VmRSS")
    target = case_dir / "copy"
    try:
        received = receive_submission(archive, target)
        result["outcome"] = "taken in"
        texts = received.notes() + received.dropped + getattr(received, "unreadable", [])
        problem = next((f"unsafe note: {t!r}" for t in texts if _unsafe_text(t)), "")
        result["detail"] = problem or _copy_violation(target, case_dir, archive)
    except IntakeError as refusal:
        text = str(refusal)
        result["outcome"] = "refused"
        problem = ("not bilingual" if not _bilingual(text) else "unsafe text" if _unsafe_text(text)
                   else "the copy was left behind" if os.path.lexists(target)
                   else "a MemoryError (an allocation past the worker's cap)" if "MemoryError" in text else "")
        result["detail"] = problem or text.split("\ue001")[-1][:160]
        if problem:
            result["outcome"] = "violation"
    except BaseException:  # noqa: BLE001 - counted, never hidden
        result["outcome"] = "traceback"
        result["detail"] = traceback.format_exc()
    if result["outcome"] == "taken in" and result["detail"]:
        result["outcome"] = "violation"
    peak = _status_kib("VmHWM")
    result["peak_mib"] = round(peak / 1024, 1)
    result["growth_mib"] = round(max(peak - before, 0) / 1024, 1)
    result["peak_reset"] = reset
    shutil.rmtree(case_dir, ignore_errors=True)
    return result


def run(*, count: int, seed: int, jobs: int, max_peak_mib: float = DEFAULT_PEAK_MIB,
        work_dir: Path | None = None) -> dict:
    """Make and take in `count` cases in `jobs` worker processes; the summary (also written by main)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuzz-archives-", dir=work_dir) as tmp:
        outcomes = _take_in_all(list(range(count)), seed=seed, jobs=jobs, work_dir=tmp)
    return summarize(outcomes, seconds=time.monotonic() - started, max_peak_mib=max_peak_mib, seed=seed)


def _take_in_all(indices: list[int], *, seed: int, jobs: int, work_dir: str) -> list[dict]:
    """Every case's outcome, in order; a worker that died costs the cases it had not finished."""
    done: dict[int, dict] = {}
    with ProcessPoolExecutor(max_workers=max(jobs, 1), initializer=worker_setup) as pool:
        futures = {pool.submit(take_in, seed, index, work_dir): index for index in indices}
        for future in as_completed(futures):
            index = futures[future]
            try:
                done[index] = future.result()
            except BrokenProcessPool as exc:
                done[index] = {"index": index, "case": make_case(seed, index).description, "outcome": "traceback",
                               "detail": f"the worker died: {exc}", "peak_mib": 0.0, "growth_mib": 0.0}
    return [done[index] for index in indices]


def summarize(outcomes: list[dict], *, seconds: float, max_peak_mib: float, seed: int) -> dict:
    """Counts, the largest peaks, and the cases that failed."""
    failed = [o for o in outcomes if o["outcome"] in ("traceback", "violation")]
    over = [o for o in outcomes if o["growth_mib"] > max_peak_mib]
    by_mutation: dict[str, dict[str, int]] = {}
    for outcome in outcomes:
        for name in outcome["case"].split(": ", 1)[1].split(", "):
            counts = by_mutation.setdefault(name, {"cases": 0, "refused": 0, "taken in": 0})
            counts["cases"] += 1
            counts[outcome["outcome"]] = counts.get(outcome["outcome"], 0) + 1
    biggest = max(outcomes, key=lambda o: o["growth_mib"], default=None)
    return {
        "seed": seed,
        "cases": len(outcomes),
        "taken_in": sum(o["outcome"] == "taken in" for o in outcomes),
        "refused": sum(o["outcome"] == "refused" for o in outcomes),
        "tracebacks": sum(o["outcome"] == "traceback" for o in outcomes),
        "violations": sum(o["outcome"] == "violation" for o in outcomes),
        "max_peak_mib": max((o["peak_mib"] for o in outcomes), default=0.0),
        "max_growth_mib": biggest["growth_mib"] if biggest else 0.0,
        "max_growth_case": biggest["case"] if biggest else "",
        "peak_bound_mib": max_peak_mib,
        "over_peak_bound": len(over),
        "peak_reset": all(o.get("peak_reset", False) for o in outcomes),
        "seconds": round(seconds, 1),
        "by_mutation": dict(sorted(by_mutation.items())),
        "failures": [{k: o[k] for k in ("index", "case", "outcome", "detail")} for o in failed[:50]],
        "over_bound": [{k: o[k] for k in ("index", "case", "growth_mib")} for o in over[:50]],
        "outcomes": outcomes,
    }


# --- grading end to end through the CLI --------------------------------------------------------------------


def grade_cases(indices: list[int], *, seed: int, work_dir: Path | None = None,
                assignment: str = "pytorch_tensor") -> list[dict]:
    """Grade cases through the CLI, each in its own process; exit code, results.json and tracebacks checked."""
    graded = []
    with tempfile.TemporaryDirectory(prefix="fuzz-grade-", dir=work_dir) as tmp:
        for index in indices:
            case = make_case(seed, index)
            folder = Path(tmp) / f"case{index}"
            folder.mkdir()
            archive = folder / f"hw{case.suffix}"
            archive.write_bytes(case.data)
            results = folder / "results.json"
            command = [sys.executable, "-m", "autograder", "grade", str(archive), "--assignment", assignment,
                       "--results", str(results), "--quiet"]
            try:
                done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, errors="replace",
                                      timeout=GRADE_SECONDS)
                code, output = done.returncode, done.stdout + done.stderr
            except subprocess.TimeoutExpired:
                code, output = -1, "timed out"
            problem = _grading_problem(code, output, results)
            graded.append({"index": index, "case": case.description, "exit_code": code, "ok": not problem,
                           "problem": problem or "", "output_tail": output[-1500:] if problem else ""})
    return graded


def _grading_problem(code: int, output: str, results: Path) -> str:
    if code not in (0, 1, 2):
        return f"exit code {code}"
    if "Traceback (most recent call last)" in output:
        return "a traceback in the output"
    try:
        json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"results.json missing or invalid: {exc}"
    return ""


def pick_for_grading(outcomes: list[dict], count: int) -> list[int]:
    """`count` cases to grade: taken-in and refused ones in turn, by index (what is there)."""
    taken = [o["index"] for o in outcomes if o["outcome"] == "taken in"]
    refused = [o["index"] for o in outcomes if o["outcome"] == "refused"]
    picked: list[int] = []
    while len(picked) < count and (taken or refused):
        for pool in (taken, refused):
            if pool and len(picked) < count:
                picked.append(pool.pop(0))
    return picked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="how many cases (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--max-peak-mib", type=float, default=DEFAULT_PEAK_MIB,
                        help="bound on a case's peak memory above the worker's level before it "
                             f"(default {DEFAULT_PEAK_MIB})")
    parser.add_argument("--grade", type=int, default=0, metavar="K", help="also grade K cases end to end (default 0)")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args(argv)
    summary = run(count=args.count, seed=args.seed, jobs=args.jobs, max_peak_mib=args.max_peak_mib)
    if args.grade:
        graded = grade_cases(pick_for_grading(summary["outcomes"], args.grade), seed=args.seed)
        summary["graded"] = graded
        summary["grading_failures"] = sum(not g["ok"] for g in graded)
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for failure in summary["failures"]:
        print(f"{failure['outcome'].upper()} case {failure['index']} ({failure['case']}):\n{failure['detail']}")
    for over in summary["over_bound"]:
        print(f"PEAK case {over['index']} ({over['case']}): +{over['growth_mib']} MiB")
    for graded in summary.get("graded", []):
        print(f"graded case {graded['index']} ({graded['case']}): exit {graded['exit_code']}"
              + (f" PROBLEM {graded['problem']}\n{graded['output_tail']}" if graded["problem"] else ""))
    print(f"archive fuzz: {summary['cases']} cases (seed {summary['seed']}), {summary['refused']} refused, "
          f"{summary['taken_in']} taken in, {summary['tracebacks']} tracebacks, {summary['violations']} violations, "
          f"max peak {summary['max_peak_mib']} MiB (+{summary['max_growth_mib']} MiB above the worker's level, bound "
          f"{summary['peak_bound_mib']:g}), {summary['seconds']} s"
          + (f"; graded {len(summary['graded'])}, {summary['grading_failures']} bad" if "graded" in summary else ""))
    bad = (summary["tracebacks"] or summary["violations"] or summary["over_peak_bound"]
           or summary.get("grading_failures"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
