"""`diff`: the change set, approval classes, reports and redlines, on real git history.

A temporary git repository gets the example set (agreements/amager) and then one commit per
kind of yearly revision, each tagged: a budget move between years, an activity added to a
delaftale, an indicator baseline corrected, a party renamed, a paragraph re-wrapped (no change)
and a budget line moved (no change). Each commit is compared with the one before it.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from aftaler.review.changes import ADDED, CHANGED, MOVED
from aftaler.review.command import run_diff
from aftaler.build.pipeline import render_set
from aftaler.project import Project
from aftaler.review.revisions import load_side
from conftest import ROOT, SETS, edit
from docx_reader import all_text
from libreoffice import convert, pdf_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SET = Path("agreements/amager")
AUTHORS = {  # tag: (author, commit date); each revision by someone else, at a fixed moment
    "start": ("Landsbyggefonden Godkendt", "2024-03-12T10:00:00+00:00"),
    "budget-flyt": ("Anna Hansen", "2024-09-02T09:15:00+00:00"),
    "aktivitet": ("Bo Jensen", "2024-09-03T10:30:00+00:00"),
    "baseline": ("Carla Nielsen", "2024-09-04T11:45:00+00:00"),
    "part": ("Dorte Madsen", "2024-09-05T13:00:00+00:00"),
    "ombrydning": ("Erik Holm", "2024-09-06T14:10:00+00:00"),
    "flyttet-linje": ("Frida Berg", "2024-09-07T15:20:00+00:00"),
}
NEW_ACTIVITY = """\
  - id: jobcafe
    navn: Jobcafé i beboerhuset
    formaal: |
      Ledige beboere får hjælp til at søge job tæt på, hvor de bor.
    maalgrupper: |
      Ledige voksne beboere, der har brug for hjælp til cv og ansøgninger.
    indhold: |
      En ugentlig åben jobcafé med frivillige og en boligsocial medarbejder.
    ansvar:
      - part: helhedsplanen
        opgaver: [Drift af jobcaféen, Rekruttering af frivillige]
"""


# ------------------------------------------------------------------ the repository


def git(repo: Path, *args: str, env: dict | None = None) -> str:
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args], cwd=repo,
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def commit(repo: Path, tag: str) -> None:
    author, date = AUTHORS[tag]
    env = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "x@example.dk", "GIT_AUTHOR_DATE": date,
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "x@example.dk", "GIT_COMMITTER_DATE": date}
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", tag, env=env)
    git(repo, "tag", tag)


def new_repo(path: Path, source: Path, folder: Path = SET) -> Path:
    path.mkdir(parents=True)
    shutil.copytree(source, path / folder)
    git(path, "init", "-q")
    commit(path, "start")
    return path


def after_item(path: Path, anchor: str, old: str, new: str) -> None:
    """Replace `old` by `new` at its first occurrence after the line holding `anchor`."""
    text = path.read_text(encoding="utf-8")
    start = text.index(anchor)
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")


def rewrap(path: Path, key_line: str, width: int) -> None:
    """Re-wrap the first paragraph of a block scalar at another width: the same Markdown."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(key_line) + 1
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    indent = lines[start][:len(lines[start]) - len(lines[start].lstrip())]
    words = " ".join(line.strip() for line in lines[start:end])
    wrapped = textwrap.wrap(words, width=width, break_on_hyphens=False)
    assert len(wrapped) != end - start, "the paragraph must really be wrapped differently"
    lines[start:end] = [indent + line for line in wrapped]
    path.write_text("\n".join(lines), encoding="utf-8")


