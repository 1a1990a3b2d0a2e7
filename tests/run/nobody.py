"""Run this repository's Python as the unprivileged user `nobody` (tests of a grader without root)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

NOBODY = 65534


def as_nobody(scratch: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run this repository's Python as `nobody`, in a mount namespace where the folders on the way to it (e.g. a
    pyenv under /root) can be crossed: what an instructor's own account looks like."""
    python = Path(sys.executable)
    crossings = []
    for folder in [*python.resolve().parents, *python.parents]:
        if str(folder) != "/" and folder.is_dir() and not folder.stat().st_mode & 0o001:
            crossings.append(str(folder))
    # Each such folder is covered by a crossable tmpfs holding binds of its entries.
    script = textwrap.dedent(f"""
        set -e
        for folder in {' '.join(sorted(set(crossings)))}; do
            mkdir -p {scratch}/.orig$folder
            mount --bind $folder {scratch}/.orig$folder
            mount -t tmpfs -o mode=0755 tmpfs $folder
            for entry in $(ls -A {scratch}/.orig$folder); do
                if [ -d {scratch}/.orig$folder/$entry ]; then mkdir -p $folder/$entry; else touch $folder/$entry; fi
                mount --bind {scratch}/.orig$folder/$entry $folder/$entry
            done
        done
        exec setpriv --reuid={NOBODY} --regid={NOBODY} --clear-groups --inh-caps=-all \\
            env -i HOME={scratch}/home PATH=/usr/bin:/bin LANG=C.UTF-8 {python} "$@"
    """)
    return subprocess.run(["unshare", "-m", "--propagation", "private", "bash", "-c", script, "bash", *args],
                          capture_output=True, text=True, timeout=900, check=False)
