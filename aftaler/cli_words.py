"""click's own words in Danish: "Brug:", "Tilvalg", "Vis denne hjælp og afslut.", its errors.

click looks every text up through gettext (`_` and `ngettext` in each of its modules), which
chooses a language from the environment; the tool speaks Danish whatever the environment says,
so its modules are given this table instead (`install`, called once by the CLI). A text that is
not here stays as click wrote it; tests/test_cli.py checks that help and usage errors show none.
"""
from __future__ import annotations

import importlib

DANISH = {
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "(dynamic)": "(beregnes)",
    "Aborted!": "Afbrudt.",
    "Argument {name!r} takes {nargs} values.": "Argumentet {name!r} skal have {nargs} værdier.",
    "Choose from:\n\t{choices}": "Vælg mellem:\n\t{choices}",
    "Commands": "Kommandoer",
    "Confirm the action without prompting.": "Bekræft uden at spørge.",
    "Could not open file {filename!r}: {message}": "Filen {filename!r} kan ikke åbnes: {message}",
    "Do you want to continue?": "Vil du fortsætte?",
    "Error: The two entered values do not match.": "Fejl: de to værdier er ikke ens.",
    "Error: invalid input": "Fejl: ugyldigt svar",
    "Error: {message}": "Fejl: {message}",
    "Invalid start character for option ({option})": "Ugyldigt første tegn i tilvalget ({option})",
    "Invalid value for {param_hint}: {message}": "ugyldig værdi for {param_hint}: {message}",
    "Invalid value: {message}": "ugyldig værdi: {message}",
    "Missing argument": "mangler argumentet",
    "Missing command.": "mangler en kommando.",
    "Missing option": "mangler tilvalget",
    "Missing parameter": "mangler en værdi",
    "Missing parameter: {param_name}": "mangler værdien {param_name}",
    "Missing {param_type}": "mangler {param_type}",
    "No such command {name!r}.": "ukendt kommando {name!r}.",
    "No such option {name!r}.": "ukendt tilvalg {name!r}.",
    "Option {name!r} does not take a value.": "tilvalget {name!r} tager ingen værdi.",
    "Options": "Tilvalg",
    "Positional arguments": "Argumenter",
    "Press any key to continue...": "Tryk på en tast for at fortsætte …",
    "Repeat for confirmation": "Gentag for at bekræfte",
    "Show the version and exit.": "Vis versionen og afslut.",
    "Show this message and exit.": "Vis denne hjælp og afslut.",
    "Try '{command} {option}' for help.": "Se '{command} {option}'.",
    "Usage:": "Brug:",
    "Value must be an iterable.": "værdien skal være en liste.",
    "default: {default}": "standard: {default}",
    "deprecated": "forældet",
    "directory": "mappen",
    "env var: {var}": "miljøvariabel: {var}",
    "file": "filen",
    "path": "stien",
    "integer": "helt tal",
    "required": "skal angives",
    "unknown error": "ukendt fejl",
    "{name} {filename!r} does not exist.": "{name} {filename!r} findes ikke.",
    "{name} {filename!r} is a directory.": "{filename!r} er en mappe, ikke en fil.",
    "{name} {filename!r} is a file.": "{filename!r} er en fil, ikke en mappe.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} kan ikke køres.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} kan ikke læses.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} kan ikke skrives.",
    "{value!r} is not a valid UUID.": "{value!r} er ikke et gyldigt UUID.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} er ikke ja eller nej. Mulige værdier: {states}",
    "{value!r} is not a valid {number_type}.": "{value!r} er ikke et gyldigt tal.",
    "{value} is not in the range {range}.": "{value} ligger ikke i intervallet {range}.",
}
DANISH_PLURAL = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("mente du {possibility}?", "(mente du en af: {possibilities}?)"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("uventet argument ({args})", "uventede argumenter ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("tilvalget {name!r} skal have en værdi.", "tilvalget {name!r} skal have {nargs} værdier."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("skal have {nargs} værdier, men fik 1.", "skal have {nargs} værdier, men fik {len}."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} er ikke {choice}.", "{value!r} er ikke en af {choices}."),
}
MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def gettext(message: str) -> str:
    return DANISH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    one, many = DANISH_PLURAL.get((singular, plural), (singular, plural))
    return one if n == 1 else many


def install() -> None:
    """Give click's modules the Danish texts (idempotent)."""
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
