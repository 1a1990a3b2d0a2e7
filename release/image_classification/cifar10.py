"""CIFAR-10 데이터 모듈 (인공지능 영상 과제용).

이 파일은 과제에서 그대로 제공됩니다. 수정하지 않아도 됩니다.

CIFAR-10은 32x32 컬러 이미지 60,000장(학습 50,000장, 테스트 10,000장), 10개 클래스로 된 데이터셋입니다.
이 모듈은 데이터를 찾아서 한 번만 디코딩하고, 그 결과를 캐시 파일로 저장해 두었다가 다음부터는 1초도
걸리지 않고 불러옵니다.

데이터를 찾는 순서:

1. 함수에 직접 넘긴 폴더 ``data_dir``
2. 환경 변수 ``CIFAR10_ROOT`` 가 가리키는 폴더
3. 기본 폴더 ``default_data_dir()`` (``~/.cache/ai-vision-course/cifar10``)

각 폴더 안에서는 torchvision 공식 형식 ``cifar-10-batches-py/``, 압축을 푼 JPEG 폴더
``cifar10-jpeg/{train,test}/<class>/*.jpg``, 압축 파일 ``cifar10-jpeg.tar.gz`` 순서로 찾습니다.
데이터가 없으면 ``download=True`` 로 호출하세요(인터넷 연결 필요). 공식 데이터를 기본 폴더에 내려받습니다.

CS231n과 같이 학습 데이터 50,000장 중 앞의 49,000장은 학습(train)용, 뒤의 1,000장은 검증(validation)용,
테스트 데이터 10,000장은 테스트(test)용으로 씁니다.

사용 예::

    from torchvision import transforms
    from cifar10 import CLASSES, get_loaders

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,) * 3, (0.5,) * 3)])
    loader_train, loader_val, loader_test = get_loaders(transform, batch_size=64)

CIFAR-10 data module for the AI-for-images assignments.

This file is provided as is; you do not need to change it. CIFAR-10 has 60,000 32x32 colour images
(50,000 training, 10,000 test) in 10 classes. The module finds the data, decodes it once, keeps the
decoded arrays in a cache file and loads them from there in well under a second afterwards.

Where the data is looked for: the ``data_dir`` argument, else the folder in the environment variable
``CIFAR10_ROOT``, else ``default_data_dir()``. Inside a folder it reads, in this order of preference,
torchvision's official ``cifar-10-batches-py/``, the extracted image folder
``cifar10-jpeg/{train,test}/<class>/*.jpg``, or the archive ``cifar10-jpeg.tar.gz`` (read directly,
never extracted). With ``download=True`` and no data found, torchvision downloads the official copy.
The decoded arrays are cached in ``default_cache_dir()`` (or ``$CIFAR10_CACHE``), never in the data folder.

As in CS231n, the first 49,000 training images are used for training, the last 1,000 for validation,
and the 10,000 test images for testing.

Image order: the official copy keeps the official order. The JPEG copy stores one folder per class,
so its images are interleaved class by class (airplane 0, automobile 0, ..., truck 0, airplane 1, ...):
every split and every ``limit`` prefix is then class-balanced.
"""
from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import pickle
import sys
import tarfile
import tempfile
import time
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Union

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset

__all__ = [
    "CLASSES",
    "NUM_TRAIN",
    "CIFAR10DataError",
    "CIFAR10Arrays",
    "CIFAR10Dataset",
    "resolve_data_dir",
    "default_data_dir",
    "default_cache_dir",
    "load_cifar10",
    "get_datasets",
    "get_loaders",
]

PathLike = Union[str, "os.PathLike[str]"]

CLASSES: tuple[str, ...] = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)
"""The 10 class names; the position of a name is its label (the official CIFAR-10 order)."""

NUM_TRAIN = 49_000
"""CS231n split: the first 49,000 training images train, the last 1,000 validate."""

# Expected sizes. Private: tests with small synthetic data change them (monkeypatch).
_TRAIN_PER_CLASS = 5_000
_TEST_PER_CLASS = 1_000
_IMAGE_SHAPE = (32, 32, 3)

