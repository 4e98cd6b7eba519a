"""Real budgets (LBF's budgetark) hold more than amounts: text rows inside a group (an explanation,
a heading), notes marked as in the form ("17b") and notes of several paragraphs or a list. A copy
of tests/sets/lille's budget with all three is built, and the Word file, the site and the workbook
are read back: every text in its place and in order, paragraphs and lists kept, every sum as in
the set without them. Broken marks and text rows get a Danish message at file:line:column.
"""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from aftaler.cli import main
from conftest import ROOT, SETS, edit, line_of
from test_budget import budget_model

BUDGET = """\
# yaml-language-server: $schema={schemas}/budget.schema.json
jnr: "100001"
grupper:
  - gruppe: tvaergaaende
    linjer:
      - id: revision
        udgiftspost: Revision
        udgiftstype: 7
        udgifter: {{"2024": 16, "2025": 16, "2026": 16, "2027": 16}}
        finansiering: {{lbf: 64}}
      - id: revision-forklaring
        tekst: Revisionen udføres af boligorganisationens revisor.
  - gruppe: beskaeftigelse
    linjer:
      - id: jobindsats-overskrift
        tekst: |
          Linjerne herunder hører til **jobindsatsen**.

          - løn til medarbejderen
          - fritidsjob til unge
      - id: medarbejder-1-loen
        udgiftspost: Boligsocial medarbejder 1
        medarbejder: medarbejder-1
        noter: [note-loen, 17b]
        udgifter: {{"2024": 600, "2025": 600, "2026": 600, "2027": 600}}
        finansiering: {{lbf: 1600, kommune_kontant: 500, boligorganisation_kontant: 300}}
noter:
  - id: note-loen
    tekst: Løn efter overenskomst.
  - id: note-fritidsjob
    nr: 17b
    tekst: |
      Første afsnit om fritidsjob.

      Andet afsnit med en liste:

      - løn til unge
      - kurser
"""
STAFF_NOTE = "(2) Boligsocial medarbejder 1: tiden fordeles med 60\xa0% Jobcafé, 40\xa0% delaftalen Beskæftigelse."
COLUMNS = 2 + 4 + 1 + 6  # Udgiftspost, Udgiftstype, four years, Samlede udgifter, six financing columns


def _copy(target: Path) -> Path:
    shutil.copytree(SETS / "lille", target)
    for path in target.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("$schema=../../../schemas/", f"$schema={ROOT}/schemas/"),
                        encoding="utf-8")
    return target


def _real(target: Path) -> Path:
    folder = _copy(target)
    (folder / "budget.yaml").write_text(BUDGET.format(schemas=ROOT / "schemas"), encoding="utf-8")
    return folder


