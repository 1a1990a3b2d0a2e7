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
#: The type of count_parameters()'s results: COUNT_IS_AN_INT when every one is an integer (a Python int, or a
#: NumPy integer such as np.prod's), else the first other type's name ('torch.Tensor', 'float').
COUNT_PARAMETERS_RETURN_TYPE = "type of what count_parameters(...) returns"
COUNT_IS_AN_INT = "int"
FORWARD_PASSES_ONE_PER_BATCH = "forward passes (one per batch)"
#: train() is also run over this many batches of 2, the last of 1: more than any debugging limit.
LONG_LOADER_BATCHES = 150
FORWARD_PASSES_ON_A_LONG_LOADER = f"forward passes over {LONG_LOADER_BATCHES} batches, the last of 1 image"
PARAMETERS_AFTER_TRAIN_OF_A_CONV_NET = "parameters of a small conv net after train()"
#: The label of the evaluate() calls that the loss check is graded on.
LOSS_BATCHES = " on batches of 10 and a last batch of 1"
#: What the probes report instead of a number that train() or evaluate() returned as a (detached) tensor: the
#: docstrings promise Python floats (a tensor still attached to the graph is reported as such).
TENSOR_NOT_A_FLOAT = "a tensor (detached), not a Python float"
#: train(..., print_every=0) ran to the end (True) or raised: 0 means "never log" (no `step % 0`).
TRAIN_WITH_PRINT_EVERY_0 = "train(..., print_every=0) runs to the end (print_every=0: never log)"
#: After "run(model=..., epochs=...): ": each history entry's 'epoch', from 1 (epochs counted from 0 shifted by one).
HISTORY_EPOCHS = "history's 'epoch' numbers"
IMAGES_MOVED_TO_DEVICE = "images moved to device"
LABELS_MOVED_TO_DEVICE = "labels moved to device"
LINEAR_LAYERS = "linear layers"
MODEL_DEVICE_DURING_TRAIN = "model device during train()"
MODEL_IN_TRAINING_MODE_DURING_TRAIN = "model in training mode during train()"
NUMBER_OF_SUBPLOTS_SHOWING_AN_IMAGE = "number of subplots showing an image"
#: All the axes of visualize(6 images, ncols=4)'s Figure, shown or not: one per image (the empty cells' removed).
AXES_IN_THE_FIGURE = "axes in the Figure of visualize(6 images, ncols=4) (one per image)"
#: visualize() of a single image: plt.subplots(1, 1) gives one Axes, not an array, unless squeeze=False.
SUBPLOTS_SHOWING_ONE_IMAGE = "number of subplots showing an image in visualize(1 image, ncols=4)"
SUBPLOTS_SHOWING_GPU_IMAGES = "number of subplots showing an image in visualize(2 images on a GPU, requiring grad, ncols=4)"
PIXEL_VALUES_SHOWN = "pixel values shown"
#: In visualize()'s result only when the images were shown as uint8 (0..255): the pixel values are then value / 255,
#: compared within one step of 1/255.
PIXELS_SHOWN_AS_UINT8 = "pixel values shown as uint8 (0..255), compared as value / 255"
RUN_DEVICE_NONE_MODEL_DEVICE_DURING_TRAIN = "run(device=None): model device during train()"
RUN_SEED_5_AND_RUN_SEED_6_DIFFERENT_INITIAL_WEIGHTS = "run(seed=5) and run(seed=6): different initial weights"
RUN_SEED_5_TWICE_THE_SAME_INITIAL_WEIGHTS = "run(seed=5) twice: the same initial weights"
#: After "run(model=..., epochs=...): ": get_loaders' `seed` (its shuffling order), and train()'s `print_every`.
RUN_GET_LOADERS_SEED = "seed given to get_loaders"
RUN_TRAIN_PRINT_EVERY = "print_every given to train()"
#: 'ROWS x COLUMNS' of the subplots that show an image, for visualize(6 images, ncols=4): ncols images a row.
SUBPLOT_GRID = "subplot grid (rows x columns) of visualize(6 images, ncols=4)"
SUBPLOT_TITLES = "subplot titles"
SUBPLOT_TITLES_WITH_OTHER_CLASS_NAMES = "subplot titles of visualize(3 images, labels [2, 0, 1], classes ('kitten', 'puppy', 'parrot'))"
UNNORMALIZE_X = "unnormalize(x)"
X_AFTER_UNNORMALIZE_X_MUST_BE_UNCHANGED = "x after unnormalize(x) (must be unchanged)"
