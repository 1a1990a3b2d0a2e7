"""Hostile archives and names: bounded before they are read, refused (never a crash), names shown inert.

Each archive is built here, byte by byte where tarfile or zipfile would not write it. What must hold: an
`IntakeError` in Korean and English (or the submission taken in with a note), no partial copy left behind,
and the process's peak memory bounded (measured in a child process from /proc's VmHWM).
"""
from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import struct
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from autograder.feedback.language import BETWEEN, CLOSE, OPEN
from autograder.intake import IntakeError, IntakeLimits, copy_tree, receive_submission

REPO = Path(__file__).resolve().parents[2]
MODULE = b"x = 1\n"
PEAK_BOUND_MIB = 300  # above the child's own baseline
GIB = 2**30
HOSTILE_NAMES = ["evil\nTotal 30 of 30.py", "ansi\x1b[2J.py", "back\rwards.py", "bidi\u202etxt.py",
                 "mark\ue000pair.py", "line\u2028sep.py"]


# --- building archives -------------------------------------------------------------------------------------


def _header(name: bytes, *, size: int = 0, kind: bytes = b"0", size_field: bytes | None = None,
            checksum: bool = True) -> bytes:
    """One 512-byte ustar header, its size field in octal (or `size_field` as given, e.g. base-256)."""
    block = bytearray(512)
    block[0:len(name[:100])] = name[:100]
    block[100:108] = b"0000644\0"
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = size_field if size_field is not None else b"%011o\0" % size
    block[136:148] = b"00000000000\0"
    block[156:157] = kind
    block[257:265] = b"ustar\x0000"
    block[148:156] = b" " * 8
    if checksum:
        block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 512)


def _base256(value: int) -> bytes:
    return (b"\x80" + value.to_bytes(11, "big")) if value >= 0 else (b"\xff" + (256**11 + value).to_bytes(11, "big"))


def _member(name: bytes, data: bytes) -> bytes:
    return _header(name, size=len(data)) + _padded(data)


def _end() -> bytes:
    return b"\0" * 1024


def _pax(records: dict[bytes, bytes], *, kind: bytes = b"x") -> bytes:
    """A pax header (`kind` x or g) holding `records`, each "%d %s=%s\\n" with its own length counted."""
    body = b""
    for key, value in records.items():
        text = b" " + key + b"=" + value + b"\n"
        length = len(text) + 1
        while len(text) + len(str(length)) != length:
            length = len(text) + len(str(length))
        body += str(length).encode() + text
    return _header(b"PaxHeader", size=len(body), kind=kind) + _padded(body)


