"""Mutation fuzzer: random AST mutations of the answer key, each graded twice (training checks skipped).

    .venv/bin/python scripts/fuzz_mutations.py --count 200 --seed 1 --jobs 2 --out fuzz-report.json

Each mutation changes one thing in one graded function of the answer key and must be a valid module. The
generic operators change an operator, a comparison, a constant, an axis/dim argument or drop or swap a
statement; `--operators torch` draws from the PyTorch- and NumPy-aware operators of scripts/torch_operators.py
instead (a `.squeeze()` or `.unsqueeze(0)` on a result, `detach` dropped or turned into `clone`, an in-place
method, `.to(device)` dropped or hard-coded to 'cpu', `keepdim` added, a dim swapped, `view(-1)`, an
off-by-one slice, `mean`/`sum` swapped, `.item()` too early, `train()`/`eval()` swapped, `no_grad` dropped,
`cat`/`stack` swapped, ...; `--operators all` from both). It is graded
twice with `autograder grade` in-process (the sandbox as usual; fc_accuracy/conv_accuracy skipped). What
is counted, and what must hold:

* crashes: the grader raised, or a check reported a grader error (must be 0);
* missing results: the report could not be written as a valid results.json (must be 0);
* repeat mismatches: the two gradings' per-check scores differ (must be 0);
* caught: the mutation lost points. The fraction caught is over all mutations; a mutation that loses no
  points is a *survivor*, listed with its location so that it can be looked at (it may be equivalent:
  `x * 0.5` for `x / 2`, a dropped print, a changed default that no caller uses).

Exit code 1 when any crash, missing result or mismatch happened.
"""
from __future__ import annotations

import argparse
import ast
import json
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.assignments import all_assignments, get_assignment  # noqa: E402 - torch-free

sys.path.insert(0, str(REPO / "scripts"))
import torch_operators  # noqa: E402 - the PyTorch-aware operators, beside this script

MODULES = {a.name: f"{a.module}.py" for a in all_assignments()}
TRAINING_CHECKS = tuple(probe for a in all_assignments() for probe in a.rescored)  # the long trainings


def _limits():  # noqa: ANN202 - imported lazily: the module is also loaded by a test
    from autograder.run import Limits

    return Limits(check_seconds=20, import_seconds=60, total_seconds=600)


FUZZ_LIMITS = _limits()
SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.MatMult: ast.Mult,
         ast.FloorDiv: ast.Div, ast.Pow: ast.Mult, ast.Mod: ast.FloorDiv}
COMPARES = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
            ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
AXIS_KEYWORDS = ("dim", "axis", "start_dim", "reduction", "keepdim", "dtype")


@dataclass(frozen=True)
class Mutation:
    """One mutation: where (function, line) and what."""

    assignment: str
    function: str
    line: int
    kind: str
    detail: str
    index: int  # the site's index among the module's sites of this kind (to rebuild it)


@dataclass
class Outcome:
    """How the grader took one mutation."""

    mutation: Mutation
    scores: list[dict[str, float]] = field(default_factory=list)
    totals: list[float] = field(default_factory=list)
    max_score: float = 0.0
    crashed: str = ""
    results_valid: bool = True
    lost: list[str] = field(default_factory=list)

    @property
    def caught(self) -> bool:
        return bool(self.totals) and self.totals[0] < self.max_score

    @property
    def mismatch(self) -> bool:
        return len(self.scores) == 2 and self.scores[0] != self.scores[1]


