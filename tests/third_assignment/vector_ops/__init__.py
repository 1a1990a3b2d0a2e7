"""A third assignment defined outside the package (docs/design.md "How to add an assignment"): `vector_ops`,
module `vectors`, two checks. Registered with AUTOGRADER_ASSIGNMENTS=<this folder>."""
from autograder.assignments import Assignment

ASSIGNMENT = Assignment(
    name="vector_ops",
    module="vectors",
    package=__name__,
    signature="def dot(",
    points={"dot": 2, "normalize": 3},  # check name -> points, in report order
)
