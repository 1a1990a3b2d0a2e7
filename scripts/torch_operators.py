"""PyTorch- and NumPy-aware mutation operators for scripts/fuzz_mutations.py: the mistakes people make with
tensors and arrays, not generic operator swaps.

Each `Operator` recognises the AST nodes it applies to and returns the node that replaces one (it may change
the node in place and return it). `fuzz_mutations.py --operators torch` draws its mutations from these.
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Callable


def _call(node: ast.AST, *attributes: str, args: int | None = None) -> bool:
    """A method call `X.attr(...)` with attr in `attributes` (and exactly `args` positional arguments)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in attributes
            and (args is None or len(node.args) == args))


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _function_call(node: ast.AST, *names: str) -> bool:
    """A call of one of the dotted `names` (`torch.cat`, `F.relu`, ...)."""
    return isinstance(node, ast.Call) and _dotted(node.func) in names


def _method(value: ast.expr, attribute: str, *args: ast.expr, **keywords: ast.expr) -> ast.Call:
    return ast.Call(ast.Attribute(value, attribute, ast.Load()), list(args),
                    [ast.keyword(k, v) for k, v in keywords.items()])


def _renamed(attribute: str) -> Callable[[ast.AST], ast.AST]:
    def apply(node: ast.AST) -> ast.AST:
        node.func.attr = attribute  # type: ignore[attr-defined]
        return node
    return apply


def _receiver(node: ast.AST) -> ast.AST:
    return node.func.value  # type: ignore[attr-defined]


def _returned_value(node: ast.AST) -> bool:
    return isinstance(node, ast.Return) and isinstance(node.value, (ast.Call, ast.Name, ast.Attribute, ast.BinOp,
                                                                    ast.Subscript))


def _wrap_return(attribute: str, *args: ast.expr) -> Callable[[ast.AST], ast.AST]:
    def apply(node: ast.AST) -> ast.AST:
        node.value = _method(node.value, attribute, *args)  # type: ignore[attr-defined]
        return node
    return apply


def _keyword_set(name: str, value: ast.expr) -> Callable[[ast.AST], ast.AST]:
    def apply(node: ast.AST) -> ast.AST:
        node.keywords = [k for k in node.keywords if k.arg != name] + [ast.keyword(name, value)]  # type: ignore[attr-defined]
        return node
    return apply


def _keepdim(node: ast.AST) -> ast.AST:
    numpy_style = any(k.arg == "axis" for k in node.keywords)  # type: ignore[attr-defined]
    return _keyword_set("keepdims" if numpy_style else "keepdim", ast.Constant(True))(node)


def _dim_swapped(node: ast.AST) -> ast.AST:
    node.value = ast.Constant(0 if node.value.value != 0 else -1)  # type: ignore[attr-defined]
    return node


def _view_flat(node: ast.AST) -> ast.AST:
    node.args = [ast.Constant(-1)]  # type: ignore[attr-defined]
    return node


def _slice_stop_minus_one(node: ast.AST) -> ast.AST:
    node.upper = ast.BinOp(node.upper, ast.Sub(), ast.Constant(1))  # type: ignore[attr-defined]
    return node


def _slice_start_plus_one(node: ast.AST) -> ast.AST:
    node.lower = ast.BinOp(node.lower, ast.Add(), ast.Constant(1))  # type: ignore[attr-defined]
    return node


def _item_early(node: ast.AST) -> ast.AST:
    node.value = _method(node.value, "item")  # type: ignore[attr-defined]
    return node


def _no_grad_dropped(node: ast.AST) -> ast.AST:
    node.items[0].context_expr = ast.Call(ast.Attribute(ast.Name("torch", ast.Load()), "enable_grad", ast.Load()),
                                          [], [])  # type: ignore[attr-defined]
    return node


def _swap_function(table: dict[str, str]) -> Callable[[ast.AST], ast.AST]:
    def apply(node: ast.AST) -> ast.AST:
        node.func = ast.parse(table[_dotted(node.func)], mode="eval").body  # type: ignore[attr-defined]
        return node
    return apply


