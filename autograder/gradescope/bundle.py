"""Build Gradescope's autograder zip for one assignment (`build_bundle`).

The zip, as Gradescope unpacks it into `/autograder/source/`:

    setup.sh            installs Python's packages into /autograder/venv, the data, grades the answer key once
    run_autograder      grades /autograder/submission into /autograder/results/results.json
    requirements.txt    what grading needs (no Jupyter, nbgrader or Dask)
    config.json         the assignment, the checks left out, the limits of student code, the package digest
    package/            this autograder (installed into the venv; student code may read it, as in every setup)
    key/solutions/      the answer key: readable only by root once setup.sh has run
    README.md           for the instructor: the settings the autograder needs

The zip is reproducible: the same inputs give the same bytes (sorted entries, fixed times), so a
rebuilt bundle that did not change need not be uploaded again.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from autograder.assignments import AssignmentError, get_assignment
from autograder.paths import repo_root
from autograder.tree import walk_files
from autograder.feedback.language import DEFAULT_LANGUAGE, check_language
from autograder.gpu.device import DEVICE_CHOICES
from autograder.run.limits import Limits

FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # every zip entry's time: the same inputs give the same zip
TORCH = ("torch==2.14.1", "torchvision==0.29.1")
# What `autograder grade` imports, besides torch: the probes (matplotlib for visualize), the intake
# (nbformat for notebooks), the message catalogs (babel) and the CLI.
GRADING_REQUIREMENTS = ("numpy>=1.26", "matplotlib>=3.8", "tqdm>=4.66", "pillow>=10", "click>=8.1", "nbformat>=5.9",
                        "babel>=2.12")
# Student code on Gradescope shares the container with the grader: its memory limit leaves the grader room.
GRADESCOPE_LIMITS = Limits(memory_mib=1536)


@dataclass(frozen=True)
class BundleConfig:
    """What run_autograder reads from config.json."""

    assignment: str
    skip: list[str] = field(default_factory=list)
    limits: dict[str, float] = field(default_factory=lambda: asdict(GRADESCOPE_LIMITS))
    language: str = DEFAULT_LANGUAGE  # of results.json: 'ko+en', 'ko' or 'en' (autograder.feedback.language)
    device: str = "auto"  # where student code runs in Gradescope's container ('auto', 'cpu', 'cuda': autograder.gpu)
    package: str = ""
    assignment_package: str = ""  # an assignment from outside the package: its folder's name under assignment/


def _package_files() -> list[tuple[Path, str]]:
    """This autograder's own files (without caches), as (path, name in the zip under package/)."""
    package = Path(__file__).resolve().parents[1]
    files = []
    for path in sorted(package.rglob("*")):
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files.append((path, "package/autograder/" + path.relative_to(package).as_posix()))
    return files


def _package_metadata() -> list[tuple[bytes, str]]:
    """The pyproject.toml that installs package/ (no dependencies: setup.sh installs requirements.txt)."""
    version = "0.1.0"
    pyproject = repo_root() / "pyproject.toml"
    if pyproject.is_file():
        for line in pyproject.read_text(encoding="utf-8").splitlines():
            if line.startswith("version"):
                version = line.split("=", 1)[1].strip().strip('"')
                break
    text = (
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "ai-vision-course"\nversion = "{version}"\nrequires-python = ">=3.11"\n'
        'dependencies = []\n\n[project.scripts]\nautograder = "autograder.cli:main"\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["autograder*"]\n\n'
        '[tool.setuptools.package-data]\nautograder = ["gradescope/templates/*", "gradescope/*.json", '
        '"feedback/locale/*/LC_MESSAGES/*.po"]\n'
    )
    return [(text.encode(), "package/pyproject.toml")]


def _template(name: str) -> bytes:
    return resources.files("autograder.gradescope").joinpath("templates", name).read_bytes()


def build_bundle(*, assignment: str, out_dir: Path, solutions_dir: Path, skip: tuple[str, ...] = (),
                 limits: Limits = GRADESCOPE_LIMITS, language: str = DEFAULT_LANGUAGE, device: str = "auto") -> Path:
    """Write `out_dir/<assignment>.zip`, Gradescope's autograder for `assignment`; return its path.

    `skip` leaves checks out (as `autograder grade --skip`), `limits` bound student code on Gradescope, `device`
    says where it runs there ('auto': the container's GPU where Gradescope gives one).
    Raises ValueError when the assignment or its answer key is missing, or `device` is not a choice.
    """
    try:
        record = get_assignment(assignment)
    except AssignmentError as exc:
        raise ValueError(str(exc)) from None
    if device not in DEVICE_CHOICES:
        raise ValueError(f"device must be one of {', '.join(DEVICE_CHOICES)}, not {device!r}")
    module = record.module
    key = Path(solutions_dir) / assignment
    if not (key / f"{module}.py").is_file():
        raise ValueError(f"{key}: no answer key ({module}.py); run `autograder assign` first")
    from autograder.course.remote import package_digest

    outside = Path(record.package_dir) if record.package_dir else None
    config = BundleConfig(assignment=assignment, skip=sorted(skip), limits=asdict(limits), package=package_digest(),
                          language=check_language(language), assignment_package=outside.name if outside else "",
                          device=device)
    entries: list[tuple[bytes, str, int]] = []  # (data, name in the zip, unix mode)
    entries.append((_template("setup.sh"), "setup.sh", 0o755))
    entries.append((_template("run_autograder"), "run_autograder", 0o755))
    entries.append((_template("README.md"), "README.md", 0o644))
    requirements = "\n".join((*TORCH, *GRADING_REQUIREMENTS)) + "\n"
    entries.append((requirements.encode(), "requirements.txt", 0o644))
    entries.append(((json.dumps(asdict(config), indent=2, sort_keys=True) + "\n").encode(), "config.json", 0o644))
    for data, name in _package_metadata():
        entries.append((data, name, 0o644))
    for path, name in _package_files():
        entries.append((path.read_bytes(), name, 0o644))
    if outside is not None:  # its probes and checks travel with the grader (run.py registers them)
        for relative, path in walk_files(outside):
            entries.append((path.read_bytes(), f"assignment/{outside.name}/{relative}", 0o644))
    for path in sorted(key.rglob("*")):
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
            entries.append((path.read_bytes(), f"key/solutions/{assignment}/{path.relative_to(key).as_posix()}", 0o600))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{assignment}.zip"
    temporary = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for data, name, mode in sorted(entries, key=lambda e: e[1]):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    os.replace(temporary, target)
    return target


def bundle_digest(path: Path) -> str:
    """SHA-256 of a built zip (the same inputs give the same digest)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
