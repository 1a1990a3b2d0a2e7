"""The class dashboard (graded/index.html) on a generated class: how long it takes to write, its size, and a
screenshot as headless Chromium shows it.

    python benchmarks/class_dashboard.py [--students 300] [--screenshot docs/class-dashboard.png] [--graded DIR]

--graded renders an existing graded folder (grade-all --out) instead of a generated one. Needs Chromium for the
screenshot (`apt-get install -y chromium`).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from autograder.classview.dashboard import write_dashboard  # noqa: E402
from class_generate import generate  # noqa: E402


def screenshot(page: Path, target: Path, *, width: int = 1400, height: int = 2200) -> None:
    """A PNG of `page` in headless Chromium."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        sys.exit("Chromium is needed for the screenshot: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", f"--window-size={width},{height}", f"--screenshot={target}",
                        page.as_uri()], check=True, capture_output=True, timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--graded", type=Path, default=None)
    parser.add_argument("--screenshot", type=Path, default=None)
    parser.add_argument("--lang", default="ko+en")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        graded = args.graded
        if graded is None:
            started = time.perf_counter()
            graded = generate(Path(scratch) / "graded", students=args.students)
            print(f"generated {args.students} graded records in {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        page = write_dashboard(graded, language=args.lang)
        seconds = time.perf_counter() - started
        print(f"index.html: {seconds:.2f} s, {page.stat().st_size / 1024:.0f} KiB ({graded})")
        if args.screenshot:
            screenshot(page, args.screenshot.resolve())
            print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
