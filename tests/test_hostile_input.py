"""Hostile input on the reading side, class by class (issue 15): characters, non-regular files,
names that would lose data, the incremental build's checks, misleading positions and words, and
a property test that feeds generated hostile values to `validate` and `build`.

Every case asserts what an author gets: exit 1 (never 3), a Danish message at file:line:col, no
traceback, nothing written; and that what is printed holds no raw control character.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftaler import characters
from aftaler.cli import main
from aftaler.findings import Position, error
from aftaler.load.sets import MAX_FILES
from aftaler.load.source import MAX_ITEMS, load
from aftaler.reporters import REPORTERS
from conftest import SETS
from yaml_text import double_quoted

POSITIONED = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?:fejl|advarsel): ")
RAW_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A copy of tests/sets/lille in a fresh folder that is also the working folder."""
    shutil.copytree(SETS / "lille", tmp_path / "lille")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output and "intern fejl" not in output, output
    assert not RAW_UNSAFE.search(output), f"raw control character printed: {output!r}"
    return code, output


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8", errors="surrogatepass")


def position_of(path: Path, needle: str) -> str:
    text = path.read_text(encoding="utf-8", errors="surrogatepass")
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()} if folder.exists() else {}


def refused(capsys, work: Path, file: str, needle: str, message: str, commands=("validate", "build")) -> None:
    """Both commands refuse the set with `message` at the position of `needle` in `file`,
    and build writes nothing."""
    where = f"lille/{file}:{position_of(work / 'lille' / file, needle)}"
    for command in commands:
        args = [command, "lille"] + (["-o", "ud"] if command == "build" else [])
        code, output = cli(capsys, *args)
        assert code == 1, output
        assert any(line.startswith(where + ": fejl: ") and re.search(message, line)
                   for line in output.splitlines()), f"expected {where}: {message!r} in\n{output}"
    assert not (work / "ud").exists()


# 1. One policy for characters ------------------------------------------------------------------

ESCAPED = ["\\v", "\\0", "\\uFFFE", "\\uFFFF", "\\x85", "\\x9b", "\\e", "\\u2028", "\\u2029", "\\u202E",
           "\\u2066", "\\uE000", "\\r", "\\x7f", "\\uFDD0", "\\U0010FFFE", "\\b", "\\a"]


@pytest.mark.parametrize("escape", ESCAPED)
def test_a_refused_character_written_as_an_escape_is_refused_by_validate_where_it_stands(work, capsys, escape):
    """What build cannot write (Word, Excel, XML) validate refuses, at the value's position."""
    replace(work / "lille/samarbejdsaftale.yaml", "omraadets_navn: Boligsocial indsats i Testby",
            f'omraadets_navn: "Boligsocial{escape} indsats"')
    refused(capsys, work, "samarbejdsaftale.yaml", '"Boligsocial', r"U\+|kontroltegn", commands=("validate",))


@pytest.mark.parametrize("file, old, template", [
    ("budget.yaml", 'jnr: "100001"', 'jnr: "1000{}01"'),                        # a number kept as text
    ("budget.yaml", "udgiftspost: Revision", 'udgiftspost: "Revi{}sion"'),      # a workbook cell
    ("samarbejdsaftale.yaml", "tekst: En bestyrelse leder indsatsen.", 'tekst: "En {}bestyrelse"'),  # Markdown
])
@pytest.mark.parametrize("escape", ["\\v", "\\0", "\\uFFFE", "\\x9b"])
def test_build_refuses_what_it_cannot_write_with_a_position_and_writes_nothing(work, capsys, file, old, template, escape):
    replace(work / "lille" / file, old, template.format(escape))
    needle = template.split("{}")[0].split(": ", 1)[1]
    refused(capsys, work, file, needle, r"U\+|kontroltegn")


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\u2028", "\u2029", "\u202e", "\x85", "\x9b", "\x1b", "\x7f",
                                  "\U0010fffe", "\ue000"])