def move_before(path: Path, item_id: str, before_id: str) -> None:
    """Move the list item with `item_id` (all its lines) to just before the item `before_id`."""
    lines = path.read_text(encoding="utf-8").split("\n")

    def start_of(ident: str) -> int:
        return next(i for i, line in enumerate(lines) if line.strip() == f"- id: {ident}")

    first = start_of(item_id)
    indent = lines[first].index("-")
    last = first + 1
    while last < len(lines) and (not lines[last].strip() or len(lines[last]) - len(lines[last].lstrip()) > indent):
        last += 1
    block = lines[first:last]
    del lines[first:last]
    at = start_of(before_id)
    lines[at:at] = block
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The example set with one tagged commit per kind of revision."""
    path = new_repo(tmp_path_factory.mktemp("historik") / "repo", ROOT / SET)
    folder = path / SET
    after_item(folder / "budget.yaml", "- id: loen-medarbejder-1\n", "{2022: 662, 2023: 635,", "{2022: 602, 2023: 695,")
    commit(path, "budget-flyt")
    edit(folder / "delaftale-beskaeftigelse.yaml", "aktiviteter:\n", "aktiviteter:\n" + NEW_ACTIVITY)
    commit(path, "aktivitet")
    edit(folder / "samarbejdsaftale.yaml", "baseline_boligomraade: [{vaerdi: 89.2}]",
         "baseline_boligomraade: [{vaerdi: 89.4}]")
    commit(path, "baseline")
    edit(folder / "samarbejdsaftale.yaml", "navn: Boligforeningen VIBO\n", "navn: VIBO Bolig\n")
    commit(path, "part")
    rewrap(folder / "samarbejdsaftale.yaml", "lokal_evaluering: |", 55)
    commit(path, "ombrydning")
    move_before(folder / "budget.yaml", "revision", "oekonomistyring")
    commit(path, "flyttet-linje")
    return path


def diff(repo: Path, monkeypatch, old: str, new: str | None, out: Path | None = None, fmt: str = "json",
         paths=(SET,), stream=None):
    """run_diff in the repository; returns (exit code, output)."""
    monkeypatch.chdir(repo)
    stream = stream or io.StringIO()
    code = run_diff(old, new, list(paths), out, fmt, stream)
    return code, stream.getvalue()


def documents(report: dict) -> dict:
    return {d["dokument"]: d for d in report["saet"][0]["dokumenter"]}


def approvals(report: dict) -> set:
    return {(a["dokument"], a["klasse"]) for a in report["saet"][0]["godkendelse"]}


def content(report: dict) -> list[tuple]:
    """Every change as (document, operation, path)."""
    return [(name, c["handling"], tuple(c["sti"])) for name, d in documents(report).items() for c in d["aendringer"]]


# ------------------------------------------------------------------ the six revisions


def test_budget_move_between_years(repo, rendered, monkeypatch, tmp_path):
    code, out = diff(repo, monkeypatch, "start", "budget-flyt", tmp_path / "ud")
    report = json.loads(out)
    assert code == 1 and report["aendret"] is True
    line = ("grupper", "uddannelse-og-livschancer", "linjer", "loen-medarbejder-1", "udgifter")
    assert content(report) == [("budget", CHANGED, line + ("2022",)), ("budget", CHANGED, line + ("2023",))]
    changes = documents(report)["budget"]["aendringer"]
    assert [(c["foer"], c["efter"], c["forskel"]) for c in changes] == [(662, 602, -60), (635, 695, 60)]
    at_revision = git(repo, "show", "budget-flyt:agreements/amager/budget.yaml")
    assert changes[0]["position"] == "budget-flyt:agreements/amager/budget.yaml:" + _line_col(at_revision,
                                                                                              "{2022: 602", "602")
    budget = report["saet"][0]["budget"]
    [moved] = budget["linjer"]
    assert moved["id"] == "loen-medarbejder-1"
    assert moved["aar"]["2022"] == {"foer": 662, "efter": 602, "forskel": -60}
    assert moved["aar"]["2023"] == {"foer": 635, "efter": 695, "forskel": 60}
    assert moved["i_alt"]["forskel"] == 0
    [group] = budget["grupper"]
    assert group["gruppe"] == "uddannelse-og-livschancer" and group["i_alt"]["forskel"] == 0
    assert group["aar"]["2022"]["forskel"] == -60 and group["aar"]["2023"]["forskel"] == 60
    assert budget["aar"]["2022"]["forskel"] == -60 and budget["aar"]["2024"]["forskel"] == 0
    assert budget["i_alt"] == {"foer": 31169, "efter": 31169, "forskel": 0}
    assert all(f["forskel"] == 0 for f in budget["finansiering"].values())
    # 60.000 kr. moved between years is a change with an economy over 50.000 kr.: the district board approves
    assert approvals(report) == {("delaftale-uddannelse-og-livschancer", "bydelsbestyrelse-godkendelse")}
    [item] = report["saet"][0]["godkendelse"]
    assert item["oekonomi"] == 60 and "50.000 kr." in item["regel"] and "50.000 kr." in item["delaftalens_tekst"]
    assert_redlines(rendered, tmp_path / "ud", "start", "budget-flyt", expected={"budget"})
    assert not (tmp_path / "ud/amager/anmodning-om-godkendelse.docx").exists()


def test_activity_added_to_a_delaftale(repo, rendered, monkeypatch, tmp_path):
    code, out = diff(repo, monkeypatch, "budget-flyt", "aktivitet", tmp_path / "ud")
    report = json.loads(out)
    assert code == 1
    assert content(report) == [("delaftale-beskaeftigelse", ADDED, ("aktiviteter", "jobcafe"))]
    [change] = documents(report)["delaftale-beskaeftigelse"]["aendringer"]
    assert change["id"] == "jobcafe" and change["hvad"] == "Aktiviteter › Jobcafé i beboerhuset"
    assert change["efter"]["navn"] == "Jobcafé i beboerhuset" and change["foer"] is None
    assert documents(report)["delaftale-beskaeftigelse"]["status"] == "aendret"
    assert documents(report)["samarbejdsaftale"]["status"] == "uaendret"
    assert report["saet"][0]["budget"]["aendret"] is False
    # no economy: agreed between the parties and put to the district board
    assert approvals(report) == {("delaftale-beskaeftigelse", "bydelsbestyrelse-forelaeggelse")}
    redlined = assert_redlines(rendered, tmp_path / "ud", "budget-flyt", "aktivitet", expected={"delaftale-beskaeftigelse"})
    assert "Jobcafé i beboerhuset" in inserted_text(redlined["delaftale-beskaeftigelse"])


def test_indicator_baseline_corrected(repo, rendered, monkeypatch, tmp_path):
    code, out = diff(repo, monkeypatch, "aktivitet", "baseline", tmp_path / "ud")
    report = json.loads(out)
    assert code == 1
    path = ("maal_og_indikatorer", "dagtilbud-1-5", "baseline_boligomraade", "0", "vaerdi")
    assert content(report) == [("samarbejdsaftale", CHANGED, path)]
    [change] = documents(report)["samarbejdsaftale"]["aendringer"]
    assert (change["foer"], change["efter"], change["forskel"]) == (89.2, 89.4, 0.2)
    assert change["foer_tekst"] == "89,2" and change["efter_tekst"] == "89,4"
    assert "Andel 1-5-årige i dagtilbud" in change["hvad"]
    assert approvals(report) == {("samarbejdsaftale", "lbf-godkendelse")}
    [item] = report["saet"][0]["godkendelse"]
    assert item["godkender"] == "Landsbyggefonden" and "afsnit 8" in item["kilde"]
    assert item["regel"] == "Revision af den strategiske samarbejdsaftale kræver godkendelse i Landsbyggefonden."
    redlined = assert_redlines(rendered, tmp_path / "ud", "aktivitet", "baseline", expected={"samarbejdsaftale"})
    assert "89,4" in inserted_text(redlined["samarbejdsaftale"])
    assert "89,2" in deleted_text(redlined["samarbejdsaftale"])
    request = tmp_path / "ud/amager/anmodning-om-godkendelse.docx"
    text = all_text(request)
    assert "Anmodning om godkendelse af ændringer" in text
    assert "Andel 1-5-årige i dagtilbud" in text and "89,2" in text and "89,4" in text and "+0,2" in text
    assert "Revision af den strategiske samarbejdsaftale kræver godkendelse i Landsbyggefonden." in text


def test_party_renamed(repo, rendered, monkeypatch, tmp_path):
    code, out = diff(repo, monkeypatch, "baseline", "part", tmp_path / "ud")
    report = json.loads(out)
    assert code == 1
    assert ("samarbejdsaftale", CHANGED, ("parter", "vibo", "navn")) in content(report)
    assert all(name == "samarbejdsaftale" for name, _, _ in content(report))
    change = documents(report)["samarbejdsaftale"]["aendringer"][0]
    assert change["ord"] == [{"handling": "slettet", "tekst": "Boligforeningen"}, {"handling": "lig", "tekst": "VIBO"},
                             {"handling": "indsat", "tekst": "Bolig"}]
    assert approvals(report) == {("samarbejdsaftale", "lbf-godkendelse")}
    # the name is shown wherever the party is: every document that shows it gets a redline
    redlined = assert_redlines(rendered, tmp_path / "ud", "baseline", "part", expected=None)
    assert "samarbejdsaftale" in redlined
    # and the report names each of them: the changed document, and every other one as "also changed"
    titles = {d["dokument"]: d["titel"] for d in report["saet"][0]["dokumenter"]}
    also = report["saet"][0]["ogsaa_aendret"]
    assert len(redlined) > 1 and sorted(also) == sorted(titles[r] for r in redlined if r != "samarbejdsaftale")
    # git's textconv (python -m aftaler.review.docx2txt) shows a redline as accepted: the new name only
    shown = subprocess.run([sys.executable, "-m", "aftaler.review.docx2txt",
                            str(tmp_path / "ud/amager/samarbejdsaftale-aendringer.docx")],
                           capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert "VIBO Bolig" in shown and "Boligforeningen VIBO" not in shown
    assert "VIBO Bolig" in all_text(tmp_path / "ud/amager/anmodning-om-godkendelse.docx")


def test_paragraph_rewrapped_is_no_change(repo, rendered, monkeypatch, tmp_path):
    code, out = diff(repo, monkeypatch, "part", "ombrydning", tmp_path / "ud")
    report = json.loads(out)
    assert code == 0 and report["aendret"] is False
    assert content(report) == [] and approvals(report) == set()
    assert sorted(p.name for p in (tmp_path / "ud/amager").iterdir()) == ["aendringer.html", "aendringer.md"]
    assert "Ingen ændringer" in (tmp_path / "ud/amager/aendringer.md").read_text(encoding="utf-8")
    # independent of the diff: the two versions really give the same document
    old, new = rendered("part"), rendered("ombrydning")
    assert text_of(old["samarbejdsaftale.docx"], tmp_path / "a") == text_of(new["samarbejdsaftale.docx"], tmp_path / "b")


def test_line_moved_changes_the_word_file_but_needs_no_approval(repo, monkeypatch, tmp_path):
    code, out = diff(repo, monkeypatch, "ombrydning", "flyttet-linje", tmp_path / "ud")
    report = json.loads(out)
    assert code == 1 and report["aendret"] is True  # the budget's Word file shows the new order
    [change] = documents(report)["budget"]["aendringer"]
    assert change["handling"] == MOVED and change["indhold"] is False
    assert change["sti"] == ["grupper", "tvaergaaende", "linjer", "revision"]
    assert (change["flyttet_fra"], change["flyttet_til"]) == ("plads 6", "plads 1")
    assert report["saet"][0]["budget"]["aendret"] is False
    [item] = report["saet"][0]["godkendelse"]
    assert item["klasse"] == "ingen-godkendelse" and "ingen godkendelse" in item["beskrivelse"]
    assert [p.name for p in (tmp_path / "ud/amager").glob("*.docx")] == ["budget-aendringer.docx"]
    assert "1 flytning uden indholdsændring" in report["opsummering"]


def test_the_years_revision_against_the_approved_version(repo, monkeypatch):
    """All revisions at once, against the tag LBF approved: every class of approval at once."""
    code, out = diff(repo, monkeypatch, "start", "HEAD")
    report = json.loads(out)
    assert code == 1
    assert approvals(report) == {("samarbejdsaftale", "lbf-godkendelse"),
                                 ("delaftale-uddannelse-og-livschancer", "bydelsbestyrelse-godkendelse"),
                                 ("delaftale-beskaeftigelse", "bydelsbestyrelse-forelaeggelse")}
    order = [a["klasse"] for a in report["saet"][0]["godkendelse"]]
    assert order == ["lbf-godkendelse", "bydelsbestyrelse-godkendelse", "bydelsbestyrelse-forelaeggelse"]


# ------------------------------------------------------------------ redlines


def assert_redlines(rendered, out: Path, old: str, new: str, expected: set | None) -> dict[str, bytes]:
    """One redline per document whose Word text changed; tracked changes by the NEW commit's author
    and date; accept all gives NEW's text, reject all OLD's."""
    from aftaler.review.redline import accept_all, reject_all

    files = {p.name.removesuffix("-aendringer.docx"): p.read_bytes() for p in (out / "amager").glob("*-aendringer.docx")}
    if expected is not None:
        assert set(files) == expected
    old_docs, new_docs = rendered(old), rendered(new)
    changed = {n.removesuffix(".docx") for n in new_docs
               if n.endswith(".docx") and text_of(old_docs[n], out / "o") != text_of(new_docs[n], out / "n")}
    assert set(files) == changed, "a redline for exactly the documents whose text changed"
    author, date = AUTHORS[new]
    stamp = datetime.fromisoformat(date).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, data in files.items():
        marks = tracked(data)
        assert marks, f"{name}: no tracked changes"
        assert {m.get(f"{{{W}}}author") for m in marks} == {author}
        assert {m.get(f"{{{W}}}date") for m in marks} == {stamp}
        assert text_of(accept_all(data), out / "acc") == text_of(new_docs[f"{name}.docx"], out / "new"), name
        assert text_of(reject_all(data), out / "rej") == text_of(old_docs[f"{name}.docx"], out / "old"), name
    return files


@pytest.fixture(scope="module")
def rendered(repo):
    """The documents of the set as built at a revision, independently of the diff (built once)."""
    built: dict[str, dict[str, bytes]] = {}

    def at(rev: str) -> dict[str, bytes]:
        if rev not in built:
            cwd = os.getcwd()
            os.chdir(repo)
            try:
                side = load_side(rev, [SET], Project())
                assert not side.findings, side.findings
                built[rev], problems = render_set(side.sets[0], Project())
                assert not problems
            finally:
                os.chdir(cwd)
        return built[rev]

    return at


def tracked(data: bytes) -> list:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return [el for el in root.iter(f"{{{W}}}ins", f"{{{W}}}del") if el.get(f"{{{W}}}author")]


def inserted_text(data: bytes) -> str:
    return " ".join("".join(t.text or "" for t in el.iter(f"{{{W}}}t")) for el in tracked(data)
                    if el.tag == f"{{{W}}}ins")


def deleted_text(data: bytes) -> str:
    return " ".join("".join(t.text or "" for t in el.iter(f"{{{W}}}delText")) for el in tracked(data)
                    if el.tag == f"{{{W}}}del")


def text_of(data: bytes, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{abs(hash(data))}.docx"
    path.write_bytes(data)
    return all_text(path)


def _line_col(source: Path | str, line_text: str, needle: str) -> str:
    """'line:column' of `needle` on the first line holding `line_text` (a file, or text)."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    for number, line in enumerate(text.splitlines(), start=1):
        if line_text in line:
            return f"{number}:{line.index(needle) + 1}"
    raise AssertionError(line_text)


