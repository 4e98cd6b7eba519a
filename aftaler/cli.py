"""Command line: parse arguments, run a stage, report findings once, return the exit code.

Exit codes: 0 success · 1 invalid input (the findings say where) · 2 usage error (a path that
does not exist, an option with a bad value, a port in use) · 3 a bug in aftaler.
"""
from __future__ import annotations

import difflib
import errno
import gc
import os
import re
import sys
import time
from pathlib import Path

import click

from . import cli_words, reporters
from .characters import printable
from .build import pipeline
from .project import Project, Repository, SettingsProblem, find_repository

cli_words.install()  # before the commands below are declared: click reads some texts as they are

FORMAT = click.option("--format", "fmt", type=click.Choice(sorted(reporters.REPORTERS)), default="text",
                      show_default=True, help="Hvordan fejl og advarsler skrives: text, json eller github.")


def _set_paths(ctx, param, values):
    """PATHs must exist and be a folder or a .yaml file: anything else is a usage error (exit 2)."""
    for path in values:
        if path.is_file() and path.suffix != ".yaml":
            raise click.BadParameter(f"'{path}' er hverken en aftalemappe eller en .yaml-fil", param=param)
    return values


PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True), callback=_set_paths,
                       metavar="[STI]…")
OTHER_TEMPLATES = ("status", "anmodning")  # Word files that are no document kind: the status note, the request


def _template_overrides(values, project: Project) -> dict:
    overrides = {}
    known = [*project.kinds(), *OTHER_TEMPLATES]
    for value in values:
        kind, sep, file = value.partition("=")
        if not sep or not kind or not file:
            raise click.BadParameter(f"'{value}' skal have formen ART=FIL, fx delaftale=skabeloner/lbf.docx",
                                     param_hint="--skabelon")
        if kind not in known:
            close = difflib.get_close_matches(kind, known, n=1)
            raise click.BadParameter(f"ukendt dokumenttype '{kind}'" + (f"; mente du '{close[0]}'?" if close else
                                     f"; kendte: {', '.join(known)}"), param_hint="--skabelon")
        if not Path(file).is_file():
            raise click.BadParameter(f"skabelonen '{file}' findes ikke", param_hint="--skabelon")
        overrides[kind] = Path(file)
    return overrides


def _repository() -> Repository:
    """The agreements repository of the current folder (see project.find_repository)."""
    return click.get_current_context().find_root().obj


def _project(templates=()) -> Project:
    project = Project.for_repository(_repository())
    return Project(project.layers, _template_overrides(templates, project)) if templates else project


def _sets(paths) -> list[Path]:
    """The PATHs given, or the repository's folder of agreement sets."""
    return list(paths) or [_relative(_repository().agreements)]


def _out(out_dir: Path | None, paths: list[Path] = ()) -> Path:
    """The output folder: -o, or the repository's. Never a folder of sources: `-o ''` (the current
    folder) or `-o agreements` would write Word files among the YAML they come from."""
    if out_dir is not None and str(out_dir).strip() in ("", "."):
        raise click.BadParameter("angiv en mappe, fx -o output", param_hint="-o/--output")
    out_dir = out_dir if out_dir is not None else _relative(_repository().output)
    target = out_dir.resolve()
    for path in paths:
        sources = path.resolve() if path.is_dir() else path.resolve().parent
        if target == sources or sources in target.parents or (target / sources.name) == sources:
            raise click.BadParameter(f"'{out_dir}' ville skrive i aftalemappen {path}; skriv output et andet sted, "
                                     "fx -o output", param_hint="-o/--output")
    return out_dir


def _relative(path: Path) -> Path:
    """A path under the current folder as it is written there (agreements, not /home/…/agreements)."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _editor_schema_warnings(project: Project) -> list:
    """A warning when the editor's schemas (aftaler init) are not those of the installed toolkit."""
    from .authoring.repository import stale_editor_schemas
    from .findings import Position, display_path, warning
    repository = _repository()
    stale = stale_editor_schemas(repository, project)
    if not stale:
        return []
    return [warning(Position(display_path(repository.editor_schemas)),
                    f"skemaerne til editoren passer ikke til denne version af aftaler ({len(stale)} filer, fx "
                    f"{stale[0]}); kør 'aftaler init' for at skrive dem igen", "skemaer")]


