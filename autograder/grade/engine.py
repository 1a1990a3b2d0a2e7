"""Grade a submission: run every check's probe on the student's code and on the answer key, compare."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection

import numpy as np

from autograder.feedback.catalog import bilingual, korean, marked
from autograder.feedback.inert import escape_controls, inert, inert_line
from autograder.feedback.language import PAIR_MARKS, pair
from autograder.feedback.pictures import attach_test_images
from autograder.grade.checks.common import error_verdict
from autograder.grade.compare import error_both
from autograder.grade.isolation import usable_by_others
from autograder.grade.registry import Check, Verdict, checks_for
from autograder.grade.rescore import rescore
from autograder.grade.progress import GradingEvent, ProgressListener
from autograder.grade.report import CheckResult, GradeReport
from autograder.intake import IntakeError, IntakeLimits, receive_submission
from autograder.paths import ASSIGNMENT_MODULES, TRUSTED_FILES, default_cache_dir, default_solutions_dir
from autograder.probes.common import ANSWER_KEY_RUN
from autograder.run import Limits, ProbeOutcome, ProbeRequest, run_probes
from autograder.run.sandbox import ProbeEvent
from autograder.run import confine as sandbox_confine
from autograder.run.values import read_result

SEED = 0
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "results.json")


class GradingError(Exception):
    """The submission could not be graded at all (bad folder, no data); `exit_code` says which case."""

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class _Prepared:
    assignment: str
    student_dir: Path
    reference_dir: Path
    checks: list[Check]


def _regular_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _unwrap(folder: Path, *, levels: int = 3) -> Path:
    """The folder itself, or the one folder an archive or LMS wrapped it in (e.g. `hw1/pytorch_tensor/`)."""
    for _ in range(levels):
        if any(_regular_file(folder / f"{m}.py") or (folder / a).is_dir() for a, m in ASSIGNMENT_MODULES.items()):
            return folder
        entries = [e for e in folder.iterdir() if not e.name.startswith(".")]
        if len(entries) != 1 or not entries[0].is_dir() or entries[0].is_symlink():
            return folder
        folder = entries[0]
    return folder


def near_miss_modules(folder: Path, module: str) -> list[Path]:
    """Files of `folder` whose names are the module's name as a browser or an LMS changes it when it saves a second
    copy or the student renames it by accident: `tensor_basics (1).py`, `tensor_basics(2).py`, `tensor_basics-1.py`,
    `tensor_basics copy.py`, `Tensor_Basics.py`, `tensor_basics.py.txt`."""
    pattern = re.compile(rf"{re.escape(module)}(?:\s*\(\d+\)|-\d+|_\d+|\s+copy(?:\s*\d+)?|\s*사본)?\.py(?:\.txt)?",
                         re.IGNORECASE)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [e for e in entries if _regular_file(e) and e.name != f"{module}.py" and pattern.fullmatch(e.name)]


def _python_files(folder: Path, *, limit: int = 8) -> str:
    """The .py files found in `folder` and one level below (names inert), for a refusal that says what was there."""
    found = sorted({p.relative_to(folder).as_posix() for p in [*folder.glob("*.py"), *folder.glob("*/*.py")]
                    if _regular_file(p)})
    shown = ", ".join(inert(name, max_chars=80) for name in found[:limit])
    return (shown + (" …" if len(found) > limit else "")) if found else "-"


#: What only each assignment's module defines (its first TODO): a lone .py file under another name (one file per
#: student, named after the student, as an LMS delivers it) that defines it is that module.
MODULE_SIGNATURES = {"pytorch_tensor": "def make_zeros_and_ones(", "image_classification": "class TwoLayerFC("}


def _lone_module(folder: Path, assignment: str) -> list[Path]:
    """The only .py file of `folder` when it defines the assignment's module (see MODULE_SIGNATURES), else []."""
    files = [p for p in folder.glob("*.py") if _regular_file(p) and p.name not in TRUSTED_FILES.get(assignment, ())]
    if len(files) != 1 or files[0].stat().st_size > 2**22:
        return []
    text = files[0].read_text(encoding="utf-8", errors="replace")
    return files if MODULE_SIGNATURES.get(assignment, "\0") in text else []