def _tar(path: Path, *members: tuple[str, bytes], links: dict[str, str] | None = None, mode: str = "w") -> Path:
    with tarfile.open(path, mode, format=tarfile.PAX_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return path


def _zip(path: Path, *members: tuple[str | zipfile.ZipInfo, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def _gzip_bomb(prefix: bytes, *, zeros: int) -> bytes:
    """`prefix` then `zeros` zero bytes, gzipped as many small members (fast to make, huge to inflate)."""
    mebibyte = gzip.compress(b"\0" * 2**20, compresslevel=9)
    return gzip.compress(prefix) + mebibyte * (zeros // 2**20)


def _zip_raw_name(path: Path, raw_name: bytes, data: bytes, *, utf8_flag: bool) -> Path:
    """A stored zip with one member whose name is `raw_name` exactly, the UTF-8 flag set or not."""
    flags = 0x800 if utf8_flag else 0
    crc = zipfile.crc32(data)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, 0, 0, 0, crc, len(data), len(data), len(raw_name), 0)
    central = struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, flags, 0, 0, 0, crc, len(data), len(data),
                          len(raw_name), 0, 0, 0, 0, 0o100644 << 16, 0)
    body = local + raw_name + data
    directory = central + raw_name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


# --- checking outcomes -------------------------------------------------------------------------------------


def _refused(archive: Path, target: Path, *, match: str | None = None, limits: IntakeLimits = IntakeLimits()) -> str:
    """The refusal's text; asserts it is bilingual and that no partial copy is left."""
    with pytest.raises(IntakeError, match=match) as raised:
        receive_submission(archive, target, limits=limits)
    text = str(raised.value)
    assert text.startswith(OPEN) and BETWEEN in text and text.rstrip().endswith(CLOSE), text
    korean = text[1:text.index(BETWEEN)]
    assert any("\uac00" <= c <= "\ud7a3" for c in korean), text  # Korean first
    assert not os.path.lexists(target)
    _assert_inert(text)
    return text


def _assert_inert(text: str) -> None:
    """One line that can be written as UTF-8: no controls, breaks, bidi overrides or lone surrogates."""
    json.dumps(text, ensure_ascii=False).encode("utf-8")
    assert not any(c in text for c in "\n\r\x1b\u202e\u2028"), repr(text)
    assert not any("\ud800" <= c <= "\udfff" for c in text), repr(text)


PEAK_SCRIPT = """
import json, resource, sys
from pathlib import Path
from autograder.intake import IntakeError, receive_submission

def status_kib(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

# An address-space cap as a grading machine may have: an allocation of the size a header claims fails here.
cap = status_kib("VmSize") * 1024 + 2**30
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
before = status_kib("VmHWM")
text = ""
try:
    receive_submission(Path(sys.argv[1]), Path(sys.argv[2]))
    outcome = "taken in"
except IntakeError as refusal:
    outcome, text = "refused", str(refusal)
print(json.dumps({"outcome": outcome, "growth_mib": (status_kib("VmHWM") - before) / 1024,
                  "memory_error": "MemoryError" in text}))
"""


def _peak(archive: Path, target: Path) -> dict:
    """How a fresh process (its address space capped 1 GiB above its start) takes `archive` in, and how far
    its peak memory grew doing so. A MemoryError, even one turned into a refusal, counts as unbounded."""
    done = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(archive), str(target)], cwd=REPO,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-3000:]
    peak = json.loads(done.stdout.strip().splitlines()[-1])
    assert not peak["memory_error"], peak
    return peak


# --- tar: extended headers ---------------------------------------------------------------------------------


def _extended_claiming(kind: bytes, claim: int) -> bytes:
    """A header of type `kind` (L, K, x, g) claiming `claim` bytes (base-256), with a little real data after it."""
    return (_header(b"././@LongLink", kind=kind, size_field=_base256(claim)) + _padded(b"30 path=pytorch_tensor/x.py\n")
            + _member(b"x.py", MODULE) + _end())


@pytest.mark.parametrize(("kind", "claim"), [(b"x", 2 * GIB), (b"g", 2 * GIB), (b"L", GIB), (b"K", GIB)],
                         ids=["pax", "global-pax", "gnu-longname", "gnu-longlink"])
def test_an_extended_header_claiming_gigabytes_is_refused_in_bounded_memory(tmp_path: Path, kind: bytes,
                                                                            claim: int) -> None:
    archive = tmp_path / "hw.tar"
    archive.write_bytes(_extended_claiming(kind, claim))
    assert archive.stat().st_size < 4096
    assert "could not be unpacked" in _refused(archive, tmp_path / "copy")
    peak = _peak(archive, tmp_path / "copy-peak")
    assert peak["outcome"] == "refused" and peak["growth_mib"] < PEAK_BOUND_MIB, peak


def test_a_gzipped_long_name_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    archive = tmp_path / "hw.tar.gz"
    archive.write_bytes(_gzip_bomb(_header(b"././@LongLink", size=GIB, kind=b"L"), zeros=GIB))
    assert archive.stat().st_size < 3 * 2**20
    _refused(archive, tmp_path / "copy")
    peak = _peak(archive, tmp_path / "copy-peak")
    assert peak["outcome"] == "refused" and peak["growth_mib"] < PEAK_BOUND_MIB, peak


def test_a_gzipped_bomb_of_many_long_names_stops_at_the_stream_bound(tmp_path: Path) -> None:
    one = _header(b"././@LongLink", size=60_000, kind=b"L") + _padded(b"n" * 60_000) + _member(b"f", b"")
    archive = tmp_path / "hw.tgz"
    archive.write_bytes(gzip.compress(one) * 2000 + gzip.compress(_end()))
    _refused(archive, tmp_path / "copy")
    peak = _peak(archive, tmp_path / "copy-peak")
    assert peak["outcome"] == "refused" and peak["growth_mib"] < PEAK_BOUND_MIB, peak


