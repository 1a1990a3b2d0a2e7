"""Assignment `image_classification` (module `classifier`): CIFAR-10 with a [-1, 1] transform, visualize(),
TwoLayerFC, train()/evaluate(), the 7-step run with SGD, ThreeLayerConvNet. Its probes and checks sit beside it."""
from autograder.assignments.record import Assignment, DataSource

ASSIGNMENT = Assignment(
    name="image_classification",
    module="classifier",
    package=__name__,
    signature="class TwoLayerFC(",
    trusted_files=("cifar10.py",),  # copied from the answer key over the student's
    data=DataSource(module="cifar10.py", load="load_cifar10", error="CIFAR10DataError", root_env="CIFAR10_ROOT",
                    files=("cifar10-jpeg.tar.gz", "cifar10-jpeg.tar.gz.sha256", "cifar-10-batches-py", "cifar10-jpeg")),
    rescored={"fc_accuracy": "fc", "conv_accuracy": "conv"},  # accuracy probe -> the answer key's model
    points={  # check name -> points, in report order
        "transform": 2,
        "unnormalize": 1,
        "visualize": 2,
        "fc_layers": 2,
        "fc_forward": 2,
        "fc_gradient_flow": 1,
        "count_parameters": 1,
        "conv_layers": 2,
        "conv_forward": 2,
        "conv_gradient_flow": 1,
        "train_updates": 4,
        "train_mode": 1,
        "train_device": 2,
        "evaluate_mode": 2,
        "evaluate_accuracy": 2,
        "evaluate_loss": 1,
        "evaluate_device": 2,
        "run_pipeline": 3,
        "run_device": 2,
        "fc_accuracy": 5,
        "conv_accuracy": 5,
    },
)