def _build(folder: Path, out: Path) -> Path:
    assert main(["build", str(folder), "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(the real-content set, its build, the plain lille's build)"""
    tmp = tmp_path_factory.mktemp("real-budget")
    real = _real(tmp / "kilder" / "lille")
    plain = _copy(tmp / "plain" / "lille")
    return real, _build(real, tmp / "ud"), _build(plain, tmp / "ud-plain")


@pytest.fixture
def real_set(tmp_path) -> Path:
    return _real(tmp_path / "lille")


# ------------------------------------------------------------------ Word


def _budget_table(path: Path):
    return Document(str(path)).tables[1]  # after the front table (Start, Slut, område, Jnr.)


def _rows(table) -> list[list]:
    """Each row as its own cells (a merged cell once), in order."""
    return [[tc for tc in tr.iterchildren(qn("w:tc"))] for tr in table._tbl.iterchildren(qn("w:tr"))]


def _cell_text(tc) -> str:
    return " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))).strip()


def _paragraphs(tc) -> list[tuple[str, str]]:
    """(text, style id) of each paragraph of a cell."""
    out = []
    for p in tc.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        out.append(("".join(t.text or "" for t in p.iter(qn("w:t"))), style.get(qn("w:val")) if style is not None else ""))
    return out


def _span(tc) -> int:
    span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return int(span.get(qn("w:val"))) if span is not None else 1


def test_word_text_rows_span_the_table_in_their_place(built):
    _, out, _ = built
    rows = _rows(_budget_table(out / "lille/budget.docx"))
    firsts = [_cell_text(row[0]) for row in rows]
    order = ["Revision", "Revisionen udføres af boligorganisationens revisor.", "Sum", "2. Beskæftigelse",
             "Linjerne herunder hører til jobindsatsen. løn til medarbejderen fritidsjob til unge",
             "Boligsocial medarbejder 1 (1 + 17b + 2)", "Sum"]
    at = [firsts.index(order[0])]
    for text in order[1:]:
        at.append(firsts.index(text, at[-1] + 1))
    assert at == list(range(at[0], at[0] + len(order))), firsts  # one after the other, nothing between
    for text in order[1], order[4]:
        row = rows[firsts.index(text)]
        assert len(row) == 1 and _span(row[0]) == COLUMNS, text  # one cell across every column
    paragraphs = _paragraphs(rows[firsts.index(order[4])][0])
    assert [t for t, _ in paragraphs] == ["Linjerne herunder hører til jobindsatsen.", "løn til medarbejderen",
                                          "fritidsjob til unge"]
    assert paragraphs[1][1] == paragraphs[2][1] != paragraphs[0][1]  # the list is a list
    bold = [r for r in rows[firsts.index(order[4])][0].iter(qn("w:r"))
            if r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None]
    assert ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in bold] == ["jobindsatsen"]  # **fed** is bold


def test_word_notes_keep_their_marks_paragraphs_and_lists(built):
    _, out, _ = built
    doc = Document(str(out / "lille/budget.docx"))
    texts = [p.text for p in doc.paragraphs]
    notes = doc.paragraphs[texts.index("Noter") + 1:texts.index("Udgiftstyper")]
    assert [p.text for p in notes] == ["(1) Løn efter overenskomst.", STAFF_NOTE, "(17b) Første afsnit om fritidsjob.",
                                       "Andet afsnit med en liste:", "løn til unge", "kurser"]
    assert notes[4].style.name == notes[5].style.name == "List Bullet" != notes[3].style.name


def test_word_sums_are_those_of_the_set_without_the_texts(built):
    _, out, plain = built

    def figures(path):
        rows = [[_cell_text(tc) for tc in row] for row in _rows(_budget_table(path))]
        sums = [r for r in rows if r[0] in ("Sum", "Total", "Fordeling af medfinansiering i alt")]
        summary = [[_cell_text(tc) for tc in row] for row in _rows(Document(str(path)).tables[2])]
        return sums, summary

    assert figures(out / "lille/budget.docx") == figures(plain / "lille/budget.docx")
    assert len(figures(out / "lille/budget.docx")[0]) == 4


def test_model_sums_and_marks(built):
    real, _, _ = built
    model, before = budget_model(real), budget_model(SETS / "lille")
    assert model["total"] == before["total"]
    assert [(g["aar_sum"], g["total"], g["finansiering"]) for g in model["grupper"]] == \
        [(g["aar_sum"], g["total"], g["finansiering"]) for g in before["grupper"]]
    assert [n["nr"] for n in model["noter"]] == [1, 2, "17b"]  # 17b's number is not handed out
    [text_row] = [line for line in model["grupper"][1]["linjer"] if line["tekstlinje"]]
    assert text_row["total"] == 0 and text_row["tekst_ren"] == ("Linjerne herunder hører til jobindsatsen.\n"
                                                                "- løn til medarbejderen\n- fritidsjob til unge")


# ------------------------------------------------------------------ site


def test_site_shows_text_rows_and_notes_with_their_structure(built):
    _, out, plain = built
    html = (out / "site/lille/budget.html").read_text(encoding="utf-8")
    row = html.index('<span class="anchor" id="jobindsats-overskrift"></span>Linjerne herunder hører til '
                     "<strong>jobindsatsen</strong>.</p>\n<ul>\n<li>løn til medarbejderen</li>\n<li>fritidsjob til unge</li>\n</ul>")
    assert html.index('id="beskaeftigelse"') < row < html.index('id="medarbejder-1-loen"')
    revision = html.index('id="revision"')
    explained = html.index('id="revision-forklaring"></span>Revisionen udføres af boligorganisationens revisor.</p>')
    assert revision < explained < html.index('id="sum-tvaergaaende"')
    assert '<a href="#note-17b">(17b)</a>' in html
    notes = html[html.index('<h2 id="noter"'):]
    expected = ['id="note-1"></span>(1) Løn efter overenskomst.</p>', f'id="note-2"></span>{STAFF_NOTE}</p>',
                '<p><span class="anchor" id="note-17b"></span>(17b) Første afsnit om fritidsjob.</p>\n'
                "<p>Andet afsnit med en liste:</p>\n<ul>\n<li>løn til unge</li>\n<li>kurser</li>\n</ul>"]
    places = [notes.index(text) for text in expected]
    assert places == sorted(places)

    def sum_rows(page: str) -> list[str]:
        return re.findall(r'<tr id="(?:sum-[a-z-]+|total-i-alt)".*?</tr>', page, flags=re.S)

    assert sum_rows(html) == sum_rows((plain / "site/lille/budget.html").read_text(encoding="utf-8"))
    assert len(sum_rows(html)) == 3


def test_plain_notes_stay_a_table_on_the_site(built):
    """Without a note of paragraphs the notes are the table they were."""
    _, _, plain = built
    md = (plain / "site/lille/budget.md").read_text(encoding="utf-8")
    assert "| Nr. | Note |" in md and '| <a id="note-1"></a>(1) | Løn efter overenskomst. |' in md


# ------------------------------------------------------------------ workbook


def _sheet(path: Path, data_only: bool = True):
    return openpyxl.load_workbook(path, data_only=data_only)["Budgetark"]


def _row_of(ws, text: str) -> int:
    return next(c.row for c in ws["A"] if c.value == text)


def test_workbook_text_rows_and_notes(built):
    _, out, plain = built
    ws = _sheet(out / "lille/budget.xlsx")
    last = ws.max_column
    text = "Linjerne herunder hører til jobindsatsen.\n- løn til medarbejderen\n- fritidsjob til unge"
    rows = {name: _row_of(ws, name) for name in
            ("Revision", "Revisionen udføres af boligorganisationens revisor.", "2. Beskæftigelse", text,
             "Boligsocial medarbejder 1 (1 + 17b + 2)")}
    assert list(rows.values()) == sorted(rows.values())
    merged = {str(r) for r in ws.merged_cells.ranges}
    letter = openpyxl.utils.get_column_letter(last)
    for name in ("Revisionen udføres af boligorganisationens revisor.", text):
        row = rows[name]
        assert f"A{row}:{letter}{row}" in merged
        assert all(ws.cell(row, c).value is None for c in range(2, last + 1))  # no figure, no formula
    labels = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(_row_of(ws, "Noter") + 1, ws.max_row + 1)}
    assert labels == {"1)": "Løn efter overenskomst.", "2)": STAFF_NOTE[4:],
                      "17b)": "Første afsnit om fritidsjob.\nAndet afsnit med en liste:\n- løn til unge\n- kurser"}

    def totals(path):
        sheet = _sheet(path)
        return [[sheet.cell(_row_of(sheet, label), c).value for c in range(2, last + 1)]
                for label in ("Total", "Fordeling af medfinansiering i alt", "Samlet medfinansiering", "Balance")]

    assert totals(out / "lille/budget.xlsx") == totals(plain / "lille/budget.xlsx")
    formulas = _sheet(out / "lille/budget.xlsx", data_only=False)
    sum_row = _row_of(formulas, "Sum")
    assert formulas.cell(sum_row, 3).value == f"=SUM(C{rows['Revision']}:C{sum_row - 1})"  # over the text row's empty cell