def _report(result, fmt: str) -> int:
    stream = sys.stdout if fmt != "text" else sys.stderr
    reporters.REPORTERS[fmt](result.findings, stream, written=result.written)
    return 0 if result.ok else 1


class _Command(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[TILVALG]")
        super().__init__(*args, **kwargs)


class _Group(click.Group):
    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, options_metavar="[TILVALG]",
             subcommand_metavar="KOMMANDO [ARGUMENTER]…")
@click.version_option(package_name="aftaler")
@click.pass_context
def cli(ctx):
    """aftaler: boligsociale aftaler skrevet som YAML → Landsbyggefondens Word-dokumenter.

    STI er en aftalemappe (agreements/amager) eller en mappe af aftalesæt (standard: agreements/).
    """
    ctx.obj = find_repository(Path.cwd())


@cli.command()
@PATHS
@FORMAT
def validate(paths, fmt):
    """Kontrollér aftalerne (skema og regler på tværs af dokumenter) uden at skrive filer."""
    project = _project()
    with _Progress("Kontrollerer aftalesæt") as progress:
        result = pipeline.validate(_sets(paths), project, progress=progress)
    result.findings += _editor_schema_warnings(project)
    code = _report(result, fmt)
    if code == 0 and fmt == "text":
        click.echo("Alle aftaler er gyldige.", err=True)
    sys.exit(code)


@cli.command()
@PATHS
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="MAPPE",
              help="Mappen der skrives til; hvert aftalesæt får sin egen undermappe (standard: output/).")
@click.option("--skabelon", "templates", multiple=True, metavar="ART=FIL",
              help="Brug en anden Word-skabelon for en dokumenttype, fx delaftale=lbf-delaftale.docx.")
@click.option("--public", is_flag=True,
              help="Udelad kontaktpersoners navne, e-mails og telefonnumre på sitet, så det kan offentliggøres.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, metavar="ANTAL",
              help="Hvor mange aftalesæt der bygges på én gang (standard: antal kerner).")
@click.option("--pdf", is_flag=True,
              help="Lav også en PDF af hver Word-fil med LibreOffice; sitets sider linker til dem.")
@FORMAT
def build(paths, out_dir, templates, public, jobs, pdf, fmt):
    """Byg Word-dokumenter og regneark til output/<sæt>/ og sitet til output/site/.

    Kun aftalesæt, der er ændret siden sidste build, bygges igen.
    """
    project, sets = _project(templates), _sets(paths)
    out_dir = _out(out_dir, sets)
    with _Progress("Bygger aftalesæt") as progress:
        result = pipeline.build(sets, out_dir, project, public=public, jobs=jobs, progress=progress, pdf=pdf)
    code = _report(result, fmt)
    if code == 0 and fmt == "text":
        message = f"{len(result.written)} filer bygget i {printable(out_dir)}/" if result.written else \
            f"Intet at bygge: {printable(out_dir)}/ er opdateret."
        click.echo(message, err=True)
    sys.exit(code)


class _Progress:
    """A progress bar on a terminal, shown once the work has taken more than a second and more
    remains; nothing when output goes to a file or a pipe (CI logs stay clean)."""

    def __init__(self, label: str):
        self.label = label
        # Seconds before it shows; AFTALER_FREMSKRIDT_EFTER changes it (0: at once, as the tests use).
        try:
            self.after = float(os.environ.get("AFTALER_FREMSKRIDT_EFTER", "1"))
        except ValueError:
            self.after = 1.0

    def __enter__(self):
        self.bar, self.start = None, time.monotonic()
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None and done < total and time.monotonic() - self.start >= self.after and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr).__enter__()
        if self.bar is not None:
            self.bar.length = total  # a step may learn the whole only as it goes (bundle: its Word files)
            self.bar.update(done - self.bar.pos)
            if done >= total:  # ended here, so that what the command prints next starts on a line of its own
                self.bar.__exit__(None, None, None)
                self.bar = None

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


@cli.command()
@PATHS
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="MAPPE",
              help="Mappen der bygges til (standard: output/).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, metavar="PORT",
              help="Porten sitet vises på (0: en ledig port).")
