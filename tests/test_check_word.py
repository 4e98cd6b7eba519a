"""`aftaler check-word`: a Word file edited by hand, compared with the YAML it was built from."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from conftest import ROOT, edit
from libreoffice import convert

from aftaler.cli import main
from aftaler.review.docx2txt import document_text

SET = ROOT / "agreements" / "amager"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("bygget")
    assert main(["build", str(SET), "-o", str(out)]) == 0
    return out / "amager"


def rewrite(src, dst, change):
    """A copy of a .docx with its document.xml changed by `change(xml) -> xml` (as Word would save it)."""
    with zipfile.ZipFile(src) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    parts["word/document.xml"] = change(parts["word/document.xml"].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(dst, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return dst


def run(capsys, *args):
    code = main(["check-word", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_file_as_built_is_said_to_be_so(built, capsys):
    code, out = run(capsys, built / "delaftale-beskaeftigelse.docx", SET)
    assert code == 0 and "er som bygget fra YAML'en" in out


def test_an_edit_of_text_from_yaml_points_at_the_yaml(built, capsys, tmp_path):
    edited = rewrite(built / "delaftale-beskaeftigelse.docx", tmp_path / "rettet.docx",
                     lambda xml: xml.replace("Flere ledige voksne beboere", "Mange ledige voksne beboere", 1))
    code, out = run(capsys, edited, SET)
    assert code == 1
    [line] = [line for line in out.splitlines() if "ændret i Word-filen" in line]
    assert line.startswith("agreements/amager/delaftale-beskaeftigelse.yaml:108:") or \
        re.match(r".*delaftale-beskaeftigelse\.yaml:10[89]:\d+: fejl", line), line
    assert "Mange ledige voksne beboere" in line.split("er nu", 1)[1]


def test_an_edit_of_the_forms_own_text_is_not_from_yaml(built, capsys, tmp_path):
    edited = rewrite(built / "delaftale-beskaeftigelse.docx", tmp_path / "rettet.docx",
                     lambda xml: xml.replace("Delmål er skridt på vejen", "Delmål er trin på vejen", 1))
    code, out = run(capsys, edited, SET)
    assert code == 1 and "(ikke fra YAML: formularens egen tekst)" in out and str(tmp_path / "rettet.docx") in out


def test_tracked_changes_and_comments_are_listed(built, capsys, tmp_path):
    def track(xml):
        inserted = ('<w:ins w:id="901" w:author="Sekretariatet" w:date="2026-01-01T00:00:00Z"><w:r>'
                    '<w:t xml:space="preserve">Nye og </w:t></w:r></w:ins>')
        changed, count = re.subn(r"(<w:r>(?:(?!</w:r>).)*?<w:t[^>]*>Flere ledige)", inserted + r"\1", xml, count=1, flags=re.S)
        assert count == 1
        return changed
    edited = rewrite(built / "delaftale-beskaeftigelse.docx", tmp_path / "sporet.docx", track)
    code, out = run(capsys, edited, SET)
    assert code == 1 and "sporet ændring (indsat af Sekretariatet): «Nye og»" in out


def test_a_file_saved_by_libreoffice_reads_the_same(built, capsys, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice er ikke installeret (scripts/system-deps.sh)")
    saved = convert(built / "samarbejdsaftale.docx", "docx", tmp_path / "lo")
    assert document_text(str(saved)) == document_text(str(built / "samarbejdsaftale.docx"))
    code, out = run(capsys, saved, SET)
    assert code == 0, out


def test_files_that_are_not_from_aftaler(capsys, tmp_path):
    other = tmp_path / "andet.docx"
    shutil.copy(ROOT / "templates" / "delaftale.docx", other)
    code, out = run(capsys, other)
    assert code == 1 and "ikke lavet af aftaler" in out and "Traceback" not in out
    junk = tmp_path / "skrald.docx"
    junk.write_bytes(b"ikke en zip")
    code, out = run(capsys, junk)
    assert code == 1 and "kan ikke læses som et Word-dokument" in out


def test_a_file_built_from_an_older_commit_is_recognised(capsys, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(SET, repo / "agreements" / "amager")
    env = {"GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@x"}
    monkeypatch.chdir(repo)
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def git(*args):
        subprocess.run(["git", *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "start")
    assert main(["build", "agreements/amager", "-o", str(tmp_path / "ud")]) == 0
    edit(repo / "agreements/amager/delaftale-beskaeftigelse.yaml", "Flere ledige voksne", "Mange ledige voksne")
    git("commit", "-qam", "rettet")
    code, out = run(capsys, tmp_path / "ud" / "amager" / "delaftale-beskaeftigelse.docx")
    assert code == 0 and "svarer til revision" in out and "byg den igen" in out
