"""StoredImages reads the rows of a stored uint8 array exactly as loading it whole would, without keeping it."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.probes.stored_images import StoredImages


@pytest.fixture()
def stored(tmp_path):
    array = np.random.default_rng(0).integers(0, 256, size=(50, 4, 4, 3), dtype=np.uint8)  # (N, H, W, C)
    path = tmp_path / "images.npy"
    np.save(path, array)
    return path, array


def test_rows_by_index_and_by_slice_are_the_loaded_arrays(stored):
    path, array = stored
    with StoredImages(path) as images:
        assert len(images) == 50 and images.shape == (50, 4, 4, 3)
        batch = torch.tensor([7, 0, 49, 7])
        assert torch.equal(images[batch], torch.from_numpy(array[batch.numpy()]))
        assert torch.equal(images[10:23], torch.from_numpy(array[10:23]))
        assert images[10:23].dtype == torch.uint8 and images[batch].shape == (4, 4, 4, 3)
        assert images[48:60].shape[0] == 2  # a slice past the end stops at the end, as numpy's does


def test_count_limits_the_rows(stored):
    path, array = stored
    with StoredImages(path, count=20) as images:
        assert len(images) == 20
        assert torch.equal(images[0:100], torch.from_numpy(array[:20]))
        with pytest.raises(IndexError):
            images[torch.tensor([20])]


def test_a_batch_is_writable_and_independent_of_the_file(stored):
    path, array = stored
    with StoredImages(path) as images:
        batch = images[torch.tensor([1, 2])]
        batch.zero_()  # the training loop may change a batch in place; the stored rows stay as they are
        assert torch.equal(images[torch.tensor([1, 2])], torch.from_numpy(array[[1, 2]]))
        rows = images[0:2]
        rows.zero_()
        assert torch.equal(images[0:2], torch.from_numpy(array[0:2]))


def test_what_it_cannot_read_is_refused(tmp_path):
    np.save(tmp_path / "floats.npy", np.zeros((3, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="uint8"):
        StoredImages(tmp_path / "floats.npy")
    np.save(tmp_path / "fortran.npy", np.asfortranarray(np.zeros((3, 2), dtype=np.uint8)))
    with pytest.raises(ValueError, match="fortran"):
        StoredImages(tmp_path / "fortran.npy")
    np.save(tmp_path / "rows.npy", np.zeros((3, 2), dtype=np.uint8))
    with StoredImages(tmp_path / "rows.npy") as images:
        with pytest.raises(ValueError, match="step"):
            images[0:3:2]


def test_close_releases_the_file(stored):
    path, _ = stored
    images = StoredImages(path)
    images.close()
    images.close()  # twice is fine
    with pytest.raises(OSError):
        images[0:1]
