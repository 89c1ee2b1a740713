"""Inline SVG bar charts of progress, each with a text alternative; no script, no external files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW_HEIGHT, BAR_HEIGHT, LABEL_WIDTH, PLOT_WIDTH, VALUE_WIDTH = 46, 16, 120, 360, 70
# Dark blue on white and a hatched mid grey: both exceed 3:1 against the background (WCAG 1.4.11),
# and the hatching plus the legend keep the two series apart without colour.
NOW_COLOUR, BEFORE_COLOUR, TEXT_COLOUR = "#1f4e79", "#595959", "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    label: str
    before: float | None
    now: float | None


@dataclass(frozen=True)
class Chart:
    """An SVG chart plus its text alternative (title and a sentence per bar)."""

    id: str
    title: str
    description: str
    svg: Markup


def _bar(x: float, y: float, width: float, fill: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{BAR_HEIGHT}" fill="{fill}"/>'


def _value_label(x: float, y: float, text: str) -> str:
    return (
        f'<text x="{x + 4:.1f}" y="{y + BAR_HEIGHT - 3:.1f}" font-size="12" fill="{TEXT_COLOUR}">{escape(text)}</text>'
    )


def _legend(y: float, hatch: str, before: str, now: str) -> str:
    return (
        f'<rect x="{LABEL_WIDTH}" y="{y}" width="14" height="14" fill="url(#{hatch})"/>'
        f'<text x="{LABEL_WIDTH + 20}" y="{y + 12}" font-size="12" fill="{TEXT_COLOUR}">{escape(before)}</text>'
        f'<rect x="{LABEL_WIDTH + 120}" y="{y}" width="14" height="14" fill="{NOW_COLOUR}"/>'
        f'<text x="{LABEL_WIDTH + 140}" y="{y + 12}" font-size="12" fill="{TEXT_COLOUR}">{escape(now)}</text>'
    )


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    maximum: float,
    fmt: Callable[[float | None], str],
    series: tuple[str, str],
) -> Chart:
    """Grouped horizontal bars (previous hatched, current solid) with the value written beside each bar.

    The SVG is `role="img"` labelled by its <title> and described by its <desc>, and the same numbers
    are in the table that follows it in the report.
    """
    height = len(bars) * ROW_HEIGHT + 40
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    scale = PLOT_WIDTH / maximum if maximum else 0
    hatch = f"{chart_id}-hatch"  # ids must be unique in the page, which holds several charts
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">'
        ),
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>',
        (
            f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="{BEFORE_COLOUR}"/></pattern></defs>'
        ),
        _legend(4, hatch, *series),
    ]
    for index, bar in enumerate(bars):
        top = 30 + index * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{top + BAR_HEIGHT + 2}" font-size="13" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(bar.label)}</text>'
        )
        for offset, value, fill in ((0, bar.before, f"url(#{hatch})"), (BAR_HEIGHT + 2, bar.now, NOW_COLOUR)):
            width_px = (value or 0) * scale
            parts.append(_bar(LABEL_WIDTH, top + offset, width_px, fill))
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top + offset:.1f}" width="{max(width_px, 0):.1f}" '
                f'height="{BAR_HEIGHT}" fill="none" stroke="{BEFORE_COLOUR}" stroke-width="0.5"/>'
                if fill.startswith("url") and value
                else ""
            )
            parts.append(_value_label(LABEL_WIDTH + width_px, top + offset, fmt(value)))
    parts.append("</svg>")
    return Chart(chart_id, title, description, Markup("".join(parts)))
