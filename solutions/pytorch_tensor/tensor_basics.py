"""PyTorch 텐서 기초 과제 모듈 / PyTorch tensor basics: the assignment module.

[한국어]
이 모듈에는 번호가 붙은 TODO(1~17)가 있습니다. 각 함수의 docstring을 읽고, ``# TODO N`` 주석 바로
아래에 있는 ``raise NotImplementedError(...)`` 줄을 지우고 그 자리에 코드를 작성하세요.

- TODO는 번호 순서대로 푸세요. 뒤쪽 TODO(예: 17번 경사하강법)는 앞쪽 함수(16번)를 사용합니다.
- 함수 이름, 인자, docstring, TODO 주석은 바꾸지 마세요. 자동 채점기가 이 이름과 시그니처로 함수를 부릅니다.
- 같은 폴더의 ``pytorch_tensor.ipynb`` 노트북을 위에서부터 실행하면서 각 TODO를 확인하세요. 노트북은
  ``%autoreload 2``를 쓰므로 이 파일을 저장한 뒤 셀을 다시 실행하면 바뀐 코드가 바로 반영됩니다.
- 노트북의 공개 테스트(assert)를 통과해도, 채점 때는 다른 모양·다른 시드·경계 사례를 쓰는 숨은 테스트가
  더 실행됩니다. docstring에 적힌 동작(모양, dtype, 메모리 공유 여부)을 정확히 지키세요.
- 모듈을 import할 때 아무것도 출력하지 말고, 전역 상태를 바꾸지 마세요.

[English]
This module holds numbered TODOs (1-17). Read each function's docstring, delete the
``raise NotImplementedError(...)`` line right below the ``# TODO N`` comment and write your code there.

- Work through the TODOs in order; later ones use earlier ones (TODO 17, gradient descent, uses TODO 16).
- Do not change function names, parameters, docstrings or TODO comments: the autograder calls the
  functions by these names and signatures.
- Run the notebook ``pytorch_tensor.ipynb`` in this folder from the top to check each TODO. It uses
  ``%autoreload 2``: save this file and re-run a cell to pick up your changes.
- Passing the notebook's visible asserts is necessary but not sufficient: grading also runs hidden tests
  with other shapes, other seeds and edge cases. Follow what the docstrings promise (shapes, dtypes,
  memory sharing) exactly.
- Print nothing at import time and keep no global mutable state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

__all__ = [
    "GDResult",
    "make_zeros_and_ones",
    "make_random_matrix",
    "make_random_int_matrix",
    "get_element",
    "get_row",
    "get_column",
    "get_block",
    "select_greater_than",
    "matrix_sum",
    "matrix_difference",
    "elementwise_product",
    "matrix_product",
    "scalar_multiple",
    "matrix_mean",
    "matrix_transpose",
    "list_to_tensor",
    "tensor_to_list",
    "numpy_to_tensor",
    "tensor_to_numpy",
    "get_device",
    "to_device",
    "add_dimension",
    "remove_size_one_dimensions",
    "view_as_rows",
    "reshape_as_rows",
    "concatenate",
    "stack",
    "autograd_gradient",
    "linear_mse_loss",
    "linear_mse_gradients",
    "gradient_descent",
]


@dataclass
class GDResult:
    """경사하강법의 결과 (제공됨, 수정하지 마세요) / The result of gradient descent (provided, do not change).

    Attributes:
        w: 학습된 기울기 / the learned slope (a Python float).
        b: 학습된 절편 / the learned intercept (a Python float).
        losses: 각 스텝에서 파라미터를 갱신하기 *전*에 계산한 loss (Python float), 길이는 ``steps``.
            The loss at every step, computed *before* that step's update (Python floats);
            ``len(losses) == steps``.
    """

    w: float
    b: float
    losses: list[float]


# ---------------------------------------------------------------------------------------------------
# 1. NumPy 행렬 생성 / Creating NumPy matrices
# ---------------------------------------------------------------------------------------------------


def make_zeros_and_ones(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """0으로 채운 행렬과 1로 채운 행렬을 만듭니다 / Make a matrix of zeros and a matrix of ones.

    [한국어] 모양이 ``shape``이고 dtype이 float64인 두 배열 ``(zeros, ones)``를 돌려줍니다.
    [English] Returns two new float64 arrays ``(zeros, ones)``, both of shape ``shape``.

    Example:
        >>> zeros, ones = make_zeros_and_ones((2, 3))
        >>> zeros.shape, zeros.dtype, float(ones.sum())
        ((2, 3), dtype('float64'), 6.0)
    """
    # TODO 1: 0과 1로 채운 float64 행렬 만들기 / Make float64 matrices of zeros and ones.
    # 힌트 / Hint: np.zeros, np.ones
    return np.zeros(shape, dtype=np.float64), np.ones(shape, dtype=np.float64)


def make_random_matrix(shape: tuple[int, ...], *, seed: int) -> np.ndarray:
    """[0, 1) 구간의 균등분포 난수로 채운 행렬 / A matrix of uniform random floats in [0, 1).

    [한국어] 모양 ``shape``, dtype float64, 모든 값이 ``0 <= v < 1``인 배열을 돌려줍니다.
    같은 ``seed``로 두 번 부르면 똑같은 행렬이 나와야 합니다(재현성). 전역 난수 상태를 쓰는
    ``np.random.seed`` + ``np.random.rand``도 되지만, 시드를 가진 생성기 ``np.random.default_rng(seed)``를
    권장합니다.
    [English] Returns a float64 array of shape ``shape`` with every value in ``[0, 1)``. Calling it twice
    with the same ``seed`` must give the same matrix (reproducibility). ``np.random.seed`` +
    ``np.random.rand`` works too, but a seeded generator ``np.random.default_rng(seed)`` is recommended.

    Example:
        >>> m = make_random_matrix((2, 3), seed=0)
        >>> m.shape, m.dtype, bool((m >= 0).all() and (m < 1).all())
        ((2, 3), dtype('float64'), True)
        >>> bool((m == make_random_matrix((2, 3), seed=0)).all())
        True
    """
    # TODO 2: 시드를 고정한 난수 행렬 만들기 / Make a seeded random matrix.
    # 힌트 / Hint: rng = np.random.default_rng(seed); rng.random(shape)
    rng = np.random.default_rng(seed)
    return rng.random(shape)


def make_random_int_matrix(shape: tuple[int, ...], *, low: int, high: int, seed: int) -> np.ndarray:
    """``[low, high)`` 구간의 랜덤 정수 행렬 / A matrix of random integers in ``[low, high)``.

    [한국어] 모양 ``shape``, 정수 dtype(권장 함수를 쓰면 int64)이고 모든 값이 ``low <= v < high``인
    배열을 돌려줍니다(``high``는 포함하지 않음). 같은 ``seed``면 같은 행렬이 나와야 합니다.
    [English] Returns an integer array (int64 with the suggested functions) of shape ``shape`` with every
    value in ``low <= v < high`` (``high`` excluded). The same ``seed`` gives the same matrix.

    Example:
        >>> m = make_random_int_matrix((3, 4), low=0, high=10, seed=1)
        >>> m.shape, bool(((0 <= m) & (m < 10)).all()), np.issubdtype(m.dtype, np.integer)
        ((3, 4), True, True)
    """
    # TODO 3: 시드를 고정한 랜덤 정수 행렬 만들기 / Make a seeded random integer matrix.
    # 힌트 / Hint: np.random.default_rng(seed).integers(low, high, size=shape)
    rng = np.random.default_rng(seed)
    return rng.integers(low, high, size=shape)


# ---------------------------------------------------------------------------------------------------
# 2. 인덱싱 / Indexing
# ---------------------------------------------------------------------------------------------------


def get_element(m: np.ndarray, row: int, col: int):
    """2차원 행렬의 원소 하나 / One element of a 2-D matrix.

    [한국어] ``row``행 ``col``열의 원소(스칼라)를 돌려줍니다. 음수 인덱스도 파이썬처럼 동작합니다.
    [English] Returns the element (a scalar) at row ``row`` and column ``col``; negative indices work as
    in Python.

    Example:
        >>> m = np.arange(12).reshape(3, 4)
        >>> int(get_element(m, 1, 2)), int(get_element(m, -1, -1))
        (6, 11)
    """
    # TODO 4: 원소 하나 꺼내기 / Get one element.
    # 힌트 / Hint: m[row, col]
    return m[row, col]


def get_row(m: np.ndarray, row: int) -> np.ndarray:
    """2차원 행렬의 한 행 / One row of a 2-D matrix.

    [한국어] ``row``번째 행을 1차원 배열(길이 = 열의 수)로 돌려줍니다.
    [English] Returns row ``row`` as a 1-D array (length = number of columns).

    Example:
        >>> get_row(np.arange(12).reshape(3, 4), 1)
        array([4, 5, 6, 7])
    """
    # TODO 4: 한 행 꺼내기 / Get one row.
    # 힌트 / Hint: m[row] 또는 / or m[row, :]
    return m[row, :]


def get_column(m: np.ndarray, col: int) -> np.ndarray:
    """2차원 행렬의 한 열 / One column of a 2-D matrix.

    [한국어] ``col``번째 열을 1차원 배열(길이 = 행의 수)로 돌려줍니다. (모양이 (행, 1)인 2차원이 아님!)
    [English] Returns column ``col`` as a 1-D array (length = number of rows), not a (rows, 1) array.

    Example:
        >>> get_column(np.arange(12).reshape(3, 4), 2)
        array([ 2,  6, 10])
    """
    # TODO 4: 한 열 꺼내기 / Get one column.
    # 힌트 / Hint: m[:, col]
    return m[:, col]


def get_block(m: np.ndarray, rows: tuple[int, int], cols: tuple[int, int]) -> np.ndarray:
    """슬라이싱으로 부분 행렬 꺼내기 / A sub-matrix by slicing.

    [한국어] ``rows=(r0, r1)``, ``cols=(c0, c1)``일 때 ``m[r0:r1, c0:c1]``을 돌려줍니다. 파이썬 슬라이스처럼
    시작은 포함하고 끝은 포함하지 않습니다(반열린 구간). 결과 모양은 ``(r1 - r0, c1 - c0)``입니다
    (범위가 행렬 안에 있을 때).
    [English] With ``rows=(r0, r1)`` and ``cols=(c0, c1)`` returns ``m[r0:r1, c0:c1]``: like Python slices,
    the start is included and the end excluded (half-open). The result has shape ``(r1 - r0, c1 - c0)``
    when the ranges lie inside the matrix.

    Example:
        >>> get_block(np.arange(12).reshape(3, 4), rows=(0, 2), cols=(1, 3))
        array([[1, 2],
               [5, 6]])
    """
    # TODO 4: 부분 행렬 슬라이싱 / Slice a block.
    # 힌트 / Hint: r0, r1 = rows; m[r0:r1, c0:c1]
    r0, r1 = rows
    c0, c1 = cols
    return m[r0:r1, c0:c1]


def select_greater_than(m: np.ndarray, threshold: float) -> np.ndarray:
    """불리언 마스크로 조건에 맞는 원소 고르기 / Select elements with a boolean mask.

    [한국어] ``threshold``보다 *큰*(같은 값은 제외) 원소들을 행 우선 순서(row-major: 첫 행의 왼쪽부터)로
    담은 1차원 배열을 돌려줍니다. 해당하는 원소가 없으면 길이 0인 배열입니다. dtype은 ``m``과 같습니다.
    [English] Returns a 1-D array of the elements strictly greater than ``threshold``, in row-major order
    (first row left to right, then the next row). No match gives an empty array. Same dtype as ``m``.

    Example:
        >>> select_greater_than(np.array([[1, 5], [7, 2]]), 2)
        array([5, 7])
    """
    # TODO 4: 불리언 마스크로 원소 고르기 / Select elements with a boolean mask.
    # 힌트 / Hint: mask = m > threshold; m[mask]
    return m[m > threshold]


# ---------------------------------------------------------------------------------------------------
# 3. 행렬 연산 / Matrix arithmetic
# ---------------------------------------------------------------------------------------------------


def matrix_sum(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """원소별 합 ``a + b`` / Element-wise sum ``a + b``.

    [한국어] 같은 모양(또는 브로드캐스트 가능한 모양)의 두 배열의 원소별 합을 돌려줍니다.
    [English] Returns the element-wise sum of two arrays of the same (or broadcastable) shape.

    Example:
        >>> matrix_sum(np.array([[1, 2]]), np.array([[10, 20]]))
        array([[11, 22]])
    """
    # TODO 5: 행렬의 합 / Sum of matrices.
    # 힌트 / Hint: a + b 또는 / or np.add
    return a + b


def matrix_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """원소별 차 ``a - b`` / Element-wise difference ``a - b``.

    [한국어] ``a``에서 ``b``를 원소별로 뺀 배열을 돌려줍니다(순서 주의: ``a - b``).
    [English] Returns ``a`` minus ``b`` element-wise (mind the order: ``a - b``).

    Example:
        >>> matrix_difference(np.array([[5, 5]]), np.array([[1, 2]]))
        array([[4, 3]])
    """
    # TODO 5: 행렬의 차 / Difference of matrices.
    # 힌트 / Hint: a - b 또는 / or np.subtract
    return a - b


def elementwise_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """원소별 곱(아다마르 곱) / Element-wise (Hadamard) product.

    [한국어] 같은 위치의 원소끼리 곱한 배열을 돌려줍니다. 행렬곱이 아닙니다!
    [English] Returns the product of elements at the same position. Not the matrix product!

    Example:
        >>> elementwise_product(np.array([[1, 2], [3, 4]]), np.array([[10, 20], [30, 40]]))
        array([[ 10,  40],
               [ 90, 160]])
    """
    # TODO 5: 원소별 곱 / Element-wise product.
    # 힌트 / Hint: a * b 또는 / or np.multiply
    return a * b


def matrix_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """행렬곱 / Matrix product.

    [한국어] ``a``의 모양이 (n, k), ``b``의 모양이 (k, m)이면 모양 (n, m)인 행렬곱 ``a @ b``를 돌려줍니다.
    [English] For ``a`` of shape (n, k) and ``b`` of shape (k, m) returns the (n, m) matrix product ``a @ b``.

    Example:
        >>> matrix_product(np.array([[1, 2], [3, 4]]), np.array([[1, 0], [0, 1]]))
        array([[1, 2],
               [3, 4]])
    """
    # TODO 5: 행렬곱 / Matrix product.
    # 힌트 / Hint: a @ b 또는 / or np.matmul, np.dot
    return a @ b


def scalar_multiple(a: np.ndarray, c: float) -> np.ndarray:
    """상수곱 ``c * a`` / Scalar multiple ``c * a``.

    [한국어] 모든 원소에 상수 ``c``를 곱한 새 배열을 돌려줍니다(``a``는 바꾸지 않음).
    [English] Returns a new array with every element multiplied by ``c`` (``a`` is not modified).

    Example:
        >>> scalar_multiple(np.array([[1, 2]]), 3)
        array([[3, 6]])
    """
    # TODO 5: 상수곱 / Scalar multiple.
    # 힌트 / Hint: c * a
    return c * a


def matrix_mean(a: np.ndarray, axis: int | None = None):
    """평균 / Mean.

    [한국어] ``axis=None``이면 모든 원소의 평균(스칼라)을, ``axis=0``이면 열마다의 평균(길이 = 열의 수),
    ``axis=1``이면 행마다의 평균(길이 = 행의 수)을 돌려줍니다. 정수 배열이어도 결과는 실수(float64)입니다.
    [English] ``axis=None``: the mean of all elements (a scalar); ``axis=0``: the mean of each column
    (length = number of columns); ``axis=1``: the mean of each row (length = number of rows). The result is
    floating point (float64) even for integer input.

    Example:
        >>> m = np.array([[1, 2], [3, 4]])
        >>> float(matrix_mean(m)), matrix_mean(m, axis=0), matrix_mean(m, axis=1)
        (2.5, array([2., 3.]), array([1.5, 3.5]))
    """
    # TODO 6: 전체 또는 축 방향 평균 / Mean of all elements or along an axis.
    # 힌트 / Hint: np.mean(a, axis=axis) 또는 / or a.mean(axis=axis)
    return np.mean(a, axis=axis)


def matrix_transpose(a: np.ndarray) -> np.ndarray:
    """전치 행렬 / Transpose.

    [한국어] 모양 (n, m)인 행렬의 전치(모양 (m, n), ``result[j, i] == a[i, j]``)를 돌려줍니다.
    [English] Returns the transpose of an (n, m) matrix: shape (m, n) with ``result[j, i] == a[i, j]``.

    Example:
        >>> matrix_transpose(np.array([[1, 2, 3]])).shape
        (3, 1)
    """
    # TODO 7: 전치 / Transpose.
    # 힌트 / Hint: a.T 또는 / or np.transpose
    return a.T


# ---------------------------------------------------------------------------------------------------
# 4. 텐서 <-> 리스트, 넘파이 / Tensors <-> lists and NumPy
# ---------------------------------------------------------------------------------------------------


def list_to_tensor(values: list) -> torch.Tensor:
    """파이썬 (중첩) 리스트를 텐서로 / A (nested) Python list to a tensor.

    [한국어] ``values``의 값을 복사한 새 텐서를 돌려줍니다. dtype은 지정하지 말고 torch가 추론하게 두세요:
    정수만 있으면 int64, 실수가 있으면 float32(torch 기본 dtype), bool이면 bool.
    [English] Returns a new tensor holding a copy of ``values``. Do not force a dtype; keep the one torch
    infers: int64 for integers, float32 (torch's default dtype) when there are floats, bool for booleans.

    Example:
        >>> list_to_tensor([[1, 2], [3, 4]]).dtype, list_to_tensor([1.5, 2.0]).dtype
        (torch.int64, torch.float32)
    """
    # TODO 8: 리스트 -> 텐서 / List to tensor.
    # 힌트 / Hint: torch.tensor(values)
    return torch.tensor(values)


def tensor_to_list(t: torch.Tensor) -> list:
    """텐서를 파이썬 (중첩) 리스트로 / A tensor to a (nested) Python list.

    [한국어] 텐서와 같은 구조의 중첩 리스트(원소는 파이썬 int/float/bool)를 돌려줍니다.
    0차원 텐서에 대해서는 파이썬 스칼라 하나가 나옵니다(``Tensor.tolist``의 동작).
    [English] Returns nested lists with the tensor's structure whose elements are Python ints/floats/bools.
    For a 0-d tensor this is a single Python scalar (what ``Tensor.tolist`` does).

    Example:
        >>> tensor_to_list(torch.tensor([[1, 2], [3, 4]]))
        [[1, 2], [3, 4]]
    """
    # TODO 8: 텐서 -> 리스트 / Tensor to list.
    # 힌트 / Hint: t.tolist()
    return t.tolist()


def numpy_to_tensor(a: np.ndarray) -> torch.Tensor:
    """넘파이 배열을 메모리를 공유하는 텐서로 / A NumPy array to a tensor that shares its memory.

    [한국어] ``a``와 같은 메모리를 쓰는(복사하지 않는) 텐서를 돌려줍니다. dtype도 그대로입니다
    (float64 배열 -> torch.float64). 그래서 ``a``를 바꾸면 텐서도 바뀌고, 텐서를 바꾸면 ``a``도 바뀝니다.
    ``torch.tensor(a)``는 복사본을 만들므로 여기서는 쓰면 안 됩니다.
    [English] Returns a tensor that uses the same memory as ``a`` (no copy) and keeps its dtype
    (float64 array -> torch.float64): changing ``a`` changes the tensor and vice versa. ``torch.tensor(a)``
    copies, so it is not what this function wants.

    Example:
        >>> a = np.zeros(3)
        >>> t = numpy_to_tensor(a)
        >>> a[0] = 7.0
        >>> t
        tensor([7., 0., 0.], dtype=torch.float64)
    """
    # TODO 9: 넘파이 -> 텐서 (메모리 공유) / NumPy to tensor (shared memory).
    # 힌트 / Hint: torch.from_numpy
    return torch.from_numpy(a)


def tensor_to_numpy(t: torch.Tensor) -> np.ndarray:
    """텐서를 넘파이 배열로 / A tensor to a NumPy array.

    [한국어] 어떤 텐서든 넘파이 배열로 바꿉니다: ``requires_grad=True``인 텐서(먼저 계산 그래프에서 떼어내기,
    ``detach``)나 GPU 등 다른 디바이스의 텐서(먼저 CPU로 옮기기, ``cpu``)도 됩니다. 모양과 값은 같고 dtype은
    대응하는 넘파이 dtype(float32 -> float32)입니다. CPU에 있는 텐서라면 결과는 텐서와 메모리를 공유합니다.
    [English] Converts any tensor to a NumPy array, including one with ``requires_grad=True`` (detach it from
    the graph first) or one on another device such as a GPU (move it to the CPU first). Same shape and values,
    the matching NumPy dtype (float32 -> float32). For a tensor already on the CPU the result shares its memory.

    Example:
        >>> tensor_to_numpy(torch.ones(2, requires_grad=True))
        array([1., 1.], dtype=float32)
    """
    # TODO 9: 텐서 -> 넘파이 (detach, CPU) / Tensor to NumPy (detached, on the CPU).
    # 힌트 / Hint: t.detach().cpu().numpy()
    return t.detach().cpu().numpy()


# ---------------------------------------------------------------------------------------------------
# 5. 디바이스 / Devices
# ---------------------------------------------------------------------------------------------------


def get_device(*, prefer_cuda: bool = True) -> torch.device:
    """연산에 쓸 디바이스 고르기 / Choose the device to compute on.

    [한국어] ``prefer_cuda``가 참이고 CUDA GPU를 쓸 수 있으면(``torch.cuda.is_available()``)
    ``torch.device('cuda')``를, 그 밖에는 ``torch.device('cpu')``를 돌려줍니다. 문자열이 아니라
    ``torch.device`` 객체를 돌려주세요(인덱스 없이 'cuda', 'cuda:0' 아님).
    [English] Returns ``torch.device('cuda')`` when ``prefer_cuda`` is true and a CUDA GPU is available
    (``torch.cuda.is_available()``), otherwise ``torch.device('cpu')``. Return a ``torch.device`` object, not a
    string, and plain 'cuda' without an index (not 'cuda:0').

    Example:
        >>> get_device(prefer_cuda=False)
        device(type='cpu')
    """
    # TODO 10: cuda 또는 cpu 디바이스 선택 / Choose cuda or cpu.
    # 힌트 / Hint: torch.cuda.is_available(), torch.device("cuda"), torch.device("cpu")
    if prefer_cuda and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def to_device(t: torch.Tensor, device: torch.device | str) -> torch.Tensor:
    """텐서를 디바이스로 옮기기 / Move a tensor to a device.

    [한국어] ``device``(``torch.device`` 또는 'cpu', 'cuda' 같은 문자열)에 있는 텐서를 돌려줍니다. 값, 모양,
    dtype은 같습니다. 이미 그 디바이스에 있으면 ``t`` 자신이 나올 수 있습니다. GPU로 연산하려면 텐서(데이터)와
    모델을 모두 GPU에 올려야 합니다.
    [English] Returns the tensor on ``device`` (a ``torch.device`` or a string like 'cpu', 'cuda'), with the
    same values, shape and dtype; if it is already there this may be ``t`` itself. To compute on a GPU both
    the tensors (data) and the model must be on the GPU.

    Example:
        >>> to_device(torch.ones(2), "cpu").device
        device(type='cpu')
    """
    # TODO 11: 텐서를 디바이스로 옮기기 / Move the tensor to the device.
    # 힌트 / Hint: t.to(device)
    return t.to(device)


# ---------------------------------------------------------------------------------------------------
# 6. 텐서 모양 다루기 / Changing a tensor's shape
# ---------------------------------------------------------------------------------------------------


def add_dimension(t: torch.Tensor, dim: int) -> torch.Tensor:
    """크기 1인 차원 추가 (unsqueeze) / Insert a dimension of size 1 (unsqueeze).

    [한국어] 위치 ``dim``에 크기 1인 차원을 끼워 넣은 텐서를 돌려줍니다(음수 ``dim``도 가능).
    예: 모양 (3, 4)에서 ``dim=0`` -> (1, 3, 4), ``dim=-1`` -> (3, 4, 1). 값은 복사하지 않습니다.
    [English] Returns the tensor with a new size-1 dimension inserted at position ``dim`` (negative ``dim``
    allowed), e.g. (3, 4) with ``dim=0`` -> (1, 3, 4), ``dim=-1`` -> (3, 4, 1). No data is copied.

    Example:
        >>> add_dimension(torch.zeros(3, 4), 1).shape
        torch.Size([3, 1, 4])
    """
    # TODO 12: 차원 추가 / Add a dimension.
    # 힌트 / Hint: torch.unsqueeze(t, dim) 또는 / or t.unsqueeze(dim)
    return t.unsqueeze(dim)


def remove_size_one_dimensions(t: torch.Tensor) -> torch.Tensor:
    """크기 1인 차원 모두 제거 (squeeze) / Remove every dimension of size 1 (squeeze).

    [한국어] 크기가 1인 차원을 전부 없앤 텐서를 돌려줍니다. 예: (1, 3, 1, 4) -> (3, 4).
    원소가 하나뿐이면 0차원 텐서가 됩니다. 값은 복사하지 않습니다.
    [English] Returns the tensor with all size-1 dimensions removed, e.g. (1, 3, 1, 4) -> (3, 4); a tensor
    with a single element becomes 0-d. No data is copied.

    Example:
        >>> remove_size_one_dimensions(torch.zeros(1, 3, 1, 4)).shape
        torch.Size([3, 4])
    """
    # TODO 12: 크기 1인 차원 제거 / Remove size-1 dimensions.
    # 힌트 / Hint: torch.squeeze(t) 또는 / or t.squeeze()
    return t.squeeze()


def view_as_rows(t: torch.Tensor, rows: int) -> torch.Tensor:
    """``view``로 ``rows``개의 행을 가진 2차원 텐서 만들기 / A 2-D view with ``rows`` rows.

    [한국어] ``t.view(rows, -1)``: 모양 (rows, 원소 수 // rows)인 텐서를 돌려줍니다. ``-1``은 "나머지에서
    계산"을 뜻합니다. ``view``는 데이터를 복사하지 않고 같은 메모리를 다른 모양으로 보여 주기만 하므로
    결과를 바꾸면 ``t``도 바뀝니다. 그래서 ``view``는 메모리에 원소가 행 우선 순서로 이어져 있는
    (contiguous) 텐서에서만 동작합니다. 전치(``t.T``) 같은 연산으로 contiguous하지 않게 된 텐서에서는
    새 모양을 stride만으로 표현할 수 없어 ``RuntimeError``가 납니다. 그 오류를 잡지 말고 그대로 두세요.
    원소 수가 ``rows``로 나누어떨어지지 않아도 ``RuntimeError``입니다.
    [English] ``t.view(rows, -1)``: returns a tensor of shape (rows, numel // rows); ``-1`` means "infer from
    the rest". ``view`` never copies: it shows the same memory with another shape, so writing to the result
    writes to ``t``. That is why it only works when the elements lie in memory in row-major order
    (contiguous); on a non-contiguous tensor (e.g. after a transpose ``t.T``) the new shape cannot be
    expressed with strides alone and ``view`` raises ``RuntimeError``. Let that error propagate. It is also a
    ``RuntimeError`` when numel is not divisible by ``rows``.

    Example:
        >>> view_as_rows(torch.arange(6), 2)
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    # TODO 13: view로 모양 바꾸기 / Change the shape with view.
    # 힌트 / Hint: t.view(rows, -1)
    return t.view(rows, -1)


def reshape_as_rows(t: torch.Tensor, rows: int) -> torch.Tensor:
    """``reshape``로 ``rows``개의 행을 가진 2차원 텐서 만들기 / A 2-D reshape with ``rows`` rows.

    [한국어] ``t.reshape(rows, -1)``: ``view_as_rows``와 같은 모양과 값(행 우선 순서)을 돌려주지만
    contiguous하지 않은 텐서에서도 동작합니다. 가능하면 view(메모리 공유)를, 불가능하면 복사본을 돌려줍니다.
    [English] ``t.reshape(rows, -1)``: the same shape and values (row-major order) as ``view_as_rows`` but it
    also works on non-contiguous tensors: it returns a view (shared memory) when it can and a copy otherwise.

    Example:
        >>> reshape_as_rows(torch.arange(6).view(2, 3).T, 2)
        tensor([[0, 3, 1],
                [4, 2, 5]])
    """
    # TODO 13: reshape으로 모양 바꾸기 / Change the shape with reshape.
    # 힌트 / Hint: t.reshape(rows, -1)
    return t.reshape(rows, -1)


def concatenate(tensors: Sequence[torch.Tensor], dim: int = 0) -> torch.Tensor:
    """기존 차원을 따라 이어 붙이기 (cat) / Join along an existing dimension (cat).

    [한국어] 텐서들을 차원 ``dim``을 따라 이어 붙입니다. 차원의 수는 그대로이고 ``dim`` 방향 크기만
    더해집니다. 예: (2, 3)과 (4, 3)을 ``dim=0``으로 -> (6, 3). ``dim`` 이외의 크기는 같아야 합니다.
    [English] Joins the tensors along dimension ``dim``: the number of dimensions stays, the sizes along
    ``dim`` add up, e.g. (2, 3) and (4, 3) with ``dim=0`` -> (6, 3). The other sizes must match.

    Example:
        >>> concatenate([torch.zeros(2, 3), torch.ones(2, 3)], dim=1).shape
        torch.Size([2, 6])
    """
    # TODO 14: 텐서 이어 붙이기 / Concatenate tensors.
    # 힌트 / Hint: torch.cat(tensors, dim=dim)  (torch.concat도 같음 / torch.concat is the same)
    return torch.cat(list(tensors), dim=dim)


def stack(tensors: Sequence[torch.Tensor], dim: int = 0) -> torch.Tensor:
    """새 차원을 만들며 쌓기 (stack) / Stack along a new dimension.

    [한국어] 같은 모양의 텐서 k개를 위치 ``dim``에 새로 생기는 차원(크기 k)을 따라 쌓습니다.
    예: (2, 3) 두 개를 ``dim=0``으로 -> (2, 2, 3), ``dim=2``로 -> (2, 3, 2).
    [English] Stacks k tensors of the same shape along a new dimension of size k inserted at ``dim``,
    e.g. two (2, 3) tensors with ``dim=0`` -> (2, 2, 3), with ``dim=2`` -> (2, 3, 2).

    Example:
        >>> stack([torch.zeros(2, 3), torch.ones(2, 3)]).shape
        torch.Size([2, 2, 3])
    """
    # TODO 14: 텐서 쌓기 / Stack tensors.
    # 힌트 / Hint: torch.stack(tensors, dim=dim)
    return torch.stack(list(tensors), dim=dim)


# ---------------------------------------------------------------------------------------------------
# 7. 자동 미분과 경사하강법 / Autograd and gradient descent
# ---------------------------------------------------------------------------------------------------


def autograd_gradient(
    w: torch.Tensor, x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """자동 미분으로 선형 회귀 loss의 그래디언트 구하기 / The gradient of a linear-regression loss by autograd.

    [한국어] 입력 ``x`` (N, D), 가중치 ``w`` (D,), 정답 ``y`` (N,) (모두 같은 실수 dtype)에 대해
    ``loss = mean((x @ w - y) ** 2)``를 계산하고 ``(loss, dloss/dw)``를 돌려줍니다.
    - ``w``를 그대로 쓰지 말고, 떼어낸 복사본 ``w.detach().clone()``에 ``requires_grad_(True)``를 설정해
      쓰세요. 호출한 쪽의 ``w``(값, ``requires_grad``, ``.grad``)는 바뀌지 않아야 합니다.
    - ``loss.backward()``를 부른 뒤 복사본의 ``.grad``가 그래디언트입니다.
    - 돌려주는 loss는 0차원 텐서이고 그래프에서 뗀 것(``loss.detach()``), 그래디언트는 모양 (D,)입니다.
    [English] For inputs ``x`` (N, D), weights ``w`` (D,) and targets ``y`` (N,) (all the same floating dtype),
    computes ``loss = mean((x @ w - y) ** 2)`` and returns ``(loss, dloss/dw)``.
    - Do not use ``w`` itself: use a detached copy ``w.detach().clone()`` with ``requires_grad_(True)``. The
      caller's ``w`` (its values, ``requires_grad`` and ``.grad``) must stay unchanged.
    - After ``loss.backward()`` the copy's ``.grad`` holds the gradient.
    - The returned loss is a 0-d tensor detached from the graph (``loss.detach()``); the gradient has shape (D,).
    (The exact answer is ``2 / N * x.T @ (x @ w - y)``.)

    Example:
        >>> x = torch.tensor([[1.0, 2.0]]); w = torch.tensor([1.0, 1.0]); y = torch.tensor([1.0])
        >>> autograd_gradient(w, x, y)
        (tensor(4.), tensor([4., 8.]))
    """
    # TODO 15: 자동 미분으로 그래디언트 구하기 / Get the gradient with autograd.
    # 힌트 / Hint: w_ = w.detach().clone().requires_grad_(True); loss = ((x @ w_ - y) ** 2).mean()
    #              loss.backward(); w_.grad (requires_grad, backward, .grad)
    w_param = w.detach().clone().requires_grad_(True)
    loss = ((x @ w_param - y) ** 2).mean()
    loss.backward()
    return loss.detach(), w_param.grad


def linear_mse_loss(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """1차원 선형 모델의 평균제곱오차 / The mean squared error of a 1-D linear model.

    [한국어] 모델 ``y_hat = w * x + b``(``w``, ``b``는 0차원 텐서, ``x``, ``y``는 모양 (N,))의 loss
    ``L(w, b) = mean((w * x + b - y) ** 2)``를 0차원 텐서로 돌려줍니다. ``w``나 ``b``가
    ``requires_grad=True``이면 결과로 ``backward()``를 부를 수 있어야 합니다(``.item()``이나 넘파이로
    바꾸지 말고 torch 연산만 쓰세요).
    [English] For the model ``y_hat = w * x + b`` (``w``, ``b`` 0-d tensors; ``x``, ``y`` of shape (N,))
    returns the loss ``L(w, b) = mean((w * x + b - y) ** 2)`` as a 0-d tensor. When ``w`` or ``b`` requires
    grad, ``backward()`` must work on the result (use torch operations only, no ``.item()`` or NumPy).

    Example:
        >>> linear_mse_loss(torch.tensor(2.0), torch.tensor(1.0), torch.tensor([0.0, 1.0]), torch.tensor([1.0, 4.0]))
        tensor(0.5000)
    """
    # TODO 16: loss를 함수로 표현하기 / Write the loss as a function.
    # 힌트 / Hint: ((w * x + b - y) ** 2).mean()
    return ((w * x + b - y) ** 2).mean()


def linear_mse_gradients(
    w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """손으로 미분한 그래디언트 / The gradients derived by hand.

    [한국어] ``linear_mse_loss``의 편미분을 직접 유도한 식으로 계산해 ``(dL/dw, dL/db)``를 0차원 텐서 두 개로
    돌려줍니다. 자동 미분(``backward``)을 쓰지 마세요. 오차 ``e = w * x + b - y``라 하면
    ``dL/dw = 2 * mean(e * x)``, ``dL/db = 2 * mean(e)``입니다.
    [English] Returns ``(dL/dw, dL/db)`` of ``linear_mse_loss`` as two 0-d tensors, computed from the formulas
    you derive by hand (no autograd / ``backward``). With the error ``e = w * x + b - y``:
    ``dL/dw = 2 * mean(e * x)`` and ``dL/db = 2 * mean(e)``.

    Example:
        >>> linear_mse_gradients(torch.tensor(2.0), torch.tensor(1.0), torch.tensor([0.0, 1.0]), torch.tensor([1.0, 4.0]))
        (tensor(-1.), tensor(-1.))
    """
    # TODO 16: loss를 w, b로 미분하기 / Differentiate the loss with respect to w and b.
    # 힌트 / Hint: error = w * x + b - y; (2 * (error * x).mean(), 2 * error.mean())
    error = w * x + b - y
    return 2 * (error * x).mean(), 2 * error.mean()


def gradient_descent(x: torch.Tensor, y: torch.Tensor, *, lr: float = 0.1, steps: int = 100) -> GDResult:
    """경사하강법으로 ``y ≈ w * x + b`` 학습 / Fit ``y ≈ w * x + b`` by gradient descent.

    [한국어] 다음을 그대로 구현하세요(채점기는 이 순서의 결과를 기대합니다).
    1) ``w``, ``b``를 0으로 초기화: ``torch.zeros((), requires_grad=True)`` (float32 스칼라 텐서).
    2) ``steps``번 반복:
       a) ``loss = linear_mse_loss(w, b, x, y)``를 계산하고 그 값을 파이썬 float로 ``losses``에 기록
          (갱신 *전*의 loss). ``loss.item()``을 쓰세요(``float(loss)``도 같은 값이지만 torch가
          requires_grad 텐서를 스칼라로 바꾼다는 경고를 냅니다).
       b) ``loss.backward()``로 ``w.grad``, ``b.grad``를 계산.
       c) ``with torch.no_grad():`` 안에서 ``w -= lr * w.grad``, ``b -= lr * b.grad`` (그래디언트 반대
          방향, 즉 loss가 줄어드는 방향으로 이동). 이 갱신은 계산 그래프에 기록되면 안 됩니다.
       d) 그래디언트 초기화(``w.grad.zero_()``, ``b.grad.zero_()`` 또는 ``None``으로 설정). ``backward``는
          그래디언트를 *누적*하므로 초기화하지 않으면 이전 스텝의 값이 더해집니다.
    3) ``GDResult(w=w.item(), b=b.item(), losses=losses)``를 돌려줍니다(``len(losses) == steps``).
    ``x``, ``y``는 모양 (N,)인 float32 텐서입니다.
    [English] Implement exactly this (the grader expects the results of this order):
    1) Start from ``w = b = torch.zeros((), requires_grad=True)`` (float32 scalar tensors).
    2) Repeat ``steps`` times:
       a) ``loss = linear_mse_loss(w, b, x, y)``; append its value as a Python float to ``losses`` (the
          loss *before* this step's update). Use ``loss.item()`` (``float(loss)`` gives the same value but
          torch warns about converting a tensor that requires grad to a scalar).
       b) ``loss.backward()`` fills ``w.grad`` and ``b.grad``.
       c) Inside ``with torch.no_grad():`` do ``w -= lr * w.grad`` and ``b -= lr * b.grad`` (a step against
          the gradient, downhill); the update must not be recorded in the graph.
       d) Reset the gradients (``w.grad.zero_()``, ``b.grad.zero_()``, or set them to ``None``): ``backward``
          *accumulates*, so without the reset the previous steps' gradients would be added.
    3) Return ``GDResult(w=w.item(), b=b.item(), losses=losses)`` with ``len(losses) == steps``.
    ``x`` and ``y`` are float32 tensors of shape (N,).

    Example:
        >>> x = torch.linspace(-1, 1, 20); r = gradient_descent(x, 3 * x + 2, lr=0.1, steps=200)
        >>> round(r.w, 2), round(r.b, 2), len(r.losses)
        (3.0, 2.0, 200)
    """
    # TODO 17: 경사하강법 루프 / The gradient descent loop.
    # 힌트 / Hint: linear_mse_loss, loss.item(), loss.backward(), torch.no_grad(), w.grad.zero_()
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses: list[float] = []
    for _ in range(steps):
        loss = linear_mse_loss(w, b, x, y)
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    return GDResult(w=w.item(), b=b.item(), losses=losses)
