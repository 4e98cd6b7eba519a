"""`aftaler bundle`: the upload bundle of one set, read back file by file — the Word files and the
workbook as `build` makes them, a PDF of each Word file with the document's text, the checklist
(present, missing, UDFYLD, revision) — and the same bytes on a second run, PDFs aside."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from aftaler.build import bundle as upload
from aftaler.project import Project
from conftest import edit, line_of
from docx_reader import part_paragraphs
from libreoffice import pdf_text

REQUIRED = ["01 Strategisk samarbejdsaftale", "02 Delaftale – Beskæftigelse", "03 Budgetark", "04 Beredskabsplan",
            "05 Milepælsplan", "06 Kommissorium for bestyrelsen"]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def checklist_rows(folder: Path) -> dict[str, list[str]]:
    """Document -> [status, files, source] from tjekliste.md's table."""
    rows = {}
    for line in (folder / "tjekliste.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 5 and cells[0].isdigit():
            rows[cells[1]] = cells[2:]
    return rows


def test_the_bundle_holds_every_required_document_as_build_makes_it_with_pdfs(small_set, run, tmp_path):
    out = tmp_path / "pakke"
    code, stdout, stderr = run("bundle", small_set, "-o", out)
    assert code == 0, stdout + stderr
    files = files_of(out)
    expected = {f"{n}.docx" for n in REQUIRED} | {f"{n}.pdf" for n in REQUIRED} | {"03 Budgetark.xlsx", "tjekliste.md"}
    assert set(files) == expected, sorted(files)

    # The Word files and the workbook are those `build` writes, byte for byte.
    code, *_ = run("build", small_set, "-o", tmp_path / "bygget")
    assert code == 0
    built = tmp_path / "bygget" / small_set.name
    for name, stem in [("01 Strategisk samarbejdsaftale", "samarbejdsaftale"),
                       ("02 Delaftale – Beskæftigelse", "delaftale-beskaeftigelse"), ("03 Budgetark", "budget"),
                       ("04 Beredskabsplan", "beredskabsplan"), ("05 Milepælsplan", "milepaelsplan"),
                       ("06 Kommissorium for bestyrelsen", "kommissorium")]:
        assert files[f"{name}.docx"] == (built / f"{stem}.docx").read_bytes(), name
    assert files["03 Budgetark.xlsx"] == (built / "budget.xlsx").read_bytes()

    # Each PDF is its Word file: its first paragraphs stand in the PDF's text.
    for name in REQUIRED:
        text = pdf_text(out / f"{name}.pdf")
        paragraphs = [p for p in part_paragraphs(out / f"{name}.docx") if len(p.split()) >= 3][:3]
        assert paragraphs, name
        for paragraph in paragraphs:
            assert " ".join(paragraph.split()) in text, (name, paragraph)

    rows = checklist_rows(out)
    assert list(rows) == [n[3:] for n in REQUIRED]
    assert all(status == "klar" for status, _, _ in rows.values()), rows
    assert rows["Budgetark"][1] == "03 Budgetark.docx, 03 Budgetark.xlsx, 03 Budgetark.pdf"
    assert rows["Delaftale – Beskæftigelse"][2] == "delaftale-beskaeftigelse.yaml"
    checklist = (out / "tjekliste.md").read_text(encoding="utf-8")
    assert "Klar til upload: ja" in checklist
    assert re.search(r"kilde: (git [0-9a-f]{40}|git ikke i git) \(\d{4}-\d{2}-\d{2}\)", checklist), checklist
    # The terminal shows the same list.
    for name in REQUIRED:
        assert re.search(rf"^  OK +{re.escape(name[3:])} – klar", stdout, re.M), stdout

    # A second run: the same bytes, PDFs aside, whose text is the same.
    code, *_ = run("bundle", small_set, "-o", out)
    assert code == 0
    again = files_of(out)
    assert set(again) == set(files)
    for name, data in files.items():
        if name.endswith(".pdf"):
            assert pdf_text(out / name) == pdf_text_of(data, tmp_path / "foer" / name), name
        else:
            assert again[name] == data, name


def pdf_text_of(data: bytes, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return pdf_text(path)


def bundle_without_pdfs(folder: Path, out: Path):
    return upload.bundle(folder, out, Project(), find_soffice=False)


def test_missing_and_unfinished_documents_are_named_in_the_checklist(small_set, tmp_path):
    (small_set / "beredskabsplan.yaml").unlink()
    kommissorium = small_set / "kommissorium.yaml"
    first = next(line for line in kommissorium.read_text(encoding="utf-8").splitlines() if line.startswith("formaal:"))
    edit(kommissorium, first, 'formaal: "UDFYLD: Bestyrelsens formål."')
    out = tmp_path / "pakke"
    result = bundle_without_pdfs(small_set, out)
    assert result.ok, result.findings
    rows = checklist_rows(out)
    assert rows["Beredskabsplan"][:2] == ["mangler", "–"]
    line = line_of(kommissorium, "formaal:")
    assert rows["Kommissorium for bestyrelsen"][0] == f"holder stadig UDFYLD (1 sted, fx kommissorium.yaml:{line}:10)"
    assert "Klar til upload: nej – 1 mangler og 1 holder stadig UDFYLD." in (out / "tjekliste.md").read_text("utf-8")
    assert re.search(r"^  MANGLER Beredskabsplan – mangler$", result.checklist, re.M), result.checklist
    assert not [n for n in files_of(out) if "Beredskabsplan" in n]
    assert [f.message for f in result.findings if "uploadpakken mangler" in f.message] == [
        "uploadpakken mangler Beredskabsplan"]


def test_a_missing_delaftale_is_refused_and_the_checklist_still_says_what_is_there(small_set, run, tmp_path):
    (small_set / "delaftale-beskaeftigelse.yaml").unlink()
    out = tmp_path / "pakke"
    code, stdout, stderr = run("bundle", small_set, "-o", out)
    assert code == 1 and "delaftale" in stderr and "Traceback" not in stdout + stderr
    assert re.search(r"^  MANGLER Delaftale – Beskæftigelse – mangler$", stdout, re.M), stdout
    assert re.search(r"^  OK +Budgetark – klar$", stdout, re.M), stdout
    assert "Intet er skrevet" in stdout
    assert not out.exists()


def test_without_libreoffice_the_rest_is_written_and_it_says_so(small_set, tmp_path):
    out = tmp_path / "pakke"
    result = bundle_without_pdfs(small_set, out)
    assert result.ok
    names = set(files_of(out))
    assert not [n for n in names if n.endswith(".pdf")]
    assert {f"{n}.docx" for n in REQUIRED} <= names and "03 Budgetark.xlsx" in names
    (note,) = [f.message for f in result.findings if "LibreOffice" in f.message]
    assert "PDF-filerne mangler: LibreOffice (soffice) er ikke installeret" in note
    assert note in (out / "tjekliste.md").read_text(encoding="utf-8") and note in result.checklist
    assert all(status == "klar (PDF mangler)" for status, _, _ in checklist_rows(out).values())


def test_a_broken_set_writes_nothing(small_set, run, tmp_path):
    edit(small_set / "budget.yaml", "finansiering: {lbf: 64}", "finansiering: {lbf: 60}")
    out = tmp_path / "pakke"
    code, stdout, stderr = run("bundle", small_set, "-o", out)
    assert code == 1 and "budget.yaml:" in stderr and "Traceback" not in stderr + stdout
    assert not out.exists()


def test_the_bundle_never_empties_a_build_folder(small_set, run, tmp_path):
    code, *_ = run("build", small_set, "-o", tmp_path / "ud")
    built = tmp_path / "ud" / small_set.name
    before = files_of(built)
    code, stdout, stderr = run("bundle", small_set, "-o", built)
    assert code == 1 and "aftaler build" in stderr
    assert files_of(built) == before


def test_a_folder_of_several_sets_is_refused(run, tmp_path):
    parent = tmp_path / "saet"
    parent.mkdir()
    for name in ("a", "b"):
        shutil.copytree(Path(__file__).parent / "sets" / "lille", parent / name)
    code, stdout, stderr = run("bundle", parent, "-o", tmp_path / "pakke")
    assert code == 1 and "ét aftalesæt" in stderr
    assert not (tmp_path / "pakke").exists()


def test_a_set_without_a_strategic_agreement_is_no_upload(run, tmp_path):
    code, stdout, stderr = run("bundle", "agreements/bydelsmoedre", "-o", tmp_path / "pakke")
    assert code == 1 and "ingen strategisk samarbejdsaftale" in stderr
    assert re.search(r"^  MANGLER Strategisk samarbejdsaftale – mangler$", stdout, re.M), stdout
    assert not (tmp_path / "pakke").exists()


def test_the_required_list_comes_from_the_catalogue_when_it_has_one():
    own = [{"dokumenttype": "budget", "navn": "et budget"}]
    required, listed = upload.required_documents({"aftaledokumenter": own})
    assert listed and [r["dokumenttype"] for r in required] == ["samarbejdsaftale", "budget"]
    required, listed = upload.required_documents({"pulje": "2019-26"})
    assert not listed and [r["dokumenttype"] for r in required] == [
        "samarbejdsaftale", "delaftale", "budget", "beredskabsplan", "milepaelsplan", "kommissorium"]


# ------------------------------------------------------------------ build --pdf: the site links the PDFs


STEMS = ["samarbejdsaftale", "delaftale-beskaeftigelse", "budget", "beredskabsplan", "milepaelsplan", "kommissorium"]


def page_links(page: Path) -> list[str]:
    """The download links of a site page, as they stand in its HTML."""
    return re.findall(r'<a href="(filer/[^"]+)" download=', page.read_text(encoding="utf-8"))


def test_build_with_pdf_makes_a_pdf_of_each_word_file_and_every_page_links_it(small_set, run, tmp_path):
    out = tmp_path / "ud"
    code, stdout, stderr = run("build", small_set, "-o", out, "--pdf")
    assert code == 0, stdout + stderr
    site = out / "site" / small_set.name
    for stem in STEMS:
        links = page_links(site / f"{stem}.html")
        assert f"filer/{stem}.pdf" in links and f"filer/{stem}.docx" in links, (stem, links)
        for link in links:  # no dead link: every file a page offers is in the site
            assert (site / link).is_file(), link
        # The PDF is the document's: its first paragraphs stand in its text; the set's folder has it too.
        text = pdf_text(site / "filer" / f"{stem}.pdf")
        paragraphs = [p for p in part_paragraphs(out / small_set.name / f"{stem}.docx") if len(p.split()) >= 3][:3]
        assert paragraphs and all(" ".join(p.split()) in text for p in paragraphs), stem
        assert (out / small_set.name / f"{stem}.pdf").read_bytes() == (site / "filer" / f"{stem}.pdf").read_bytes()
    assert page_links(site / "budget.html") == ["filer/budget.docx", "filer/budget.xlsx", "filer/budget.pdf"]

    # Without --pdf no page offers a PDF, and the build after the PDF build takes the PDFs away.
    code, *_ = run("build", small_set, "-o", out)
    assert code == 0
    assert not [p for p in (out / "site" / small_set.name).rglob("*.pdf")]
    assert all(not link.endswith(".pdf") for stem in STEMS for link in page_links(site / f"{stem}.html"))


def test_build_with_pdf_without_libreoffice_says_so_and_links_no_pdf(small_set, run, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "intet"))  # no soffice, no libreoffice on it
    out = tmp_path / "ud"
    code, stdout, stderr = run("build", small_set, "-o", out, "--pdf")
    assert code == 0, stdout + stderr
    assert "PDF-filerne mangler: LibreOffice (soffice) er ikke installeret" in stderr
    assert "'aftaler build --pdf' igen" in stderr
    site = out / "site" / small_set.name
    for stem in STEMS:
        links = page_links(site / f"{stem}.html")
        assert links and not [link for link in links if link.endswith(".pdf")], (stem, links)
        assert all((site / link).is_file() for link in links), links
    assert not list(out.rglob("*.pdf"))


FAKE_SOFFICE = """#!{python}
import sys, time
from pathlib import Path
args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
out.mkdir(parents=True, exist_ok=True)
for name in args[args.index("--outdir") + 2:]:
    time.sleep({pause})
    (out / (Path(name).stem + ".pdf")).write_bytes(b"%PDF-1.4 " + Path(name).read_bytes()[:4])
time.sleep({linger})
"""


def fake_soffice(folder: Path, pause: float = 0.3, linger: float = 0.0) -> str:
    """A stand-in for LibreOffice's batch conversion: one PDF after another, `pause` s apart."""
    import sys
    script = folder / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable, pause=pause, linger=linger), encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_pdf_progress_follows_the_pdfs_as_libreoffice_makes_them(tmp_path):
    docx = {f"{n} dokument.docx": b"PK\x03\x04" for n in range(1, 5)}
    seen = []
    pdfs, note, warnings = upload.word_pdfs(docx, fake_soffice(tmp_path), tmp_path,
                                            progress=lambda done, total: seen.append((done, total)))
    assert sorted(pdfs) == sorted(f"{n} dokument.pdf" for n in range(1, 5)) and warnings == []
    assert {total for _, total in seen} == {4}
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 4
    assert len(set(done)) >= 3, seen  # it moved while LibreOffice worked, not only at the end


def test_libreoffice_that_does_not_finish_is_stopped_and_said(tmp_path, monkeypatch):
    import time
    monkeypatch.setattr(upload, "PDF_TIMEOUT", 1)
    docx = {"a.docx": b"PK\x03\x04", "b.docx": b"PK\x03\x04", "c.docx": b"PK\x03\x04"}
    started = time.monotonic()
    pdfs, note, warnings = upload.word_pdfs(docx, fake_soffice(tmp_path, pause=0.5, linger=60), tmp_path)
    assert time.monotonic() - started < 30  # stopped at its time limit, not waited for
    assert "LibreOffice blev ikke færdig på 1 sekunder" in note and len(warnings) == 1
    assert "c.pdf" not in pdfs and "c.pdf" in note  # the one it never made is named