def _adopt_near_miss(folder: Path, module: str, notes: list[str], *, assignment: str) -> bool:
    """When exactly one near-miss name of the module (or a lone .py file that defines it) is in `folder` (the
    grader's own copy), grade it as the module, with a note; True when the module is there now."""
    if _regular_file(folder / f"{module}.py"):
        return True
    candidates = near_miss_modules(folder, module) or _lone_module(folder, assignment)
    if len(candidates) != 1:
        return False
    shutil.copyfile(candidates[0], folder / f"{module}.py")
    name = inert(candidates[0].name, max_chars=120)
    notes.append(pair(f"{name}을(를) {module}.py로 보고 채점했습니다. 다음에는 파일 이름을 {module}.py로 제출하세요.",
                      f"{name} was graded as {module}.py: next time hand it in under that name."))
    return True


def find_assignments(submission: Path, assignment: str | None = None, *,
                     notes: list[str] | None = None) -> dict[str, Path]:
    """The assignment folders in `submission` (release/'s layout, or one assignment's folder; the grader's own
    copy). Links are never followed: a linked folder or module counts as missing. A module handed in under an
    unambiguous near-miss name (`tensor_basics (1).py`) is graded as the module, with a note added to `notes`."""
    if not submission.is_dir() or submission.is_symlink():
        raise GradingError(pair(f"제출 폴더가 없습니다: {submission}", f"no such submission folder: {submission}"), exit_code=2)
    notes = [] if notes is None else notes
    submission = _unwrap(submission)
    found: dict[str, Path] = {}
    for name, module in ASSIGNMENT_MODULES.items():
        if assignment is not None and name != assignment:
            continue
        folder = submission / name
        if folder.is_dir() and not folder.is_symlink() and _adopt_near_miss(folder, module, notes, assignment=name):
            found[name] = folder
        elif _adopt_near_miss(submission, module, notes, assignment=name):
            found[name] = submission
    there = _python_files(submission)
    if assignment is not None:
        if assignment not in ASSIGNMENT_MODULES:
            raise GradingError(pair(f"과제 이름이 잘못되었습니다: {assignment!r} ({', '.join(ASSIGNMENT_MODULES)} 중 하나)",
                                    f"unknown assignment {assignment!r}; choose one of {', '.join(ASSIGNMENT_MODULES)}"))
        if assignment not in found:
            module = ASSIGNMENT_MODULES[assignment]
            raise GradingError(pair(f"제출물에 {assignment}/{module}.py 파일이 없습니다 (찾은 .py 파일: {there}). 노트북과 "
                                    f"함께 {module}.py를 제출하세요.", f"The submission has no {assignment}/{module}.py "
                                    f"(nor {module}.py at its top; .py files found: {there}): hand in {module}.py with "
                                    "the notebook."))
        return {assignment: found[assignment]}
    if not found:
        expected = ", ".join(f"{a}/{m}.py" for a, m in ASSIGNMENT_MODULES.items())
        raise GradingError(pair(f"제출물에서 과제를 찾지 못했습니다: {expected} 중 하나가 있어야 합니다 (찾은 .py 파일: "
                                f"{there}; 노트북만으로는 채점할 수 없습니다).", f"The submission holds no assignment: "
                                f"expected {expected} (.py files found: {there}; release/'s layout; a notebook alone "
                                "cannot be graded, hand in the .py module too)."))
    return found


def _load_data_module(solutions_dir: Path) -> Any:
    path = solutions_dir / "image_classification" / "cifar10.py"
    spec = importlib.util.spec_from_file_location("_autograder_trusted_cifar10", path)
    if spec is None or spec.loader is None:
        raise GradingError(pair(f"채점기의 데이터 모듈 {path}이(가) 없습니다. `autograder assign`을 실행하세요.",
                                f"the trusted data module {path} is missing; run `autograder assign`"), exit_code=3)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def prepare_data(*, solutions_dir: Path, data_dir: str | None, target: Path,
                 student_target: Path | None = None) -> tuple[np.ndarray, str, np.ndarray | None]:
    """Write the CIFAR-10 images the children may see (train images and labels, test images; never the
    test labels) into `target` (for the answer key) and, when `student_target` is given, the same with
    the test images in a secret order that changes every grading (for the student's code). Returns the
    test labels (kept in this process), a data fingerprint and the secret permutation (or None)."""
    from autograder.grade.rescore import secret_permutation

    cifar10 = _load_data_module(solutions_dir)
    try:
        arrays = cifar10.load_cifar10(data_dir)
    except cifar10.CIFAR10DataError as exc:
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


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _reference_key(*, assignment: str, reference_dir: Path, limits: Limits, data_fingerprint: str) -> str:
    from importlib.metadata import version

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    # torch's version from its metadata: importing torch here would cost the grading process 500 MiB.
    for part in (assignment, _tree_digest(reference_dir), _tree_digest(package / "probes"),
                 (package / "run" / "values.py").read_text(), version("torch"), str(limits.threads),
                 data_fingerprint, str(SEED)):
        digest.update(part.encode())
    return digest.hexdigest()[:24]


