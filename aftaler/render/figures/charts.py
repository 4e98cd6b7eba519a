"""Charts: one small chart per indicator, the area against the municipality over the years.

Input is a row of the status model (status.indicator_row): its `serier` (the area, per sub-area),
`kommune_serier`, `maal` and `enhed`. The baseline is marked with an open square, the target
with a star and a dotted line. Axes use Danish number style (90 %, 3,45). Points stand at their
year (whole years on the x axis). Every text is at least 8 pt at the chart's printed width.

A note's charts share one `palette` (charts.palette): a sub-area has the same colour in every
chart. Lines with the same points are drawn once, with both names in the legend.

The chart is laid out here as a drawing.Drawing (sizes in points) and written by drawing.py as
SVG for the site or PNG for Word; the same data gives the same bytes.
"""
from __future__ import annotations

import math

from ... import danish
from . import drawing
from .drawing import Drawing, Line, Marker, Picture, Rect, Text

FONT_SIZE, LEGEND_SIZE = 8.0, 8.0  # points, at WIDTH_CM: the size they print at
DPI = 200
# Enough colours that the sub-areas of a whole note (and its elections) need not share one.
AREA_COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#00838f", "#b4006e", "#843c0c"]
MUNICIPALITY_COLOURS = ["#595959", "#a5a5a5", "#7f7f7f"]
# A comparison line's dash tells it from the others where their greys are hard to tell apart.
COMPARISON_DASHES = [(5.9, 2.6), (1.6, 1.6), (9.0, 2.4, 1.6, 2.4)]
TARGET_COLOUR = "#c00000"
AXIS_COLOUR, GRID_COLOUR = "#000000", "#d9d9d9"
WIDTH_CM = 14.0
# In points: the plot's place in the figure, the room for the year labels under it, a legend row.
LEFT, RIGHT, TOP, PLOT = 43.2, 10.8, 7.2, 111.6
TICKS, LEGEND_ROW, TICK = 23.0, 13.2, 3.5
SERIES_WIDTH, DASH, DOTS = 1.6, (5.9, 2.6), (1.0, 1.65)
_SAMPLE, _GAP = 2.2 * LEGEND_SIZE, 0.8 * LEGEND_SIZE  # a legend entry's line sample and the space after it


def chart_png(row: dict, colours: dict | None = None) -> bytes | None:
    chart = chart_drawing(row, colours)
    return None if chart is None else drawing.png(chart, DPI)


def chart_svg(row: dict, colours: dict | None = None) -> str | None:
    """The chart as an <svg> element with a <title> for screen readers, or None."""
    chart = chart_drawing(row, colours)
    return None if chart is None else drawing.svg(chart, description(row))


def chart_picture(row: dict, width_cm: float = WIDTH_CM, colours: dict | None = None) -> Picture | None:
    """The chart as a Picture for a Word template (`|billede`), or None when there is nothing to draw.
    At WIDTH_CM its texts print at their size (8 pt); narrower, they shrink with it."""
    chart = chart_drawing(row, colours)
    return None if chart is None else Picture(chart, width_cm, description(row), DPI)


def palette(rows) -> dict:
    """One colour (and dash) per series name across all the charts of a note: the area's sub-areas
    in the order they first appear, then the comparisons (the municipality, the country).
    A comparison named like a sub-area ("Kommunalvalg") takes the sub-area's colour, dashed."""
    area, comparison = [], []
    for row in rows:
        area += [s["betegnelse"] for s in row["serier"] if s["betegnelse"] not in area]
        comparison += [s["betegnelse"] for s in row["kommune_serier"] if s["betegnelse"] not in comparison]
    colours = {("area", label): (AREA_COLOURS[i % len(AREA_COLOURS)], ()) for i, label in enumerate(area)}
    shared = [label for label in comparison if label is not None and label in area]
    others = [label for label in comparison if label not in shared]
    for i, label in enumerate(others):
        colours["comparison", label] = (MUNICIPALITY_COLOURS[i % len(MUNICIPALITY_COLOURS)],
                                        COMPARISON_DASHES[i % len(COMPARISON_DASHES)])
    for label in shared:
        colours["comparison", label] = (colours["area", label][0], DASH)
    return colours


def description(row: dict) -> str:
    years = [int(x) for x in _all_x(row, _all_lines(row, palette([row])))]
    span = f" {min(years)}-{max(years)}" if years else ""
    marked = "baseline og mål" if (row.get("maal") or {}).get("vaerdi") is not None else "baseline"
    return f"Graf: {row['indikator']} – boligområdet og kommunen{span}, med {marked}"


