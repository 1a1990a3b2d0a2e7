"""Tests of the data module source/image_classification/cifar10.py.

Fast tests run on tiny synthetic data sets made in tmp_path (3 training and 2 test images per class,
NUM_TRAIN = 24): an extracted JPEG tree, its .tar.gz, and a fake torchvision `cifar-10-batches-py`.
The one slow test reads the real shared archive.
"""
from __future__ import annotations

import ast
import importlib.util
import io
import os
import pickle
import signal
import stat
import subprocess
import sys
import tarfile
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

pytestmark = pytest.mark.filterwarnings("ignore:The image decoding and encoding capabilities of TorchVision")

MODULE_PATH = Path(__file__).resolve().parents[2] / "source" / "image_classification" / "cifar10.py"


def _load_module():
    name = "_cifar10_under_test"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, MODULE_PATH)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up in sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


cifar10 = _load_module()
CLASSES = cifar10.CLASSES

TRAIN_PER_CLASS = 3
TEST_PER_CLASS = 2
SMALL_NUM_TRAIN = 24  # of 30 training images: 24 train, 6 validate
PER_CLASS = {"train": TRAIN_PER_CLASS, "test": TEST_PER_CLASS}


# --------------------------------------------------------------------------------------------------
# Synthetic data


def color(split: str, label: int, index: int, variant: int = 0) -> tuple[int, int, int]:
    """The flat colour of synthetic image `index` of class `label` (survives JPEG almost exactly)."""
    return (10 + 24 * label, 10 + 30 * index + 100 * variant, 60 if split == "train" else 180)


def jpeg_bytes(rgb, size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, tuple(rgb)).save(buffer, "JPEG", quality=100, subsampling=0)
    return buffer.getvalue()


def make_tree(root: Path, *, variant: int = 0, counts: dict | None = None, skip_class: str | None = None,
              extra_class: str | None = None) -> Path:
    """root/cifar10-jpeg/{train,test}/<class>/NNNN.jpg; returns the cifar10-jpeg folder."""
    top = root / "cifar10-jpeg"
    for split in ("train", "test"):
        for label, name in enumerate(CLASSES):
            if name == skip_class and split == "train":
                continue
            folder = top / split / name
            folder.mkdir(parents=True, exist_ok=True)
            n = (counts or {}).get((split, name), PER_CLASS[split])
            for i in range(n):
                (folder / f"{i:04d}.jpg").write_bytes(jpeg_bytes(color(split, label, i, variant)))
        if extra_class and split == "train":
            (top / split / extra_class).mkdir(parents=True)
            (top / split / extra_class / "0000.jpg").write_bytes(jpeg_bytes((1, 2, 3)))
    return top


