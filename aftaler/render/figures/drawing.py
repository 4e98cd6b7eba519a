"""Figures as data: shapes in points (y downwards), written as SVG for the site or PNG for Word.

charts.py and orgdiagram.py lay out their figures from an agreement's data and hand a Drawing
here; this module knows nothing of agreements. Text is measured and rasterised with the DejaVu
Sans files in aftaler/fonts (FreeType through Pillow), so a layout is the same on every machine,
and in SVG text stays text (searchable, and read by screen readers and the tests).

Why not matplotlib: these figures are lines, boxes and labels, and matplotlib cost ≈0,8 s to
import and ≈70 ms per chart, which was most of a build (benchmarks/RESULTS.md). The same data
gives the same bytes: no dates, no software names, fixed number formatting.
"""
from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass
from html import escape  # not xml.sax.saxutils, which imports urllib.request (≈40 ms)

from ...resources import packaged

FONTS = packaged("fonts")
FONT_FILES = {False: FONTS / "DejaVuSans.ttf", True: FONTS / "DejaVuSans-Bold.ttf"}
SVG_FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
SUPERSAMPLE = 2  # PNG shapes are drawn this many times larger and scaled down: smooth edges
MEASURE_SIZE = 1000  # text is measured once at this size and scaled


@dataclass(frozen=True)
class Line:
    """An open polyline; `dash` is (on, off, …) in points."""

    points: tuple[tuple[float, float], ...]
    colour: str
    width: float = 1.0
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    edge: str | None = None
    line_width: float = 0.8
    radius: float = 0.0


@dataclass(frozen=True)
class Text:
    """One line of text; (x, y) is on its baseline, at its start, middle or end (`anchor`)."""

    x: float
    y: float
    text: str
    size: float
    colour: str = "#000000"
    bold: bool = False
    anchor: str = "start"


@dataclass(frozen=True)
class Marker:
    """A point marker centred on (x, y): circle, square or star, `size` points across."""

    x: float
    y: float
    shape: str
    size: float
    colour: str
    fill: str | None = None  # None: filled with `colour`
    edge_width: float = 1.0


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    shapes: tuple


# ------------------------------------------------------------------ text


@functools.cache
def _font(bold: bool, pixels: float):
    from PIL import ImageFont  # imported on first use: `validate` never draws
    return ImageFont.truetype(str(FONT_FILES[bold]), size=pixels)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The advance width of `text` set in DejaVu Sans at `size` points, in points."""
    return _measured(text, bold) * size / MEASURE_SIZE


@functools.lru_cache(maxsize=65536)  # word wrapping measures the same words and lines again and again
def _measured(text: str, bold: bool) -> float:
    return _font(bold, MEASURE_SIZE).getlength(text)


# ------------------------------------------------------------------ SVG


def svg(drawing: Drawing, title: str = "") -> str:
    """An <svg> element, valid as a file and inline in an HTML page, with a <title> when given."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(drawing.width)}pt" height="{_n(drawing.height)}pt" '
             f'viewBox="0 0 {_n(drawing.width)} {_n(drawing.height)}" role="img">']
    if title:
        parts.append(f"<title>{escape(title, quote=False)}</title>")
    parts.append(f'<rect width="100%" height="100%" fill="#ffffff"/><g font-family="{escape(SVG_FONT)}">')
    parts += [_svg_shape(shape) for shape in drawing.shapes]
    parts.append("</g></svg>\n")
    return "\n".join(parts)


def _svg_shape(shape) -> str:
    if isinstance(shape, Line):
        dash = f' stroke-dasharray="{" ".join(_n(d) for d in shape.dash)}"' if shape.dash else ""
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        return (f'<polyline points="{points}" fill="none" stroke="{shape.colour}" stroke-width="{_n(shape.width)}"'
                f' stroke-linejoin="round"{dash}/>')
    if isinstance(shape, Rect):
        edge = f' stroke="{shape.edge}" stroke-width="{_n(shape.line_width)}"' if shape.edge else ""
        radius = f' rx="{_n(shape.radius)}"' if shape.radius else ""
        return (f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.width)}" height="{_n(shape.height)}"'
                f'{radius} fill="{shape.fill}"{edge}/>')
    if isinstance(shape, Text):
        weight = ' font-weight="bold"' if shape.bold else ""
        anchor = f' text-anchor="{shape.anchor}"' if shape.anchor != "start" else ""
        return (f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}"{weight}{anchor}'
                f' fill="{shape.colour}" xml:space="preserve">{escape(shape.text, quote=False)}</text>')
    if isinstance(shape, Marker):
        paint = (f' fill="{shape.fill or shape.colour}" stroke="{shape.colour}"'
                 f' stroke-width="{_n(shape.edge_width if shape.fill else 0)}"')
        if shape.shape == "circle":
            return f'<circle cx="{_n(shape.x)}" cy="{_n(shape.y)}" r="{_n(shape.size / 2)}"{paint}/>'
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in _outline(shape))
        return f'<polygon points="{points}"{paint}/>'
    raise TypeError(f"unknown shape {shape!r}")