@click.option("--public", is_flag=True, help="Som for build: udelad kontaktoplysninger.")
@click.option("--pdf", is_flag=True, help="Som for build: lav også en PDF af hver Word-fil, og link til dem.")
def serve(paths, out_dir, port, public, pdf):
    """Byg, vis sitet på http://127.0.0.1:PORT/, og byg igen, hver gang en fil gemmes."""
    from .build import watch
    project_paths, project = _sets(paths), _project()
    out_dir = _out(out_dir, project_paths)
    try:  # the port first: a port in use is said before minutes of building
        server = watch.start_server(out_dir / "site", port)
    except OSError as exc:
        reason = "er optaget af et andet program" if exc.errno == errno.EADDRINUSE else "kan ikke bruges"
        raise click.BadParameter(f"porten {port} {reason}; vælg en anden, fx --port {port + 1}, eller --port 0",
                                 param_hint="--port")

    def rebuild():
        with _Progress("Bygger aftalesæt") as progress:
            result = pipeline.build(project_paths, out_dir, Project(project.layers), public=public, pdf=pdf,
                                    progress=progress)
        reporters.text(result.findings, sys.stderr)
        click.echo(f"{time.strftime('%H:%M:%S')} {'bygget' if result.ok else 'fejl: det forrige resultat vises stadig'}",
                   err=True)

    rebuild()
    (out_dir / "site").mkdir(parents=True, exist_ok=True)
    click.echo(f"Sitet vises på http://127.0.0.1:{server.server_address[1]}/ — gem en fil for at bygge igen; "
               "Ctrl+C stopper.", err=True)
    try:
        watch.watch([*project_paths, *project.folders()], rebuild)
    finally:
        server.shutdown()


@cli.command()
@click.argument("kind", metavar="ART")
@click.argument("name", metavar="NAVN")
@click.option("--areas", metavar="OMRÅDER", help="Indsatsområder adskilt af komma, fx beskaeftigelse,kriminalitetsforebyggelse.")
@click.option("--fra", metavar="DATO", help="Aftalens startdato, fx '1. januar 2026'.")
@click.option("--til", metavar="DATO", help="Aftalens slutdato, fx '31. december 2029'.")
@click.option("--part", "parties", multiple=True, metavar="NAVN:TYPE",
              help="En part, fx 'Boligforeningen X:boligorganisation' eller 'Y Kommune:kommune'. Gentag for flere.")
@click.option("--mappe", "parent", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="MAPPE",
              help="Mappen aftalesættet oprettes i (standard: agreements/).")
@click.option("--pulje", "round_", metavar="PULJE", default=None,
              help="Landsbyggefondens pulje, fx 2015-18 (standard: den nyeste, der er et katalog for).")
def new(kind, name, areas, fra, til, parties, parent, round_):
    """Opret et nyt aftalesæt af arten ART (fx lbf) med navnet NAVN, klar til at udfylde."""
    from .authoring import scaffold
    project, parent = _project(), _out_sets(parent)
    kinds = scaffold.scaffold_kinds(project)
    if kind not in kinds:
        raise click.BadParameter(f"ukendt type '{kind}'; mulige: {', '.join(kinds)}", param_hint="ART")
    known_rounds = scaffold.rounds(project)
    if round_ is not None and round_ not in known_rounds:
        raise click.BadParameter(f"ukendt pulje '{round_}'; mulige: {', '.join(known_rounds)}", param_hint="--pulje")
    catalogue = project.catalogues()[round_ or max(known_rounds)]
    areas = areas or _ask("Indsatsområder (adskilt af komma: " + ", ".join(a["id"] for a in catalogue["indsatsomraader"]) + ")", "--areas")
    fra = fra or _ask("Aftalen gælder fra (fx 1. januar 2026)", "--fra")
    til = til or _ask("Aftalen gælder til (fx 31. december 2029)", "--til")
    if not parties:
        parties = [_ask("Boligorganisation", "--part") + ":boligorganisation", _ask("Kommune", "--part") + ":kommune"]
    pairs = []
    for value in parties:
        party, sep, party_type = value.rpartition(":")
        if not sep or party_type not in ("boligorganisation", "kommune", "anden"):
            raise click.BadParameter(f"'{value}' skal have formen NAVN:boligorganisation|kommune|anden", param_hint="--part")
        pairs.append((party.strip(), party_type))
    folder = parent / scaffold.slug(name)
    files, findings = scaffold.scaffold(kind, name, folder, areas=[a.strip() for a in areas.split(",") if a.strip()],
                                        fra=fra, til=til, parties=pairs, project=project,
                                        schemas=_repository().editor_schemas, round_=round_)
    if findings:
        reporters.text(findings, sys.stderr)
        sys.exit(1)
    _write_editor_schemas_if_missing(project)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = pipeline.validate([folder], project)
    reporters.text(result.findings, sys.stderr)
    click.echo(f"Oprettet {printable(folder)}/ med {len(files)} filer. Udfyld felterne markeret UDFYLD, og kør "
               f"'{_typed_command()} validate {folder}'.", err=True)
    sys.exit(0 if result.ok else 1)