def make_archive(folder: Path, tree: Path) -> Path:
    """folder/cifar10-jpeg.tar.gz holding `tree` as cifar10-jpeg/."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cifar10-jpeg.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.add(tree, arcname="cifar10-jpeg")
    return path


def archive_in(folder: Path, scratch: Path, **tree_options) -> Path:
    return make_archive(folder, make_tree(scratch, **tree_options))


def expected_colors(split: str, variant: int = 0) -> np.ndarray:
    """Colours in the module's order: classes interleaved (0, 1, ..., 9, 0, 1, ...)."""
    n = PER_CLASS[split] * len(CLASSES)
    return np.array([color(split, p % 10, p // 10, variant) for p in range(n)], dtype=np.int64)


def assert_colors(arrays, variant: int = 0) -> None:
    for split in ("train", "test"):
        images = getattr(arrays, f"{split}_images")
        labels = getattr(arrays, f"{split}_labels")
        assert images.dtype == np.uint8 and images.shape == (PER_CLASS[split] * 10, 32, 32, 3)
        assert labels.dtype == np.int64
        np.testing.assert_array_equal(labels, np.tile(np.arange(10), PER_CLASS[split]))
        mean_rgb = images.reshape(len(images), -1, 3).mean(axis=1)
        np.testing.assert_allclose(mean_rgb, expected_colors(split, variant), atol=3)


def make_batches(root: Path, *, seed: int = 0, name: str = "cifar-10-batches-py") -> dict[str, np.ndarray]:
    """A fake official folder (pickled dicts, CHW rows of 3072 bytes); returns the HWC arrays it holds."""
    rng = np.random.default_rng(seed)
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    result = {}
    for split in ("train", "test"):
        labels = rng.permutation(np.repeat(np.arange(10), PER_CLASS[split]))
        images = rng.integers(0, 256, (len(labels), 32, 32, 3), dtype=np.uint8)
        rows = images.transpose(0, 3, 1, 2).reshape(len(labels), 3072)
        names = [f"data_batch_{i}" for i in range(1, 6)] if split == "train" else ["test_batch"]
        for file_name, part_rows, part_labels in zip(names, np.array_split(rows, len(names)),
                                                     np.array_split(labels, len(names))):
            entry = {"batch_label": file_name, "labels": [int(x) for x in part_labels], "data": part_rows,
                     "filenames": [f"{i}.png" for i in range(len(part_labels))]}
            with open(folder / file_name, "wb") as f:
                pickle.dump(entry, f, protocol=2)
        result[f"{split}_images"], result[f"{split}_labels"] = images, labels.astype(np.int64)
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": list(CLASSES), "num_cases_per_batch": 6, "num_vis": 3072}, f, protocol=2)
    return result


def assert_same(arrays, expected: dict) -> None:
    for key, value in expected.items():
        np.testing.assert_array_equal(getattr(arrays, key), value)


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def cache_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.npz")) if cache.is_dir() else []


def forbid_decoding(monkeypatch) -> None:
    def fail(source):
        raise AssertionError(f"decoded {source} although a cache should have been used")
    monkeypatch.setattr(cifar10, "_decode_source", fail)


@pytest.fixture(autouse=True)
def isolated(request, monkeypatch, tmp_path):
    """No CIFAR-10 environment from outside; small expected sizes unless the test is marked slow."""
    monkeypatch.delenv("CIFAR10_ROOT", raising=False)
    monkeypatch.delenv("CIFAR10_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if request.node.get_closest_marker("slow") is None:
        monkeypatch.setattr(cifar10, "_TRAIN_PER_CLASS", TRAIN_PER_CLASS)
        monkeypatch.setattr(cifar10, "_TEST_PER_CLASS", TEST_PER_CLASS)
        monkeypatch.setattr(cifar10, "NUM_TRAIN", SMALL_NUM_TRAIN)


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def archive_dir(tmp_path) -> Path:
    """A data folder holding only cifar10-jpeg.tar.gz (variant 0)."""
    folder = tmp_path / "data"
    archive_in(folder, tmp_path / "scratch")
    return folder


# --------------------------------------------------------------------------------------------------
# The module itself


def test_module_is_self_contained():
    allowed = set(sys.stdlib_module_names) | {"numpy", "torch", "torchvision", "PIL"}
    tree = ast.parse(MODULE_PATH.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= allowed, imported - allowed


def test_module_docstring_is_korean_then_english():
    doc = cifar10.__doc__
    first_hangul = next(i for i, ch in enumerate(doc) if "\uac00" <= ch <= "\ud7a3")
    assert first_hangul < doc.index("CIFAR-10 data module")


def test_public_constants():
    assert CLASSES == ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
    assert issubclass(cifar10.CIFAR10DataError, RuntimeError)


# --------------------------------------------------------------------------------------------------
# Folders


def test_default_folders(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cifar10.default_data_dir() == tmp_path / "xdg" / "ai-vision-course" / "cifar10"
    assert cifar10.default_cache_dir() == tmp_path / "xdg" / "ai-vision-course" / "cifar10-cache"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cifar10.default_data_dir() == tmp_path / "home" / ".cache" / "ai-vision-course" / "cifar10"
    assert cifar10.default_cache_dir() == tmp_path / "home" / ".cache" / "ai-vision-course" / "cifar10-cache"
    monkeypatch.setenv("CIFAR10_CACHE", str(tmp_path / "elsewhere"))
    assert cifar10.default_cache_dir() == tmp_path / "elsewhere"
    assert tmp_path / "home" / ".cache" / "ai-vision-course" / "cifar10" not in cifar10.default_cache_dir().parents


def test_resolution_order(monkeypatch, tmp_path, cache):
    arg, env, default = tmp_path / "arg", tmp_path / "env", cifar10.default_data_dir()
    data = {folder: make_batches(folder, seed=seed) for seed, folder in enumerate((arg, env, default))}
    monkeypatch.setenv("CIFAR10_ROOT", str(env))
    assert cifar10.resolve_data_dir(arg) == arg
    assert_same(cifar10.load_cifar10(arg, cache_dir=cache), data[arg])
    assert cifar10.resolve_data_dir() == env
    assert_same(cifar10.load_cifar10(cache_dir=cache), data[env])
    monkeypatch.delenv("CIFAR10_ROOT")
    assert cifar10.resolve_data_dir() == default
    assert_same(cifar10.load_cifar10(cache_dir=cache), data[default])


def test_env_folder_without_data_falls_back_to_default(monkeypatch, tmp_path, cache):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("CIFAR10_ROOT", str(empty))
    assert cifar10.resolve_data_dir() == empty  # nothing anywhere: where a download would go
    expected = make_batches(cifar10.default_data_dir())
    assert cifar10.resolve_data_dir() == cifar10.default_data_dir()
    assert_same(cifar10.load_cifar10(cache_dir=cache), expected)


def test_explicit_folder_is_the_only_one_searched(tmp_path, cache):
    make_batches(cifar10.default_data_dir())
    (tmp_path / "empty").mkdir()
    with pytest.raises(cifar10.CIFAR10DataError) as info:
        cifar10.load_cifar10(tmp_path / "empty", cache_dir=cache)
    assert str(tmp_path / "empty") in str(info.value)
    assert str(cifar10.default_data_dir()) not in str(info.value).split("three ways")[0]


def test_no_data_error_names_the_three_ways_and_the_searched_folders(monkeypatch, tmp_path, cache):
    env = tmp_path / "env"
    env.mkdir()
    monkeypatch.setenv("CIFAR10_ROOT", str(env))
    with pytest.raises(cifar10.CIFAR10DataError) as info:
        cifar10.load_cifar10(cache_dir=cache)
    message = str(info.value)
    for part in ("data_dir", "CIFAR10_ROOT", "download=True", "cifar10-jpeg.tar.gz", "cifar-10-batches-py",
                 "default_data_dir()", str(env), str(cifar10.default_data_dir())):
        assert part in message, part
    assert not cache.exists()


def test_cifar10_root_pointing_at_the_archive_folder_just_works(monkeypatch, archive_dir, cache):
    monkeypatch.setenv("CIFAR10_ROOT", str(archive_dir))
    assert_colors(cifar10.load_cifar10(cache_dir=cache))


@pytest.mark.parametrize("target", ["archive file", "batches folder", "jpeg folder"])
def test_folder_may_be_the_source_itself(tmp_path, cache, target):
    if target == "archive file":
        given = archive_in(tmp_path / "data", tmp_path / "scratch")
    elif target == "batches folder":
        make_batches(tmp_path)
        given = tmp_path / "cifar-10-batches-py"
    else:
        given = make_tree(tmp_path)
    arrays = cifar10.load_cifar10(given, cache_dir=cache)
    assert arrays.train_images.shape == (30, 32, 32, 3)


def test_source_preference_within_a_folder(tmp_path, cache):
    data = tmp_path / "data"
    make_tree(data, variant=0)  # extracted folder: variant 0
    archive_in(data, tmp_path / "scratch", variant=1)  # archive: variant 1
    official = make_batches(data)
    assert_same(cifar10.load_cifar10(data, cache_dir=cache), official)
    for path in sorted((data / "cifar-10-batches-py").iterdir()):
        path.unlink()
    (data / "cifar-10-batches-py").rmdir()
    assert_colors(cifar10.load_cifar10(data, cache_dir=cache), variant=0)
    for path in sorted((data / "cifar10-jpeg").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (data / "cifar10-jpeg").rmdir()
    assert_colors(cifar10.load_cifar10(data, cache_dir=cache), variant=1)


# --------------------------------------------------------------------------------------------------
# Reading the sources


def test_archive_is_read_without_extracting(archive_dir, cache):
    before = snapshot(archive_dir)
    arrays = cifar10.load_cifar10(archive_dir, cache_dir=cache)
    assert_colors(arrays)
    assert snapshot(archive_dir) == before
    assert len(cache_files(cache)) == 1


def test_extracted_folder(tmp_path, cache):
    make_tree(tmp_path / "data")
    assert_colors(cifar10.load_cifar10(tmp_path / "data", cache_dir=cache))


def test_official_batches_keep_their_order(tmp_path, cache):
    expected = make_batches(tmp_path)
    arrays = cifar10.load_cifar10(tmp_path, cache_dir=cache)
    assert_same(arrays, expected)
    assert arrays.train_images.flags.c_contiguous


def test_read_only_data_folder_gets_no_cache(tmp_path, cache):
    data = tmp_path / "data"
    archive_in(data, tmp_path / "scratch")
    make_tree(data)
    paths = [data, *data.rglob("*")]
    before = snapshot(data)
    for path in paths:
        path.chmod(stat.S_IREAD | stat.S_IEXEC if path.is_dir() else stat.S_IREAD)
    try:
        assert_colors(cifar10.load_cifar10(data, cache_dir=cache))
        assert_colors(cifar10.load_cifar10(data))  # the default cache folder too
    finally:
        for path in paths:
            path.chmod(stat.S_IRWXU)
    assert snapshot(data) == before  # nothing written, nothing extracted
    assert len(cache_files(cache)) == 1
    assert len(cache_files(cifar10.default_cache_dir())) == 1


# --------------------------------------------------------------------------------------------------
# Damaged sources


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.7, 0.995])
def test_truncated_archive(archive_dir, cache, fraction):
    path = archive_dir / "cifar10-jpeg.tar.gz"
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(cifar10.CIFAR10DataError) as info:
        cifar10.load_cifar10(archive_dir, cache_dir=cache)
    assert str(path) in str(info.value)
    assert "again" in str(info.value)
    assert cache_files(cache) == []


def test_archive_not_matching_its_checksum_file(archive_dir, cache):
    path = archive_dir / "cifar10-jpeg.tar.gz"
    (archive_dir / "cifar10-jpeg.tar.gz.sha256").write_text("0" * 64 + "  cifar10-jpeg.tar.gz\n")
    with pytest.raises(cifar10.CIFAR10DataError, match="does not match"):
        cifar10.load_cifar10(archive_dir, cache_dir=cache)
    import hashlib
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (archive_dir / "cifar10-jpeg.tar.gz.sha256").write_text(f"{digest}  cifar10-jpeg.tar.gz\n")
    assert_colors(cifar10.load_cifar10(archive_dir, cache_dir=cache))


def _damaged_tree(tmp_path: Path, damage: str) -> tuple[Path, str]:
    """A tree with one problem; returns (the cifar10-jpeg folder, text the error must contain)."""
    if damage == "missing class":
        return make_tree(tmp_path, skip_class="cat"), "cat"
    if damage == "extra class":
        return make_tree(tmp_path, extra_class="cats"), "cats"
    if damage == "too many":
        return make_tree(tmp_path, counts={("test", "dog"): 3}), "test/dog has 3 images, expected 2"
    if damage == "too few":
        return make_tree(tmp_path, counts={("train", "ship"): 2}), "train/ship has 2 images, expected 3"
    top = make_tree(tmp_path)
    if damage == "wrong size":
        (top / "train" / "frog" / "0001.jpg").write_bytes(jpeg_bytes((5, 5, 5), size=(32, 31)))
        return top, "frog/0001.jpg"
    if damage == "undecodable":
        (top / "test" / "horse" / "0000.jpg").write_bytes(b"this is not a JPEG file")
        return top, "horse/0000.jpg"
    if damage == "truncated jpeg":
        path = top / "train" / "deer" / "0002.jpg"
        path.write_bytes(path.read_bytes()[:200])
        return top, "deer/0002.jpg"
    raise ValueError(damage)


DAMAGES = ["missing class", "extra class", "too many", "too few", "wrong size", "undecodable", "truncated jpeg"]


@pytest.mark.parametrize("kind", ["archive", "folder"])
@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_image_data(tmp_path, cache, kind, damage):
    top, expected_text = _damaged_tree(tmp_path / "scratch", damage)
    data = tmp_path / "data"
    if kind == "archive":
        make_archive(data, top)
        origin = data / "cifar10-jpeg.tar.gz"
    else:
        data = top.parent
        origin = top
    with pytest.raises(cifar10.CIFAR10DataError) as info:
        cifar10.load_cifar10(data, cache_dir=cache)
    message = str(info.value)
    assert expected_text in message
    assert str(origin) in message
    assert cache_files(cache) == []


def test_oversized_member_is_refused_before_reading(monkeypatch, tmp_path, cache):
    monkeypatch.setattr(cifar10, "_MAX_IMAGE_BYTES", 100)  # every synthetic JPEG is larger
    archive = archive_in(tmp_path / "data", tmp_path / "scratch")
    with pytest.raises(cifar10.CIFAR10DataError, match="too many for a 32x32 image") as info:
        cifar10.load_cifar10(archive.parent, cache_dir=cache)
    assert str(archive) in str(info.value)


def test_partial_official_batches(tmp_path, cache):
    make_batches(tmp_path)
    (tmp_path / "cifar-10-batches-py" / "data_batch_3").unlink()
    with pytest.raises(cifar10.CIFAR10DataError, match="data_batch_3") as info:
        cifar10.load_cifar10(tmp_path, cache_dir=cache)
    assert "download=True" in str(info.value)


@pytest.mark.parametrize("damage", ["not a pickle", "wrong row size", "wrong label count", "wrong class counts"])
def test_damaged_official_batches(tmp_path, cache, damage):
    make_batches(tmp_path)
    path = tmp_path / "cifar-10-batches-py" / "test_batch"
    with open(path, "rb") as f:
        entry = pickle.load(f)
    if damage == "not a pickle":
        path.write_bytes(b"garbage")
    else:
        if damage == "wrong row size":
            entry["data"] = entry["data"][:, :1000]
        elif damage == "wrong label count":
            entry["labels"] = entry["labels"][:-1]
        else:
            entry["labels"] = [0] * len(entry["labels"])
        with open(path, "wb") as f:
            pickle.dump(entry, f)
    with pytest.raises(cifar10.CIFAR10DataError) as info:
        cifar10.load_cifar10(tmp_path, cache_dir=cache)
    assert str(tmp_path / "cifar-10-batches-py") in str(info.value)
    assert cache_files(cache) == []


# --------------------------------------------------------------------------------------------------
# The cache


def test_second_load_uses_the_cache(monkeypatch, archive_dir, cache):
    first = cifar10.load_cifar10(archive_dir, cache_dir=cache)
    (cache_file,) = cache_files(cache)
    assert not cache_file.is_relative_to(archive_dir)
    forbid_decoding(monkeypatch)
    second = cifar10.load_cifar10(archive_dir, cache_dir=cache)
    for name in ("train_images", "train_labels", "test_images", "test_labels"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert second.train_images.flags.writeable


def test_cache_dir_from_environment(monkeypatch, archive_dir, tmp_path):
    monkeypatch.setenv("CIFAR10_CACHE", str(tmp_path / "envcache"))
    cifar10.load_cifar10(archive_dir)
    assert len(cache_files(tmp_path / "envcache")) == 1


def test_moved_archive_keeps_its_cache(monkeypatch, archive_dir, tmp_path, cache):
    cifar10.load_cifar10(archive_dir, cache_dir=cache)
    moved = tmp_path / "moved"
    archive_dir.rename(moved)
    forbid_decoding(monkeypatch)
    assert_colors(cifar10.load_cifar10(moved, cache_dir=cache))


def test_changed_archive_is_decoded_again(tmp_path, archive_dir, cache):
    assert_colors(cifar10.load_cifar10(archive_dir, cache_dir=cache), variant=0)
    archive_in(archive_dir, tmp_path / "other", variant=1)
    assert_colors(cifar10.load_cifar10(archive_dir, cache_dir=cache), variant=1)
    assert len(cache_files(cache)) == 2


def test_changed_folder_is_decoded_again(tmp_path, cache):
    top = make_tree(tmp_path / "data")
    first = cifar10.load_cifar10(tmp_path / "data", cache_dir=cache)
    path = top / "test" / "truck" / "0001.jpg"
    path.write_bytes(jpeg_bytes((200, 200, 200)))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    second = cifar10.load_cifar10(tmp_path / "data", cache_dir=cache)
    position = 1 * 10 + 9  # image 1 of class 9, interleaved
    assert abs(int(first.test_images[position].mean()) - 200) > 20
    assert abs(int(second.test_images[position].mean()) - 200) <= 3


def test_changed_batches_are_read_again(tmp_path, cache):
    make_batches(tmp_path, seed=0)
    cifar10.load_cifar10(tmp_path, cache_dir=cache)
    expected = make_batches(tmp_path, seed=1)
    for path in (tmp_path / "cifar-10-batches-py").iterdir():
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert_same(cifar10.load_cifar10(tmp_path, cache_dir=cache), expected)


def _bad_contents(path: Path) -> None:
    """A well-formed cache file with the right key but wrong contents (labels all 0)."""
    with np.load(path) as stored:
        contents = {name: stored[name] for name in stored.files}
    contents["train_labels"] = np.zeros_like(contents["train_labels"])
    np.savez(path, **contents)


CORRUPTIONS = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "flipped byte": lambda p: p.write_bytes(
        (lambda b: b[: len(b) // 2] + bytes([b[len(b) // 2] ^ 0xFF]) + b[len(b) // 2 + 1:])(p.read_bytes())),
    "empty": lambda p: p.write_bytes(b""),
    "not a zip": lambda p: p.write_text("hello"),
    "wrong contents": _bad_contents,
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupt_cache_is_rebuilt_with_a_warning(monkeypatch, archive_dir, cache, corruption):
    cifar10.load_cifar10(archive_dir, cache_dir=cache)
    (cache_file,) = cache_files(cache)
    CORRUPTIONS[corruption](cache_file)
    with pytest.warns(RuntimeWarning, match="rebuilding") as record:
        arrays = cifar10.load_cifar10(archive_dir, cache_dir=cache)
    assert str(cache_file) in str(record[0].message)
    assert_colors(arrays)
    forbid_decoding(monkeypatch)  # the rebuilt cache is whole again
    assert_colors(cifar10.load_cifar10(archive_dir, cache_dir=cache))


def test_cache_of_other_data_under_the_same_name_is_not_used(monkeypatch, tmp_path, archive_dir, cache):
    cifar10.load_cifar10(archive_dir, cache_dir=cache)
    (cache_file,) = cache_files(cache)
    other = tmp_path / "other"
    make_batches(other)
    other_arrays = cifar10.load_cifar10(other, cache_dir=tmp_path / "other-cache")
    (other_file,) = cache_files(tmp_path / "other-cache")
    other_file.replace(cache_file)  # right file name, wrong data
    with pytest.warns(RuntimeWarning, match="other data"):
        arrays = cifar10.load_cifar10(archive_dir, cache_dir=cache)
    assert_colors(arrays)
    assert not np.array_equal(arrays.train_images, other_arrays.train_images)


def test_failed_cache_write_leaves_nothing_behind(monkeypatch, archive_dir, cache):
    real_savez = np.savez

    def failing_savez(file, **arrays):
        file.write(b"PK\x03\x04 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cifar10.np, "savez", failing_savez)
    with pytest.warns(RuntimeWarning, match="Could not write"):
        assert_colors(cifar10.load_cifar10(archive_dir, cache_dir=cache))
    assert list(cache.iterdir()) == []
    monkeypatch.setattr(cifar10.np, "savez", real_savez)
    cifar10.load_cifar10(archive_dir, cache_dir=cache)
    assert len(cache_files(cache)) == 1


def test_interrupted_cache_write_leaves_no_cache(monkeypatch, archive_dir, cache):
    def interrupted_savez(file, **arrays):
        file.write(b"PK\x03\x04 partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(cifar10.np, "savez", interrupted_savez)
    with pytest.raises(KeyboardInterrupt):
        cifar10.load_cifar10(archive_dir, cache_dir=cache)
    assert list(cache.iterdir()) == []


def test_killed_process_never_leaves_a_half_cache(archive_dir, cache, tmp_path):
    """A process killed (SIGKILL) while writing the cache leaves at most a temporary file."""
    script = tmp_path / "killed.py"
    script.write_text(textwrap.dedent(f"""
        import importlib.util, os, signal, sys
        import numpy as np
        spec = importlib.util.spec_from_file_location("cifar10_killed", {str(MODULE_PATH)!r})
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        module._TRAIN_PER_CLASS, module._TEST_PER_CLASS = {TRAIN_PER_CLASS}, {TEST_PER_CLASS}
        def savez(file, **arrays):
            file.write(b"PK\\x03\\x04" + bytes(1000))
            file.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        np.savez = savez
        module.load_cifar10({str(archive_dir)!r}, cache_dir={str(cache)!r})
    """))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    assert cache_files(cache) == []  # only a hidden temporary file may be left
    assert_colors(cifar10.load_cifar10(archive_dir, cache_dir=cache))
    assert len(cache_files(cache)) == 1


def test_concurrent_builds_agree(archive_dir, cache):
    results, errors = [], []

    def load():
        try:
            results.append(cifar10.load_cifar10(archive_dir, cache_dir=cache))
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for arrays in results:
        assert_colors(arrays)
    assert len(cache_files(cache)) == 1
    assert [p for p in cache.iterdir() if p.suffix == ".tmp"] == []
    assert_colors(cifar10._read_cache(cache_files(cache)[0], cifar10._fingerprint(
        cifar10._find_source(archive_dir))))


def test_unwritable_cache_folder_still_loads(archive_dir, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.warns(RuntimeWarning, match="CIFAR10_CACHE"):
        assert_colors(cifar10.load_cifar10(archive_dir, cache_dir=blocker / "cache"))


# --------------------------------------------------------------------------------------------------
# Download


class _FakeTorchvisionCIFAR10:
    calls: list = []

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        type(self).calls.append({"root": root, "train": train, "download": download})
        make_batches(Path(root))


def test_download_uses_torchvision_into_the_default_folder(monkeypatch, cache):
    import torchvision.datasets

    calls = []
    fake = type("FakeCIFAR10", (_FakeTorchvisionCIFAR10,), {"calls": calls})
    monkeypatch.setattr(torchvision.datasets, "CIFAR10", fake)
    arrays = cifar10.load_cifar10(download=True, cache_dir=cache)
    assert calls == [{"root": str(cifar10.default_data_dir()), "train": True, "download": True}]
    assert (cifar10.default_data_dir() / "cifar-10-batches-py" / "test_batch").is_file()
    assert arrays.test_images.shape == (20, 32, 32, 3)
    cifar10.load_cifar10(download=True, cache_dir=cache)  # found now: no second download
    assert len(calls) == 1


def test_the_loaders_download_by_default_when_nothing_is_found(monkeypatch, cache):
    """A student at home with internet: get_loaders()/get_datasets() (the notebook's calls) fetch the data."""
    import torchvision.datasets

    calls = []
    monkeypatch.setattr(torchvision.datasets, "CIFAR10", type("F", (_FakeTorchvisionCIFAR10,), {"calls": calls}))
    train, val, test = cifar10.get_loaders(None, batch_size=4, cache_dir=cache)
    assert calls == [{"root": str(cifar10.default_data_dir()), "train": True, "download": True}]
    assert len(test.dataset) == 20
    cifar10.get_datasets(None, cache_dir=cache)  # found now: no second download
    assert len(calls) == 1
    with pytest.raises(cifar10.CIFAR10DataError):  # download=False still refuses (the grader's way)
        cifar10.get_datasets(None, data_dir=cache.parent / "nowhere", cache_dir=cache, download=False)


def test_offline_the_loaders_say_what_to_do(monkeypatch, cache):
    import torchvision.datasets

    def offline(*args, **kwargs):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", offline)
    with pytest.raises(cifar10.CIFAR10DataError) as info:
        cifar10.get_loaders(None, cache_dir=cache)
    message = str(info.value)
    assert message.startswith("CIFAR-10을") and "내려받지 못했습니다" in message  # Korean first
    for part in ("Network is unreachable", "data_dir=", "CIFAR10_ROOT", "cifar10-jpeg.tar.gz"):
        assert part in message, part


def test_download_not_needed_when_data_is_there(monkeypatch, archive_dir, cache):
    import torchvision.datasets

    calls = []
    monkeypatch.setattr(torchvision.datasets, "CIFAR10", type("F", (_FakeTorchvisionCIFAR10,), {"calls": calls}))
    assert_colors(cifar10.load_cifar10(archive_dir, cache_dir=cache, download=True))
    assert calls == []


def test_failed_download_is_explained(monkeypatch, cache):
    import torchvision.datasets

    def offline(*args, **kwargs):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", offline)
    with pytest.raises(cifar10.CIFAR10DataError, match="Network is unreachable") as info:
        cifar10.load_cifar10(download=True, cache_dir=cache)
    assert "CIFAR10_ROOT" in str(info.value)


# --------------------------------------------------------------------------------------------------
# Datasets and loaders


def _normalize():
    from torchvision import transforms
    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,) * 3, (0.5,) * 3)])


def test_dataset_items():
    images = np.arange(2 * 32 * 32 * 3, dtype=np.int64).reshape(2, 32, 32, 3).astype(np.uint8)
    dataset = cifar10.CIFAR10Dataset(images, np.array([3, 7]))
    assert len(dataset) == 2
    image, label = dataset[1]
    assert type(label) is int and label == 7
    assert isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.shape == (32, 32, 3)
    np.testing.assert_array_equal(image, images[1])
    tensor, label = cifar10.CIFAR10Dataset(images, np.array([3, 7]), transform=_normalize())[0]
    assert label == 3 and tensor.shape == (3, 32, 32) and tensor.dtype == torch.float32
    expected = torch.from_numpy(images[0]).permute(2, 0, 1).float() / 255 * 2 - 1
    torch.testing.assert_close(tensor, expected)
    seen = []
    dataset = cifar10.CIFAR10Dataset(images, np.array([3, 7]), transform=lambda x: seen.append(x) or "done")
    assert dataset[0] == ("done", 3) and len(seen) == 1


def test_dataset_rejects_mismatched_arrays():
    with pytest.raises(ValueError):
        cifar10.CIFAR10Dataset(np.zeros((3, 32, 32, 3), np.uint8), np.zeros(2, np.int64))
    with pytest.raises(ValueError):
        cifar10.CIFAR10Dataset(np.zeros((3, 32, 32), np.uint8), np.zeros(3, np.int64))


def test_get_datasets_splits(archive_dir, cache):
    train, val, test = cifar10.get_datasets(None, data_dir=archive_dir, cache_dir=cache)
    assert (len(train), len(val), len(test)) == (SMALL_NUM_TRAIN, 6, 20)
    arrays = cifar10.load_cifar10(archive_dir, cache_dir=cache)
    np.testing.assert_array_equal(val[0][0], arrays.train_images[SMALL_NUM_TRAIN])
    np.testing.assert_array_equal(train[SMALL_NUM_TRAIN - 1][0], arrays.train_images[SMALL_NUM_TRAIN - 1])
    assert [val[i][1] for i in range(6)] == [4, 5, 6, 7, 8, 9]
    np.testing.assert_array_equal(test[19][0], arrays.test_images[19])
    transformed = cifar10.get_datasets(_normalize(), data_dir=archive_dir, cache_dir=cache)
    assert all(split[0][0].shape == (3, 32, 32) for split in transformed)


@pytest.mark.parametrize("limit, sizes", [(5, (5, 5, 5)), (10, (10, 6, 10)), (1000, (24, 6, 20))])
def test_limit(archive_dir, cache, limit, sizes):
    train, val, test = cifar10.get_datasets(None, data_dir=archive_dir, cache_dir=cache, limit=limit)
    assert (len(train), len(val), len(test)) == sizes
    assert [train[i][1] for i in range(len(train))] == [i % 10 for i in range(sizes[0])]  # the first images
    loaders = cifar10.get_loaders(None, data_dir=archive_dir, cache_dir=cache, limit=limit, batch_size=4)
    assert tuple(len(loader.dataset) for loader in loaders) == sizes


@pytest.mark.parametrize("limit", [0, -1, 2.5, True, "5"])
def test_bad_limit(archive_dir, cache, limit):
    with pytest.raises(ValueError):
        cifar10.get_datasets(None, data_dir=archive_dir, cache_dir=cache, limit=limit)


def _labels_and_means(loader):
    labels, means = [], []
    for images, batch_labels in loader:
        labels += batch_labels.tolist()
        means += images.float().mean(dim=(1, 2, 3)).tolist()
    return labels, means


def test_loaders(archive_dir, cache):
    train, val, test = cifar10.get_loaders(_normalize(), batch_size=4, data_dir=archive_dir, cache_dir=cache,
                                           seed=3, num_workers=0)
    images, labels = next(iter(train))
    assert images.shape == (4, 3, 32, 32) and images.dtype == torch.float32
    assert labels.shape == (4,) and labels.dtype == torch.int64
    assert images.min() >= -1 and images.max() <= 1
    assert train.batch_size == 4 and train.num_workers == 0
    assert _labels_and_means(val)[0] == [4, 5, 6, 7, 8, 9]  # not shuffled
    assert _labels_and_means(test)[0] == [i % 10 for i in range(20)]
    train_labels = _labels_and_means(train)[0]
    assert sorted(train_labels) == sorted(i % 10 for i in range(SMALL_NUM_TRAIN))
    assert train_labels != [i % 10 for i in range(SMALL_NUM_TRAIN)]  # shuffled


def test_seeded_shuffle(archive_dir, cache):
    def order(seed):
        loader = cifar10.get_loaders(None, batch_size=5, data_dir=archive_dir, cache_dir=cache, seed=seed)[0]
        return _labels_and_means(loader)

    assert order(0) == order(0)
    assert order(7) == order(7)
    assert order(0) != order(7)
    loader = cifar10.get_loaders(None, batch_size=5, data_dir=archive_dir, cache_dir=cache, seed=0)[0]
    assert _labels_and_means(loader) != _labels_and_means(loader)  # each epoch is a new order


def test_raw_images_collate(archive_dir, cache):
    train = cifar10.get_loaders(None, batch_size=4, data_dir=archive_dir, cache_dir=cache)[0]
    images, labels = next(iter(train))
    assert images.shape == (4, 32, 32, 3) and images.dtype == torch.uint8


# --------------------------------------------------------------------------------------------------
# The real data set


@pytest.mark.slow
def test_real_cifar10(monkeypatch, cifar10_root, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cifar10-cache")
    monkeypatch.setenv("CIFAR10_CACHE", str(cache))
    arrays = cifar10.load_cifar10(cifar10_root)
    assert arrays.train_images.shape == (50000, 32, 32, 3) and arrays.train_images.dtype == np.uint8
    assert arrays.test_images.shape == (10000, 32, 32, 3) and arrays.test_images.dtype == np.uint8
    assert arrays.train_labels.shape == (50000,) and arrays.train_labels.dtype == np.int64
    assert arrays.test_labels.shape == (10000,) and arrays.test_labels.dtype == np.int64
    assert np.bincount(arrays.train_labels, minlength=10).tolist() == [5000] * 10
    assert np.bincount(arrays.test_labels, minlength=10).tolist() == [1000] * 10
    assert np.bincount(arrays.train_labels[cifar10.NUM_TRAIN:], minlength=10).min() >= 50  # a balanced val set
    pixels = np.concatenate([arrays.train_images.reshape(-1, 3), arrays.test_images.reshape(-1, 3)])
    np.testing.assert_allclose(pixels.mean(axis=0) / 255, (0.4917, 0.4826, 0.4471), atol=2e-3)

    (cache_file,) = cache_files(cache)
    assert cache_file.stat().st_size > 60000 * 3072
    forbid_decoding(monkeypatch)  # from here on every load must come from the cache
    again = cifar10.load_cifar10(cifar10_root)
    np.testing.assert_array_equal(again.test_images, arrays.test_images)
    np.testing.assert_array_equal(again.train_labels, arrays.train_labels)
    monkeypatch.setenv("CIFAR10_ROOT", str(cifar10_root))
    train, val, test = cifar10.get_loaders(_normalize(), batch_size=64)
    assert (len(train.dataset), len(val.dataset), len(test.dataset)) == (49000, 1000, 10000)
    images, labels = next(iter(train))
    assert images.shape == (64, 3, 32, 32) and labels.shape == (64,)
