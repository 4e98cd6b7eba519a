"""The organisation diagram: its boxes are the agreement's organs, team and zones, laid out
without overlaps, drawn the same every time, and placed in the strategic agreement's Word file."""
from __future__ import annotations

import hashlib
import itertools
import re
import subprocess
import sys
import zipfile

from lxml import etree

from aftaler.render.figures import orgdiagram
from aftaler.load.sets import load_set
from aftaler.model.documents import complete_set
from aftaler.project import Project
from conftest import ROOT, edit

SVG = "{http://www.w3.org/2000/svg}"


def agreement(folder=ROOT / "agreements/amager") -> dict:
    return load_set(folder)[0].one("samarbejdsaftale").data


def svg_text(svg: str) -> str:
    """All text of the drawing, line after line, as one string."""
    lines = ["".join(t.itertext()) for t in etree.fromstring(svg.encode()).iter(f"{SVG}text")]
    return re.sub(r"\s+", " ", " ".join(lines))


def squeezed(text: str) -> str:
    """Without spaces and hyphens: a name wrapped over lines (or hyphenated) still reads whole."""
    return re.sub(r"[\s\-]", "", text)


def test_every_organ_zone_and_the_team_is_a_box_in_the_svg():
    data = agreement()
    text = svg_text(orgdiagram.org_svg(data))
    organs = data["organisering"]["organer"]
    zones = data["organisering"]["zoner"]
    assert len(organs) == 14 and len(zones) == 4
    for name in [o["navn"] for o in organs] + [z["navn"] for z in zones]:
        assert squeezed(name) in squeezed(text), name
    assert "Medarbejdere" in text and "10 i alt" in text and "Boligsocial medarbejder (9)" in text
    afdelinger = {a["id"]: a["navn"] for a in data["kort_om_boligomraadet"]["afdelinger"]}
    for zone in zones:
        for member in zone["afdelinger"]:
            assert squeezed(afdelinger[member]) in squeezed(text), afdelinger[member]
    assert "2.388 lejemål" in text  # zone 1's tenancies, summed


def test_the_tree_follows_the_under_links():
    roots = orgdiagram.org_tree(agreement())
    assert [r.id for r in roots] == ["samarbejdsforum"]
    parent = {child.id: node.id for node, _ in orgdiagram.walk(roots) for child in node.children}
    data = agreement()
    for organ in data["organisering"]["organer"]:
        assert parent.get(organ["id"]) == organ.get("under"), organ["id"]
    assert parent["medarbejdere"] == "helhedsplanens-sekretariat"  # the most local secretariat
    assert all(parent[z["id"]] == "beboerdemokratisk-foelgegruppe" for z in data["organisering"]["zoner"])


def test_boxes_do_not_overlap_and_fit_the_drawing():
    boxes, segments, width, height = orgdiagram.layout(orgdiagram.org_tree(agreement()))
    assert len(boxes) == 14 + 4 + 1
    for a, b in itertools.combinations(boxes, 2):
        apart = (a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y or b.y + b.height <= a.y)
        assert apart, (a.node.id, b.node.id)
    assert all(0 <= b.x and b.x + b.width <= width and 0 <= b.y and b.y + b.height <= height for b in boxes)
    assert all(0 <= x <= width and 0 <= y <= height for segment in segments for x, y in segment)


def test_a_loop_of_under_links_still_shows_every_organ(small_set):
    aftale = small_set / "samarbejdsaftale.yaml"
    edit(aftale, "      beskrivelse: Har det overordnede ansvar.\n",
         "      beskrivelse: Har det overordnede ansvar.\n      under: styregruppe\n"
         "    - id: styregruppe\n      navn: Styregruppen\n      type: forum\n      under: bestyrelsen\n"
         "      beskrivelse: Styrer.\n")
    text = svg_text(orgdiagram.org_svg(agreement(small_set)))
    assert "Bestyrelsen" in text and "Styregruppen" in text and "Zone 1" in text


PROGRAM = """
import hashlib, sys
from aftaler.load.sets import load_set
from aftaler.render.figures import orgdiagram
data = load_set(__import__("pathlib").Path("agreements/amager"))[0].one("samarbejdsaftale").data
print(hashlib.sha256(orgdiagram.org_png(data) + orgdiagram.org_svg(data).encode()).hexdigest())
"""


def test_same_agreement_gives_the_same_bytes_in_every_process():
    runs = [subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, cwd=ROOT,
                           check=True).stdout.strip() for _ in range(2)]
    data = agreement()
    assert runs[0] == runs[1] == hashlib.sha256(orgdiagram.org_png(data) + orgdiagram.org_svg(data).encode()).hexdigest()


def test_the_built_agreement_contains_the_diagram(run, small_set, tmp_path):
    edit(small_set / "samarbejdsaftale.yaml", "  zoner:\n",
         "    - id: foelgegruppen\n      navn: Beboernes følgegruppe\n      type: foelgegruppe\n"
         "      under: bestyrelsen\n      beskrivelse: Beboerne følger indsatsen.\n  zoner:\n")
    code, _, err = run("build", small_set, "-o", tmp_path / "ud")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "ud/lille/samarbejdsaftale.docx") as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
        body = z.read("word/document.xml").decode("utf-8")
    project = Project()
    aset = complete_set(load_set(small_set)[0], project)
    expected = orgdiagram.org_png(aset.one("samarbejdsaftale").data)
    assert media == [expected]  # the very drawing of this agreement's data
    assert body.count("<w:drawing>") == 1
    assert 'descr="Organisationsdiagram: 2 organer, 1 zone og medarbejderne"' in body
    assert "Beboernes følgegruppe" in svg_text(orgdiagram.org_svg(aset.one("samarbejdsaftale").data))