def _out_sets(parent: Path | None) -> Path:
    return parent if parent is not None else _relative(_repository().agreements)


def _write_editor_schemas_if_missing(project: Project) -> None:
    """`new` in a repository `init` never ran in: the editor schemas the new files point at are
    written as `init` writes them, so the editor speaks Danish from the first file."""
    from .authoring.repository import editor_schema_files
    folder = _repository().editor_schemas
    if folder.is_dir():
        return
    folder.mkdir(parents=True)
    for name, data in editor_schema_files(project).items():
        (folder / name).write_bytes(data)
    click.echo(f"Skrev skemaerne til editoren i {printable(_relative(folder))}/ (som 'aftaler init' gør).", err=True)


def _ask(question: str, option: str) -> str:
    if not sys.stdin.isatty():
        raise click.UsageError(f"angiv {option} (der kan ikke spørges, når input ikke er en terminal)")
    return click.prompt(question)


@cli.command()
@click.argument("old", metavar="GAMMEL")
@click.argument("new", required=False, metavar="[NY]")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[STI]…")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="MAPPE",
              help="Skriv redlines (.docx), ændringssiden og evt. anmodningen om godkendelse i denne mappe.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Rapportens form: text (med farver på en terminal) eller json.")
def diff(old, new, paths, out_dir, fmt):
    """Vis hvad der er ændret fra GAMMEL til NY, og hvem der skal godkende det.

    GAMMEL og NY er git-revisioner (et commit, et tag, HEAD~1) eller mapper; uden NY sammenlignes
    med arbejdskopien. Exitkode: 0 ingen ændringer, 1 ændringer, 2 fejl.
    """
    from .review.command import run_diff
    with _Progress("Sammenligner") as progress:
        code = run_diff(old, new, list(paths), out_dir, fmt, sys.stdout, _project(), _sets(())[0], progress=progress)
    sys.exit(code)


@cli.command()
@PATHS
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="MAPPE",
              help="Mappen der skrives til; hvert aftalesæt får DIR/<sæt>/status.docx (standard: output/).")
@click.option("--year", "year", type=click.IntRange(1900, 2100), default=None, metavar="ÅR",
              help="Det sidste år, der tælles med (standard: det seneste år med målinger).")
@FORMAT
def status(paths, out_dir, year, fmt):
    """Skriv statusnotatet: hver indikator over for baseline, mål og kommunen, med grafer."""
    sets = _sets(paths)
    out_dir = _out(out_dir, sets)
    with _Progress("Skriver statusnotater") as progress:
        result = pipeline.status(sets, out_dir, _project(), year, progress=progress)
    code = _report(result, fmt)
    if code == 0 and fmt == "text":
        click.echo(f"{len(result.written)} statusnotat(er) skrevet i {printable(out_dir)}/", err=True)
    sys.exit(code)


@cli.command()
@click.argument("set_path", type=click.Path(path_type=Path, exists=True, file_okay=False), metavar="SÆT")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="MAPPE",
              help="Mappen pakken skrives i (standard: output/upload/<sæt>/).")
