"""The timeline of the claims on one subject and predicate: who said what when.

One lane per position, coloured; a circle is a statement (at when it was said), a square an
evidence item (at when it was captured). Built by hand with ElementTree: the picture needs
nothing but text, lines and shapes, ElementTree escapes every name, and the same data give the
same bytes (coordinates are rounded, the order fixed, no date is written).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from statements.pictures.graph import PALETTE
from statements.selectors.workspace import TimelinePicture

WIDTH = 1000
LEFT = 250  # lane labels
RIGHT = 40
TOP = 56
LANE = 64
AXIS = 46
FONT = "Helvetica, Arial, sans-serif"
SVG_NS = "http://www.w3.org/2000/svg"
OTHER = "#9aa0a6"  # positions outside the dispute the timeline is drawn for


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
    )
    if text is not None:
        element.text = text
    return element


def _ticks(start: datetime, end: datetime, count: int = 6) -> list[datetime]:
    step = (end - start) / (count - 1)
    return [start + step * index for index in range(count)]


def _tick_label(moment: datetime, span: timedelta) -> str:
    if span > timedelta(days=3):
        return f"{moment:%d %b %Y}"
    return f"{moment:%d %b %H:%M}"


def timeline_svg(picture: TimelinePicture) -> bytes:
    """Return the timeline of ``picture`` as an SVG document."""
    lanes = picture.lanes or ((0, "no claims on record"),)
    height = TOP + LANE * len(lanes) + AXIS
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "width": str(WIDTH),
            "height": str(height),
            "viewBox": f"0 0 {WIDTH} {height}",
            "font-family": FONT,
            "font-size": "11",
        },
    )
    _el(svg, "title", f"Timeline: {picture.title}")
    _el(svg, "rect", x="0", y="0", width=str(WIDTH), height=str(height), fill="#ffffff")
    _el(svg, "text", picture.title, x="12", y="22", font_size="15", font_weight="bold")
    notes = []
    if picture.undated:
        notes.append(f"{picture.undated} undated claim(s) not drawn")
    if picture.left_out:
        notes.append(f"{picture.left_out} earlier claim(s) left out")
    legend = "● statement   ■ evidence" + (f"   ({'; '.join(notes)})" if notes else "")
    _el(svg, "text", legend, x="12", y="40", fill="#555555")

    times = [claim.when for claim in picture.claims]
    start, end = (min(times), max(times)) if times else (datetime(2000, 1, 1), datetime(2000, 1, 2))
    if end - start < timedelta(hours=1):
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    pad = (end - start) * 0.04
    start, end = start - pad, end + pad
    span = end - start
    plot = WIDTH - LEFT - RIGHT

    def x_of(moment: datetime) -> float:
        return LEFT + plot * ((moment - start) / span)

    if picture.highlighted:
        # The dispute's positions in the dispute page's colours; the others in grey.
        colour = {pk: OTHER for pk, _ in lanes}
        colour.update(
            (pk, PALETTE[index % len(PALETTE)]) for index, pk in enumerate(picture.highlighted)
        )
    else:
        colour = {pk: PALETTE[index % len(PALETTE)] for index, (pk, _) in enumerate(lanes)}
    lane_y = {pk: TOP + LANE * index + LANE / 2 for index, (pk, _) in enumerate(lanes)}
    for index, (pk, label) in enumerate(lanes):
        y = lane_y[pk]
        if index % 2:
            _el(
                svg,
                "rect",
                x="0",
                y=_num(y - LANE / 2),
                width=str(WIDTH),
                height=str(LANE),
                fill="#f6f7f9",
            )
        _el(
            svg,
            "line",
            x1=str(LEFT),
            x2=str(WIDTH - RIGHT),
            y1=_num(y),
            y2=_num(y),
            stroke=colour[pk],
            stroke_width="2",
            stroke_opacity="0.5",
        )
        _el(svg, "rect", x="12", y=_num(y - 6), width="12", height="12", fill=colour[pk])
        text = label if len(label) <= 34 else label[:33] + "…"
        _el(svg, "text", text, x="30", y=_num(y + 4), font_size="12")

    axis_y = TOP + LANE * len(lanes) + 8
    _el(
        svg,
        "line",
        x1=str(LEFT),
        x2=str(WIDTH - RIGHT),
        y1=_num(axis_y),
        y2=_num(axis_y),
        stroke="#333333",
    )
    for tick in _ticks(start, end):
        x = x_of(tick)
        _el(
            svg,
            "line",
            x1=_num(x),
            x2=_num(x),
            y1=_num(axis_y),
            y2=_num(axis_y + 5),
            stroke="#333333",
        )
        _el(
            svg,
            "text",
            _tick_label(tick, span),
            x=_num(x),
            y=_num(axis_y + 18),
            text_anchor="middle",
            fill="#333333",
        )

    # A label that would overwrite its neighbour in time moves to the next free row of its
    # lane: three above the line, two below.
    rows = (-11, -22, -33, 19, 30)
    last_x: dict[tuple[int, int], float] = {}
    for claim in picture.claims:
        x, y = x_of(claim.when), lane_y.get(claim.position, lane_y[lanes[0][0]])
        fill = colour.get(claim.position, "#666666")
        group = _el(svg, "g", class_="claim evidence" if claim.evidence else "claim statement")
        _el(group, "title", f"{claim.who}, {claim.when:%d %b %Y %H:%M} UTC")
        if claim.evidence:
            _el(
                group,
                "rect",
                x=_num(x - 6),
                y=_num(y - 6),
                width="12",
                height="12",
                fill=fill,
                stroke="#222222",
            )
        else:
            _el(group, "circle", cx=_num(x), cy=_num(y), r="6", fill=fill, stroke="#ffffff")
        name = claim.who if len(claim.who) <= 24 else claim.who[:23] + "…"
        row = next(
            (r for r in range(len(rows)) if x - last_x.get((claim.position, r), -1e9) > 130),
            None,
        )
        if row is None:
            continue  # the hover title still names it
        last_x[(claim.position, row)] = x
        anchor = "end" if x > WIDTH - RIGHT - 60 else "middle"
        _el(
            group,
            "text",
            name,
            x=_num(x),
            y=_num(y + rows[row]),
            text_anchor=anchor,
            font_size="10",
        )
    ET.indent(svg)
    document = ET.tostring(svg, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + document + "\n").encode()
