"""A member's own check-in history as a PNG chart, with a summary that doubles as alt text."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo

CHART_SIZE = (800, 400)  # pixels
DPI = 100
# Okabe–Ito colours read apart with colour-vision differences; markers and dashes differ too.
LOAD_COLOUR = "#D55E00"
ENERGY_COLOUR = "#0072B2"
STEADY_WITHIN = 0.5
MAX_TICKS = 8


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One check-in as the chart sees it."""

    when: datetime
    load: int
    energy: int


def direction(values: Sequence[int]) -> tuple[str, float, float] | None:
    """Compare the earlier half with the later half: rising, falling or about the same."""
    if len(values) < 2:
        return None
    middle = len(values) // 2
    earlier, later = fmean(values[:middle]), fmean(values[middle:])
    if later - earlier >= STEADY_WITHIN:
        return "rising", earlier, later
    if earlier - later >= STEADY_WITHIN:
        return "falling", earlier, later
    return "about the same", earlier, later


def _describe_one(name: str, values: Sequence[int]) -> str:
    sentence = f"{name} averaged {fmean(values):.1f} out of 5"
    found = direction(values)
    if found is None:
        return sentence + "."
    word, earlier, later = found
    if word == "about the same":
        return f"{sentence} and has stayed about the same."
    return f"{sentence} and has been {word} ({earlier:.1f} earlier, {later:.1f} more recently)."


def describe(points: Sequence[HistoryPoint], weeks: int) -> str:
    """Summarise the history in plain words: how many, averages and direction."""
    if not points:
        return f"You haven't logged any check-ins in the last {weeks} weeks."
    count = "one check-in" if len(points) == 1 else f"{len(points)} check-ins"
    parts = [
        f"You logged {count} in the last {weeks} weeks.",
        _describe_one("Emotional labour", [p.load for p in points]),
        _describe_one("Energy", [p.energy for p in points]),
    ]
    if len(points) < 2:
        parts.append("A direction shows once there are a few more.")
    return " ".join(parts)


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def render_chart(points: Sequence[HistoryPoint], weeks: int, zone: str) -> bytes:
    """Draw load and energy over time as an 800×400 PNG (no pyplot, so safe in a thread)."""
    # matplotlib costs about 30 MiB of memory once imported; most bots never draw a chart, so
    # it is loaded on the first one rather than at start-up.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    tz = ZoneInfo(zone)
    figure = Figure(figsize=(CHART_SIZE[0] / DPI, CHART_SIZE[1] / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    local = [p.when.astimezone(tz) for p in points]
    first_day = local[0].date() - timedelta(days=local[0].weekday())
    origin = datetime.combine(first_day, time(0), tz)
    times = [(moment - origin).total_seconds() / 86400 for moment in local]
    axes.plot(
        times,
        [p.load for p in points],
        color=LOAD_COLOUR,
        marker="o",
        linewidth=2,
        label="Emotional labour (1 light – 5 heavy)",
    )
    axes.plot(
        times,
        [p.energy for p in points],
        color=ENERGY_COLOUR,
        marker="s",
        linestyle="--",
        linewidth=2,
        label="Energy (1 empty – 5 plenty)",
    )
    axes.set_ylim(0.5, 5.5)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.grid(axis="y", alpha=0.3)
    # Mondays as ticks (every few when the window is long), labelled like "12 Jan".
    mondays = list(range(0, int(times[-1]) + 1, 7))
    step = max(1, -(-len(mondays) // MAX_TICKS))
    shown = mondays[::step]
    axes.set_xticks(shown, [_day_label(first_day + timedelta(days=d)) for d in shown])
    axes.set_xlim(min(times) - 1, max(max(times), shown[-1]) + 1)
    axes.set_title(f"Your check-ins over the last {weeks} weeks")
    axes.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize="small", frameon=False
    )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.subplots_adjust(left=0.06, right=0.98, top=0.9, bottom=0.2)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
