"""Keys of `pytorch_tensor`'s probe results that the probes (child) and the checks (grader) both name: imported by
both halves, never written twice. Torch-free."""

#: Keys of the probes' results, named once.
ADD_DIMENSION_T_1 = "add_dimension(t, 1)"
CONCATENATE_A_B_DIM_0 = "concatenate([a, b], dim=0)"
DL_DB = "dL/db"
DL_DW = "dL/dw"
ELEMENTWISE_PRODUCT_A_B = "elementwise_product(a, b)"
GET_BLOCK_M_ROWS_0_2_COLS_1_4 = "get_block(m, rows=(0, 2), cols=(1, 4))"
GET_COLUMN_M_1 = "get_column(m, 1)"
GET_DEVICE_WITH_A_GPU = "get_device() with a GPU"
GET_DEVICE_WITHOUT_A_GPU = "get_device() without a GPU"
MAKE_ZEROS_AND_ONES_2_3 = "make_zeros_and_ones((2, 3))"
MATRIX_MEAN_M_AXIS_0 = "matrix_mean(m, axis=0)"
MATRIX_MEAN_M_AXIS_1 = "matrix_mean(m, axis=1)"
MATRIX_PRODUCT_A_C = "matrix_product(a, c)"
MATRIX_TRANSPOSE_M = "matrix_transpose(m)"
NUMPY_TO_TENSOR_A_SHARES_MEMORY_WITH_A = "numpy_to_tensor(a) shares memory with a"
REMOVE_SIZE_ONE_DIMENSIONS_T_OF_SHAPE_2_1_3_1 = "remove_size_one_dimensions(t of shape (2, 1, 3, 1))"
RESHAPE_AS_ROWS_T_T_2_ON_A_NON_CONTIGUOUS_TENSOR = "reshape_as_rows(t.t(), 2) on a non-contiguous tensor"
SELECT_GREATER_THAN_M_6_5 = "select_greater_than(m, 6.5)"
SELECT_GREATER_THAN_M_M_1_2_A_THRESHOLD_THAT_IS_AN_ELEMENT = "select_greater_than(m, m[1, 2]) (a threshold that is an element)"
STACK_A_B_DIM_0 = "stack([a, b], dim=0)"
TENSOR_TO_NUMPY_T_2_FOR_T_REQUIRING_GRAD = "tensor_to_numpy(t * 2) for t requiring grad"
TO_DEVICE_T_DEVICE_DEVICE_TYPE = "to_device(t, device).device.type"
TYPE_TENSOR_TO_LIST_T = "type(tensor_to_list(t))"
TYPES_OF_W_B_AND_THE_LOSSES = "types of w, b and the losses"
VIEW_AS_ROWS_T_3_SHARES_MEMORY_WITH_T = "view_as_rows(t, 3) shares memory with t"
VIEW_AS_ROWS_T_T_2_ON_A_NON_CONTIGUOUS_TENSOR = "view_as_rows(t.t(), 2) on a non-contiguous tensor"
W_AFTER_THE_CALL_MUST_BE_UNCHANGED = "w after the call (must be unchanged)"
W_REQUIRES_GRAD_AFTER_THE_CALL = "w.requires_grad after the call"
GRADIENT_FOR_A_W_REQUIRING_GRAD = "autograd_gradient(w, x, y)[1] for a w that already requires grad"
CALLERS_W_GRAD_AFTER_THE_CALL = "w.grad after the call, for a w that already requires grad"
GET_DEVICE_PREFER_CUDA_FALSE_WITH_A_GPU = "get_device(prefer_cuda=False) with a GPU"
LIST_TO_TENSOR_BOOLS = "list_to_tensor([True, False, True])"
LIST_TO_TENSOR_INT_AND_FLOAT = "list_to_tensor([1, 2.5])"
TENSOR_TO_NUMPY_SHARES_MEMORY = "tensor_to_numpy(t) for a float64 tensor shares memory with t"
NUMPY_TO_TENSOR_FLOAT64 = "numpy_to_tensor(a) for a float64 array"


def to_device_dtype(dtype: str) -> str:
    """The key of the dtype to_device returns for a tensor of `dtype` ('torch.float64')."""
    return f"to_device(t, device).dtype for t of dtype {dtype}"


def returned_object(call: str) -> str:
    """The key of how `call`'s device was returned: "torch.device('cuda')", "the string 'cuda'", ..."""
    return f"{call}: the object returned"
