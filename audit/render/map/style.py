"""How grades look on a map: colour, shape and letter together, so colour is never the only cue."""

from __future__ import annotations

from dataclasses import dataclass

from audit.model import ScoringPolicy

# Okabe-Ito colours stay distinguishable with the common colour-vision deficiencies.
_BY_GRADE_ORDER = (
    ("#009E73", "#ffffff", "circle"),
    ("#0072B2", "#ffffff", "square"),
    ("#E69F00", "#000000", "triangle"),
    ("#D55E00", "#ffffff", "octagon"),
)
UNGRADED = "-"
_UNGRADED_STYLE = ("#6b6b6b", "#ffffff", "ring")

# 24x24 outlines; a dark stroke keeps light fills visible on light tiles (non-text contrast 3:1).
_SHAPES = {
    "circle": '<circle cx="12" cy="12" r="10"/>',
    "square": '<rect x="2.5" y="2.5" width="19" height="19" rx="1.5"/>',
    "triangle": '<path d="M12 1.5 L23 22 H1 Z"/>',
    "octagon": '<path d="M7.6 1.5 H16.4 L22.5 7.6 V16.4 L16.4 22.5 H7.6 L1.5 16.4 V7.6 Z"/>',
    "ring": '<circle cx="12" cy="12" r="9.5" stroke-dasharray="3 2"/>',
}
# The triangle's visual centre is lower, so its letter sits lower too.
_LETTER_Y = {"triangle": 19}


@dataclass(frozen=True)
class GradeStyle:
    """One grade's symbol. `letter` is drawn inside the shape; `label` is the policy's text."""

    code: str
    letter: str
    colour: str
    text_colour: str
    shape: str
    label: str
    passing: bool

    def svg(self, blocked: bool = False, size: int = 24) -> str:
        """Static SVG markup (no user text in it), shared by the markers and the legend."""
        letter_y = _LETTER_Y.get(self.shape, 16.5)
        badge = (
            '<circle cx="20" cy="4" r="4" fill="#000" stroke="#fff" stroke-width="1"/>'
            '<text x="20" y="6.5" font-size="7" font-weight="700" fill="#fff" text-anchor="middle">!</text>'
            if blocked
            else ""
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="{size}" height="{size}" '
            f'aria-hidden="true" focusable="false">'
            f'<g fill="{self.colour}" stroke="#1a1a1a" stroke-width="1.2">{_SHAPES[self.shape]}</g>'
            f'<text x="12" y="{letter_y}" font-family="sans-serif" font-size="10" font-weight="700" '
            f'fill="{self.text_colour}" text-anchor="middle">{self.letter}</text>{badge}</svg>'
        )


def grade_styles(policy: ScoringPolicy, lang: str, ungraded_label: str) -> list[GradeStyle]:
    """The policy's grades, best first, then the 'not scored' style last."""
    styles = []
    for index, grade in enumerate(policy.grades):
        colour, text_colour, shape = _BY_GRADE_ORDER[min(index, len(_BY_GRADE_ORDER) - 1)]
        if not grade.passing:  # whatever the number of bands, failing ones always look like a stop sign
            colour, text_colour, shape = _BY_GRADE_ORDER[-1]
        label = grade.label.get(lang) or grade.label.get("zh") or grade.code
        styles.append(GradeStyle(grade.code, grade.code, colour, text_colour, shape, label, grade.passing))
    colour, text_colour, shape = _UNGRADED_STYLE
    styles.append(GradeStyle(UNGRADED, "?", colour, text_colour, shape, ungraded_label, False))
    return styles


# Roads: compliant segments solid, others dashed; the colour repeats the grade.
ROAD_WEIGHT = 5
ROAD_DASH_NON_COMPLIANT = "10 8"
GAP_STYLE = {"outer": "#000000", "inner": "#ffffff", "weight": 9, "dash": "2 6"}

# Counties: a sequential single-hue scale (light = low, dark = high) with text bins in the legend.
COUNTY_BINS = (
    (0.0, 0.2, "#f7fbff"),
    (0.2, 0.4, "#c6dbef"),
    (0.4, 0.6, "#6baed6"),
    (0.6, 0.8, "#2171b5"),
    (0.8, 1.0001, "#08306b"),
)
COUNTY_NO_DATA = "#bdbdbd"


def county_bin(rate: float | None) -> int:
    """Index into COUNTY_BINS, or -1 for no data."""
    if rate is None:
        return -1
    for index, (low, high, _colour) in enumerate(COUNTY_BINS):
        if low <= rate < high:
            return index
    return len(COUNTY_BINS) - 1