def _requests(checks: list[Check], limits: Limits) -> list[ProbeRequest]:
    requests: dict[str, ProbeRequest] = {}
    for item in checks:
        timeout = limits.train_seconds if item.timeout == "train" else limits.check_seconds
        # a training probe gets a child of its own: its memory is the training's, not the sum of the probes
        requests.setdefault(item.probe, ProbeRequest(item.probe, timeout, alone=item.timeout == "train"))
    return list(requests.values())


def _listener(progress: ProgressListener | None, *, who: str, prepared: _Prepared) -> Any:
    """run_probes' `on_event` that tells `progress` (None: nothing to tell) in the checks' terms."""
    if progress is None:
        return None
    titles: dict[str, tuple[str, ...]] = {}
    for item in prepared.checks:
        titles[item.probe] = titles.get(item.probe, ()) + (item.title,)

    def on_event(event: ProbeEvent) -> None:
        outcome = event.outcome
        progress(GradingEvent(event.kind, who, prepared.assignment, event.probe, titles.get(event.probe, ()),
                              done=event.done, total=event.total, status=outcome.status if outcome else "",
                              seconds=outcome.seconds if outcome else 0.0))

    return on_event


def _reference_outcomes(*, prepared: _Prepared, requests: list[ProbeRequest], limits: Limits, work_dir: Path,
                        cache_dir: Path | None, context: dict[str, Any], data_fingerprint: str,
                        progress: ProgressListener | None = None) -> dict[str, ProbeOutcome]:
    cached: dict[str, ProbeOutcome] = {}
    folder = None
    if cache_dir is not None:
        key = _reference_key(assignment=prepared.assignment, reference_dir=prepared.reference_dir,
                             limits=limits, data_fingerprint=data_fingerprint)
        folder = cache_dir / "reference" / f"{prepared.assignment}-{key}"
        for request in requests:
            path = folder / request.name
            if path.with_suffix(".json").is_file() and path.with_suffix(".npz").is_file() and _verified(path):
                try:
                    cached[request.name] = ProbeOutcome(request.name, "ok", value=read_result(path, max_bytes=2**28))
                except (OSError, ValueError):
                    pass
    missing = [r for r in requests if r.name not in cached]
    if missing:
        outcomes = run_probes(assignment=prepared.assignment, module_dir=prepared.reference_dir,
                              module=ASSIGNMENT_MODULES[prepared.assignment], probes=missing,
                              limits=limits, work_dir=work_dir / "reference-run", seed=SEED,
                              context={**context, ANSWER_KEY_RUN: True},
                              on_event=_listener(progress, who="answer key", prepared=prepared))
        for name, outcome in outcomes.items():
            cached[name] = outcome
            if folder is not None and outcome.ok:
                _store(folder, name, sorted((work_dir / "reference-run").glob(f"out-*/{name}.*")))
    return cached


def _entry_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for suffix in (".json", ".npz"):
        digest.update(path.with_suffix(suffix).read_bytes())
    return digest.hexdigest()


def _verified(path: Path) -> bool:
    """A cached reference result is used only when its digest matches (no half-written or altered entry)."""
    try:
        return path.with_suffix(".sha256").read_text(encoding="ascii").strip() == _entry_digest(path)
    except OSError:
        return False