def test_a_refused_character_typed_in_the_file_is_reported_at_its_own_line_and_column(work, capsys, char):
    """Before YAML reads the file: U+2028 would otherwise count as a line break (reported lines
    late), U+FFFE gets PyYAML's English without a position."""
    replace(work / "lille/samarbejdsaftale.yaml", "tekst: En bestyrelse leder indsatsen.",
            f"tekst: En bestyrelse{char} leder indsatsen.")
    refused(capsys, work, "samarbejdsaftale.yaml", f"{char} leder", r"U\+" + f"{ord(char):04X}")


@pytest.mark.parametrize("value", ['"bo\\u200Ba"', '"bo-a\\n"', '"bo-a\\t"', '"\\uFEFFbo-a"', '"bo\\u00ADa"',
                                   '"bo-a\\u2060"', '"bo-a\\u200E"'])
def test_invisible_characters_are_refused_in_ids(work, capsys, value):
    replace(work / "lille/samarbejdsaftale.yaml", "  - id: bo-a", f"  - id: {value}")
    refused(capsys, work, "samarbejdsaftale.yaml", value, r"navn, et id|U\+|ikke ses")


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\u2060", "\u200d", "\ufeff"])
def test_invisible_characters_are_refused_in_names_and_keys(work, capsys, char):
    replace(work / "lille/samarbejdsaftale.yaml", "    navn: Testby Kommune", f"    navn: Testby{char} Kommune")
    refused(capsys, work, "samarbejdsaftale.yaml", f"{char} Kommune", r"navn, et id eller et feltnavn")


def test_an_invisible_character_in_a_key_is_refused_at_the_key(work, capsys):
    replace(work / "lille/samarbejdsaftale.yaml", "omraadets_navn:", "omraadets\u200b_navn:")
    refused(capsys, work, "samarbejdsaftale.yaml", "\u200b_navn", r"feltnavn")


@pytest.mark.parametrize("char", ["\u00ad", "\u200b", "\u00a0", "\u200d"])
def test_the_same_invisible_characters_are_allowed_in_prose(work, capsys, char):
    """A soft hyphen or a zero-width space in running text is the author's typography."""
    replace(work / "lille/samarbejdsaftale.yaml", "tekst: En bestyrelse leder indsatsen.",
            f"tekst: En bestyrelse{char}leder indsatsen.")
    code, output = cli(capsys, "validate", "lille")
    assert code == 0, output


@pytest.mark.parametrize("prefix", ["\ufeff", "\u200b", "\u2060"])
def test_an_invisible_character_before_the_schema_line_is_named(work, capsys, prefix):
    path = work / "lille/kommissorium.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + prefix.encode("utf-8") + path.read_bytes())  # after the first BOM
    code, output = cli(capsys, "validate", "lille")
    assert code == 1 and re.search(rf"første linje skal angive skemaet.*U\+{ord(prefix):04X}", output), output


def test_text_is_normalised_to_nfc(work):
    path = work / "lille/samarbejdsaftale.yaml"
    replace(path, "omraadets_navn: Boligsocial indsats i Testby", "omraadets_navn: Boligsocial indsats i Cafe\u0301by")
    source, findings = load(path)
    assert not findings
    assert source.data["omraadets_navn"] == "Boligsocial indsats i Caf\u00e9by"


def test_two_keys_that_differ_only_in_composition_are_the_same_key(work, capsys):
    replace(work / "lille/samarbejdsaftale.yaml", "pulje:", "caf\u00e9: 1\ncafe\u0301: 2\npulje:")
    refused(capsys, work, "samarbejdsaftale.yaml", "cafe\u0301", r"står to gange", commands=("validate",))


def test_the_format_characters_written_out_are_unicodes_category_cf():
    """characters.py writes category Cf out (computing it costs time at start); it must match."""
    every = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    assert all(characters.REFUSED_IN_NAME.match(c) for c in every)



