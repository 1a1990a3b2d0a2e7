"""The HTML report: every check with its message, and for the accuracy checks the pictures a student learns
most from: the training loss curve beside the reference's, the confusion matrix with each class's accuracy,
and one misclassified test image per class with its true and predicted class.

One self-contained file (pictures as PNG data, the Korean font's used glyphs embedded), readable offline
and on any machine; Korean first, English beside it.
"""
from __future__ import annotations

import base64
import html
import io
import math
import re
from pathlib import Path
from typing import Any, Callable

import numpy as np

from autograder.feedback.inert import inert
from autograder.feedback.language import DEFAULT_LANGUAGE, check_language, pair, show
from autograder.feedback.fonts import FONT_FAMILY, font_face_css, korean_pictures
from autograder.feedback.pictures import CLASS_NAMES, LOSS_CURVE_BATCHES, decode_image, per_class_accuracy

STATUS_LABELS = {  # status -> (badge text in Korean, in English, css class)
    "passed": ("통과", "PASS", "pass"), "partial": ("부분", "PART", "part"), "failed": ("실패", "FAIL", "fail"),
    "review": ("보류", "HOLD", "hold"), "grader-error": ("채점기 오류", "ERROR", "error"), "skipped": ("건너뜀", "SKIP", "hold"),
}


def status_label(status: str, language: str) -> tuple[str, str]:
    """(badge text, css class) of a check's status in `language` ('통과 PASS' in both languages)."""
    ko, en, css = STATUS_LABELS.get(status, (status, status, "error"))
    return {"ko": ko, "en": en}.get(language, f"{ko} {en}"), css

_STYLE = """
body { font-family: '%(family)s', 'Noto Sans KR', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif;
       margin: 2em auto; max-width: 60em; padding: 0 1em; color: #1d1d1f; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
.total { font-size: 1.2em; font-weight: 700; }
table { border-collapse: collapse; width: 100%%; }
td { padding: 0.3em 0.5em; border-bottom: 1px solid #eee; vertical-align: top; }
td.score { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; min-width: 6.5em; text-align: center; border-radius: 0.3em; padding: 0 0.4em;
         font-size: 0.85em; font-weight: 700; color: white; white-space: nowrap; }
.pass { background: #2e7d32; } .part { background: #ef6c00; } .fail { background: #c62828; }
.hold { background: #6a1b9a; } .error { background: #455a64; }
pre.message { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f8; padding: 0.5em 0.7em;
              margin: 0.3em 0 0.2em; border-radius: 0.3em; font-family: inherit; font-size: 0.92em; }
figure { margin: 0.8em 0; } figure img { max-width: 100%%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #555; }
.notes { font-size: 0.9em; color: #555; }
"""


def render_html(report: Any, *, language: str = DEFAULT_LANGUAGE) -> str:
    """The whole page for `report` (a GradeReport) in `language`: a self-contained HTML document."""
    check_language(language)

    def say(ko: str, en: str) -> str:
        return _text(show(pair(ko, en), language))

    heading = {"ko": "채점 결과", "en": "Grading report"}.get(language, "채점 결과 <small>Grading report</small>")
    parts = [f"<h1>{heading}</h1>",
             f"<p>{say('제출물', 'submission')}: <code>{_text(inert(report.submission, max_chars=500))}</code></p>"]
    if report.refusal:
        parts.append(f"<h2>{say('채점하지 못했습니다', 'Not graded')}</h2>"
                     f"<pre class='message'>{_text(show(report.refusal, language))}</pre>")
    for assignment in dict.fromkeys(r.assignment for r in report.results):
        rows = [r for r in report.results if r.assignment == assignment]
        got, total = sum(r.score for r in rows), sum(r.points for r in rows)
        parts.append(f"<h2>{_text(assignment)} <span class='total'>{_num(got)} / {_num(total)}</span></h2>")
        parts.append("<table>")
        for row in rows:
            label, css = status_label(row.status, language)
            message = f"<pre class='message'>{_text(show(row.message, language))}</pre>" if row.message else ""
            parts.append(f"<tr><td><span class='badge {css}'>{_text(label)}</span></td>"
                         f"<td>{_text(show(row.title, language))}{message}</td>"
                         f"<td class='score'>{_num(row.score)} / {_num(row.points)}</td></tr>")
        parts.append("</table>")
        for row in rows:
            if row.pictures:
                parts.append(_pictures_section(row, language))
    parts.append(f"<h2>{say('합계', 'Total')} <span class='total'>{_num(report.score)} / {_num(report.max_score)}</span></h2>")
    if report.notes:
        parts.append("<div class='notes'>" + "".join(f"<p>{_text(show(note, language))}</p>" for note in report.notes)
                     + "</div>")
    body = "\n".join(parts)
    visible = html.unescape(re.sub(r"<[^>]+>", " ", body))  # the characters the page shows: the font subset
    style = font_face_css(visible + "0123456789%/.,:;()[]-+ ") + _STYLE % {"family": FONT_FAMILY}
    return (f"<!DOCTYPE html>\n<html lang='{'en' if language == 'en' else 'ko'}'>\n<head>\n<meta charset='utf-8'>\n"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
            f"<title>{say('채점 결과', 'Grading report')}</title>\n<style>{style}</style>\n</head>\n<body>\n{body}\n"
            "</body>\n</html>\n")