# ------------------------------------------------------------------ review and template check


def test_diff_and_check_template_know_text_rows(built, capsys, tmp_path):
    real, _, _ = built
    assert main(["check-template", str(ROOT / "templates/budget.docx"), "--kind", "budget", "--saet", str(real)]) == 0
    capsys.readouterr()
    assert main(["diff", str(SETS / "lille"), str(real), "--format", "json", "-o", str(tmp_path / "diff")]) == 1
    out = capsys.readouterr()
    assert "intern fejl" not in out.err
    assert "jobindsats-overskrift" in out.out and "note-fritidsjob" in out.out
    # The redline shows the text rows as inserted text, in their rows.
    with zipfile.ZipFile(tmp_path / "diff/lille/budget-aendringer.docx") as z:
        body = etree.fromstring(z.read("word/document.xml"))
    inserted = ["".join(t.text or "" for t in ins.iter(qn("w:t"))) for ins in body.iter(qn("w:ins"))]
    assert "Revisionen udføres af boligorganisationens revisor." in inserted and "fritidsjob til unge" in inserted


# ------------------------------------------------------------------ messages at file:line:col


def _errors(folder: Path, tmp_path: Path, capsys) -> str:
    code = main(["validate", str(folder)])
    err = capsys.readouterr().err
    assert code == 1, err
    return err


