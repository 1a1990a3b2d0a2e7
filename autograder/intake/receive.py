"""The intake's one door: a folder, an archive or a single file, taken in as a plain folder."""
from __future__ import annotations

import stat
from pathlib import Path

from autograder.feedback.language import pair
from autograder.intake.archives import ARCHIVE_SUFFIXES, SINGLE_FILES, unpack_archive
from autograder.intake.copy import (IntakeError, IntakeLimits, Received, copy_tree, lstat_or_refuse, refusals,
                                    shown_name)


def receive_submission(source: Path, target: Path, *, limits: IntakeLimits = IntakeLimits()) -> Received:
    """Take in `source` (a folder, an archive or a single .py/.ipynb file) as a plain folder at `target`.

    Every failure is a refusal (`IntakeError`, Korean and English) and leaves no partial copy behind."""
    source, target = Path(source), Path(target)
    lowered = source.name.lower()
    with refusals(target, archive=lowered.endswith(ARCHIVE_SUFFIXES)):
        info = lstat_or_refuse(source)
        if stat.S_ISREG(info.st_mode):
            if lowered.endswith(ARCHIVE_SUFFIXES) or lowered.endswith(SINGLE_FILES):
                return unpack_archive(source, target, limits=limits)
            raise IntakeError(pair(f"{shown_name(source.name)}은(는) 채점할 수 있는 제출물이 아닙니다. 폴더, .zip, .tar.gz "
                                   "또는 .py/.ipynb 파일을 제출하세요.",
                                   f"{shown_name(source.name)} is not a submission the grader can read: hand in a "
                                   "folder, a .zip or .tar.gz archive, or the .py/.ipynb file."))
        return copy_tree(source, target, limits=limits)