def write_html(report: Any, path: Path, *, language: str = DEFAULT_LANGUAGE) -> None:
    """Write `render_html(report, language=language)` to `path` atomically (folders made as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(render_html(report, language=language), encoding="utf-8", errors="backslashreplace")
    temporary.replace(path)


def picture_pngs(pictures: dict[str, Any], *, language: str = DEFAULT_LANGUAGE) -> list[tuple[str, bytes]]:
    """The drawn pictures of one accuracy check, as (caption, PNG bytes): the loss curves, the confusion matrix
    and the misclassified images, each when its data is there (the HTML report and nbgrader's feedback); their
    captions and labels in `language`."""
    drawings: list[tuple[Callable[[], bytes | None], str]] = [
        (lambda: loss_curve_png(pictures.get("loss_curve") or [], pictures.get("reference_loss_curve") or [],
                                language=language),
         pair(f"학습 손실: {LOSS_CURVE_BATCHES}개 배치마다의 평균. 내 모델의 곡선이 정답 코드와 비슷하게 내려가야 합니다.",
              f"Training loss, the mean over every {LOSS_CURVE_BATCHES} batches: yours should fall about as the "
              "reference's does.")),
        (lambda: confusion_png(pictures.get("confusion") or [], language=language),
         pair("혼동 행렬: 행은 실제 클래스, 열은 예측한 클래스, 칸은 그 실제 클래스의 비율입니다. 대각선 밖의 진한 칸이 "
              "자주 헷갈리는 클래스입니다.", "Confusion matrix: rows are the true classes, columns the predicted ones, "
              "each cell the share of its true class; dark cells off the diagonal are the classes your model confuses.")),
        (lambda: misclassified_png(pictures.get("misclassified") or [], language=language),
         pair("틀리게 분류한 테스트 이미지 (실제 클래스마다 하나)", "Misclassified test images, one per true class.")),
    ]
    drawn = []
    for draw, caption in drawings:
        png = draw()
        if png:
            drawn.append((show(caption, language), png))
    return drawn


def _pictures_section(row: Any, language: str) -> str:
    parts = [f"<h3>{_text(show(row.title, language))}: {_text(show(pair('그림으로 보기', 'in pictures'), language))}</h3>"]
    for caption, png in picture_pngs(row.pictures, language=language):
        encoded = base64.b64encode(png).decode("ascii")
        parts.append(f"<figure><img alt='{_text(caption)}' src='data:image/png;base64,{encoded}'>"
                     f"<figcaption>{_text(caption)}</figcaption></figure>")
    return "\n".join(parts)


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def loss_curve_png(curve: list[float | None], reference_curve: list[float | None], *,
                   language: str = DEFAULT_LANGUAGE) -> bytes | None:
    """The student's training loss curve against the reference's (None when there is neither)."""
    if not curve and not reference_curve:
        return None
    with korean_pictures():
        return _png(loss_curve_figure(curve, reference_curve, language=language))


def loss_curve_figure(curve: list[float | None], reference_curve: list[float | None], *,
                      language: str = DEFAULT_LANGUAGE) -> Any:
    """The matplotlib Figure of `loss_curve_png` (draw it inside `korean_pictures()`)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.0, 3.4))
    axes = figure.add_subplot()
    finite = []
    def say(ko: str, en: str) -> str:
        return show(pair(ko, en), language)

    for values, label, style in ((curve, say("내 모델", "your model"), "-"),
                                 (reference_curve, say("정답 코드", "reference"), "--")):
        if values:
            batches = [(i + 1) * LOSS_CURVE_BATCHES for i in range(len(values))]
            points = [math.nan if v is None else v for v in values]
            axes.plot(batches, points, style, label=label, linewidth=2)
            finite += [v for v in values if v is not None and v > 0]
    if finite and max(finite) > 20 * min(finite):  # a run that blew up: a log scale keeps both curves visible
        axes.set_yscale("log")
    if any(v is None for v in curve):
        axes.text(0.5, 0.5, say("손실이 NaN 또는 inf가 되었습니다 (학습이 발산)", "the loss became NaN or inf (diverged)"),
                  transform=axes.transAxes, ha="center", color="#c62828")
    axes.set_xlabel(say("배치", "batch"))
    axes.set_ylabel(say("손실 (cross-entropy)", "loss (cross-entropy)"))
    axes.set_title(say("한 epoch 학습 손실", "training loss over one epoch"))
    axes.grid(alpha=0.3)
    axes.legend()
    return figure


