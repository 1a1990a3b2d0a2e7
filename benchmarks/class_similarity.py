"""Similarity review (autograder similarity) on a generated class: N students whose tensor_basics.py mixes, function
by function, the bodies of the example submissions (the answer key, correct variants written differently and
submissions with one mistake each), each non-canonical body with a statement of the student's own inserted (so that
two students sharing a variant do not share it token for token, as independent students would not), plus planted
copies (local variables renamed, functions reordered, comments changed); records constructed (no grading). Prints
the time, how many pairs were flagged and where the planted copies ranked.

    python benchmarks/class_similarity.py [--students 300] [--planted 5] [--seed 0]
"""
from __future__ import annotations

import argparse
import ast
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.classview.similarity import write_similarity  # noqa: E402
from tests.classview.plant import disguise  # noqa: E402
from tests.grade.examples import build_submission  # noqa: E402

SOURCES = ["passesAll_pytorch_tensor", "passesAllWrittenDifferently_pytorch_tensor", "passesVariant_numpyFunctions",
           "passesVariant_autogradStyles", "failsMatrixSumInPlace", "failsMeanIgnoresAxis", "failsTransposeReshape",
           "failsGradientDescentHardcodedLr", "failsCatStack", "failsViewReshape"]


def _functions(source: str) -> tuple[str, dict[str, str]]:
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    nodes = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    starts = [n.lineno - 1 for n in nodes]
    blocks = {n.name: "".join(lines[starts[i]:starts[i + 1] if i + 1 < len(nodes) else len(lines)])
              for i, n in enumerate(nodes)}
    return "".join(lines[:starts[0]]), blocks


OWN_STATEMENTS = ["assert True", "pass", "if False:\n        return None", "_ = None", "del _" ]


def _own_touch(block: str, rng: random.Random) -> str:
    """`block` (a function) with one statement of this student's own before a random statement of its body."""
    lines = block.splitlines(keepends=True)
    after_doc = next((i + 1 for i, line in enumerate(lines) if i > 1 and line.strip().endswith('"""')), 1)
    places = [i for i in range(after_doc, len(lines)) if lines[i].startswith("    ") and not lines[i][4].isspace()
              and not lines[i].lstrip().startswith((")", "]", "}", "else", "elif", "except", "finally"))]
    if not places:
        return block
    where = rng.choice(places)
    statement = rng.choice(OWN_STATEMENTS[:4])
    return "".join(lines[:where]) + f"    {statement}\n" + "".join(lines[where:])


def generate(out: Path, scratch: Path, *, students: int, planted: int, seed: int) -> list[tuple[str, str]]:
    """The graded folder `out` (records only) and the submissions in `scratch`; returns the planted pairs."""
    rng = random.Random(seed)
    variants = []
    for name in SOURCES:
        build_submission(REPO / "tests" / "grade" / "submissions" / name, scratch / "examples" / name)
        variants.append(_functions((scratch / "examples" / name / "pytorch_tensor" / "tensor_basics.py").read_text()))
    head, names = variants[0][0], list(variants[0][1])
    texts = {}
    for number in range(students):
        blocks = []
        for name in names:
            variant = rng.choice(variants)
            block = variant[1][name]
            blocks.append(block if variant is variants[0] else _own_touch(block, rng))
        text = head + "".join(blocks)
        try:
            ast.parse(text)
        except SyntaxError:
            text = head + "".join(variants[0][1][n] for n in names)
        texts[f"s{number:04d}"] = text
    pairs = []
    for number in range(planted):
        original = f"s{rng.randrange(students):04d}"
        copy = f"copy{number}"
        texts[copy] = disguise(texts[original], order=rng.choice(["reverse", "rotate"]))
        pairs.append(tuple(sorted((original, copy))))
    for student, text in texts.items():
        (scratch / student / "pytorch_tensor").mkdir(parents=True)
        (scratch / student / "pytorch_tensor" / "tensor_basics.py").write_text(text, encoding="utf-8")
        folder = out / "students" / student
        folder.mkdir(parents=True)
        record = {"student": student, "entry": student, "exit_code": 0, "score": 1.0, "max_score": 1.0,
                  "checks": [{"assignment": "pytorch_tensor", "name": "zeros_and_ones", "points": 1.0, "score": 1.0,
                              "status": "passed", "message": ""}],
                  "provenance": {"submission_path": str(scratch / student)}}
        (folder / "graded.json").write_text(json.dumps(record), encoding="utf-8")
    return pairs  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--planted", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out, scratch = Path(folder) / "graded", Path(folder) / "submitted"
        planted = generate(out, scratch, students=args.students, planted=args.planted, seed=args.seed)
        started = time.perf_counter()
        ranked = write_similarity(out, solutions_dir=REPO / "solutions", release_dir=REPO / "release")
        seconds = time.perf_counter() - started
        ranks = {(p.first, p.second): number for number, p in enumerate(ranked, start=1)}
        flagged = sum(1 for p in ranked if p.flagged)
        print(f"{args.students + args.planted} modules, {len(ranked)} pairs compared: {seconds:.1f} s; "
              f"flagged {flagged}; planted copies ranked {sorted(ranks.get(p, -1) for p in planted)}")


if __name__ == "__main__":
    main()
