"""check-template: does a (possibly official, hand-tagged) Word template fit our model?

The template is tried against the model of a real set's document of that kind: every name or
attribute it uses that the model lacks is reported, as are tags Jinja cannot parse.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from ..findings import Position, Result, error, has_errors
from ..load.sets import load_set
from ..model.documents import complete_set, set_context
from ..project import Project
from ..render.word import TemplateProblem, render_docx, undeclared_names
from .validate import validate_set


def check_template(template: Path, kind: str, set_folder: Path, project: Project) -> Result:
    here = Position(str(template))
    aset, findings = load_set(set_folder)
    findings += validate_set(aset, project)
    if has_errors(findings):
        return Result(findings + [error(here, f"aftalesættet {set_folder} er ugyldigt; ret det først", "skabelon")])
    aset = complete_set(aset, project)
    sources = aset.of_kind(kind)
    if not sources:
        return Result([error(here, f"aftalesættet {set_folder} har intet dokument af typen '{kind}' at prøve skabelonen mod", "skabelon")])
    module = project.kinds()[kind].module
    context = set_context(aset, project)
    model = module.model(sources[0], aset, context) if module and hasattr(module, "model") else dict(sources[0].data)
    try:
        missing = undeclared_names(template, model)
    except jinja2.TemplateSyntaxError as exc:
        return Result([error(here, f"skabelonen har et ugyldigt felt: {exc.message}", "skabelon")])
    except TemplateProblem as exc:
        return Result([error(here, str(exc), "skabelon")])
    if not missing:
        try:  # a real render too: an expression that fails or grows without bound is found now, not at build
            render_docx(template, model)
        except TemplateProblem as exc:
            return Result([error(here, str(exc), "skabelon")])
    return Result([error(here, f"skabelonen bruger {name}, som modellen for '{kind}' ikke har", "skabelon")
                   for name in missing])
