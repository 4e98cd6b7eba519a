"""The organisation diagram (form section 3), drawn from the strategic agreement's data.

Boxes: every organ (linked by `under`), the team (organisering.medarbejdere) under the most
local secretariat, and the zones with their afdelinger under the resident follow-up group. The
layout is a simple tree computed here: a node whose children are all leaves lists them in a
column below it; other nodes spread their children side by side. drawing.py writes it as PNG
(for Word) and SVG (for the site), with text measured in the same font it is set in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ... import danish
from . import drawing
from .drawing import Drawing, Line, Picture, Rect, Text

TYPE_NAMES = {"forum": "Forum", "bestyrelse": "Bestyrelse", "foelgegruppe": "Følgegruppe",
              "faglig-foelgegruppe": "Faglig følgegruppe", "sekretariat": "Sekretariat",
              "team": "Medarbejdere", "zone": "Zone"}
# (fill, edge, text) per kind of box
COLOURS = {"bestyrelse": ("#1f4e79", "#1f4e79", "white"), "forum": ("#2e75b6", "#1f4e79", "white"),
           "sekretariat": ("#deebf7", "#2e75b6", "black"), "foelgegruppe": ("#e2f0d9", "#548235", "black"),
           "faglig-foelgegruppe": ("#fff2cc", "#bf9000", "black"), "team": ("#fbe5d6", "#c55a11", "black"),
           "zone": ("#f2f2f2", "#7f7f7f", "black")}
# Sizes in points (1/72 inch): the figure is drawn at its natural size.
COLUMN, BOX, INDENT, RADIUS = 118.0, 106.0, 10.0, 3.0
PAD, TITLE_SIZE, TEXT_SIZE = 4.0, 7.0, 6.0
LINE = 1.25  # line height as a multiple of the font size
GAP_DOWN, GAP_STACK, MARGIN = 18.0, 6.0, 6.0
MAX_WIDTH_CM = 16.0
DPI = 200
CONNECTOR = "#595959"
ASCENT = 0.76  # from a line's top to its baseline, as a share of the font size (DejaVu Sans)


@dataclass
class Node:
    """A box: its title, smaller lines under it, its kind (colour) and the boxes under it."""

    id: str
    title: str
    kind: str
    lines: list[str] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)


@dataclass(frozen=True)
class Box:
    node: Node
    x: float
    y: float
    width: float
    height: float
    title: tuple[str, ...]
    lines: tuple[str, ...]


# ------------------------------------------------------------------ data → tree


def org_tree(agreement: dict) -> list[Node]:
    """The diagram's roots, built from a strategic agreement's data (its `organisering`)."""
    org = agreement.get("organisering") or {}
    organs = org.get("organer") or []
    nodes = {o["id"]: Node(o["id"], o["navn"], o["type"], [TYPE_NAMES.get(o["type"], o["type"])]) for o in organs}
    roots = []
    parents = {o["id"]: o.get("under") for o in organs}
    for organ in organs:
        parent = nodes.get(organ.get("under") or "")
        if parent is not None and _chain(organ["id"], parents) > MAX_LEVELS:
            parent = None  # validate refuses it; drawn as a root, the layout's recursion stays bounded
        (parent.children if parent is not None and parent is not nodes[organ["id"]] else roots).append(nodes[organ["id"]])
    roots += _unreachable(nodes, roots)  # a loop of `under` links must not hide its organs

    team = _team(org.get("medarbejdere") or [])
    if team:
        _attach(team, _deepest(roots, "sekretariat") or _deepest(roots, "bestyrelse"), roots)
    afdelinger = {a["id"]: a for a in (agreement.get("kort_om_boligomraadet") or {}).get("afdelinger") or []}
    zones = [_zone(z, afdelinger) for z in org.get("zoner") or []]
    home = _first(roots, "foelgegruppe") or team
    for zone in zones:
        _attach(zone, home, roots)
    return roots


MAX_LEVELS = 12  # organs above one another: real agreements have three or four


def _chain(ident: str, parents: dict) -> int:
    """How many organs stand above `ident` through `under` links, counted without recursion and
    stopping at a loop (or past MAX_LEVELS)."""
    seen, count = {ident}, 0
    while parents.get(ident) in parents and parents[ident] not in seen and count <= MAX_LEVELS:
        ident = parents[ident]
        seen.add(ident)
        count += 1
    return count


def _team(people: list[dict]) -> Node | None:
    """One box for the staff: titles counted ('Boligsocial medarbejder (9)')."""
    if not people:
        return None
    counts: dict[str, int] = {}
    for person in people:
        title = re.sub(r"\s+\d+$", "", person["titel"].split(" – ")[0].strip())
        counts[title] = counts.get(title, 0) + 1
    lines = [f"{title} ({n})" if n > 1 else title for title, n in counts.items()]
    return Node("medarbejdere", "Medarbejdere", "team", [f"{len(people)} i alt", *lines])


def _zone(zone: dict, afdelinger: dict) -> Node:
    members = [afdelinger[i] for i in zone["afdelinger"] if i in afdelinger]
    # "ca. 2.388 lejemål", "1.640 lejemål i 4 af dem (ikke oplyst for 1)": never a sum it does not have
    tenancies = danish.count_phrase(danish.count_total([a.get("lejemaal") for a in members]), "lejemål")
    names = ", ".join(a["navn"].replace(" ", "\u00a0") for a in members)
    return Node(zone["id"], zone["navn"], "zone", [tenancies, names])


def _attach(node: Node, parent: Node | None, roots: list[Node]) -> None:
    (parent.children if parent is not None else roots).append(node)


def walk(roots, depth=0):
    """(node, depth) for every node, top down, in reading order."""
    stack = [(node, depth) for node in reversed(roots)]  # a stack, not recursion: depth is the author's
    while stack:
        node, level = stack.pop()
        yield node, level
        stack.extend((child, level + 1) for child in reversed(node.children))


def _deepest(roots, kind: str) -> Node | None:
    """The most local organ of a kind (the furthest from the top); the first of them on a tie."""
    found = [(depth, i, node) for i, (node, depth) in enumerate(walk(roots)) if node.kind == kind]
    return max(found, key=lambda f: (f[0], -f[1]))[2] if found else None


def _first(roots, kind: str) -> Node | None:
    return next((node for node, _ in walk(roots) if node.kind == kind), None)


def _unreachable(nodes: dict[str, Node], roots: list[Node]) -> list[Node]:
    seen = {node.id for node, _ in walk(roots)}
    extra = []
    for node in nodes.values():
        if node.id not in seen:
            for parent in nodes.values():  # cut the link that closes the loop
                if node in parent.children:
                    parent.children.remove(node)
            extra.append(node)
            seen |= {n.id for n, _ in walk([node])}
    return extra


# ------------------------------------------------------------------ layout


def layout(roots: list[Node]) -> tuple[list[Box], list[tuple], float, float]:
    """Boxes and connector segments in points, y downwards, and the drawing's width and height."""
    boxes, segments, left, height = [], [], MARGIN, 0.0
    for root in roots:
        b, s, width, h, _ = _place(root, left, MARGIN)
        boxes += b
        segments += s
        left += width
        height = max(height, h)
    return boxes, segments, left + MARGIN, height + 2 * MARGIN


