"""Command line: parse arguments, run a stage, report findings once, return the exit code.

Exit codes: 0 success · 1 invalid input (the findings say where) · 2 usage error.
"""
from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

import click

from . import reporters
from .build import pipeline
from .project import Project, Repository, SettingsProblem, find_repository

FORMAT = click.option("--format", "fmt", type=click.Choice(sorted(reporters.REPORTERS)), default="text",
                      show_default=True, help="Hvordan fejl og advarsler skrives: text, json eller github.")
PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def _template_overrides(values) -> dict:
    overrides = {}
    for value in values:
        kind, sep, file = value.partition("=")
        if not sep or not kind or not file:
            raise click.BadParameter(f"'{value}' skal have formen ART=FIL, fx delaftale=skabeloner/lbf.docx",
                                     param_hint="--skabelon")
        if not Path(file).is_file():
            raise click.BadParameter(f"skabelonen '{file}' findes ikke", param_hint="--skabelon")
        overrides[kind] = Path(file)
    return overrides


def _repository() -> Repository:
    """The agreements repository of the current folder (see project.find_repository)."""
    return click.get_current_context().find_root().obj


def _project(templates=()) -> Project:
    return Project.for_repository(_repository(), _template_overrides(templates))


def _sets(paths) -> list[Path]:
    """The PATHs given, or the repository's folder of agreement sets."""
    return list(paths) or [_relative(_repository().agreements)]


def _out(out_dir: Path | None) -> Path:
    return out_dir if out_dir is not None else _relative(_repository().output)


def _relative(path: Path) -> Path:
    """A path under the current folder as it is written there (agreements, not /home/…/agreements)."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _report(result, fmt: str) -> int:
    stream = sys.stdout if fmt != "text" else sys.stderr
    reporters.REPORTERS[fmt](result.findings, stream)
    return 0 if result.ok else 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aftaler")
@click.pass_context
def cli(ctx):
    """aftaler: boligsociale aftaler skrevet som YAML → Landsbyggefondens Word-dokumenter.

    PATH er en aftalemappe (agreements/amager) eller agreements/ med alle aftalesæt (standard).
    """
    ctx.obj = find_repository(Path.cwd())


@cli.command()
@PATHS
@FORMAT
def validate(paths, fmt):
    """Kontrollér aftalerne (skema og regler på tværs af dokumenter) uden at skrive filer."""
    result = pipeline.validate(_sets(paths), _project())
    code = _report(result, fmt)
    if code == 0 and fmt == "text":
        click.echo("Alle aftaler er gyldige.", err=True)
    sys.exit(code)


@cli.command()
@PATHS
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Mappen der skrives til; hvert aftalesæt får sin egen undermappe (standard: output/).")
@click.option("--skabelon", "templates", multiple=True, metavar="ART=FIL",
              help="Brug en anden Word-skabelon for en dokumenttype, fx delaftale=lbf-delaftale.docx.")
@click.option("--public", is_flag=True,
              help="Udelad kontaktpersoners navne, e-mails og telefonnumre på sitet, så det kan offentliggøres.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Hvor mange aftalesæt der bygges på én gang (standard: antal kerner).")
@FORMAT
def build(paths, out_dir, templates, public, jobs, fmt):
    """Byg Word-dokumenter og regneark til output/<sæt>/ og sitet til output/site/.

    Kun aftalesæt, der er ændret siden sidste build, bygges igen.
    """
    project, out_dir = _project(templates), _out(out_dir)
    with _Progress() as progress:
        result = pipeline.build(_sets(paths), out_dir, project, public=public,
                                jobs=jobs, progress=progress)
    code = _report(result, fmt)
    if code == 0 and fmt == "text":
        message = f"{len(result.written)} filer bygget i {out_dir}/" if result.written else \
            f"Intet at bygge: {out_dir}/ er opdateret."
        click.echo(message, err=True)
    sys.exit(code)


class _Progress:
    """A progress bar on a terminal, once a build has more than a moment's work (over 2 sets)."""

    def __enter__(self):
        self.bar = None
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None and total > 2 and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label="Bygger aftalesæt", file=sys.stderr).__enter__()
        if self.bar is not None:
            self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