def chart_drawing(row: dict, colours: dict | None = None) -> Drawing | None:
    """The chart laid out in points, or None when the indicator has no number to show."""
    lines = _all_lines(row, colours or palette([row]))
    target = row.get("maal") or {}
    if not lines:
        return None
    width = WIDTH_CM / 2.54 * 72
    legend = _legend_entries(row, lines)
    columns = _legend_columns([label for label, _ in legend], width - LEFT)
    rows = math.ceil(len(legend) / columns)
    height = TOP + PLOT + TICKS + LEGEND_ROW * rows
    plot = (LEFT, TOP, width - LEFT - RIGHT, PLOT)  # x, y, width, height

    values = [y for *_, points, _ in lines for _, y in points]
    if target.get("vaerdi") is not None:
        values.append(target["vaerdi"])
    low, high = _limits([float(v) for v in values], row["enhed"] == "procent")
    xs = _all_x(row, lines)
    years = list(range(math.floor(min(xs)), math.floor(max(xs)) + 1))
    x_low, x_high = years[0] - 0.4, max(years[-1], max(xs)) + 0.4

    def at(x, y) -> tuple[float, float]:
        return (plot[0] + (float(x) - x_low) / (x_high - x_low) * plot[2],
                plot[1] + (high - float(y)) / (high - low) * plot[3])

    shapes = _axes(row, plot, low, high, years, at)
    for label, colour, dash, points, baseline in lines:
        line_points = tuple(at(x, y) for x, y in points)
        shapes.append(Line(line_points, colour, SERIES_WIDTH, dash))
        shapes += [Marker(x, y, "circle", 3.5, colour) for x, y in line_points]
        if baseline is not None:
            shapes.append(Marker(*at(*baseline), "square", 6, colour, fill="#ffffff", edge_width=1.4))
    if target.get("vaerdi") is not None:
        _, y = at(x_low, target["vaerdi"])
        shapes.append(Line(((plot[0], y), (plot[0] + plot[2], y)), TARGET_COLOUR, 1.0, DOTS))
        shapes.append(Marker(*at(target["frist_aar"], target["vaerdi"]), "star", 10, TARGET_COLOUR))
    shapes += _legend(legend, columns, plot, width)
    return Drawing(width, height, tuple(shapes))


def _axes(row: dict, plot, low: float, high: float, years: list[int], at) -> list:
    """Grid, the left and bottom axis, their ticks and Danish labels."""
    left, top, width, height = plot
    bottom = top + height
    ticks = [t for t in _nice_ticks(low, high) if low - 1e-9 <= t <= high + 1e-9]
    digits = _decimals_needed(ticks)
    shapes: list = [Rect(left, top, width, height, "#ffffff")]
    for tick in ticks:
        _, y = at(years[0], tick)
        shapes.append(Line(((left, y), (left + width, y)), GRID_COLOUR, 0.6))
    shapes += [Line(((left, top), (left, bottom), (left + width, bottom)), AXIS_COLOUR, 0.8)]
    for tick in ticks:
        _, y = at(years[0], tick)
        shapes.append(Line(((left - TICK, y), (left, y)), AXIS_COLOUR, 0.8))
        shapes.append(Text(left - TICK - 3.5, y + FONT_SIZE * 0.36, _number(tick, row["enhed"], digits), FONT_SIZE,
                           anchor="end"))
    # A tick for every year; a label for every year that fits (a long series labels every 2nd, 5th, …).
    label_room = drawing.text_width("0000", FONT_SIZE) + 6
    every = next(step for step in (1, 2, 5, 10, 20, 50, 100, len(years)) if len(years) / step * label_room <= width)
    for year in years:
        x, _ = at(year, low)
        shapes.append(Line(((x, bottom), (x, bottom + TICK)), AXIS_COLOUR, 0.8))
        if (year - years[0]) % every == 0:
            shapes.append(Text(x, bottom + TICK + 3.5 + FONT_SIZE * 0.76, str(year), FONT_SIZE, anchor="middle"))
    return shapes


def _legend_entries(row: dict, lines) -> list[tuple]:
    """(label, what its sample shows) for every line, the baseline marker and the target."""
    entries = [(label, ("line", colour, dash)) for label, colour, dash, *_ in lines]
    if any(b is not None for *_, b in lines):
        entries.append(("Baseline", ("square", "#404040", None)))
    target = row.get("maal") or {}
    if target.get("vaerdi") is not None:
        entries.append((f"Mål: {_number(target['vaerdi'], row['enhed'])} senest {target['frist_aar']}",
                        ("star", TARGET_COLOUR, None)))
    return entries


def _legend_columns(labels: list[str], room: float) -> int:
    """Three columns when every label fits in a third of the width, else two, else one."""
    for columns in (3, 2):
        if all(_SAMPLE + _GAP + drawing.text_width(label, LEGEND_SIZE) <= room / columns - 4 for label in labels):
            return columns
    return 1


