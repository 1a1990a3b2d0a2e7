"""Intake: a submission is read, never followed, into the grader's own scratch copy.

`receive_submission` turns what a student handed in (a folder, a `.zip`/`.tar.gz`/`.tgz`/`.tar`
archive, or a single `.py`/`.ipynb` file) into a plain folder of regular files and folders in the
grader's scratch space. Links, devices and pipes are dropped (and named in the report), so are names
that are not UTF-8 or hold control characters; depth, file count and total size are bounded before
anything is copied, and an archive's own claims (its size, a zip's list of members, every tar header)
before anything is unpacked; archive members that would land outside the folder are refused. Every
failure, whatever its cause, is a refusal: `IntakeError`, which the grader reports with exit code 2, and
no partial copy is left behind.
"""
from autograder.intake.archives import unpack_archive
from autograder.intake.copy import IntakeError, IntakeLimits, Received, copy_tree
from autograder.intake.receive import receive_submission

__all__ = ["IntakeError", "IntakeLimits", "Received", "copy_tree", "receive_submission", "unpack_archive"]
