"""The budget redline when the agreement's period is extended by a year (issue 18, item 2).

OLD is agreements/amager; NEW the same set with `periode.til` one year later and a 2026 amount on
every budget line (its financing raised by the same). The budget's table gains one grid column:
the redline must show the same table with one inserted column (w:cellIns, its text as w:ins)
and the changed totals tracked in their cells, not every row deleted and inserted. Backwards
(NEW→OLD) the year is removed: one deleted column (w:cellDel), the grouped header over the
years narrowed by a deleted cell of its own that Reject merges back (w:hMerge).
"""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from aftaler.review.redline import accept_all, redline, reject_all
from conftest import ROOT, edit
from lo_redlines import run_jobs
from test_redline import build, story, xml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
AUTHOR, DATE = "Forlængelse", datetime(2025, 6, 1, tzinfo=timezone.utc)


def extend_by_a_year(folder: Path) -> None:
    edit(folder / "samarbejdsaftale.yaml", "til: 31. december 2025}", "til: 31. december 2026}")
    budget = folder / "budget.yaml"
    lines, out, added = budget.read_text(encoding="utf-8").splitlines(keepends=True), [], None
    for line in lines:
        years = re.match(r"\s*udgifter: \{.*2025: (\d+)\}", line)
        if years:  # 2026 as 2025
            added = int(years.group(1))
            line = line.replace(f"2025: {added}}}", f"2025: {added}, 2026: {added}}}")
        elif added is not None and re.fullmatch(r"\s+\w+: \d+\s*", line):  # the first financing source
            key, value = line.rsplit(":", 1)
            line, added = f"{key}: {int(value) + added}\n", None
        out.append(line)
    budget.write_text("".join(out), encoding="utf-8")
    # The municipal facilitation is 1,9 % of the rest of the budget, not last year's amount.
    edit(budget, "2025: 134, 2026: 134}", "2025: 134, 2026: 141}")
    edit(budget, "kommune_timer: 671", "kommune_timer: 678")


@pytest.fixture(scope="module")
def budgets(tmp_path_factory) -> tuple[bytes, bytes]:
    root = tmp_path_factory.mktemp("forlaengelse")
    old, new = root / "old" / "amager", root / "new" / "amager"
    shutil.copytree(ROOT / "agreements" / "amager", old)
    shutil.copytree(ROOT / "agreements" / "amager", new)
    extend_by_a_year(new)
    return build(old)["budget.docx"], build(new)["budget.docx"]


def count(root, path: str) -> int:
    return len(root.xpath(path, namespaces=NS))


def budget_table(root):
    return next(t for t in root.iter(f"{{{W}}}tbl") if "Udgiftspost" in "".join(t.itertext()))


def cell_texts(tr) -> list[str]:
    return ["".join(t.text or "" for t in tc.iter(f"{{{W}}}t", f"{{{W}}}delText")) for tc in tr.findall("w:tc", NS)]


def span_of(tc) -> int:
    span = tc.find("w:tcPr/w:gridSpan", NS)
    return int(span.get(f"{{{W}}}val")) if span is not None else 1


def grid_cells(tr) -> list:
    """(first grid column, span, cell) for each cell of a row."""
    out, start = [], 0
    for tc in tr.findall("w:tc", NS):
        out.append((start, span_of(tc), tc))
        start += span_of(tc)
    return out


def grid_header(rows) -> list[str]:
    """Each grid column's heading: its own (one-column) cell with text in the first three rows."""
    header: dict[int, str] = {}
    for tr in rows[:3]:
        for start, span, tc in grid_cells(tr):
            text = "".join(t.text or "" for t in tc.iter(f"{{{W}}}t", f"{{{W}}}delText")).strip()
            if span == 1 and text and start not in header:
                header[start] = text
    return [header.get(k, "") for k in range(max(header) + 1)]


