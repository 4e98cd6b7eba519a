"""The set's funding round: which catalogue its agreement names, where that catalogue comes from,
and what the round requires of the set as a whole (its agreement documents).

Catalogues come in layers, the first that has a round wins: the set's own `catalogue/*.yaml`
(a round the toolkit does not ship yet, or the set's own reading of one), the repository's
`catalogue/`, the toolkit's (project.py). The round is the agreement's `pulje`; a set without
one (the municipality's own kinds) gets the newest round, as before.
"""
from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from ..findings import Finding, Position, display_path, error, warning
from ..load.sets import AgreementSet
from ..project import Project

SET_CATALOGUE = "catalogue"  # a set's own catalogue files: <set>/catalogue/*.yaml
ROUND_FIELD = "pulje"
REQUIRED_KEYS = {"pulje": "puljens id, fx \"2015-18\"", "navn": "puljens navn",
                 "indsatsomraader": "listen af indsatsområder (id og navn)"}
REQUIRED_DOCUMENT_RULE = "aftaledokument"


def set_catalogue_files(folder: Path) -> list[Path]:
    """The set's own catalogue files (they count among its sources for freshness)."""
    own = folder / SET_CATALOGUE
    return sorted(own.glob("*.yaml")) if own.is_dir() else []


def read_catalogue(path: Path) -> tuple[dict | None, list[Finding]]:
    """One catalogue file, or the reason it cannot be used (Danish, with its line and column)."""
    shown = display_path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [error(Position(shown), f"kataloget kan ikke læses ({exc.__class__.__name__})", "katalog")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = Position(shown, mark.line + 1, mark.column + 1) if mark else Position(shown)
        return None, [error(where, "kataloget er ikke gyldig YAML", "katalog")]
    if not isinstance(data, dict):
        return None, [error(Position(shown, 1, 1), "et katalog skal være et afsnit med felter (pulje, navn, "
                                                   "indsatsomraader …)", "katalog")]
    missing = [f"'{key}' ({what})" for key, what in REQUIRED_KEYS.items() if key not in data]
    if missing:
        return None, [error(Position(shown, 1, 1), "kataloget mangler " + ", ".join(missing), "katalog")]
    areas = data["indsatsomraader"]
    if not isinstance(areas, list) or not all(isinstance(a, dict) and "id" in a and "navn" in a for a in areas):
        return None, [error(Position(shown, 1, 1), "kataloget: 'indsatsomraader' skal være en liste med id og navn "
                                                   "for hvert område", "katalog")]
    data["pulje"] = str(data["pulje"])
    problems = _text_problems(path, shown, data)
    return (None, problems) if problems else (data, [])


# A catalogue's texts go into Word, the site and one cell each of budget.xlsx (area and expense
# type names, goals, indicators): the same character policy and Excel's cell limit as a set's own.
CATALOGUE_TEXT_LIMIT = 32767 - 767  # room for what a cell adds ("1. " before a name, note marks)
_TEXT_KEYS = {"id", "navn", "tekst", "beskrivelse", "enhed", "datakilde", "regulativ"}


def _text_problems(path: Path, shown: str, data: dict) -> list[Finding]:
    """The catalogue's texts that cannot be printed: not text, too long, or a refused character;
    each at its line and column in the file."""
    from ..characters import refused
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        root = None
    findings = []

    def at(node) -> Position:
        return Position(shown, node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else Position(shown)

    def walk(node, key: str | None) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, k.value if isinstance(k, yaml.ScalarNode) else None)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, key)
        elif isinstance(node, yaml.ScalarNode) and key in _TEXT_KEYS and node.tag.endswith(":str"):
            text = node.value
            if len(text) > CATALOGUE_TEXT_LIMIT:
                findings.append(error(at(node), f"kataloget: '{key}' har {len(text):,} tegn; højst "
                                      f"{CATALOGUE_TEXT_LIMIT:,} (en celle i budgettets regneark)".replace(",", "."),
                                      "katalog"))
            problem = refused(text, name=key == "id")
            if problem is not None:
                findings.append(error(at(node), f"kataloget: '{key}': {problem[1]}", "katalog"))

    walk(root, None)
    return findings