@functools.lru_cache(maxsize=4096)  # a set's figures repeat their coordinates: 6.137 of them, 712 distinct
def _n(value: float) -> str:
    """A coordinate in SVG: two decimals at most, no trailing zeros, never '-0'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _outline(marker: Marker) -> list[tuple[float, float]]:
    """The corners of a square or a five-pointed star marker."""
    half = marker.size / 2
    if marker.shape == "square":
        return [(marker.x - half, marker.y - half), (marker.x + half, marker.y - half),
                (marker.x + half, marker.y + half), (marker.x - half, marker.y + half)]
    corners = []
    for i in range(10):
        radius = half if i % 2 == 0 else half * 0.382
        angle = math.pi / 2 + i * math.pi / 5
        corners.append((marker.x + radius * math.cos(angle), marker.y - radius * math.sin(angle)))
    return corners


# ------------------------------------------------------------------ PNG


def png(drawing: Drawing, dpi: int = 200) -> bytes:
    """PNG bytes at `dpi`, on white, with the resolution recorded (Word sizes the picture by it)."""
    from PIL import Image, ImageDraw
    scale = dpi / 72 * SUPERSAMPLE
    size = (math.ceil(drawing.width * dpi / 72) * SUPERSAMPLE, math.ceil(drawing.height * dpi / 72) * SUPERSAMPLE)
    image = Image.new("RGB", size, "white")
    pen = ImageDraw.Draw(image)
    for shape in drawing.shapes:
        _draw(pen, shape, scale)
    image = image.reduce(SUPERSAMPLE)
    buffer = io.BytesIO()
    # The fastest compression: the organisation diagram took ≈40 ms to compress at Pillow's
    # default level and ≈25 ms at this one, for a file 5 % larger.
    image.save(buffer, format="PNG", dpi=(dpi, dpi), compress_level=1)
    return buffer.getvalue()


def _draw(pen, shape, scale: float) -> None:
    def px(value: float) -> float:
        return value * scale

    if isinstance(shape, Line):
        width = max(1, round(px(shape.width)))
        for piece in _dashed(shape.points, shape.dash):
            pen.line([(px(x), px(y)) for x, y in piece], fill=shape.colour, width=width, joint="curve")
    elif isinstance(shape, Rect):
        box = (px(shape.x), px(shape.y), px(shape.x + shape.width), px(shape.y + shape.height))
        pen.rounded_rectangle(box, radius=px(shape.radius), fill=shape.fill, outline=shape.edge,
                              width=max(1, round(px(shape.line_width))) if shape.edge else 0)
    elif isinstance(shape, Text):
        anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
        pen.text((px(shape.x), px(shape.y)), shape.text, fill=shape.colour, font=_font(shape.bold, px(shape.size)),
                 anchor=anchor)
    elif isinstance(shape, Marker):
        edge = max(1, round(px(shape.edge_width))) if shape.fill else 0
        if shape.shape == "circle":
            half = px(shape.size / 2)
            pen.ellipse((px(shape.x) - half, px(shape.y) - half, px(shape.x) + half, px(shape.y) + half),
                        fill=shape.fill or shape.colour, outline=shape.colour, width=edge)
        else:
            pen.polygon([(px(x), px(y)) for x, y in _outline(shape)], fill=shape.fill or shape.colour,
                        outline=shape.colour, width=edge)
    else:
        raise TypeError(f"unknown shape {shape!r}")


def _dashed(points, dash: tuple[float, ...]):
    """The drawn pieces of a polyline with a dash pattern (the whole line when there is none)."""
    if not dash:
        yield list(points)
        return
    pattern, index, left, on = list(dash), 0, dash[0], True
    piece = [points[0]]
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        length, done = math.hypot(x2 - x1, y2 - y1), 0.0
        while length - done > left:
            done += left
            point = (x1 + (x2 - x1) * done / length, y1 + (y2 - y1) * done / length)
            if on:
                yield piece + [point]
            piece = [point]
            index = (index + 1) % len(pattern)
            left, on = pattern[index], not on
        left -= length - done
        if on:
            piece.append((x2, y2))
    if on and len(piece) > 1:
        yield piece


# ------------------------------------------------------------------ for Word templates


@dataclass(frozen=True)
class Picture:
    """An image a model provides for a template: PNG bytes or a figure (drawing.Drawing), its
    width on the page, and alt text. A figure is rasterised only when a Word file shows it; the
    site draws the same figure as SVG."""

    image: bytes | Drawing
    width_cm: float
    description: str = ""
    dpi: int = 200

    @functools.cached_property
    def png(self) -> bytes:
        return self.image if isinstance(self.image, bytes) else png(self.image, self.dpi)
