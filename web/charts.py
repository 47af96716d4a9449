"""Charts as SVG strings, written with the standard library: pure functions of their data.

Why not matplotlib (tried first, measured in `docs/statistics.md`): its SVG sets colours through
`style` attributes and a `<style>` element, which the pages' `default-src 'self'` policy blocks
when the SVG is inline; it measures text with its own fonts, which have no Hangul (every Korean
label warned, and drew boxes); and one year of daily columns took 0.4 s per chart. Here the
browser lays out the text in the page's own font (Korean works), colours are presentation
attributes (allowed by the policy), and a year of columns takes milliseconds.

Every chart is `role="img"` with a `<title>` and `<desc>` (its name and its summary in words);
series differ by colour and by pattern, dash and marker shape as well, never by colour alone, and
each colour has at least 3:1 contrast against the white background (WCAG 1.4.1, 1.4.11).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 720
TEXT = "#1a1a1a"
AXIS = "#595959"
GRID = "#d9d9d9"
FONT_SIZE = 13


@dataclass(frozen=True, slots=True)
class Look:
    """How one series is drawn: a colour (≥ 3:1 on white) and a second cue that is not colour."""

    colour: str
    pattern: str  # "solid", "hatch", "dots", "cross"
    dash: str | None  # for lines: the stroke-dasharray
    marker: str  # for lines: "circle", "square", "triangle", "diamond"


LOOKS: tuple[Look, ...] = (
    Look("#1f4e79", "solid", None, "circle"),  # dark blue, 8.6:1
    Look("#a04a00", "hatch", "7 4", "square"),  # dark orange, 6.0:1
    Look("#2e6b30", "dots", "2 3", "triangle"),  # dark green, 6.4:1
    Look("#6a3d9a", "cross", "10 3 2 3", "diamond"),  # purple, 7.9:1
)


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: Sequence[float | None]


Format = Callable[[float], str]


def _plain(value: float) -> str:
    return f"{value:g}"


# --- pure helpers ----------------------------------------------------------------------------


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `top`;
    [0, 1] when there is nothing to show."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    steps = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def label_every(count: int, most: int = 12) -> int:
    """Show every n-th category label so that at most `most` are shown."""
    return max(1, math.ceil(count / most))


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of the drawn width (the server has no fonts to measure with): wide
    (Hangul, CJK) characters are about one em, others about 0.6 em."""
    return sum(size if ord(ch) > 0x1100 else size * 0.6 for ch in text)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- building blocks ---------------------------------------------------------------------------


class _Canvas:
    """One SVG document: the root with its accessible name and description, pattern defs."""

    def __init__(self, chart_id: str, title: str, desc: str, height: float) -> None:
        self.id = chart_id
        self.height = height
        self.root = ET.Element(
            "svg",
            {
                "xmlns": "http://www.w3.org/2000/svg",
                "viewBox": f"0 0 {WIDTH} {_num(height)}",
                "width": str(WIDTH),
                "height": _num(height),
                "role": "img",
                "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
                "class": "chart",
                "focusable": "false",
                "font-size": str(FONT_SIZE),
            },
        )
        ET.SubElement(self.root, "title", {"id": f"{chart_id}-title"}).text = title
        ET.SubElement(self.root, "desc", {"id": f"{chart_id}-desc"}).text = desc
        self.defs = ET.SubElement(self.root, "defs")
        self._patterns: set[int] = set()
        ET.SubElement(
            self.root, "rect", {"width": str(WIDTH), "height": _num(height), "fill": "#ffffff"}
        )

    def fill(self, index: int) -> str:
        """The fill of series `index`: its colour, or a pattern in its colour on white."""
        look = LOOKS[index % len(LOOKS)]
        if look.pattern == "solid":
            return look.colour
        pattern_id = f"{self.id}-p{index}"
        if index not in self._patterns:
            self._patterns.add(index)
            pattern = ET.SubElement(
                self.defs,
                "pattern",
                {
                    "id": pattern_id,
                    "patternUnits": "userSpaceOnUse",
                    "width": "6",
                    "height": "6",
                    "patternTransform": "rotate(45)" if look.pattern != "dots" else "",
                },
            )
            if not pattern.get("patternTransform"):
                del pattern.attrib["patternTransform"]
            ET.SubElement(pattern, "rect", {"width": "6", "height": "6", "fill": "#ffffff"})
            if look.pattern == "dots":
                ET.SubElement(
                    pattern, "circle", {"cx": "3", "cy": "3", "r": "1.8", "fill": look.colour}
                )
            else:
                ET.SubElement(
                    pattern,
                    "rect",
                    {"x": "0", "y": "0", "width": "3", "height": "6", "fill": look.colour},
                )
                if look.pattern == "cross":
                    ET.SubElement(
                        pattern,
                        "rect",
                        {"x": "0", "y": "0", "width": "6", "height": "2", "fill": look.colour},
                    )
        return f"url(#{pattern_id})"

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        anchor: str = "start",
        weight: str | None = None,
        parent: ET.Element | None = None,
    ) -> None:
        attrs = {"x": _num(x), "y": _num(y), "fill": TEXT, "text-anchor": anchor}
        if weight:
            attrs["font-weight"] = weight
        ET.SubElement(self.root if parent is None else parent, "text", attrs).text = content

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, width: float) -> None:
        ET.SubElement(
            self.root,
            "line",
            {
                "x1": _num(x1),
                "y1": _num(y1),
                "x2": _num(x2),
                "y2": _num(y2),
                "stroke": colour,
                "stroke-width": _num(width),
            },
        )

    def legend(self, labels: Sequence[str], *, lines: bool) -> None:
        """Swatches (or line samples) with their labels, left to right along the top."""
        x, y = 8.0, 18.0
        for index, label in enumerate(labels):
            look = LOOKS[index % len(LOOKS)]
            if lines:
                attrs = {
                    "x1": _num(x),
                    "y1": _num(y - 4),
                    "x2": _num(x + 28),
                    "y2": _num(y - 4),
                    "stroke": look.colour,
                    "stroke-width": "2.5",
                }
                if look.dash:
                    attrs["stroke-dasharray"] = look.dash
                ET.SubElement(self.root, "line", attrs)
                _marker(self.root, look, x + 14, y - 4)
                x += 34
            else:
                ET.SubElement(
                    self.root,
                    "rect",
                    {
                        "x": _num(x),
                        "y": _num(y - 12),
                        "width": "16",
                        "height": "14",
                        "fill": self.fill(index),
                        "stroke": look.colour,
                        "stroke-width": "1.5",
                    },
                )
                x += 22
            self.text(x, y, label)
            x += text_width(label) + 20

    def svg(self) -> str:
        return ET.tostring(self.root, encoding="unicode", short_empty_elements=True)