def _columns(node: Node) -> int:
    if _stacked(node) or not node.children:
        return 1
    return sum(_columns(c) for c in node.children)


def _stacked(node: Node) -> bool:
    return bool(node.children) and all(not c.children for c in node.children)


def _place(node: Node, left: float, top: float):
    """(boxes, segments, width, height, centre x) of the subtree drawn from (left, top)."""
    width = _columns(node) * COLUMN
    if not node.children:
        box = _box(node, left + (COLUMN - BOX) / 2, top, BOX)
        return [box], [], width, box.height, box.x + BOX / 2
    if _stacked(node):
        return _place_column(node, left, top)
    parent = _box(node, 0, top, BOX)  # x set once the children are placed
    boxes, segments, x, centres, height = [], [], left, [], 0.0
    for child in node.children:
        b, s, w, h, centre = _place(child, x, top + parent.height + GAP_DOWN)
        boxes += b
        segments += s
        centres.append(centre)
        height = max(height, h)
        x += w
    mid = (centres[0] + centres[-1]) / 2
    parent = _box(node, mid - BOX / 2, top, BOX)
    bus = top + parent.height + GAP_DOWN / 2
    segments += [((mid, top + parent.height), (mid, bus)), ((centres[0], bus), (centres[-1], bus))]
    segments += [((c, bus), (c, top + parent.height + GAP_DOWN)) for c in centres]
    return [parent, *boxes], segments, width, parent.height + GAP_DOWN + height, mid


