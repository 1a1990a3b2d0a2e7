"""Checks of the assignment `image_classification` (module `classifier`), in report order."""
from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from autograder.assignments.image_classification import keys
from autograder.grade.checks.common import compare_all, error_verdict, first_differing_key, first_error
from autograder.grade.registry import Verdict
from autograder.grade.registry import check as _check
from autograder.feedback.diagnosis import (EVALUATE_ACCURACY_MISTAKES, EVALUATE_LOSS_MISTAKES, EVALUATE_MISTAKES,
                                           TRAIN_MISTAKES, TRAIN_RETURN_MISTAKES, TRAIN_STEP_MISTAKES, explain,
                                           matching_mistakes)
from autograder.feedback.pictures import LOSS_CURVE, accuracy_pictures
from autograder.feedback.catalog import bilingual
from autograder.feedback.language import pair
from autograder.grade.compare import compare, describe_both
from autograder.probes.accuracy_keys import GRADER_PREDICTIONS, INITIAL_PREDICTIONS, TEST_LABELS
from autograder.run.values import TensorValue

check = partial(_check, assignment="image_classification")

FC_TARGET = 0.40  # CS231n's one-epoch targets on the test set
CONV_TARGET = 0.45
REFERENCE_MARGIN = 0.05  # the student's accuracy may trail the reference's by at most this much
MAX_INITIAL_ACCURACY = 0.25  # before training: chance is 10%; randomly initialized models stay near it
MIN_LEARNING_GAIN = 0.15  # what one epoch must add at least (the reference: about 10% -> 46-49%)
REVIEW_MARGIN = 0.10  # beyond the reference by more than this, one epoch cannot explain it: held for review
MIN_AGREEMENT = 0.98  # the student's forward and the grader's, on the same trained weights (float rounding
# flips a few argmaxes between different but correct ways of writing the same model)


