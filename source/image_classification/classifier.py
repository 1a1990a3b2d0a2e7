"""이미지 분류 과제 (image_classification): CIFAR-10으로 기본 신경망을 구현하고 학습합니다.

이 모듈의 번호가 붙은 TODO를 채우세요. 데이터는 옆에 있는 `cifar10` 모듈이 불러옵니다.

- TODO 1 `build_transform`: 이미지(0~255 픽셀값)를 [-1, 1] 범위의 텐서로 바꾸는 transform 정의
- TODO 2 `unnormalize`: 정규화된 텐서를 시각화를 위해 [0, 1] 범위로 복원
- TODO 3 `visualize`: 데이터셋의 이미지를 클래스 이름과 함께 화면에 띄우기
- TODO 4 `TwoLayerFC`: 완전 연결(fully connected) 레이어 두 개로 된 모델과 forward 연산
- TODO 5 `count_parameters`: 모델의 학습 가능한 파라미터 개수
- TODO 6 `train`: 한 epoch 동안의 학습 loop (7단계)
- TODO 7 `evaluate`: validation/test set에서의 정확도(accuracy) 측정 (6단계)
- TODO 8 `run`: 설정값, 데이터로더, 모델, optimizer를 종합하여 학습-평가 실행 (7단계)
- TODO 9 `ThreeLayerConvNet`: convolution layer 두 개와 FC layer 하나로 된 CNN

The image classification assignment: implement and train basic neural networks on CIFAR-10.

Fill in the numbered TODOs of this module; the `cifar10` module beside it loads the data.

- TODO 1 `build_transform`: the transform that turns an image (pixel values 0..255) into a tensor in [-1, 1]
- TODO 2 `unnormalize`: map a normalized tensor back to [0, 1] for display
- TODO 3 `visualize`: show dataset images titled with their class names
- TODO 4 `TwoLayerFC`: a model of two fully connected layers, and its forward pass
- TODO 5 `count_parameters`: the number of trainable parameters of a model
- TODO 6 `train`: the training loop of one epoch (7 steps)
- TODO 7 `evaluate`: accuracy on the validation or test set (6 steps)
- TODO 8 `run`: put the configuration, loaders, model and optimizer together and train-evaluate (7 steps)
- TODO 9 `ThreeLayerConvNet`: a CNN of two convolution layers and one FC layer
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from typing import Sequence

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from matplotlib.figure import Figure
from torch.utils.data import DataLoader
from torchvision import transforms
# 글자로 된 진행 막대: 저장한 노트북과 nbgrader 피드백에도 남습니다 (위젯 막대는 빈칸으로 남습니다)
# / text progress bars: they stay readable in saved notebooks and nbgrader feedback (widgets are blank there).
from tqdm.std import tqdm

from cifar10 import CLASSES, get_loaders

__all__ = [
    "TrainConfig",
    "RunResult",
    "build_transform",
    "unnormalize",
    "visualize",
    "TwoLayerFC",
    "count_parameters",
    "train",
    "evaluate",
    "ThreeLayerConvNet",
    "run",
]


# ---------------------------------------------------------------------------------------------
# 제공 코드 / Provided
# ---------------------------------------------------------------------------------------------
@dataclass
class TrainConfig:
    """학습 설정값 (제공) / Training settings (provided).

    기본값은 CS231n의 TwoLayerFC 설정(hidden 4000, SGD learning rate 1e-2, batch 64, 1 epoch)에
    momentum 0.9를 더한 것입니다. ThreeLayerConvNet은 `model="conv"`, `learning_rate=3e-3`으로 실행합니다.
    The defaults are CS231n's TwoLayerFC settings (hidden 4000, SGD learning rate 1e-2, batch 64,
    1 epoch) plus momentum 0.9; run ThreeLayerConvNet with `model="conv"` and `learning_rate=3e-3`.
    """

    model: str = "fc"  # 'fc' (TwoLayerFC) or 'conv' (ThreeLayerConvNet)
    batch_size: int = 64
    hidden_size: int = 4000  # TwoLayerFC
    channel_1: int = 32  # ThreeLayerConvNet
    channel_2: int = 16  # ThreeLayerConvNet
    learning_rate: float = 1e-2
    momentum: float = 0.9  # SGD momentum; 0.9 reaches CS231n's one-epoch targets with [-1, 1] inputs
    epochs: int = 1
    print_every: int = 100  # log the loss every this many steps (0: never)
    device: str | None = None  # None: 'cuda' when available, else 'cpu'
    data_dir: str | None = None  # None: $CIFAR10_ROOT, then the default cache folder
    seed: int = 0
    limit: int | None = None  # at most this many images per split (quick runs); None: all


@dataclass
class RunResult:
    """`run()`의 결과 (제공) / What `run()` returns (provided)."""

    model: nn.Module
    history: list[dict] = field(default_factory=list)  # per epoch: epoch, train_loss, val_loss, val_accuracy
    test_accuracy: float = float("nan")


# ---------------------------------------------------------------------------------------------
# 데이터 변환과 시각화 / Data transformation and visualization
# ---------------------------------------------------------------------------------------------
def build_transform() -> transforms.Compose:
    """이미지를 모델이 처리할 [-1, 1] 범위의 텐서로 바꾸는 transform을 만듭니다.

    - 이미지 데이터는 0에서 255 사이의 픽셀값을 가집니다 (HWC, uint8).
    - `transforms.ToTensor()`: HWC uint8 [0, 255] -> CHW float32 [0, 1] (255로 나눔).
    - `transforms.Normalize(mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))`: 채널마다 (x - 0.5) / 0.5,
      즉 [0, 1] -> [-1, 1].

    Build the transform that turns an image into a tensor in [-1, 1] for the model.

    - Image pixels take values 0..255 (HWC, uint8).
    - `transforms.ToTensor()`: HWC uint8 in [0, 255] -> CHW float32 in [0, 1] (divides by 255).
    - `transforms.Normalize(mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))`: (x - 0.5) / 0.5 per channel,
      i.e. [0, 1] -> [-1, 1]. Inputs centred on zero keep the first layer's activations balanced.

    Returns:
        A `transforms.Compose` of `ToTensor` then `Normalize`.
    """
    # TODO 1: ToTensor와 Normalize(0.5, 0.5)로 transform 정의 / Compose ToTensor and Normalize(0.5, 0.5).
    ### BEGIN SOLUTION
    return transforms.Compose(
        [
            transforms.ToTensor(),  # (H, W, C) uint8 [0, 255] -> (C, H, W) float [0, 1]
            transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),  # [0, 1] -> [-1, 1]
        ]
    )
    ### END SOLUTION


def unnormalize(images: torch.Tensor) -> torch.Tensor:
    """`build_transform()`의 정규화를 되돌려 [0, 1] 범위로 복원합니다 (시각화용).

    Normalize의 역연산 x * 0.5 + 0.5를 적용하고, 반올림 오차 등으로 범위를 벗어난 값은 [0, 1]로
    자릅니다(clamp). 어떤 모양의 텐서든 받으며 같은 모양을 돌려줍니다. 입력은 바꾸지 않습니다.

    Undo `build_transform()`'s normalization: [-1, 1] -> [0, 1] for display.

    Applies the inverse of Normalize, x * 0.5 + 0.5, and clamps to [0, 1]. Accepts a tensor of any
    shape and returns a new tensor of the same shape; the input is not modified.
    """
    # TODO 2: x * 0.5 + 0.5 후 [0, 1]로 clamp / x * 0.5 + 0.5, then clamp to [0, 1].
    ### BEGIN SOLUTION
    return (images * 0.5 + 0.5).clamp(0.0, 1.0)
    ### END SOLUTION


def visualize(
    images: torch.Tensor,
    labels: torch.Tensor | Sequence[int],
    class_names: Sequence[str] = CLASSES,
    *,
    ncols: int = 8,
) -> Figure:
    """정규화된 이미지 배치를 격자(grid)로 그리고, 각 이미지의 제목을 클래스 이름으로 붙입니다.

    Draw a batch of normalized images on a grid, each titled with its class name.

    Args:
        images: (N, 3, H, W) 정규화된 이미지(어느 디바이스든, requires_grad여도 됨) / normalized images (any device, may require grad).
        labels: (N,) 클래스 번호 / class indices.
        class_names: 클래스 번호 -> 이름 / class index -> name.
        ncols: 한 줄의 그림 수 / subplots per row.

    Returns:
        N개의 subplot(axes)이 있는 Figure. `plt.show()`는 호출하지 않습니다 (노트북에서 표시).
        The Figure, with one axes per image; `plt.show()` is not called (the notebook shows it).
    """
    # TODO 3: 복원한 이미지를 격자에 그리기 (제목: 클래스 이름) / Draw the unnormalized images on a grid, titled.
    ### BEGIN SOLUTION
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.6 * ncols, 1.8 * nrows), squeeze=False)
    shown = unnormalize(images.detach().cpu())  # (N, 3, H, W) in [0, 1]
    for index, ax in enumerate(axes.flat):
        if index >= n:
            fig.delaxes(ax)  # empty cells of the last row
            continue
        ax.imshow(shown[index].permute(1, 2, 0).numpy())  # (H, W, 3)
        ax.set_title(class_names[int(labels[index])], fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return fig
    ### END SOLUTION


# ---------------------------------------------------------------------------------------------
# 모델 / Models
# ---------------------------------------------------------------------------------------------
class TwoLayerFC(nn.Module):
    """두 개의 Fully Connected Layer로 된 모델: flatten -> FC1 -> ReLU -> FC2.

    - FC1: input data -> hidden feature (`input_size` -> `hidden_size`)
    - ReLU
    - FC2: hidden feature -> output(각 클래스별 classification 점수) (`hidden_size` -> `num_classes`)

    A model of two fully connected layers: flatten -> FC1 -> ReLU -> FC2.
    FC1 maps the flattened image to hidden features, FC2 maps them to one score per class.
    Attributes: `flatten`, `fc1`, `relu`, `fc2`.
    """

    def __init__(self, input_size: int, hidden_size: int, num_classes: int) -> None:
        super().__init__()
        # TODO 4: 레이어 정의 (flatten, fc1, relu, fc2) / Define the layers (flatten, fc1, relu, fc2).
        ### BEGIN SOLUTION
        self.flatten = nn.Flatten()  # (N, C, H, W) -> (N, C*H*W)
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, num_classes)
        # CS231n처럼 Kaiming 초기화 / Kaiming initialization, as in CS231n.
        nn.init.kaiming_normal_(self.fc1.weight)
        nn.init.kaiming_normal_(self.fc2.weight)
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) -> (N, num_classes) 점수 / scores."""
        # TODO 4: forward 연산 정의 / Define the forward pass.
        ### BEGIN SOLUTION
        x = self.flatten(x)  # (N, C*H*W)
        x = self.relu(self.fc1(x))  # (N, hidden_size)
        scores = self.fc2(x)  # (N, num_classes)
        return scores
        ### END SOLUTION


