"""Course-level grading: a whole class's submissions, in parallel and resumable (`grade_all`)."""
from autograder.course.batch import default_jobs, grade_all, grade_student
from autograder.course.outcome import BatchSummary
from autograder.course.discover import StudentWork, find_students

__all__ = ["BatchSummary", "StudentWork", "default_jobs", "find_students", "grade_all", "grade_student"]
