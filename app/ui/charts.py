"""Charts of the dashboard as inline SVG, drawn on the server: data in, an SVG string out.

Every function is pure and self-contained: the SVG carries its own colours and sizes (no
stylesheet or script needed), escapes every text it is given, and has a ``<title>`` and an
``aria-label`` so that it reads as an image with a caption. Marks carry ``data-*`` attributes
with the raw numbers they draw, for whoever wants to check them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
_INK = "#222222"
_MUTED = "#6b6b6b"
_GRID = "#dddddd"
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, the value that sets its length, and the text shown beside it."""

    label: str
    value: float
    text: str


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a line chart: a name and one value per x label (None: no point there)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True, slots=True)
class Milestone:
    """One point of a timeline: what happened and when; ``tone`` is ``stage``, ``won`` or
    ``lost`` (the colour of its dot)."""

    label: str
    at: datetime
    tone: str = "stage"


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _svg(width: int, height: int, title: str, body: Sequence[str], css_class: str) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
        f'aria-label="{label}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" {_FONT}><title>{label}</title>' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, content: str, *, anchor: str = "start", fill: str = _INK) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(content)}</text>"
    )


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 560) -> str:
    """Horizontal bars, one row per :class:`Bar` in the order given, lengths proportional to
    their values (the largest spans the plot; negative values draw as empty bars).

    Each bar is a ``<rect class="bar">`` with ``data-label`` and ``data-value``; its text is
    written after it. An empty list draws the title's frame with "no data".
    """
    label_width, text_width, row, top = 130, 90, 26, 8
    plot = max(width - label_width - text_width, 40)
    height = top * 2 + max(len(bars), 1) * row
    body: list[str] = []
    if not bars:
        body.append(_text(width / 2, height / 2 + 4, "no data", anchor="middle", fill=_MUTED))
        return _svg(width, height, title, body, "bar-chart")
    largest = max((bar.value for bar in bars), default=0.0)
    for index, bar in enumerate(bars):
        y = top + index * row
        length = 0.0 if largest <= 0 or bar.value <= 0 else plot * bar.value / largest
        body.append(_text(label_width - 8, y + 17, bar.label, anchor="end"))
        body.append(
            f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{_num(length)}" '
            f'height="{row - 8}" fill="{PALETTE[0]}" data-label="{escape(bar.label)}" '
            f'data-value="{escape(repr(bar.value))}"><title>{escape(bar.label)}: '
            f"{escape(bar.text)}</title></rect>"
        )
        body.append(_text(label_width + length + 6, y + 17, bar.text))
    return _svg(width, height, title, body, "bar-chart")


