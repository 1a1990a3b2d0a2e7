"""The kernel of `nbgrader autograde`, confined like the autograder's own student runs (docs/isolation.md).

nbgrader runs every student's notebook in a Jupyter kernel. Unconfined, that kernel runs as the instructor:
a cell could rewrite the submitted folders (its own and its classmates'), the gradebook, the answer key
or the reference cache. `ConfinedKernelManager` (nbclient's `kernel_manager_class`) starts the kernel
through the sandbox's wrapper (`autograder.run.confine`): a fresh unprivileged uid, new mount, network,
PID, IPC and UTS namespaces, every non-system folder hidden (the course folder with its gradebook,
`submitted/`, `source/`, `solutions/`, the caches), Python, the `autograder` package and the CIFAR-10
folder bound read-only, and a private copy of the notebook's own folder as its working folder. The
kernel talks to nbgrader over Unix sockets (ZeroMQ's `ipc` transport) in a folder of its own, the one
path it may write outside its private /tmp; its environment is a short allow-list (no answer-key path).

Without root the kernel runs in a user namespace of its own (the kernel's unprivileged user namespaces: the
same hidden paths, no network, no capability). Where confinement is impossible (no namespaces at all), the
kernel is not started and the notebook
is not run, unless the instructor opts in with `c.ConfinedKernelManager.allow_unconfined = True` (or
`AUTOGRADER_ALLOW_UNCONFINED=1`): the grades never depend on the kernel (`TrustedGrades`), but an
unconfined kernel could change other students' submitted folders before they are graded.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool

from autograder.assignments import ASSIGNMENTS_ENV, all_assignments
from autograder.grade.isolation import ALLOW_UNCONFINED_ENV
from autograder.run import confine as sandbox_confine

#: Environment variables the confined kernel keeps (everything else, answer-key paths included, is dropped).
KERNEL_ENV_KEEP = ("LANG", "LC_ALL", "CIFAR10_ROOT", "COURSE_QUICK_RUN", "AUTOGRADER_LANG", "AUTOGRADER_SKIP", "AUTOGRADER_TRUSTED_GRADES",
                   ASSIGNMENTS_ENV, "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
#: Memory-hungry notebooks train on CIFAR-10 in the kernel: its private /tmp holds the decoded cache (~190 MB).
KERNEL_TMP_MIB = 2048
KERNEL_PROCESSES = 512


class UnconfinedKernelRefused(RuntimeError):
    """The kernel could not be confined here and the instructor did not opt in to an unconfined one."""


def kernel_environment(environ: dict[str, str] | os._Environ[str]) -> dict[str, str]:
    """The confined kernel's whole environment: a fixed home and path, and the allow-listed variables."""
    env = {"HOME": sandbox_confine.SANDBOX_HOME, "PATH": "/usr/local/bin:/usr/bin:/bin",
           "MPLCONFIGDIR": f"{sandbox_confine.SANDBOX_HOME}/.matplotlib", "PYTHONNOUSERSITE": "1"}
    env.update({name: environ[name] for name in KERNEL_ENV_KEEP if environ.get(name)})
    env.setdefault("LANG", "C.UTF-8")
    return env


def kernel_plan(*, notebook_dir: Path, socket_dir: Path, ids: tuple[int, int], data_dirs: list[Path],
                user_namespace: bool = False) -> sandbox_confine.Confinement:
    """The confinement of one kernel: its notebook folder copied in, its socket folder writable, the data read-only."""
    plan = sandbox_confine.plan_confinement(module_dir=notebook_dir, secret=[], readable=data_dirs, ids=ids,
                                            tmp_mib=KERNEL_TMP_MIB, nproc=KERNEL_PROCESSES,
                                            user_namespace=user_namespace)
    return sandbox_confine.Confinement(**{**plan.__dict__, "writable": (os.path.realpath(socket_dir),)})


class ConfinedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel runs confined (see the module's docstring) over `ipc` sockets."""

    allow_unconfined = Bool(False, help="Run the kernel unconfined where confinement is impossible "
                                        "(student code then runs as the instructor).").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._socket_dir: Path | None = None
        self._plan_dir: Path | None = None
        self._plan: sandbox_confine.Confinement | None = None
        self.confinement_note = ""

    def _opted_in(self) -> bool:
        return bool(self.allow_unconfined) or os.environ.get(ALLOW_UNCONFINED_ENV) == "1"

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        notebook_dir = Path(kw.get("cwd") or os.getcwd()).resolve()
        self._plan = None
        root = os.geteuid() == 0
        ids = sandbox_confine.sandbox_ids() if root else (0, 0)  # not root: a user namespace of its own
        if ids is not None:
            self._socket_dir = Path(tempfile.mkdtemp(prefix="ak-", dir="/tmp"))
            if root:
                os.chown(self._socket_dir, *ids)
            os.chmod(self._socket_dir, 0o700)
            data = [Path(os.environ["CIFAR10_ROOT"])] if os.environ.get("CIFAR10_ROOT") else []
            data += [Path(a.package_dir) for a in all_assignments() if a.package_dir]  # the course's own, read-only
            plan = kernel_plan(notebook_dir=notebook_dir, socket_dir=self._socket_dir, ids=ids, data_dirs=data,
                               user_namespace=not root)
            support = sandbox_confine.check_confinement(plan, work_dir=self._socket_dir / "check")
            shutil.rmtree(self._socket_dir / "check", ignore_errors=True)
            if support.available:
                self._plan = plan
                self.transport = "ipc"
                self.ip = str(self._socket_dir / "k")
                self.connection_file = str(self._socket_dir / "kernel.json")
                who = f"uid {ids[0]}" if root else "a user namespace of its own"
                self.confinement_note = f"confined kernel: {who}, namespaces, ipc sockets"
            else:
                reason = support.reason
        else:
            reason = "no unprivileged uid is available"
        if self._plan is None:
            self._remove_socket_dir()
            if not self._opted_in():
                raise UnconfinedKernelRefused(
                    f"the notebook's kernel cannot be confined here ({reason}); student code would run as you "
                    f"and could change other students' submissions. Run nbgrader as root where namespaces are "
                    f"allowed, or opt in with c.ConfinedKernelManager.allow_unconfined = True "
                    f"(or {ALLOW_UNCONFINED_ENV}=1)")
            self.confinement_note = f"UNCONFINED kernel ({reason}), allowed by the instructor"
            self.log.warning("nbgrader kernel: %s", self.confinement_note)
        else:
            kw["env"] = kernel_environment(os.environ)
        return await super()._async_pre_start_kernel(**kw)

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        if self._plan is not None and not self._plan.user_namespace:  # the kernel's uid reads it (it holds the
            # session key); nobody else. In a user namespace the kernel is the grader's own uid outside.
            os.chown(self.connection_file, self._plan.uid, self._plan.gid)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        if self._plan is None:
            return command
        if command and os.path.basename(command[0]).startswith("python"):
            command = [sys.executable, *command[1:]]  # this environment's Python (ipykernel is installed here)
        self._plan_dir = Path(tempfile.mkdtemp(prefix="ak-plan-"))  # root's (0700): the kernel never sees it
        plan_path = self._plan_dir / "plan.json"
        plan_path.write_text(self._plan.to_json(), encoding="utf-8")
        env = ["/usr/bin/env", "-i", *(f"{k}={v}" for k, v in kernel_environment(os.environ).items())]
        return sandbox_confine.wrap(plan_path, [*env, *command], status_fd=None)

    def _remove_socket_dir(self) -> None:
        for folder in (self._socket_dir, self._plan_dir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        self._socket_dir = self._plan_dir = None

    async def cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
        await AsyncKernelManager.cleanup_resources(self, restart=restart)
        if not restart:
            self._remove_socket_dir()
