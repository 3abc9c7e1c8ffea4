"""Lay out a dossier's timeline: where each mark goes on an SVG time axis (pure geometry, no rendering).

Marks: the entry into force of each obligation for the State, each incident (its radius grows with the number
of people, a ring spans the counts where sources disagree, a dashed bar the dates where they disagree), each UN
finding and recommendation, each stated position. A date known only by month or year is drawn as a bar over that
month or year, never as a day the sources do not give. Marks of one lane that would overlap go to sub-rows.
The axis is stretched where marks crowd (see :class:`TimeScale`); its year ticks show the scale.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from typing import Any

#: Lanes from top to bottom: (lane, heading). Resolutions go to the recommendations' lane.
LANES = (
    ("obligation", "Obligations in force"),
    ("incident", "Incidents"),
    ("finding", "UN findings"),
    ("recommendation", "UN recommendations"),
    ("position", "State positions"),
)
_LANE_OF_KIND = {
    "forced-return": "incident",
    "treatment-of-returnees": "incident",
    "detention": "incident",
    "finding": "finding",
    "recommendation": "recommendation",
    "resolution": "recommendation",
}

WIDTH = 1100.0
LEFT = 160.0  # room for the lane headings
RIGHT = 24.0
TOP = 8.0
AXIS_HEIGHT = 34.0
LANE_PADDING = 6.0
MARK_RADIUS = 6.0
MIN_RADIUS = 3.0
MAX_EXTRA_RADIUS = 9.0
TIME_WEIGHT = 0.5  # share of the axis laid out by time; the rest by the marks' cumulative share
TICK_SPACING = 38.0
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass
class Mark:
    """One mark of the timeline: what it shows, and where (SVG user units)."""

    id: str
    kind: str  # obligation, forced-return, detention, treatment-of-returnees, finding, recommendation, ...
    lane: str
    label: str
    date_text: str
    item: dict[str, Any]
    start: datetime.date
    end: datetime.date
    x: float = 0.0
    y: float = 0.0
    r: float = MARK_RADIUS
    r_inner: float | None = None  # incidents whose sources give different counts: the smallest count
    x1: float = 0.0  # the span of the date (a month, a year, a range of days)
    x2: float = 0.0
    range_x1: float | None = None  # the span of the dates sources disagree on
    range_x2: float | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Lane:
    """A horizontal band of the chart holding the marks of one kind."""

    key: str
    heading: str
    y: float
    height: float
    rows: int


@dataclass
class Timeline:
    """The laid-out chart: size, axis, lanes, marks; and the items that have no date (listed, not drawn)."""

    width: float
    height: float
    start: datetime.date
    end: datetime.date
    axis_y: float
    ticks: list[tuple[float, str]]
    lanes: list[Lane]
    marks: list[Mark]
    guides: list[float] = field(default_factory=list)
    undated: list[Mark] = field(default_factory=list)
    left: float = LEFT
    right: float = WIDTH - RIGHT
    minor_ticks: list[float] = field(default_factory=list)


def date_span(text: str) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day an ISO 8601 date, year-month or year covers."""
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"not an ISO 8601 date: {text!r}")
    year, month, day = match.groups()
    if day is not None:
        first = datetime.date(int(year), int(month), int(day))
        return first, first
    if month is not None:
        first = datetime.date(int(year), int(month), 1)
        following = datetime.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        return first, following - datetime.timedelta(days=1)
    return datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)


def collect_marks(dossier: dict[str, Any]) -> list[Mark]:
    """Return one mark per dated or undated item of the dossier, in section order (not yet placed)."""
    marks: list[Mark] = []
    seen_obligations: set[tuple[str, str]] = set()
    for o in dossier["obligations"]:
        if o["bound_since"] is None or (o["iri"], o["bound_since"]) in seen_obligations:
            continue
        seen_obligations.add((o["iri"], o["bound_since"]))
        o_item = {**o, "sources": o["basis"]["sources"]}
        # A binding that ended is drawn as its interval: from its start to the last day it bound.
        last = o.get("bound_until")
        if last is not None:
            last = (datetime.date.fromisoformat(last) - datetime.timedelta(days=1)).isoformat()
        marks.append(_mark(marks, "obligation", "obligation", o_item, o["bound_since"], last, o["label"]))
    for i in dossier["incidents"]:
        marks.append(_mark(marks, i["kind"], "incident", i, i["date"], i["end_date"], i["label"]))
    for s in dossier["un_statements"]:
        marks.append(_mark(marks, s["kind"], _LANE_OF_KIND[s["kind"]], s, s["date"], None, s["label"]))
    for p in dossier["positions"]:
        marks.append(_mark(marks, "position", "position", p, p["date"], None, p["label"]))
    return marks


def _mark(
    marks: list[Mark], kind: str, lane: str, item: dict[str, Any], date: str | None, end: str | None, label: str | None
) -> Mark:
    if date is None:
        first = last = datetime.date.min
        text = "undated"
    else:
        first, last = date_span(date)
        if end:
            last = max(last, date_span(end)[1])
        text = f"{date}..{end}" if end else date
    return Mark(
        f"m{len(marks) + 1}", kind, lane, label or item["iri"], text, item, first, last, sources=item["sources"]
    )


