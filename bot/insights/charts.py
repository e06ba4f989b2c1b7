"""Charts as inline SVG, drawn on the server: no script, no inline style (the console's CSP).

Colours come from classes (`series-0`, ...) in editor.css. Each chart is an image with a title and a
description for screen readers, and every bar has a <title> with its exact value; the page shows the
same figures in a table beside every chart.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 46


def _number(value: float, percent: bool = False) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _nice_max(value: float, percent: bool) -> float:
    """The axis maximum: 1 (100%) for shares, else the next of 1, 2, 2.5, 5 x 10^n."""
    if percent:
        return 1.0
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if value <= m * magnitude)


def week_bars(chart_id: str, title: str, weeks: list[str], series: dict[str, list[float]],
              description: str = "", percent: bool = False, maximum: float | None = None) -> Markup:
    """Grouped vertical bars: one group per week, one bar per series (language)."""
    names = list(series)
    top = maximum if maximum is not None else _nice_max(max([v for s in series.values() for v in s] or [0]), percent)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(weeks), 1)
    bar_w = group_w * 0.8 / max(len(names), 1)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT + 24}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" focusable="false">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description or title)}</desc>',
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(_number(top * fraction, percent))}</text>')
    every = 1 if len(weeks) <= 16 else 2 if len(weeks) <= 32 else 4
    for w_index, week in enumerate(weeks):
        x0 = LEFT + group_w * w_index + group_w * 0.1
        for s_index, name in enumerate(names):
            value = series[name][w_index] or 0
            height = plot_h * min(value / top, 1) if top else 0
            x = x0 + bar_w * s_index
            y = TOP + plot_h - height
            parts.append(f'<rect class="bar series-{s_index}" x="{x:.1f}" y="{y:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                         f'height="{height:.1f}"><title>{escape(week)} · {escape(name)}: '
                         f'{escape(_number(value, percent))}</title></rect>')
        if w_index % every == 0:
            parts.append(f'<text class="axis" x="{LEFT + group_w * (w_index + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                         f'text-anchor="middle">{escape(week[-3:])}</text>')
    if weeks:
        parts.append(f'<text class="axis" x="{LEFT}" y="{HEIGHT - BOTTOM + 32}">{escape(weeks[0][:4])}</text>')
    x = LEFT
    for s_index, name in enumerate(names):
        parts.append(f'<rect class="series-{s_index}" x="{x}" y="{HEIGHT + 6}" width="12" height="12"/>'
                     f'<text class="legend" x="{x + 16}" y="{HEIGHT + 16}">{escape(name)}</text>')
        x += 24 + 9 * len(name) + 16
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(chart_id: str, title: str, items: Sequence[tuple[str, float]], description: str = "",
                    percent: bool = False, label_chars: int = 34) -> Markup:
    """One bar per item, largest first as given; labels at the left, values at the bar's end."""
    row_h = 22
    height = TOP + row_h * max(len(items), 1) + 8
    label_w = 250
    plot_w = WIDTH - label_w - 60
    top = max([v for _, v in items] or [0]) or 1
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" focusable="false">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description or title)}</desc>',
    ]
    if not items:
        parts.append(f'<text class="axis" x="{LEFT}" y="{TOP + 14}">Geen gegevens</text>')
    for index, (label, value) in enumerate(items):
        y = TOP + row_h * index
        short = label if len(label) <= label_chars else label[:label_chars - 1] + "…"
        width = plot_w * (value / top)
        parts.append(f'<text class="label" x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(short)}'
                     f'<title>{escape(label)}</title></text>')
        shown = escape(_number(value, percent))
        parts.append(f'<rect class="bar series-0" x="{label_w}" y="{y + 3}" width="{max(width, 1):.1f}" '
                     f'height="{row_h - 6}"><title>{escape(label)}: {shown}</title></rect>')
        parts.append(f'<text class="value" x="{label_w + width + 6:.1f}" y="{y + 15}">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