def _graded_functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef]]:
    """Every function and method (with its qualified name) whose body holds code to mutate."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found.append((node.name, node))
        elif isinstance(node, ast.ClassDef):
            found += [(f"{node.name}.{n.name}", n) for n in node.body if isinstance(n, ast.FunctionDef)]
    return found


OPERATOR_SETS = ("generic", "torch", "all")


def _sites(tree: ast.Module, operators: str = "generic") -> list[tuple[str, str, ast.AST, object]]:
    """(kind, function, node, parent statement list owner or torch operator) for every mutable place: the
    generic operators' ('generic'), the PyTorch-aware ones of scripts/torch_operators.py ('torch'), or both."""
    sites: list[tuple[str, str, ast.AST, object]] = []
    if operators in ("torch", "all"):
        for name, function in _graded_functions(tree):
            sites += [("torch", name, node, operator) for operator, node in torch_operators.sites(function)]
        if operators == "torch":
            return sites
    for name, function in _graded_functions(tree):
        for node in ast.walk(function):
            if isinstance(node, ast.BinOp) and type(node.op) in SWAPS:
                sites.append(("operator", name, node, None))
            elif isinstance(node, ast.Compare) and type(node.ops[0]) in COMPARES:
                sites.append(("comparison", name, node, None))
            elif isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
                sites.append(("constant", name, node, None))
            elif isinstance(node, ast.keyword) and node.arg in AXIS_KEYWORDS:
                sites.append(("argument", name, node, None))
        for node in ast.walk(function):
            for body_name in ("body", "orelse"):
                body = getattr(node, body_name, None)
                if isinstance(body, list) and body and all(isinstance(s, ast.stmt) for s in body):
                    for position, statement in enumerate(body):
                        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                            continue  # a docstring
                        sites.append(("drop", name, statement, node))
                        if position + 1 < len(body):
                            sites.append(("swap", name, statement, node))
    return sites


def _mutate_node(kind: str, node: ast.AST, owner: ast.AST | None, rng: random.Random) -> str:
    if kind == "operator":
        old = type(node.op)
        node.op = SWAPS[old]()
        return f"{old.__name__} -> {type(node.op).__name__}"
    if kind == "comparison":
        old = type(node.ops[0])
        node.ops = [COMPARES[old]()] + node.ops[1:]
        return f"{old.__name__} -> {type(node.ops[0]).__name__}"
    if kind == "constant":
        old = node.value
        choices = [old + 1, old - 1, 0, old * 2] if isinstance(old, int) else [old * 2, old / 2, 0.0, -old]
        node.value = rng.choice([c for c in choices if c != old] or [old + 1])
        return f"{old!r} -> {node.value!r}"
    if kind == "argument":
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            node.value = ast.Constant(not value.value)
        elif isinstance(value, ast.Constant) and isinstance(value.value, int):
            node.value = ast.Constant(0 if value.value != 0 else 1)
        elif isinstance(value, ast.Constant) and isinstance(value.value, str):
            node.value = ast.Constant({"sum": "mean", "mean": "sum"}.get(value.value, "none"))
        else:
            node.value = ast.Constant(None)
        return f"{node.arg}= changed"
    for body_name in ("body", "orelse"):
        body = getattr(owner, body_name, None)
        if isinstance(body, list) and node in body:
            position = body.index(node)
            if kind == "drop":
                body[position] = ast.Pass() if len(body) == 1 else ast.Expr(ast.Constant(None))
                return f"dropped line {node.lineno}"
            body[position], body[position + 1] = body[position + 1], body[position]
            return f"swapped lines {node.lineno} and {body[position].lineno}"
    raise ValueError("site not found")