def count_parameters(model: nn.Module) -> int:
    """모델의 학습 가능한(requires_grad) 파라미터 개수 / The number of trainable parameters of `model`."""
    # TODO 5: requires_grad인 파라미터의 원소 수 합 / Sum numel() over parameters that require grad.
    ### BEGIN SOLUTION
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
    ### END SOLUTION


# ---------------------------------------------------------------------------------------------
# 학습과 평가 / Training and evaluation
# ---------------------------------------------------------------------------------------------
def train(
    model: nn.Module,
    loader: DataLoader,
    optimizer: optim.Optimizer,
    device: torch.device | str,
    *,
    epoch: int = 1,
    print_every: int = 100,
) -> float:
    """`loader`의 모든 배치로 모델을 한 epoch 학습합니다.

    각 배치마다: gradient 초기화 -> 데이터를 `device`로 -> forward -> cross entropy loss ->
    backpropagation -> 가중치 업데이트 -> (선택) 로깅.

    Train `model` for one epoch over every batch of `loader`: reset the gradients, move the batch to
    `device`, forward pass, cross-entropy loss, backpropagation, weight update, (optional) logging.

    Args:
        model: 학습할 모델 (이미 `device`에 있음) / the model, already on `device`.
        loader: (images (N, 3, 32, 32), labels (N,)) 배치를 주는 데이터로더 / yields batches.
        optimizer: `model`의 파라미터를 업데이트할 optimizer / updates `model`'s parameters.
        device: 연산 디바이스 / where to compute.
        epoch: 로그에 표시할 epoch 번호 / the epoch number shown in the log.
        print_every: 이 스텝마다 loss 출력 (0이면 출력 안 함) / log the loss every this many steps (0: never).

    Returns:
        이 epoch의 샘플당 평균 학습 loss / the mean training loss per sample over the epoch.
    """
    # TODO 6: 학습 loop의 7단계 구현 / Implement the 7 steps of the training loop.
    # TODO 6: 먼저 모델을 학습(train) 모드로 바꿈 / First put the model in training mode (`model.train()`).
    ### BEGIN SOLUTION
    model.train()  # 학습 모드 / training mode
    ### END SOLUTION
    total_loss = 0.0
    total_samples = 0
    progress = tqdm(loader, desc=f"epoch {epoch} train", file=sys.stdout, ncols=100)
    for step, (images, labels) in enumerate(progress):
        # 1) Optimizer `optimizer`의 gradient 값을 초기화 / Reset the gradients held by `optimizer`.
        ### BEGIN SOLUTION
        optimizer.zero_grad()
        ### END SOLUTION
        # 2) 배치 내 데이터를 불러오고 `device`로 데이터가 올라갈 디바이스를 지정함
        #    / Take the batch's data and move it to `device`.
        ### BEGIN SOLUTION
        images = images.to(device)  # (N, 3, 32, 32)
        labels = labels.to(device)  # (N,)
        ### END SOLUTION
        # 3) Forward pass를 통해 모델의 출력(예측값)을 생성함
        #    / Compute the model's outputs (predictions) with a forward pass: `scores` (N, num_classes).
        ### BEGIN SOLUTION
        scores = model(images)  # (N, num_classes)
        ### END SOLUTION
        # 4) cross entropy loss를 계산함 / Compute the cross-entropy loss: `loss` (mean over the batch).
        ### BEGIN SOLUTION
        loss = F.cross_entropy(scores, labels)
        ### END SOLUTION
        # 5) Loss를 backpropagation하여 gradient를 전달함 / Backpropagate the loss to get the gradients.
        ### BEGIN SOLUTION
        loss.backward()
        ### END SOLUTION
        # 6) optimizer로 네트워크 가중치를 업데이트함 / Update the network's weights with the optimizer.
        ### BEGIN SOLUTION
        optimizer.step()
        ### END SOLUTION

        # epoch 평균 loss를 위한 누적 (제공) / Running sums for the epoch's mean loss (provided).
        batch_size = labels.shape[0]
        total_loss += loss.item() * batch_size
        total_samples += batch_size

        # 7) [Optional] 로깅 용으로 loss를 출력함 / [Optional] Print the loss for logging
        #    (every `print_every` steps; `pass` is enough if you skip it).
        ### BEGIN SOLUTION
        if print_every > 0 and step % print_every == 0:
            progress.set_postfix(loss=f"{loss.item():.4f}")
            tqdm.write(f"epoch {epoch}, step {step:4d}: loss = {loss.item():.4f}")
        ### END SOLUTION
    if total_samples == 0:
        raise ValueError("train: the loader gave no batches / 데이터로더가 비어 있습니다")
    return total_loss / total_samples