# ------------------------------------------------------------------ outputs


def test_outputs_are_deterministic_and_open_in_libreoffice(repo, monkeypatch, tmp_path):
    first, second = tmp_path / "1", tmp_path / "2"
    diff(repo, monkeypatch, "aktivitet", "part", first)
    diff(repo, monkeypatch, "aktivitet", "part", second)
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert "amager/anmodning-om-godkendelse.docx" in names and "amager/samarbejdsaftale-aendringer.docx" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    for name in ("anmodning-om-godkendelse.docx", "samarbejdsaftale-aendringer.docx"):
        pdf = convert(first / "amager" / name, "pdf", tmp_path / "pdf")
        assert pdf.stat().st_size > 1000
    assert shutil.which("pdftotext"), "pdftotext mangler (poppler-utils): kør scripts/system-deps.sh"
    text = pdf_text(tmp_path / "pdf/anmodning-om-godkendelse.pdf")
    assert "Anmodning om godkendelse af ændringer" in text and "VIBO Bolig" in text and "89,4" in text


def test_change_page(repo, monkeypatch, tmp_path):
    diff(repo, monkeypatch, "start", "part", tmp_path)
    page = (tmp_path / "amager/aendringer.md").read_text(encoding="utf-8")
    assert page.startswith("# Ændringer siden start\n")
    assert "~~Boligforeningen~~ VIBO **Bolig**" in page
    assert "89,2 → 89,4 (+0,2)" in page
    assert "Landsbyggefonden skal godkende" in page and "Bydelsbestyrelsen skal godkende" in page
    assert "| Boligsocial medarbejder 1 |" in page
    html = (tmp_path / "amager/aendringer.html").read_text(encoding="utf-8")
    assert "<h1>Ændringer siden start</h1>" in html and "<s>Boligforeningen</s>" in html
    assert "<script" not in html
    # The same page in NEW's site, beside the documents it talks about.
    site_page = (tmp_path / "site/amager/aendringer.html").read_text(encoding="utf-8")
    assert "Ændringer siden start" in site_page and "89,2 → 89,4 (+0,2)" in site_page
    assert 'href="samarbejdsaftale.html"' in site_page and (tmp_path / "site/amager/samarbejdsaftale.html").exists()