def _marker(parent: ET.Element, look: Look, x: float, y: float) -> None:
    size = 4.0
    common = {"fill": look.colour, "stroke": "#ffffff", "stroke-width": "1"}
    if look.marker == "circle":
        ET.SubElement(parent, "circle", {"cx": _num(x), "cy": _num(y), "r": "4", **common})
    elif look.marker == "square":
        ET.SubElement(
            parent,
            "rect",
            {"x": _num(x - size), "y": _num(y - size), "width": "8", "height": "8", **common},
        )
    else:
        if look.marker == "triangle":
            points = [(x, y - size - 1), (x + size + 1, y + size), (x - size - 1, y + size)]
        else:
            points = [(x, y - size - 1), (x + size + 1, y), (x, y + size + 1), (x - size - 1, y)]
        ET.SubElement(
            parent,
            "polygon",
            {"points": " ".join(f"{_num(px)},{_num(py)}" for px, py in points), **common},
        )


@dataclass(frozen=True, slots=True)
class _Plot:
    """The plotting area of a chart with a vertical value axis."""

    left: float
    top: float
    right: float
    bottom: float
    ticks: list[float]

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def y(self, value: float) -> float:
        top = self.ticks[-1] or 1.0
        return self.bottom - self.height * (value / top)


def _value_axis(
    canvas: _Canvas, top_value: float, fmt: Format, *, legend: bool, axis_label: str
) -> _Plot:
    ticks = nice_ticks(top_value)
    labels = [fmt(t) for t in ticks]
    left = max(40.0, max(text_width(label) for label in labels) + 14)
    top = 62.0 if legend else 38.0
    plot = _Plot(left=left, top=top, right=WIDTH - 12, bottom=canvas.height - 36, ticks=ticks)
    canvas.text(8, top - 18, axis_label)
    for tick, label in zip(ticks, labels, strict=True):
        y = plot.y(tick)
        canvas.line(plot.left, y, plot.right, y, GRID if tick else AXIS, 1)
        canvas.text(plot.left - 6, y + 4, label, anchor="end")
    return plot


def _category_labels(canvas: _Canvas, plot: _Plot, categories: Sequence[str], slot: float) -> None:
    every = label_every(len(categories))
    for i, name in enumerate(categories):
        if i % every == 0:
            x = plot.left + slot * (i + 0.5)
            canvas.line(x, plot.bottom, x, plot.bottom + 4, AXIS, 1)
            canvas.text(x, plot.bottom + 18, name, anchor="middle")


# --- the charts ----------------------------------------------------------------------------------


