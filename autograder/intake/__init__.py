"""Intake: a submission is read, never followed, into the grader's own scratch copy.

`receive_submission` turns what a student handed in (a folder, a `.zip`/`.tar.gz`/`.tgz`/`.tar`
archive, or a single `.py`/`.ipynb` file) into a plain folder of regular files and folders in the
grader's scratch space. Links, devices and pipes are dropped (and named in the report); depth, file
count and total size are bounded before anything is copied; archive members that would land outside
the folder are refused. A refusal raises `IntakeError`, which the grader reports with exit code 2.
"""
from autograder.intake.archives import unpack_archive
from autograder.intake.copy import IntakeError, IntakeLimits, Received, copy_tree, receive_submission

__all__ = ["IntakeError", "IntakeLimits", "Received", "copy_tree", "receive_submission", "unpack_archive"]
