"""The keys of the accuracy probes' results, named once for the probe (child) and the grader (parent).

Plain strings only (no torch), so both halves import them.
"""
#: The student's model's parameters after the grader's one-epoch training (rescored by the grader).
TRAINED_WEIGHTS = "trained weights"
#: The same model's parameters before training (rescored too: a model must learn, not arrive trained).
INITIAL_WEIGHTS = "initial weights"
#: The grader's predictions of the trained weights in the answer key's model, on the test images.
GRADER_PREDICTIONS = "grader predictions"
#: The grader's predictions of the weights before training.
INITIAL_PREDICTIONS = "initial predictions"
#: The test set's labels: added by the grader to the answer key's result for the checks that need data (every check
#: takes (student, reference)); no child ever sees them.
TEST_LABELS = "test labels"