def evaluate(
    model: nn.Module,
    loader: DataLoader,
    device: torch.device | str,
    *,
    mode: str = "val",
) -> tuple[float, float | None]:
    """`loader`의 데이터로 모델의 정확도(accuracy)를 측정합니다.

    학습 모드가 아닌 eval 모드로 바꾸고(`model.eval()`), gradient 계산이 불필요하므로
    `torch.no_grad()`로 막습니다.

    Measure `model`'s accuracy on `loader`, in eval mode (`model.eval()`) and without building a
    graph (`torch.no_grad()`): gradients are not needed here.

    Args:
        model: 평가할 모델 (이미 `device`에 있음) / the model, already on `device`.
        loader: (images, labels) 배치를 주는 데이터로더 / yields batches.
        device: 연산 디바이스 / where to compute.
        mode: 'val' (validation set: loss도 계산 / also computes the loss) 또는/or 'test'.

    Returns:
        (accuracy in [0, 1], 'val'이면 샘플당 평균 loss, 'test'이면 None)
        (accuracy in [0, 1], the mean loss per sample in 'val' mode, None in 'test' mode).
    """
    # TODO 7: 평가 loop의 6단계 구현 / Implement the 6 steps of the evaluation loop.
    if mode not in ("val", "test"):
        raise ValueError(f"evaluate: mode must be 'val' or 'test', got {mode!r}")
    # TODO 7: train 모드 말고 eval 모드로 변경 / Switch from train mode to eval mode (`model.eval()`).
    ### BEGIN SOLUTION
    model.eval()  # eval 모드 / evaluation mode
    ### END SOLUTION
    num_correct = 0
    num_samples = 0
    total_loss = 0.0
    with torch.no_grad():  # gradient 계산을 막음 / no graph, no gradients
        for images, labels in tqdm(loader, desc=mode, leave=False, file=sys.stdout, ncols=100):
            # 1) 배치 내 데이터를 불러오고 `device`로 데이터가 올라갈 디바이스를 지정함
            #    / Take the batch's data and move it to `device`.
            ### BEGIN SOLUTION
            images = images.to(device)  # (N, 3, 32, 32)
            labels = labels.to(device)  # (N,)
            ### END SOLUTION
            # 2) Forward pass를 통해 모델의 출력(예측값)을 생성함
            #    / Compute the model's outputs (predictions) with a forward pass: `scores` (N, num_classes).
            ### BEGIN SOLUTION
            scores = model(images)  # (N, num_classes)
            ### END SOLUTION
            # 3) `mode`가 validation(`val`)일 때는 loss 값을 계산함
            #    / In validation mode (`val`), compute the loss: add the batch's summed loss to `total_loss`.
            ### BEGIN SOLUTION
            if mode == "val":
                total_loss += F.cross_entropy(scores, labels, reduction="sum").item()
            ### END SOLUTION
            # 4) 예측한 클래스를 추출함(top-1). 예측값이 각 클래스의 점수이므로, 값이 최대인 클래스를 찾음
            #    / Take the predicted class (top-1): the outputs are class scores, so find the highest.
            ### BEGIN SOLUTION
            preds = scores.argmax(dim=1)  # (N,)
            ### END SOLUTION
            # 5) 정답을 맞힌 개수를 누적합함 / Add up the number of correct answers (and of samples).
            ### BEGIN SOLUTION
            num_correct += int((preds == labels).sum().item())
            num_samples += labels.shape[0]
            ### END SOLUTION
    if num_samples == 0:
        raise ValueError("evaluate: the loader gave no samples / 데이터로더가 비어 있습니다")
    # 6) Accuracy를 계산함 / Compute the accuracy: `accuracy` = correct answers / samples.
    ### BEGIN SOLUTION
    accuracy = num_correct / num_samples
    ### END SOLUTION
    mean_loss = total_loss / num_samples if mode == "val" else None
    return float(accuracy), mean_loss


