"""Charts: one small chart per indicator, the area against the municipality over the years.

Input is a row of the status model (status.indicator_row): its `serier` (the area, per sub-area),
`kommune_serier`, `maal` and `enhed`. The baseline is marked with an open square, the target
with a star and a dotted line. Axes use Danish number style (90 %, 3,45).

Drawn with matplotlib's object API (no pyplot, so no global state) and saved so that the same
data gives the same bytes: a fixed hash salt for SVG ids, no date or software name in the files,
and text set in the DejaVu Sans font file that ships inside matplotlib, not a system font.
"""
from __future__ import annotations

import io
import math
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from . import danish
from .render_word import Picture

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_SIZE = 8
# Text stays text in SVG (searchable, readable by tests and screen readers).
RC = {"svg.hashsalt": "aftaler", "svg.fonttype": "none", "font.size": FONT_SIZE, "axes.unicode_minus": False}
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}
DPI = 200
AREA_COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7030a0"]
MUNICIPALITY_COLOURS = ["#7f7f7f", "#a5a5a5", "#595959"]
TARGET_COLOUR = "#c00000"
WIDTH_CM = 14.0
PLOT_IN, TICKS_IN = 1.55, 0.32  # plot height and the room for the year labels under it, in inches


def font(size: float = FONT_SIZE, bold: bool = False) -> FontProperties:
    """matplotlib's own DejaVu Sans, by file: the same glyphs on every machine."""
    return FontProperties(fname=str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size=size)


def save(figure: Figure, fmt: str) -> bytes:
    """PNG or SVG bytes without anything that changes from run to run."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        figure.savefig(buffer, format=fmt, dpi=DPI, metadata=PNG_METADATA if fmt == "png" else SVG_METADATA)
    data = buffer.getvalue()
    if fmt == "svg":  # the <svg> element alone: valid as a file and inline in an HTML page
        data = data[data.index(b"<svg"):]
    return data


def chart_png(row: dict) -> bytes | None:
    figure = chart_figure(row)
    return None if figure is None else save(figure, "png")


def chart_svg(row: dict) -> str | None:
    """The chart as an <svg> element with a <title> for screen readers, or None."""
    figure = chart_figure(row)
    return None if figure is None else titled(save(figure, "svg").decode("utf-8"), description(row))


def chart_picture(row: dict, width_cm: float = WIDTH_CM) -> Picture | None:
    """The chart as a Picture for a Word template (`|billede`), or None when there is nothing to draw."""
    png = chart_png(row)
    return None if png is None else Picture(png, width_cm, description(row))


def description(row: dict) -> str:
    years = [int(x) for x in _all_x(row)]
    span = f" {min(years)}-{max(years)}" if years else ""
    marked = "baseline og mål" if (row.get("maal") or {}).get("vaerdi") is not None else "baseline"
    return f"Graf: {row['indikator']} – boligområdet og kommunen{span}, med {marked}"


def titled(svg: str, title: str) -> str:
    head = svg.index(">") + 1
    return svg[:head] + f"\n <title>{escape(title)}</title>" + svg[head:]


def chart_figure(row: dict) -> Figure | None:
    """The chart as a matplotlib Figure, or None when the indicator has no number to show."""
    lines = _all_lines(row)
    target = row.get("maal") or {}
    if not lines:
        return None
    entries = len(lines) + any(b is not None for *_, b in lines) + (target.get("vaerdi") is not None)
    columns = 3 if max(len(label) for label, *_ in lines) <= 24 else 2
    legend_rows = math.ceil(entries / columns)
    # Fixed sizes in inches; the figure grows downwards with the legend.
    width, plot, below = WIDTH_CM / 2.54, PLOT_IN, TICKS_IN + 0.17 * legend_rows
    height = 0.1 + plot + below
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(width, height))
        axes = figure.add_axes((0.6 / width, below / height, (width - 0.75) / width, plot / height))
        for label, colour, style, points, baseline in lines:
            xs, ys = zip(*points)
            axes.plot(xs, ys, style, color=colour, marker="o", markersize=3.5, linewidth=1.6, label=label)
            if baseline is not None:
                axes.plot([baseline[0]], [baseline[1]], "s", color=colour, markerfacecolor="white", markersize=6,
                          markeredgewidth=1.4, zorder=3)
        if any(b is not None for *_, b in lines):
            axes.plot([], [], "s", color="#404040", markerfacecolor="white", markersize=6, label="Baseline")
        if target.get("vaerdi") is not None:
            axes.axhline(target["vaerdi"], color=TARGET_COLOUR, linestyle=":", linewidth=1)
            axes.plot([target["frist_aar"]], [target["vaerdi"]], "*", color=TARGET_COLOUR, markersize=10,
                      label=f"Mål: {_number(target['vaerdi'], row['enhed'])} senest {target['frist_aar']}", zorder=4)
        _axes_style(axes, row, lines, columns)
    return figure


def _all_lines(row: dict) -> list[tuple]:
    """(label, colour, style, points, baseline point) per series; the baseline starts the line.

    The area's lines are solid, the municipality's (or another comparison's) dashed and grey,
    named by their label ("alle HHP") unless the area uses the same one ("Kommunalvalg").
    """
    area_labels = {s["betegnelse"] for s in row["serier"]}
    lines = []
    for series, colours, style in ((row["serier"], AREA_COLOURS, "-"), (row["kommune_serier"], MUNICIPALITY_COLOURS, "--")):
        for i, s in enumerate(series):
            baseline = (s["baseline_aar"], s["baseline"]) if s["baseline"] is not None and s["baseline_aar"] else None
            points = ([baseline] if baseline else []) + [(p["x"], p["vaerdi"]) for p in s["punkter"]]
            if not points:
                continue
            if style == "-":
                label = f"Boligområdet ({s['betegnelse']})" if s["betegnelse"] else "Boligområdet"
            else:
                label = s["betegnelse"] or "Kommunen"
                if s["betegnelse"] and s["betegnelse"] in area_labels:
                    label = f"Kommunen ({s['betegnelse']})"
            lines.append((label, colours[i % len(colours)], style, points, baseline))
    return lines


def _number(value, unit: str, digits: int | None = None) -> str:
    return danish.percent(value, digits) if unit == "procent" else danish.number(value, digits)


def _axes_style(axes, row: dict, lines, columns: int) -> None:
    values = [y for *_, points, _ in lines for _, y in points]
    if (row.get("maal") or {}).get("vaerdi") is not None:
        values.append(row["maal"]["vaerdi"])
    low, high = _limits(values, row["enhed"] == "procent")
    axes.set_ylim(low, high)
    locator = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10])
    ticks = [t for t in locator.tick_values(low, high) if low - 1e-9 <= t <= high + 1e-9]
    digits = _decimals_needed(ticks)
    axes.set_yticks(ticks, [_number(t, row["enhed"], digits) for t in ticks], fontproperties=font())
    xs = _all_x(row)
    years = list(range(math.floor(min(xs)), math.floor(max(xs)) + 1))
    axes.set_xlim(years[0] - 0.4, max(years[-1], max(xs)) + 0.4)
    axes.set_xticks(years, [str(y) for y in years], fontproperties=font())
    axes.grid(axis="y", color="#d9d9d9", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper left", bbox_to_anchor=(0.0, -TICKS_IN / PLOT_IN), ncol=columns, frameon=False,
                prop=font(7), handlelength=2.2, columnspacing=1.2, borderaxespad=0)


def _all_x(row: dict) -> list[float]:
    xs = [x for *_, points, _ in _all_lines(row) for x, _ in points]
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