def test_the_characters_dropped_for_xml_are_those_outside_xmls_char_production():
    """XML_INVALID lists what XML 1.0 cannot carry; it must be exactly the complement of
    Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]."""
    char = re.compile("[\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    every = "".join(map(chr, range(0x110000)))
    dropped = characters.XML_INVALID.findall(every)
    assert dropped == [c for c in every if not char.fullmatch(c)]
    assert len(dropped) == 32 - 3 + 0x800 + 2  # C0 controls but tab, LF, CR; surrogates; U+FFFE/F

# Printed values ---------------------------------------------------------------------------------

HOSTILE_NAMES = ["bad\nname.yaml", "x\x1b[2J.yaml", "\u202egnp.yaml", "tab\there.yaml", "cr\rx.yaml"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_a_hostile_file_name_is_refused_and_printed_escaped_one_finding_one_line(work, capsys, name, fmt):
    shutil.copy(work / "lille/budget.yaml", work / "lille" / name)
    code, output = cli(capsys, "validate", "lille", "--format", fmt)
    assert code == 1, output
    if fmt == "json":
        report = json.loads(output[output.index("{"):])
        assert any(f["fil"].endswith(name) and "filens navn" in f["besked"] for f in report["fund"]), report
    else:
        lines = [line for line in output.splitlines() if "filens navn" in line]
        assert len(lines) == 1, output
        assert lines[0].startswith("::error file=" if fmt == "github" else "lille/"), lines
    forged = [line for line in output.splitlines() if line.startswith(("name.yaml", "here.yaml", "x.yaml"))]
    assert not forged, output


@pytest.mark.parametrize("name", ["lil\x1b[31mle", "lil\nle", "lil\u202ele", "lil\u200ble"])
def test_a_hostile_set_folder_name_is_refused(work, capsys, name):
    shutil.move(work / "lille", work / name)
    code, output = cli(capsys, "build", name, "-o", "ud")
    assert code == 1 and "aftalemappens navn kan ikke bruges" in output, output
    assert not (work / "ud").exists()


def test_a_lone_carriage_return_is_refused_and_crlf_is_not(work, capsys):
    path = work / "lille/kommissorium.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert cli(capsys, "validate", "lille")[0] == 0
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r", 3))
    code, output = cli(capsys, "validate", "lille")
    assert code == 1 and re.search(r"kommissorium\.yaml:1:\d+: fejl: .*vognretur uden linjeskift", output), output


def test_a_file_name_that_is_not_utf8_is_refused_and_printed(work, capsys):
    os.rename(work / "lille/budget.yaml", os.fsencode(work / "lille") + b"/bud\xffget.yaml")
    code, output = cli(capsys, "validate", "lille")
    assert code == 1 and "ikke gyldig UTF-8" in output and "bud\\udcffget.yaml" in output, output


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_reporters_escape_paths_and_messages(fmt):
    import io
    hostile = error(Position("a\nb\udcff\x1b].yaml", 1, 2),
                    "felt 'x\n/tmp/f.yaml:1:1: fejl: falsk' \x1b[31m\x9b\u202e\u2028\r")
    stream = io.StringIO()
    REPORTERS[fmt]([hostile], stream)
    out = stream.getvalue()
    out.encode("utf-8")  # a lone surrogate would not even reach the terminal
    assert not RAW_UNSAFE.search(out), repr(out)
    if fmt == "json":
        back = json.loads(out)["fund"][0]
        assert (back["fil"], back["besked"]) == (hostile.position.path, hostile.message)  # escaped, not altered
    else:
        assert len([line for line in out.splitlines() if "fejl" in line and "falsk" in line]) == 1, out
        assert not any(line.startswith("/tmp/f.yaml") for line in out.splitlines())


# 2. Bounds on reading ---------------------------------------------------------------------------

def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("shape", ["fifo", "link-to-fifo", "device", "fifo-given-as-path"])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_non_regular_files_are_refused_without_reading_them(work, capsys, shape, command):
    folder = work / "lille"
    given = "lille"
    if shape == "fifo":
        _fifo(folder / "budget.yaml")
    elif shape == "link-to-fifo":
        _fifo(folder / "ror.fifo")
        (folder / "budget.yaml").unlink()
        (folder / "budget.yaml").symlink_to("ror.fifo")
    elif shape == "device":
        if os.geteuid() != 0:
            pytest.skip("mknod of a character device needs root")
        (folder / "budget.yaml").unlink()
        os.mknod(folder / "budget.yaml", stat.S_IFCHR | 0o666, os.makedev(1, 5))  # /dev/zero: endless
    else:
        _fifo(folder / "budget.yaml")
        given = "lille/budget.yaml"
    code, output = cli(capsys, command, given, *(["-o", "ud"] if command == "build" else []))
    assert code == 1, output
    assert re.search(r"budget\.yaml: fejl: filen er (en FIFO|en tegnenhed).*ikke en almindelig fil", output), output
    assert not (work / "ud").exists()


@pytest.mark.timeout(60)
def test_a_fifo_in_place_of_the_build_manifest_does_not_hang_the_freshness_check(work, capsys):
    code, output = cli(capsys, "build", "lille", "-o", "ud")
    assert code == 0, output
    _fifo(work / "ud/lille/.aftaler-filer.json")
    code, output = cli(capsys, "build", "lille", "-o", "ud")
    assert code in (0, 1), output  # rebuilt or refused with a message, but answered


def test_a_list_longer_than_the_bound_is_refused(work, capsys):
    path = work / "lille/samarbejdsaftale.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "ekstra:\n" + "  - x\n" * (MAX_ITEMS + 1), encoding="utf-8")
    refused(capsys, work, "samarbejdsaftale.yaml", "- x", r"listen har .* punkter; højst", commands=("validate",))


def test_a_section_with_more_fields_than_the_bound_is_refused(work, capsys):
    path = work / "lille/samarbejdsaftale.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "ekstra:\n"
                    + "".join(f"  f{i}: 1\n" for i in range(MAX_ITEMS + 1)), encoding="utf-8")
    refused(capsys, work, "samarbejdsaftale.yaml", "f0: 1", r"afsnittet har .* felter; højst", commands=("validate",))


def test_a_folder_with_thousands_of_yaml_files_is_refused_before_any_is_read(work, capsys):
    for i in range(MAX_FILES + 1):
        (work / "lille" / f"x{i}.yaml").write_text("# ikke læst\n", encoding="utf-8")
    code, output = cli(capsys, "validate", "lille")
    assert code == 1 and "mappen har over 1.000 YAML-filer" in output and "x0.yaml" not in output, output


# 3. Silent data loss on the input side -----------------------------------------------------------

@pytest.mark.parametrize("second", ["lille", "Lille"])
def test_two_sets_with_one_folder_name_are_refused_naming_both(work, capsys, second):
    shutil.copytree(work / "lille", work / "andet" / second)
    code, output = cli(capsys, "build", "lille", f"andet/{second}", "-o", "ud")
    assert code == 1, output
    line = next(line for line in output.splitlines() if "to aftalesæt hedder" in line)
    assert "lille" in line and f"andet/{second}" in line, line
    assert not (work / "ud").exists()


def test_a_set_named_site_in_any_case_is_refused(work, capsys):
    shutil.move(work / "lille", work / "Site")
    code, output = cli(capsys, "build", "Site", "-o", "ud")
    assert code == 1 and "må ikke hedde 'site'" in output, output


@pytest.mark.parametrize("name", ["status.yaml", "Status.yaml", "STATUS.yaml", "anmodning-om-godkendelse.yaml",
                                  "budget-aendringer.yaml", "x-AENDRINGER.yaml"])
def test_a_source_named_as_a_generated_file_is_refused(work, capsys, name):
    shutil.copy(work / "lille/budget.yaml", work / "lille" / name)
    code, output = cli(capsys, "build", "lille", "-o", "ud")
    assert code == 1 and re.search(rf"{name}: fejl: en aftale må ikke hedde", output), output


@pytest.mark.parametrize("first, second", [("budget.yaml", "Budget.yaml"), ("caf\u00e9.yaml", "cafe\u0301.yaml")])
def test_two_sources_one_case_insensitive_disk_takes_for_one_are_refused(work, capsys, first, second):
    if first != "budget.yaml":
        shutil.copy(work / "lille/kommissorium.yaml", work / "lille" / first)
    shutil.copy(work / "lille" / first, work / "lille" / second)
    code, output = cli(capsys, "validate", "lille")
    assert code == 1 and "giver den samme Word-fil" in output, output


@pytest.mark.parametrize("name", ["ekstra.yml", "ekstra.YAML", "ekstra.Yaml", "ekstra.YML"])
def test_yaml_files_with_another_suffix_are_reported_not_skipped(work, capsys, name):
    shutil.copy(work / "lille/budget.yaml", work / "lille" / name)
    code, output = cli(capsys, "validate", "lille")
    assert code == 1 and re.search(rf"{re.escape(name)}: fejl: filen ender på .*omdøb den til 'ekstra\.yaml'", output), output


def test_a_set_of_only_yml_files_in_a_folder_of_sets_is_reported(work, capsys):
    (work / "alle").mkdir()
    shutil.move(work / "lille", work / "alle/lille")
    (work / "alle/gammel").mkdir()
    shutil.copy(work / "alle/lille/budget.yaml", work / "alle/gammel/budget.yml")
    code, output = cli(capsys, "validate", "alle")
    assert code == 1 and "gammel/budget.yml: fejl: filen ender på '.yml'" in output, output


@pytest.mark.parametrize("label", ["kilde", "a-1"])
def test_a_footnote_defined_twice_is_an_error_at_the_second(work, capsys, label):
    path = work / "lille/samarbejdsaftale.yaml"
    replace(path, "[^kilde]", f"[^{label}]")
    replace(path, "[^kilde]", f"[^{label}]")
    replace(path, f"    [^{label}]: Boligsociale data, 2023.",
            f"    [^{label}]: Boligsociale data, 2023.\n\n    Mere tekst.\n\n    [^{label}]:  Den anden.")
    refused(capsys, work, "samarbejdsaftale.yaml", f"[^{label}]:  Den", "defineret to gange")


@pytest.mark.parametrize("file, old, new", [
    ("budget.yaml", 'jnr: "100001"', "jnr: 0100001"),
    ("samarbejdsaftale.yaml", "beboere: 1234", "beboere: 01234"),
    ("samarbejdsaftale.yaml", "beboere: 1234", "beboere: -007"),
    ("samarbejdsaftale.yaml", "beboere: 1234", "beboere: 00.5"),
])
def test_a_number_with_a_leading_zero_is_refused_with_the_quotes_to_write(work, capsys, file, old, new):
    replace(work / "lille" / file, old, new)
    typed = new.split(": ", 1)[1]
    refused(capsys, work, file, typed, rf"tallet {re.escape(typed)} begynder med 0.*skriv '{re.escape(typed)}' i anførselstegn")


@pytest.mark.parametrize("value", ["0", "0.5", "-0.25", "10"])
def test_zero_itself_is_no_leading_zero(work, value):
    path = work / "lille/samarbejdsaftale.yaml"
    replace(path, "beboere: 1234", f"beboere: {value}")
    source, findings = load(path)
    assert not findings and float(source.data["kort_om_boligomraadet"]["beboere"]) == float(value)


@pytest.mark.parametrize("file, old, number", [
    ("maalinger.yaml", "vaerdi: 89.9", "1e30"), ("maalinger.yaml", "vaerdi: 89.9", "1e-30"),
    ("samarbejdsaftale.yaml", "lejemaal: 244", "12345678901234567"), ("samarbejdsaftale.yaml", "beboere: 1234", "1E16"),
])
def test_a_number_out_of_bounds_says_so_where_a_figure_goes(work, capsys, file, old, number):
    replace(work / "lille" / file, old, old.split(": ")[0] + ": " + number)
    refused(capsys, work, file, number, rf"er {re.escape(number)}, som er for stort eller for småt et tal")


def test_a_small_decimal_is_not_taken_for_a_thousands_separator(work, capsys):
    replace(work / "lille/budget.yaml", '"2024": 16,', '"2024": 0.001,')
    code, output = cli(capsys, "validate", "lille")
    assert code == 1 and "skal være et helt tal, ikke 0.001" in output and "skriv 0001" not in output, output


# 4. Checks the incremental build skips -----------------------------------------------------------

@pytest.mark.timeout(120)
@pytest.mark.parametrize("change", ["link-outside", "fifo", "bad-name", "yml"])
def test_after_a_good_build_the_file_checks_still_run(work, capsys, change):
    code, output = cli(capsys, "build", "lille", "-o", "ud")
    assert code == 0, output
    before = tree(work / "ud")
    budget = work / "lille/budget.yaml"
    if change == "link-outside":  # identical content: the content key alone would not see it
        shutil.copy(budget, work / "udenfor.yaml")
        budget.unlink()
        budget.symlink_to(work / "udenfor.yaml")
    elif change == "fifo":
        _fifo(budget)
    elif change == "bad-name":
        shutil.copy(budget, work / "lille/x\x1b[2J.yaml")
    else:
        shutil.copy(budget, work / "lille/budget.yml")
    code, output = cli(capsys, "build", "lille", "-o", "ud")
    assert code == 1, output
    assert "Intet at bygge" not in output
    assert tree(work / "ud") == before


# 5. Positions and words that mislead -------------------------------------------------------------

@pytest.mark.parametrize("reference", ['"bo-a\\n"', "|\n        bo-a"])
def test_a_reference_with_a_trailing_newline_does_not_pass_the_id_pattern(work, capsys, reference):
    replace(work / "lille/samarbejdsaftale.yaml", "      boligorganisation: bo-a\n      lejemaal: 1056",
            f"      boligorganisation: {reference}\n      lejemaal: 1056")
    code, output = cli(capsys, "validate", "lille")
    assert code == 1 and re.search(r"'bo-a⟨U\+000A⟩' må kun indeholde", output), output


@pytest.mark.parametrize("value", ["1.\u00a0januar 2024", "1. januar\u202f2024", "1. januar 2024\u200b",
                                   '"1. januar 2024\\n"'])
def test_a_date_with_an_invisible_character_shows_it(work, capsys, value):
    replace(work / "lille/samarbejdsaftale.yaml", "fra: 1. januar 2024", f"fra: {value}")
    code, output = cli(capsys, "validate", "lille")
    assert code == 1, output
    line = next(line for line in output.splitlines() if "gyldig dato" in line)
    assert re.search(r"⟨U\+[0-9A-F]{4}⟩", line) and "ikke kan ses" in line, line


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\U00110000"])
def test_a_bad_unicode_escape_gets_a_danish_message_at_the_backslash(work, capsys, escape):
    replace(work / "lille/budget.yaml", 'jnr: "100001"', f'jnr: "10{escape}0001"')
    refused(capsys, work, "budget.yaml", escape, "ugyldig Unicode-escape", commands=("validate",))


# 6. Property: generated hostile values never make validate or build fail with exit 3 ---------------

_ANY_CHAR = st.characters(codec=None, exclude_categories=())
_HOSTILE_TEXT = st.text(st.one_of(_ANY_CHAR, st.sampled_from("\x00\x0b\x1b\x7f\x85\x9b\u2028\u2029\u202e\ufeff"
                                                              "\ufffe\uffff\ud800\udfff\u00a0\u200b\n\t\r\\\"'{}[]#&*!|>%@`=")),
                        max_size=40)
_NUMBERS = st.one_of(st.integers(-10**40, 10**40), st.floats(allow_nan=True, allow_infinity=True),
                     st.sampled_from(["1e30", "1e-30", "0100001", "-0", "+5", "1_000", ".5", "5.", "0x1F", "1e400"]))

TEXT_SLOTS = [("samarbejdsaftale.yaml", "omraadets_navn: Boligsocial indsats i Testby", "omraadets_navn: {}"),
              ("budget.yaml", "udgiftspost: Revision", "udgiftspost: {}"),
              ("budget.yaml", 'jnr: "100001"', "jnr: {}"),
              ("samarbejdsaftale.yaml", "  - id: bo-a", "  - id: {}"),
              ("samarbejdsaftale.yaml", "tekst: En bestyrelse leder indsatsen.", "tekst: {}"),
              ("samarbejdsaftale.yaml", "fra: 1. januar 2024", "fra: {}"),
              ("samarbejdsaftale.yaml", "pulje:", "{}: 1\npulje:")]
NUMBER_SLOTS = [("samarbejdsaftale.yaml", "beboere: 1234", "beboere: {}"),
                ("samarbejdsaftale.yaml", "lejemaal: 244", "lejemaal: {}"),
                ("budget.yaml", '"2024": 16,', '"2024": {},'),
                # balanced, so that a valid huge amount reaches the workbook and the figures
                ("budget.yaml", '{"2024": 16, "2025": 16, "2026": 16, "2027": 16}\n        finansiering: {lbf: 64}',
                 '{{"2024": {}, "2025": 0, "2026": 0, "2027": 0}}\n        finansiering: {{lbf: {}, kommune_kontant: {}}}'),
                ("maalinger.yaml", "vaerdi: 89.9", "vaerdi: {}")]


def _run_both(folder: Path, capsys) -> None:
    for args in (["validate", folder.name], ["build", folder.name, "-o", "ud"], ["status", folder.name, "-o", "ud"]):
        code, output = cli(capsys, *args)
        assert code in (0, 1), output


def _fresh(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("egenskab")
    shutil.copytree(SETS / "lille", base / "lille")
    os.chdir(base)
    return base / "lille"


@settings(max_examples=int(os.environ.get("AFTALER_HYPOTHESIS_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(slot=st.sampled_from(TEXT_SLOTS), text=_HOSTILE_TEXT, raw=st.booleans())
def test_property_hostile_text_never_crashes(tmp_path_factory, capsys, slot, text, raw):
    cwd = os.getcwd()
    try:
        folder = _fresh(tmp_path_factory)
        file, old, template = slot
        # Raw: typed into the file as it is (a plain scalar, where YAML lets it); else escaped.
        value = text if raw and "\n" not in text and "\r" not in text else double_quoted(text)
        replace(folder / file, old, template.format(value))
        _run_both(folder, capsys)
    finally:
        os.chdir(cwd)


@settings(max_examples=int(os.environ.get("AFTALER_HYPOTHESIS_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(slot=st.sampled_from(NUMBER_SLOTS), number=_NUMBERS)
def test_property_hostile_numbers_never_crash(tmp_path_factory, capsys, slot, number):
    cwd = os.getcwd()
    try:
        folder = _fresh(tmp_path_factory)
        file, old, template = slot
        typed = number if isinstance(number, str) else repr(number)
        if template.count("{}") == 3:  # the balanced budget line: twice the amount, half from LBF
            parts = [repr(2 * number), repr(number), repr(number)] if isinstance(number, int) else [typed] * 3
        else:
            parts = [typed]
        replace(folder / file, old, template.format(*parts))
        _run_both(folder, capsys)
    finally:
        os.chdir(cwd)


@settings(max_examples=int(os.environ.get("AFTALER_HYPOTHESIS_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.text(st.one_of(_ANY_CHAR, st.sampled_from("\n\r\t\x1b\u202e\\:%,")), min_size=1, max_size=20)
       .filter(lambda n: "/" not in n and "\x00" not in n and n not in (".", "..")),
       suffix=st.sampled_from([".yaml", ".yml", ".YAML", ""]))
def test_property_odd_file_names_never_crash(tmp_path_factory, capsys, name, suffix):
    cwd = os.getcwd()
    try:
        folder = _fresh(tmp_path_factory)
        try:
            target = os.fsencode(folder) + b"/" + name.encode("utf-8", "surrogateescape") + suffix.encode()
            shutil.copy(folder / "kommissorium.yaml", target)
        except (OSError, UnicodeEncodeError):
            return  # a name the file system itself refuses (too long, or not bytes)
        _run_both(folder, capsys)
    finally:
        os.chdir(cwd)