def confusion_png(confusion: list[list[int]], *, language: str = DEFAULT_LANGUAGE) -> bytes | None:
    """The confusion matrix as row shares, with each class's accuracy beside its name."""
    counts = np.asarray(confusion, dtype=np.float64)
    if counts.shape != (len(CLASS_NAMES), len(CLASS_NAMES)) or counts.sum() == 0:
        return None
    from matplotlib.figure import Figure

    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    accuracy = per_class_accuracy(counts.astype(int).tolist())
    names = [_class_name(ko, en, language, joiner=" ") for ko, en in CLASS_NAMES]
    rows = [f"{name} ({'-' if math.isnan(a) else f'{100 * a:.0f}%'})" for name, a in zip(names, accuracy)]
    with korean_pictures():
        figure = Figure(figsize=(7.6, 6.2))
        axes = figure.add_subplot()
        axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
        for i in range(len(CLASS_NAMES)):
            for j in range(len(CLASS_NAMES)):
                if counts[i, j]:
                    axes.text(j, i, f"{100 * shares[i, j]:.0f}", ha="center", va="center", fontsize=7,
                              color="white" if shares[i, j] > 0.5 else "black")
        axes.set_xticks(range(len(CLASS_NAMES)), [_class_name(ko, en, language, joiner="\n") for ko, en in CLASS_NAMES],
                        fontsize=7, rotation=45)
        axes.set_yticks(range(len(CLASS_NAMES)), rows, fontsize=8)
        axes.set_xlabel(show(pair("예측한 클래스", "predicted class"), language))
        axes.set_ylabel(show(pair("실제 클래스 (클래스별 정확도)", "true class (its accuracy)"), language))
        axes.set_title(show(pair("혼동 행렬 (%)", "confusion matrix (%)"), language))
        return _png(figure)


def misclassified_png(examples: list[dict[str, Any]], *, language: str = DEFAULT_LANGUAGE) -> bytes | None:
    """A grid of misclassified test images, each titled with its true and predicted class."""
    shown = [e for e in examples if isinstance(e.get("image"), str)]
    if not shown:
        return None
    from matplotlib.figure import Figure

    columns = min(5, len(shown))
    lines = math.ceil(len(shown) / columns)
    with korean_pictures():
        figure = Figure(figsize=(1.9 * columns, 2.3 * lines))
        for position, example in enumerate(shown):
            axes = figure.add_subplot(lines, columns, position + 1)
            axes.imshow(decode_image(example["image"]), interpolation="nearest")
            true_ko, true_en = CLASS_NAMES[example["true"]]
            predicted_ko, predicted_en = CLASS_NAMES[example["predicted"]]
            title_ko, title_en = f"실제 {true_ko}, 예측 {predicted_ko}", f"true {true_en}, predicted {predicted_en}"
            title = {"ko": title_ko, "en": title_en}.get(language, f"{title_ko}\n{title_en}")
            axes.set_title(title, fontsize=7.5)
            axes.axis("off")
        return _png(figure)


def _class_name(ko: str, en: str, language: str, *, joiner: str) -> str:
    return {"ko": ko, "en": en}.get(language, f"{ko}{joiner}{en}")


def _text(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:g}"
