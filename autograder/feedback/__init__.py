"""Feedback shown to students and instructors: how student-made text is shown (inert)."""
from autograder.feedback.inert import escape_controls, inert, inert_line

__all__ = ["escape_controls", "inert", "inert_line"]
