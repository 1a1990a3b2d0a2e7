"""The data set an assignment's data-needing checks use, loaded by the answer key's own trusted module and
written where the children may read it (never the test labels)."""
from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np

from autograder.assignments import Assignment
from autograder.feedback.language import pair
from autograder.grade.errors import GradingError


def load_data_module(record: Assignment, *, solutions_dir: Path) -> Any:
    """The answer key's data module of `record` (its `data.module`), imported in the grader's process."""
    assert record.data is not None, record.name
    path = solutions_dir / record.name / record.data.module
    spec = importlib.util.spec_from_file_location(f"_autograder_trusted_{record.name}_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise GradingError(pair(f"채점기의 데이터 모듈 {path}이(가) 없습니다. `autograder assign`을 실행하세요.",
                                f"the trusted data module {path} is missing; run `autograder assign`"), exit_code=3)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def prepare_data(record: Assignment, *, solutions_dir: Path, data_dir: str | None, target: Path,
                 student_target: Path | None = None) -> tuple[np.ndarray, str, np.ndarray | None]:
    """Write the data set's images (CIFAR-10 for image_classification) the children may see (train images and labels, test images; never the
    test labels) into `target` (for the answer key) and, when `student_target` is given, the same with
    the test images in a secret order that changes every grading (for the student's code). Returns the
    test labels (kept in this process), a data fingerprint and the secret permutation (or None)."""
    from autograder.grade.rescore import secret_permutation

    assert record.data is not None, record.name
    loader = load_data_module(record, solutions_dir=solutions_dir)
    try:
        arrays = getattr(loader, record.data.load)(data_dir)
    except getattr(loader, record.data.error) as exc:
        raise GradingError(pair("정확도 검사에 CIFAR-10이 필요한데 불러오지 못했습니다:",
                                "CIFAR-10 is needed for the accuracy checks and could not be loaded:") + f"\n{exc}",
                           exit_code=3) from exc
    folders = [(target, arrays.test_images)]
    permutation = None
    if student_target is not None:
        permutation = secret_permutation(len(arrays.test_images))
        folders.append((student_target, arrays.test_images[permutation]))
    for folder, test_images in folders:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755 if folder == student_target else 0o700)  # a student's child (another uid) reads its own
        for name, array in (("train_images", arrays.train_images), ("train_labels", arrays.train_labels),
                            ("test_images", test_images)):
            np.save(folder / f"{name}.npy", array)
            (folder / f"{name}.npy").chmod(0o444)
    digest = hashlib.sha256()
    for array in (arrays.train_images, arrays.train_labels, arrays.test_images, arrays.test_labels):
        # a cheap sample of every array's bytes (a strided view: no copy of the whole array)
        digest.update(np.ascontiguousarray(np.ascontiguousarray(array).reshape(-1).view(np.uint8)[:: 4093]).tobytes())
    return np.asarray(arrays.test_labels, dtype=np.int64), digest.hexdigest()[:16], permutation
