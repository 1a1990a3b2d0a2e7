"""Notebook fuzzer: seeded mutations of the release notebook, each student autograded by the real nbgrader.

    .venv/bin/python scripts/fuzz_notebooks.py --count 200 --seed 1 --out fuzz-notebooks.json
    .venv/bin/python scripts/fuzz_notebooks.py --count 6 --seed 3 --per-batch 6 --keep   # one small run, kept

Each case is one student of a scratch nbgrader course (`tests/nbgrader/course.py`; per batch of --per-batch
students: `nbgrader db student import`, `db assignment add`, `generate_assignment pytorch_tensor`). The
student hands in release/pytorch_tensor with

* a module `tensor_basics.py`, drawn among the answer key, the starter and a few one-mistake variants of the
  answer key (`MODULE_MISTAKES`);
* the release notebook mutated by one to four seeded operations (`MUTATIONS`): cells deleted, copy-pasted
  (same metadata, new cell id), moved, shuffled; sources replaced by hostile code (`pass`, `raise`, a patched
  `check`, `os._exit`, a bounded busy loop, writes to classmates' submitted modules or to the gradebook);
  nbgrader metadata changed (grade ids, points, flags, schema version, junk, removed); cell types changed;
  new grade cells; the kernelspec changed; the notebook emptied. A few cases are then made invalid
  (`CORRUPTIONS`: broken JSON, a broken nbformat schema). `nbformat.validate` decides which are valid.

`nbgrader autograde pytorch_tensor` runs once per batch (again, without the students it already failed, when
one student's error stops the whole run). What must hold for every case:

* nbgrader's total (the gradebook's submission score) equals `autograder.grade.grade_submission` of a
  pristine copy of what was handed in (graded once per module variant), within 1e-6;
* nbgrader grades every valid notebook (an error for a valid notebook is a mismatch; an invalid notebook
  that nbgrader refuses is a known limitation, counted apart);
* nothing in any student's submitted/ folder changed.

Exit code 1 when any case breaks one of these.
"""
from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

ASSIGNMENT = "pytorch_tensor"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
MODULE = "tensor_basics.py"
TOLERANCE = 1e-6
#: nbgrader's summary line for a student it could not grade (printed when the run ends normally).
ERROR_LINE = "There was an error processing assignment '{assignment}' for student '{student}'"
#: nbgrader's line as each student fails (printed even when a later student stops the whole run).
ERROR_PATH_LINE = re.compile(r"There was an error processing assignment: (\S+)")

#: One-mistake variants of the answer key: (text in the key, its replacement).
MODULE_MISTAKES: dict[str, tuple[str, str]] = {
    "matmul_elementwise": ("    return a @ b\n", "    return a * b\n"),
    "transpose_missing": ("    return a.T\n", "    return a\n"),
    "mean_ignores_axis": ("    return np.mean(a, axis=axis)\n", "    return np.mean(a)\n"),
}
MODULE_WEIGHTS = {"answer_key": 4, "starter": 2, **{name: 1 for name in MODULE_MISTAKES}}

#: Code a student could put in a cell (each bounded in time: the loop stops itself after ~0.5 s).
HOSTILE_SOURCES: dict[str, str] = {
    "pass": "pass\n",
    "raise": "raise Exception('fuzz: this cell fails')\n",
    "patch_check": "import autograder.notebook as _n\n_n.check = lambda *a, **k: None\n",
    "exit_kernel": "import os; os._exit(0)\n",
    "busy_loop": ("import time\n_ticks = 0\nwhile True:  # endless but for the guard below\n"
                  "    time.sleep(0.02)\n    _ticks += 1\n    if _ticks >= 25:\n        break\n"),
    "write_classmates": ("import glob\nfor _f in glob.glob('../../../submitted/*/pytorch_tensor/tensor_basics.py'):\n"
                         "    open(_f, 'w').write('raise SystemExit(\"overwritten\")\\n')\n"),
    "write_gradebook": "open('../../../gradebook.db', 'w').write('gone')\n",
    "copy_answer_key": ("import glob, shutil\nfor _k in glob.glob('../../../solutions/*/tensor_basics.py'):\n"
                        "    shutil.copy(_k, 'tensor_basics.py')\n"),
}

Json = dict[str, Any]
Mutation = Callable[[Json, random.Random], "str | None"]


# --- module variants -------------------------------------------------------------------------------------

