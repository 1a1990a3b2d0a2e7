"""The grading engine: checks, the engine that runs them, and the reports."""
from autograder.grade.engine import GradingError, grade_or_report, grade_submission
from autograder.grade.report import CheckResult, GradeReport

__all__ = ["CheckResult", "GradeReport", "GradingError", "grade_or_report", "grade_submission"]