def column_chart(
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    axis_label: str,
    fmt: Format = _plain,
    height: float = 300,
) -> str:
    """Stacked columns, one per category (e.g. a day), one segment per series."""
    canvas = _Canvas(chart_id, title, desc, height)
    if len(series) > 1:
        canvas.legend([s.label for s in series], lines=False)
    totals = [sum(s.values[i] or 0.0 for s in series) for i in range(len(categories))]
    plot = _value_axis(
        canvas, max(totals, default=0.0), fmt, legend=len(series) > 1, axis_label=axis_label
    )
    slot = (plot.right - plot.left) / max(1, len(categories))
    gap = min(slot * 0.2, 6.0) if slot > 3 else 0.0
    bars = ET.SubElement(canvas.root, "g")
    for index, s in enumerate(series):
        look = LOOKS[index % len(LOOKS)]
        group = ET.SubElement(
            bars,
            "g",
            {"fill": canvas.fill(index), "stroke": look.colour, "stroke-width": "1"},
        )
        for i in range(len(categories)):
            value = s.values[i] or 0.0
            if value <= 0:
                continue
            below = sum(series[k].values[i] or 0.0 for k in range(index))
            y_top, y_bottom = plot.y(below + value), plot.y(below)
            ET.SubElement(
                group,
                "rect",
                {
                    "x": _num(plot.left + slot * i + gap / 2),
                    "y": _num(y_top),
                    "width": _num(max(0.6, slot - gap)),
                    "height": _num(max(0.5, y_bottom - y_top)),
                },
            )
    _category_labels(canvas, plot, categories, slot)
    return canvas.svg()


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    axis_label: str,
    fmt: Format = _plain,
    top: float | None = None,
    height: float = 300,
) -> str:
    """Lines over categories; a missing value (None) breaks the line. Markers when there are
    few points (they would blur into the line otherwise)."""
    canvas = _Canvas(chart_id, title, desc, height)
    if len(series) > 1:
        canvas.legend([s.label for s in series], lines=True)
    highest = max((v for s in series for v in s.values if v is not None), default=0.0)
    plot = _value_axis(
        canvas,
        top if top is not None else highest,
        fmt,
        legend=len(series) > 1,
        axis_label=axis_label,
    )
    slot = (plot.right - plot.left) / max(1, len(categories))
    markers = len(categories) <= 62
    for index, s in enumerate(series):
        look = LOOKS[index % len(LOOKS)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                if runs[-1]:
                    runs.append([])
                continue
            runs[-1].append((plot.left + slot * (i + 0.5), plot.y(value)))
        group = ET.SubElement(canvas.root, "g")
        for run in runs:
            if len(run) > 1:
                attrs = {
                    "points": " ".join(f"{_num(x)},{_num(y)}" for x, y in run),
                    "fill": "none",
                    "stroke": look.colour,
                    "stroke-width": "2.5",
                    "stroke-linejoin": "round",
                }
                if look.dash:
                    attrs["stroke-dasharray"] = look.dash
                ET.SubElement(group, "polyline", attrs)
            if markers or len(run) == 1:
                for x, y in run:
                    _marker(group, look, x, y)
    _category_labels(canvas, plot, categories, slot)
    return canvas.svg()


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    value_labels: Sequence[str],
    top: float | None = None,
) -> str:
    """Horizontal stacked bars, one row per label, each with its value written at its end."""
    row_height, bar_height = 30.0, 18.0
    legend = len(series) > 1
    head = 34.0 if legend else 10.0
    height = head + row_height * max(1, len(labels)) + 10
    canvas = _Canvas(chart_id, title, desc, height)
    if legend:
        canvas.legend([s.label for s in series], lines=False)
    left = min(300.0, max((text_width(label) for label in labels), default=40.0) + 16)
    widest_value = max((text_width(v) for v in value_labels), default=0.0)
    right = WIDTH - 12 - widest_value - 8
    totals = [sum(s.values[i] or 0.0 for s in series) for i in range(len(labels))]
    scale_top = top if top is not None else max(totals, default=0.0)
    scale = (right - left) / scale_top if scale_top > 0 else 0.0
    canvas.line(left, head, left, head + row_height * len(labels), AXIS, 1)
    for i, label in enumerate(labels):
        y = head + row_height * i
        canvas.text(left - 8, y + row_height / 2 + 4, label, anchor="end")
        x = left
        for index, s in enumerate(series):
            value = s.values[i] or 0.0
            if value <= 0:
                continue
            look = LOOKS[index % len(LOOKS)]
            width = max(1.0, value * scale)
            ET.SubElement(
                canvas.root,
                "rect",
                {
                    "x": _num(x),
                    "y": _num(y + (row_height - bar_height) / 2),
                    "width": _num(width),
                    "height": _num(bar_height),
                    "fill": canvas.fill(index),
                    "stroke": look.colour,
                    "stroke-width": "1",
                },
            )
            x += width
        canvas.text(x + 6, y + row_height / 2 + 4, value_labels[i])
    return canvas.svg()