def module_variants(repo: Path = REPO) -> dict[str, bytes]:
    """The modules a student may hand in: the answer key, the starter and the one-mistake variants."""
    key = (repo / "solutions" / ASSIGNMENT / MODULE).read_text(encoding="utf-8")
    variants = {"answer_key": key.encode(), "starter": (repo / "release" / ASSIGNMENT / MODULE).read_bytes()}
    for name, (old, new) in MODULE_MISTAKES.items():
        if key.count(old) != 1:
            raise ValueError(f"{name}: {old!r} is not once in the answer key")
        variants[name] = key.replace(old, new).encode()
    return variants


# --- notebook helpers --------------------------------------------------------------------------------------

def _nbgrader(cell: Json) -> Any:
    """The cell's nbgrader metadata (anything, or None)."""
    metadata = cell.get("metadata")
    return metadata.get("nbgrader") if isinstance(metadata, dict) else None


def _label(cell: Json) -> str:
    """A short name of a cell for the mutation list: its grade id, else its cell id."""
    meta = _nbgrader(cell)
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return str(grade_id if isinstance(grade_id, str) else cell.get("id", "?"))[:40]


def _nbgrader_cells(nb: Json) -> list[int]:
    """Indices of the cells with dict nbgrader metadata."""
    return [i for i, c in enumerate(nb["cells"]) if isinstance(_nbgrader(c), dict)]


def _grade_cells(nb: Json) -> list[int]:
    """Indices of the grade cells."""
    return [i for i in _nbgrader_cells(nb) if nb["cells"][i]["metadata"]["nbgrader"].get("grade") is True]


def _code_cells(nb: Json) -> list[int]:
    return [i for i, c in enumerate(nb["cells"]) if c.get("cell_type") == "code"]


def _new_id(nb: Json, rng: random.Random) -> str:
    """A cell id no cell of `nb` has."""
    taken = {c.get("id") for c in nb["cells"]}
    while True:
        candidate = f"fuzz-{rng.getrandbits(32):08x}"
        if candidate not in taken:
            return candidate


def _code_cell(nb: Json, rng: random.Random, source: str, nbgrader: Json | None = None) -> Json:
    cell = {"cell_type": "code", "execution_count": None, "id": _new_id(nb, rng), "metadata": {},
            "outputs": [], "source": source}
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = nbgrader
    return cell


def _prefer(rng: random.Random, preferred: list[int], others: list[int], bias: float = 0.7) -> int | None:
    """An index from `preferred` with probability `bias` (when there is one), else from `others`."""
    if preferred and (rng.random() < bias or not others):
        return rng.choice(preferred)
    return rng.choice(others) if others else None