def test_a_gzipped_data_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    archive = tmp_path / "hw.tar.gz"
    archive.write_bytes(_gzip_bomb(_header(b"pytorch_tensor/big.bin", size=4 * GIB - 1024), zeros=GIB))
    text = _refused(archive, tmp_path / "copy")
    assert "too large" in text and "너무 큽니다" in text
    peak = _peak(archive, tmp_path / "copy-peak")
    assert peak["outcome"] == "refused" and peak["growth_mib"] < PEAK_BOUND_MIB, peak


def test_chains_and_malformed_pax_headers_are_refused(tmp_path: Path) -> None:
    cases = {
        "chain": b"".join(_header(b"././@LongLink", size=10, kind=b"L") + _padded(b"a" * 10) for _ in range(2000))
        + _member(b"x.py", MODULE) + _end(),
        "digits": _pax({b"path": b"9" * 60_000}) + _member(b"x.py", MODULE) + _end(),
        "record-lies": _header(b"PaxHeader", size=40, kind=b"x") + _padded(b"2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 =\n")
        + _member(b"x.py", MODULE) + _end(),
        "size-words": _pax({b"size": b"\xd9\xa1\xd9\xa2"}) + _member(b"x.py", MODULE) + _end(),
        "global-size": _pax({b"size": b"5"}, kind=b"g") + _member(b"x.py", MODULE) + _end(),
        "sparse": _pax({b"GNU.sparse.major": b"1", b"GNU.sparse.minor": b"0"}) + _member(b"x.py", MODULE) + _end(),
        "old-sparse": _header(b"x.py", size=512, kind=b"S") + _padded(MODULE) + _end(),
        "dangling": _pax({b"path": b"a.py"}) + _end(),
        "negative": _header(b"x.py", kind=b"0", size_field=_base256(-4096)) + _padded(MODULE) + _end(),
    }
    for name, raw in cases.items():
        archive = tmp_path / f"{name}.tar"
        archive.write_bytes(raw)
        _refused(archive, tmp_path / f"copy-{name}")


def test_a_pax_size_is_followed_as_tarfile_follows_it(tmp_path: Path) -> None:
    raw = (_pax({b"size": b"6", b"path": b"pytorch_tensor/tensor_basics.py"})
           + _header(b"short", size=0) + _padded(MODULE) + _member(b"pytorch_tensor/b.py", b"y = 2\n") + _end())
    archive = tmp_path / "hw.tar"
    archive.write_bytes(raw)
    received = receive_submission(archive, tmp_path / "copy")
    assert (received.root / "pytorch_tensor" / "tensor_basics.py").read_bytes() == MODULE
    assert (received.root / "pytorch_tensor" / "b.py").read_bytes() == b"y = 2\n"


# --- tar: lying sizes, truncation, counts, compression -----------------------------------------------------