def _percent_tick(value: float) -> str:
    return f"{value * 100:.0f} %"


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_max: float = 1.0,
    y_format: Callable[[float], str] = _percent_tick,
    width: int = 640,
    height: int = 260,
) -> str:
    """Lines over shared x labels (oldest first), y from 0 to ``y_max``, with a legend.

    A None value leaves a gap: the line is broken there. Each point is a ``<circle
    class="point">`` with ``data-series``, ``data-x`` and ``data-value``; five horizontal
    grid lines are labelled by ``y_format`` (percentages by default). At most about twelve x
    labels are written (every n-th one) so that they never overlap.
    """
    left, right, top, bottom = 52, 32, 12, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    body: list[str] = []
    for step in range(5):
        tick = y_max * step / 4
        y = top + plot_h - plot_h * step / 4
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{_GRID}"/>'
        )
        body.append(_text(left - 6, y + 4, y_format(tick), anchor="end", fill=_MUTED))
    if not x_labels:
        body.append(_text(left + plot_w / 2, top + plot_h / 2, "no data", anchor="middle"))
        return _svg(width, height, title, body, "line-chart")
    gap = plot_w / max(len(x_labels) - 1, 1)
    xs = [
        left + (plot_w / 2 if len(x_labels) == 1 else index * gap) for index in range(len(x_labels))
    ]
    every = max(1, -(-len(x_labels) // 12))
    for index, label in enumerate(x_labels):
        if index % every == 0:
            body.append(_text(xs[index], top + plot_h + 16, label, anchor="middle", fill=_MUTED))

    def y_of(value: float) -> float:
        share = 0.0 if y_max <= 0 else min(max(value / y_max, 0.0), 1.0)
        return top + plot_h - plot_h * share

    for number, line in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for index, value in enumerate(line.values[: len(x_labels)]):
            if value is None:
                runs.append([])
                continue
            x, y = xs[index], y_of(value)
            runs[-1].append(f"{_num(x)},{_num(y)}")
            body.append(
                f'<circle class="point" cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{colour}" '
                f'data-series="{escape(line.name)}" data-x="{escape(x_labels[index])}" '
                f'data-value="{escape(repr(value))}"><title>{escape(line.name)}, '
                f"{escape(x_labels[index])}: {escape(y_format(value))}</title></circle>"
            )
        body.extend(
            f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
            for run in runs
            if len(run) > 1
        )
        legend_x = left + (number % 4) * (plot_w / 4)
        legend_y = top + plot_h + 36 + (number // 4) * 16
        body.append(
            f'<rect x="{_num(legend_x)}" y="{_num(legend_y - 9)}" width="10" height="10" '
            f'fill="{colour}"/>'
        )
        body.append(_text(legend_x + 14, legend_y, line.name))
    return _svg(width, height, title, body, "line-chart")


def _shade(share: float) -> str:
    """White (0) to the first palette colour (1), as ``#rrggbb``."""
    end = (0x00, 0x72, 0xB2)
    return "#" + "".join(f"{round(255 + (c - 255) * share):02x}" for c in end)


def heatmap(
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    title: str,
    cell_format: Callable[[float], str] = _percent_tick,
    width: int = 960,
) -> str:
    """A grid with one row per y label and one column per x label; ``values[row][column]``
    in [0, 1] sets the cell's shade (white to blue) and is written in it by ``cell_format``.

    None leaves the cell grey and empty. Each cell is a ``<rect class="cell">`` with
    ``data-x``, ``data-y`` and ``data-value`` (empty for None). Text turns white on dark
    cells so it stays readable.
    """
    left, top, row_h = 100, 8, 26
    columns = max(len(x_labels), 1)
    cell_w = (width - left - 8) / columns
    height = top + max(len(y_labels), 1) * row_h + 36
    body: list[str] = []
    for row, y_label in enumerate(y_labels):
        y = top + row * row_h
        body.append(_text(left - 6, y + 17, y_label, anchor="end"))
        for column, x_label in enumerate(x_labels):
            value = values[row][column] if column < len(values[row]) else None
            x = left + column * cell_w
            share = None if value is None else min(max(value, 0.0), 1.0)
            fill = "#eeeeee" if share is None else _shade(share)
            shown = "" if value is None else cell_format(value)
            body.append(
                f'<rect class="cell" x="{_num(x)}" y="{y}" width="{_num(cell_w - 1)}" '
                f'height="{row_h - 1}" fill="{fill}" data-x="{escape(x_label)}" '
                f'data-y="{escape(y_label)}" data-value="{"" if value is None else repr(value)}">'
                f"<title>{escape(y_label)}, {escape(x_label)}: {escape(shown or 'none')}</title>"
                "</rect>"
            )
            if shown:
                ink = "#ffffff" if share is not None and share > 0.55 else _INK
                body.append(
                    f'<text x="{_num(x + cell_w / 2)}" y="{y + 17}" text-anchor="middle" '
                    f'font-size="10" fill="{ink}">{escape(shown)}</text>'
                )
    every = max(1, -(-len(x_labels) // 12))
    bottom = top + len(y_labels) * row_h + 16
    for column, x_label in enumerate(x_labels):
        if column % every == 0:
            x = left + column * cell_w + cell_w / 2
            body.append(_text(x, bottom, x_label, anchor="middle", fill=_MUTED))
    return _svg(width, height, title, body, "heatmap")


_TONES = {"stage": PALETTE[0], "won": PALETTE[2], "lost": PALETTE[3]}


def timeline(milestones: Sequence[Milestone], *, title: str, width: int = 640) -> str:
    """Milestones as evenly spaced dots on a line, in the order given, each with its label
    and date, and the days between two neighbours written between them (``+12 d``).

    Each dot is a ``<circle class="milestone">`` with ``data-label`` and ``data-at`` (ISO
    8601). An empty list draws "no stages yet".
    """
    height, axis = 92, 40
    body: list[str] = []
    if not milestones:
        body.append(_text(width / 2, axis + 4, "no stages yet", anchor="middle", fill=_MUTED))
        return _svg(width, height, title, body, "timeline")
    margin = 60
    gap = (width - 2 * margin) / max(len(milestones) - 1, 1)
    xs = [
        width / 2 if len(milestones) == 1 else margin + index * gap
        for index in range(len(milestones))
    ]
    body.append(
        f'<line x1="{_num(xs[0])}" x2="{_num(xs[-1])}" y1="{axis}" y2="{axis}" '
        f'stroke="{_GRID}" stroke-width="3"/>'
    )
    for index, milestone in enumerate(milestones):
        x = xs[index]
        if index:
            days = (milestone.at - milestones[index - 1].at).total_seconds() / 86_400
            middle = (xs[index - 1] + x) / 2
            body.append(_text(middle, axis - 6, f"+{days:.0f} d", anchor="middle", fill=_MUTED))
        colour = _TONES.get(milestone.tone, PALETTE[0])
        body.append(
            f'<circle class="milestone" cx="{_num(x)}" cy="{axis}" r="7" fill="{colour}" '
            f'data-label="{escape(milestone.label)}" data-at="{milestone.at.isoformat()}">'
            f"<title>{escape(milestone.label)}: {milestone.at:%Y-%m-%d}</title></circle>"
        )
        body.append(_text(x, axis - 18, milestone.label, anchor="middle"))
        body.append(_text(x, axis + 24, f"{milestone.at:%Y-%m-%d}", anchor="middle", fill=_MUTED))
    return _svg(width, height, title, body, "timeline")


def meter(value: float, *, title: str, mark: float | None = None, width: int = 240) -> str:
    """A bar filled to ``value`` in [0, 1] (clamped), with an optional tick at ``mark`` (e.g.
    a percentile in [0, 1]); the ``<rect class="fill">`` carries ``data-value``."""
    height, bar_h = 22, 14
    share = min(max(value, 0.0), 1.0)
    body = [
        f'<rect x="0" y="4" width="{width}" height="{bar_h}" fill="{_GRID}" rx="3"/>',
        f'<rect class="fill" x="0" y="4" width="{_num(width * share)}" height="{bar_h}" '
        f'fill="{PALETTE[2]}" rx="3" data-value="{escape(repr(value))}"/>',
    ]
    if mark is not None:
        x = width * min(max(mark, 0.0), 1.0)
        body.append(
            f'<line class="mark" x1="{_num(x)}" x2="{_num(x)}" y1="0" y2="{height}" '
            f'stroke="{_INK}" stroke-width="2"/>'
        )
    return _svg(width, height, title, body, "meter")
