"""`new`: start an agreement set from the scaffold templates in templates/ny/<kind>/.

Each `*.yaml.j2` becomes one file; a name with `{omraade}` is written once per chosen area.
Text left to write is marked "UDFYLD", which validation reports as warnings, so a new set
validates and builds from the first minute.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import jinja2

from ..danish import parse_date
from ..findings import Finding, Position, error
from ..project import Project


def scaffold_kinds(project: Project) -> list[str]:
    return list(project.scaffolds())


def slug(text: str) -> str:
    """'Boligsocial indsats på Amager' → 'boligsocial-indsats-paa-amager' (ids and folder names)."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "aftale"


def rounds(project: Project) -> list[str]:
    """The funding rounds `new --pulje` can start a set in (the project's catalogues), oldest first."""
    return sorted(project.catalogues())


def scaffold(kind: str, name: str, folder: Path, *, areas: list[str], fra: str, til: str,
             parties: list[tuple[str, str]], project: Project, schemas: Path,
             round_: str | None = None) -> tuple[dict[Path, str], list[Finding]]:
    """The files of a new set (path → text), or findings saying why not. Writes nothing.
    `schemas` is the folder the editor reads the schemas from; the files' first lines point there.
    `round_` is the funding round (default: the newest); its catalogue decides the areas, the
    fixed indicators and which sections the agreement has."""
    here = Position(str(folder))
    if folder.exists():
        return {}, [error(here, "mappen findes allerede; vælg et andet navn eller slet mappen", "ny")]
    known_rounds = rounds(project)
    if round_ is not None and round_ not in known_rounds:
        return {}, [error(here, f"ukendt pulje '{round_}'; mulige: {', '.join(known_rounds)}", "ny")]
    catalogue = project.catalogues()[round_ or max(known_rounds)]
    known = {a["id"]: a["navn"] for a in catalogue["indsatsomraader"]}
    problems = [error(here, f"ukendt indsatsområde '{a}'; mulige: {', '.join(known)}", "ny") for a in areas if a not in known]
    start, end = parse_date(fra), parse_date(til, end=True)
    if start is None or end is None or start > end:
        problems.append(error(here, f"perioden '{fra} – {til}' er ikke gyldig; skriv fx --fra '1. januar 2026' --til '31. december 2029'", "ny"))
    if problems:
        return {}, problems

    shares = _even_shares(len(areas))
    context = {
        "navn": name, "fra": fra, "til": til, "pulje": catalogue["pulje"],
        "schemas": Path(os.path.relpath(schemas, folder)).as_posix(),
        "parter": [{"id": slug(n), "navn": n, "type": t} for n, t in parties],
        "omraader": [{"id": a, "navn": known[a], "andel": s} for a, s in zip(areas, shares)],
        "indikatorer": [i for goal in catalogue.get("maal") or [] for i in goal["indikatorer"]],
        "aar": list(range(start.year, end.year + 1)),
        # The agreement's sections in this round: its required fields and section titles.
        "felter": _agreement_fields(catalogue, project),
        "afsnit": ((catalogue.get("formular") or {}).get("samarbejdsaftale") or {}).get("afsnit") or {},
        # Lists the round's form prints only where organisering.afsnit places them.
        "kun_i_afsnit": ((catalogue.get("formular") or {}).get("samarbejdsaftale") or {}).get("kun_i_afsnit") or [],
    }
    context["boligorganisation"] = next((p["id"] for p in context["parter"] if p["type"] == "boligorganisation"),
                                        context["parter"][0]["id"] if context["parter"] else "boligorganisation")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(project.scaffolds()[kind]),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["q"] = lambda value: json.dumps(str(value), ensure_ascii=False)  # a YAML double-quoted string
    files = {}
    for template in sorted(env.list_templates(filter_func=lambda n: n.endswith(".yaml.j2"))):
        target = template.removesuffix(".j2")
        if "{omraade}" in target:
            for area in context["omraader"]:
                files[folder / target.replace("{omraade}", area["id"])] = env.get_template(template).render(context, omraade=area)
        else:
            files[folder / target] = env.get_template(template).render(context)
    return files, []


def _agreement_fields(catalogue: dict, project: Project) -> list[str]:
    """The fields the round's agreement form requires (the schema's own list when it gives none)."""
    from .round_schemas import round_schema
    schema = project.schema_documents()["samarbejdsaftale.schema.json"]
    return list(round_schema(schema, catalogue).get("required", []))


def _even_shares(n: int) -> list[int]:
    """Whole percentages adding up to exactly 100 (34, 33, 33)."""
    if n == 0:
        return []
    base, rest = divmod(100, n)
    return [base + (1 if i < rest else 0) for i in range(n)]
