"""Keys of this assignment's probe results that the probes (child) and the checks (grader) both name: imported by
both halves, never written twice. Torch-free.

REPORTED: the keys a probe returns only when the student's code fails (the answer key's result never has them),
so a check's hint for one of them cannot be matched against the answer key's result.
"""
#: The parameters that got no finite, non-zero gradient (the gradient-flow probes).
NO_GRADIENT = "parameters without a finite, non-zero gradient after loss.backward()"
#: A model's loss.backward() raised (the gradient-flow probes).
BACKWARD_PASS = "backward pass"


def evaluate_call(mode: str, label: str = "") -> str:
    """The key of `evaluate(..., mode=MODE)` when the call raised or returned something other than a pair."""
    return f"evaluate(..., mode='{mode}'){label}"


REPORTED = (BACKWARD_PASS, evaluate_call("test"), evaluate_call("val"))

#: Keys of the probes' results, named once.
BUILD_TRANSFORM_IMAGE = "build_transform()(image)"
CONVOLUTION_LAYERS = "convolution layers"
COUNT_PARAMETERS_WITH_THE_LAST_BIAS_FROZEN = "count_parameters(...) with the last bias frozen"
COUNT_PARAMETERS_LINEAR_7_5_RELU_LINEAR_5_3 = "count_parameters(Linear(7, 5), ReLU, Linear(5, 3))"
FORWARD_PASSES_ONE_PER_BATCH = "forward passes (one per batch)"
#: train() is also run over this many batches of 2, the last of 1: more than any debugging limit.
LONG_LOADER_BATCHES = 150
FORWARD_PASSES_ON_A_LONG_LOADER = f"forward passes over {LONG_LOADER_BATCHES} batches, the last of 1 image"
PARAMETERS_AFTER_TRAIN_OF_A_CONV_NET = "parameters of a small conv net after train()"
#: The label of the evaluate() calls that the loss check is graded on.
LOSS_BATCHES = " on batches of 10 and a last batch of 1"
IMAGES_MOVED_TO_DEVICE = "images moved to device"
LABELS_MOVED_TO_DEVICE = "labels moved to device"
LINEAR_LAYERS = "linear layers"
MODEL_DEVICE_DURING_TRAIN = "model device during train()"
MODEL_IN_TRAINING_MODE_DURING_TRAIN = "model in training mode during train()"
NUMBER_OF_SUBPLOTS_SHOWING_AN_IMAGE = "number of subplots showing an image"
PIXEL_VALUES_SHOWN = "pixel values shown"
RUN_DEVICE_NONE_MODEL_DEVICE_DURING_TRAIN = "run(device=None): model device during train()"
RUN_SEED_5_AND_RUN_SEED_6_DIFFERENT_INITIAL_WEIGHTS = "run(seed=5) and run(seed=6): different initial weights"
RUN_SEED_5_TWICE_THE_SAME_INITIAL_WEIGHTS = "run(seed=5) twice: the same initial weights"
SUBPLOT_TITLES = "subplot titles"
SUBPLOT_TITLES_WITH_OTHER_CLASS_NAMES = "subplot titles of visualize(3 images, labels [2, 0, 1], classes ('kitten', 'puppy', 'parrot'))"
UNNORMALIZE_X = "unnormalize(x)"
X_AFTER_UNNORMALIZE_X_MUST_BE_UNCHANGED = "x after unnormalize(x) (must be unchanged)"