def _hostile(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(sorted(HOSTILE_SOURCES))
    return name, HOSTILE_SOURCES[name]


def _set_type(cell: Json, cell_type: str) -> None:
    """Make `cell` a valid cell of `cell_type` (outputs and execution count for code only)."""
    cell["cell_type"] = cell_type
    if cell_type == "code":
        cell["outputs"], cell["execution_count"] = [], None
        cell.pop("attachments", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


# --- mutations (each returns what it did, or None when it does not apply) --------------------------------------

def delete_cell(nb: Json, rng: random.Random) -> str | None:
    """Delete any cell."""
    if not nb["cells"]:
        return None
    index = rng.randrange(len(nb["cells"]))
    return f"delete_cell {_label(nb['cells'].pop(index))}"


def delete_grade_cell(nb: Json, rng: random.Random) -> str | None:
    """Delete a grade cell (a visible test cell or a graded one)."""
    grades = _grade_cells(nb)
    if not grades:
        return None
    return f"delete_grade_cell {_label(nb['cells'].pop(rng.choice(grades)))}"


def duplicate_cell(nb: Json, rng: random.Random) -> str | None:
    """Jupyter's copy and paste: the same cell (metadata included) with a new cell id, after it or elsewhere."""
    index = _prefer(rng, _grade_cells(nb), list(range(len(nb["cells"]))))
    if index is None:
        return None
    pasted = copy.deepcopy(nb["cells"][index])
    pasted["id"] = _new_id(nb, rng)
    where = index + 1 if rng.random() < 0.6 else rng.randrange(len(nb["cells"]) + 1)
    nb["cells"].insert(where, pasted)
    return f"duplicate_cell {_label(pasted)} -> position {where}"


def move_cell(nb: Json, rng: random.Random) -> str | None:
    """Move one cell elsewhere."""
    if len(nb["cells"]) < 2:
        return None
    cell = nb["cells"].pop(rng.randrange(len(nb["cells"])))
    where = rng.randrange(len(nb["cells"]) + 1)
    nb["cells"].insert(where, cell)
    return f"move_cell {_label(cell)} -> position {where}"


def shuffle_cells(nb: Json, rng: random.Random) -> str | None:
    """Shuffle a run of cells (now and then the whole notebook)."""
    cells = nb["cells"]
    if len(cells) < 2:
        return None
    size = len(cells) if rng.random() < 0.15 else rng.randint(2, min(8, len(cells)))
    start = rng.randrange(len(cells) - size + 1)
    window = cells[start:start + size]
    rng.shuffle(window)
    cells[start:start + size] = window
    return f"shuffle_cells {start}..{start + size - 1}"


def edit_source(nb: Json, rng: random.Random) -> str | None:
    """Replace a code cell's source (a grade cell's, mostly) with hostile code."""
    code = _code_cells(nb)
    index = _prefer(rng, [i for i in _grade_cells(nb) if i in code], code)
    if index is None:
        return None
    name, source = _hostile(rng)
    nb["cells"][index]["source"] = source
    return f"edit_source {_label(nb['cells'][index])} = {name}"


def insert_cell(nb: Json, rng: random.Random) -> str | None:
    """Insert an ordinary code cell of hostile code."""
    name, source = _hostile(rng)
    where = rng.randrange(len(nb["cells"]) + 1)
    nb["cells"].insert(where, _code_cell(nb, rng, source))
    return f"insert_cell {name} at {where}"


def insert_grade_cell(nb: Json, rng: random.Random) -> str | None:
    """Insert a new cell marked as a grade cell (an invented grade id or one of the notebook's)."""
    known = [_label(nb["cells"][i]) for i in _nbgrader_cells(nb)]
    grade_id = rng.choice(known) if known and rng.random() < 0.5 else f"my_test_{rng.randrange(1000)}"
    meta = {"grade": True, "grade_id": grade_id, "locked": rng.choice([True, False]),
            "points": rng.choice([0, 1, 5, 100, 2.5]), "schema_version": 3, "solution": False, "task": False}
    name, source = _hostile(rng) if rng.random() < 0.5 else ("assert", "assert True\n")
    where = rng.randrange(len(nb["cells"]) + 1)
    nb["cells"].insert(where, _code_cell(nb, rng, source, meta))
    return f"insert_grade_cell {grade_id} points={meta['points']} locked={meta['locked']} {name} at {where}"


def set_grade_id(nb: Json, rng: random.Random) -> str | None:
    """Change an nbgrader cell's grade id: invented, another cell's, empty, not a string."""
    cells = _nbgrader_cells(nb)
    if not cells:
        return None
    index = rng.choice(cells)
    others = [_label(nb["cells"][i]) for i in cells if i != index]
    value = rng.choice([f"fuzz_{rng.randrange(10**6)}", rng.choice(others) if others else "other", "", 42])
    old = _label(nb["cells"][index])
    nb["cells"][index]["metadata"]["nbgrader"]["grade_id"] = value
    return f"set_grade_id {old} = {value!r}"


def set_points(nb: Json, rng: random.Random) -> str | None:
    """Change a grade cell's points: other numbers, numeric and other strings, null."""
    cells = _grade_cells(nb)
    if not cells:
        return None
    index = rng.choice(cells)
    value = rng.choice([0, 1, 3, 100, -5, 2.5, 1e9, "3", "lots", None])
    nb["cells"][index]["metadata"]["nbgrader"]["points"] = value
    return f"set_points {_label(nb['cells'][index])} = {value!r}"


def set_flag(nb: Json, rng: random.Random) -> str | None:
    """Change an nbgrader flag (grade, solution, locked, task) of a cell (a grade cell, mostly)."""
    index = _prefer(rng, _grade_cells(nb), _nbgrader_cells(nb))
    if index is None:
        return None
    flag = rng.choice(["grade", "solution", "locked", "task"])
    value = rng.choice([True, False, True, False, "yes", 1])
    nb["cells"][index]["metadata"]["nbgrader"][flag] = value
    return f"set_flag {_label(nb['cells'][index])} {flag} = {value!r}"


def set_schema_version(nb: Json, rng: random.Random) -> str | None:
    """Change the nbgrader schema version of a cell's metadata."""
    index = _prefer(rng, _grade_cells(nb), _nbgrader_cells(nb))
    if index is None:
        return None
    value = rng.choice([1, 2, 4, "3", None])
    nb["cells"][index]["metadata"]["nbgrader"]["schema_version"] = value
    return f"set_schema_version {_label(nb['cells'][index])} = {value!r}"


def junk_metadata(nb: Json, rng: random.Random) -> str | None:
    """Replace a cell's nbgrader metadata with something that is not a dict (or an empty one)."""
    index = _prefer(rng, _grade_cells(nb), _nbgrader_cells(nb))
    if index is None:
        return None
    value = rng.choice(["junk", 42, [1, 2], True, None, {}])
    old = _label(nb["cells"][index])
    nb["cells"][index]["metadata"]["nbgrader"] = value
    return f"junk_metadata {old} = {value!r}"


def remove_metadata(nb: Json, rng: random.Random) -> str | None:
    """Remove a cell's nbgrader metadata."""
    index = _prefer(rng, _grade_cells(nb), _nbgrader_cells(nb))
    if index is None:
        return None
    old = _label(nb["cells"][index])
    del nb["cells"][index]["metadata"]["nbgrader"]
    return f"remove_metadata {old}"


def change_cell_type(nb: Json, rng: random.Random) -> str | None:
    """Make a cell (a grade cell, mostly) a cell of another type: code, markdown, raw."""
    index = _prefer(rng, _grade_cells(nb), list(range(len(nb["cells"]))), bias=0.5)
    if index is None:
        return None
    cell = nb["cells"][index]
    new = rng.choice([t for t in ("code", "markdown", "raw") if t != cell["cell_type"]])
    old = cell["cell_type"]
    _set_type(cell, new)
    return f"change_cell_type {_label(cell)} {old} -> {new}"


#: What change_kernelspec may do to the notebook's metadata: a kernelspec (None: drop it), or a change.
KERNEL_CHANGES: dict[str, Callable[[Json], None]] = {
    "python2": lambda m: m.update(kernelspec={"display_name": "Python 2", "language": "python", "name": "python2"}),
    "unknown kernel": lambda m: m.update(kernelspec={"display_name": "Nope", "language": "python",
                                                     "name": "no-such-kernel"}),
    "R kernel": lambda m: m.update(kernelspec={"display_name": "R", "language": "R", "name": "ir"}),
    "no kernelspec": lambda m: m.pop("kernelspec", None),
    "no metadata": lambda m: m.clear(),
    "language javascript": lambda m: m.update(language_info={"name": "javascript"}),
}


def change_kernelspec(nb: Json, rng: random.Random) -> str | None:
    """Change the notebook's kernelspec or language info (or drop them, or all its metadata)."""
    name = rng.choice(list(KERNEL_CHANGES))
    KERNEL_CHANGES[name](nb["metadata"])
    return f"change_kernelspec {name}"


def empty_notebook(nb: Json, rng: random.Random) -> str | None:
    """Remove every cell."""
    nb["cells"] = []
    return "empty_notebook"


#: The mutations of a valid notebook and their weights.
MUTATIONS: dict[str, tuple[Mutation, int]] = {
    "delete_cell": (delete_cell, 8), "delete_grade_cell": (delete_grade_cell, 6),
    "duplicate_cell": (duplicate_cell, 10), "move_cell": (move_cell, 6), "shuffle_cells": (shuffle_cells, 4),
    "edit_source": (edit_source, 12), "insert_cell": (insert_cell, 8), "insert_grade_cell": (insert_grade_cell, 6),
    "set_grade_id": (set_grade_id, 8), "set_points": (set_points, 8), "set_flag": (set_flag, 8),
    "set_schema_version": (set_schema_version, 3), "junk_metadata": (junk_metadata, 5),
    "remove_metadata": (remove_metadata, 6), "change_cell_type": (change_cell_type, 8),
    "change_kernelspec": (change_kernelspec, 5), "empty_notebook": (empty_notebook, 1),
}


# --- corruptions (an invalid notebook: JSON text, or a dict against the schema) -----------------------------------

def _text(nb: Json) -> bytes:
    return (json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def corrupt(nb: Json, rng: random.Random) -> tuple[str, bytes]:
    """One way to make the notebook invalid: its description and the file's bytes."""
    kind = rng.choice(["truncated_json", "empty_file", "json_list", "cell_without_source", "unknown_cell_type",
                       "cells_not_a_list", "nbformat_3", "duplicate_cell_ids", "cell_metadata_not_a_dict",
                       "kernelspec_without_display_name"])
    cells = nb["cells"]
    if kind == "truncated_json":
        text = _text(nb)
        return kind, text[:rng.randrange(1, len(text) - 2)]
    if kind == "empty_file":
        return kind, b""
    if kind == "json_list":
        return kind, b"[]\n"
    if not cells and kind in ("cell_without_source", "unknown_cell_type", "duplicate_cell_ids",
                              "cell_metadata_not_a_dict"):
        kind = "cells_not_a_list"
    if kind == "cell_without_source":
        del rng.choice(cells)["source"]
    elif kind == "unknown_cell_type":
        rng.choice(cells)["cell_type"] = "bogus"
    elif kind == "cells_not_a_list":
        nb["cells"] = {"0": "not a list"}
    elif kind == "nbformat_3":
        nb["nbformat"], nb["nbformat_minor"] = 3, 0
    elif kind == "duplicate_cell_ids":
        index = rng.randrange(len(cells))
        cells.insert(index + 1, copy.deepcopy(cells[index]))  # pasted with the same cell id
    elif kind == "cell_metadata_not_a_dict":
        rng.choice(cells)["metadata"] = "junk"
    else:
        nb.setdefault("metadata", {})["kernelspec"] = {"name": "python3"}
    return kind, _text(nb)


def notebook_problem(data: bytes) -> str:
    """Why `data` is not a valid nbformat notebook ('' when it is)."""
    import nbformat

    try:
        nb = json.loads(data.decode("utf-8"))
    except ValueError as exc:
        return f"not JSON: {exc}"
    if not isinstance(nb, dict):
        return f"not a notebook: JSON {type(nb).__name__}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(copy.deepcopy(nb))
    except nbformat.ValidationError as exc:
        return f"invalid nbformat: {str(exc.message)[:200]}"
    except Exception as exc:  # noqa: BLE001 - anything else nbformat cannot take is invalid too
        return f"invalid: {type(exc).__name__}: {str(exc)[:200]}"
    return ""


# --- cases ---------------------------------------------------------------------------------------------------

@dataclass
class Case:
    """One student: the module variant handed in, the mutations of the notebook, the notebook's bytes."""

    index: int
    student: str
    module: str
    mutations: list[str]
    notebook: bytes = field(repr=False)
    problem: str = ""  # why the notebook is not valid nbformat ('' when it is)

    @property
    def valid(self) -> bool:
        return not self.problem


def student_name(index: int) -> str:
    """The student id of case `index` (zero-padded: nbgrader grades students in sorted order)."""
    return f"s{index:04d}"


def make_case(seed: int, index: int, *, release_notebook: Json, corrupt_rate: float = 0.06) -> Case:
    """Case `index` of the run seeded with `seed` (the same case every time)."""
    rng = random.Random(f"fuzz-notebooks:{seed}:{index}")
    module = rng.choices(list(MODULE_WEIGHTS), weights=list(MODULE_WEIGHTS.values()))[0]
    nb = copy.deepcopy(release_notebook)
    names = list(MUTATIONS)
    weights = [MUTATIONS[n][1] for n in names]
    done: list[str] = []
    wanted = rng.choices([1, 2, 3, 4], weights=[4, 3, 2, 1])[0]
    for _ in range(20 * wanted):
        if len(done) == wanted:
            break
        applied = MUTATIONS[rng.choices(names, weights=weights)[0]][0](nb, rng)
        if applied is not None:
            done.append(applied)
    if rng.random() < corrupt_rate:
        kind, data = corrupt(nb, rng)
        done.append(f"corrupt {kind}")
    else:
        data = _text(nb)
    return Case(index, student_name(index), module, done, data, notebook_problem(data))


def make_cases(*, count: int, seed: int, repo: Path = REPO) -> list[Case]:
    """The run's `count` cases."""
    release = json.loads((repo / "release" / ASSIGNMENT / NOTEBOOK).read_text(encoding="utf-8"))
    return [make_case(seed, index, release_notebook=release) for index in range(count)]


# --- one batch under nbgrader ------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What nbgrader and the autograder made of one case."""

    student: str
    module: str
    mutations: list[str]
    valid: bool
    problem: str
    nbgrader_total: float | None = None
    expected: float | None = None
    nbgrader_error: bool = False
    error: str = ""  # how nbgrader failed: its last traceback lines, or that the student stopped the run
    submitted_changed: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


def _nbgrader_command(course: Path, env: dict[str, str], args: list[str], timeout: float) -> tuple[int, str]:
    """Run `nbgrader ARGS` in the course; its exit code and output (stdout and stderr together)."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return done.returncode, done.stdout


def _checked(course: Path, env: dict[str, str], args: list[str], timeout: float = 600) -> str:
    code, output = _nbgrader_command(course, env, args, timeout)
    if code != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({code}):\n{output[-4000:]}")
    return output


def prepare_course(course: Path, env: dict[str, str], students: list[str]) -> None:
    """A scratch course with `students` in its gradebook and the assignment generated."""
    from tests.nbgrader.course import copy_course

    copy_course(course)
    roster = course.parent / "students.csv"
    with open(roster, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "last_name", "first_name", "email"])
        writer.writerows([s, s, "Fuzz", f"{s}@example.invalid"] for s in students)
    _checked(course, env, ["db", "student", "import", str(roster)])
    _checked(course, env, ["db", "assignment", "add", ASSIGNMENT])
    _checked(course, env, ["generate_assignment", ASSIGNMENT])


def hand_in(case: Case, *, course: Path, variants: dict[str, bytes], handed_in: Path) -> Path:
    """Write the case's folder (release/ with its module and notebook) as handed in, and copy it to submitted/."""
    pristine = handed_in / case.student
    shutil.copytree(course / "release" / ASSIGNMENT, pristine)
    (pristine / MODULE).write_bytes(variants[case.module])
    (pristine / NOTEBOOK).write_bytes(case.notebook)
    shutil.copytree(pristine, course / "submitted" / case.student / ASSIGNMENT)
    return pristine


def _traceback_tail(lines: list[str], start: int, keep: int = 8) -> str:
    """The last `keep` lines of the traceback nbgrader logged after line `start`."""
    block: list[str] = []
    for line in lines[start + 1:]:
        if line.startswith("[") and block:
            break
        block.append(line)
    kept = [line.strip()[:300] for line in block if line.strip().strip("^~ ")]
    return "\n".join(kept[-keep:])


def student_errors(output: str, students: list[str]) -> dict[str, str]:
    """{student: the end of the traceback} for every one of `students` that nbgrader reported failing in `output`
    (its line as each student fails, and its summary line, which a run stopped by a later student never prints)."""
    lines = output.splitlines()
    found: dict[str, str] = {}
    for number, line in enumerate(lines):
        match = ERROR_PATH_LINE.search(line)
        if match:
            path = Path(match.group(1))
            found[path.parent.name if path.name == ASSIGNMENT else path.name] = _traceback_tail(lines, number)
    for student in students:
        if ERROR_LINE.format(assignment=ASSIGNMENT, student=student) in output:
            found.setdefault(student, "(no traceback found)")
    return {s: why for s, why in found.items() if s in students}


def _graded(course: Path, student: str) -> bool:
    return (course / "autograded" / student / ASSIGNMENT / NOTEBOOK).is_file()


def autograde(course: Path, env: dict[str, str], students: list[str], *, timeout: float) -> tuple[str, dict[str, str]]:
    """Run `nbgrader autograde` until every student is graded or failed: a student whose error stops the whole
    run (nbgrader processes students in sorted order) is failed and the run started again without the failed
    ones. The whole output and {student: why nbgrader failed them}."""
    failed: dict[str, str] = {}
    outputs = []
    deadline = time.monotonic() + timeout
    while True:
        args = ["autograde", ASSIGNMENT]
        if failed:
            args.append(f"--CourseDirectory.student_id_exclude={','.join(sorted(failed))}")
        try:
            code, output = _nbgrader_command(course, env, args, max(60.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired as exc:
            output = exc.output if isinstance(exc.output, str) else (exc.output or b"").decode("utf-8", "replace")
            outputs.append(output)
            failed.update(student_errors(output, students))
            failed.update({s: "the autograde run timed out" for s in students
                           if s not in failed and not _graded(course, s)})
            break
        outputs.append(output)
        failed.update(student_errors(output, students))
        left = [s for s in students if s not in failed and not _graded(course, s)]
        if not left:
            break
        if code == 0:
            failed.update({s: "nbgrader finished without grading this student" for s in left})
            break
        tail = "\n".join(output.strip().splitlines()[-6:])
        failed[left[0]] = f"stopped the whole autograde run (nbgrader exit code {code}):\n{tail}"
    return "\n".join(outputs), failed


def gradebook_totals(course: Path, students: list[str]) -> dict[str, float | None]:
    """Each student's nbgrader total (None: no submission in the gradebook, or it cannot be read)."""
    from nbgrader.api import Gradebook, MissingEntry

    totals: dict[str, float | None] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            try:
                totals[student] = float(gb.find_submission(ASSIGNMENT, student).score)
            except MissingEntry:
                totals[student] = None
    return totals


def changed_files(folder: Path, pristine: Path) -> list[str]:
    """The files that differ between `folder` and `pristine` (changed, added or missing)."""
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} \
            if root.is_dir() else {}

    now, then = files(folder), files(pristine)
    return sorted(name for name in set(now) | set(then) if now.get(name) != then.get(name))


def expected_score(pristine: Path, *, module: bytes, cache_dir: Path, known: dict[bytes, float]) -> float:
    """`autograder grade`'s score of the handed-in folder, graded once per module (memoised in `known`)."""
    if module not in known:
        from autograder.grade import grade_submission

        report = grade_submission(submission=pristine, assignment=ASSIGNMENT, solutions_dir=REPO / "solutions",
                                  cache_dir=cache_dir)
        known[module] = float(report.score)
    return known[module]


def judge(outcome: Outcome) -> Outcome:
    """Fill in the outcome's mismatches (see the module's docstring for what must hold)."""
    if outcome.submitted_changed:
        outcome.mismatches.append(f"submitted folder changed: {', '.join(outcome.submitted_changed)}")
    if outcome.nbgrader_error:
        if outcome.valid:
            outcome.mismatches.append("nbgrader failed a valid notebook")
        return outcome
    if outcome.nbgrader_total is None:
        outcome.mismatches.append("no submission in the gradebook")
    elif outcome.expected is None or abs(outcome.nbgrader_total - outcome.expected) > TOLERANCE:
        outcome.mismatches.append(f"nbgrader total {outcome.nbgrader_total} != autograder grade {outcome.expected}")
    return outcome


def run_batch(cases: list[Case], *, work: Path, env: dict[str, str], variants: dict[str, bytes],
              cache_dir: Path, known: dict[bytes, float]) -> tuple[list[Outcome], float]:
    """Autograde one batch of cases in a fresh scratch course; the outcomes and autograde's seconds."""
    course = work / "course"
    work.mkdir(parents=True)
    students = [c.student for c in cases]
    prepare_course(course, env, students)
    pristine = {c.student: hand_in(c, course=course, variants=variants, handed_in=work / "handed-in") for c in cases}
    expected = {c.student: expected_score(pristine[c.student], module=variants[c.module], cache_dir=cache_dir,
                                          known=known) for c in cases}
    started = time.monotonic()
    output, failed = autograde(course, env, students, timeout=300 + 120 * len(cases))
    seconds = time.monotonic() - started
    (work / "autograde.log").write_text(output, encoding="utf-8")
    totals = gradebook_totals(course, students)
    outcomes = []
    for case in cases:
        outcome = Outcome(case.student, case.module, case.mutations, case.valid, case.problem,
                          nbgrader_total=totals[case.student], expected=expected[case.student],
                          nbgrader_error=case.student in failed, error=failed.get(case.student, ""),
                          submitted_changed=changed_files(course / "submitted" / case.student / ASSIGNMENT,
                                                          pristine[case.student]))
        outcomes.append(judge(outcome))
    return outcomes, seconds


# --- the run ---------------------------------------------------------------------------------------------------------

def _mutation_kind(description: str) -> str:
    return description.split(" ", 2)[1] if description.startswith("corrupt ") else description.split(" ", 1)[0]


def summarise(outcomes: list[Outcome], *, seconds: float, autograde_seconds: float) -> dict[str, Any]:
    """The run's figures, the mismatching cases and where nbgrader failed."""
    mismatching = [o for o in outcomes if o.mismatches]
    failures = [o for o in outcomes if o.nbgrader_error]
    by_kind: dict[str, dict[str, int]] = {}
    for outcome in outcomes:
        for kind in {_mutation_kind(m) for m in outcome.mutations}:
            row = by_kind.setdefault(kind, {"cases": 0, "mismatches": 0})
            row["cases"] += 1
            row["mismatches"] += bool(outcome.mismatches)
    reasons = Counter((o.error.strip().splitlines() or [""])[-1][:160] for o in failures)
    return {
        "cases": len(outcomes),
        "mismatches": len(mismatching),
        "nbgrader_failures": len(failures),
        "nbgrader_failures_valid": sum(o.valid for o in failures),
        "invalid_notebooks": sum(not o.valid for o in outcomes),
        "invalid_refused": sum(not o.valid for o in failures),
        "run_stopped_by": sum("stopped the whole autograde run" in o.error for o in outcomes),
        "submitted_changed": sum(bool(o.submitted_changed) for o in outcomes),
        "seconds": round(seconds, 1),
        "seconds_per_student": round(autograde_seconds / len(outcomes), 2) if outcomes else 0.0,
        "by_mutation": dict(sorted(by_kind.items())),
        "failure_reasons": dict(reasons.most_common()),
        "mismatching": [asdict(o) for o in mismatching],
    }


def run(*, count: int, seed: int, per_batch: int, work_dir: Path, cifar10_root: Path) -> dict[str, Any]:
    """Draw `count` cases, autograde them in batches under `work_dir`; the summary and every outcome."""
    from tests.nbgrader.course import nbgrader_env

    started = time.monotonic()
    cases = make_cases(count=count, seed=seed)
    variants = module_variants()
    env = nbgrader_env(cifar10_root)
    known: dict[bytes, float] = {}
    outcomes: list[Outcome] = []
    autograde_seconds = 0.0
    for number, start in enumerate(range(0, len(cases), per_batch)):
        batch = cases[start:start + per_batch]
        done, seconds = run_batch(batch, work=work_dir / f"batch-{number:03d}", env=env, variants=variants,
                                  cache_dir=work_dir / "cache", known=known)
        outcomes += done
        autograde_seconds += seconds
        print(f"batch {number}: {len(done)} students, {sum(bool(o.mismatches) for o in done)} mismatches, "
              f"{sum(o.nbgrader_error for o in done)} nbgrader failures, {seconds / len(done):.1f} s per student",
              flush=True)
    summary = summarise(outcomes, seconds=time.monotonic() - started, autograde_seconds=autograde_seconds)
    summary["outcomes"] = [asdict(o) for o in outcomes]
    return summary


def summary_line(summary: dict[str, Any]) -> str:
    """One line of the run's figures."""
    return (f"fuzz_notebooks: {summary['cases']} cases, {summary['mismatches']} mismatches, "
            f"{summary['nbgrader_failures']} nbgrader failures ({summary['nbgrader_failures_valid']} of valid "
            f"notebooks, {summary['invalid_refused']} of {summary['invalid_notebooks']} invalid notebooks refused; "
            f"{summary['run_stopped_by']} stopped the whole run), {summary['submitted_changed']} submitted folders "
            f"changed, {summary['seconds_per_student']} s per student ({summary['seconds']} s in all)")


def _default_cifar10() -> Path:
    return Path(os.environ.get("CIFAR10_ROOT") or REPO.parent / "shared" / "datasets")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="how many students (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-batch", type=int, default=25, help="students per nbgrader run (default 25)")
    parser.add_argument("--out", type=Path, default=None, help="write the summary and every case as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch courses (their path is printed)")
    parser.add_argument("--cifar10-root", type=Path, default=None, help="default: $CIFAR10_ROOT or ../shared/datasets")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fuzz-notebooks-"))
    try:
        summary = run(count=args.count, seed=args.seed, per_batch=args.per_batch, work_dir=work,
                      cifar10_root=(args.cifar10_root or _default_cifar10()).resolve())
    finally:
        if args.keep:
            print(f"scratch courses kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for case in summary["mismatching"]:
        print(f"MISMATCH {case['student']} ({case['module']}; {'; '.join(case['mutations'])}): "
              f"{'; '.join(case['mismatches'])}" + (f"\n    {case['error'].splitlines()[-1]}" if case["error"] else ""))
    print(json.dumps({k: v for k, v in summary.items() if k not in ("mismatching", "outcomes")}, indent=2,
                     ensure_ascii=False))
    print(summary_line(summary))
    return 1 if summary["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