@cli.command()
@PATHS
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Mappen der bygges til (standard: output/).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Porten sitet vises på (0: en ledig port).")
@click.option("--public", is_flag=True, help="Som for build: udelad kontaktoplysninger.")
def serve(paths, out_dir, port, public):
    """Byg, vis sitet på http://127.0.0.1:PORT/, og byg igen, hver gang en fil gemmes."""
    from .build import watch
    project_paths, out_dir, project = _sets(paths), _out(out_dir), _project()

    def rebuild():
        result = pipeline.build(project_paths, out_dir, Project(project.layers), public=public)
        reporters.text(result.findings, sys.stderr)
        click.echo(f"{time.strftime('%H:%M:%S')} {'bygget' if result.ok else 'fejl: det forrige resultat vises stadig'}",
                   err=True)

    rebuild()
    (out_dir / "site").mkdir(parents=True, exist_ok=True)
    server = watch.start_server(out_dir / "site", port)
    click.echo(f"Sitet vises på http://127.0.0.1:{server.server_address[1]}/ — gem en fil for at bygge igen; "
               "Ctrl+C stopper.", err=True)
    try:
        watch.watch([*project_paths, *project.folders()], rebuild)
    finally:
        server.shutdown()


@cli.command()
@click.argument("kind")
@click.argument("name")
@click.option("--areas", help="Indsatsområder adskilt af komma, fx beskaeftigelse,kriminalitetsforebyggelse.")
@click.option("--fra", help="Aftalens startdato, fx '1. januar 2026'.")
@click.option("--til", help="Aftalens slutdato, fx '31. december 2029'.")
@click.option("--part", "parties", multiple=True, metavar="NAVN:TYPE",
              help="En part, fx 'Boligforeningen X:boligorganisation' eller 'Y Kommune:kommune'. Gentag for flere.")
@click.option("--mappe", "parent", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Mappen aftalesættet oprettes i (standard: agreements/).")
def new(kind, name, areas, fra, til, parties, parent):
    """Opret et nyt aftalesæt af typen KIND (fx lbf) med navnet NAME, klar til at udfylde."""
    from .authoring import scaffold
    project, parent = _project(), _out_sets(parent)
    kinds = scaffold.scaffold_kinds(project)
    if kind not in kinds:
        raise click.BadParameter(f"ukendt type '{kind}'; mulige: {', '.join(kinds)}", param_hint="KIND")
    catalogue = project.catalogues()[max(project.catalogues())]
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
                                        schemas=_editor_schemas(project))
    if findings:
        reporters.text(findings, sys.stderr)
        sys.exit(1)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = pipeline.validate([folder], project)
    reporters.text(result.findings, sys.stderr)
    click.echo(f"Oprettet {folder}/ med {len(files)} filer. Udfyld felterne markeret UDFYLD, og kør "
               f"'python build.py validate {folder}'.", err=True)
    sys.exit(0 if result.ok else 1)


def _out_sets(parent: Path | None) -> Path:
    return parent if parent is not None else _relative(_repository().agreements)


def _editor_schemas(project: Project) -> Path:
    """Where the editor finds the schemas: the repository's copy (aftaler init), else the toolkit's."""
    own = _repository().editor_schemas
    return own if own.is_dir() else next(layer.schemas for layer in project.layers if layer.schemas.is_dir()).resolve()


def _ask(question: str, option: str) -> str:
    if not sys.stdin.isatty():
        raise click.UsageError(f"angiv {option} (der kan ikke spørges, når input ikke er en terminal)")
    return click.prompt(question)


@cli.command()
@click.argument("old")
@click.argument("new", required=False)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Skriv redlines (.docx), ændringssiden og evt. anmodningen om godkendelse i denne mappe.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Rapportens form: text (med farver på en terminal) eller json.")
def diff(old, new, paths, out_dir, fmt):
    """Vis hvad der er ændret fra OLD til NEW, og hvem der skal godkende det.

    OLD og NEW er git-revisioner (et commit, et tag, HEAD~1) eller mapper; uden NEW sammenlignes med
    arbejdskopien. Exitkode: 0 ingen ændringer, 1 ændringer, 2 fejl.
    """
    from .review.command import run_diff
    sys.exit(run_diff(old, new, list(paths), out_dir, fmt, sys.stdout, _project(), _sets(())[0]))


@cli.command()
@PATHS
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Mappen der skrives til; hvert aftalesæt får DIR/<sæt>/status.docx (standard: output/).")
@click.option("--year", "year", type=click.IntRange(1900, 2100), default=None, metavar="ÅR",
              help="Det sidste år, der tælles med (standard: det seneste år med målinger).")