def _at(path: Path, needle: str, occurrence: str | None = None) -> str:
    """file:line:col of `needle` (or of `occurrence` within its line)."""
    line = line_of(path, needle)
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    return f"budget.yaml:{line}:{text.index(occurrence or needle) + 1}: fejl: "


def test_unknown_note_mark_is_an_error_at_its_place(real_set, tmp_path, capsys):
    path = real_set / "budget.yaml"
    edit(path, "noter: [note-loen, 17b]", "noter: [note-loen, 17c]")
    err = _errors(real_set, tmp_path, capsys)
    assert _at(path, "noter: [note-loen, 17c]", "17c") + ("'17c' henviser ikke til en note i budgettets noter "
                                                           "(hverken et id eller et nr.); mente du '17b'?") in err, err


@pytest.mark.parametrize("case", ["dobbelt-nr", "nr-er-andens-id", "samme-note-to-gange", "nr-med-stort-bogstav"])
def test_note_mark_rules(case, real_set, tmp_path, capsys):
    path = real_set / "budget.yaml"
    if case == "dobbelt-nr":
        edit(path, "    tekst: Løn efter overenskomst.", "    nr: 17b\n    tekst: Løn efter overenskomst.")
        needle, message = "nr: 17b", "noten 'note-fritidsjob' har nr. 17b, som noten 'note-loen' også har"
        line = [i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "nr: 17b" in text][1]
        where = f"budget.yaml:{line}:9: fejl: "
    elif case == "nr-er-andens-id":
        with path.open("a", encoding="utf-8") as f:
            f.write("  - id: 17c\n    tekst: En note med et tal som id.\n  - id: note-x\n    nr: 17c\n    tekst: En note.\n")
        edit(path, "noter: [note-loen, 17b]", "noter: [note-loen, 17b, 17c]")
        needle, message = "nr: 17c", "noten 'note-x' har nr. 17c, som er id for en anden note"
        where = _at(path, needle, "17c")
    elif case == "samme-note-to-gange":
        edit(path, "noter: [note-loen, 17b]", "noter: [note-loen, 17b, note-fritidsjob]")
        message = "'note-fritidsjob' og '17b' henviser til den samme note ('note-fritidsjob')"
        where = _at(path, "noter: [note-loen, 17b, note-fritidsjob]", "note-fritidsjob")
    else:
        edit(path, "nr: 17b", "nr: 17B")
        message = "«Nr.» (noter.1.nr)"
        where = _at(path, "nr: 17B", "17B")
    err = _errors(real_set, tmp_path, capsys)
    assert where + message in err, err


