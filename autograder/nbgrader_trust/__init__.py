"""nbgrader autograde made safe: a confined kernel, grade cells normalised, grades from a snapshot."""
