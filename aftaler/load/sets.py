"""An agreement set: one folder of YAML documents that belong together (agreements/amager/)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, Position, display_path, error
from .source import Source, load


@dataclass
class AgreementSet:
    name: str
    folder: Path
    sources: list[Source] = field(default_factory=list)
    complete: bool = False  # every schema field present (model.complete_set); computed once per build

    def of_kind(self, kind: str) -> list[Source]:
        return [s for s in self.sources if s.kind == kind and s.data is not None]

    def one(self, kind: str) -> Source | None:
        found = self.of_kind(kind)
        return found[0] if found else None


def find_sets(paths: list[Path]) -> tuple[list[Path], list[Finding]]:
    """Each PATH is a set folder (it holds .yaml files), a folder of set folders, or a file of a set
    (as a pre-commit hook passes them): the file's folder is the set."""
    folders, findings = [], []
    for path in paths:
        path = Path(path)
        if path.is_file() and path.suffix == ".yaml":
            folders.append(path.parent)
        elif path.suffix == ".yaml" and not path.exists():
            findings.append(error(Position(str(path)), "filen findes ikke", "sti"))
        elif not path.is_dir():
            findings.append(error(Position(str(path)), "mappen findes ikke (angiv en aftalemappe eller agreements/)", "sti"))
        elif any(path.glob("*.yaml")):
            folders.append(path)
        else:
            subfolders = sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.yaml")))
            if not subfolders:
                findings.append(error(Position(str(path)), "mappen indeholder ingen aftaler (.yaml-filer)", "sti"))
            folders.extend(subfolders)
    unique = list(dict.fromkeys(p.resolve() for p in folders))
    return unique, findings


def load_set(folder: Path) -> tuple[AgreementSet, list[Finding]]:
    """Load every YAML file of a set; a file that fails to load does not stop the others."""
    aset = AgreementSet(name=folder.name, folder=folder)
    findings: list[Finding] = []
    inside = folder.resolve()
    for path in sorted(folder.glob("*.yaml")):
        try:
            target = path.resolve(strict=path.is_symlink())
        except (OSError, RuntimeError):  # a link to nothing, or a loop of links
            findings.append(error(Position(display_path(path)), "filen er et link, der ikke peger på en fil", "fil"))
            continue
        if inside not in target.parents:
            findings.append(error(Position(display_path(path)), "filen er et link til et sted uden for aftalemappen; "
                                  "kopiér filen ind i mappen i stedet", "fil"))
            continue
        source, problems = load(path)
        aset.sources.append(source)
        findings.extend(problems)
    return aset, findings
