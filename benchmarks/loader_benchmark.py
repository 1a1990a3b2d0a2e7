"""Time one pass over the 49,000-image CIFAR-10 training split with three input pipelines.

(a) ours: ``cifar10.get_loaders`` (cached uint8 arrays) + ToTensor + Normalize
(b) torchvision's per-sample pipeline: ``torchvision.datasets.CIFAR10`` (numpy -> PIL -> tensor) + ToTensor +
    Normalize, on an official-format ``cifar-10-batches-py`` synthesized from the decoded arrays
(c) ``torchvision.datasets.ImageFolder`` over the extracted JPEGs (a JPEG decode per sample) + ToTensor + Normalize

It also times ``load_cifar10`` cold (decode into a fresh cache) and warm (from that cache).
All loaders use batch 64, the same number of workers (default 0) and shuffle the training split.

    python benchmarks/loader_benchmark.py --data-dir ../shared/datasets
"""
from __future__ import annotations

import argparse
import pickle
import shutil
import sys
import tarfile
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "source" / "image_classification"))
import cifar10  # noqa: E402  (the data module sits in source/image_classification)


class _UncheckedCIFAR10(datasets.CIFAR10):
    """torchvision's CIFAR10 over a synthesized copy (its md5 sums differ from the official files)."""

    def _check_integrity(self) -> bool:
        return True

    def _load_meta(self) -> None:  # the same, without the md5 check of batches.meta
        with open(Path(self.root) / self.base_folder / self.meta["filename"], "rb") as f:
            self.classes = pickle.load(f, encoding="latin1")[self.meta["key"]]
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}


def _write_official_batches(arrays: cifar10.CIFAR10Arrays, root: Path) -> None:
    """Write cifar-10-batches-py in the official pickle format: rows of 3072 uint8 (CHW), 'labels' lists."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)

    def dump(name: str, images: np.ndarray, labels: np.ndarray) -> None:
        rows = np.ascontiguousarray(images.transpose(0, 3, 1, 2)).reshape(len(images), 3072)
        entry = {"batch_label": name, "labels": [int(x) for x in labels], "data": rows,
                 "filenames": [f"{i:05d}.png" for i in range(len(labels))]}
        with open(folder / name, "wb") as f:
            pickle.dump(entry, f, protocol=2)

    for i in range(5):
        part = slice(i * 10_000, (i + 1) * 10_000)
        dump(f"data_batch_{i + 1}", arrays.train_images[part], arrays.train_labels[part])
    dump("test_batch", arrays.test_images, arrays.test_labels)
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": list(cifar10.CLASSES), "num_cases_per_batch": 10_000, "num_vis": 3072}, f,
                    protocol=2)


def _jpeg_train_folder(data_dir: Path, scratch: Path) -> Path | None:
    """The extracted cifar10-jpeg/train folder: found in the data folder, or extracted from the archive."""
    for candidate in (data_dir / "cifar10-jpeg" / "train", data_dir / "train"):
        if (candidate / cifar10.CLASSES[0]).is_dir():
            return candidate
    archive = data_dir / "cifar10-jpeg.tar.gz" if data_dir.is_dir() else data_dir
    if not archive.is_file():
        return None
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        if sys.version_info >= (3, 12):
            tar.extractall(scratch, members=members, filter="data")
        else:
            tar.extractall(scratch, members=members)
    return scratch / "cifar10-jpeg" / "train"


def _report(label: str, wall: float, cpu: float) -> None:
    print(f"  {label:<66s} {wall:7.2f} s  (CPU {cpu:6.2f} s)", flush=True)


def _timed(label: str, function: Callable[[], object]) -> tuple[float, object]:
    """Run `function`, print its wall-clock and CPU time (this process), return (wall seconds, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    _report(label, wall, cpu)
    return wall, result


def _one_pass(loader: DataLoader) -> int:
    count = 0
    for _, labels in loader:
        count += len(labels)
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help="folder holding CIFAR-10 (default: CIFAR10_ROOT, ...)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--num-workers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-imagefolder", action="store_true", help="skip (c), the per-sample JPEG decode")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="The image decoding and encoding capabilities of TorchVision")

    data_dir = cifar10.resolve_data_dir(args.data_dir)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,) * 3, (0.5,) * 3)])
    print(f"data folder: {data_dir}; batch {args.batch_size}, {args.num_workers} workers, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")

    with tempfile.TemporaryDirectory(prefix="cifar10-bench-") as scratch_name:
        scratch = Path(scratch_name)
        cache = scratch / "cache"
        print("load_cifar10:")
        cold, arrays = _timed("cold (decode into a fresh cache)", lambda: cifar10.load_cifar10(
            args.data_dir, cache_dir=cache))
        warm, arrays = _timed("warm (from the cache)", lambda: cifar10.load_cifar10(args.data_dir, cache_dir=cache))

        print(f"one pass over the {cifar10.NUM_TRAIN:,}-image training split:")
        _, loaders = _timed("(a) ours: get_loaders (from the cache)", lambda: cifar10.get_loaders(
            transform, batch_size=args.batch_size, data_dir=args.data_dir, cache_dir=cache, seed=args.seed,
            num_workers=args.num_workers))
        ours, count = _timed("(a) ours: pass", lambda: _one_pass(loaders[0]))
        assert count == cifar10.NUM_TRAIN, count

        generator = torch.Generator().manual_seed(args.seed)
        _write_official_batches(arrays, scratch / "official")
        _, official = _timed("(b) torchvision CIFAR10: read cifar-10-batches-py", lambda: _UncheckedCIFAR10(
            str(scratch / "official"), train=True, transform=transform))
        loader = DataLoader(Subset(official, range(cifar10.NUM_TRAIN)), batch_size=args.batch_size, shuffle=True,
                            generator=generator, num_workers=args.num_workers)
        torchvision_seconds, count = _timed("(b) torchvision CIFAR10 + ToTensor + Normalize: pass",
                                            lambda: _one_pass(loader))
        assert count == cifar10.NUM_TRAIN, count
        shutil.rmtree(scratch / "official")

        folder_seconds = None
        train_folder = None if args.skip_imagefolder else _jpeg_train_folder(data_dir, scratch / "jpeg")
        if train_folder is not None:
            image_folder = datasets.ImageFolder(str(train_folder), transform=transform)
            assert tuple(image_folder.classes) == cifar10.CLASSES
            subset = Subset(image_folder, np.random.default_rng(args.seed).permutation(len(image_folder))
                            [: cifar10.NUM_TRAIN].tolist())
            loader = DataLoader(subset, batch_size=args.batch_size, shuffle=True,
                                generator=torch.Generator().manual_seed(args.seed), num_workers=args.num_workers)
            folder_seconds, count = _timed("(c) ImageFolder (JPEG per sample) + ToTensor + Normalize: pass",
                                           lambda: _one_pass(loader))
            assert count == cifar10.NUM_TRAIN, count

    print("summary:")
    print(f"  load_cifar10 cold {cold:.2f} s, warm {warm:.2f} s ({cold / warm:.0f}x)")
    print(f"  (a) ours {ours:.2f} s = {cifar10.NUM_TRAIN / ours:,.0f} images/s")
    print(f"  (b) torchvision CIFAR10 {torchvision_seconds:.2f} s: ours is {torchvision_seconds / ours:.2f}x as fast")
    if folder_seconds is not None:
        print(f"  (c) ImageFolder {folder_seconds:.2f} s: ours is {folder_seconds / ours:.2f}x as fast")


if __name__ == "__main__":
    main()