def _store(folder: Path, name: str, produced: list[Path]) -> None:
    """Put a reference result in the cache: only the grader writes there (folders 0700), each file
    replaced atomically, the digest last."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for parent in (folder.parent, folder.parent.parent):
        try:
            parent.chmod(0o700)
        except OSError:
            pass
    for source in produced:
        temporary = folder / f".{source.name}.{os.getpid()}.tmp"
        shutil.copyfile(source, temporary)
        temporary.replace(folder / source.name)
    path = folder / name
    if path.with_suffix(".json").is_file() and path.with_suffix(".npz").is_file():
        temporary = folder / f".{name}.sha256.{os.getpid()}.tmp"
        temporary.write_text(_entry_digest(path) + "\n", encoding="ascii")
        temporary.replace(path.with_suffix(".sha256"))


def _secret_paths(*, solutions_dir: Path, cache_dir: Path | None, data_dir: str | None, scratch: Path,
                  hidden: Collection[str | os.PathLike[str]]) -> list[Path]:
    """Paths a confined child must not see: the answer key, every cache and data folder (the test
    labels live there), the repository (tests, sources), the grader's scratch folder, and `hidden`."""
    from autograder.paths import repo_root

    # The data module's default folders are ~/.cache/ai-vision-course/... or under $XDG_CACHE_HOME,
    # $CIFAR10_ROOT and $CIFAR10_CACHE: all below.
    paths: list[Path] = [solutions_dir, scratch, default_cache_dir(), Path.home(),
                         Path.home() / ".cache" / "ai-vision-course"]
    # The repository, when the package runs from a checkout; installed (site-packages, as on Gradescope),
    # the folder above the package is Python's own, which the child needs.
    if any((repo_root() / name).exists() for name in ("source", "solutions", "tests", ".git")):
        paths.append(repo_root())
    paths += [Path(p) for p in hidden]
    if cache_dir is not None:
        paths.append(cache_dir)
    if data_dir:
        paths.append(Path(data_dir))
    for name in ("CIFAR10_ROOT", "CIFAR10_CACHE", "AUTOGRADER_CACHE", "AUTOGRADER_SOLUTIONS", "XDG_CACHE_HOME"):
        if os.environ.get(name):
            paths.append(Path(os.environ[name]))
    paths += [Path(p) for p in os.environ.get("AUTOGRADER_HIDE", "").split(os.pathsep) if p]
    return paths


def _weaker(*, own_uid: bool, why_ko: str, why_en: str) -> str:
    """The note (for the instructor) that student code ran without namespaces, and as whom."""
    if own_uid:
        return pair(f"격리가 약했습니다: 학생 코드가 네임스페이스 없이, 별도의 비특권 사용자로, 네트워크와 모든 사용자가 볼 수 "
                    f"있는 파일에 접근할 수 있는 채로 실행되었습니다 ({why_ko}). 시간·메모리·프로세스·출력 제한은 그대로 "
                    "적용했습니다.",
                    "Isolation was weaker: student code ran as an unprivileged user of its own, but without namespaces, "
                    f"with network access and the view of the files any user has ({why_en}); the time, memory, process "
                    "and output limits still applied.")
    return pair(f"격리가 약했습니다: 학생 코드가 채점기와 같은 사용자로, 네트워크와 채점기의 파일에 접근할 수 있는 채로 "
                f"실행되었습니다 ({why_ko}). 시간·메모리·프로세스·출력 제한은 그대로 적용했습니다.",
                "Isolation was weaker: student code ran as the grader's own user, with network access and the grader's "
                f"view of the files ({why_en}); the time, memory, process and output limits still applied.")