def test_member_sizes_that_lie_are_refused_or_cut_where_tarfile_stops(tmp_path: Path) -> None:
    longer = tmp_path / "longer.tar"  # claims more than there is
    longer.write_bytes(_header(b"pytorch_tensor/tensor_basics.py", size=10**9) + _padded(MODULE))
    _refused(longer, tmp_path / "copy-longer")
    huge = tmp_path / "huge.tar"  # base-256: a size no file has
    huge.write_bytes(_header(b"a.py", size_field=_base256(256**11 - 1)) + _padded(MODULE))
    _refused(huge, tmp_path / "copy-huge")
    shorter = tmp_path / "shorter.tar"  # claims less: what follows is no header, where tarfile stops
    shorter.write_bytes(_header(b"pytorch_tensor/tensor_basics.py", size=3) + _padded(MODULE * 200) + _end())
    received = receive_submission(shorter, tmp_path / "copy-shorter")
    assert (received.root / "pytorch_tensor" / "tensor_basics.py").read_bytes() == MODULE[:3]


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".zip"])
def test_truncated_archives_are_refused(tmp_path: Path, suffix: str) -> None:
    whole = tmp_path / f"whole{suffix}"
    members = [("pytorch_tensor/tensor_basics.py", os.urandom(20_000)), ("pytorch_tensor/b.py", os.urandom(20_000))]
    if suffix == ".zip":
        _zip(whole, *members, compression=zipfile.ZIP_STORED)
    else:
        _tar(whole, *members, mode="w:gz" if suffix == ".tar.gz" else "w")
    data = whole.read_bytes()
    cuts = (10, 600, len(data) // 2, len(data) - 30) if suffix == ".zip" else (10, 600, len(data) // 2)
    for cut in cuts:
        archive = tmp_path / f"cut{cut}{suffix}"
        archive.write_bytes(data[:cut])
        _refused(archive, tmp_path / f"copy-{cut}")


def test_a_huge_member_count_is_refused(tmp_path: Path) -> None:
    limits = IntakeLimits(max_files=20)
    tar = tmp_path / "many.tar"
    tar.write_bytes(b"".join(_member(b"d/f%d" % i, b"") for i in range(200)) + _end())
    assert "too large" in _refused(tar, tmp_path / "copy-tar", limits=limits)
    ignored = tmp_path / "ignored.tar"  # members left out quietly count as well
    ignored.write_bytes(b"".join(_member(b"__MACOSX/f%d" % i, b"") for i in range(200)) + _end())
    assert "too large" in _refused(ignored, tmp_path / "copy-ignored", limits=limits)
    many = tmp_path / "many.zip"
    _zip(many, *[(f"d/f{i}", b"") for i in range(200)])
    assert "too large" in _refused(many, tmp_path / "copy-zip", limits=limits)


def test_deep_and_absurd_names_are_refused(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 40) + "/x.py"
    long_part = "pytorch_tensor/" + "n" * 300 + ".py"
    long_path = "/".join(["p" * 200] * 10) + "/x.py"
    for index, name in enumerate((deep, long_part, long_path)):
        _refused(_tar(tmp_path / f"t{index}.tar", (name, MODULE)), tmp_path / f"copy-t{index}")
        _refused(_zip(tmp_path / f"z{index}.zip", (name, MODULE)), tmp_path / f"copy-z{index}")


def test_the_archive_file_is_bounded_before_it_is_read(tmp_path: Path) -> None:
    limits = IntakeLimits(max_bytes=100_000, max_files=10)
    archive = tmp_path / "big.zip"
    archive.write_bytes(b"\0" * (limits.max_archive_bytes + 1))
    assert "too large" in _refused(archive, tmp_path / "copy", limits=limits)


@pytest.mark.parametrize("compress", ["xz", "bz2"])
def test_xz_and_bzip2_tars_are_read(tmp_path: Path, compress: str) -> None:
    plain = _tar(tmp_path / "plain.tar", ("pytorch_tensor/tensor_basics.py", MODULE))
    packed = lzma.compress(plain.read_bytes()) if compress == "xz" else bz2.compress(plain.read_bytes())
    archive = tmp_path / "hw.tar.gz"  # named as the LMS names it: what is inside decides
    archive.write_bytes(packed)
    received = receive_submission(archive, tmp_path / "copy")
    assert (received.root / "pytorch_tensor" / "tensor_basics.py").read_bytes() == MODULE


def test_an_unread_compression_is_refused_by_name(tmp_path: Path) -> None:
    archive = tmp_path / "hw.tar"
    archive.write_bytes(b"\x28\xb5\x2f\xfd" + os.urandom(2000))
    assert "Zstandard" in _refused(archive, tmp_path / "copy")
    xz_bomb = tmp_path / "bomb.tar.gz"
    xz_bomb.write_bytes(lzma.compress(_header(b"big", size=GIB) + b"\0" * 20 * 2**20))
    _refused(xz_bomb, tmp_path / "copy-xz")
    peak = _peak(xz_bomb, tmp_path / "copy-xz-peak")
    assert peak["outcome"] == "refused" and peak["growth_mib"] < PEAK_BOUND_MIB, peak


# --- zip: the central directory, methods ------------------------------------------------------------------


def _lying_end(data: bytes, **fields: int) -> bytes:
    """`data` (a zip with no comment) with fields of its end record replaced."""
    names = ("signature", "disk", "disk_start", "entries_here", "entries", "size", "offset", "comment")
    values = dict(zip(names, struct.unpack("<4s4H2LH", data[-22:])))
    values.update(fields)
    return data[:-22] + struct.pack("<4s4H2LH", *values.values())


def test_a_zip_whose_end_record_lies_is_refused_or_read_as_zipfile_reads_it(tmp_path: Path) -> None:
    whole = _zip(tmp_path / "whole.zip", ("pytorch_tensor/tensor_basics.py", MODULE), ("pytorch_tensor/b.py", MODULE))
    data = whole.read_bytes()
    lies = {"count": (_lying_end(data, entries=60_000, entries_here=60_000), "too large"),
            "size": (_lying_end(data, size=2**32 - 1), "lies about its size"),
            "small-size": (_lying_end(data, size=10), "cut short or damaged"),
            "past-the-start": (_lying_end(data, size=len(data)), "lies about its size")}
    for name, (raw, why) in lies.items():
        archive = tmp_path / f"{name}.zip"
        archive.write_bytes(raw)
        assert why in _refused(archive, tmp_path / f"copy-{name}")
    offset = tmp_path / "offset.zip"  # zipfile shifts every member by the lie: a member before the file's start
    offset.write_bytes(_lying_end(data, offset=2**31))
    assert "could not be unpacked" in _refused(offset, tmp_path / "copy-offset")


def test_a_central_directory_of_tiny_entries_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    entry = struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0) + b"a"
    directory = entry * 150_000
    for claimed in (0xFFFF, 1):  # the count claimed, and the count the directory really holds, are both bounded
        end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, claimed, claimed, len(directory), 0, 0)
        archive = tmp_path / f"tiny{claimed}.zip"
        archive.write_bytes(directory + end)
        assert "too large" in _refused(archive, tmp_path / "copy")
        peak = _peak(archive, tmp_path / "copy-peak")
        assert peak["outcome"] == "refused" and peak["growth_mib"] < PEAK_BOUND_MIB, peak