@pytest.mark.parametrize("direction", ["frem", "tilbage"])
def test_a_year_is_one_column_not_a_new_table(budgets, direction):
    old, new = budgets if direction == "frem" else budgets[::-1]
    data = redline(old, new, author=AUTHOR, date=DATE)
    root, base, target = xml(data), xml(old), xml(new)
    assert count(root, "//w:tbl") == count(target, "//w:tbl") == count(base, "//w:tbl")
    table = budget_table(root)
    rows = table.findall("w:tr", NS)
    assert len(rows) == len(budget_table(target).findall("w:tr", NS))  # no row twice
    assert not count(table, ".//w:trPr/w:ins | .//w:trPr/w:del")     # no row replaced
    kind = "cellIns" if direction == "frem" else "cellDel"
    other = "cellDel" if direction == "frem" else "cellIns"
    header = grid_header(rows)
    year = header.index("2026")
    assert header[year - 1] == "2025" and len(table.find("w:tblGrid", NS).findall("w:gridCol", NS)) == len(header)
    # One column's cells, one in every row at the 2026 grid column, except where a cell spans the
    # years (the grouped header "Projektperiode – udgifter"). Widened by one, its former span is
    # kept as a tracked property change. Narrowed by one, it is NEW's cell and a deleted empty
    # cell over 2026, their former properties OLD's cell in two pieces joined by w:hMerge.
    for tr in rows:
        cells = grid_cells(tr)
        marked = [start for start, span, tc in cells if tc.find(f"w:tcPr/w:{kind}", NS) is not None]
        spanning = [(start, span, tc) for start, span, tc in cells if tc.find("w:tcPr/w:tcPrChange", NS) is not None
                    and tc.find(f"w:tcPr/w:{kind}", NS) is None]
        if spanning:
            [(start, span, tc)] = spanning
            former = int(tc.find("w:tcPr/w:tcPrChange/w:tcPr/w:gridSpan", NS).get(f"{{{W}}}val"))
            if direction == "frem":
                assert former == span - 1 and marked == [] and start < year < start + span
            else:
                assert former == span and marked == [year] == [start + span]
                merges = [c.find("w:tcPr/w:tcPrChange/w:tcPr/w:hMerge", NS).get(f"{{{W}}}val")
                          for s, _n, c in cells if s in (start, year)]
                assert merges == ["restart", "continue"]
        else:
            assert marked == [year], cell_texts(tr)
    assert not count(root, f"//w:{other}")
    # Tracked words: the new year's cells, plus the totals that changed, each in its own cell.
    change = "ins" if direction == "frem" else "del"
    tracked_cells = [(start, tc) for tr in rows for start, span, tc in grid_cells(tr)
                     if tc.find(f"w:tcPr/w:{kind}", NS) is None and tc.find(f".//w:{change}", NS) is not None]
    columns = {header[start] for start, tc in tracked_cells}
    assert columns <= {"Samlede udgifter", "LBF", "Kontant", "Timer, lokaler", "Evt. anden lokal medfinans."}, columns
    cells = count(table, ".//w:tc")
    assert len(tracked_cells) < cells / 5  # the totals only, not the table
    changes = count(root, "//w:ins") + count(root, "//w:del")
    assert changes < 3 * (len(rows) + len(tracked_cells)), changes
    # A total: OLD's figure deleted and NEW's inserted, inside the one cell.
    line = next(tr for tr in rows if cell_texts(tr)[0] == "Økonomistyring (1)")
    total = next(tc for start, span, tc in grid_cells(line) if start == header.index("Samlede udgifter"))
    old_total, new_total = ("152", "190") if direction == "frem" else ("190", "152")
    assert "".join(t.text for t in total.iter(f"{{{W}}}delText")) == old_total
    assert "".join(t.text for t in total.iter(f"{{{W}}}t")) == new_total
    # Our own accept and reject: NEW's and OLD's text exactly, the grid as theirs.
    for resolved, version in ((accept_all(data), new), (reject_all(data), old)):
        assert story(resolved) == story(version)
        widths = [len(budget_table(xml(d)).find("w:tblGrid", NS).findall("w:gridCol", NS)) for d in (resolved, version)]
        assert widths[0] == widths[1]
        # every row's cells, spans included, as the version's (a widened header's span restored)
        shapes = [[[span for _s, span, _tc in grid_cells(tr)] for tr in budget_table(xml(d)).findall("w:tr", NS)]
                  for d in (resolved, version)]
        assert shapes[0] == shapes[1]
        assert not count(xml(resolved), "//w:cellIns | //w:cellDel | //w:tblGridChange | //w:tcPrChange | //w:hMerge")