_APP_DIR = "ai-vision-course"
_BATCHES_DIR = "cifar-10-batches-py"
_JPEG_DIR = "cifar10-jpeg"
_ARCHIVE = "cifar10-jpeg.tar.gz"
_TRAIN_BATCHES = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5")
_TEST_BATCH = "test_batch"
_SPLITS = ("train", "test")
_IMAGE_SUFFIXES = (".jpg", ".jpeg")
_ARRAY_NAMES = ("train_images", "train_labels", "test_images", "test_labels")
_CACHE_FORMAT = 1
_STALE_TEMP_SECONDS = 3600.0
_MAX_IMAGE_BYTES = 1 << 20


class CIFAR10DataError(RuntimeError):
    """CIFAR-10 could not be found or read; the message says why and what to do."""


@dataclass(frozen=True, repr=False, eq=False)
class CIFAR10Arrays:
    """The whole data set as numpy arrays (images HWC uint8, labels int64 in 0..9)."""

    train_images: np.ndarray  # (50000, 32, 32, 3) uint8
    train_labels: np.ndarray  # (50000,) int64
    test_images: np.ndarray  # (10000, 32, 32, 3) uint8
    test_labels: np.ndarray  # (10000,) int64

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{name}={getattr(self, name).dtype}{list(getattr(self, name).shape)}" for name in _ARRAY_NAMES
        )
        return f"CIFAR10Arrays({parts})"


@dataclass(frozen=True)
class _Source:
    """A data source found in a folder: kind is 'batches', 'folder' or 'archive'."""

    kind: str
    path: Path

    def describe(self) -> str:
        names = {"batches": "official CIFAR-10 batches", "folder": "JPEG image folder", "archive": "JPEG archive"}
        return f"{names[self.kind]} {self.path}"


# --------------------------------------------------------------------------------------------------
# Folders


