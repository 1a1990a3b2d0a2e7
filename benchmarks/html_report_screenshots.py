"""The HTML report of a passing and of a failing submission, graded with the accuracy checks, as a real browser
shows it: headless Chromium screenshots into docs/ (report-passing.png, report-failing.png).

    python benchmarks/html_report_screenshots.py [--out docs] [--keep-html DIR]

Needs CIFAR-10 (CIFAR10_ROOT, as the tests) and Chromium (`apt-get install chromium` on Debian; the script
says so when it is missing). It prints how long grading and rendering took, and the size of each page.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.feedback.html import render_html  # noqa: E402
from autograder.grade import grade_submission  # noqa: E402
from tests.grade.examples import build_submission  # noqa: E402

EXAMPLES = {  # screenshot name -> example submission (tests/grade/submissions/)
    "report-passing": "passesAll_image_classification",
    "report-failing": "failsConvAccuracyUnitNormalInit",
}
WIDTH, TALLEST = 1100, 9000  # the window: wide as a laptop's browser, taller than any page (then cropped)


def chromium() -> str:
    """The Chromium binary, or exit saying how to install it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("Chromium is needed for the screenshots: `apt-get install chromium` (Debian), then run this again.")


def screenshot(browser: str, page: Path, target: Path) -> None:
    """A full-width screenshot of `page`, cropped below its last non-white row."""
    from PIL import Image, ImageChops

    raw = target.with_suffix(".raw.png")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={WIDTH},{TALLEST}", f"--screenshot={raw}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    with Image.open(raw) as image:
        rgb = image.convert("RGB")
        box = ImageChops.difference(rgb, Image.new("RGB", rgb.size, "white")).getbbox()
        bottom = min(rgb.height, (box[3] if box else rgb.height) + 24)
        rgb.crop((0, 0, rgb.width, bottom)).quantize(colors=255).save(target, optimize=True)
    raw.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--keep-html", type=Path, default=None, help="also keep the HTML pages here")
    args = parser.parse_args()
    browser = chromium()
    data_dir = os.environ.get("CIFAR10_ROOT") or str(REPO.parent / "shared" / "datasets")
    with tempfile.TemporaryDirectory(prefix="html-report-") as scratch_name:
        scratch = Path(scratch_name)
        for name, example in EXAMPLES.items():
            folder = REPO / "tests" / "grade" / "submissions" / example
            submission = build_submission(folder, scratch / example)
            started = time.monotonic()
            report = grade_submission(submission=submission, assignment="image_classification", data_dir=data_dir)
            graded = time.monotonic() - started
            started = time.monotonic()
            page_text = render_html(report)
            rendered = time.monotonic() - started
            page = (args.keep_html or scratch) / f"{name}.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(page_text, encoding="utf-8")
            args.out.mkdir(parents=True, exist_ok=True)
            screenshot(browser, page, args.out / f"{name}.png")
            print(f"{name}: {example} {report.score:g}/{report.max_score:g}; graded in {graded:.0f} s, page rendered "
                  f"in {rendered:.1f} s ({len(page_text) // 1024} KiB); screenshot {args.out / (name + '.png')} "
                  f"({(args.out / (name + '.png')).stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