def test_terminal_report_plain_when_piped_coloured_on_a_terminal(repo, monkeypatch):
    code, out = diff(repo, monkeypatch, "baseline", "part", fmt="text")
    assert code == 1
    assert "Ændringer fra baseline (" in out
    position = _line_col(git(repo, "show", "part:agreements/amager/samarbejdsaftale.yaml"), "navn: VIBO Bolig", "VIBO")
    assert f"part:agreements/amager/samarbejdsaftale.yaml:{position}: ændret: Aftalens parter › VIBO Bolig › Navn" in out
    assert "[-Boligforeningen-] VIBO {+Bolig+}" in out
    assert "Landsbyggefonden skal godkende ændringerne i Strategisk samarbejdsaftale" in out
    assert "«Revision af den strategiske samarbejdsaftale kræver godkendelse i Landsbyggefonden.»" in out
    assert "\x1b[" not in out

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    _, coloured = diff(repo, monkeypatch, "baseline", "part", fmt="text", stream=Terminal())
    assert "\x1b[31m" in coloured and "Boligforeningen" in coloured and "[-" not in coloured


def test_json_shape(repo, monkeypatch):
    _, out = diff(repo, monkeypatch, "start", "aktivitet")
    report = json.loads(out)
    assert set(report) == {"gammel", "ny", "aendret", "opsummering", "saet"}
    assert report["gammel"].startswith("start (") and report["ny"].startswith("aktivitet (")
    [aset] = report["saet"]
    assert set(aset) == {"navn", "dokumenter", "budget", "aktiviteter", "godkendelse", "ogsaa_aendret"}
    assert [a["aktivitet"] for a in aset["aktiviteter"]] == ["jobcafe"]  # added, no money tied to it
    assert {"dokument", "art", "titel", "indsatsomraade", "status", "aendringer"} <= set(aset["dokumenter"][0])
    change = next(c for d in aset["dokumenter"] for c in d["aendringer"])
    assert {"handling", "sti", "hvad", "position", "foer", "efter", "forskel", "ord", "indhold"} <= set(change)
    assert {"linjer", "grupper", "aar", "finansiering", "i_alt", "medfinansiering_procent"} <= set(aset["budget"])
    assert {"dokument", "klasse", "godkender", "regel", "kilde", "oekonomi"} <= set(aset["godkendelse"][0])


