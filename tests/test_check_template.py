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


def test_a_tag_nested_too_deep_is_the_templates_error_at_its_paragraph(run, tmp_path):
    """Jinja's parser and the check walk the tree recursively: a tag nested deeper than the stack
    goes (parentheses in parentheses, a chain of attributes or filters, {% if %} in {% if %}) is
    said at its paragraph (exit 1), never a RecursionError (exit 3)."""
    for name, tag, says in [
        ("parenteser", "{{ " + "(" * 300 + "titel" + ")" * 300 + " }}", "end Jinja kan læse (højst 40)"),
        ("punktummer", "{{ titel" + ".a" * 3000 + " }}", "feltet står 3003 lag inden i hinanden (højst 40)"),
        ("filtre", "{{ titel" + "|upper" * 3000 + " }}", "lag inden i hinanden (højst 40)"),
        ("if", "{% if titel %}" * 150 + "x" + "{% endif %}" * 150, "lag inden i hinanden (højst 40)"),
    ]:
        path = tmp_path / f"{name}.docx"
        doc = Document(ROOT / "templates/delaftale.docx")
        doc.add_paragraph(tag)
        doc.save(path)
        code, _, err = run("check-template", path, "--kind", "delaftale", "--saet", "tests/sets/lille")
        assert code == 1, (name, err)
        assert "intern fejl" not in err and "Traceback" not in err, err
        [line] = [line for line in err.splitlines() if says in line]
        assert re.search(rf"{re.escape(str(path))}: fejl: afsnit \d+: «", line), line
        # the build with it says so in Danish too, without Python's words
        code, _, err = run("build", "tests/sets/lille", "-o", tmp_path / f"ud-{name}", "--skabelon", f"delaftale={path}")
        assert code == 1 and "intern fejl" not in err and "Traceback" not in err, (name, err)
        assert "recursion" not in err and "Indentation" not in err and "SyntaxError" not in err, (name, err)
    # 40 levels are still a template
    path = tmp_path / "dybt.docx"
    doc = Document(ROOT / "templates/delaftale.docx")
    doc.add_paragraph("{% if titel %}" * 20 + "{{ titel }}" + "{% endif %}" * 20)
    doc.save(path)
    code, _, err = run("check-template", path, "--kind", "delaftale", "--saet", "tests/sets/lille")
    assert code == 0, err