def _place_column(node: Node, left: float, top: float):
    """A parent with its leaves listed below it, joined by a line down their left side."""
    x = left + (COLUMN - BOX) / 2
    parent = _box(node, x, top, BOX)
    boxes, segments, y = [parent], [], top + parent.height + GAP_STACK
    spine = x + INDENT / 2
    for child in node.children:
        box = _box(child, x + INDENT, y, BOX - INDENT)
        boxes.append(box)
        segments.append(((spine, box.y + box.height / 2), (box.x, box.y + box.height / 2)))
        y += box.height + GAP_STACK
    segments.append(((spine, top + parent.height), (spine, boxes[-1].y + boxes[-1].height / 2)))
    return boxes, segments, COLUMN, y - GAP_STACK - top, x + BOX / 2


def _box(node: Node, x: float, y: float, width: float) -> Box:
    title = tuple(wrap(node.title, width - 2 * PAD, TITLE_SIZE, bold=True))
    lines = tuple(line for text in node.lines for line in wrap(text, width - 2 * PAD, TEXT_SIZE))
    height = 2 * PAD + LINE * (TITLE_SIZE * len(title) + TEXT_SIZE * len(lines))
    return Box(node, x, y, width, height, title, lines)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Lines of at most `width` points, measured in the font itself; a too long word is hyphenated."""
    lines: list[str] = []
    for word in filter(None, text.split(" ")):  # plain spaces only: a no-break space holds a name together
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and drawing.text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
            continue
        while drawing.text_width(word, size, bold) > width:
            cut = _longest_fit(word, width, size, bold)
            cut = min(cut, len(word) - 4) if len(word) > 8 else cut  # no lone letters on the next line
            lines.append(word[:cut] + "-")
            word = word[cut:]
        lines.append(word)
    return lines or [""]


def _longest_fit(word: str, width: float, size: float, bold: bool) -> int:
    """The longest prefix (at least 1) that fits with a hyphen, by bisection: widths grow with
    the prefix, so this is the largest such i in 1 … len(word) - 1 in log n measurements (a
    2.000-letter word took 55 s measured prefix by prefix)."""
    lo, hi = 1, len(word) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if drawing.text_width(word[:mid] + "-", size, bold) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


# ------------------------------------------------------------------ drawing


def org_drawing(roots: list[Node]) -> Drawing:
    """Connectors first, then the boxes with their title (bold) and lines of text."""
    boxes, segments, width, height = layout(roots)
    shapes: list = [Line((a, b), CONNECTOR, 0.8) for a, b in segments]
    for box in boxes:
        fill, edge, ink = COLOURS.get(box.node.kind, COLOURS["zone"])
        shapes.append(Rect(box.x, box.y, box.width, box.height, fill, edge, 0.8, RADIUS))
        top = box.y + PAD
        for line in box.title:
            shapes.append(Text(box.x + PAD, top + ASCENT * TITLE_SIZE, line, TITLE_SIZE, ink, bold=True))
            top += LINE * TITLE_SIZE
        for line in box.lines:
            shapes.append(Text(box.x + PAD, top + ASCENT * TEXT_SIZE, line, TEXT_SIZE, ink))
            top += LINE * TEXT_SIZE
    return Drawing(width, height, tuple(shapes))


def description(roots: list[Node]) -> str:
    kinds = [node.kind for node, _ in walk(roots)]
    organs = sum(k not in ("team", "zone") for k in kinds)
    zones = kinds.count("zone")
    return (f"Organisationsdiagram: {organs} {'organ' if organs == 1 else 'organer'}"
            + (f", {zones} {'zone' if zones == 1 else 'zoner'}" if zones else "")
            + (" og medarbejderne" if "team" in kinds else ""))


def org_png(agreement: dict) -> bytes | None:
    roots = org_tree(agreement)
    return drawing.png(org_drawing(roots), DPI) if roots else None


def org_svg(agreement: dict) -> str | None:
    """The diagram as an <svg> element (text kept as text), titled for screen readers."""
    roots = org_tree(agreement)
    if not roots:
        return None
    return drawing.svg(org_drawing(roots), description(roots))


def org_picture(agreement: dict) -> Picture | None:
    """The diagram for a Word template (`{{ organisationsdiagram|billede }}`), at most 16 cm wide;
    None when the agreement names no organ, staff or zone."""
    roots = org_tree(agreement)
    if not roots:
        return None
    diagram = org_drawing(roots)
    return Picture(diagram, min(MAX_WIDTH_CM, diagram.width / 72 * 2.54), description(roots), DPI)