def _legend(entries: list[tuple], columns: int, plot, width: float) -> list:
    """The legend under the plot, row by row: a sample of each line or marker and its label."""
    column = (width - plot[0]) / columns
    shapes: list = []
    for i, (label, (kind, colour, dash)) in enumerate(entries):
        x = plot[0] + (i % columns) * column
        y = plot[1] + plot[3] + TICKS + (i // columns) * LEGEND_ROW + LEGEND_ROW / 2
        middle = (x + _SAMPLE / 2, y)
        if kind == "line":
            shapes.append(Line(((x, y), (x + _SAMPLE, y)), colour, SERIES_WIDTH, dash))
            shapes.append(Marker(*middle, "circle", 3.5, colour))
        elif kind == "square":
            shapes.append(Marker(*middle, "square", 6, colour, fill="#ffffff", edge_width=1.4))
        else:
            shapes.append(Marker(*middle, "star", 10, colour))
        shapes.append(Text(x + _SAMPLE + _GAP, y + LEGEND_SIZE * 0.36, label, LEGEND_SIZE))
    return shapes


def _nice_ticks(low: float, high: float, most: int = 4) -> list[float]:
    """Round tick values over [low, high]: steps of 1, 2, 2,5 or 5 times a power of ten, at most
    `most` intervals (the labels must stay readable in a small chart)."""
    span = high - low
    if span <= 0:
        return [low]
    magnitude = 10 ** math.floor(math.log10(span / most))
    for factor in (1, 2, 2.5, 5, 10, 20):
        step = factor * magnitude
        first = math.ceil(low / step - 1e-9)
        last = math.floor(high / step + 1e-9)
        if last - first <= most:
            return [round(k * step, 10) for k in range(first, last + 1)]
    return [low, high]


def _all_lines(row: dict, colours: dict) -> list[tuple]:
    """(label, colour, dash, points, baseline point) per series; the baseline starts the line.

    The area's lines are solid, the municipality's (or another comparison's) dashed, named by
    their label ("alle HHP") unless the area uses the same one ("Kommunalvalg"). A point stands at
    its year; only a series measured twice in one year keeps the date's place within the year.
    Series with the same points are one line: "A og B (samme tal)".
    """
    area_labels = {s["betegnelse"] for s in row["serier"]}
    lines = []
    for series, where in ((row["serier"], "area"), (row["kommune_serier"], "comparison")):
        for s in series:
            baseline = (s["baseline_aar"], s["baseline"]) if s["baseline"] is not None and s["baseline_aar"] else None
            years = [p.get("aar") for p in s["punkter"]]
            whole = None not in years and len(set(years)) == len(years)
            points = ([baseline] if baseline else []) + [(p["aar"] if whole else p["x"], p["vaerdi"])
                                                         for p in s["punkter"]]
            if not points:
                continue
            if where == "area":
                label = f"Boligområdet ({s['betegnelse']})" if s["betegnelse"] else "Boligområdet"
            else:
                label = s["betegnelse"] or "Kommunen"
                if s["betegnelse"] and s["betegnelse"] in area_labels:
                    label = f"Kommunen ({s['betegnelse']})"
            colour, dash = colours.get((where, s["betegnelse"])) or palette([row])[where, s["betegnelse"]]
            lines.append((label, colour, dash, points, baseline))
    return _merge_coinciding(lines)


def _merge_coinciding(lines: list[tuple]) -> list[tuple]:
    """One line for series with the same points, named after all of them."""
    merged: dict[tuple, list] = {}
    for line in lines:
        key = tuple((float(x), float(y)) for x, y in line[3])
        if key in merged:
            merged[key][0].append(line[0])
        else:
            merged[key] = [[line[0]], line]
    result = []
    for labels, (_, colour, dash, points, baseline) in merged.values():
        label = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} og {labels[-1]} (samme tal)"
        result.append((label, colour, dash, points, baseline))
    return result


def _number(value, unit: str, digits: int | None = None) -> str:
    return danish.percent(value, digits) if unit == "procent" else danish.number(value, digits)


def _all_x(row: dict, lines: list[tuple]) -> list[float]:
    xs = [x for *_, points, _ in lines for x, _ in points]
    if (row.get("maal") or {}).get("vaerdi") is not None:
        xs.append(row["maal"]["frist_aar"])
    return xs


def _limits(values: list[float], percent: bool) -> tuple[float, float]:
    """A little room around the values; percentages stay within 0-100."""
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1)
    low, high = low - pad, high + pad
    if percent:
        low, high = max(low, 0.0), min(high, 100.0)
    return low, high


def _decimals_needed(ticks: list[float]) -> int:
    """The fewest decimals that show every tick exactly (0,25 needs two; 90 none)."""
    for digits in range(5):
        if all(abs(round(t, digits) - t) < 1e-9 for t in ticks):
            return digits
    return 4
