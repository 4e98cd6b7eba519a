"""Validate: JSON Schema for each document, then the rules that span documents.

Rules run only on documents that passed their schema, so they can trust the shape of the data.
Everything found is returned as findings; nothing is raised for bad input.
"""
from __future__ import annotations

from ..findings import Finding, Position, error, has_errors, warning
from ..load.sets import AgreementSet
from ..model.documents import set_context
from ..project import Project
from .catalogue import required_documents, set_round
from .schema import check as check_schema
from .texts import check_texts

PLACEHOLDER = "UDFYLD"  # what `new` writes where text is still to come


def validate_set(aset: AgreementSet, project: Project, *, for_upload: bool = False) -> list[Finding]:
    """Every finding of the set. `for_upload`: the set's files are being built for LBF, so a
    missing agreement document is an error, not a warning (check/catalogue.py)."""
    kinds = project.kinds()
    # The schemas are checked with the ids of the set's own funding round (its catalogue).
    catalogue, findings = set_round(aset, project)
    validators = project.round_validators(catalogue)
    valid = []
    for source in aset.sources:
        if source.data is None:
            continue
        kind = kinds.get(source.kind)
        if kind is None:
            findings.append(error(Position(source.display, 1, 1),
                                  f"ukendt dokumenttype '{source.kind}'; kendte typer: {', '.join(kinds)}", "skema-linje"))
            continue
        problems = check_schema(source, validators[kind.name])
        findings.extend(problems)
        if not has_errors(problems):
            valid.append(source)
    findings.extend(unique_ids(valid))
    schemas = project.schema_tree
    for source in valid:
        findings.extend(check_texts(source, schemas))
    if has_errors(findings) or any(source.data is None for source in aset.sources):
        # Rules across documents would only repeat the problem (a missing delaftale, an unknown
        # activity) in files that are right; the author fixes the broken file first.
        return sorted(set(findings))

    context = set_context(aset, project)
    for source in valid:
        module = kinds[source.kind].module
        if module is not None and hasattr(module, "check"):
            findings.extend(module.check(source, aset, context))
    findings.extend(required_documents(aset, context["catalogue"], for_upload=for_upload))
    findings.extend(unfinished(valid))
    return sorted(set(findings))


def unique_ids(sources) -> list[Finding]:
    """Every `id` of a list item is unique across the whole set, so changes can be followed."""
    seen: dict[str, Position] = {}
    findings = []
    for source in sources:
        for path, value in _ids(source.data, ()):
            here = source.position(path)
            if value in seen:
                first = seen[value]
                findings.append(error(here, f"id '{value}' bruges allerede i {first}; et id skal være entydigt i hele aftalesættet", "id"))
            else:
                seen[value] = here
    return findings


def _ids(data, path):
    found: list = []
    _collect_ids(data, path, found)
    return found


def _collect_ids(data, path, found: list) -> None:
    # Appended to one list, not yielded: a recursive generator passes every value up through
    # every level above it.
    if isinstance(data, dict):
        item = bool(path) and isinstance(path[-1], int)
        for key, value in data.items():
            if key == "id" and item and isinstance(value, str):
                found.append((path + (key,), value))
            elif isinstance(value, (dict, list)):
                _collect_ids(value, path + (key,), found)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, (dict, list)):
                _collect_ids(item, path + (i,), found)


def unfinished(sources) -> list[Finding]:
    """A warning for every value still marked UDFYLD, so an author sees what is left to write."""
    findings = []
    for source in sources:
        for path, value in strings(source.data):
            if value.strip().startswith(PLACEHOLDER):
                findings.append(warning(source.position(path), f"ikke udfyldt endnu: {'.'.join(map(str, path))}", "udfyld"))
    return findings


def strings(data, path=()):
    """Every text value of a document with its path (keys and list positions)."""
    found: list = []
    _collect_strings(data, path, found)
    return iter(found)


def _collect_strings(data, path, found: list) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str):
                found.append((path + (key,), value))
            elif isinstance(value, (dict, list)):
                _collect_strings(value, path + (key,), found)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if isinstance(value, str):
                found.append((path + (i,), value))
            elif isinstance(value, (dict, list)):
                _collect_strings(value, path + (i,), found)
    elif isinstance(data, str):
        found.append((path, data))