def _confinement(*, confine_mode: bool | None, prepared: _Prepared, limits: Limits, secret: list[Path],
                 readable: list[Path], scratch: Path, report: GradeReport,
                 state: dict[str, Any]) -> sandbox_confine.Confinement | None:
    """The confinement of this assignment's student run, or None (with a note for the instructor saying why
    isolation was weaker). The check that confinement holds runs once per grading."""
    def note(text: str) -> None:
        state["note"] = text
        report.grader_notes.append(text)

    nproc = max(8 * limits.processes, 256)
    if confine_mode is False:
        if os.geteuid() == 0 and "run_as" not in state:
            # Still never as root (the grader's files and cache stay its own), where Python itself is usable
            # by another user (not so when it lives in root's home, as with pyenv under /root).
            state["run_as"] = sandbox_confine.sandbox_ids() if usable_by_others() else None
        if "note" not in state:
            note(_weaker(own_uid=bool(state.get("run_as")), why_ko="--no-confine으로 격리를 껐습니다",
                         why_en="confinement was turned off with --no-confine"))
        return None
    if os.geteuid() != 0:  # not root: the kernel's unprivileged user namespaces, where it allows them
        plan = sandbox_confine.plan_confinement(module_dir=prepared.student_dir, secret=secret, readable=readable,
                                                ids=(0, 0), tmp_mib=limits.disk_mib, nproc=nproc, user_namespace=True)
        if "support" not in state:
            state["support"] = sandbox_confine.check_confinement(plan, work_dir=scratch / "confinement-check")
            if not state["support"].available:
                reason = state["support"].reason
                note(_weaker(own_uid=False, why_ko=f"채점기가 root가 아니고 커널이 사용자 네임스페이스를 허용하지 않음: {reason}",
                             why_en=f"the grader is not running as root and the kernel refused a user namespace: {reason}"))
        return plan if state["support"].available else None
    ids = sandbox_confine.sandbox_ids()
    if ids is None:
        if "note" not in state:
            note(_weaker(own_uid=False, why_ko="이 사용자 네임스페이스에는 쓸 수 있는 비특권 uid가 없음",
                         why_en="no unprivileged uid is available in this user namespace"))
        return None
    plan = sandbox_confine.plan_confinement(module_dir=prepared.student_dir, secret=secret, readable=readable, ids=ids,
                                            tmp_mib=limits.disk_mib, nproc=nproc)
    if "support" not in state:
        state["support"] = sandbox_confine.check_confinement(plan, work_dir=scratch / "confinement-check")
        if not state["support"].available:
            # No namespaces (e.g. a Docker container without CAP_SYS_ADMIN, as on Gradescope): still never as
            # root, but as a fresh unprivileged uid in a private copy of its folder, where Python allows it.
            state["run_as"] = ids if usable_by_others() else None
            reason = state["support"].reason
            note(_weaker(own_uid=bool(state["run_as"]), why_ko=f"네임스페이스를 만들 수 없음: {reason}", why_en=reason))
    return plan if state["support"].available else None


OVERLOADED = pair("채점 서버가 너무 바빠서 이 검사를 끝내지 못했습니다. 학생의 잘못이 아니니 다시 채점해야 합니다.",
                  "The grading machine was too busy to finish this check: this is not your fault, it must be regraded")


def _student_fault(outcome: ProbeOutcome) -> Verdict:
    if outcome.status in ("raised", "import"):
        return error_verdict(outcome.name, outcome.value) if outcome.status == "raised" else \
            Verdict.failed(bilingual("your module could not be imported: {error}. Fix the line it names and run "
                                     "the file once yourself.", error=error_both(outcome.value)))
    reasons = {
        "timeout": marked("stopped (time limit)"), "memory": marked("stopped (memory limit)"),
        "output": marked("stopped (output limit)"), "exited": marked("stopped (your code ended the process)"),
        "processes": marked("stopped (process limit)"), "total-time": marked("not run (total time limit)"),
        "ungradable": marked("its result could not be graded"),
    }
    reason = reasons.get(outcome.status, outcome.status)
    if outcome.status == "total-time" and "during" in outcome.detail:
        reason = marked("stopped (total time limit)")
    message = f"{pair(korean(reason) or reason, reason)}: {outcome.detail}"
    if outcome.output_tail.strip() and outcome.status in ("exited", "memory", "output"):
        message += f"\n{pair('마지막 출력 줄', 'last output line')}: {inert_line(outcome.output_tail)}"
    return Verdict.failed(message)


def _safe_message(message: str) -> str:
    """Every line of a message inert (student text inside was made one line already; this also escapes
    any control character that reached a grader-made line). The marks of the grader's bilingual pairs stay:
    student text cannot hold them (`inert` and the probe results' decoding escape or drop them)."""
    return "\n".join(escape_controls(line, keep=PAIR_MARKS) for line in message.split("\n"))