def test_a_mark_as_a_number_and_automatic_numbers_pass_over_it(real_set, tmp_path):
    path = real_set / "budget.yaml"
    edit(path, "nr: 17b", "nr: 2")
    edit(path, "noter: [note-loen, 17b]", "noter: [note-loen, 2]")
    model = budget_model(real_set)
    assert [(n["nr"], n["tekst"][:10]) for n in model["noter"]] == [(1, "Løn efter "), (2, "Første afs"), (3, "Boligsocia")]
    assert model["grupper"][1]["linjer"][1]["noter_tekst"] == "1 + 2 + 3"


@pytest.mark.parametrize("case", ["tekstlinje-med-beloeb", "hverken-tekst-eller-udgifter", "udgifter-uden-udgiftspost"])
def test_text_row_rules(case, real_set, tmp_path, capsys):
    path = real_set / "budget.yaml"
    if case == "tekstlinje-med-beloeb":
        edit(path, "        tekst: Revisionen udføres af boligorganisationens revisor.\n",
             "        tekst: Revisionen udføres af boligorganisationens revisor.\n        udgifter: {\"2024\": 5}\n")
        where = _at(path, 'udgifter: {"2024": 5}', "udgifter")
        message = ("linjen 'revision-forklaring' er en tekstlinje (den har 'tekst'), og en tekstlinje har kun id og "
                   "tekst; 'udgifter' hører til en linje med beløb")
    elif case == "hverken-tekst-eller-udgifter":
        edit(path, "        tekst: Revisionen udføres af boligorganisationens revisor.\n", "        udgiftspost: Noget\n")
        where = _at(path, "      - id: revision-forklaring", "id")
        message = "skal have et af felterne 'tekst' eller 'udgifter'"
    else:
        edit(path, "        udgiftspost: Boligsocial medarbejder 1\n", "")
        where = _at(path, "      - id: medarbejder-1-loen", "id")  # the line, as for any missing field
        message = "«Budgetlinje» (grupper.1.linjer.1) skal have et af felterne 'tekst' eller 'udgiftspost'"
    err = _errors(real_set, tmp_path, capsys)
    assert re.search(re.escape(where) + ".*" + re.escape(message), err), err


def test_a_note_no_line_uses_is_a_warning_and_the_totals_are_still_checked(real_set, capsys):
    path = real_set / "budget.yaml"
    edit(path, "noter: [note-loen, 17b]", "noter: [note-loen]")
    edit(path, "finansiering: {lbf: 1600, kommune_kontant: 500, boligorganisation_kontant: 300}",
         "finansiering: {lbf: 2300, kommune_kontant: 100}")  # balanced, but too little co-financing in all
    code = main(["validate", str(real_set)])
    err = capsys.readouterr().err
    assert code == 1
    line = line_of(path, "  - id: note-fritidsjob")
    assert f"budget.yaml:{line}:5: advarsel: ingen budgetlinje henviser til noten 'note-fritidsjob'" in err, err
    assert re.search(r"fejl: den lokale medfinansiering er 4,1\s%.*mindst 25\s%", err), err


def test_a_line_names_the_activities_it_pays_for_and_they_exist(run, small_set):
    """`aktiviteter` ties a line's money to activities: an id that is no activity (one removed, or
    misspelt) is an error at its place with "mente du"; the budget prints nothing of it."""
    budget = small_set / "budget.yaml"
    edit(budget, "      - id: medarbejder-1-loen\n", "      - id: medarbejder-1-loen\n        aktiviteter: [jobcafe]\n")
    code, out, err = run("validate", small_set)
    assert code == 0, err
    edit(budget, "aktiviteter: [jobcafe]", "aktiviteter: [jobcafee]")
    code, out, err = run("validate", small_set)
    line = line_of(budget, "aktiviteter: [jobcafee]")
    assert code == 1 and f"budget.yaml:{line}:" in err and "'jobcafee'" in err and "mente du 'jobcafe'" in err, err