def catalogues(aset: AgreementSet, project: Project) -> tuple[dict[str, dict], list[Finding]]:
    """Every round the set can name: its own catalogues over the project's, by round."""
    own, findings = {}, []
    for path in set_catalogue_files(aset.folder):
        data, problems = read_catalogue(path)
        findings += problems
        if data is not None:
            own.setdefault(data["pulje"], data)
    return {**project.catalogues(), **own}, findings


def named_round(aset: AgreementSet) -> tuple[str | None, object]:
    """The round the set's agreement names (and the source that names it), or (None, None)."""
    for source in aset.sources:
        if source.kind == "samarbejdsaftale" and isinstance(source.data, dict) and source.data.get(ROUND_FIELD):
            return str(source.data[ROUND_FIELD]), source
    for source in aset.sources:  # another kind may name it too
        if isinstance(source.data, dict) and isinstance(source.data.get(ROUND_FIELD), (str, int)):
            return str(source.data[ROUND_FIELD]), source
    return None, None


def set_round(aset: AgreementSet, project: Project) -> tuple[dict | None, list[Finding]]:
    """The catalogue of the set's round, or None with a message when the agreement names a round
    no catalogue describes (worded as the schema's own enum messages)."""
    known, findings = catalogues(aset, project)
    name, source = named_round(aset)
    if name is None:
        return (known[max(known)] if known else None), findings
    if name in known:
        return known[name], findings
    options = sorted(known)
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    hint = f"; mente du '{close[0]}'?" if close else f"; mulige værdier: {', '.join(options)}"
    findings.append(error(source.position((ROUND_FIELD,)),
                          f"'{name}' er ikke en gyldig værdi for «Pulje» ({ROUND_FIELD}){hint} "
                          f"(en ny pulje kræver et katalog: {SET_CATALOGUE}/lbf-{name}.yaml i aftalesættet "
                          f"eller i repository'et)", "katalog"))
    return None, findings


def required_documents(aset: AgreementSet, catalogue: dict, *, for_upload: bool) -> list[Finding]:
    """A finding for each of the round's agreement documents the set lacks.

    A warning while the set is checked (an agreement is written one document at a time, and a
    draft may be committed), an error when the files to upload are built: LBF requires them all.
    """
    agreement = aset.one("samarbejdsaftale")
    if agreement is None:
        return []
    here = agreement.position((ROUND_FIELD,), key=True) if ROUND_FIELD in agreement.data else agreement.position()
    report = error if for_upload else warning
    findings = []
    for document in catalogue.get("aftaledokumenter") or []:
        kind = document.get("dokumenttype")
        if document.get("pr_indsatsomraade") or not kind or aset.of_kind(kind):
            continue
        when = "; build laver ikke filerne til upload uden" if for_upload else ""
        findings.append(report(here, f"aftalesættet mangler {document.get('navn', kind)} (en fil med skemaet "
                                     f"{kind}.schema.json), som puljen {catalogue['pulje']} kræver blandt "
                                     f"aftaledokumenterne{when}", REQUIRED_DOCUMENT_RULE))
    return findings


def template_for(project: Project, kind: str, catalogue: dict | None) -> Path | None:
    """The Word template of `kind` in the set's round: `formular.<kind>.skabelon` names a template
    of the round's own layout (templates/<skabelon>.docx); without one, the kind's own. A
    template given with --skabelon for the kind wins over both."""
    form = ((catalogue or {}).get("formular") or {}).get(kind) or {}
    if kind in project.template_overrides or not form.get("skabelon"):
        return project.template(kind)
    return project.template(form["skabelon"])
