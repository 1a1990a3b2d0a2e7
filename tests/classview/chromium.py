"""Real headless Chromium for the dashboard tests: a page's DOM after its scripts ran, and screenshots.
Chromium comes from the system (`apt-get install -y chromium`; .ci/run installs it); `$CHROMIUM` names another."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def chromium() -> str:
    """The Chromium executable; the test fails (saying how to install it) when there is none."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("headless Chromium is needed: apt-get install -y chromium (as .ci/run does), or set CHROMIUM")
    return found


def _flags(profile: Path) -> list[str]:
    return [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--allow-file-access-from-files", f"--user-data-dir={profile}", "--disable-dev-shm-usage"]


def dump_dom(page: Path, *, profile: Path, budget_ms: int = 8000) -> str:
    """The DOM of `page` (a local file) once its scripts ran (within `budget_ms` of virtual time)."""
    result = subprocess.run([*_flags(profile), f"--virtual-time-budget={budget_ms}", "--dump-dom", page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(page: Path, target: Path, *, profile: Path, width: int = 1400, height: int = 2000) -> Path:
    """A PNG of `page` as Chromium shows it in a `width` x `height` window."""
    result = subprocess.run([*_flags(profile), f"--window-size={width},{height}", "--hide-scrollbars",
                             f"--screenshot={target}", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and target.is_file(), result.stderr[-2000:]
    return target
