"""The checks of each assignment, one module per assignment (`checks_for(name)` lists them in order)."""
