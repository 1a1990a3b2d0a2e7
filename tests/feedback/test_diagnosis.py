"""Matching a result with the grader's mistaken loops, and the sentence that names the mistake."""
from __future__ import annotations

from autograder.feedback.diagnosis import (EVALUATE_ACCURACY_MISTAKES, EVALUATE_LOSS_MISTAKES, TRAIN_RETURN_MISTAKES,
                                           TRAIN_STEP_MISTAKES, _subject_particle, explain, matching_mistakes)
from autograder.feedback.language import show


def test_a_mistake_that_gives_the_correct_value_is_never_named() -> None:
    candidates = {"mean_of_batch_means": 2.0, "sum_of_batch_means": 12.0, "last_batch_loss": 2.0}
    # equal batches: the mean of batch means is the right answer; it cannot be told from a correct loop
    assert matching_mistakes(2.0, candidates, correct=2.0, rtol=1e-6, atol=0) == []
    assert matching_mistakes(12.0, candidates, correct=2.0, rtol=1e-6, atol=0) == ["sum_of_batch_means"]
    assert matching_mistakes(7.0, candidates, correct=2.0, rtol=1e-6, atol=0) == []  # a mistake we do not know
    assert matching_mistakes(12.0, "not a dict", correct=2.0, rtol=1e-6, atol=0) == []


def test_the_sentence_is_korean_first_names_each_match_and_says_how_to_fix() -> None:
    text = show(explain(["no_zero_grad"], TRAIN_STEP_MISTAKES, subject_ko="train() 뒤의 가중치",
                        subject_en="your weights after train()"))
    assert text.startswith("진단: train() 뒤의 가중치가 정답 코드에서 optimizer.zero_grad()를 빠뜨렸을 때와 정확히 같습니다.")
    korean, english = text.split(" / Diagnosis — ")
    assert "1) 배치마다 맨 먼저 optimizer.zero_grad()를 호출하세요" in korean
    assert english.startswith("your weights after train(): exactly what the reference gives without "
                              "optimizer.zero_grad().")
    two = show(explain(["mean_of_batch_means", "last_batch_loss"], TRAIN_RETURN_MISTAKES, subject_ko="train()의 반환값",
                       subject_en="the number train() returns"))
    assert "배치 수로 나누었을 때 또는 마지막 배치의 loss만 반환했을 때와" in two
    assert two.count("loss.item() * batch_size") == 1  # one fix, said once
    assert explain([], TRAIN_STEP_MISTAKES, subject_ko="x", subject_en="x") is None


def test_the_subject_particle_follows_the_last_syllable() -> None:
    assert _subject_particle("가중치") == "가"
    assert _subject_particle("반환값") == "이"
    assert _subject_particle("loss") == "이(가)"


def test_every_catalog_entry_is_korean_first_with_english() -> None:
    hangul = lambda text: any("가" <= c <= "힣" for c in text)  # noqa: E731
    for catalog in (TRAIN_STEP_MISTAKES, TRAIN_RETURN_MISTAKES, EVALUATE_ACCURACY_MISTAKES, EVALUATE_LOSS_MISTAKES):
        for name, mistake in catalog.items():
            assert hangul(mistake.done_ko) and mistake.done_ko.endswith(("때", "때(처음 가중치 그대로)")), name
            assert hangul(mistake.fix_ko), name
            assert not hangul(mistake.done_en) and not hangul(mistake.fix_en), name
