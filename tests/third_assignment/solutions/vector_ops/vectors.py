"""vector_ops: the answer key."""
import numpy as np


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """TODO 1: the dot product of two vectors of the same length."""
    return float(np.sum(a * b))


def normalize(v: np.ndarray) -> np.ndarray:
    """TODO 2: v divided by its Euclidean norm (a new array; v is left as it was)."""
    return v / np.linalg.norm(v)
