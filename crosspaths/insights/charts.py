"""Server-rendered, accessible SVG charts: no JavaScript, nothing from a CDN.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>`` (the figure's summary in words); the page also links the numbers as CSV.
Colours come from the Okabe–Ito palette (distinguishable with colour-blindness) and
reach at least 3:1 against white; every value is also printed or listed, so colour is
never the only carrier of meaning. Hidden (suppressed) values are gaps, never zeros.
"""

# Typographic minus, dashes and multiplication signs are meant: they are shown to people.
# ruff: noqa: RUF001, RUF002, RUF003

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Okabe–Ito, darkened where needed for 3:1 against white.
BLUE = "#0072B2"
ORANGE = "#B86E00"
GREEN = "#00795A"
VERMILION = "#C2410C"
PURPLE = "#A2487E"
SKY = "#2B7BB9"
GREY = "#6B7480"
INK = "#1b2430"
MUTED = "#505b68"
LINE = "#d5dae1"

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48
_ids = count(1)


@dataclass
class Series:
    label: str
    values: list[float | None]
    color: str = BLUE


@dataclass
class Chart:
    kind: str  # "bars", "stacked", "lines", "heatmap", "multiples"
    title: str
    desc: str = ""
    labels: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    matrix: list[list[float | None]] = field(default_factory=list)  # heatmap rows
    y_format: str = "count"  # "count", "percent", "index"
    y_min: float = 0
    y_max: float | None = None


def svg(chart: Chart) -> SafeString:
    """The chart as inline SVG markup."""
    render = {
        "bars": _bars,
        "stacked": _bars,
        "lines": _lines,
        "heatmap": _heatmap,
        "multiples": _multiples,
    }[chart.kind]
    return mark_safe(render(chart))


# --- pieces ------------------------------------------------------------------------


def _open(chart: Chart, width: int, height: int) -> tuple[str, str]:
    n = next(_ids)
    title_id, desc_id = f"chart-{n}-title", f"chart-{n}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{title_id}">{escape(chart.title)}</title>'
        f'<desc id="{desc_id}">{escape(chart.desc)}</desc>'
    )
    return head, "</svg>"


def _text(
    x: float,
    y: float,
    s: str,
    *,
    anchor: str = "start",
    color: str = INK,
    size: int = 12,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{color}" '
        f'font-size="{size}" font-weight="{weight}">{escape(s)}</text>'
    )


def fmt_value(value: float, y_format: str) -> str:
    if y_format == "percent":
        return _("%(percent)s%%") % {"percent": number_format(round(value))}
    if y_format == "index":
        return ("−" if value < 0 else "+" if value > 0 else "") + number_format(
            abs(value), decimal_pos=2
        )
    if value != int(value):
        return number_format(value, decimal_pos=1)
    return number_format(int(value), force_grouping=True)


