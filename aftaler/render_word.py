"""Render: a document's model into its Word template with docxtpl.

Jinja runs sandboxed with autoescape and StrictUndefined, so a value is always data: `&`, `<`
or `{{ … }}` typed by an author come out literally. Rich text goes through a placeholder: the
`md` filter leaves a marker paragraph that richtext.py replaces with real paragraphs, lists and
footnotes after Jinja has run; the `billede` filter does the same for a `Picture` in the model
(a chart, the organisation diagram).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from . import danish, richtext

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # private-use characters: no author types them


class TemplateProblem(Exception):
    """The template, not the author's data, is at fault: a bad tag or a name the model lacks."""


@dataclass(frozen=True)
class Picture:
    """An image a model provides for a template: PNG bytes, its width on the page, alt text."""

    png: bytes
    width_cm: float
    description: str = ""


def environment(undefined=jinja2.StrictUndefined) -> tuple[SandboxedEnvironment, list]:
    """A fresh environment per document; `md` and `billede` collect what they were given."""
    blocks: list = []

    def placeholder(value) -> str:
        blocks.append(value)
        return f"{MARK_OPEN}{len(blocks) - 1}{MARK_CLOSE}"

    def md(value) -> str:
        return placeholder("" if value is None else str(value))

    def billede(value) -> str:
        if not isinstance(value, Picture):
            raise TemplateProblem("filteret |billede kan kun bruges på et billede fra modellen")
        return placeholder(value)

    # A loader that finds nothing: `{% include %}` or `{% import %}` in a template is an error, never
    # a read of another file.
    env = SandboxedEnvironment(autoescape=True, undefined=undefined, loader=jinja2.FunctionLoader(lambda name: None))
    env.filters.update({
        "tal": danish.number,
        "procent": danish.percent,
        "dato": danish.date_text,
        "periode": danish.period,
        "md": md,
        "billede": billede,
    })
    return env, blocks


def render_docx(template_path: Path, context: dict) -> bytes:
    """Fill the template; return the .docx bytes (not yet normalised, see docx_package)."""
    env, blocks = environment()
    try:
        template = DocxTemplate(str(template_path))
        template.init_docx()  # read the package now, so a file that is no .docx is reported as such
    except Exception as exc:  # python-docx raises several kinds for a file that is not a package
        raise TemplateProblem(f"skabelonen {template_path.name} er ikke en Word-fil (.docx): {exc}") from exc
    try:
        template.render(context, jinja_env=env, autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"skabelonen bruger et navn, som modellen ikke har: {exc.message}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"skabelonen har et ugyldigt felt (linje {exc.lineno} i den samlede tekst): {exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"skabelonen kunne ikke udfyldes: {exc}") from exc
    _expand_placeholders(template.docx, blocks)
    _fit_grids(template.docx)
    buffer = io.BytesIO()
    template.docx.save(buffer)
    return buffer.getvalue()


def _expand_placeholders(document, blocks: list) -> None:
    body = document.element.body
    for p in list(body.iter(qn("w:p"))):
        paragraph = Paragraph(p, document._body)
        text = paragraph.text
        if MARK_OPEN not in text:
            continue
        stripped = text.strip()
        if not (stripped.startswith(MARK_OPEN) and stripped.endswith(MARK_CLOSE) and stripped.count(MARK_OPEN) == 1):
            raise TemplateProblem("et felt med |md eller |billede skal stå alene i sit afsnit i skabelonen")
        block = blocks[int(stripped[1:-1])]
        if isinstance(block, Picture):
            _insert_picture(paragraph, block)
        else:
            richtext.replace_placeholder(document, paragraph, richtext.parse(block))


def _insert_picture(paragraph, picture: Picture) -> None:
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    paragraph.add_run().add_picture(io.BytesIO(picture.png), width=Cm(picture.width_cm))
    doc_pr = paragraph._p.find(f".//{qn('wp:docPr')}")
    if doc_pr is not None and picture.description:
        doc_pr.set("descr", picture.description)  # alt text for screen readers


def _fit_grids(document) -> None:
    """Make each table's grid follow its cells' own widths.

    docxtpl spreads all columns evenly when a `{%tc %}` loop adds cells, which squeezes a
    budget's text columns; the template's cell widths say what the form wants.
    """
    for tbl in document.element.body.iter(qn("w:tbl")):
        grid = tbl.find(qn("w:tblGrid"))
        if grid is None:
            continue
        widest = max(tbl.iter(qn("w:tr")), key=lambda tr: len(tr.findall(qn("w:tc"))), default=None)
        if widest is None:
            continue
        widths = []
        for tc in widest.findall(qn("w:tc")):
            tc_w = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            if tc_w is None or tc_w.get(qn("w:type")) != "dxa" or span is not None:
                break
            widths.append(tc_w.get(qn("w:w")))
        else:
            for col in list(grid):
                grid.remove(col)
            for width in widths:
                col = grid.makeelement(qn("w:gridCol"), {qn("w:w"): width})
                grid.append(col)


def undeclared_names(template_path: Path, context: dict) -> list[str]:
    """Every name or attribute the template uses that the model does not provide, quoted for a message."""
    missing: list[str] = []

    class Recording(jinja2.ChainableUndefined):
        def __init__(self, hint=None, obj=jinja2.utils.missing, name=None, exc=None):
            super().__init__(hint, obj, name, exc)
            if name is not None:
                if obj is jinja2.utils.missing:
                    missing.append(f"'{name}'")
                else:
                    owner = {"str": "en tekst", "dict": "et afsnit", "list": "en liste"}.get(type(obj).__name__, "en værdi")
                    missing.append(f"'{name}' (felt i {owner})")

    env, _ = environment(undefined=Recording)
    template = DocxTemplate(str(template_path))
    top_level = template.get_undeclared_template_variables(jinja_env=env)
    missing.extend(f"'{name}'" for name in sorted(top_level) if name not in context)
    template.render(context, jinja_env=env, autoescape=True)
    return sorted(set(missing))