@FORMAT
def bundle(set_path, out_dir, fmt):
    """Saml uploadpakken til Landsbyggefonden for ét aftalesæt: Word, regneark, PDF og en tjekliste."""
    from .build import bundle as upload
    if out_dir is None:
        out_dir = _relative(_repository().output) / "upload" / set_path.resolve().name
    with _Progress("Laver uploadpakken og dens PDF-filer") as progress:
        result = upload.bundle(set_path, _out(out_dir, [set_path]), _project(), progress=progress)
    code = _report(result, fmt)
    if result.checklist and fmt == "text":
        click.echo(result.checklist)
    sys.exit(code)


@cli.command("check-template")
@click.argument("template", type=click.Path(path_type=Path, exists=True, dir_okay=False), metavar="SKABELON")
@click.option("--kind", "kind_name", required=True, metavar="ART", help="Dokumenttypen skabelonen er til, fx delaftale.")
@click.option("--saet", "set_path", type=click.Path(path_type=Path, file_okay=False), default=Path("agreements/amager"),
              show_default=True, help="Aftalesættet hvis model skabelonen prøves mod.")
def check_template(template, kind_name, set_path):
    """List hvert felt i en Word-skabelon, som modellen ikke leverer (og fejl, hvis der er nogen)."""
    from .check.template import check_template as run
    project = _project()
    if kind_name not in project.kinds():
        raise click.BadParameter(f"ukendt type '{kind_name}'; kendte: {', '.join(project.kinds())}", param_hint="--kind")
    result, summary = run(template, kind_name, set_path, project)
    code = _report(result, "text") if result.findings else 0
    if code == 0 and summary:
        click.echo(summary + ".", err=True)
    sys.exit(code)


@cli.command()
@click.option("--pakke", "package", metavar="KRAV",
              help="Hvordan CI installerer aftaler, fx 'aftaler @ git+https://…@v0.2.0' (standard: aftaler==VERSION).")
@click.option("--pre-commit-repo", "pre_commit_repo", metavar="URL",
              help="Lad pre-commit hente aftaler fra dette repository i stedet for den installerede.")
@click.option("--rev", metavar="TAG", help="Versionen af aftaler pre-commit henter (med --pre-commit-repo).")
@click.option("--overskriv", "overwrite", is_flag=True, help="Skriv også filer, der findes i forvejen, forfra.")
def init(package, pre_commit_repo, rev, overwrite):
    """Gør mappen til et aftalerepository: indstillinger, skemaer til editoren, pre-commit og CI.

    Kan køres igen, fx efter en opdatering af aftaler: skemaerne skrives forfra, andre filer, der
    findes i forvejen, bliver stående (undtagen med --overskriv).
    """
    import subprocess

    from .authoring.repository import init_files
    from .build.atomic import write_atomic
    repository = _repository()
    if repository.settings_file is None and not (repository.root / ".git").exists():
        repository = Repository(Path.cwd().resolve())  # outside any repository: this folder becomes one
    planned = init_files(repository, Project.for_repository(repository), package=package,
                         pre_commit_repo=pre_commit_repo, rev=rev, overwrite=overwrite)
    for item in planned:
        if item.action != "uændret":
            item.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(item.path, item.data)
    repository.agreements.mkdir(parents=True, exist_ok=True)
    changed = [item for item in planned if item.action != "uændret"]
    for item in changed:
        click.echo(f"{item.action:9} {_relative(item.path)}", err=True)
    if (repository.root / ".git").exists():
        # textconv is per clone (not in the repository): the Python that runs this command
        subprocess.run(["git", "config", "diff.docx.textconv", f'"{sys.executable}" -m aftaler tekst'],
                       cwd=repository.root, check=False, capture_output=True)
    click.echo(f"{_relative(repository.root) if repository.root != Path.cwd().resolve() else '.'} er et aftalerepository "
               f"({len(changed)} filer skrevet). Opret et aftalesæt med '{_typed_command()} new lbf NAVN'.", err=True)


@cli.command()
@click.argument("document", type=click.Path(path_type=Path, exists=True, dir_okay=False), metavar="DOKUMENT.docx")
def tekst(document):
    """Skriv et Word-dokuments tekst (til git diff: se docs/git.md)."""
    from .review.docx2txt import main as docx2txt
    sys.exit(docx2txt([str(document)]))


