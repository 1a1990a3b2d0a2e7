"""Run untrusted student code in a child process and bring back plain data.

`sandbox.run_probes` starts `python -m autograder.run.child`, which imports the student's module and
runs probe functions (from `autograder.probes`) on it one at a time; each probe's result comes back on the
status pipe as JSON plus an `.npz` archive, read without unpickling anything. With a
`confine.Confinement`, the child is started through the root wrapper of `autograder.run.confine`
(namespaces, hidden paths, an unprivileged uid). See docs/isolation.md.
"""
from autograder.run.limits import Limits
from autograder.run.sandbox import ProbeOutcome, ProbeRequest, run_probes

__all__ = ["Limits", "ProbeOutcome", "ProbeRequest", "run_probes"]