def _user_cache_base() -> Path:
    """$XDG_CACHE_HOME when it is an absolute path, else ~/.cache."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg)
    return Path.home() / ".cache"


def default_data_dir() -> Path:
    """The default data folder: ``$XDG_CACHE_HOME`` (or ``~/.cache``) ``/ai-vision-course/cifar10``.

    ``download=True`` stores the official copy here when no folder was chosen.
    """
    return _user_cache_base() / _APP_DIR / "cifar10"


def default_cache_dir() -> Path:
    """The folder for the decoded cache: ``$CIFAR10_CACHE``, else ``~/.cache/ai-vision-course/cifar10-cache``.

    It is a sibling of ``default_data_dir()``, never inside a data folder (which may be read-only).
    """
    env = os.environ.get("CIFAR10_CACHE", "")
    if env:
        return Path(env).expanduser()
    return _user_cache_base() / _APP_DIR / "cifar10-cache"


def _candidate_dirs(data_dir: Optional[PathLike]) -> list[Path]:
    """Folders to search: only the explicit one if given, else $CIFAR10_ROOT (if set) and the default."""
    if data_dir is not None:
        return [Path(data_dir).expanduser()]
    folders = []
    env = os.environ.get("CIFAR10_ROOT", "")
    if env:
        folders.append(Path(env).expanduser())
    default = default_data_dir()
    if default not in folders:
        folders.append(default)
    return folders


def _find_source(folder: Path) -> Optional[_Source]:
    """The preferred data source in `folder` (or `folder` itself), or None."""
    if folder.is_file():
        return _Source("archive", folder) if folder.name.endswith(".tar.gz") else None
    if not folder.is_dir():
        return None
    if (folder / _BATCHES_DIR).is_dir():
        return _Source("batches", folder / _BATCHES_DIR)
    if (folder / _TEST_BATCH).is_file() or (folder / _TRAIN_BATCHES[0]).is_file():
        return _Source("batches", folder)  # the folder is itself cifar-10-batches-py
    if (folder / _JPEG_DIR).is_dir():
        return _Source("folder", folder / _JPEG_DIR)
    if (folder / "train" / CLASSES[0]).is_dir() and (folder / "test").is_dir():
        return _Source("folder", folder)  # the folder is itself cifar10-jpeg
    if (folder / _ARCHIVE).is_file():
        return _Source("archive", folder / _ARCHIVE)
    return None


def _locate(data_dir: Optional[PathLike]) -> tuple[Optional[_Source], Path, list[Path]]:
    """(source or None, chosen folder, folders searched)."""
    folders = _candidate_dirs(data_dir)
    for folder in folders:
        source = _find_source(folder)
        if source is not None:
            return source, folder, folders
    return None, folders[0], folders


def resolve_data_dir(data_dir: Optional[PathLike] = None) -> Path:
    """The data folder to use: the `data_dir` argument, else ``$CIFAR10_ROOT``, else ``default_data_dir()``.

    Without an argument, the first of ``$CIFAR10_ROOT`` and ``default_data_dir()`` that holds CIFAR-10
    wins; when neither does, the first of them is returned (where ``download=True`` would store it).
    """
    return _locate(data_dir)[1]


def _no_data_error(searched: list[Path], target: Path) -> CIFAR10DataError:
    listing = "\n".join(f"  - {folder}" for folder in searched)
    return CIFAR10DataError(
        "CIFAR-10 데이터를 찾을 수 없습니다 / CIFAR-10 was not found.\n"
        f"Searched folders (none holds {_BATCHES_DIR}/, {_JPEG_DIR}/ or {_ARCHIVE}):\n{listing}\n"
        "Provide it in one of three ways:\n"
        "  1) pass the folder that holds it: data_dir='/path/to/folder' "
        "(e.g. get_loaders(..., data_dir=...) or TrainConfig(data_dir=...));\n"
        f"  2) set the environment variable CIFAR10_ROOT to a folder holding {_ARCHIVE} or {_BATCHES_DIR}/ "
        "(e.g. export CIFAR10_ROOT=../shared/datasets);\n"
        "  3) call with download=True on a machine with internet access "
        f"(load_cifar10(download=True) or get_loaders(..., download=True)); it stores the official copy in "
        f"{target} (default_data_dir() when no folder is chosen: {default_data_dir()})."
    )


# --------------------------------------------------------------------------------------------------
# Fingerprints (cache keys)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _archive_hint(path: Path) -> str:
    return (
        f"Copy {path.name} again (in its folder, `sha256sum -c {path.name}.sha256` checks a copy), "
        "or remove it and call load_cifar10(download=True) on a machine with internet access."
    )


def _folder_hint(path: Path) -> str:
    return (
        f"Extract {_ARCHIVE} again into {path.parent}, or delete {path} so that the archive "
        "(or the official copy) is used instead."
    )


def _batches_hint(path: Path) -> str:
    return (
        f"Delete {path} and call load_cifar10(download=True) to download it again, "
        f"or put {_ARCHIVE} in a data folder instead."
    )


def _hint(source: _Source) -> str:
    return {"batches": _batches_hint, "folder": _folder_hint, "archive": _archive_hint}[source.kind](source.path)


def _bad_data(source: _Source, problem: str) -> CIFAR10DataError:
    return CIFAR10DataError(f"CIFAR-10 in {source.describe()} is not usable: {problem}. {_hint(source)}")


def _is_image_name(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(_IMAGE_SUFFIXES)


def _fingerprint(source: _Source) -> str:
    """A key that changes whenever the source changes."""
    parts: list[Any] = [
        _CACHE_FORMAT, source.kind, _TRAIN_PER_CLASS, _TEST_PER_CLASS, list(_IMAGE_SHAPE), list(CLASSES),
    ]
    if source.kind == "archive":
        try:
            digest = _sha256_file(source.path)
        except OSError as err:
            raise _bad_data(source, f"it cannot be read ({err})") from err
        _check_sidecar(source, digest)
        parts.append(digest)  # content only: a moved or copied archive keeps its cache
    elif source.kind == "batches":
        parts.append(str(source.path.resolve()))
        for name in (*_TRAIN_BATCHES, _TEST_BATCH):
            try:
                st = (source.path / name).stat()
            except OSError as err:
                raise _bad_data(source, f"the file {source.path / name} is missing ({err.strerror})") from err
            parts.append([name, st.st_size, st.st_mtime_ns])
    else:  # an extracted image folder: every file's name, size and modification time
        parts.append(str(source.path.resolve()))
        for split in _SPLITS:
            split_dir = source.path / split
            if not split_dir.is_dir():
                raise _bad_data(source, f"the folder {split_dir} is missing")
            for class_dir in sorted(p for p in split_dir.iterdir() if p.is_dir()):
                with os.scandir(class_dir) as entries:
                    stats = [(e.name, e.stat()) for e in entries if _is_image_name(e.name)]
                files = sorted((name, st.st_size, st.st_mtime_ns) for name, st in stats)
                parts.append([split, class_dir.name, files])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _check_sidecar(source: _Source, digest: str) -> None:
    """If ``<archive>.sha256`` sits beside the archive, the archive must match it."""
    sidecar = source.path.with_name(source.path.name + ".sha256")
    try:
        expected = sidecar.read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return
    if expected and len(expected[0]) == 64 and expected[0].lower() != digest:
        raise _bad_data(source, f"its SHA-256 {digest[:16]}... does not match {sidecar.name} ({expected[0][:16]}...)")


# --------------------------------------------------------------------------------------------------
# Reading and decoding the sources


def _make_decoder() -> Callable[[bytes], np.ndarray]:
    """bytes -> HWC uint8 RGB array.

    torchvision's libjpeg decoder is 2-4x faster than Pillow and gives the same pixels on CIFAR-10.
    torchvision >= 0.29 marks it deprecated (a DeprecationWarning, hidden by Python's default filters);
    when it is missing or fails, Pillow decodes (and names what is wrong with an undecodable file).
    """
    try:
        from torchvision.io import ImageReadMode, decode_jpeg
    except Exception:  # torchvision built without image support: Pillow only
        decode_jpeg = None

    def decode(data: bytes) -> np.ndarray:
        if decode_jpeg is not None:
            try:
                with warnings.catch_warnings():  # its deprecation notice would repeat once per image
                    warnings.simplefilter("ignore", DeprecationWarning)
                    chw = decode_jpeg(torch.frombuffer(bytearray(data), dtype=torch.uint8), mode=ImageReadMode.RGB)
                return chw.permute(1, 2, 0).numpy()
            except Exception:
                pass
        with Image.open(io.BytesIO(data)) as image:
            return np.asarray(image.convert("RGB"))

    return decode


def _base_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _natural_key(name: str) -> tuple[int, str]:
    stem = name.rsplit(".", 1)[0]
    return (int(stem), name) if stem.isdigit() else (sys.maxsize, name)


Collected = dict[str, dict[str, list[tuple[str, bytes]]]]  # split -> class -> [(name, encoded bytes)]


def _collect_archive(source: _Source) -> Collected:
    """Stream the .tar.gz (no extraction) and keep every image's bytes by split and class."""
    collected: Collected = {split: {} for split in _SPLITS}
    try:
        with open(source.path, "rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as gz:
            with tarfile.open(fileobj=gz, mode="r|") as archive:
                for member in archive:
                    parts = [part for part in member.name.split("/") if part not in ("", ".")]
                    if not member.isfile() or len(parts) < 3 or parts[-3] not in _SPLITS:
                        continue
                    if not _is_image_name(parts[-1]):
                        continue
                    if member.size > _MAX_IMAGE_BYTES:
                        raise _bad_data(source, f"{member.name} has {member.size:,} bytes, too many for a 32x32 image")
                    handle = archive.extractfile(member)
                    data = handle.read() if handle is not None else b""
                    collected[parts[-3]].setdefault(parts[-2], []).append((member.name, data))
            while gz.read(1 << 20):  # read to the end so that gzip checks its length and CRC
                pass
    except (OSError, EOFError, zlib.error, tarfile.TarError) as err:
        raise _bad_data(source, f"the archive is damaged or incomplete ({type(err).__name__}: {err})") from err
    return collected


def _collect_folder(source: _Source) -> Collected:
    """Read every image file of an extracted ``cifar10-jpeg/{train,test}/<class>/`` tree."""
    collected: Collected = {split: {} for split in _SPLITS}
    for split in _SPLITS:
        split_dir = source.path / split
        if not split_dir.is_dir():
            raise _bad_data(source, f"the folder {split_dir} is missing")
        for class_dir in sorted(p for p in split_dir.iterdir() if p.is_dir()):
            files = collected[split].setdefault(class_dir.name, [])
            for path in sorted(class_dir.iterdir()):
                if _is_image_name(path.name) and path.is_file():
                    if path.stat().st_size > _MAX_IMAGE_BYTES:
                        raise _bad_data(source, f"{path} has {path.stat().st_size:,} bytes, too many for a 32x32 image")
                    try:
                        files.append((str(path), path.read_bytes()))
                    except OSError as err:
                        raise _bad_data(source, f"{path} cannot be read ({err})") from err
    return collected


def _decode_collected(source: _Source, collected: Collected) -> CIFAR10Arrays:
    """Check the layout (10 class folders, expected counts), decode, and interleave the classes."""
    expected = {"train": _TRAIN_PER_CLASS, "test": _TEST_PER_CLASS}
    for split in _SPLITS:
        found = collected[split]
        missing = [c for c in CLASSES if c not in found]
        extra = sorted(set(found) - set(CLASSES))
        if missing:
            raise _bad_data(source, f"{split}/ has no images for class(es) {', '.join(missing)}")
        if extra:
            raise _bad_data(source, f"{split}/ has unexpected folder(s) {', '.join(extra)} (classes: {CLASSES})")
        for name in CLASSES:
            if len(found[name]) != expected[split]:
                raise _bad_data(
                    source, f"{split}/{name} has {len(found[name])} images, expected {expected[split]}"
                )
    decode = _make_decoder()
    result = {}
    for split in _SPLITS:
        per_class = expected[split]
        images = np.empty((per_class * len(CLASSES), *_IMAGE_SHAPE), dtype=np.uint8)
        for label, name in enumerate(CLASSES):
            files = sorted(collected[split][name], key=lambda item: _natural_key(_base_name(item[0])))
            for i, (file_name, data) in enumerate(files):
                try:
                    image = decode(data)
                except Exception as err:
                    raise _bad_data(source, f"{file_name} is not a readable image ({err})") from err
                if image.shape != _IMAGE_SHAPE:
                    raise _bad_data(source, f"{file_name} has shape {image.shape}, expected {_IMAGE_SHAPE}")
                images[i * len(CLASSES) + label] = image  # interleaved: class 0, 1, ..., 9, 0, 1, ...
        labels = np.tile(np.arange(len(CLASSES), dtype=np.int64), per_class)
        result[f"{split}_images"], result[f"{split}_labels"] = images, labels
    return CIFAR10Arrays(**result)


def _read_batches(source: _Source) -> CIFAR10Arrays:
    """Read torchvision's official ``cifar-10-batches-py`` (pickled dicts of 'data' and 'labels')."""

    def read(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        datas, labels = [], []
        for name in names:
            path = source.path / name
            try:
                with open(path, "rb") as f:
                    entry = pickle.load(f, encoding="latin1")
                data = np.asarray(entry["data"])
                entry_labels = entry["labels"] if "labels" in entry else entry["fine_labels"]
                entry_labels = np.asarray(entry_labels, dtype=np.int64)
            except Exception as err:
                raise _bad_data(source, f"{path} is missing or unreadable ({type(err).__name__}: {err})") from err
            if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != int(np.prod(_IMAGE_SHAPE)):
                raise _bad_data(source, f"{path} holds data of shape {data.shape} {data.dtype}")
            if entry_labels.shape != (len(data),):
                raise _bad_data(source, f"{path} holds {len(entry_labels)} labels for {len(data)} images")
            datas.append(data)
            labels.append(entry_labels)
        height, width, channels = _IMAGE_SHAPE
        chw = np.concatenate(datas).reshape(-1, channels, height, width)
        return np.ascontiguousarray(chw.transpose(0, 2, 3, 1)), np.concatenate(labels)

    train_images, train_labels = read(_TRAIN_BATCHES)
    test_images, test_labels = read((_TEST_BATCH,))
    return CIFAR10Arrays(train_images, train_labels, test_images, test_labels)


def _decode_source(source: _Source) -> CIFAR10Arrays:
    """Read and decode a source into arrays (the slow step the cache avoids)."""
    if source.kind == "batches":
        return _read_batches(source)
    collected = _collect_archive(source) if source.kind == "archive" else _collect_folder(source)
    return _decode_collected(source, collected)


def _array_problem(arrays: CIFAR10Arrays) -> Optional[str]:
    """What is wrong with the arrays (shapes, dtypes, labels, per-class counts), or None."""
    for split, per_class in (("train", _TRAIN_PER_CLASS), ("test", _TEST_PER_CLASS)):
        images, labels = getattr(arrays, f"{split}_images"), getattr(arrays, f"{split}_labels")
        count = per_class * len(CLASSES)
        if images.dtype != np.uint8 or images.shape != (count, *_IMAGE_SHAPE):
            return f"{split} images are {images.dtype}{list(images.shape)}, expected uint8{[count, *_IMAGE_SHAPE]}"
        if labels.dtype != np.int64 or labels.shape != (count,):
            return f"{split} labels are {labels.dtype}{list(labels.shape)}, expected int64[{count}]"
        if count and (labels.min() < 0 or labels.max() >= len(CLASSES)):
            return f"{split} labels are outside 0..{len(CLASSES) - 1}"
        counts = np.bincount(labels, minlength=len(CLASSES))
        if not np.all(counts == per_class):
            return f"{split} has {counts.tolist()} images per class, expected {per_class} each"
    return None


# --------------------------------------------------------------------------------------------------
# The cache


class _CacheUnusable(Exception):
    pass


def _cache_file(cache_dir: Path, source: _Source, key: str) -> Path:
    return cache_dir / f"cifar10-v{_CACHE_FORMAT}-{source.kind}-{key[:24]}.npz"


def _read_cache(path: Path, key: str) -> CIFAR10Arrays:
    """Load a cache file; raise _CacheUnusable when it is damaged, partial or for another source."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            missing = [name for name in ("meta", *_ARRAY_NAMES) if name not in stored.files]
            if missing:
                raise _CacheUnusable(f"it lacks {', '.join(missing)}")
            meta = json.loads(str(stored["meta"]))
            if meta.get("key") != key:
                raise _CacheUnusable("it was made from other data")
            arrays = CIFAR10Arrays(**{name: stored[name] for name in _ARRAY_NAMES})  # zip CRCs checked here
    except _CacheUnusable:
        raise
    except Exception as err:  # truncated zip, bad CRC, bad header, ...: all mean "rebuild"
        raise _CacheUnusable(f"{type(err).__name__}: {err}") from err
    problem = _array_problem(arrays)
    if problem:
        raise _CacheUnusable(problem)
    return arrays


def _write_cache(path: Path, arrays: CIFAR10Arrays, meta: dict[str, Any]) -> None:
    """Write atomically: a temporary file in the same folder, then os.replace (never a half-written cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by killed processes
        with contextlib.suppress(OSError):
            if now - stale.stat().st_mtime > _STALE_TEMP_SECONDS:
                stale.unlink()
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, meta=np.array(json.dumps(meta)), **{name: getattr(arrays, name) for name in _ARRAY_NAMES})
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)  # atomic; concurrent writers each replace with a complete, equal file
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


# --------------------------------------------------------------------------------------------------
# Download


def _download_official(folder: Path) -> None:
    """Download the official copy with torchvision into ``folder/cifar-10-batches-py``."""
    import torchvision.datasets

    print(f"CIFAR-10: downloading the official copy into {folder} ...", file=sys.stderr)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        torchvision.datasets.CIFAR10(root=str(folder), train=True, download=True)
    except Exception as err:
        raise CIFAR10DataError(
            f"CIFAR-10을 {folder}에 내려받지 못했습니다 / Downloading CIFAR-10 into {folder} failed "
            f"({type(err).__name__}: {err}).\n"
            "인터넷에 연결되어 있지 않다면 CIFAR-10이 있는 폴더를 알려 주세요 / Without internet access, tell it "
            f"where CIFAR-10 is: pass data_dir='/path/to/folder' (get_loaders(..., data_dir=...) or "
            f"TrainConfig(data_dir=...)) or set the environment variable CIFAR10_ROOT to a folder holding "
            f"{_ARCHIVE} or {_BATCHES_DIR}/ (e.g. export CIFAR10_ROOT=../shared/datasets)."
        ) from err


# --------------------------------------------------------------------------------------------------
# Public loading API


def load_cifar10(
    data_dir: Optional[PathLike] = None, *, cache_dir: Optional[PathLike] = None, download: bool = False
) -> CIFAR10Arrays:
    """Load all of CIFAR-10 as uint8 HWC images and int64 labels.

    The first call decodes the data (a few seconds) and caches the arrays in `cache_dir`
    (default ``default_cache_dir()``); later calls read the cache in well under a second.
    Raises CIFAR10DataError when the data is missing or damaged (the message says what to do).
    """
    source, folder, searched = _locate(data_dir)
    if source is None:
        if not download:
            raise _no_data_error(searched, folder)
        _download_official(folder)
        source = _find_source(folder)
        if source is None:
            raise CIFAR10DataError(f"The download into {folder} finished but {folder / _BATCHES_DIR} is missing.")

    key = _fingerprint(source)
    cache_path = _cache_file(Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir(),
                             source, key)
    if cache_path.is_file():
        try:
            return _read_cache(cache_path, key)
        except _CacheUnusable as err:
            warnings.warn(
                f"CIFAR-10 cache {cache_path} is damaged or incomplete ({err}); rebuilding it from "
                f"{source.describe()}.",
                RuntimeWarning,
                stacklevel=2,
            )
            with contextlib.suppress(OSError):
                cache_path.unlink()

    print(
        f"CIFAR-10: 처음 한 번만 디코딩합니다 / decoding {source.describe()} once into {cache_path} ...",
        file=sys.stderr,
    )
    arrays = _decode_source(source)
    problem = _array_problem(arrays)
    if problem:
        raise _bad_data(source, problem)
    meta = {"key": key, "format": _CACHE_FORMAT, "kind": source.kind, "source": str(source.path),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
    try:
        _write_cache(cache_path, arrays, meta)
    except OSError as err:
        warnings.warn(
            f"Could not write the CIFAR-10 cache {cache_path} ({err}); the next load decodes again. "
            "Set CIFAR10_CACHE to a writable folder.",
            RuntimeWarning,
            stacklevel=2,
        )
    return arrays


class CIFAR10Dataset(Dataset):
    """A map-style dataset over uint8 HWC images and integer labels.

    ``dataset[i]`` is ``(transform(image), label)`` — or the raw (32, 32, 3) uint8 array when
    `transform` is None — with ``label`` a Python int (``CLASSES[label]`` is its name).
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, transform: Optional[Callable] = None) -> None:
        images, labels = np.asarray(images), np.asarray(labels)
        if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
            raise ValueError(f"images must be uint8 of shape (N, H, W, 3), got {images.dtype}{list(images.shape)}")
        if labels.shape != (len(images),):
            raise ValueError(f"labels must have shape ({len(images)},), got {list(labels.shape)}")
        self.images = images
        self.labels = labels
        self.transform = transform
        self.classes = CLASSES

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[Any, int]:
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.labels[index])


def _check_limit(limit: Optional[int]) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive int or None, got {limit!r}")


def get_datasets(
    transform: Optional[Callable],
    *,
    data_dir: Optional[PathLike] = None,
    cache_dir: Optional[PathLike] = None,
    download: bool = True,
    limit: Optional[int] = None,
) -> tuple[CIFAR10Dataset, CIFAR10Dataset, CIFAR10Dataset]:
    """(train, val, test) datasets: the first 49,000 training images, the last 1,000, and the 10,000 test images.

    `transform` is applied to each HWC uint8 image; `limit` keeps at most the first `limit` images
    of each split (for quick runs). When no folder holds CIFAR-10, the official copy is downloaded once
    (about 170 MB, internet needed) into ``default_data_dir()``; ``download=False`` raises instead.
    """
    _check_limit(limit)
    arrays = load_cifar10(data_dir, cache_dir=cache_dir, download=download)
    end = None if limit is None else limit
    splits = (
        (arrays.train_images[:NUM_TRAIN], arrays.train_labels[:NUM_TRAIN]),
        (arrays.train_images[NUM_TRAIN:], arrays.train_labels[NUM_TRAIN:]),
        (arrays.test_images, arrays.test_labels),
    )
    train, val, test = (CIFAR10Dataset(images[:end], labels[:end], transform) for images, labels in splits)
    return train, val, test


def get_loaders(
    transform: Optional[Callable],
    *,
    batch_size: int = 64,
    data_dir: Optional[PathLike] = None,
    cache_dir: Optional[PathLike] = None,
    download: bool = True,
    seed: int = 0,
    num_workers: int = 0,
    limit: Optional[int] = None,
) -> tuple[DataLoader, DataLoader, DataLoader]:
    """(train, val, test) DataLoaders over ``get_datasets``.

    The train loader shuffles with a ``torch.Generator`` seeded by `seed` (same seed, same order);
    val and test are not shuffled. Downloads CIFAR-10 once when it is not found (see ``get_datasets``).
    """
    train, val, test = get_datasets(transform, data_dir=data_dir, cache_dir=cache_dir, download=download,
                                    limit=limit)
    generator = torch.Generator()
    generator.manual_seed(seed)
    loader_train = DataLoader(train, batch_size=batch_size, shuffle=True, generator=generator,
                              num_workers=num_workers)
    loader_val = DataLoader(val, batch_size=batch_size, shuffle=False, num_workers=num_workers)
    loader_test = DataLoader(test, batch_size=batch_size, shuffle=False, num_workers=num_workers)
    return loader_train, loader_val, loader_test