# ---------------------------------------------------------------------------------------------
# 모델 학습 진행 / Putting it together
# ---------------------------------------------------------------------------------------------
def run(config: TrainConfig) -> RunResult:
    """설정값 `config`대로 데이터를 불러오고, 모델을 학습-평가합니다.

    Load the data, build the model and optimizer from `config`, then train and evaluate:
    each epoch trains on the training set and evaluates on the validation set; after the last
    epoch the model is evaluated once on the test set.

    Returns:
        `RunResult(model, history, test_accuracy)`; history has one dict per epoch with
        'epoch', 'train_loss', 'val_loss', 'val_accuracy'.
    """
    # TODO 8: 설정, 데이터, 모델, optimizer를 종합하여 실행 (7단계) / Put everything together (7 steps).
    # 1) 실행 디바이스 및 configuration 설정 / Set the device and the configuration
    #    (`config.device`, else 'cuda' when available, else 'cpu'; seed torch with `config.seed`).
    ### BEGIN SOLUTION
    if config.device is not None:
        device = torch.device(config.device)
    else:
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(config.seed)
    ### END SOLUTION
    # 2) 이미지 데이터의 transform 정의하기 / Define the transform of the image data.
    ### BEGIN SOLUTION
    transform = build_transform()
    ### END SOLUTION
    # 3) 데이터로더 불러오기 / Load the data loaders (train, val, test).
    ### BEGIN SOLUTION
    train_loader, val_loader, test_loader = get_loaders(
        transform,
        batch_size=config.batch_size,
        data_dir=config.data_dir,
        limit=config.limit,
        seed=config.seed,
    )
    ### END SOLUTION
    # 4) 모델을 선언하기 / Declare the model ('fc': TwoLayerFC, 'conv': ThreeLayerConvNet).
    ### BEGIN SOLUTION
    num_classes = len(CLASSES)
    if config.model == "fc":
        model = TwoLayerFC(3 * 32 * 32, config.hidden_size, num_classes)
    elif config.model == "conv":
        model = ThreeLayerConvNet(3, config.channel_1, config.channel_2, num_classes)
    else:
        raise ValueError(f"run: config.model must be 'fc' or 'conv', got {config.model!r}")
    ### END SOLUTION
    # 5) 모델을 GPU에 올리기 (연산을 GPU로 하기 위함) / Move the model to the device (to compute on the GPU).
    ### BEGIN SOLUTION
    model = model.to(device)
    ### END SOLUTION
    # 6) Optimizer 선언하기: SGD 사용 / Declare the optimizer: SGD (learning rate, momentum).
    ### BEGIN SOLUTION
    optimizer = optim.SGD(model.parameters(), lr=config.learning_rate, momentum=config.momentum)
    ### END SOLUTION
    # 7) epoch만큼 반복하며 학습-평가를 수행하기: 한 epoch에서 학습 - 평가 순으로 수행하기
    #    / Repeat for each epoch: train, then evaluate on the validation set; finally test.
    ### BEGIN SOLUTION
    history: list[dict] = []
    for epoch in range(1, config.epochs + 1):
        train_loss = train(model, train_loader, optimizer, device, epoch=epoch, print_every=config.print_every)
        val_accuracy, val_loss = evaluate(model, val_loader, device, mode="val")
        history.append(
            {"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss, "val_accuracy": val_accuracy}
        )
        tqdm.write(
            f"epoch {epoch}: train loss {train_loss:.4f}, val loss {val_loss:.4f}, "
            f"val accuracy {100 * val_accuracy:.2f}%"
        )
    test_accuracy, _ = evaluate(model, test_loader, device, mode="test")
    tqdm.write(f"test accuracy {100 * test_accuracy:.2f}%")
    ### END SOLUTION
    return RunResult(model=model, history=history, test_accuracy=test_accuracy)


# ---------------------------------------------------------------------------------------------
# CNN 구현 / A convolutional network
# ---------------------------------------------------------------------------------------------
class ThreeLayerConvNet(nn.Module):
    """CNN: conv 5x5 (pad 2) -> ReLU -> conv 3x3 (pad 1) -> ReLU -> FC.

    - Convolution layer 5x5 필터, 2픽셀의 zero padding 사용 (`in_channel` -> `channel_1`)
    - ReLU 활성화 함수
    - Convolution layer 3x3 필터, 1픽셀의 zero padding 사용 (`channel_1` -> `channel_2`)
    - ReLU 활성화 함수
    - Fully connected layer: 각 클래스별 classification 점수로 매핑할 레이어 (`channel_2*32*32` -> `num_classes`)

    The padding keeps the 32x32 spatial size, so the FC layer sees channel_2*32*32 features.
    Attributes: `conv1`, `conv2`, `relu`, `fc`.
    """

    def __init__(self, in_channel: int, channel_1: int, channel_2: int, num_classes: int) -> None:
        super().__init__()
        # TODO 9: 레이어 정의 (아래 4단계) / Define the layers (the 4 steps below).
        # 1) in_channel -> channel_1로 가는 첫 번째 convolution layer 정의
        #    / Define the first convolution layer, in_channel -> channel_1 (5x5, zero padding 2).
        ### BEGIN SOLUTION
        self.conv1 = nn.Conv2d(in_channel, channel_1, kernel_size=5, padding=2)
        nn.init.kaiming_normal_(self.conv1.weight)
        nn.init.zeros_(self.conv1.bias)
        ### END SOLUTION
        # 2) channel_1 -> channel_2로 가는 두 번째 convolution layer 정의
        #    / Define the second convolution layer, channel_1 -> channel_2 (3x3, zero padding 1).
        ### BEGIN SOLUTION
        self.conv2 = nn.Conv2d(channel_1, channel_2, kernel_size=3, padding=1)
        nn.init.kaiming_normal_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)
        ### END SOLUTION
        # 3) ReLU 활성화 함수 정의 / Define the ReLU activation.
        ### BEGIN SOLUTION
        self.relu = nn.ReLU()
        ### END SOLUTION
        # 4) hidden feature를 클래스별 분류 점수로 바꿀 FC layer 정의
        #    / Define the FC layer that turns the hidden features into class scores (channel_2*32*32 -> num_classes).
        ### BEGIN SOLUTION
        self.fc = nn.Linear(channel_2 * 32 * 32, num_classes)
        nn.init.kaiming_normal_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, in_channel, 32, 32) -> (N, num_classes) 점수 / scores."""
        # TODO 9: forward 연산 정의 / Define the forward pass.
        ### BEGIN SOLUTION
        x = self.relu(self.conv1(x))  # (N, channel_1, 32, 32)
        x = self.relu(self.conv2(x))  # (N, channel_2, 32, 32)
        x = torch.flatten(x, start_dim=1)  # (N, channel_2*32*32)
        scores = self.fc(x)  # (N, num_classes)
        return scores
        ### END SOLUTION
