"""check-template: an own (official) template is tried against the model before it is used."""
from __future__ import annotations

import re
import shutil
import zipfile

from docx import Document

from conftest import ROOT


def test_default_templates_fit_the_model(run):
    for kind in ("samarbejdsaftale", "delaftale", "budget"):
        code, _, err = run("check-template", ROOT / f"templates/{kind}.docx", "--kind", kind, "--saet", "tests/sets/lille")
        assert code == 0, err


def test_default_templates_carry_no_unused_parts_or_table_styles():
    """Every document built from a template reads, writes and compresses all of it (see _prune
    in templates/src/word.py): python-docx's blank document brings ≈790 kB nobody uses."""
    templates = sorted((ROOT / "templates").glob("*.docx"))
    assert len(templates) >= 10
    for template in templates:
        with zipfile.ZipFile(template) as package:
            names = set(package.namelist())
            assert not names & {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg"}, template.name
            styles = package.read("word/styles.xml").decode("utf-8")
            used = set(re.findall(r'<w:tblStyle w:val="([^"]+)"', package.read("word/document.xml").decode("utf-8")))
        table_styles = re.findall(r'<w:style w:type="table"( w:default="1")? w:styleId="([^"]+)"', styles)
        assert {style for default, style in table_styles if not default} == used, template.name
        assert len(styles) < 60_000, template.name


def test_unknown_fields_are_listed_and_fail(run, tmp_path):
    path = tmp_path / "egen.docx"
    shutil.copy(ROOT / "templates/delaftale.docx", path)
    doc = Document(path)
    doc.add_paragraph("{{ kontaktperson_for_lbf }} og {{ navn.forkortelse }}")
    doc.add_paragraph("{% for a in aktiviteter %}{{ a.budget }}{% endfor %}")
    doc.save(path)
    code, _, err = run("check-template", path, "--kind", "delaftale", "--saet", "tests/sets/lille")
    assert code == 1
    assert "'kontaktperson_for_lbf' findes ikke i modellen for 'delaftale'" in err
    assert "'a.budget' findes ikke: 'a' har ikke feltet 'budget'" in err
    assert "'navn.forkortelse' findes ikke: 'navn' er en tekst" in err
    assert "3 fejl" in err


def test_a_broken_tag_is_reported(run, tmp_path):
    path = tmp_path / "brudt.docx"
    doc = Document(ROOT / "templates/budget.docx")
    doc.add_paragraph("{{ jnr ")
    doc.save(path)
    code, _, err = run("check-template", path, "--kind", "budget", "--saet", "tests/sets/lille")
    assert code == 1 and "'{{ jnr' lukkes ikke i samme afsnit" in err and "afsnit " in err and "Traceback" not in err


def test_build_with_own_template(run, tmp_path):
    path = tmp_path / "min-delaftale.docx"
    doc = Document(ROOT / "templates/delaftale.docx")
    doc.add_paragraph("Egen skabelon: {{ titel }}")
    doc.save(path)
    code, _, err = run("build", "tests/sets/lille", "-o", tmp_path / "ud", "--skabelon", f"delaftale={path}")
    assert code == 0, err
    from docx_reader import all_text
    assert "Egen skabelon: Delaftale for indsatsområdet Beskæftigelse" in all_text(tmp_path / "ud/lille/delaftale-beskaeftigelse.docx")