def _grade_check(item: Check, student: ProbeOutcome | None, reference: ProbeOutcome | None,
                 labels: np.ndarray | None) -> CheckResult:
    def result(status: str, score: float, message: str, data: dict[str, Any] | None = None,
               pictures: dict[str, Any] | None = None) -> CheckResult:
        return CheckResult(item.assignment, item.name, item.title, item.points, round(score, 4), status,
                           _safe_message(message), student.seconds if student else 0.0, data=data or {},
                           peak_rss_mib=student.peak_rss_mib if student else 0.0, pictures=pictures or {})

    def grade(value: Any) -> Verdict:
        return item.grade(value, reference.value, labels) if item.needs_data else item.grade(value, reference.value)

    if reference is None or not reference.ok:
        if reference is not None and reference.status == "overloaded":
            return result("grader-error", 0.0, f"{OVERLOADED} (answer key: {reference.detail})")
        detail = f"{reference.status}: {reference.detail or reference.value}" if reference else "it did not run"
        return result("grader-error", 0.0, f"the grader failed on the answer key ({detail}); this is not your fault")
    if student is None:
        return result("grader-error", 0.0, "the grader did not run this check")
    if student.status == "sandbox":
        return result("grader-error", 0.0, f"{student.detail}; this is not your fault")
    if student.status == "overloaded":
        return result("grader-error", 0.0, f"{OVERLOADED} ({student.detail})")
    verdict = _student_fault(student) if not student.ok else None
    if verdict is None:
        try:
            verdict = grade(student.value)
        except Exception as exc:  # noqa: BLE001 - a bug in a check must not hide the other checks
            # Whose fault: if the check grades the answer key's own values, the student's values were of a
            # kind it cannot compare (strings, objects, huge numbers...): that is the student's failure.
            try:
                grade(reference.value)
            except Exception:  # noqa: BLE001
                return result("grader-error", 0.0, pair(
                    "채점기 오류입니다. 학생의 잘못이 아닙니다.", f"the grader failed in this check ({type(exc).__name__}: "
                    f"{inert(exc, max_chars=200)}); this is not your fault"))
            verdict = Verdict.failed(pair(
                "돌려준 값의 종류가 정답과 비교할 수 없는 것입니다. docstring이 말하는 모양의 숫자, 배열, 텐서를 돌려주세요.",
                f"your code returned values of a kind that cannot be compared with the answer key "
                f"({type(exc).__name__}); return what the docstring asks for (numbers, arrays or tensors of numbers, "
                "of the shapes it names)"))
    fraction = min(max(verdict.fraction, 0.0), 1.0)
    status = verdict.status or ("passed" if fraction >= 1.0 else ("partial" if fraction > 0 else "failed"))
    return result(status, item.points * fraction, verdict.message, verdict.data, verdict.pictures)


def _grader_failure(item: Check, exc: BaseException) -> CheckResult:
    """The result of a check that could not run because the grader itself failed."""
    return CheckResult(item.assignment, item.name, item.title, item.points, 0.0, "grader-error",
                       pair("채점기 오류로 이 검사를 하지 못했습니다. 학생의 잘못이 아니니 강사에게 알려 주세요.",
                            f"the grader failed before this check could run ({type(exc).__name__}: "
                            f"{inert(exc, max_chars=300)}); this is not your fault, tell the instructor"))