def test_bzip2_and_encrypted_zip_members_are_refused_clearly(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bz.zip", ("pytorch_tensor/big.bin", b"\0" * 2**20), compression=zipfile.ZIP_BZIP2)
    assert "bzip2" in _refused(bomb, tmp_path / "copy-bz")
    encrypted = _zip(tmp_path / "enc.zip", ("pytorch_tensor/tensor_basics.py", MODULE), compression=zipfile.ZIP_STORED)
    data = bytearray(encrypted.read_bytes())
    for at in (6, data.index(b"PK\x01\x02") + 8):  # the flag bits of the local header and of the directory entry
        data[at] |= 1
    encrypted.write_bytes(bytes(data))
    assert "encrypted" in _refused(encrypted, tmp_path / "copy-enc")


def test_an_lzma_zip_bomb_stops_at_the_limit_in_bounded_memory(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "lzma.zip", ("big.bin", b"\0" * 100 * 2**20), compression=zipfile.ZIP_LZMA)
    assert "too large" in _refused(archive, tmp_path / "copy", limits=IntakeLimits(max_bytes=5 * 2**20))
    peak = _peak(archive, tmp_path / "copy-peak")
    assert peak["outcome"] == "refused" and peak["growth_mib"] < PEAK_BOUND_MIB, peak


# --- names of any bytes ------------------------------------------------------------------------------------


def test_a_zip_name_that_is_not_utf8(tmp_path: Path) -> None:
    plain = _zip_raw_name(tmp_path / "cp437.zip", b"pytorch_tensor/tensor_basics\xff.py", MODULE, utf8_flag=False)
    received = receive_submission(plain, tmp_path / "copy-cp437")  # read as cp437, as every unzip does
    assert [p.name for p in (received.root / "pytorch_tensor").iterdir()] == ["tensor_basics\u00a0.py"]
    flagged = _zip_raw_name(tmp_path / "flagged.zip", b"pytorch_tensor/tensor_basics\xff.py", MODULE, utf8_flag=True)
    assert "UTF-8" in _refused(flagged, tmp_path / "copy-flagged")


def test_a_tar_name_that_is_not_utf8_is_left_out_and_named(tmp_path: Path) -> None:
    raw = (_member(b"pytorch_tensor/tensor_basics\xff.py", b"bad") + _member(b"pytorch_tensor/tensor_basics.py", MODULE)
           + _member(b"caf\xe9/x.py", b"") + _end())
    archive = tmp_path / "hw.tar"
    archive.write_bytes(raw)
    received = receive_submission(archive, tmp_path / "copy")
    assert (received.root / "pytorch_tensor" / "tensor_basics.py").read_bytes() == MODULE
    assert sorted(os.listdir(received.root)) == ["pytorch_tensor"]
    assert received.unreadable == ["pytorch_tensor/tensor_basics\\udcff.py", "caf\\udce9/x.py"]
    notes = received.notes()
    assert len(notes) == 1 and "tensor_basics\\udcff.py" in notes[0] and "UTF-8" in notes[0]
    for note in notes:
        _assert_inert(note)


def test_a_folder_name_that_is_not_utf8_is_left_out_and_named(tmp_path: Path) -> None:
    source = tmp_path / "submission" / "pytorch_tensor"
    source.mkdir(parents=True)
    (source / "tensor_basics.py").write_bytes(MODULE)
    os.mkdir(os.fsencode(source) + b"/d\xe9j\xe0")
    with open(os.fsencode(source) + b"/tensor_basics\xff.py", "wb") as bad:
        bad.write(b"bad")
    received = copy_tree(tmp_path / "submission", tmp_path / "copy")
    assert sorted(os.listdir(received.root / "pytorch_tensor")) == ["tensor_basics.py"]
    assert received.unreadable == ["pytorch_tensor/d\\udce9j\\udce0", "pytorch_tensor/tensor_basics\\udcff.py"]
    for note in received.notes():
        _assert_inert(note)


def _names_archive(tmp_path: Path, kind: str) -> Path:
    members = [(f"pytorch_tensor/{name}", b"x") for name in HOSTILE_NAMES]
    members.append(("pytorch_tensor/tensor_basics.py", MODULE))
    if kind == "zip":
        return _zip(tmp_path / "names.zip", *members)
    if kind == "tar":
        return _tar(tmp_path / "names.tar.gz", *members, mode="w:gz")
    folder = tmp_path / "names" / "pytorch_tensor"
    folder.mkdir(parents=True)
    for name, data in members:
        (tmp_path / "names" / name).write_bytes(data)
    return tmp_path / "names"


@pytest.mark.parametrize("kind", ["zip", "tar", "folder"])
def test_names_with_controls_are_left_out_and_shown_inert(tmp_path: Path, kind: str) -> None:
    received = receive_submission(_names_archive(tmp_path, kind), tmp_path / "copy")
    assert sorted(os.listdir(received.root / "pytorch_tensor")) == ["tensor_basics.py"]
    assert len(received.unreadable) == len(HOSTILE_NAMES)
    (note,) = received.notes()
    _assert_inert(note)
    assert "evil ⏎ Total 30 of 30.py" in note and "ansi\\x1b[2J.py" in note and "bidi\\u202etxt.py" in note
    assert "mark\\ue000pair.py" in note  # the grader's own pair mark cannot be forged by a name


def test_refusals_show_hostile_names_inert(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "escape.zip", ("../\x1b[31mevil\n\u202e.py", MODULE))
    assert "leads outside its folder" in _refused(archive, tmp_path / "copy")
    single = tmp_path / "tensor\udcff_basics.py"
    single.write_bytes(MODULE)
    assert "cannot be read" in _refused(single, tmp_path / "copy-single")
    odd = tmp_path / "evil\n\x1b[2J.docx"
    odd.write_bytes(b"PK")
    _refused(odd, tmp_path / "copy-odd")


# --- any failure is a refusal -------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [MemoryError(), RecursionError("deep"),
                                   UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"), struct.error("unpack"),
                                   KeyError("member"), NotImplementedError("method"), OverflowError("big"),
                                   lzma.LZMAError("corrupt"), EOFError()])
