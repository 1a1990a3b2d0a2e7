"""What every assignment's checks share (`common`); each assignment's checks live in its package
(`autograder.assignments`)."""