@cli.command("check-word")
@click.argument("document", type=click.Path(path_type=Path, exists=True, dir_okay=False), metavar="DOKUMENT.docx")
@click.argument("set_folder", type=click.Path(path_type=Path, exists=True, file_okay=False), required=False,
                metavar="[SÆT]")
@FORMAT
def check_word(document, set_folder, fmt):
    """Sammenlign en Word-fil fra aftaler (evt. rettet i Word) med aftalesættets YAML.

    Hver forskel vises ved den YAML-fil:linje:kolonne, teksten kommer fra, eller som 'ikke fra
    YAML' for formularens egen tekst; sporede ændringer og kommentarer vises også. SÆT er
    aftalesættets mappe (standard: den, filen blev bygget fra, i repositoryets aftalemappe).
    Afslutter med 0, når filen er som bygget, og 1, når den afviger.
    """
    from .findings import Result
    from .review.checkword import check_word as check
    checked = check(document, set_folder, _relative(_repository().agreements), _project())
    code = _report(Result(checked.findings), fmt)
    if code == 0 and fmt == "text":
        click.echo(f"{document} er som bygget fra YAML'en ({checked.compared_with}).", err=True)
    sys.exit(code)


def _usage_message(exc: click.UsageError) -> str:
    """click's message (in Danish, cli_words.py), shaped as the tool's other messages: an option
    is named as typed (-o/--output), an argument's own message says it all, and an unknown
    command comes with the list of commands."""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter) and exc.param is not None:
        message = re.sub(r"^(Filen|Stien|Mappen) '", lambda m: f"{m[1].lower()} '", exc.message).rstrip(".")
        if isinstance(exc.param, click.Argument):
            return message
        hint = exc.param_hint if isinstance(exc.param_hint, str) else "/".join(exc.param.opts)
        return f"ugyldig værdi for {hint}: {message}"
    message = exc.format_message().replace(". mente du", "; mente du").replace(". (mente du", "; (mente du")
    if message.startswith("ukendt kommando") and exc.ctx is not None:
        commands = getattr(exc.ctx.command, "commands", {})
        message = message.rstrip(".") + f"; kommandoerne er: {', '.join(sorted(commands))}"
    return message.rstrip(".")


def _typed_command() -> str:
    """How the user runs the tool, for messages that say what to run next."""
    return "python build.py" if _program_name() == "build.py" else "aftaler"


def _program_name() -> str:
    """The name the user typed: build.py in this repository, aftaler where it is installed."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "build.py" if name == "build.py" else "aftaler"


def run() -> None:
    """The program (build.py, the `aftaler` command): main() with the command line, then exit.

    A build allocates millions of short-lived objects and few cycles: with Python's default the
    collector ran ~250 times while building the example (≈60 ms); every 10.000 allocations it
    runs ~40 times (≈15 ms). Rarer still saved little more and let a worker building set after
    set grow from 88 to 260 MB. The objects left at the exit are frozen: the interpreter's
    teardown would collect them all once more (≈70 ms)."""
    gc.set_threshold(10_000, 10, 10)
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv=None) -> int:
    cli_words.install()
    program = _program_name()
    try:
        cli.main(args=argv, prog_name=program, standalone_mode=False)
    except SettingsProblem as exc:  # aftaler.toml cannot be used
        reporters.text([exc.finding], sys.stderr)
        return 1
    except click.exceptions.Exit as exc:  # --help, --version
        return exc.exit_code
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else program
        click.echo(f"{command}: fejl: {printable(_usage_message(exc))}\nSe '{command} --help'.", err=True)
        return 2
    except click.Abort:
        click.echo("Afbrudt.", err=True)
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        click.echo("Afbrudt.", err=True)
        return 130
    except Exception as exc:  # a bug of ours: say so plainly; AFTALER_DEBUG=1 shows the traceback
        if os.environ.get("AFTALER_DEBUG"):
            raise
        click.echo(f"intern fejl i aftaler: {type(exc).__name__}: {printable(exc)}\n"
                   "Det er en fejl i værktøjet, ikke i aftalen. Kør igen med AFTALER_DEBUG=1 og send udskriften til udviklerne.",
                   err=True)
        return 3
    return 0