@FORMAT
def status(paths, out_dir, year, fmt):
    """Skriv statusnotatet: hver indikator over for baseline, mål og kommunen, med grafer."""
    out_dir = _out(out_dir)
    result = pipeline.status(_sets(paths), out_dir, _project(), year)
    code = _report(result, fmt)
    if code == 0 and fmt == "text":
        click.echo(f"{len(result.written)} statusnotat(er) skrevet i {out_dir}/", err=True)
    sys.exit(code)


@cli.command("check-template")
@click.argument("template", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--kind", "kind_name", required=True, help="Dokumenttypen skabelonen er til, fx delaftale.")
@click.option("--saet", "set_path", type=click.Path(path_type=Path, file_okay=False), default=Path("agreements/amager"),
              show_default=True, help="Aftalesættet hvis model skabelonen prøves mod.")
def check_template(template, kind_name, set_path):
    """List hvert felt i en Word-skabelon, som modellen ikke leverer (og fejl, hvis der er nogen)."""
    from .check.template import check_template as run
    project = _project()
    if kind_name not in project.kinds():
        raise click.BadParameter(f"ukendt type '{kind_name}'; kendte: {', '.join(project.kinds())}", param_hint="--kind")
    result = run(template, kind_name, set_path, project)
    sys.exit(_report(result, "text") if result.findings else 0)


# click's own usage messages, in the words authors read everywhere else (Danish).
_USAGE = [
    (r"No such command '(.+)'\.", lambda m: f"ukendt kommando '{m[1]}'; kommandoerne er: {', '.join(sorted(cli.commands))}"),
    (r"No such option:? '?([^'\s]+?)'?\.?(?: Did you mean '?([^'?\s]+)'?\?)?$",
     lambda m: f"ukendt tilvalg '{m[1]}'" + (f"; mente du '{m[2]}'?" if m[2] else "")),
    (r"'(.*)' is not one of (.+)\.", lambda m: f"'{m[1]}' er ikke en af {m[2].replace(', ', ', ')}"),
    (r"'(.*)' is not a valid integer( range)?\.", lambda m: f"'{m[1]}' er ikke et helt tal"),
    (r"(\S+) is not in the range (.+)\.", lambda m: f"{m[1]} ligger ikke i intervallet {m[2]}"),
    (r"Directory '(.*)' is a file\.", lambda m: f"'{m[1]}' er en fil, ikke en mappe"),
    (r"File '(.*)' does not exist\.", lambda m: f"filen '{m[1]}' findes ikke"),
    (r"Path '(.*)' does not exist\.", lambda m: f"'{m[1]}' findes ikke"),
    (r"Missing argument '(.+)'\.", lambda m: f"mangler argumentet {m[1]}"),
    (r"Missing option '(.+)'\.", lambda m: f"mangler tilvalget {m[1]}"),
    (r"Option '(.+)' requires an argument\.", lambda m: f"tilvalget {m[1]} skal have en værdi"),
    (r"Got unexpected extra arguments? \((.+)\)", lambda m: f"uventede argumenter: {m[1]}"),
]


def _usage_message(exc: click.UsageError) -> str:
    import re
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        kind = "argumentet" if isinstance(exc.param, click.Argument) else "tilvalget"
        return f"mangler {kind} {exc.param.human_readable_name}"
    message = exc.format_message() if not isinstance(exc, click.BadParameter) else exc.message
    for pattern, danish in _USAGE:
        match = re.search(pattern, message)
        if match:
            message = danish(match)
            break
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        hint = exc.param_hint or "/".join(getattr(exc.param, "opts", []) or [exc.param.name or ""])
        message = f"ugyldig værdi for {hint}: {message}"
    return message


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
    try:
        cli.main(args=argv, prog_name="build.py", standalone_mode=False)
    except SettingsProblem as exc:  # aftaler.toml cannot be used
        reporters.text([exc.finding], sys.stderr)
        return 1
    except click.exceptions.Exit as exc:  # --help, --version
        return exc.exit_code
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "build.py"
        click.echo(f"{command}: fejl: {_usage_message(exc)}\nSe '{command} --help'.", err=True)
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
        click.echo(f"intern fejl i aftaler: {type(exc).__name__}: {exc}\n"
                   "Det er en fejl i værktøjet, ikke i aftalen. Kør igen med AFTALER_DEBUG=1 og send udskriften til udviklerne.",
                   err=True)
        return 3
    return 0