# ------------------------------------------------------------------ working tree, folders, errors


@pytest.fixture
def small_repo(tmp_path) -> Path:
    """The small test set in a git repository of its own, one commit tagged start."""
    return new_repo(tmp_path / "lille-repo", SETS / "lille", Path("aftaler/lille"))


def test_working_tree_against_a_tag(small_repo, monkeypatch, tmp_path):
    folder = small_repo / "aftaler/lille"
    name = re.search(r"^    navn: (.+)$", (folder / "samarbejdsaftale.yaml").read_text(encoding="utf-8"), re.M).group(1)
    edit(folder / "samarbejdsaftale.yaml", f"navn: {name}\n", f"navn: {name} og Co.\n")
    code, out = diff(small_repo, monkeypatch, "start", None, tmp_path / "ud", paths=[Path("aftaler/lille")])
    report = json.loads(out)
    assert code == 1 and report["ny"] == "arbejdskopien"
    [change] = [c for d in report["saet"][0]["dokumenter"] for c in d["aendringer"]]
    assert change["ord"][-1] == {"handling": "indsat", "tekst": "og Co."}
    # the working tree has no commit: the redline is signed with the last commit's author and date
    redline = (tmp_path / "ud/lille/samarbejdsaftale-aendringer.docx").read_bytes()
    assert {m.get(f"{{{W}}}author") for m in tracked(redline)} == {AUTHORS["start"][0]}
    # a folder after a revision is a PATH of the working tree, not a second version
    # (with an output folder too: `ogsaa_aendret` names the redlines -o writes)
    code, again = diff(small_repo, monkeypatch, "start", "aftaler/lille", tmp_path / "ud2", paths=[])
    assert code == 1 and json.loads(again)["saet"] == report["saet"]
    # unchanged working tree: nothing to report
    git(small_repo, "checkout", "--", ".")
    code, out = diff(small_repo, monkeypatch, "start", None, paths=[Path("aftaler/lille")])
    assert code == 0 and json.loads(out)["aendret"] is False