def _transpose_to_reshape(node: ast.AST) -> ast.AST:
    shape = ast.Subscript(ast.Attribute(copy.deepcopy(node.value), "shape", ast.Load()),  # type: ignore[attr-defined]
                          ast.Slice(None, None, ast.Constant(-1)), ast.Load())
    return _method(node.value, "reshape", shape)  # type: ignore[attr-defined]


def _softmax_inserted(node: ast.AST) -> ast.AST:
    scores = node.args[0]  # type: ignore[attr-defined]
    node.args[0] = ast.Call(ast.Attribute(ast.Name("F", ast.Load()), "softmax", ast.Load()), [scores],  # type: ignore[attr-defined]
                            [ast.keyword("dim", ast.Constant(1))])
    return node


def _first_argument(node: ast.AST) -> ast.AST:
    return node.args[0]  # type: ignore[attr-defined]


def _argmax_dim_dropped(node: ast.AST) -> ast.AST:
    node.args, node.keywords = [], []  # type: ignore[attr-defined]
    return node


def _dtype_float32(node: ast.AST) -> ast.AST:
    module = node.value.value.id  # type: ignore[attr-defined]
    node.value = ast.Attribute(ast.Name(module, ast.Load()), "float32", ast.Load())  # type: ignore[attr-defined]
    return node


def _seed_dropped(node: ast.AST) -> ast.AST:
    node.args, node.keywords = [], []  # type: ignore[attr-defined]
    return node


def _first_index(node: ast.AST) -> ast.AST:
    node.args = [ast.Constant(0)]  # type: ignore[attr-defined]
    return node


def _floor_division(node: ast.AST) -> ast.AST:
    node.op = ast.FloorDiv()  # type: ignore[attr-defined]
    return node


def _hard_coded_cpu(node: ast.AST) -> ast.AST:
    node.args = [ast.Constant("cpu")]  # type: ignore[attr-defined]
    return node


def _device_as_string(node: ast.AST) -> ast.AST:
    return node.args[0]  # type: ignore[attr-defined]


def _sum_reduction(node: ast.AST) -> ast.AST:
    return _keyword_set("reduction", ast.Constant("sum"))(node)


@dataclass(frozen=True)
class Operator:
    """One kind of mistake: where it applies, and the node that replaces the one it applies to."""

    name: str
    applies: Callable[[ast.AST], bool]
    apply: Callable[[ast.AST], ast.AST]