def grade_submission(
    *,
    submission: Path,
    assignment: str | None = None,
    solutions_dir: Path | None = None,
    data_dir: str | None = None,
    limits: Limits = Limits(),
    cache_dir: Path | None = None,
    use_cache: bool = True,
    work_dir: Path | None = None,
    skip: Collection[str] = (),
    confine: bool | None = None,
    hidden: Collection[str | os.PathLike[str]] = (),
    intake_limits: IntakeLimits = IntakeLimits(),
    progress: ProgressListener | None = None,
) -> GradeReport:
    """Grade `submission` (release/'s layout, one assignment's folder, an archive or a single file)
    against the answer key.

    The submission is first taken in by `autograder.intake` (read, never followed; links and special
    files left out; bounded). `skip` names checks to leave out (e.g. the slow accuracy checks); they do
    not count towards the total. `confine`: run the student's code confined (another uid, namespaces,
    hidden paths; see docs/isolation.md): None (default) when the grader runs as root, False never, True
    whenever possible. When it is not possible, the report's notes for the instructor say that isolation was weaker and
    why. `hidden` adds paths that the confined code must not see. The student's time (`total_seconds`)
    counts only while student code runs, after the grader's own reference work and data preparation.
    `progress` is told each step as it happens (`GradingEvent`); it never changes a result.
    Raises GradingError when the submission cannot be graded at all (exit codes 2 and 3).
    """
    started = time.monotonic()
    solutions_dir = Path(solutions_dir or default_solutions_dir())
    submission = Path(submission)
    cache = (cache_dir or default_cache_dir()) if use_cache else None
    report = GradeReport(submission=str(submission))
    remaining = limits.total_seconds
    confine_state: dict[str, Any] = {}
    memory_modes: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="autograder-") as scratch_name:
        scratch = Path(work_dir or scratch_name)
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            received = receive_submission(submission, scratch / "intake", limits=intake_limits)
        except IntakeError as exc:
            raise GradingError(str(exc), exit_code=2) from None
        report.notes.extend(received.notes())
        try:
            found = find_assignments(received.root, assignment, notes=report.notes)
        except GradingError as exc:  # say what the intake left out: often the reason nothing was found
            raise GradingError("\n".join([str(exc), *received.notes()]), exit_code=exc.exit_code) from None
        for name in found:
            if not (solutions_dir / name / f"{ASSIGNMENT_MODULES[name]}.py").is_file():
                raise GradingError(pair(f"정답 코드 {solutions_dir / name}이(가) 없습니다. `autograder assign`을 실행하세요.",
                                        f"the answer key {solutions_dir / name} is missing; run `autograder assign`"),
                                   exit_code=3)
        unknown = set(skip) - {c.name for a in ASSIGNMENT_MODULES for c in checks_for(a)}
        if unknown:
            raise GradingError(pair(f"건너뛸 검사 이름이 없습니다: {', '.join(sorted(unknown))}",
                                    f"no such check to skip: {', '.join(sorted(unknown))}"))
        secret = _secret_paths(solutions_dir=solutions_dir, cache_dir=cache, data_dir=data_dir, scratch=scratch,
                               hidden=[*hidden, submission])
        for name, folder in found.items():
            checks = [c for c in checks_for(name) if c.name not in skip]
            try:
                remaining -= _grade_assignment(
                    name, folder, checks=checks, solutions_dir=solutions_dir, data_dir=data_dir, limits=limits,
                    scratch=scratch, cache=cache, secret=secret, confine_mode=confine, report=report,
                    confine_state=confine_state, remaining=remaining, memory_modes=memory_modes,
                    progress=progress)
            except GradingError:
                raise
            except Exception as exc:  # noqa: BLE001 - the grader's own failure costs this assignment's checks only
                graded = {r.name for r in report.results if r.assignment == name}
                report.results.extend(_grader_failure(item, exc) for item in checks if item.name not in graded)
    if memory_modes:
        report.grader_notes.append(_memory_note(memory_modes))
    report.execution_time = time.monotonic() - started
    return report


def _memory_note(modes: set[str]) -> str:
    if "polling" in modes:
        return pair("메모리 제한: 프로세스의 PSS와 memfd 크기를 주기적으로 재서 적용했습니다 (cgroup을 쓸 수 없음).",
                    "Memory limit: applied by polling the processes' PSS plus memfd sizes (no cgroup available).")
    mode = " / ".join(sorted(modes))
    return pair(f"메모리 제한: 커널이 센 메모리로 적용했습니다 ({mode}).", f"Memory limit: counted by the kernel ({mode}).")