def test_two_folders(tmp_path, monkeypatch):
    """Folders instead of revisions: a single set on each side is compared whatever its folder's name."""
    old, new = tmp_path / "gammel", tmp_path / "ny"
    shutil.copytree(SETS / "lille", old)
    shutil.copytree(SETS / "lille", new)
    assert diff(tmp_path, monkeypatch, str(old), str(new))[0] == 0
    edit(new / "samarbejdsaftale.yaml", "  beboere: 1234\n", "\n  beboere: 1250\n")  # a blank line is no change
    code, out = diff(tmp_path, monkeypatch, "gammel", "ny")
    report = json.loads(out)
    assert code == 1 and report["gammel"] == "mappen gammel" and report["ny"] == "mappen ny"
    [change] = documents(report)["samarbejdsaftale"]["aendringer"]
    assert change["sti"] == ["kort_om_boligomraadet", "beboere"] and change["forskel"] == 16
    assert change["position"] == "ny/samarbejdsaftale.yaml:" + _line_col(new / "samarbejdsaftale.yaml",
                                                                         "beboere: 1250", "1250")


def test_unknown_revision_is_a_usage_error(repo, monkeypatch, capsys):
    code, _ = diff(repo, monkeypatch, "findes-ikke", "HEAD", fmt="text")
    assert code == 2
    err = capsys.readouterr().err
    assert "findes-ikke: fejl: revisionen 'findes-ikke' findes ikke i git-arkivet" in err
    assert "Traceback" not in err