class TimeScale:
    """Map days to x: half by time, half by how many marks come before (the axis stretches where marks crowd).

    A linear axis over decades leaves the years with most events a few pixels wide; blending in the marks'
    cumulative share spreads them out while keeping the order of time. Year ticks show the scale.
    """

    def __init__(self, start: datetime.date, end: datetime.date, days: list[datetime.date], left: float, width: float):
        self.start, self.end, self.left, self.width = start, end, left, width
        self.total = max((end - start).days + 1, 1)
        self.knots: list[tuple[int, float]] = [(0, 0.0)]
        counted = 0
        ordinals = sorted((d - start).days for d in days)
        for ordinal in sorted(set(ordinals)):
            here = ordinals.count(ordinal)
            if 0 < ordinal < self.total:
                self.knots.append((ordinal, (counted + here / 2) / len(ordinals)))
            counted += here
        self.knots.append((self.total, 1.0))

    def _share(self, ordinal: int) -> float:
        for (d0, f0), (d1, f1) in zip(self.knots, self.knots[1:], strict=False):
            if ordinal <= d1:
                return f0 + (f1 - f0) * (ordinal - d0) / max(d1 - d0, 1)
        return 1.0

    def __call__(self, day: datetime.date) -> float:
        """Return the x of the start of a day."""
        ordinal = min(max((day - self.start).days, 0), self.total)
        blend = TIME_WEIGHT * ordinal / self.total + (1 - TIME_WEIGHT) * self._share(ordinal)
        return round(self.left + blend * self.width, 2)

    def ticks(self) -> tuple[list[tuple[float, str]], list[float]]:
        """Return labelled year ticks (spaced apart) and a faint line at every other year start."""
        years = {y: self(datetime.date(y, 1, 1)) for y in range(self.start.year, self.end.year + 1)}
        labelled: list[tuple[float, str]] = []
        for step in (50, 10, 5, 2, 1):
            for year, x in years.items():
                if year % step == 0 and all(abs(x - other) >= TICK_SPACING for other, _ in labelled):
                    labelled.append((x, str(year)))
        labelled.sort()
        minor = [x for x in years.values() if all(x != other for other, _ in labelled)]
        return labelled, minor


def layout(dossier: dict[str, Any], today: datetime.date) -> Timeline:
    """Place the dossier's marks on an axis from the earliest binding date (or earlier mark) to today."""
    marks = collect_marks(dossier)
    dated = [m for m in marks if m.start != datetime.date.min]
    undated = [m for m in marks if m.start == datetime.date.min]
    earliest = min((m.start for m in dated), default=today)
    start = datetime.date(earliest.year, 1, 1)
    end = max([today, *(m.end for m in dated)])
    x_of = TimeScale(start, end, [m.start + (m.end - m.start) / 2 for m in dated], LEFT, WIDTH - LEFT - RIGHT)

    def x_after(day: datetime.date) -> float:
        return x_of(day + datetime.timedelta(days=1))

    people = [m.item["people_max"] for m in dated if m.lane == "incident" and m.item.get("people_max")]
    most = max(people, default=1)
    for m in dated:
        m.x1, m.x2 = x_of(m.start), x_after(m.end)
        m.x = round((m.x1 + m.x2) / 2, 2)
        if m.lane == "incident":
            m.r, m.r_inner = _radii(m.item, most)
            claimed = [date_span(d) for d in m.item.get("claimed_dates", [])]
            if claimed:
                low = min([m.start, *(c[0] for c in claimed)])
                high = max([m.end, *(c[1] for c in claimed)])
                if (low, high) != (m.start, m.end):
                    m.range_x1, m.range_x2 = x_of(low), x_after(high)
    lanes = []
    y = TOP
    for key, heading in LANES:
        in_lane = sorted((m for m in dated if m.lane == key), key=lambda m: (_left(m), m.id))
        row_height = 2 * max([MARK_RADIUS, *(m.r for m in in_lane)]) + 6
        rows_end: list[float] = []
        for m in in_lane:
            row = next((i for i, right in enumerate(rows_end) if right <= _left(m)), len(rows_end))
            if row == len(rows_end):
                rows_end.append(0.0)
            rows_end[row] = _right(m)
            m.y = round(y + LANE_PADDING + row * row_height + row_height / 2, 2)
        rows = max(len(rows_end), 1)
        height = rows * row_height + 2 * LANE_PADDING
        lanes.append(Lane(key, heading, y, height, rows))
        y += height
    guides = sorted({m.x for m in dated if m.lane == "obligation"})
    dated.sort(key=lambda m: (m.start, m.end, m.id))
    ticks, minor = x_of.ticks()
    return Timeline(WIDTH, y + AXIS_HEIGHT, start, end, y, ticks, lanes, dated, guides, undated, minor_ticks=minor)


def _radii(incident: dict[str, Any], most: int) -> tuple[float, float | None]:
    """Return the radius of an incident (area grows with the largest count) and, where counts differ, the inner one."""
    high, low = incident.get("people_max"), incident.get("people_min")
    if high is None:
        return MIN_RADIUS + 1, None

    def radius(n: int) -> float:
        return round(MIN_RADIUS + MAX_EXTRA_RADIUS * math.sqrt(n / most), 2)

    return radius(high), (radius(low) if low is not None and low != high else None)


def _left(m: Mark) -> float:
    return min(m.x - m.r, m.x1, m.range_x1 if m.range_x1 is not None else m.x1) - 3


def _right(m: Mark) -> float:
    return max(m.x + m.r, m.x2, m.range_x2 if m.range_x2 is not None else m.x2) + 3
