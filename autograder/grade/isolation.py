"""Who student code runs as, decided before any of it runs: confined, another uid, or the grader's own user.

When student code runs as the grader's own user (no root, no namespaces; `--no-confine` where no other uid can
run this Python), it can write whatever the grader can: the shared reference cache, other students' folders,
the gradebook. Such a grading then uses a private reference (nothing shared is read or written), and a class
(`grade-all`, `nbgrader autograde`) is graded in that mode only when the instructor opts in
(`ALLOW_UNCONFINED_ENV=1`, `grade-all --allow-unconfined`, `c.ConfinedKernelManager.allow_unconfined`).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from autograder.run import confine as sandbox_confine

#: The instructor's opt-in to grading a class where student code runs as the grader's own user.
ALLOW_UNCONFINED_ENV = "AUTOGRADER_ALLOW_UNCONFINED"


class UnconfinedClassRefused(RuntimeError):
    """A class would be graded with student code running as the grader's own user, without the instructor's opt-in."""


def usable_by_others() -> bool:
    """True when an unprivileged user can run this Python and import this package (every folder on the way
    can be crossed, the files read)."""
    import sysconfig

    paths = [os.path.realpath(sys.executable), os.path.realpath(sysconfig.get_paths()["stdlib"]),
             os.path.realpath(sysconfig.get_paths()["purelib"]), str(Path(__file__).resolve().parents[1])]
    for path in paths:
        current = Path(path)
        for folder in [current, *current.parents]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                return False
            needed = 0o001 if folder.is_dir() else 0o004
            if not mode & needed:
                return False
    return True


def same_user_reason(*, confine: bool | None) -> str | None:
    """Why student code would run as the grader's own user here (`confine` as for `grade_submission`), or None
    when it runs confined or as an unprivileged uid of its own."""
    root = os.geteuid() == 0
    if confine is False:
        if root and usable_by_others():
            return None
        return "confinement is turned off (--no-confine) and " + (
            "no other user can run this Python" if root else "the grader is not running as root")
    ids = sandbox_confine.sandbox_ids() if root else (0, 0)
    if ids is None:
        return None if usable_by_others() else "no unprivileged uid is available in this user namespace"
    with tempfile.TemporaryDirectory(prefix="autograder-isolation-") as scratch:
        plan = sandbox_confine.plan_confinement(module_dir=Path(scratch), secret=[], ids=ids, tmp_mib=16, nproc=64,
                                                user_namespace=not root)
        support = sandbox_confine.check_confinement(plan, work_dir=Path(scratch) / "check")
    if support.available or (root and usable_by_others()):
        return None
    if not root:
        return f"the grader is not running as root and the kernel refused a user namespace ({support.reason})"
    return support.reason


def opted_in() -> bool:
    """The instructor allowed unconfined class grading through the environment."""
    return os.environ.get(ALLOW_UNCONFINED_ENV) == "1"


def refuse_unconfined_class(reason: str, *, how_to_allow: str) -> UnconfinedClassRefused:
    """The refusal of a class grading in which student code would run as the grader's own user."""
    return UnconfinedClassRefused(
        f"student code would run as the grader's own user ({reason}): one submission could then change other "
        f"students' files, grades or the answer key's cached results. Grade as root where namespaces are allowed "
        f"(docs/isolation.md), or accept the risk with {how_to_allow}")