def test_not_a_git_repository(tmp_path, monkeypatch, capsys):
    shutil.copytree(SETS / "lille", tmp_path / "lille")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, out = diff(tmp_path, monkeypatch, "HEAD~1", None, paths=[Path("lille")])
    assert code == 2
    report = json.loads(out)
    assert report["fund"][0]["besked"].startswith("revisionen 'HEAD~1' kan ikke slås op: mappen er ikke i et git-arkiv")


def test_a_set_new_since_the_revision_is_reported_as_added(small_repo, monkeypatch):
    shutil.copytree(SETS / "lille", small_repo / "aftaler/ny")
    code, out = diff(small_repo, monkeypatch, "start", None, paths=[Path("aftaler/ny")])
    assert code == 1
    [aset] = json.loads(out)["saet"]
    assert aset["navn"] == "ny" and {d["status"] for d in aset["dokumenter"]} == {ADDED}
    assert "samarbejdsaftale" in {a["dokument"] for a in aset["godkendelse"]}
    assert all(a["klasse"] for a in aset["godkendelse"])  # every kind of the round has its rule


def test_invalid_source_at_a_revision_is_reported_at_its_place(small_repo, monkeypatch, capsys):
    budget = small_repo / "aftaler/lille/budget.yaml"
    budget.write_text(budget.read_text(encoding="utf-8") + "jnr: igen\n", encoding="utf-8")
    git(small_repo, "commit", "-qam", "brudt", env={"GIT_AUTHOR_NAME": "X", "GIT_AUTHOR_EMAIL": "x@x",
                                                    "GIT_COMMITTER_NAME": "X", "GIT_COMMITTER_EMAIL": "x@x"})
    git(small_repo, "checkout", "-q", "start", "--", ".")
    code, _ = diff(small_repo, monkeypatch, "HEAD", None, fmt="text", paths=[Path("aftaler/lille")])
    assert code == 2
    line = len(budget.read_text(encoding="utf-8").splitlines()) + 1
    err = capsys.readouterr().err
    assert f"HEAD:aftaler/lille/budget.yaml:{line}:1: fejl: nøglen 'jnr' står to gange" in err


