"""Geometry for the pupil page's two server-side SVG charts (pure: no Flask, no database).

The templates draw what these return with presentation attributes only (no style=, CSP), and
always show a table with the same numbers beside the chart as its text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mentorhub.timeutil import show_day

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 10, 28
SERIES = ("messages", "attempts", "checkins")
# Distinct in hue and lightness, each with its own legend entry and table column.
COLOURS = {"messages": "#1f5f99", "attempts": "#c2571a", "checkins": "#2e7d32"}
AREA_COLOURS = ("#1f5f99", "#c2571a", "#2e7d32", "#6a3d9a", "#8c564b")


@dataclass(frozen=True)
class Bar:
    series: str
    x: float
    y: float
    width: float
    height: float
    value: int
    fill: str


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class ActivityChart:
    bars: list[Bar]
    x_labels: list[Tick]
    y_ticks: list[Tick]
    top: int


def _plot_height() -> int:
    return HEIGHT - TOP - BOTTOM


def activity_chart(weeks: Sequence, label_every: int = 2) -> ActivityChart:
    """Grouped bars per week (messages, attempts, check-ins); weeks are `WeekActivity`."""
    top = max([1, *(max(w.messages, w.attempts, w.checkins) for w in weeks)])
    slot = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1)
    bar_w = max(slot / (len(SERIES) + 1), 1.0)
    scale = _plot_height() / top
    bars, labels = [], []
    for i, week in enumerate(weeks):
        for j, series in enumerate(SERIES):
            value = getattr(week, series)
            h = value * scale
            x = LEFT + i * slot + (j + 0.5) * bar_w
            bars.append(
                Bar(
                    series,
                    round(x, 1),
                    round(TOP + _plot_height() - h, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    value,
                    COLOURS[series],
                )
            )
        if i % label_every == 0:
            labels.append(
                Tick(
                    round(LEFT + i * slot + slot / 2, 1),
                    HEIGHT - 10,
                    week.week_start.strftime("%-d/%-m"),
                )
            )
    y_ticks = [
        Tick(LEFT - 4, round(TOP + _plot_height() - v * scale, 1), str(v))
        for v in sorted({0, top // 2, top})
    ]
    return ActivityChart(bars, labels, y_ticks, top)


@dataclass(frozen=True)
class LevelLine:
    area: str
    points: str  # "x,y x,y ..." for <polyline>
    dots: list[tuple[float, float, int]]
    stroke: str


@dataclass(frozen=True)
class LevelChart:
    lines: list[LevelLine]
    y_ticks: list[Tick]
    x_labels: list[Tick]


def level_chart(
    history: Sequence, now: datetime, levels: Sequence[int] = (1, 2, 3, 4, 5)
) -> LevelChart:
    """A step line per subject area from its level changes (`LevelPoint`s, oldest first),
    held at the last level until `now`."""
    if not history:
        return LevelChart([], [], [])
    start = history[0].at
    span = max((now - start).total_seconds(), 1.0)
    low, high = min(levels), max(levels)

    def x(at: datetime) -> float:
        return round(LEFT + (at - start).total_seconds() / span * (WIDTH - LEFT - RIGHT), 1)

    def y(level: int) -> float:
        return round(TOP + (high - level) / max(high - low, 1) * _plot_height(), 1)

    by_area: dict[str, list] = {}
    for point in history:
        by_area.setdefault(point.area, []).append(point)
    lines = []
    for n, (area, points) in enumerate(sorted(by_area.items())):
        coords: list[tuple[float, float]] = []
        dots = []
        for p in points:
            if p.from_level is not None and not coords:
                coords.append((x(p.at), y(p.from_level)))
            if coords:
                coords.append((x(p.at), coords[-1][1]))  # hold the level until the change
            coords.append((x(p.at), y(p.to_level)))
            dots.append((x(p.at), y(p.to_level), p.to_level))
        coords.append((x(now), coords[-1][1]))
        lines.append(
            LevelLine(
                area,
                " ".join(f"{a},{b}" for a, b in coords),
                dots,
                AREA_COLOURS[n % len(AREA_COLOURS)],
            )
        )
    y_ticks = [Tick(LEFT - 4, y(lv), str(lv)) for lv in levels]
    x_labels = [
        Tick(LEFT, HEIGHT - 10, show_day(start)),
        Tick(WIDTH - RIGHT, HEIGHT - 10, show_day(now)),
    ]
    return LevelChart(lines, y_ticks, x_labels)
