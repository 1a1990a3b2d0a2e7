"""Grading on a GPU: which device a grading uses (device.py), the device nodes a confined child is given
(nodes.py), the GPU memory of the child's processes (memory.py), GPU slots shared by a class's gradings
(slots.py) and what the child sets before any student code runs (in_child.py). Nothing here imports torch in
the grader's process; every decision is a plain function of plain data, unit-tested on machines without a GPU."""
from autograder.gpu.device import CPU, DEVICE_CHOICES, GraderDevice, NoGpuError, choose_device

__all__ = ["CPU", "DEVICE_CHOICES", "GraderDevice", "NoGpuError", "choose_device"]
