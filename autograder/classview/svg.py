"""Inline SVG charts for the dashboard: a histogram with marked values (mean, reference, target). Every text is
escaped; the numbers are formatted by the code, never taken from student text."""
from __future__ import annotations

import html

WIDTH, HEIGHT, MARGIN = 420, 180, 28


def histogram_svg(counts: list[int], *, low: float, high: float, label: str,
                  marks: tuple[tuple[float, str, str], ...] = ()) -> str:
    """A bar per count over [low, high], the x axis labelled at both ends and the middle, and a vertical line per
    mark (value, text, colour). `label` is the chart's accessible name."""
    bins = max(1, len(counts))
    top = max(counts) if counts and max(counts) > 0 else 1
    plot_w, plot_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    bar_w = plot_w / bins
    span = (high - low) or 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-label="{html.escape(label, quote=True)}">']
    for index, count in enumerate(counts):
        h = plot_h * count / top
        x = MARGIN + index * bar_w
        parts.append(f'<rect class="bar" data-count="{count}" x="{x:.1f}" y="{MARGIN + plot_h - h:.1f}" '
                     f'width="{max(bar_w - 1, 1):.1f}" height="{h:.1f}" fill="#5c6bc0"><title>{count}</title></rect>')
        if count:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{MARGIN + plot_h - h - 3:.1f}" font-size="10" '
                         f'text-anchor="middle">{count}</text>')
    baseline = MARGIN + plot_h
    parts.append(f'<line x1="{MARGIN}" y1="{baseline}" x2="{WIDTH - MARGIN}" y2="{baseline}" stroke="#333"/>')
    for value in (low, (low + high) / 2, high):
        x = MARGIN + plot_w * (value - low) / span
        parts.append(f'<text x="{x:.1f}" y="{baseline + 14}" font-size="10" text-anchor="middle">{value:g}</text>')
    for number, (value, text, colour) in enumerate(marks):
        x = MARGIN + plot_w * (min(max(value, low), high) - low) / span
        parts.append(f'<line class="mark" x1="{x:.1f}" y1="{MARGIN - 6}" x2="{x:.1f}" y2="{baseline}" '
                     f'stroke="{html.escape(colour, quote=True)}" stroke-width="2" stroke-dasharray="4 2"/>')
        parts.append(f'<text x="{x + 3:.1f}" y="{MARGIN - 8 + 10 * number:.1f}" font-size="10" '
                     f'fill="{html.escape(colour, quote=True)}">{html.escape(text, quote=True)}</text>')
    parts.append("</svg>")
    return "".join(parts)