@pytest.mark.parametrize("kind", ["zip", "tar", "folder"])
def test_any_failure_inside_is_a_refusal_and_the_copy_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  kind: str, error: Exception) -> None:
    from autograder.intake import archives, copy

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    if kind == "folder":
        source = tmp_path / "submission" / "pytorch_tensor"
        source.mkdir(parents=True)
        (source / "tensor_basics.py").write_bytes(MODULE)
        monkeypatch.setattr(copy, "_copy_file", fail)
        submission = tmp_path / "submission"
    else:
        monkeypatch.setattr(archives, "_write", fail)
        submission = (_zip(tmp_path / "hw.zip", ("pytorch_tensor/tensor_basics.py", MODULE)) if kind == "zip"
                      else _tar(tmp_path / "hw.tar.gz", ("pytorch_tensor/tensor_basics.py", MODULE), mode="w:gz"))
    text = _refused(submission, tmp_path / "scratch" / "copy")
    assert type(error).__name__ in text
    assert os.listdir(tmp_path / "scratch") == []


def test_an_existing_target_is_never_removed(tmp_path: Path) -> None:
    target = tmp_path / "copy"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    archive = _zip(tmp_path / "hw.zip", ("pytorch_tensor/tensor_basics.py", MODULE))
    with pytest.raises(IntakeError):
        receive_submission(archive, target)
    assert (target / "keep.txt").read_text() == "mine"


