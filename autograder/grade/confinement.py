"""How one grading's student code runs: the confinement plan (what it must not see, what it may read), or,
where namespaces are not to be had, another unprivileged uid or the grader's own user, with a note for the
instructor saying isolation was weaker and why. Decided with the first assignment, kept for the rest."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection

from autograder.feedback.language import pair
from autograder.grade.isolation import usable_by_others
from autograder.grade.layout import Prepared
from autograder.paths import default_cache_dir
from autograder.run import Limits
from autograder.run import confine as sandbox_confine

def secret_paths(*, solutions_dir: Path, cache_dir: Path | None, data_dir: str | None, scratch: Path,
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


def weaker_note(*, own_uid: bool, why_ko: str, why_en: str) -> str:
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


@dataclass
class Isolation:
    """One grading's isolation, decided once (the first assignment) and kept for the others.

    mode: the `confine` option (None: confined when root or in a user namespace; False: never; True: whenever
    possible). support: whether the confinement check passed (None until it ran). run_as: the unprivileged
    (uid, gid) student code runs as without namespaces (None: the grader's own user). notes: what the
    instructor is told (at most one note)."""

    mode: bool | None = None
    support: sandbox_confine.Support | None = None
    run_as: tuple[int, int] | None = None
    run_as_decided: bool = False
    notes: list[str] = field(default_factory=list)

    def _note(self, text: str) -> None:
        if not self.notes:
            self.notes.append(text)

    def _decide_run_as(self, ids: tuple[int, int] | None) -> None:
        if not self.run_as_decided:
            # Never as root (the grader's files and cache stay its own), where Python itself is usable by another
            # user (not so when it lives in root's home, as with pyenv under /root).
            self.run_as = ids if ids is not None and usable_by_others() else None
            self.run_as_decided = True

    def plan(self, *, prepared: Prepared, limits: Limits, secret: list[Path], readable: list[Path],
             scratch: Path) -> sandbox_confine.Confinement | None:
        """The confinement of this assignment's student run, or None (then `run_as` says as whom it runs)."""
        nproc = max(8 * limits.processes, 256)
        if prepared.assignment.package_dir:  # an assignment from outside the package: its probes are read
            readable = [*readable, Path(prepared.assignment.package_dir)]
        if self.mode is False:
            if os.geteuid() == 0:
                self._decide_run_as(sandbox_confine.sandbox_ids())
            self._note(weaker_note(own_uid=bool(self.run_as), why_ko="--no-confine으로 격리를 껐습니다",
                                   why_en="confinement was turned off with --no-confine"))
            return None
        if os.geteuid() != 0:  # not root: the kernel's unprivileged user namespaces, where it allows them
            plan = sandbox_confine.plan_confinement(module_dir=prepared.student_dir, secret=secret, readable=readable,
                                                    ids=(0, 0), tmp_mib=limits.disk_mib, nproc=nproc,
                                                    user_namespace=True)
            if self.support is None:
                self.support = sandbox_confine.check_confinement(plan, work_dir=scratch / "confinement-check")
                if not self.support.available:
                    reason = self.support.reason
                    self._note(weaker_note(
                        own_uid=False, why_ko=f"채점기가 root가 아니고 커널이 사용자 네임스페이스를 허용하지 않음: {reason}",
                        why_en=f"the grader is not running as root and the kernel refused a user namespace: {reason}"))
            return plan if self.support.available else None
        ids = sandbox_confine.sandbox_ids()
        if ids is None:
            self._note(weaker_note(own_uid=False, why_ko="이 사용자 네임스페이스에는 쓸 수 있는 비특권 uid가 없음",
                                   why_en="no unprivileged uid is available in this user namespace"))
            return None
        plan = sandbox_confine.plan_confinement(module_dir=prepared.student_dir, secret=secret, readable=readable,
                                                ids=ids, tmp_mib=limits.disk_mib, nproc=nproc)
        if self.support is None:
            self.support = sandbox_confine.check_confinement(plan, work_dir=scratch / "confinement-check")
            if not self.support.available:
                # No namespaces (e.g. a Docker container without CAP_SYS_ADMIN, as on Gradescope): still never as
                # root, but as a fresh unprivileged uid in a private copy of its folder, where Python allows it.
                self._decide_run_as(ids)
                reason = self.support.reason
                self._note(weaker_note(own_uid=bool(self.run_as), why_ko=f"네임스페이스를 만들 수 없음: {reason}",
                                       why_en=reason))
        return plan if self.support.available else None

    def shares_grader_user(self, plan: sandbox_confine.Confinement | None) -> bool:
        """Student code runs as the grader's own user (no plan, no other uid)."""
        return plan is None and self.run_as is None
