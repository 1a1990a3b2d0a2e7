"""Name the step of train() or evaluate() that is wrong, by matching the student's result with what the
grader's own mistaken loops give (`autograder.assignments.image_classification.training_mistakes`) from the same model and batches.

A mistake is named only when the student's value matches it and does not also match the correct result
(on some batches two loops agree; then nothing can be told apart). When several mistakes give the same
value (four different slips all leave the weights unchanged), the message names each of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograder.feedback.language import pair
from autograder.grade.compare import compare

# where the train and evaluate probes put what the grader's mistaken loops give (next to the student's values)
TRAIN_MISTAKES = "what each common mistake of train() gives"
EVALUATE_MISTAKES = "what each common mistake of evaluate() gives"


@dataclass(frozen=True)
class Mistake:
    """A common mistake: what was done (Korean, English) and how to fix it (Korean, English)."""

    done_ko: str
    done_en: str
    fix_ko: str
    fix_en: str


_ZERO_GRAD = Mistake("optimizer.zero_grad()를 빠뜨렸을 때", "without optimizer.zero_grad()",
                     "1) 배치마다 맨 먼저 optimizer.zero_grad()를 호출하세요. 그러지 않으면 gradient가 배치마다 누적됩니다",
                     "Step 1: call optimizer.zero_grad() at the start of every batch, or the gradients pile up "
                     "across batches")
TRAIN_STEP_MISTAKES: dict[str, Mistake] = {
    "weights_unchanged": Mistake(
        "가중치를 한 번도 업데이트하지 않았을 때(처음 가중치 그대로)", "with no update at all (the initial weights)",
        "optimizer.step()이 빠졌거나, loss.backward()가 빠졌거나 step()보다 뒤에 있거나, backward()와 step() 사이에 "
        "zero_grad()가 있으면 이렇게 됩니다. 각 배치에서 zero_grad() → forward → loss → loss.backward() → "
        "optimizer.step() 순서를 지키세요",
        "That happens without optimizer.step(), without loss.backward() or with it after step(), or with "
        "zero_grad() between backward() and step(). In every batch: optimizer.zero_grad(), forward, loss, "
        "loss.backward(), optimizer.step() — in this order"),
    "no_zero_grad": _ZERO_GRAD,
    "cross_entropy_on_softmax": Mistake(
        "softmax를 거친 출력에 F.cross_entropy를 적용했을 때", "with F.cross_entropy on softmax outputs",
        "4) F.cross_entropy에는 softmax 전의 점수(scores)를 그대로 넣으세요 (softmax는 그 안에 들어 있습니다)",
        "Step 4: give F.cross_entropy the raw scores; it applies log-softmax itself"),
    "nll_loss_without_log_softmax": Mistake(
        "log_softmax 없이 F.nll_loss를 썼을 때", "with F.nll_loss on raw scores (no log_softmax)",
        "4) cross entropy loss는 F.cross_entropy(scores, labels)입니다", "Step 4: the cross-entropy loss is "
        "F.cross_entropy(scores, labels) (F.nll_loss needs log_softmax first)"),
    "mse_loss": Mistake("cross entropy 대신 MSE loss를 썼을 때", "with an MSE loss instead of cross-entropy",
                        "4) loss는 F.cross_entropy(scores, labels)로 계산하세요",
                        "Step 4: compute the loss with F.cross_entropy(scores, labels)"),
    "mse_loss_on_softmax": Mistake("softmax 출력에 MSE loss를 썼을 때", "with an MSE loss on softmax outputs",
                                   "4) loss는 F.cross_entropy(scores, labels)로 계산하세요",
                                   "Step 4: compute the loss with F.cross_entropy(scores, labels)"),
    "loss_summed_over_the_batch": Mistake(
        "배치의 loss를 평균 대신 합(reduction='sum')으로 계산했을 때", "with the batch's loss summed (reduction='sum')",
        "4) 학습에 쓰는 loss는 배치 평균입니다: F.cross_entropy(scores, labels)", "Step 4: train on the batch's "
        "mean loss, F.cross_entropy(scores, labels) (the default reduction)"),
}

_RETURN_FIX = ("loss.item() * 배치 크기를 더한 뒤 전체 샘플 수로 나누어 float로 반환하세요",
               "add loss.item() * batch_size per batch and return the sum divided by the number of samples")
TRAIN_RETURN_MISTAKES: dict[str, Mistake] = {
    "mean_of_batch_means": Mistake("배치별 평균 loss를 배치 수로 나누었을 때", "the batch means divided by the number of "
                                   "batches (the last, smaller batch weighs as much as a full one)", *_RETURN_FIX),
    "batch_means_over_samples": Mistake("배치별 평균 loss의 합을 샘플 수로 나누었을 때", "the sum of batch means divided by "
                                        "the number of samples", *_RETURN_FIX),
    "sum_of_batch_means": Mistake("배치별 평균 loss를 더하기만 했을 때", "the sum of the batch means, not divided",
                                  *_RETURN_FIX),
    "sum_not_divided": Mistake("샘플별 loss를 더하고 샘플 수로 나누지 않았을 때", "the summed loss, not divided by the "
                               "number of samples", *_RETURN_FIX),
    "last_batch_loss": Mistake("마지막 배치의 loss만 반환했을 때", "the last batch's loss only", *_RETURN_FIX),
}

_ACCURACY_FIX = ("6) accuracy = 맞힌 개수 / 전체 샘플 수 (0과 1 사이의 값)",
                 "Step 6: accuracy = correct answers / number of samples, a number in [0, 1]")
EVALUATE_ACCURACY_MISTAKES: dict[str, Mistake] = {
    "accuracy_over_batches": Mistake("맞힌 개수를 배치 수로 나누었을 때", "the correct answers divided by the number of "
                                     "batches", *_ACCURACY_FIX),
    "mean_of_batch_accuracies": Mistake("배치별 정확도를 평균했을 때", "the mean of the batches' accuracies (the last, "
                                        "smaller batch weighs as much as a full one)", *_ACCURACY_FIX),
    "accuracy_in_percent": Mistake("백분율(%)로 반환했을 때", "a percentage", *_ACCURACY_FIX),
    "number_correct": Mistake("맞힌 개수를 그대로 반환했을 때", "the number of correct answers, not divided",
                              *_ACCURACY_FIX),
    "last_batch_accuracy": Mistake("마지막 배치의 정확도만 반환했을 때", "the last batch's accuracy only", *_ACCURACY_FIX),
}

_LOSS_FIX = ("3) 배치마다 F.cross_entropy(scores, labels, reduction='sum')을 더하고 마지막에 샘플 수로 나누세요",
             "Step 3: add F.cross_entropy(scores, labels, reduction='sum') per batch and divide by the number of "
             "samples at the end")
EVALUATE_LOSS_MISTAKES: dict[str, Mistake] = {
    "loss_mean_of_batch_means": Mistake("배치별 평균 loss를 배치 수로 나누었을 때", "the batch means divided by the number "
                                        "of batches (the last, smaller batch weighs as much as a full one)", *_LOSS_FIX),
    "loss_batch_means_over_samples": Mistake("배치별 평균 loss의 합을 샘플 수로 나누었을 때", "the sum of batch means "
                                             "divided by the number of samples", *_LOSS_FIX),
    "loss_sum_of_batch_means": Mistake("배치별 평균 loss를 더하기만 했을 때", "the sum of batch means, not divided",
                                       *_LOSS_FIX),
    "loss_sum_not_divided": Mistake("loss를 더하고 샘플 수로 나누지 않았을 때", "the summed loss, not divided by the number "
                                    "of samples", *_LOSS_FIX),
    "loss_sums_over_batches": Mistake("loss의 합을 배치 수로 나누었을 때", "the summed loss divided by the number of "
                                      "batches", *_LOSS_FIX),
    "loss_last_batch": Mistake("마지막 배치의 loss만 반환했을 때", "the last batch's loss only", *_LOSS_FIX),
    "loss_on_softmax": Mistake("softmax를 거친 출력으로 loss를 계산했을 때", "the loss of softmax outputs",
                               "3) F.cross_entropy에는 softmax 전의 점수(scores)를 넣으세요",
                               "Step 3: give F.cross_entropy the raw scores"),
    "loss_nll_without_log_softmax": Mistake("log_softmax 없이 F.nll_loss를 썼을 때", "F.nll_loss on raw scores",
                                            "3) loss는 F.cross_entropy(scores, labels, reduction='sum')입니다",
                                            "Step 3: the loss is F.cross_entropy(scores, labels, reduction='sum')"),
}


def matching_mistakes(got: Any, candidates: dict[str, Any], *, correct: Any, rtol: float, atol: float) -> list[str]:
    """The names of the candidates whose value `got` matches, in the candidates' order; none when `got` also
    matches `correct` or when a candidate's value equals the correct one (those cannot be told apart)."""
    if not isinstance(candidates, dict) or compare("value", got, correct, rtol=rtol, atol=atol) is None:
        return []
    return [name for name, value in candidates.items()
            if compare("value", value, correct, rtol=rtol, atol=atol) is not None
            and compare("value", got, value, rtol=rtol, atol=atol) is None]