def test_accept_and_reject_in_libreoffice(budgets, tmp_path):
    """LibreOffice 7.4 reads the cells' text changes but not w:cellIns / w:cellDel: after its
    Accept All / Reject All the tracked column's cells stay, empty, and it does not apply a
    w:tcPrChange (a widened header keeps its width on Reject, a narrowed one its deleted piece).
    So the words must be exactly NEW's / OLD's, and the only extra paragraphs are the empty ones
    of those cells. And it must not crash: replacing a header row beside merged cells did."""
    old, new = budgets
    jobs, cases = [], []
    for direction, (base, target) in (("frem", (old, new)), ("tilbage", (new, old))):
        data = redline(base, target, author=AUTHOR, date=DATE)
        for label, content in (("redline", data), ("base", base), ("target", target)):
            (tmp_path / f"{direction}-{label}.docx").write_bytes(content)
        for action in ("accept", "reject"):
            jobs.append({"in": tmp_path / f"{direction}-redline.docx", "action": action,
                         "out": tmp_path / "lo" / f"{direction}-{action}.docx"})
        for label in ("base", "target"):
            jobs.append({"in": tmp_path / f"{direction}-{label}.docx", "action": "none",
                         "out": tmp_path / "lo" / f"{direction}-{label}.docx"})
        cases.append((direction, data))
    (tmp_path / "lo").mkdir()
    results = dict(zip((Path(j["out"]).name for j in jobs), run_jobs(jobs, tmp_path)))
    for direction, data in cases:
        root = xml(data)
        for action, version in (("accept", "target"), ("reject", "base")):
            seen = results[f"{direction}-{action}.docx"]
            assert seen["before"] > 0 and seen["after"] == 0, (direction, action, seen)
            client = story((tmp_path / "lo" / f"{direction}-{action}.docx").read_bytes())
            wanted = story((tmp_path / "lo" / f"{direction}-{version}.docx").read_bytes())
            assert client[1] == wanted[1]
            assert [t for t in client[0] if t] == [t for t in wanted[0] if t], (direction, action)
            # The cells LibreOffice keeps: those this action removes in Word.
            removed = ("cellDel" if action == "accept" else "cellIns")
            left = count(root, f"//w:tc[w:tcPr/w:{removed}]/w:p")
            if action == "reject":  # a narrowed header's deleted piece: Reject merges it back; LibreOffice keeps it
                left += count(root, "//w:tc[w:tcPr/w:tcPrChange/w:tcPr/w:hMerge[@w:val='continue']]/w:p")
            assert len(client[0]) == len(wanted[0]) + left, (direction, action)


def without_first_year(docx: bytes) -> bytes:
    """The budget as if its first year column (2021) were gone: the grid column, its cells, and
    the grouped header narrowed by one from the left. (The forms' layout, edited in the XML: a
    period that starts a year later would move every line's figures too.)"""
    import io
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        parts = {i.filename: package.read(i.filename) for i in package.infolist()}
    root = xml(docx)
    table = budget_table(root)
    grid = table.find("w:tblGrid", NS)
    grid.remove(grid.findall("w:gridCol", NS)[2])
    for tr in table.findall("w:tr", NS):
        for start, span, tc in grid_cells(tr):
            if start == 2 and span == 1:
                tr.remove(tc)
            elif start == 2:
                tc.find("w:tcPr/w:gridSpan", NS).set(f"{{{W}}}val", str(span - 1))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def test_a_first_year_removed_narrows_the_header_from_the_left(budgets, tmp_path):
    """The removed column is the first one under the grouped header: the deleted piece stands
    before NEW's cell and is the one that starts the w:hMerge. Our Accept and Reject give NEW's
    and OLD's header cells exactly; LibreOffice resolves it without crashing, to the same words."""
    from lxml import etree

    old = budgets[0]
    new = without_first_year(old)
    data = redline(old, new, author=AUTHOR, date=DATE)
    table = budget_table(xml(data))
    assert not count(table, ".//w:trPr/w:ins | .//w:trPr/w:del")
    head = grid_cells(table.findall("w:tr", NS)[0])
    assert [(start, span, tc.find("w:tcPr/w:cellDel", NS) is not None) for start, span, tc in head[1:4]] == [
        (1, 1, False), (2, 1, True), (3, 4, False)]
    merges = [tc.find("w:tcPr/w:tcPrChange/w:tcPr/w:hMerge", NS).get(f"{{{W}}}val") for _s, _n, tc in head[2:4]]
    assert merges == ["restart", "continue"]
    assert all(len(tr.findall("w:tc/w:tcPr/w:cellDel", NS)) == 1 for tr in table.findall("w:tr", NS))

    def header(docx: bytes) -> list[bytes]:
        return [etree.tostring(tc.find("w:tcPr", NS), method="c14n")
                for tc in budget_table(xml(docx)).findall("w:tr", NS)[0].findall("w:tc", NS)]

    for resolved, version in ((accept_all(data), new), (reject_all(data), old)):
        assert story(resolved) == story(version)
        assert header(resolved) == header(version)
    (tmp_path / "redline.docx").write_bytes(data)
    jobs = [{"in": tmp_path / "redline.docx", "action": a, "out": tmp_path / f"{a}.docx"} for a in ("accept", "reject")]
    for (action, version), seen in zip((("accept", new), ("reject", old)), run_jobs(jobs, tmp_path)):
        assert seen["before"] > 0 and seen["after"] == 0, (action, seen)
        client = story((tmp_path / f"{action}.docx").read_bytes())
        assert [t for t in client[0] if t] == [t for t in story(version)[0] if t], action