@check("transform", title="TODO 1 build_transform: " + pair("픽셀값 0..255 -> [-1, 1]", "pixels 0..255 -> [-1, 1]"))
def transform(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    got = student.get(keys.BUILD_TRANSFORM_IMAGE)
    if isinstance(got, TensorValue) and got.array.size and got.array.min() >= 0.0 and got.array.max() <= 1.0:
        return Verdict.failed(bilingual("'build_transform()(image)' has values in [0, 1], expected [-1, 1]: after "
                                        "ToTensor(), add Normalize(mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))."))
    return compare_all(student, reference, rtol=1e-5, atol=1e-5, hints={
        keys.BUILD_TRANSFORM_IMAGE: bilingual("Compose ToTensor() (HWC uint8 -> CHW float in [0, 1]) and Normalize(0.5, 0.5)."),
    })


unnormalize = check("unnormalize", title="TODO 2 unnormalize: " + pair("[0, 1]로 복원", "back to [0, 1]"), hints={
    keys.UNNORMALIZE_X: bilingual("Invert Normalize: x * 0.5 + 0.5, then clamp to [0, 1]."),
    keys.X_AFTER_UNNORMALIZE_X_MUST_BE_UNCHANGED: bilingual("Do not change the input in place (no mul_/add_/clamp_ on it)."),
})()


_VISUALIZE_HINTS = {
    keys.PIXEL_VALUES_SHOWN: bilingual("Show unnormalize(images): values back in [0, 1], each as (H, W, C) (permute(1, 2, 0))."),
    keys.SUBPLOT_TITLES: bilingual("Title each subplot with class_names[label]."),
    keys.SUBPLOT_TITLES_WITH_OTHER_CLASS_NAMES: bilingual("Title each subplot with class_names[label]."),
    keys.NUMBER_OF_SUBPLOTS_SHOWING_AN_IMAGE: bilingual("Draw each image on its own subplot (plt.subplots)."),
    keys.SUBPLOT_GRID: pair("한 줄에 ncols개씩 그리세요(이미지가 더 적으면 그 수만큼): 이미지 6개에 ncols=4면 2줄 4칸입니다",
                            "Draw ncols images per row (fewer when there are fewer images): 6 images with ncols=4 make "
                            "2 rows of 4 columns"),
    keys.AXES_IN_THE_FIGURE: pair("그림이 없는 빈 칸의 axes는 fig.delaxes(ax)로 지우세요(ax.axis('off')는 숨기기만 합니다): "
                                  "Figure에는 이미지마다 axes가 하나씩만 있어야 합니다",
                                  "Remove the axes of the empty cells with fig.delaxes(ax) (ax.axis('off') only hides "
                                  "them): the Figure holds one axes per image"),
    keys.SUBPLOTS_SHOWING_ONE_IMAGE: pair("이미지가 하나여도 그려야 합니다: plt.subplots(..., squeeze=False)로 axes를 항상 "
                                          "2차원 배열로 받으세요(Axes 하나에는 .flatten()이 없습니다)",
                                          "A single image must be drawn too: plt.subplots(..., squeeze=False) always "
                                          "gives a 2-D array of axes (a lone Axes object has no .flatten())"),
    keys.SUBPLOTS_SHOWING_GPU_IMAGES: pair("이미지를 그리기 전에 그래프에서 떼어 CPU로 옮기세요: images.detach().cpu()",
                                           "Detach the images and move them to the CPU before drawing (they may be "
                                           "on a GPU and require grad): images.detach().cpu()"),
}
PIXEL_STEP = 1 / 255  # uint8 pixels (0..255) show the same picture as floats in [0, 1] to within one step


@check("visualize", title="TODO 3 visualize: " + pair("이미지와 클래스 이름을 그린 figure",
                                                   "a figure of images with class names"))
def visualize(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    uint8 = student.get(keys.PIXELS_SHOWN_AS_UINT8) is True
    return compare_all(student, reference, atol=PIXEL_STEP + 1e-6 if uint8 else 1e-4, hints=_VISUALIZE_HINTS)


fc_layers = check("fc_layers", title="TODO 4 TwoLayerFC: " + pair("레이어 (fc1, fc2)", "layers (fc1, fc2)"), hints={
    keys.LINEAR_LAYERS: bilingual("TwoLayerFC(input_size, hidden_size, num_classes) needs fc1: input_size -> hidden_size and "
                     "fc2: hidden_size -> num_classes."),
})()


@check("fc_forward", title="TODO 4 TwoLayerFC: " + pair(
                               "forward 연산 (flatten, fc1, ReLU, fc2)", "forward pass (flatten, fc1, ReLU, fc2)"))
def fc_forward(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return compare_all(student, reference, rtol=1e-4, atol=1e-5, hints={
        "TwoLayerFC(128, 37, 7)(x) for x of shape (4, 2, 8, 8)":
            bilingual("With the same weights the scores differ: is the ReLU between fc1 and fc2, and is x flattened to "
            "(N, C*H*W)?"),
    })


_GRADIENT_HINT = pair("forward()가 계산 그래프를 끊지 않아야 합니다", "forward() must keep the autograd graph: no "
                      ".detach(), .data, .numpy() or torch.no_grad() inside it, and every layer used.")




def _gradient_verdict(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    problems = student.get(keys.NO_GRADIENT)
    if isinstance(problems, list) and problems:
        shown = ", ".join(str(p) for p in problems[:6]) + (" …" if len(problems) > 6 else "")
        return Verdict.failed(f"{pair('gradient가 닿지 않는 파라미터', 'parameters the gradient does not reach')}: {shown}. "
                              f"{_GRADIENT_HINT}")
    return compare_all(student, reference, hints={keys.NO_GRADIENT: _GRADIENT_HINT, keys.BACKWARD_PASS: _GRADIENT_HINT})


@check("fc_gradient_flow", title="TODO 4 TwoLayerFC: " + pair(
                                     "모든 파라미터에 gradient가 전달됨", "gradients reach every parameter"))
def fc_gradient_flow(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return _gradient_verdict(student, reference)


count_parameters = check("count_parameters", title="TODO 5 count_parameters", hints={
    keys.COUNT_PARAMETERS_WITH_THE_LAST_BIAS_FROZEN: bilingual("Count only parameters with requires_grad."),
    keys.COUNT_PARAMETERS_LINEAR_7_5_RELU_LINEAR_5_3: bilingual("Sum p.numel() over model.parameters()."),
    keys.COUNT_PARAMETERS_RETURN_TYPE: pair("개수는 파이썬 int로 돌려주세요: p.numel()의 합은 int입니다(텐서로 셌다면 .item())",
                                            "Return the count as a Python int, as the docstring's `-> int` says: a "
                                            "sum of p.numel() is one (a tensor needs .item())"),
})()


_PARAMETERS = "parameters after train()"
_RETURNED = "train() returns the mean loss per sample"


@check("train_updates", title="TODO 6 train: " + pair(
                                  "7단계가 정답 코드처럼 가중치를 업데이트함", "the 7 steps update the weights like the reference"), probe="train")
def train_updates(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    wanted = {k: reference[k] for k in (keys.FORWARD_PASSES_ONE_PER_BATCH, _PARAMETERS, _RETURNED,
                                        keys.FORWARD_PASSES_ON_A_LONG_LOADER, keys.PARAMETERS_AFTER_TRAIN_OF_A_CONV_NET,
                                        keys.TRAIN_WITH_PRINT_EVERY_0)
              if k in reference}
    student = {k: v for k, v in student.items() if k != keys.MODEL_IN_TRAINING_MODE_DURING_TRAIN}
    verdict = compare_all(student, wanted, rtol=1e-4, atol=1e-6, hints={
        _PARAMETERS: bilingual("From the same weights and batches the result differs. In each step: "
                     "optimizer.zero_grad(), forward, F.cross_entropy(scores, labels), loss.backward(), "
                     "optimizer.step() — in this order."),
        keys.FORWARD_PASSES_ONE_PER_BATCH: bilingual("Call the model once per batch of the loader."),
        keys.FORWARD_PASSES_ON_A_LONG_LOADER: pair(
            "로더의 배치를 마지막 배치까지 모두 처리하세요(디버깅용 break는 지우세요). 배치 크기가 1이어도 scores의 모양은 "
            "(N, num_classes)입니다(.squeeze() 쓰지 않기)",
            "Go through every batch of the loader, to the last one (remove any break left from debugging); for a "
            "batch of 1 the scores still have shape (N, num_classes) (no .squeeze())"),
        keys.PARAMETERS_AFTER_TRAIN_OF_A_CONV_NET: pair(
            "이미지 배치를 그대로 model(images)에 넣으세요: 펼치기(flatten)는 모델이 합니다",
            "Give the batch to model(images) as it is, (N, 3, 32, 32): flattening is the model's job"),
        _RETURNED: bilingual("Return the epoch's mean loss per sample as a Python float "
                   "(add loss.item() * batch_size, divide by the number of samples)."),
        keys.TRAIN_WITH_PRINT_EVERY_0: pair(
            "print_every=0이면 로그를 출력하지 않습니다: `if print_every > 0 and step % print_every == 0:`처럼 0인지 먼저 "
            "확인하세요(0으로 나머지를 구하면 ZeroDivisionError)",
            "print_every=0 means never log: test print_every > 0 before step % print_every, as in `if print_every > 0 "
            "and step % print_every == 0:` (a remainder by zero raises ZeroDivisionError)"),
    })
    mistakes = reference.get(TRAIN_MISTAKES) or {}
    verdict = _with_diagnosis(verdict, student, wanted, mistakes.get("parameters"), key=_PARAMETERS,
                              catalog=TRAIN_STEP_MISTAKES, subject_ko="train() 뒤의 가중치",
                              subject_en="your weights after train()", rtol=1e-4, atol=1e-6)
    return _with_diagnosis(verdict, student, wanted, mistakes.get("returned"), key=_RETURNED,
                           catalog=TRAIN_RETURN_MISTAKES, subject_ko="train()의 반환값",
                           subject_en="the number train() returns", rtol=1e-4, atol=1e-6)


@check("train_mode", title="TODO 6 train: " + pair("모델이 학습(train) 모드", "the model is in training mode"), probe="train")
def train_mode(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    key = "model in training mode during train()"
    error = first_error(student)
    if error is not None and key not in student:  # it raised before the first forward pass
        return error_verdict("train(...)", error)
    return compare_all({key: student.get(key)}, {key: reference[key]}, hints={key: bilingual("Call model.train() before the loop.")})


train_device = check("train_device", title="TODO 6 train: " + pair("배치를 `device`로 옮김", "batches moved to `device`"), hints={
    keys.IMAGES_MOVED_TO_DEVICE: bilingual("Step 2: images = images.to(device)."),
    keys.LABELS_MOVED_TO_DEVICE: bilingual("Step 2: labels = labels.to(device)."),
})()


_EVEN_BATCHES = keys.LOSS_BATCHES  # the calls of evaluate() that the loss check is graded on


def _subset(values: dict[str, Any], prefixes: tuple[str, ...], *, even_batches: bool) -> dict[str, Any]:
    return {k: v for k, v in values.items()
            if k.startswith(prefixes) and (k.startswith(("accuracy", "loss")) or k.endswith(_EVEN_BATCHES) == even_batches)}


@check("evaluate_mode", title="TODO 7 evaluate: " + pair(
                                  "eval 모드, autograd 그래프 없음", "eval mode, no autograd graph"), probe="evaluate")
def evaluate_mode(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    keys = ("model.training during evaluate()", "autograd enabled during evaluate()")
    error = first_error(student)
    if student.get(keys[0]) is None and error is not None:
        return error_verdict("evaluate(...)", error)
    return compare_all({k: student.get(k) for k in keys}, {k: reference[k] for k in keys}, hints={
        keys[0]: bilingual("Call model.eval() before evaluating."),
        keys[1]: bilingual("Evaluate inside `with torch.no_grad():` (or decorate with @torch.no_grad())."),
    })


_ACCURACY_KEY = "accuracy from evaluate(..., mode='test')"
_VAL_ACCURACY_KEY = "accuracy from evaluate(..., mode='val')"
_LOSS_KEY = "loss from evaluate(..., mode='val')"
_ACCURACY_FLOAT_HINT = pair("정확도는 파이썬 float로 돌려주세요: 맞힌 개수를 텐서로 더했다면 .item()이나 float()로 바꾸세요",
                            "Return the accuracy as a Python float, as the docstring's tuple[float, float | None] "
                            "says: count the correct answers with .item() (or return float(accuracy))")
_LOSS_FLOAT_HINT = pair("'val' 모드의 loss는 파이썬 float로 돌려주세요: 배치의 loss를 더할 때 .item()을 쓰세요",
                        "Return the 'val' loss as a Python float, as the docstring's tuple[float, float | None] says: "
                        "add each batch's loss with .item() (or return float(mean_loss))")


def _float_hint(student: dict[str, Any], key: str, hint: str) -> str | None:
    """`hint` when the student's value at `key` is a tensor where a Python float is promised, else None."""
    return hint if student.get(key) == keys.TENSOR_NOT_A_FLOAT else None


def _with_diagnosis(verdict: Verdict, student: dict[str, Any], reference: dict[str, Any], mistakes: Any, *,
                    key: str, catalog: dict[str, Any], subject_ko: str, subject_en: str, rtol: float,
                    atol: float) -> Verdict:
    """`verdict`, or, when the first difference is `key`'s value and it is one of the grader's mistaken loops'
    values (`mistakes`), a verdict that names that mistake first and then says how the value differs."""
    if verdict.fraction >= 1 or first_differing_key(student, reference, rtol=rtol, atol=atol) != key:
        return verdict
    names = matching_mistakes(student.get(key), mistakes, correct=reference[key], rtol=rtol, atol=atol)
    text = explain(names, catalog, subject_ko=subject_ko, subject_en=subject_en)
    if not text:
        return verdict
    return Verdict.failed(f"{text} ({compare(key, student.get(key), reference[key], rtol=rtol, atol=atol)})")


@check("evaluate_accuracy", title="TODO 7 evaluate: " + pair("top-1 정확도", "top-1 accuracy"), probe="evaluate")
def evaluate_accuracy(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    prefixes = ("accuracy", "evaluate(")
    student_part = _subset(student, prefixes, even_batches=False)
    reference_part = _subset(reference, prefixes, even_batches=False)
    verdict = compare_all(student_part, reference_part, rtol=1e-6, atol=1e-9, hints={
        _ACCURACY_KEY: _float_hint(student_part, _ACCURACY_KEY, _ACCURACY_FLOAT_HINT) or bilingual(
            "Top-1 is scores.argmax(dim=1); accuracy is the number of correct answers divided by the number of "
            "samples (not of batches)."),
        _VAL_ACCURACY_KEY: _float_hint(student_part, _VAL_ACCURACY_KEY, _ACCURACY_FLOAT_HINT),
        keys.evaluate_call("test"): bilingual("scores has shape (N, num_classes): the top-1 class is scores.argmax(dim=1), "
                                      "of shape (N,) like labels."),
    })
    return _with_diagnosis(verdict, student_part, reference_part, (reference.get(EVALUATE_MISTAKES) or {}).get("accuracy"),
                           key=_ACCURACY_KEY, catalog=EVALUATE_ACCURACY_MISTAKES,
                           subject_ko="evaluate()가 반환한 정확도", subject_en="your accuracy", rtol=1e-6, atol=1e-9)


@check("evaluate_loss", title="TODO 7 evaluate: " + pair("'val' 모드의 loss", "the loss in 'val' mode"), probe="evaluate")
def evaluate_loss(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    prefixes = ("loss", "evaluate(")
    student_part = _subset(student, prefixes, even_batches=True)
    reference_part = _subset(reference, prefixes, even_batches=True)
    verdict = compare_all(student_part, reference_part, rtol=1e-5, atol=1e-6, hints={
        _LOSS_KEY: _float_hint(student_part, _LOSS_KEY, _LOSS_FLOAT_HINT) or bilingual(
            "In 'val' mode, add F.cross_entropy(scores, labels, reduction='sum') per batch and divide by the number "
            "of samples."),
        "loss from evaluate(..., mode='test')": bilingual("In 'test' mode the loss is None."),
    })
    return _with_diagnosis(verdict, student_part, reference_part, (reference.get(EVALUATE_MISTAKES) or {}).get("loss"),
                           key=_LOSS_KEY, catalog=EVALUATE_LOSS_MISTAKES, subject_ko="evaluate()가 반환한 loss 값",
                           subject_en="your 'val' loss", rtol=1e-5, atol=1e-6)


evaluate_device = check("evaluate_device", title="TODO 7 evaluate: " + pair("배치를 `device`로 옮김", "batches moved to `device`"),
                        hints={keys.IMAGES_MOVED_TO_DEVICE: bilingual("Step 1: images = images.to(device)."),
                               keys.LABELS_MOVED_TO_DEVICE: pair(
                                   "1) labels도 device로 옮기세요", "Step 1: labels = labels.to(device) "
                                   "(preds == labels fails on a GPU otherwise).")})()


def _run_items(values: dict[str, Any], *, device: bool) -> dict[str, Any]:
    return {k: v for k, v in values.items() if (keys.MODEL_DEVICE_DURING_TRAIN in k) == device}


_RUNS = ("run(model='conv', epochs=2)", "run(model='fc', epochs=1)")  # the run() probe's two calls, as keyed


@check("run_pipeline", title="TODO 8 run: " + pair(
                                 "transform, 데이터로더, 모델, SGD, 학습 후 평가", "transform, loaders, model, SGD, train then evaluate"), probe="run")
def run_pipeline(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return compare_all(_run_items(student, device=False), _run_items(reference, device=False), hints={
        "run(model='conv', epochs=2): calls in order": bilingual("Each epoch: train() then evaluate(mode='val'); after the epochs "
                                                       "evaluate(mode='test') once."),
        "run(model='conv', epochs=2): optimizer": bilingual("Step 6 uses optim.SGD."),
        "run(model='conv', epochs=2): learning rate": bilingual("Pass lr=config.learning_rate to SGD."),
        "run(model='conv', epochs=2): momentum": bilingual("Pass momentum=config.momentum to SGD."),
        "run(model='conv', epochs=2): model": bilingual("config.model 'conv' means ThreeLayerConvNet."),
        "run(model='fc', epochs=1): model": bilingual("config.model 'fc' means TwoLayerFC."),
        "run(model='fc', epochs=1): model built with": pair("4) config의 크기로 모델을 만드세요",
                                                            "Step 4: TwoLayerFC(3 * 32 * 32, config.hidden_size, 10)."),
        "run(model='conv', epochs=2): model built with": pair(
            "4) config의 크기로 모델을 만드세요", "Step 4: ThreeLayerConvNet(3, config.channel_1, config.channel_2, 10)."),
        keys.RUN_SEED_5_TWICE_THE_SAME_INITIAL_WEIGHTS: _SEED_HINT,
        keys.RUN_SEED_5_AND_RUN_SEED_6_DIFFERENT_INITIAL_WEIGHTS: _SEED_HINT,
        **{f"{run}: history": pair("history에는 epoch마다 train()의 loss와 evaluate(mode='val')의 (accuracy, loss)를 "
                                   "'train_loss', 'val_loss', 'val_accuracy'로 넣으세요",
                                   "history holds, per epoch, train()'s loss and evaluate(mode='val')'s (accuracy, "
                                   "loss) as 'train_loss', 'val_loss' and 'val_accuracy'")
           for run in _RUNS},
        **{f"{run}: {keys.HISTORY_EPOCHS}": pair("history의 각 항목에는 'epoch' 키로 epoch 번호(1, 2, … 또는 0, 1, …)도 "
                                                 "넣으세요", "each history entry also holds its epoch number as "
                                                 "'epoch' (1, 2, … or 0, 1, …), as run()'s docstring says")
           for run in _RUNS},
        **{f"{run}: get_loaders options": pair("3) get_loaders에 config의 batch_size, data_dir, limit을 넘기세요",
                                               "Step 3: pass config's batch_size, data_dir and limit to get_loaders")
           for run in _RUNS},
        **{f"{run}: {keys.RUN_GET_LOADERS_SEED}": pair(
            "3) get_loaders에 seed=config.seed도 넘기세요: 학습 데이터를 섞는 순서가 config의 seed를 따릅니다",
            "Step 3: also pass seed=config.seed to get_loaders: the order the training data is shuffled in follows "
            "config's seed") for run in _RUNS},
        **{f"{run}: {keys.RUN_TRAIN_PRINT_EVERY}": pair(
            "7) train()에 print_every=config.print_every를 넘기세요", "Step 7: pass print_every=config.print_every to "
            "train(), so config decides how often the loss is logged") for run in _RUNS},
        **{f"{run}: other SGD options": pair("6) SGD에는 config가 정한 lr과 momentum만 넘기세요(weight_decay 등은 없이)",
                                             "Step 6: give SGD only config's lr and momentum (no weight_decay or "
                                             "other options)")
           for run in _RUNS},
    })


_SEED_HINT = pair("1) 모델을 만들기 전에 torch.manual_seed(config.seed)를 호출하세요", "Step 1: call "
                  "torch.manual_seed(config.seed) before the model is built, so the same seed gives the same run.")


@check("run_device", title="TODO 8 run: " + pair(
                               "모델을 디바이스에 올림 (5단계)", "the model moved to the device (step 5)"), probe="run")
def run_device(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    error = first_error(student)
    items = _run_items(student, device=True)
    if error is not None and not any(k.startswith("run(model=") for k in items):
        return error_verdict("run(config)", error)
    return compare_all(items, _run_items(reference, device=True), hints={
        "run(model='conv', epochs=2): model device during train()": bilingual("Step 5: model = model.to(device)."),
        "run(model='fc', epochs=1): model device during train()": bilingual("Step 5: model = model.to(device)."),
        keys.RUN_DEVICE_NONE_MODEL_DEVICE_DURING_TRAIN: pair(
            "1) config.device가 None이면 cuda가 있을 때 cuda, 없으면 cpu를 쓰세요",
            "Step 1: when config.device is None, use torch.device('cuda' if torch.cuda.is_available() else 'cpu')."),
    })


conv_layers = check("conv_layers", title="TODO 9 ThreeLayerConvNet: layers (5x5 pad 2, 3x3 pad 1, FC)", hints={
    keys.CONVOLUTION_LAYERS: bilingual("conv1: in_channel -> channel_1, 5x5, padding 2; conv2: channel_1 -> channel_2, 3x3, padding 1."),
    keys.LINEAR_LAYERS: bilingual("The FC layer maps channel_2 * 32 * 32 features to num_classes."),
})()


conv_forward = check("conv_forward", title="TODO 9 ThreeLayerConvNet: " + pair("forward 연산", "forward pass"),
                     rtol=1e-4, atol=1e-5, hints={
    "ThreeLayerConvNet(4, 7, 5, 6)(x) for x of shape (3, 4, 32, 32)":
        bilingual("With the same weights the scores differ: conv1 -> ReLU -> conv2 -> ReLU -> flatten -> fc."),
})()


@check("conv_gradient_flow", title="TODO 9 ThreeLayerConvNet: " + pair(
                                       "모든 파라미터에 gradient가 전달됨", "gradients reach every parameter"))
def conv_gradient_flow(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return _gradient_verdict(student, reference)


def _accuracy(student: dict[str, Any], reference: dict[str, Any], labels: np.ndarray, *, model: str,
              target: float) -> Verdict:
    error = first_error(student)
    if error is not None:
        return error_verdict(f"training {model}", error)
    todo = "4" if model == "TwoLayerFC" else "9"  # the TODO that builds the model
    got, expected = student.get("predictions"), reference.get("predictions")
    if not isinstance(got, TensorValue) or got.shape != (len(labels),):
        return Verdict.failed(bilingual("'{model} predictions' could not be made: got {got}", model=model,
                                        got=describe_both(got)))
    graded = student.get(GRADER_PREDICTIONS)
    if isinstance(graded, dict) and "grader failure" in graded:
        return Verdict(0.0, f"{graded['grader failure']}; {pair('학생의 잘못이 아닙니다', 'this is not your fault')}",
                       status="grader-error")
    if not isinstance(graded, TensorValue):
        return Verdict.failed(f"{model}: {graded}. " + pair(f"TODO {todo}의 층을 먼저 고치세요.",
                                                            f"The model trained by train() must keep the layers of "
                                                            f"TODO {todo} (fix that check first)."))
    reference_accuracy = float(np.mean(expected.array == labels))
    accuracy = float(np.mean(graded.array == labels))  # the trained weights in the grader's own model
    agreement = float(np.mean(got.array == graded.array))
    data = {"accuracy": round(accuracy, 4), "reference_accuracy": round(reference_accuracy, 4),
            "agreement": round(agreement, 4)}
    pictures = accuracy_pictures(predictions=graded.array, labels=labels, curve=student.get(LOSS_CURVE),
                                 reference_curve=reference.get(LOSS_CURVE))
    summary_ko = (f"한 epoch 학습한 {model}의 테스트 정확도 {100 * accuracy:.2f}% (목표 {100 * target:.0f}% 초과, "
                  f"정답 코드 {100 * reference_accuracy:.2f}%)")
    summary_en = (f"{model} trained for one epoch: test accuracy {100 * accuracy:.2f}% "
                  f"(target above {100 * target:.0f}%, reference {100 * reference_accuracy:.2f}%)")
    summary = pair(summary_ko, summary_en)
    if agreement < MIN_AGREEMENT:
        return Verdict(0.0, pair(f"{model}의 forward()가 자기 층으로 점수를 계산하지 않습니다",
                                 f"{model}'s forward() does not give the predictions of its own trained weights: only "
                                 f"{100 * agreement:.1f}% agree with the same weights in the reference model. forward() "
                                 "must compute the scores from the model's layers only."), data=data, pictures=pictures)
    learn_ko = (f"모델이 충분히 배우지 못했습니다. TODO {todo}의 층 가중치가 Kaiming 초기화(nn.init.kaiming_normal_)로 "
                "시작하는지(0, 상수, 표준정규분포 N(0, 1)로 채우지 마세요), forward()가 모든 층을 지나는지 확인하세요")
    learn_en = (f"the model did not learn enough: check that TODO {todo}'s layer weights start from Kaiming "
                "initialization (nn.init.kaiming_normal_; not zeros, a constant or N(0, 1)) and that forward() uses "
                "every layer")
    if accuracy <= target:
        return Verdict(0.0, pair(f"{summary_ko}: 목표에 못 미칩니다. {learn_ko}.", f"{summary_en}: below the target; {learn_en}."),
                       data=data, pictures=pictures)
    if accuracy < reference_accuracy - REFERENCE_MARGIN:
        return Verdict(0.0, pair(f"{summary_ko}: 정답 코드보다 {100 * REFERENCE_MARGIN:.0f}%p 넘게 낮습니다. {learn_ko}.",
                                 f"{summary_en}: more than {100 * REFERENCE_MARGIN:.0f} points below the reference; "
                                 f"{learn_en}."), data=data, pictures=pictures)
    learned = learning_problem(student.get(INITIAL_PREDICTIONS), labels, accuracy=accuracy)
    if learned is not None:
        ko, en, initial = learned
        if initial is not None:
            data["initial_accuracy"] = round(initial, 4)
        return Verdict(0.0, pair(f"{summary_ko}: {ko}. 강사가 확인할 때까지 점수를 보류합니다",
                                 f"{summary_en}: {en}; held for the instructor's review"), status="review", data=data,
                       pictures=pictures)
    if accuracy > reference_accuracy + REVIEW_MARGIN:
        return Verdict(0.0, pair(f"{summary_ko}: 한 epoch로는 나올 수 없는 정확도라서 강사가 확인할 때까지 점수를 보류합니다",
                                 f"{summary_en}: more than {100 * REVIEW_MARGIN:.0f} points above what one epoch of the "
                                 "reference reaches, held for the instructor's review (did train() train longer than "
                                 "one pass over the loader, or load weights?)"), status="review", data=data,
                       pictures=pictures)
    return Verdict(1.0, summary, data=data, pictures=pictures)


def learning_problem(initial: Any, labels: np.ndarray, *, accuracy: float) -> tuple[str, str, float | None] | None:
    """Why the epoch did not show learning (Korean, English, the accuracy before training), or None when it did:
    the same model's weights before training, in the grader's own model, must score near chance, and the
    epoch must raise the accuracy by at least MIN_LEARNING_GAIN."""
    if not isinstance(initial, TensorValue) or initial.shape != labels.shape:
        return ("학습 전 모델의 정확도를 잴 수 없었습니다 (학습 전 파라미터가 정답 모델의 층과 맞지 않음)",
                "the model could not be measured before training (its parameters before training do not fit the "
                "reference model's layers)", None)
    before = float(np.mean(initial.array == labels))
    if before > MAX_INITIAL_ACCURACY:
        return (f"학습 전부터 정확도가 {100 * before:.2f}%입니다 (무작위 초기화라면 약 10%). 미리 학습한 가중치를 "
                "불러오지 말고 __init__에서 층을 초기화하세요",
                f"before training it already reaches {100 * before:.2f}% (randomly initialized, about 10%): do not "
                "load trained weights, initialize the layers in __init__", before)
    if accuracy - before < MIN_LEARNING_GAIN:
        return (f"한 epoch 동안 정확도가 {100 * before:.2f}%에서 거의 오르지 않았습니다. 학습이 파라미터를 바꾸는지 "
                "확인하세요", f"one epoch barely raised it from {100 * before:.2f}% before training: check that "
                "training changes the model's parameters", before)
    return None


@check("fc_accuracy", title=pair("CIFAR-10 최소 정확도: TwoLayerFC, 1 epoch (> 40%)",
                                "Minimum CIFAR-10 accuracy: TwoLayerFC, one epoch (> 40%)"), timeout="train", needs_data=True)
def fc_accuracy(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return _accuracy(student, reference, reference[TEST_LABELS], model="TwoLayerFC", target=FC_TARGET)


@check("conv_accuracy", title=pair("CIFAR-10 최소 정확도: ThreeLayerConvNet, 1 epoch (> 45%)",
                                  "Minimum CIFAR-10 accuracy: ThreeLayerConvNet, one epoch (> 45%)"), timeout="train",
       needs_data=True)
def conv_accuracy(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return _accuracy(student, reference, reference[TEST_LABELS], model="ThreeLayerConvNet", target=CONV_TARGET)