def _grade_assignment(name: str, folder: Path, *, checks: list[Check], solutions_dir: Path, data_dir: str | None,
                      limits: Limits, scratch: Path, cache: Path | None, secret: list[Path],
                      confine_mode: bool | None, report: GradeReport, confine_state: dict[str, Any],
                      remaining: float, memory_modes: set[str], progress: ProgressListener | None = None) -> float:
    """Grade one assignment into `report`; return the wall time its student code used."""
    prepared = _prepare(name, folder, solutions_dir=solutions_dir, scratch=scratch, checks=checks)
    requests = _requests(prepared.checks, limits)
    labels, fingerprint, permutation, context, student_context = None, "", None, {}, {}
    if any(c.needs_data for c in prepared.checks):
        labels, fingerprint, permutation = prepare_data(solutions_dir=solutions_dir, data_dir=data_dir,
                                                        target=scratch / "data", student_target=scratch / "student-data")
        context = {"data_dir": str(scratch / "data")}
        student_context = {"data_dir": str(scratch / "student-data"), "return_weights": True}
    confinement = _confinement(confine_mode=confine_mode, prepared=prepared, limits=limits, secret=secret,
                               readable=[scratch / "student-data"] if context else [], scratch=scratch,
                               report=report, state=confine_state)
    # Student code that runs as the grader's own user could rewrite the shared cache for every later grading:
    # then this grading's reference is its own (computed here, nothing shared read or written).
    same_user = confinement is None and not confine_state.get("run_as")
    reference = _reference_outcomes(prepared=prepared, requests=requests, limits=limits, work_dir=scratch / name,
                                    cache_dir=None if same_user else cache, context=context,
                                    data_fingerprint=fingerprint, progress=progress)
    # The student's time starts now, after the grader's own work.
    student_started = time.monotonic()
    run_as = confine_state.get("run_as") if confinement is None else None
    if run_as is not None:  # another uid without namespaces: it may cross the scratch folder, read only its data
        scratch.chmod(0o711)
        for entry in scratch.iterdir():
            entry.chmod(0o755 if entry.name == "student-data" else 0o700)
    student = run_probes(assignment=name, module_dir=prepared.student_dir, module=ASSIGNMENT_MODULES[name],
                         probes=requests, limits=limits, work_dir=scratch / name / "student-run",
                         seed=SEED, context=student_context or context,
                         deadline=student_started + max(remaining, 0.0),
                         confinement=confinement, memory_modes=memory_modes, run_as=run_as,
                         on_event=_listener(progress, who="student", prepared=prepared))
    used = time.monotonic() - student_started
    if context:
        rescore(outcomes=student, permutation=permutation, reference_dir=prepared.reference_dir,
                module=ASSIGNMENT_MODULES[name], data_dir=scratch / "data", work_dir=scratch / name / "rescore",
                limits=limits, seed=SEED)
    results = [_grade_check(item, student.get(item.probe), reference.get(item.probe), labels) for item in prepared.checks]
    if context:
        results = attach_test_images(results, test_images_path=scratch / "data" / "test_images.npy")
    report.results.extend(results)
    return used


def _prepare(name: str, folder: Path, *, solutions_dir: Path, scratch: Path, checks: list[Check]) -> _Prepared:
    student_dir = scratch / "student" / name
    reference_dir = scratch / "reference" / name
    shutil.copytree(folder, student_dir, symlinks=True)  # the intake's plain copy: regular files and folders only
    shutil.copytree(solutions_dir / name, reference_dir, ignore=IGNORED)
    for trusted in TRUSTED_FILES.get(name, ()):
        target = student_dir / trusted
        if target.is_dir() and not target.is_symlink():  # whatever the student put there is replaced
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        shutil.copyfile(solutions_dir / name / trusted, target)
    return _Prepared(name, student_dir, reference_dir, checks)


def _points_of(assignment: str | None, *, skip: Collection[str] = ()) -> float:
    """The points `assignment`'s checks (less `skip`) are worth; 0 when no assignment was named."""
    if assignment not in ASSIGNMENT_MODULES:
        return 0.0
    return float(sum(c.points for c in checks_for(assignment) if c.name not in skip))


def grade_or_report(*, submission: Path, **options: Any) -> GradeReport:
    """`grade_submission`, but whatever happens the result is a report (with `exit_code` set): a
    submission that cannot be graded is a refusal report (2, or 3 when the grader's own inputs are
    missing), and a failure of the grader itself a report that says so (4)."""
    maximum = _points_of(options.get("assignment"), skip=options.get("skip", ()))
    try:
        report = grade_submission(submission=submission, **options)
    except GradingError as exc:
        return GradeReport.refused(str(submission), str(exc), exit_code=exc.exit_code, max_score=maximum)
    except Exception as exc:  # noqa: BLE001 - the grader's own bug still ends in a report and results.json
        return GradeReport.refused(
            str(submission), pair("채점기 자체에 오류가 났습니다. 학생의 잘못이 아니니 강사에게 알려 주세요.",
                                  f"The grader itself failed ({type(exc).__name__}: {inert(exc, max_chars=300)}); "
                                  "this is not your fault, tell the instructor."), exit_code=4, max_score=maximum)
    report.exit_code = 4 if report.grader_errors else 0
    return report
