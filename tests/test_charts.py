"""Charts: Danish axes, baseline and target marked, identical bytes in any process, and embedded
as images in the Word status note (read back from the package and through LibreOffice)."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile

from lxml import etree

from aftaler.render.figures import charts
from aftaler.load.sets import load_set
from aftaler.load.source import Decimal
from aftaler.project import Project
from aftaler.render.status import render_status_docx
from conftest import ROOT
from libreoffice import convert, pdf_text

SVG = "{http://www.w3.org/2000/svg}"


def row(enhed="tal", area=None, municipality=None, target=None) -> dict:
    """A status row as status.indicator_row makes it, with only what a chart reads."""
    def series(points, label=None, baseline=None, year=None):
        return {"betegnelse": label, "baseline": baseline, "baseline_aar": year,
                "punkter": [{"x": float(x), "aar": x, "vaerdi": v, "dato": None} for x, v in points]}
    return {"indikator": "Elevernes trivsel", "enhed": enhed,
            "serier": [series(**s) for s in area or []], "kommune_serier": [series(**s) for s in municipality or []],
            "maal": target}


TRIVSEL = row(area=[{"points": [(2022, Decimal("3.41")), (2023, Decimal("3.44"))], "label": "UP",
                     "baseline": Decimal("3.39"), "year": 2019},
                    {"points": [(2022, Decimal("3.44")), (2024, Decimal("3.50"))], "label": "AB",
                     "baseline": Decimal("3.42"), "year": 2019}],
              municipality=[{"points": [(2022, 3.47), (2024, 3.48)], "baseline": 3.47, "year": 2019}],
              target={"vaerdi": 3.5, "retning": "hoejere", "frist_aar": 2025})


def texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in etree.fromstring(svg.encode()).iter(f"{SVG}text")]


def test_axes_use_danish_number_style():
    labels = texts(charts.chart_svg(TRIVSEL))
    assert {"3,40", "3,45", "3,50"} <= set(labels), labels
    assert not [t for t in labels if re.fullmatch(r"-?\d+\.\d+", t)], labels  # no decimal points
    assert {"2019", "2022", "2025"} <= set(labels)  # years are years, not 2.019
    big = row(area=[{"points": [(2022, 1150), (2023, 1280)], "baseline": 950, "year": 2020}])
    assert "1.000" in texts(charts.chart_svg(big))
    percent = row(enhed="procent", area=[{"points": [(2022, 89.9), (2024, 90.8)], "baseline": 89.2, "year": 2020}])
    assert any(re.fullmatch(r"\d+(,\d+)?\u00a0%", t) for t in texts(charts.chart_svg(percent)))


def test_baseline_target_and_both_lines_are_marked():
    svg = charts.chart_svg(TRIVSEL)
    labels = texts(svg)
    for label in ("Boligområdet (UP)", "Boligområdet (AB)", "Kommunen", "Baseline", "Mål: 3,5 senest 2025"):
        assert label in labels, labels
    root = etree.fromstring(svg.encode())
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text.startswith("Graf: Elevernes trivsel")


def test_nothing_to_draw_gives_no_chart():
    empty = row(area=[{"points": [], "baseline": None}])
    assert charts.chart_png(empty) is None and charts.chart_svg(empty) is None and charts.chart_picture(empty) is None


PROGRAM = """
import hashlib, json, sys
from aftaler.render.figures import charts
row = json.loads(sys.stdin.read())
print(hashlib.sha256(charts.chart_png(row) + charts.chart_svg(row).encode()).hexdigest())
"""


def test_same_data_gives_the_same_bytes_in_every_process():
    data = json.dumps(TRIVSEL)
    runs = [subprocess.run([sys.executable, "-c", PROGRAM], input=data, capture_output=True, text=True,
                           cwd=ROOT, check=True).stdout.strip() for _ in range(2)]
    here = json.loads(data)
    assert runs[0] == runs[1] == hashlib.sha256(charts.chart_png(here) + charts.chart_svg(here).encode()).hexdigest()
    png = charts.chart_png(here)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"Software" not in png
    assert "<dc:date>" not in charts.chart_svg(here)


def test_the_word_note_embeds_a_chart_per_indicator(tmp_path):
    """Every indicator of the example has measurements, so each gets its image, in order."""
    data = render_status_docx(load_set(ROOT / "agreements/amager")[0], Project(), None)
    path = tmp_path / "status.docx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if re.fullmatch(r"word/media/[^/]+\.png", n)]
        body = z.read("word/document.xml").decode("utf-8")
        images = [z.read(n) for n in media]
    assert len(media) == 19
    assert all(png.startswith(b"\x89PNG") for png in images)
    assert body.count("<w:drawing>") == 19
    assert body.count('descr="Graf: ') == 19
    assert 'descr="Graf: Andel 1-5-årige i dagtilbud – boligområdet og kommunen 2020-2025' in body

    pdf = convert(path, "pdf", tmp_path / "pdf")
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len([line for line in listing.splitlines()[2:] if line.strip()]) >= 19  # LibreOffice placed them
    assert "I 2025 er 9 af 19 indikatorer på sporet" in pdf_text(pdf)


def test_year_labels_never_overlap_on_a_long_series():
    long = row(area=[{"points": [(y, 50 + y % 7) for y in range(1990, 2026)], "baseline": 50, "year": 1989}])
    root = etree.fromstring(charts.chart_svg(long).encode())
    xs = [float(t.get("x")) for t in root.iter(f"{SVG}text") if re.fullmatch(r"\d{4}", t.text or "")]
    assert len(xs) >= 5 and all(b - a >= 4 * 8 * 0.6 for a, b in zip(xs, xs[1:])), xs  # four digits at 8 pt
    short = texts(charts.chart_svg(TRIVSEL))
    assert [y for y in map(str, range(2019, 2026)) if y not in short] == []  # a short series labels every year


def legend(chart) -> dict[str, str]:
    """Legend label -> the colour of its line sample, read from the laid-out drawing: an entry is
    a sample line, its point marker and its label, below the plot and its year labels."""
    from aftaler.render.figures.drawing import Line, Marker, Text
    found = {}
    shapes = chart.shapes
    for sample, marker, label in zip(shapes, shapes[1:], shapes[2:]):
        if isinstance(sample, Line) and isinstance(marker, Marker) and isinstance(label, Text) \
                and label.y > charts.TOP + charts.PLOT + charts.TICKS:
            found[label.text] = sample.colour
    return found


def test_every_text_prints_at_8_pt_or_more():
    for r in (TRIVSEL, row(enhed="procent", area=[{"points": [(2022, 40.5)], "baseline": 42.68, "year": 2019}])):
        sizes = [float(t.get("font-size")) for t in etree.fromstring(charts.chart_svg(r).encode()).iter(f"{SVG}text")]
        assert sizes and min(sizes) >= 8, sizes
    picture = charts.chart_picture(TRIVSEL)
    # The picture prints at the width it was laid out for: its points are the page's points.
    assert abs(picture.image.width - picture.width_cm / 2.54 * 72) < 0.01


def test_a_sub_area_has_one_colour_in_every_chart_of_a_note():
    swapped = dict(TRIVSEL, serier=list(reversed(TRIVSEL["serier"])))
    only_ab = dict(TRIVSEL, serier=[s for s in TRIVSEL["serier"] if s["betegnelse"] == "AB"])
    colours = charts.palette([TRIVSEL, swapped, only_ab])
    seen = [legend(charts.chart_drawing(r, colours)) for r in (TRIVSEL, swapped, only_ab)]
    for label in ("Boligområdet (UP)", "Boligområdet (AB)"):
        assert len({s[label] for s in seen if label in s}) == 1, (label, seen)
    assert seen[0]["Boligområdet (UP)"] != seen[0]["Boligområdet (AB)"]
    # The example's note: UP and AB keep their colours over all its charts.
    aset = load_set(ROOT / "agreements/amager")[0]
    from aftaler.model.documents import complete_set, set_context
    from aftaler.model.status import all_rows, status_model
    project = Project()
    aset = complete_set(aset, project)
    rows = list(all_rows(status_model(aset, set_context(aset, project), None)))
    note = charts.palette(rows)
    by_label: dict[str, set] = {}
    for r in rows:
        chart = charts.chart_drawing(r, note)
        for label, colour in (legend(chart) if chart else {}).items():
            by_label.setdefault(label, set()).add(colour)
    assert by_label["Boligområdet (UP)"] and all(len(c) == 1 for c in by_label.values()), by_label


def test_points_stand_at_whole_years():
    election = row(enhed="procent",
                   area=[{"points": [(2022, 68.9)], "label": "Folketingsvalg", "baseline": 70.8, "year": 2019}],
                   municipality=[{"points": [(2022, 82.9)], "label": "Folketingsvalg, KK", "baseline": 84.4, "year": 2019}])
    for s in election["serier"] + election["kommune_serier"]:
        s["punkter"][0]["x"] = 2022.8323  # measured on 1 November 2022
    root = etree.fromstring(charts.chart_svg(election).encode())
    year_x = {t.text: float(t.get("x")) for t in root.iter(f"{SVG}text") if re.fullmatch(r"\d{4}", t.text or "")}
    plot_bottom = charts.TOP + charts.PLOT
    points = [float(c.get("cx")) for c in root.iter(f"{SVG}circle") if float(c.get("cy")) <= plot_bottom]
    assert points and all(any(abs(x - tick) < 0.01 for tick in year_x.values()) for x in points), (points, year_x)


def test_coinciding_lines_are_drawn_once_and_named_together():
    same = [(2022, 82.9)]
    r = row(enhed="procent",
            area=[{"points": [(2022, 68.9)], "label": "Folketingsvalg", "baseline": 70.8, "year": 2019}],
            municipality=[{"points": same, "label": "Folketingsvalg, KK", "baseline": 84.4, "year": 2019},
                          {"points": same, "label": "Folketingsvalg, hele landet", "baseline": 84.4, "year": 2019},
                          {"points": [(2022, 84.1)], "label": "Region", "baseline": 84.6, "year": 2019}])
    root = etree.fromstring(charts.chart_svg(r).encode())
    labels = texts(charts.chart_svg(r))
    assert "Folketingsvalg, KK og Folketingsvalg, hele landet (samme tal)" in labels, labels
    assert "Region" in labels
    series = [p for p in root.iter(f"{SVG}polyline") if len(p.get("points").split()) == 2
              and p.get("stroke-width") == "1.6"]
    assert len(series) == 3 + 3  # three lines in the plot, three samples in the legend