def explain(names: list[str], catalog: dict[str, Mistake], *, subject_ko: str, subject_en: str) -> str | None:
    """One sentence, Korean first then English, naming the matched mistakes and how to fix them; None
    when nothing matched. subject: what matched, e.g. 'train() 뒤의 가중치' / 'your weights after train()'."""
    mistakes = [catalog[name] for name in names if name in catalog]
    if not mistakes:
        return None
    done_ko = " 또는 ".join(m.done_ko for m in mistakes)
    done_en = ", or ".join(m.done_en for m in mistakes)
    fixes_ko = list(dict.fromkeys(m.fix_ko for m in mistakes))
    fixes_en = list(dict.fromkeys(m.fix_en for m in mistakes))
    return pair(f"진단: {subject_ko}{_subject_particle(subject_ko)} 정답 코드에서 {done_ko}와 정확히 같습니다. "
                f"{'; '.join(fixes_ko)}.",
                f"Diagnosis — {subject_en}: exactly what the reference gives {done_en}. {'; '.join(fixes_en)}.")


def _subject_particle(word: str) -> str:
    """이 after a final consonant, 가 after a vowel (이(가) when the word does not end in Hangul)."""
    last = word.rstrip()[-1:]
    if not ("가" <= last <= "힣"):
        return "이(가)"
    return "이" if (ord(last) - ord("가")) % 28 else "가"
