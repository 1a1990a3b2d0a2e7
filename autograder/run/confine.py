"""Confinement of the student's child process when the grader runs as root (see docs/isolation.md).

Two halves live in this one file, which imports only the standard library:

* the grader's side (`plan_confinement`, `check_confinement`, `wrap`), which decides what the child may
  see and builds the command line;
* the wrapper (`main`, run as `python -I -S confine.py PLAN.json STATUS_FD -- COMMAND...`), which runs as root
  (or, for a grader that is not root, first enters a user namespace of its own, where it has the privileges it
  needs over the namespaces it makes next), trusted, before any student code: it enters new mount, network and PID namespaces, hides every
  path the student must not see, gives the child a private size-limited /tmp, a fresh copy of the
  submission's folder in it and a fresh /proc, and then drops to an unprivileged uid/gid with
  no_new_privs set and execs COMMAND.

Inside, the child sees the system folders (/usr, /etc, /lib..., read-only), the Python installation,
the autograder package and the data files prepared for it (read-only), and /tmp (its own, writable).
Everything else that exists at the top of the file system (/root, /home, /work, /var, /opt, /mnt, ...)
and every path the grader names as secret (answer key, caches, CIFAR-10 folders, the repository, the
grader's scratch folder) is covered by an empty read-only tmpfs. The network namespace has only a
loopback interface, down, so every connection fails with "Network is unreachable".
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import struct
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

UID_BASE = 1_500_000_000  # sandbox uids are UID_BASE + a random number, never one in use: fresh per grading
UID_SPAN = 1 << 28
NOBODY = 65534
WRAPPER_FAILED = 125  # exit code of the wrapper when the sandbox could not be set up
# Top-level folders the child keeps (read-only): the system. Every other top-level folder is hidden.
SYSTEM_DIRS = ("bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "sbin", "sys", "usr")
READ_ONLY_SYSTEM_DIRS = ("bin", "boot", "etc", "lib", "lib32", "lib64", "libx32", "sbin", "usr")
SANDBOX_HOME = "/tmp/home"
SANDBOX_TMP = "/tmp"


@dataclass(frozen=True)
class Confinement:
    """What a confined child sees and who it runs as (the plan the wrapper carries out).

    hidden: paths covered by an empty read-only tmpfs (or /dev/null for files), besides every
        top-level folder that is not a system folder.
    readable: folders bound back read-only at the same path (Python, the package, the data files).
    copies: (source, target) folders copied into the private /tmp and bound at `target`, writable by
        the child (the submission's folder: the child never writes to the grader's copy).
    writable: folders bound at the same path, writable (a confined kernel's socket folder, owned by `uid`).
    devices: the device nodes of the child's /dev, a fresh one that holds nothing else (besides /dev/shm, the
        child's own, and the /dev/fd links): the harmless nodes and, on a cuda grading, its GPU's
        (`autograder.gpu.nodes`).
    user_namespace: the grader is not root: the wrapper first enters a new user namespace of its own (the
        kernel's unprivileged user namespaces), where it may set up the rest; the child then runs as that
        namespace's uid 0 (the grader's uid outside) with every capability dropped, `uid`/`gid` are 0.
    """

    uid: int
    gid: int
    hidden: tuple[str, ...] = ()
    readable: tuple[str, ...] = ()
    copies: tuple[tuple[str, str], ...] = ()
    writable: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()
    tmp_mib: int = 1024
    nproc: int = 256
    cwd: str = "/"
    pid_namespace: bool = True
    user_namespace: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self))


@dataclass
class Support:
    """Whether confinement works here, and why not when it does not."""

    available: bool
    reason: str = ""
    details: list[str] = field(default_factory=list)


# --- the grader's side --------------------------------------------------------------------------------

def sandbox_ids() -> tuple[int, int] | None:
    """The uid/gid for this grader process's children: unique per grader process when every uid is
    mapped (the usual case for root), else nobody/nogroup; None when neither can be used."""
    try:
        ranges = [tuple(int(n) for n in line.split()) for line in Path("/proc/self/uid_map").read_text().splitlines()]
    except (OSError, ValueError):
        ranges = [(0, 0, 1 << 32)]

    def mapped(uid: int) -> bool:
        return any(inside <= uid < inside + count for inside, _outside, count in ranges)

    taken = _uids_in_use()
    for _ in range(64):
        unique = UID_BASE + secrets.randbelow(UID_SPAN)  # a fresh uid for every grading
        if mapped(unique) and unique not in taken:
            return unique, unique
    if mapped(NOBODY):
        return NOBODY, NOBODY
    return None


def uid_of(pid: int) -> int | None:
    """The real uid of process `pid`, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _uids_in_use() -> set[int]:
    """The real uids of the processes running now (a sandbox uid is never one of them)."""
    return {uid for uid in (uid_of(int(e)) for e in os.listdir("/proc") if e.isdigit()) if uid is not None}


def _real(path: str | os.PathLike[str]) -> str | None:
    try:
        real = os.path.realpath(os.fspath(path))
    except (OSError, ValueError):
        return None
    return real if os.path.lexists(real) else None


def python_paths() -> list[str]:
    """Folders the child's Python needs: the installation, the virtual environment, site-packages."""
    import site
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            paths.add(sysconfig.get_paths()[name])
        except KeyError:
            pass
    try:
        paths.update(site.getsitepackages())
    except AttributeError:
        pass
    executable = os.path.abspath(sys.executable)
    paths.add(os.path.dirname(executable))
    return sorted(p for p in (_real(p) for p in paths) if p and p != "/")


def package_dir() -> str:
    """The folder of the `autograder` package (the child imports it)."""
    return str(Path(__file__).resolve().parents[1])


def plan_confinement(*, module_dir: Path, secret: list[Path | str], readable: list[Path | str] = (),
                     ids: tuple[int, int], tmp_mib: int, nproc: int, user_namespace: bool = False,
                     devices: tuple[str, ...] | None = None) -> Confinement:
    """The plan for one student run: `module_dir` is copied into the child's /tmp and bound at its
    own path; `secret` paths are hidden; `readable` ones (and Python, the package) stay visible; /dev holds
    `devices` only (default: the harmless nodes of a cpu grading)."""
    from autograder.gpu.device import CPU
    from autograder.gpu.nodes import device_nodes

    readable_real = sorted({p for p in (_real(p) for p in [*python_paths(), package_dir(), *readable]) if p})
    hidden = []
    for path in secret:
        real = _real(path)
        if real is None or real == "/" or real.strip("/") in SYSTEM_DIRS:
            continue
        hidden.append(real)
    for path in ("/root", "/home", os.environ.get("HOME", "")):
        real = _real(path) if path else None
        if real and real != "/" and real.strip("/") not in SYSTEM_DIRS:
            hidden.append(real)
    module_real = os.path.realpath(module_dir)
    hidden = sorted(set(hidden))
    # A folder inside another readable one comes with it, unless something hidden lies in between.
    readable_real = [p for p in readable_real
                     if not any(_under(p, q) and q != p and not any(_under(h, q) and _under(p, h) for h in hidden)
                                for q in readable_real)]
    return Confinement(uid=ids[0], gid=ids[1], hidden=tuple(hidden),
                       readable=tuple(readable_real), copies=((module_real, module_real),),
                       tmp_mib=tmp_mib, nproc=nproc, cwd=module_real, user_namespace=user_namespace,
                       devices=device_nodes(CPU) if devices is None else tuple(devices))


def wrap(plan_path: Path, command: list[str], *, status_fd: int | None,
         cgroup_procs: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The command line that runs `command` confined by the plan saved at `plan_path`. The wrapper
    reports `confined UID` (or `sandbox-error WHY`) on `status_fd` before the command starts; it first
    joins the control groups whose `cgroup.procs` files are given."""
    groups = [item for path in cgroup_procs for item in ("--cgroup", str(path))]
    return [sys.executable, "-I", "-S", str(Path(__file__).resolve()), str(plan_path),
            "-" if status_fd is None else str(status_fd), *groups, "--", *command]


_CHECK = r"""
import json, os, socket, sys
report = {"uid": os.getuid(), "gid": os.getgid(), "readable": [], "network": "", "cwd": os.getcwd(),
          "caps": [line.split()[1] for line in open("/proc/self/status") if line.startswith(("CapEff", "CapPrm"))]}
for path in sys.argv[1:]:
    if os.path.lexists(path):
        report["readable"].append(path)
try:
    socket.create_connection(("127.0.0.1", 9), timeout=2).close()
    report["network"] = "connected"
except OSError as exc:
    report["network"] = str(exc)
print(json.dumps(report))
"""


def check_confinement(plan: Confinement, *, work_dir: Path, timeout: float = 60.0) -> Support:
    """Run a tiny program under `plan` and check that it is confined: unprivileged, blind to the
    hidden paths, without network. Grading falls back to weaker isolation when this fails."""
    if os.geteuid() != 0 and not plan.user_namespace:
        return Support(False, "the grader is not running as root, so it cannot switch users or create namespaces")
    work_dir.mkdir(parents=True, exist_ok=True)
    plan_path = work_dir / "confine-check.json"
    plan_path.write_text(plan.to_json(), encoding="utf-8")
    hidden = _samples(plan)
    status_read, status_write = os.pipe()
    command = wrap(plan_path, [sys.executable, "-I", "-S", "-c", _CHECK, *hidden], status_fd=status_write)
    try:
        completed = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                                   cwd="/", env=_minimal_env(), pass_fds=(status_write,),
                                   start_new_session=True, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Support(False, f"the confinement check could not run ({exc})")
    finally:
        os.close(status_write)
        messages = _drain(status_read)
    errors = [m.split(" ", 1)[1] for m in messages if m.startswith("sandbox-error ")]
    if errors or completed.returncode != 0:
        reason = errors[0] if errors else (completed.stderr.decode(errors="replace").strip()[-300:] or
                                           f"exit code {completed.returncode}")
        return Support(False, f"the confined child could not start ({reason})")
    try:
        report = json.loads(completed.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return Support(False, "the confinement check printed no report")
    problems = []
    if report.get("uid") != plan.uid or report.get("gid") != plan.gid:
        problems.append(f"it ran as uid {report.get('uid')}, not {plan.uid}")
    if report.get("readable"):
        problems.append(f"it could read {', '.join(report['readable'])}")
    if report.get("network") == "connected":
        problems.append("it could open a network connection")
    if any(int(mask, 16) for mask in report.get("caps", ["1"])):
        problems.append(f"it kept capabilities ({', '.join(report.get('caps', []))})")
    if problems:
        return Support(False, "confinement did not hold: " + "; ".join(problems))
    who = "a user namespace of its own" if plan.user_namespace else f"uid {plan.uid}"
    return Support(True, details=[who, f"network: {report.get('network')}"])


def _samples(plan: Confinement, per_folder: int = 3) -> list[str]:
    """A few paths that exist outside and must not exist inside: entries of the hidden folders that
    lead to nothing the child is given."""
    given = [*plan.readable, *(target for _source, target in plan.copies)]
    samples = []
    for hidden in plan.hidden:
        if os.path.isfile(hidden):
            samples.append(hidden)
            continue
        try:
            names = sorted(os.listdir(hidden))
        except OSError:
            continue
        picked = [os.path.join(hidden, n) for n in names
                  if not any(_under(g, os.path.join(hidden, n)) for g in given)][:per_folder]
        samples.extend(picked)
    return samples


def _minimal_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


def _drain(fd: int) -> list[str]:
    chunks = []
    try:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
    return [line.decode("utf-8", "replace") for line in b"".join(chunks).splitlines()]


# --- the wrapper (runs as root, before any student code; standard library only) ------------------------

CLONE_NEWUSER = 0x10000000
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
CLONE_NEWIPC = 0x08000000  # System V IPC and POSIX message queues die with the namespace
CLONE_NEWUTS = 0x04000000
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_RELATIME = 0x200000
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
PR_SET_SECUREBITS = 28
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
# SECBIT_NOROOT, _LOCKED, SECBIT_NO_SETUID_FIXUP, _LOCKED, SECBIT_KEEP_CAPS_LOCKED: uid 0 gains nothing on exec
LOCKED_SECUREBITS = 0x01 | 0x02 | 0x04 | 0x08 | 0x20
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}
# A mount's flags that a less privileged mount namespace inherits locked: a remount must keep them.
_STATVFS_TO_MOUNT = ((os.ST_RDONLY, MS_RDONLY), (os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV),
                     (os.ST_NOEXEC, MS_NOEXEC), (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME),
                     (os.ST_RELATIME, MS_RELATIME))


class SetupError(Exception):
    """The sandbox could not be set up (reported to the grader as `sandbox-error`)."""


class _Libc:
    def __init__(self) -> None:
        import ctypes

        self.ctypes = ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                                    ctypes.c_char_p]
        self.libc.unshare.argtypes = [ctypes.c_int]
        self.libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

    def _check(self, result: int, what: str) -> None:
        if result != 0:
            errno = self.ctypes.get_errno()
            raise SetupError(f"{what}: {os.strerror(errno)}")

    def mount(self, source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
        enc = (lambda s: s.encode() if s is not None else None)
        self._check(self.libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)),
                    f"mount {fstype or 'bind'} {source or ''} on {target}")

    def unshare(self, flags: int) -> None:
        self._check(self.libc.unshare(flags), "unshare")

    def no_new_privs(self) -> None:
        self._check(self.libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")

    def drop_capabilities(self) -> None:
        """Drop every capability for good (a user namespace's uid 0 keeps none, and regains none on exec)."""
        import platform

        ctypes = self.ctypes
        for cap in range(64):
            if self.libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                break  # past the last capability this kernel knows
        self._check(self.libc.prctl(PR_SET_SECUREBITS, LOCKED_SECUREBITS, 0, 0, 0), "prctl(PR_SET_SECUREBITS)")
        self.libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
        header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
        data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: all empty (two 32-bit words each)
        number = SYS_CAPSET.get(platform.machine())
        if number is None:
            raise SetupError(f"capset: unknown system call number on {platform.machine()}")
        self._check(self.libc.syscall(number, header, data), "capset")


def _locked_flags(path: str) -> int:
    """The mount flags of the file system at `path` that a remount must keep (they may be locked)."""
    try:
        flags = os.statvfs(path).f_flag
    except OSError:
        return 0
    return sum(mount for stat_flag, mount in _STATVFS_TO_MOUNT if flags & stat_flag)


def _enter_user_namespace(libc: _Libc, namespaces: int) -> None:
    """Become uid 0 of a new user namespace that maps only the grader's own uid and gid (no root needed)."""
    uid, gid = os.getuid(), os.getgid()
    libc.unshare(CLONE_NEWUSER | namespaces)
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w", encoding="ascii") as handle:
            handle.write(text)


def _depth(path: str) -> int:
    return len(Path(path).parts)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


class _Mounter:
    """Carries out a plan inside the new mount namespace."""

    def __init__(self, plan: dict[str, Any], libc: _Libc) -> None:
        self.plan = plan
        self.libc = libc
        self.ours: list[str] = []  # tmpfs roots we mounted (where mount points may be created)
        self.sources: dict[str, int] = {}

    def _open_sources(self) -> None:
        # Opened before anything is hidden; bound later through /proc/self/fd (the paths may be covered by then).
        for path in self.plan["readable"]:
            try:
                self.sources[path] = os.open(path, os.O_PATH | os.O_DIRECTORY)
            except OSError:
                continue  # a file, or gone: the child just does not get it
        for path in self.plan.get("writable", ()):
            try:
                self.sources["write:" + path] = os.open(path, os.O_PATH | os.O_DIRECTORY)
            except OSError as exc:
                raise SetupError(f"cannot open the writable folder {path}: {exc}") from exc
        for source, _target in self.plan["copies"]:
            try:
                self.sources["copy:" + source] = os.open(source, os.O_PATH | os.O_DIRECTORY)
            except OSError as exc:
                raise SetupError(f"cannot open the submission's folder {source}: {exc}") from exc
        for path in self.plan.get("devices", ()):
            try:
                self.sources["device:" + path] = os.open(path, os.O_PATH)
            except OSError as exc:
                raise SetupError(f"cannot open the device node {path}: {exc}") from exc

    def _fresh_dev(self, shm: str) -> None:
        """A new /dev: the plan's device nodes (bound, so they keep their own mount's flags), the child's own
        /dev/shm, and the /dev/fd links; nothing else of the machine's /dev (its disks, other GPUs, the log)."""
        libc = self.libc
        libc.mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k,nr_inodes=256")
        self.ours.append("/dev")
        for path in self.plan.get("devices", ()):
            target = "/dev/" + os.path.basename(path)
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            libc.mount(f"/proc/self/fd/{self.sources['device:' + path]}", target, None, MS_BIND)
        os.mkdir("/dev/shm", 0o1777)
        libc.mount(shm, "/dev/shm", None, MS_BIND)
        libc.mount(None, "/dev/shm", None, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | _locked_flags(shm))
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                             ("stderr", "/proc/self/fd/2")):
            os.symlink(target, f"/dev/{name}")

    def _cover(self, path: str) -> None:
        """Hide `path` (a folder: an empty tmpfs that only root can add mount points to; a file: /dev/null)."""
        if os.path.islink(path) or not os.path.lexists(path):
            return
        if os.path.isdir(path):
            self.libc.mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k,nr_inodes=4096")
            self.ours.append(path)
        else:
            self.libc.mount("/dev/null", path, None, MS_BIND)

    def _mount_point(self, path: str) -> bool:
        if os.path.isdir(path):
            return True
        if not any(_under(path, root) for root in self.ours):
            return False  # never create folders on the real file system
        os.makedirs(path, mode=0o755, exist_ok=True)
        return True

    def _bind(self, source_fd: int, target: str, *, read_only: bool) -> None:
        if not self._mount_point(target):
            return
        self.libc.mount(f"/proc/self/fd/{source_fd}", target, None, MS_BIND | MS_REC)
        flags = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | (MS_RDONLY if read_only else 0) | _locked_flags(target)
        self.libc.mount(None, target, None, flags)

    def run(self) -> None:
        libc = self.libc
        self._open_sources()
        libc.mount(None, "/", None, MS_REC | MS_PRIVATE)
        # The child's own writable space: a private, size-limited /tmp.
        libc.mount("tmpfs", SANDBOX_TMP, "tmpfs", MS_NOSUID | MS_NODEV,
                   f"mode=1777,size={int(self.plan['tmp_mib'])}m")
        self.ours.append(SANDBOX_TMP)
        uid, gid = int(self.plan["uid"]), int(self.plan["gid"])
        copies: dict[str, str] = {}
        for index, (source, target) in enumerate(self.plan["copies"]):
            staging = f"{SANDBOX_TMP}/.submission-{index}"
            _copy_tree(f"/proc/self/fd/{self.sources['copy:' + source]}", staging, uid, gid)
            copies[target] = staging
        home = SANDBOX_HOME
        os.makedirs(home + "/.matplotlib", mode=0o700)
        for folder in (home, home + "/.matplotlib"):
            os.chown(folder, uid, gid)
        shm = f"{SANDBOX_TMP}/.shm"
        os.mkdir(shm, 0o1777)
        os.chmod(shm, 0o1777)
        # Hide, then bind back, shallowest first: a path hidden inside a readable folder is hidden after it.
        keep = set(SYSTEM_DIRS) | {SANDBOX_TMP.strip("/")}
        top = sorted(f"/{name}" for name in os.listdir("/") if name not in keep)
        operations: list[tuple[int, int, str, str]] = []
        for path in top + list(self.plan["hidden"]):
            operations.append((_depth(path), 0, path, "hide"))
        for path in self.plan["readable"]:
            operations.append((_depth(path), 1, path, "read"))
        for target in copies:
            operations.append((_depth(target), 2, target, "copy"))
        for path in self.plan.get("writable", ()):
            operations.append((_depth(path), 3, path, "write"))
        done_hidden: set[str] = set()
        for _depth_, _order, path, kind in sorted(set(operations)):
            if kind == "hide":
                if path in done_hidden or path == SANDBOX_TMP:
                    continue
                done_hidden.add(path)
                self._cover(path)
            elif kind == "read":
                if path in self.sources:
                    self._bind(self.sources[path], path, read_only=True)
            elif kind == "write":
                if not self._mount_point(path):
                    raise SetupError(f"no place to mount the writable folder {path}")
                self._bind(self.sources["write:" + path], path, read_only=False)
            else:
                staging_fd = os.open(copies[path], os.O_PATH | os.O_DIRECTORY)
                if not self._mount_point(path):
                    raise SetupError(f"no place to mount the submission's folder at {path}")
                self.libc.mount(f"/proc/self/fd/{staging_fd}", path, None, MS_BIND)
                os.close(staging_fd)
        self._fresh_dev(shm)
        for name in READ_ONLY_SYSTEM_DIRS:
            path = f"/{name}"
            if os.path.isdir(path) and not os.path.islink(path):
                libc.mount(path, path, None, MS_BIND | MS_REC)
                libc.mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | _locked_flags(path))
        # The covering tmpfs are read-only from now on (root added every mount point it needed).
        for root in self.ours:
            if root != SANDBOX_TMP:
                libc.mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=0755,size=64k")
        for fd in self.sources.values():
            os.close(fd)


def _copy_tree(source: str, target: str, uid: int, gid: int) -> None:
    """Copy a folder (regular files and folders only; symlinks and devices are left out), owned by uid."""
    os.mkdir(target, 0o755)
    os.chown(target, uid, gid)
    for entry in os.scandir(source):
        destination = os.path.join(target, entry.name)
        if entry.is_dir(follow_symlinks=False):
            _copy_tree(entry.path, destination, uid, gid)
        elif entry.is_file(follow_symlinks=False):
            mode = entry.stat(follow_symlinks=False).st_mode & 0o755 | 0o600
            with open(entry.path, "rb", opener=lambda p, f: os.open(p, f | os.O_NOFOLLOW)) as src, \
                    open(destination, "xb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            os.chmod(destination, mode)
            os.chown(destination, uid, gid)


def _report(fd: int | None, line: str) -> None:
    if fd is None:
        return
    try:
        os.write(fd, (line.replace("\n", " ")[:2000] + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


def _drop_privileges(plan: dict[str, Any], libc: _Libc) -> None:
    import resource

    nproc = int(plan["nproc"])
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    if plan.get("user_namespace"):  # uid 0 of its own user namespace (the grader's uid outside): no capability
        libc.drop_capabilities()
        libc.no_new_privs()
        return
    os.setgroups([])
    os.setgid(int(plan["gid"]))
    os.setuid(int(plan["uid"]))
    libc.no_new_privs()
    if os.getuid() == 0 or os.geteuid() == 0:
        raise SetupError("could not drop root privileges")


def _exec(plan: dict[str, Any], command: list[str], status_fd: int | None, libc: _Libc) -> None:
    """In the final process: become the unprivileged user, tell the grader, run the command."""
    _drop_privileges(plan, libc)
    os.chdir(plan["cwd"])
    _report(status_fd, f"confined {plan['uid']}")
    os.execv(command[0], command)


def _reaper(child: int, status_write: int) -> None:
    """PID 1 of the new PID namespace: reap everything until `child` ends, pass on how it ended, exit
    (which kills whatever is left in the namespace)."""
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            status = 0xFF00
            break
        except InterruptedError:
            continue
        if pid == child:
            break
    os.write(status_write, struct.pack("i", status))
    os._exit(0)


def main(argv: list[str]) -> None:
    """`confine.py PLAN.json STATUS_FD -- COMMAND...`: set up the sandbox as root, run COMMAND
    unprivileged inside it. STATUS_FD ('-' for none) gets `confined UID` or `sandbox-error WHY`."""
    plan = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    status_fd = None if argv[2] == "-" else int(argv[2])
    separator = argv.index("--")
    command = argv[separator + 1:]
    options = argv[3:separator]
    groups = [options[i + 1] for i in range(0, len(options) - 1, 2) if options[i] == "--cgroup"]
    try:
        libc = _Libc()
        user_namespace = bool(plan.get("user_namespace"))
        if os.geteuid() != 0 and not user_namespace:
            raise SetupError("the wrapper is not running as root")
        for procs in groups:  # kernel-counted memory and pids: joined before anything else runs
            with open(procs, "w", encoding="ascii") as handle:
                handle.write(str(os.getpid()))
        use_pid_ns = bool(plan.get("pid_namespace", True))
        base = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
        if user_namespace:  # every namespace below is then owned by the new user namespace
            _enter_user_namespace(libc, base | (CLONE_NEWPID if use_pid_ns else 0))
        else:
            try:
                libc.unshare(base | (CLONE_NEWPID if use_pid_ns else 0))
            except SetupError:
                if not use_pid_ns:
                    raise
                use_pid_ns = False
                libc.unshare(base)
        _Mounter(plan, libc).run()
    except Exception as exc:  # noqa: BLE001 - every setup failure is reported, never hidden
        _report(status_fd, f"sandbox-error {type(exc).__name__}: {exc}")
        os._exit(WRAPPER_FAILED)
    if not use_pid_ns:
        try:
            _exec(plan, command, status_fd, libc)
        except Exception as exc:  # noqa: BLE001
            _report(status_fd, f"sandbox-error {type(exc).__name__}: {exc}")
        os._exit(WRAPPER_FAILED)
    status_read, status_write = os.pipe()
    reaper = os.fork()
    if reaper == 0:  # PID 1 of the new namespace
        try:
            os.close(status_read)
            libc.mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | 0x8)  # 0x8: MS_NOEXEC
            child = os.fork()
            if child == 0:
                try:
                    os.close(status_write)
                    _exec(plan, command, status_fd, libc)
                except Exception as exc:  # noqa: BLE001
                    _report(status_fd, f"sandbox-error {type(exc).__name__}: {exc}")
                os._exit(WRAPPER_FAILED)
            if status_fd is not None:
                os.close(status_fd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is the command's (a kernel's), not PID 1's
            _reaper(child, status_write)
        except Exception as exc:  # noqa: BLE001
            _report(status_fd, f"sandbox-error {type(exc).__name__}: {exc}")
        os._exit(WRAPPER_FAILED)
    # The wrapper itself: wait for the namespace, then end the way the child ended.
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt of the process group is the command's
    os.close(status_write)
    if status_fd is not None:
        os.close(status_fd)
    while True:
        try:
            _pid, reaper_status = os.waitpid(reaper, 0)
            break
        except InterruptedError:
            continue
    data = os.read(status_read, 4)
    if len(data) != 4:
        os._exit(WRAPPER_FAILED if os.WIFEXITED(reaper_status) else 128 + 9)
    (status,) = struct.unpack("i", data)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        try:
            signal.signal(number, signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL and SIGSTOP cannot be handled anyway
        os.kill(os.getpid(), number)
        os._exit(128 + number)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else WRAPPER_FAILED)


if __name__ == "__main__":
    main(sys.argv)