def mutations(*, count: int, seed: int, assignments: tuple[str, ...] = tuple(MODULES),
              operators: str = "generic") -> list[tuple[Mutation, str]]:
    """`count` distinct valid mutations (with their module text), drawn with `seed`, spread over the assignments,
    from the `operators` set ('generic', 'torch' or 'all')."""
    rng = random.Random(seed)
    originals = {a: (REPO / "solutions" / a / MODULES[a]).read_text(encoding="utf-8") for a in assignments}
    if operators == "torch":  # few enough to enumerate: every site, or a seeded sample of them
        return _every_torch_mutation(originals, count=count, rng=rng)
    chosen: dict[tuple[str, int, str], tuple[Mutation, str]] = {}
    attempts = 0
    while len(chosen) < count and attempts < 50 * count:
        attempts += 1
        assignment = assignments[len(chosen) % len(assignments)]
        tree = ast.parse(originals[assignment])
        sites = _sites(tree, operators)
        index = rng.randrange(len(sites))
        kind, function, node, owner = sites[index]
        if function in ("TrainConfig.__init__",):
            continue
        line = getattr(node, "lineno", 0)
        try:
            if kind == "torch":  # 'all': a generic or a PyTorch-aware site
                torch_operators.replace(tree, node, owner.apply(node))  # type: ignore[attr-defined]
                detail = owner.name  # type: ignore[attr-defined]
            else:
                detail = _mutate_node(kind, node, owner, rng)
            text = ast.unparse(ast.fix_missing_locations(tree))
            compile(text, MODULES[assignment], "exec")
        except (ValueError, SyntaxError, TypeError):
            continue
        if text == ast.unparse(ast.parse(originals[assignment])):
            continue
        key = (assignment, index, detail)
        if key not in chosen:
            chosen[key] = (Mutation(assignment, function, line, kind, detail, index), text)
    return list(chosen.values())


def _every_torch_mutation(originals: dict[str, str], *, count: int,
                          rng: random.Random) -> list[tuple[Mutation, str]]:
    """The PyTorch-aware operators at every site of the answer keys (`count` of them drawn with `rng` when there
    are more), each a valid module that differs from the answer key."""
    found: list[tuple[Mutation, str]] = []
    for assignment, original in originals.items():
        unchanged = ast.unparse(ast.parse(original))
        for index in range(len(_sites(ast.parse(original), "torch"))):
            tree = ast.parse(original)
            _, function, node, operator = _sites(tree, "torch")[index]
            line = getattr(node, "lineno", 0)
            try:
                torch_operators.replace(tree, node, operator.apply(node))  # type: ignore[attr-defined]
                text = ast.unparse(ast.fix_missing_locations(tree))
                compile(text, MODULES[assignment], "exec")
            except (ValueError, SyntaxError, TypeError):
                continue
            if text != unchanged and function not in ("TrainConfig.__init__",):
                found.append((Mutation(assignment, function, line, "torch", operator.name, index), text))  # type: ignore[attr-defined]
    if count < len(found):
        found = sorted(rng.sample(found, count), key=lambda pair: (pair[0].assignment, pair[0].index))
    return found


def _validate_results(data: dict) -> bool:
    try:
        ok = isinstance(data["score"], (int, float)) and isinstance(data["tests"], list)
        ok = ok and all({"name", "score", "max_score", "status", "output"} <= set(t) for t in data["tests"])
        return ok and abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 1e-6
    except (KeyError, TypeError):
        return False