def test_a_revision_with_links_is_read_as_the_working_tree_reads_it(small_repo, monkeypatch, capsys):
    """A revision is unpacked by aftaler itself (Python 3.11 before 3.11.4, Debian 12's 3.11.2, has no
    tar filter): a link that stays in the set is read, one out of the repository is refused, said."""
    folder = small_repo / "aftaler/lille"
    (folder / "noter").mkdir()
    shutil.move(folder / "kommissorium.yaml", folder / "noter" / "kommissorium-tekst.yaml")
    (folder / "kommissorium.yaml").symlink_to("noter/kommissorium-tekst.yaml")
    git(small_repo, "add", "-A")
    someone = {"GIT_AUTHOR_NAME": "X", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "X", "GIT_COMMITTER_EMAIL": "x@x"}
    git(small_repo, "commit", "-qm", "link", env=someone)
    code, out = diff(small_repo, monkeypatch, "start", "HEAD", paths=[Path("aftaler/lille")])
    assert code == 0 and json.loads(out)["aendret"] is False  # the same text, through the link
    (folder / "kommissorium.yaml").unlink()
    (folder / "kommissorium.yaml").symlink_to("../../../uden-for.yaml")
    git(small_repo, "add", "-A")
    git(small_repo, "commit", "-qm", "ud", env=someone)
    code, _ = diff(small_repo, monkeypatch, "start", "HEAD", fmt="text", paths=[Path("aftaler/lille")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "filerne kan ikke hentes fra revisionen 'HEAD': 'aftaler/lille/kommissorium.yaml' er et link ud af mappen" in err


def test_unpack_refuses_what_would_land_outside_its_folder(tmp_path):
    import tarfile

    from aftaler.review.revisions import _unpack

    def archive(*members) -> bytes:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for name, kind, extra in members:
                info = tarfile.TarInfo(name)
                info.type = kind
                if kind == tarfile.SYMTYPE or kind == tarfile.LNKTYPE:
                    info.linkname = extra
                    tar.addfile(info)
                elif kind == tarfile.REGTYPE:
                    info.size = len(extra)
                    tar.addfile(info, io.BytesIO(extra))
                else:
                    tar.addfile(info)
        return buffer.getvalue()

    good = archive(("a", tarfile.DIRTYPE, None), ("a/b.yaml", tarfile.REGTYPE, b"x: 1\n"),
                   ("a/c.yaml", tarfile.SYMTYPE, "b.yaml"))
    assert _unpack(good, tmp_path / "ok") is None
    assert (tmp_path / "ok/a/c.yaml").read_text() == "x: 1\n" and (tmp_path / "ok/a/c.yaml").is_symlink()
    for bad, said in [(("../ud.yaml", tarfile.REGTYPE, b""), "peger ud af mappen"),
                      (("/etc/x.yaml", tarfile.REGTYPE, b""), "peger ud af mappen"),
                      (("a/l.yaml", tarfile.SYMTYPE, "../../x"), "link ud af mappen"),
                      (("a/l.yaml", tarfile.SYMTYPE, "/etc/passwd"), "link ud af mappen"),
                      (("a/h.yaml", tarfile.LNKTYPE, "a/b.yaml"), "hverken en fil"),
                      (("a/fifo", tarfile.FIFOTYPE, None), "hverken en fil")]:
        target = tmp_path / f"bad-{len(list(tmp_path.iterdir()))}"
        target.mkdir()
        assert said in (_unpack(archive(bad), target) or ""), bad
    assert not (tmp_path / "ud.yaml").exists()


# ------------------------------------------------------------------ git diff on Word files


def test_git_diff_shows_the_text_of_docx_files(tmp_path):
    """The docs/git.md recipe: .gitattributes + textconv make `git diff` show a .docx's words."""
    lille = Project()
    from aftaler.load.sets import load_set
    aset, _ = load_set(SETS / "lille")
    docs, _ = render_set(aset, lille)
    repo = tmp_path / "docs"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".gitattributes").write_text("*.docx diff=docx\n", encoding="utf-8")
    git(repo, "config", "diff.docx.textconv", f"{sys.executable} -m aftaler.review.docx2txt")
    (repo / "aftale.docx").write_bytes(docs["samarbejdsaftale.docx"])
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "første", env={"GIT_AUTHOR_NAME": "X", "GIT_AUTHOR_EMAIL": "x@x",
                                               "GIT_COMMITTER_NAME": "X", "GIT_COMMITTER_EMAIL": "x@x"})
    (repo / "aftale.docx").write_bytes(docs["budget.docx"])
    shown = git(repo, "diff", env={"PYTHONPATH": str(ROOT)})
    assert "Binary files" not in shown
    assert re.search(r"^-Strategisk samarbejdsaftale om boligsocial indsat", shown, re.M)
    assert re.search(r"^\+Budgetark for boligsocial indsats", shown, re.M)


@pytest.mark.parametrize("blocker", ["site", "lille/aendringer.md/"])
def test_an_output_folder_that_cannot_take_every_file_is_left_as_it_was(small_repo, monkeypatch, tmp_path, blocker):
    """-o with a file where a folder goes (or a folder where a file goes): refused before the
    report and the first file, so the folder is untouched and stdout holds one JSON document."""
    edit(small_repo / "aftaler/lille/samarbejdsaftale.yaml", "  beboere: 1234\n", "  beboere: 1250\n")
    out = tmp_path / "ud"
    target = out / blocker.rstrip("/")
    target.parent.mkdir(parents=True)
    target.mkdir() if blocker.endswith("/") else target.write_text("mit eget", encoding="utf-8")
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    code, output = diff(small_repo, monkeypatch, "start", None, out, paths=[Path("aftaler/lille")])
    assert code == 2
    report = json.loads(output)  # one document: the trouble, not a report followed by it
    [finding] = report["fund"]
    assert finding["besked"].startswith("kan ikke skrive output (") and "intet er skrevet" in finding["besked"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