def test_links_devices_and_fifos_in_a_tar_are_left_out(tmp_path: Path) -> None:
    raw = (_member(b"pytorch_tensor/tensor_basics.py", MODULE)
           + _header(b"pytorch_tensor/link.py", kind=b"2") + _header(b"pytorch_tensor/hard.py", kind=b"1")
           + _header(b"pytorch_tensor/dev", kind=b"3") + _header(b"pytorch_tensor/fifo", kind=b"6")
           + _header(b"pytorch_tensor/odd", size=5, kind=b"Z") + _padded(b"abcde") + _end())
    archive = tmp_path / "hw.tar"
    archive.write_bytes(raw)
    received = receive_submission(archive, tmp_path / "copy")
    assert sorted(os.listdir(received.root / "pytorch_tensor")) == ["tensor_basics.py"]
    assert received.dropped == ["pytorch_tensor/link.py (link)", "pytorch_tensor/hard.py (link)",
                                "pytorch_tensor/dev (special file)", "pytorch_tensor/fifo (special file)",
                                "pytorch_tensor/odd (special file)"]


@pytest.mark.parametrize("clash", ["twice", "file-then-folder", "file-inside-a-file"])
def test_clashing_members_are_refused_by_name_without_scratch_paths(tmp_path: Path, clash: str) -> None:
    second = {"twice": "pytorch_tensor/tensor_basics.py", "file-then-folder": "pytorch_tensor/tensor_basics.py/",
              "file-inside-a-file": "pytorch_tensor/tensor_basics.py/inner.py"}[clash]
    after = _header(second.encode(), kind=b"5") if second.endswith("/") else _member(second.encode(), MODULE)
    raw = _member(b"pytorch_tensor/tensor_basics.py", MODULE) + after + _end()
    archive = tmp_path / "hw.tar"
    archive.write_bytes(raw)
    text = _refused(archive, tmp_path / "scratch" / "copy")
    assert "a name twice" in text and "pytorch_tensor/tensor_basics.py" in text
    assert str(tmp_path) not in text


def test_a_zip64_archive_with_a_comment_and_an_empty_tar_are_taken_in(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)  # makes zipfile write the zip64 end records
    with zipfile.ZipFile(tmp_path / "z64.zip", "w") as archive:
        archive.writestr("pytorch_tensor/tensor_basics.py", MODULE)
        archive.writestr("pytorch_tensor/b.py", MODULE)
        archive.comment = b"made by an LMS, PK"
    assert b"PK\x06\x06" in (tmp_path / "z64.zip").read_bytes()
    received = receive_submission(tmp_path / "z64.zip", tmp_path / "copy")
    assert (received.root / "pytorch_tensor" / "tensor_basics.py").read_bytes() == MODULE
    empty = tmp_path / "empty.tar"
    empty.write_bytes(_end())
    assert list(receive_submission(empty, tmp_path / "copy-empty").root.iterdir()) == []
    nothing = tmp_path / "nothing.tar"
    nothing.write_bytes(b"")
    _refused(nothing, tmp_path / "copy-nothing")