def grade_mutation(mutation: Mutation, text: str, cache_dir: str, data_dir: str | None) -> Outcome:
    """Grade one mutated module twice (a plain function of plain data: runs in a worker process)."""
    from autograder.grade import grade_or_report
    from autograder.grade.registry import checks_for

    outcome = Outcome(mutation)
    skip = [c for c in TRAINING_CHECKS if c in {k.name for k in checks_for(mutation.assignment)}]
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        folder = Path(tmp) / mutation.assignment
        shutil.copytree(REPO / "solutions" / mutation.assignment, folder, ignore=shutil.ignore_patterns("__pycache__"))
        (folder / MODULES[mutation.assignment]).write_text(text, encoding="utf-8")
        for attempt in range(2):
            try:
                report = grade_or_report(submission=folder, assignment=mutation.assignment, skip=skip,
                                         cache_dir=Path(cache_dir), data_dir=data_dir, limits=FUZZ_LIMITS)
            except BaseException as exc:  # noqa: BLE001 - counted, never hidden
                outcome.crashed = f"{type(exc).__name__}: {exc}"
                return outcome
            if report.refusal or report.grader_errors:
                outcome.crashed = report.refusal or "; ".join(f"{r.name}: {r.message[:200]}" for r in report.grader_errors)
            results = Path(tmp) / f"results-{attempt}.json"
            try:
                report.write_results(results)
                outcome.results_valid &= _validate_results(json.loads(results.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                outcome.results_valid = False
            outcome.scores.append({r.name: r.score for r in report.results})
            outcome.totals.append(report.score)
            outcome.max_score = report.max_score
            outcome.lost = [r.name for r in report.results if r.score < r.points]
    return outcome


def run(*, count: int, seed: int, jobs: int, data_dir: str | None, cache_dir: Path,
        assignments: tuple[str, ...] = tuple(MODULES), operators: str = "generic") -> dict:
    """Draw and grade the mutations; the summary (also written by main)."""
    drawn = mutations(count=count, seed=seed, assignments=assignments, operators=operators)
    started = time.monotonic()
    from autograder.grade import grade_submission

    for assignment in assignments:  # the answer key's results, once, before the workers share the cache
        grade_submission(submission=REPO / "solutions" / assignment, assignment=assignment, limits=FUZZ_LIMITS,
                         skip=[c for c in TRAINING_CHECKS if c in get_assignment(assignment).points],
                         cache_dir=cache_dir, data_dir=data_dir)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(pool.map(grade_mutation, [m for m, _ in drawn], [t for _, t in drawn],
                                 [str(cache_dir)] * len(drawn), [data_dir] * len(drawn)))
    caught = [o for o in outcomes if o.caught]
    summary = {
        "mutations": len(outcomes),
        "crashes": sum(bool(o.crashed) for o in outcomes),
        "missing_results": sum(not o.results_valid for o in outcomes),
        "repeat_mismatches": sum(o.mismatch for o in outcomes),
        "caught": len(caught),
        "fraction_caught": round(len(caught) / len(outcomes), 4) if outcomes else 0.0,
        "seconds": round(time.monotonic() - started, 1),
        "operators": operators,
        "by_kind": {},
        "by_operator": {},
        "survivors": [asdict(o.mutation) for o in outcomes if not o.caught and not o.crashed],
        "crashed": [{"mutation": asdict(o.mutation), "why": o.crashed} for o in outcomes if o.crashed],
    }
    for kind in sorted({o.mutation.kind for o in outcomes}):
        of_kind = [o for o in outcomes if o.mutation.kind == kind]
        summary["by_kind"][kind] = {"mutations": len(of_kind), "caught": sum(o.caught for o in of_kind)}
    for name in sorted({o.mutation.detail for o in outcomes if o.mutation.kind == "torch"}):
        of_name = [o for o in outcomes if o.mutation.kind == "torch" and o.mutation.detail == name]
        summary["by_operator"][name] = {"mutations": len(of_name), "caught": sum(o.caught for o in of_name)}
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="how many mutations (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="gradings at once")
    parser.add_argument("--operators", choices=OPERATOR_SETS, default="generic",
                        help="generic (operators, constants, statements), torch (scripts/torch_operators.py) or all")
    parser.add_argument("--assignment", choices=sorted(MODULES), action="append", help="only these (repeatable)")
    parser.add_argument("--data-dir", default=None, help="CIFAR-10 folder (not needed: training checks are skipped)")
    parser.add_argument("--cache", type=Path, default=None, help="the reference-results cache (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=None, help="write the summary as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fuzz-cache-") as tmp:
        summary = run(count=args.count, seed=args.seed, jobs=args.jobs, data_dir=args.data_dir,
                      cache_dir=args.cache or Path(tmp), assignments=tuple(args.assignment or MODULES),
                      operators=args.operators)
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k not in ("survivors", "crashed")}, indent=2))
    for survivor in summary["survivors"]:
        print(f"survived: {survivor['assignment']} {survivor['function']}:{survivor['line']} {survivor['kind']} "
              f"{survivor['detail']}")
    for crash in summary["crashed"]:
        print(f"CRASHED: {crash['mutation']['function']} {crash['mutation']['detail']}: {crash['why']}")
    bad = summary["crashes"] or summary["missing_results"] or summary["repeat_mismatches"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
