"""The instructor's view of a class graded by `grade-all`: reproducible grades (`provenance`, `regrade`), the
class dashboard (`dashboard`, graded/index.html), gradebook exports with a late policy (`exports`, `late`) and
similarity for review (`similarity`). Everything here reads a graded folder; nothing changes a grade."""