def nice_ticks(low: float, high: float, count_: int = 4) -> list[float]:
    """Round tick values covering low..high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count_
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, t = [], start
    while t < high + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _axes(
    chart: Chart, top_value: float, bottom_value: float, width: int, height: int
) -> tuple[str, Callable[[float], float], list[float]]:
    ticks = nice_ticks(bottom_value, top_value)
    lo, hi = ticks[0], ticks[-1]
    plot_h = height - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - lo) / (hi - lo or 1))

    parts = []
    for t in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{LINE}" stroke-width="1"/>'
        )
        parts.append(
            _text(
                LEFT - 6, y(t) + 4, fmt_value(t, chart.y_format), anchor="end", color=MUTED, size=11
            )
        )
    return "".join(parts), y, ticks


def _x_labels(labels: list[str], xs: list[float], height: int) -> str:
    step = max(1, math.ceil(len(labels) / 8))
    return "".join(
        _text(x, height - BOTTOM + 16, label, anchor="middle", color=MUTED, size=11)
        for i, (label, x) in enumerate(zip(labels, xs, strict=True))
        if i % step == 0 or (i == len(labels) - 1 and len(labels) <= 8)
    )


def _legend(series: list[Series], y: float, width: int) -> str:
    if len(series) < 2:
        return ""
    parts, x = [], LEFT
    for s in series:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="12" height="12" fill="{s.color}"/>')
        parts.append(_text(x + 16, y + 1, s.label, size=11))
        x += 24 + 7 * len(s.label)
    return "".join(parts)


def _empty(chart: Chart, width: int, height: int) -> str:
    head, tail = _open(chart, width, 60)
    return (
        head + _text(width / 2, 34, _("Nothing to show yet."), anchor="middle", color=MUTED) + tail
    )


# --- charts ---------------------------------------------------------------------------


def _bars(chart: Chart) -> str:
    """Bars per label; several series stack (kind "stacked") or stand side by side."""
    width, height = WIDTH, HEIGHT
    values = [[v for v in s.values] for s in chart.series]
    n = len(chart.labels)
    if not n or all(v is None for col in values for v in col):
        return _empty(chart, width, height)
    stacked = chart.kind == "stacked"
    if stacked:
        top = max(sum(col[i] or 0 for col in values) for i in range(n))
    else:
        top = max(v or 0 for col in values for v in col)
    grid, y, _ticks = _axes(chart, max(top, 1), 0, width, height)
    plot_w = width - LEFT - RIGHT
    slot = plot_w / n
    bar_w = max(2.0, min(48.0, slot * 0.7))
    xs = [LEFT + slot * (i + 0.5) for i in range(n)]
    parts = [grid]
    for i, x in enumerate(xs):
        base = 0.0
        if stacked:
            for s, col in zip(chart.series, values, strict=True):
                v = col[i]
                if v is None:
                    continue
                if v:
                    parts.append(
                        f'<rect x="{x - bar_w / 2:.1f}" y="{y(base + v):.1f}" width="{bar_w:.1f}" '
                        f'height="{y(base) - y(base + v):.1f}" fill="{s.color}">'
                        f"<title>{escape(chart.labels[i])} · {escape(s.label)}: {fmt_value(v, chart.y_format)}</title></rect>"
                    )
                base += v
        else:
            count_ = len(chart.series)
            w = bar_w / count_
            for k, (s, col) in enumerate(zip(chart.series, values, strict=True)):
                v = col[i]
                left = x - bar_w / 2 + k * w
                if v is None:
                    parts.append(_text(left + w / 2, y(0) - 4, "–", anchor="middle", color=MUTED))
                    continue
                parts.append(
                    f'<rect x="{left:.1f}" y="{y(v):.1f}" width="{w:.1f}" height="{y(0) - y(v):.1f}" '
                    f'fill="{s.color}"><title>{escape(chart.labels[i])} · {escape(s.label)}: '
                    f"{fmt_value(v, chart.y_format)}</title></rect>"
                )
                if n <= 12:
                    parts.append(
                        _text(
                            left + w / 2,
                            y(v) - 4,
                            fmt_value(v, chart.y_format),
                            anchor="middle",
                            size=11,
                        )
                    )
    parts.append(
        f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="{MUTED}"/>'
    )
    parts.append(_x_labels(chart.labels, xs, height))
    parts.append(_legend(chart.series, height - 10, width))
    head, tail = _open(chart, width, height)
    return head + "".join(parts) + tail


def _lines(chart: Chart) -> str:
    width, height = WIDTH, HEIGHT
    n = len(chart.labels)
    present = [v for s in chart.series for v in s.values if v is not None]
    if not n or not present:
        return _empty(chart, width, height)
    top = chart.y_max if chart.y_max is not None else max(present)
    grid, y, _ticks = _axes(chart, max(top, 1), chart.y_min, width, height)
    plot_w = width - LEFT - RIGHT
    xs = [LEFT + plot_w * (i + 0.5) / n for i in range(n)]
    parts = [grid]
    for s in chart.series:
        segment: list[str] = []
        for x, v in zip(xs, s.values, strict=True):
            if v is None:  # a gap, never a zero
                if len(segment) > 1:
                    parts.append(_polyline(segment, s.color))
                segment = []
                continue
            segment.append(f"{x:.1f},{y(v):.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="3" fill="{s.color}">'
                f"<title>{escape(s.label)}: {fmt_value(v, chart.y_format)}</title></circle>"
            )
        if len(segment) > 1:
            parts.append(_polyline(segment, s.color))
        last = next(
            (
                (x, v)
                for x, v in zip(reversed(xs), reversed(s.values), strict=True)
                if v is not None
            ),
            None,
        )
        if last and len(chart.series) == 1:
            parts.append(
                _text(
                    last[0],
                    y(last[1]) - 8,
                    fmt_value(last[1], chart.y_format),
                    anchor="end",
                    size=11,
                    weight="bold",
                )
            )
    parts.append(_x_labels(chart.labels, xs, height))
    parts.append(_legend(chart.series, height - 10, width))
    head, tail = _open(chart, width, height)
    return head + "".join(parts) + tail


def _polyline(points: list[str], color: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{color}" stroke-width="2.5" stroke-linejoin="round"/>'


def _shade(value: float, top: float) -> tuple[str, str]:
    """A light-to-dark blue for the value, with a text colour readable on it."""
    t = 0 if top <= 0 else min(1.0, value / top) ** 0.6
    light, dark = (232, 241, 250), (8, 64, 129)
    rgb = tuple(round(a + (b - a) * t) for a, b in zip(light, dark, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb), ("#ffffff" if t > 0.45 else INK)


def _heatmap(chart: Chart) -> str:
    n = len(chart.labels)
    if not n:
        return _empty(chart, WIDTH, HEIGHT)
    label_w = min(170, 12 + 7 * max(len(label) for label in chart.labels))
    cell = max(28, min(56, (WIDTH - label_w - 16) // n))
    width = label_w + cell * n + 16
    top_h = label_w  # column labels are rotated
    height = top_h + cell * n + 40
    values = [v for row in chart.matrix for v in row if v is not None]
    top = max(values) if values else 0
    parts = []
    for i, label in enumerate(chart.labels):
        cy = top_h + cell * i + cell / 2 + 4
        parts.append(_text(label_w - 6, cy, label, anchor="end", size=11))
        cx = label_w + cell * i + cell / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{top_h - 6}" transform="rotate(-60 {cx:.1f} {top_h - 6})" '
            f'fill="{INK}" font-size="11">{escape(label)}</text>'
        )
    for i, row in enumerate(chart.matrix):
        for j, v in enumerate(row):
            x, yy = label_w + cell * j, top_h + cell * i
            pair = f"{chart.labels[i]} · {chart.labels[j]}"
            if v is None:
                parts.append(
                    f'<rect x="{x}" y="{yy}" width="{cell - 2}" height="{cell - 2}" fill="#ffffff" '
                    f'stroke="{GREY}" stroke-dasharray="3 2"><title>{escape(pair)}: {escape(_("hidden"))}</title></rect>'
                )
                parts.append(
                    _text(x + cell / 2 - 1, yy + cell / 2 + 3, "–", anchor="middle", color=MUTED)
                )
                continue
            fill, ink = _shade(v, top)
            parts.append(
                f'<rect x="{x}" y="{yy}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                f"<title>{escape(pair)}: {fmt_value(v, 'count')}</title></rect>"
            )
            parts.append(
                _text(
                    x + cell / 2 - 1,
                    yy + cell / 2 + 3,
                    _compact(v),
                    anchor="middle",
                    color=ink,
                    size=10 if cell < 36 else 11,
                )
            )
    legend_y = top_h + cell * n + 24
    parts.append(
        f'<rect x="{label_w}" y="{legend_y - 10}" width="12" height="12" fill="#ffffff" stroke="{GREY}" stroke-dasharray="3 2"/>'
    )
    parts.append(_text(label_w + 18, legend_y, _("– hidden: too few people"), size=11, color=MUTED))
    head, tail = _open(chart, width, height)
    return head + "".join(parts) + tail


def _compact(v: float) -> str:
    if v >= 10_000:
        return f"{number_format(round(v / 1000))}k"
    return number_format(int(v), force_grouping=True)


def _multiples(chart: Chart) -> str:
    """One small line chart per series (E-I index per department), on a shared −1..+1
    scale with the zero line drawn."""
    series = chart.series
    if not series or not chart.labels:
        return _empty(chart, WIDTH, HEIGHT)
    cols = 2
    cell_w, cell_h = WIDTH / cols, 86
    rows = math.ceil(len(series) / cols)
    height = rows * cell_h + 8
    n = len(chart.labels)
    lo, hi = chart.y_min, chart.y_max if chart.y_max is not None else 1
    parts = []
    for k, s in enumerate(series):
        ox, oy = (k % cols) * cell_w, (k // cols) * cell_h
        plot_l, plot_r = ox + 44, ox + cell_w - 70
        plot_t, plot_b = oy + 26, oy + cell_h - 10

        def y(v: float, plot_t=plot_t, plot_b=plot_b) -> float:
            return plot_b - (plot_b - plot_t) * (v - lo) / (hi - lo)

        xs = [plot_l + (plot_r - plot_l) * (i + 0.5) / n for i in range(n)]
        points = [(x, v) for x, v in zip(xs, s.values, strict=True) if v is not None]
        last = points[-1][1] if points else None
        parts.append(_text(plot_l, oy + 16, s.label, size=12, weight="bold"))
        for tick in (lo, 0, hi):
            parts.append(
                _text(
                    plot_l - 4,
                    y(tick) + 3.5,
                    fmt_value(tick, "index") if tick else "0",
                    anchor="end",
                    color=MUTED,
                    size=10,
                )
            )
        parts.append(
            f'<rect x="{plot_l}" y="{plot_t}" width="{plot_r - plot_l:.1f}" height="{plot_b - plot_t:.1f}" fill="#f6f7f9"/>'
        )
        parts.append(
            f'<line x1="{plot_l}" x2="{plot_r:.1f}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="{GREY}" stroke-dasharray="2 2"/>'
        )
        segment: list[str] = []
        for x, v in zip(xs, s.values, strict=True):
            if v is None:
                if len(segment) > 1:
                    parts.append(_polyline(segment, s.color))
                segment = []
                continue
            segment.append(f"{x:.1f},{y(v):.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="2.5" fill="{s.color}"><title>{escape(s.label)}: {fmt_value(v, "index")}</title></circle>'
            )
        if len(segment) > 1:
            parts.append(_polyline(segment, s.color))
        parts.append(
            _text(
                plot_r + 8,
                (plot_t + plot_b) / 2 + 5,
                "–" if last is None else fmt_value(last, "index"),
                size=14,
                weight="bold",
            )
        )
    head, tail = _open(chart, WIDTH, int(height))
    return head + "".join(parts) + tail