OPERATORS: tuple[Operator, ...] = (
    Operator("detach -> clone", lambda n: _call(n, "detach", args=0), _renamed("clone")),
    Operator("detach dropped", lambda n: _call(n, "detach", args=0), _receiver),
    Operator("clone dropped", lambda n: _call(n, "clone", args=0), _receiver),
    Operator("cpu dropped", lambda n: _call(n, "cpu", args=0), _receiver),
    Operator(".to(device) dropped", lambda n: _call(n, "to", args=1), _receiver),
    Operator(".to(device) -> .to('cpu')", lambda n: _call(n, "to", args=1), _hard_coded_cpu),
    Operator("torch.device(s) -> s", lambda n: _function_call(n, "torch.device") and len(n.args) == 1,
             _device_as_string),
    Operator("requires_grad_ dropped", lambda n: _call(n, "requires_grad_"), _receiver),
    Operator(".squeeze() on the result", _returned_value, _wrap_return("squeeze")),
    Operator(".unsqueeze(0) on the result", _returned_value, _wrap_return("unsqueeze", ast.Constant(0))),
    Operator(".squeeze() -> .squeeze(0)", lambda n: _call(n, "squeeze", args=0), _first_index),
    Operator(".unsqueeze(dim) -> .unsqueeze(0)", lambda n: _call(n, "unsqueeze", args=1), _first_index),
    Operator("keepdim added", lambda n: _call(n, "mean", "sum", "argmax", "amax") or
             _function_call(n, "np.mean", "np.sum", "torch.mean", "torch.sum"), _keepdim),
    Operator("dim/axis swapped", lambda n: isinstance(n, ast.keyword) and n.arg in ("dim", "axis", "start_dim")
             and isinstance(n.value, ast.Constant) and isinstance(n.value.value, int), _dim_swapped),
    Operator("in-place method", lambda n: _call(n, "unsqueeze", "squeeze", "add", "mul", "clamp", "sub", "div", "t"),
             lambda n: _renamed(n.func.attr + "_")(n)),
    Operator("view/reshape -> (-1)", lambda n: _call(n, "view", "reshape") and len(n.args) >= 2, _view_flat),
    Operator("slice stop - 1", lambda n: isinstance(n, ast.Slice) and n.upper is not None, _slice_stop_minus_one),
    Operator("slice start + 1", lambda n: isinstance(n, ast.Slice) and n.lower is not None, _slice_start_plus_one),
    Operator("mean -> sum", lambda n: _call(n, "mean"), _renamed("sum")),
    Operator("sum -> mean", lambda n: _call(n, "sum"), _renamed("mean")),
    Operator("reduction='sum' added", lambda n: _function_call(n, "F.cross_entropy", "F.mse_loss"), _sum_reduction),
    Operator(".item() early", lambda n: isinstance(n, ast.Assign) and len(n.targets) == 1
             and isinstance(n.targets[0], ast.Name) and "loss" in n.targets[0].id
             and _function_call(n.value, "F.cross_entropy", "F.mse_loss"), _item_early),
    Operator("train() <-> eval()", lambda n: _call(n, "train", "eval", args=0) and not n.keywords,
             lambda n: _renamed({"train": "eval", "eval": "train"}[n.func.attr])(n)),
    Operator("no_grad dropped", lambda n: isinstance(n, ast.With) and _function_call(n.items[0].context_expr,
                                                                                      "torch.no_grad"), _no_grad_dropped),
    Operator("cat <-> stack", lambda n: _function_call(n, "torch.cat", "torch.stack"),
             _swap_function({"torch.cat": "torch.stack", "torch.stack": "torch.cat"})),
    Operator("from_numpy -> tensor", lambda n: _function_call(n, "torch.from_numpy"),
             _swap_function({"torch.from_numpy": "torch.tensor"})),
    Operator("tolist -> numpy", lambda n: _call(n, "tolist", args=0), _renamed("numpy")),
    Operator(".T -> reshape", lambda n: isinstance(n, ast.Attribute) and n.attr == "T" and isinstance(n.ctx, ast.Load),
             _transpose_to_reshape),
    Operator("softmax before cross_entropy", lambda n: _function_call(n, "F.cross_entropy") and len(n.args) >= 1,
             _softmax_inserted),
    Operator("relu dropped", lambda n: (_function_call(n, "F.relu", "torch.relu") or
                                        (isinstance(n, ast.Call) and _dotted(n.func) == "self.relu"))
             and len(n.args) == 1, _first_argument),
    Operator("argmax dim dropped", lambda n: _call(n, "argmax") and bool(n.args or n.keywords), _argmax_dim_dropped),
    Operator("float64 -> float32", lambda n: isinstance(n, ast.keyword) and n.arg == "dtype"
             and _dotted(n.value) in ("np.float64", "torch.float64"), _dtype_float32),
    Operator("seed dropped", lambda n: _function_call(n, "np.random.default_rng", "torch.manual_seed") and
             bool(n.args), _seed_dropped),
    Operator("/ -> //", lambda n: isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div), _floor_division),
)


def sites(function: ast.AST) -> list[tuple[Operator, ast.AST]]:
    """Every (operator, node) pair that applies inside `function`."""
    return [(operator, node) for node in ast.walk(function) for operator in OPERATORS if operator.applies(node)]


def replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    """Put `new` where `old` is in `tree` (nothing to do when the operator changed `old` in place)."""
    if new is old:
        return
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list) and any(item is old for item in value):
                value[[i for i, item in enumerate(value) if item is old][0]] = new
                return
    raise ValueError("node not found")
