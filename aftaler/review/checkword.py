"""`aftaler check-word FILE.docx [SET]`: a Word file that may have been edited by hand, against its YAML.

A Word file aftaler wrote names its source in its custom properties (aftaler.kilde: the set and
file, aftaler.kilderevision: the commit). The document is built again from the set's YAML — in
the working tree, and at the recorded commit when git has it — and the two texts are compared
paragraph by paragraph (docx2txt's lines, tracked changes accepted). Every difference is a
finding: at the YAML file:line:col the built text comes from, or at the Word file with "ikke fra
YAML" for the form's own text. Tracked changes and comments in the file are findings too: the
next build would drop them. Findings only; cli.py reports them.
"""
from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..findings import Finding, Position, error, has_errors, warning
from ..load.sets import AgreementSet, load_set
from ..project import Project
from ..check.validate import strings
from .docx2txt import W, document_text

CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")


@dataclass
class Checked:
    """What check-word found, and what it compared the file with (for the success message)."""

    findings: list[Finding]
    compared_with: str = ""  # "arbejdskopien" or "revision 3f2a9c1"


def check_word(path: Path, set_folder: Path | None, agreements: Path, project: Project) -> Checked:
    here = Position(str(path))
    try:
        data = path.read_bytes()
        properties = custom_properties(data)
        text = document_text(io.BytesIO(data))
    except OSError as exc:
        return Checked([error(here, f"filen kan ikke læses ({exc.strerror or exc})", "word")])
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return Checked([error(here, "filen kan ikke læses som et Word-dokument (.docx)", "word")])
    source = properties.get("aftaler.kilde", "")
    if "/" not in source:
        return Checked([error(here, "filen er ikke lavet af aftaler (den mangler egenskaben aftaler.kilde), "
                                    "så der er ingen YAML at sammenligne med", "word")])
    set_name, file_name = source.rsplit("/", 1)
    folder = set_folder or agreements / set_name
    if not (folder / file_name).is_file():
        return Checked([error(here, f"kilden {file_name} findes ikke i {folder}; angiv aftalesættets mappe: "
                                    f"aftaler check-word {path} MAPPE", "word")])

    findings = edits_in(data, here)
    aset, problems = load_set(folder)
    built, problems = _rebuild(aset, file_name, project, problems)
    if has_errors(problems):
        return Checked(problems)
    recorded = properties.get("aftaler.kilderevision", "").split(" ")[0]
    compared = "arbejdskopien"
    if built is not None and document_text(io.BytesIO(built)) != text and _COMMIT.match(recorded):
        # Not as the working tree builds it: perhaps as the commit it was built from did.
        from .revisions import load_side
        side = load_side(recorded, [folder], project)
        then = next((s for s in side.sets if any(src.path.name == file_name for src in s.sources)), None) \
            if not has_errors(side.findings) else None
        old, _ = _rebuild(then, file_name, project, []) if then else (None, [])
        if old is not None and document_text(io.BytesIO(old)) == text:
            return Checked(findings + [warning(here, f"filen svarer til revision {recorded[:7]}, som den blev bygget "
                                                     "fra, men YAML'en er ændret siden; byg den igen", "word")],
                           f"revision {recorded[:7]}")
    findings += differences(document_text(io.BytesIO(built)), text, aset, here)
    return Checked(findings, compared)


def custom_properties(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if "docProps/custom.xml" not in package.namelist():
            return {}
        root = etree.fromstring(package.read("docProps/custom.xml"), _PARSER)
    return {p.get("name"): "".join(p.itertext()) for p in root.iter(CUSTOM)}


def edits_in(data: bytes, here: Position) -> list[Finding]:
    """Tracked changes and comments: each is text the next build would silently drop."""
    findings = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        body = etree.fromstring(package.read("word/document.xml"), _PARSER)
        for mark, verb in ((f"{{{W}}}ins", "indsat"), (f"{{{W}}}del", "slettet")):
            for el in body.iter(mark):
                words = "".join(t.text or "" for t in el.iter(f"{{{W}}}t", f"{{{W}}}delText")).strip()
                if words:
                    findings.append(error(here, f"sporet ændring ({verb} af {el.get(f'{{{W}}}author') or 'ukendt'}): "
                                                f"«{words}»", "word"))
        if "word/comments.xml" in names:
            comments = etree.fromstring(package.read("word/comments.xml"), _PARSER)
            for c in comments.iter(f"{{{W}}}comment"):
                words = " ".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in c.iter(f"{{{W}}}p")).strip()
                findings.append(error(here, f"kommentar fra {c.get(f'{{{W}}}author') or 'ukendt'}: «{words}»", "word"))
    return findings


def differences(built: str, actual: str, aset: AgreementSet, here: Position) -> list[Finding]:
    """The file's lines against the built ones: each changed, removed or added passage once."""
    a, b = built.splitlines(), actual.splitlines()
    origins = _origins(aset)
    findings = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        old, new = " / ".join(a[i1:i2]).strip(), " / ".join(b[j1:j2]).strip()
        if not old and not new:
            continue
        where = next((o for o in (_origin(line, origins) for line in a[i1:i2]) if o), None)
        if tag == "insert":
            what = f"tilføjet i Word-filen: «{_short(new)}»"
        elif tag == "delete":
            what = f"fjernet i Word-filen: «{_short(old)}»"
        else:
            what = f"ændret i Word-filen: «{_short(old)}» er nu «{_short(new)}»"
        if where is None:
            findings.append(error(here, what + (" (ikke fra YAML: formularens egen tekst)" if old else ""), "word"))
        else:
            findings.append(error(where, what + f" (afsnit {i1 + 1} i {here.path}); ret det i YAML'en, ellers "
                                                "forsvinder det ved næste build", "word"))
    return findings


def _rebuild(aset: AgreementSet | None, file_name: str, project: Project, problems: list):
    from ..build.freshness import source_revision
    from ..build.pipeline import render_documents
    from ..check.validate import validate_set
    from ..model.documents import document_models
    if aset is None:
        return None, problems
    problems = problems + validate_set(aset, project)
    if has_errors(problems):
        return None, problems
    docs = [d for d in document_models(aset, project) if d.source.path.name == file_name]
    outputs, found = render_documents(aset, docs, project, source_revision(aset.folder))
    return outputs.get(f"{Path(file_name).stem}.docx"), problems + found


def _origins(aset: AgreementSet) -> list[tuple[str, Position]]:
    """Every text value of the set as plain words, with its place; the longest first."""
    from .changes import plain_value
    found = []
    for source in aset.sources:
        for path, value in strings(source.data):
            words = _norm(plain_value(value))
            if _distinctive(words):
                found.append((words, source.position(path)))
    return sorted(found, key=lambda o: -len(o[0]))


def _origin(line: str, origins) -> Position | None:
    words = _norm(line)
    if not _distinctive(words):
        return None
    for text, where in origins:
        if text in words or words in text:
            return where
    return None


def _distinctive(words: str) -> bool:
    """Long enough that finding it in a line says where the line comes from (not "Delmål", "ja")."""
    return len(words) >= 15 and words.count(" ") >= 2


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[*_`\[\]^]", "", text).split()).casefold()


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
