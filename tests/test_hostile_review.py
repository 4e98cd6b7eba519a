"""Hostile input on the review side (issue 15, item 4): `aftaler diff` and `aftaler check-template`.

Generated hostile values — very long strings, control, bidi and zero-width characters, huge,
negative and fractional numbers where whole numbers belong, deep nesting, empty documents,
anchors and aliases, duplicate keys, bytes that are not UTF-8, ids that clash — are written into
a copy of tests/sets/lille in a git repository of its own, and `diff` compares the commit before
with the working tree (or with the hostile commit), in JSON and with `-o`. Generated hostile Word
templates — files that are no zip, zips with bad XML, bombs, Jinja tags broken over runs — go to
`check-template`, and the kinds' own templates are tried against a set holding a hostile value.
Each case asserts what an author gets:

- the exit status a command documents and never 3: `check-template` 0 or 1; `diff` 0 (no
  change) or 1 (changes), and 2 when it cannot compare — for `diff` 1 means "changes", so invalid
  sources are its 2 ("Exit 0 no change, 1 changes, 2 error" in the README, and
  test_diff.test_invalid_source_at_a_revision_is_reported_at_its_place);
- no traceback and no "intern fejl", no raw control character printed, one JSON document;
- every error about the input at its place: a YAML source's `file:line:column`, a template's
  file and place in Word ("afsnit 12", "tabel 2, række 3, celle 1", "sidefod" — Word has no
  lines), or the template file itself when the file as a whole is the problem (not a .docx, a
  bomb); an output problem names the output path;
- the output folder complete (every file whole, no temporary file, the change pages and the site)
  or untouched; `check-template` writes nothing and leaves template and set as they were.

The many generated cases run in-process through `aftaler.cli.main` (which turns any exception into
exit 3 and "intern fejl", so a crash fails the assertions); a few fixed ones run the real CLI as a
process, so that "no traceback" holds for what a terminal shows. AFTALER_HYPOTHESIS_EXAMPLES sets
the number of generated cases per property (default 60; a third of it for the set property).
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from aftaler.cli import main
from conftest import ROOT, SETS
from yaml_text import double_quoted

EXAMPLES = int(os.environ.get("AFTALER_HYPOTHESIS_EXAMPLES", "60"))
SET = Path("aftaler/lille")
GIT_ENV = {"GIT_AUTHOR_NAME": "Anna Hansen", "GIT_AUTHOR_EMAIL": "a@example.dk", "GIT_AUTHOR_DATE": "2024-03-12T10:00:00+00:00",
           "GIT_COMMITTER_NAME": "Anna Hansen", "GIT_COMMITTER_EMAIL": "a@example.dk",
           "GIT_COMMITTER_DATE": "2024-03-12T10:00:00+00:00"}
RAW_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
CRASH = re.compile(r"Traceback \(most recent call last\)|intern fejl|^\s*File \".*\", line \d+", re.M)
TEMPORARY = re.compile(r"^\..*\.tmp$")
# About a file as a whole, so named without a line (tests/corpus/074-binaert-skrald: "position: ingen").
WHOLE_FILE = ("filen er ikke tekst (den indeholder NUL-tegn)", "filen er gemt som UTF-16", "filen er for stor")
# A template's place in Word, as word_tags names it (Word has no lines and columns).
WORD_PLACE = re.compile(r"(^|\(|; |\bi )(afsnit \d+|tabel \d+, række \d+|(sidehoved|sidefod)( \([^)]*\))?(,|:|$)|"
                        r"fodnoterne|slutnoterne|brødteksten)")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args], cwd=repo,
                          capture_output=True, text=True, env={**os.environ, **GIT_ENV}, timeout=60)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """tests/sets/lille in a git repository of its own, committed and tagged `start`."""
    repo = tmp_path_factory.mktemp("review") / "repo"
    repo.mkdir()
    shutil.copytree(SETS / "lille", repo / SET)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    git(repo, "tag", "start")
    return repo


def restore(repo: Path) -> None:
    git(repo, "reset", "-q", "--hard", "start")
    git(repo, "clean", "-fdxq")


# ---------------------------------------------------------------- hostile values for the YAML


def raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


ODD = "\x00\x07\x0b\x1b\x7f\x85\x9b\u00a0\u00ad\u061c\u200b\u200d\u200e\u200f\u2028\u2029\u202a\u202e\u2060\u2066" \
      "\u2069\ufeff\ufffe\uffff\ue000\ud800\udfff\U0010fffe\n\t\r\\\"'{}[]#&*!|>%@`=:-,?~"
_CHARS = st.one_of(st.characters(codec=None, exclude_categories=()), st.sampled_from(ODD),
                   st.sampled_from("aæøåé ÆØÅ"))
_SHORT = st.text(_CHARS, max_size=40)
# Long by characters: 32.767 is a workbook cell's limit, 50.000 a Markdown field's.
_LONG = st.builds(lambda unit, n: unit * (n // len(unit)), st.sampled_from(["x", "æ", "ord ", "\u200b", "[", "**", "\u202e",
                                                                            "é\u0301"]),
                  st.sampled_from([1_000, 32_767, 32_768, 50_001, 120_000]))
_TEXT = st.one_of(_SHORT, _LONG)


@st.composite
def typed_text(draw) -> bytes:
    """A text as an author might get it into the file: typed as it is, or as a YAML escape."""
    text = draw(_TEXT)
    if draw(st.booleans()) and not any(c in text for c in "\n\r"):
        return raw(text)
    return raw(double_quoted(text))


_NUMBER = st.one_of(
    st.integers(-10**40, 10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e30", "1e-30", "1e400", "-0", "-0.0", "+5", ".5", "5.", "0x1F", "0o17", "1_000", "0100001",
                     "1.056", "12:30", "2022-01-01", ".nan", ".inf", "-.inf", "~", "null", "true", "no", "''",
                     "999999999999999", "9999999999999999", "-1", "100.5"]))


@st.composite
def nested(draw) -> bytes:
    """Lists and maps inside each other, flow style or block style, on one value."""
    depth = draw(st.integers(1, 120))
    form = draw(st.sampled_from(["flow-list", "flow-map", "block-map", "long-list", "big-map"]))
    if form == "flow-list":
        return raw("[" * depth + "1" + "]" * depth)
    if form == "flow-map":
        return raw("{a: " * depth + "1" + "}" * depth)
    if form == "block-map":
        return raw("".join(f"\n{'  ' * (i + 2)}k{i}:" for i in range(depth)) + " 1")
    if form == "long-list":
        return raw("[" + ", ".join(["1"] * (depth * 50)) + "]")
    return raw("{" + ", ".join(f"k{i}: 1" for i in range(depth * 50)) + "}")


_ALIASED = st.sampled_from([b"&a 5", b"*a", b"&a [1, 2]", b"!!str 5", b"!!python/object:os.system 1", b"!ukendt 5",
                            b"{<<: {a: 1}}", b"&a {x: 1}", b"? a\n  : b"])
_NOT_UTF8 = st.one_of(st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3(", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80",
                                       b"S\xf8ren", b"\xc3", b"\x00", b"\xef\xbb\xbf"]),
                      st.binary(min_size=1, max_size=6))

# (file, the text of the value's line, the line with {} for the hostile value)
TEXT_SLOTS = [
    ("samarbejdsaftale.yaml", "omraadets_navn: Boligsocial indsats i Testby", "omraadets_navn: {}"),
    ("samarbejdsaftale.yaml", "  tekst: En bestyrelse leder indsatsen.", "  tekst: {}"),
    ("samarbejdsaftale.yaml", "    navn: Testby Kommune", "    navn: {}"),
    ("samarbejdsaftale.yaml", "      navn: Zone 1", "      navn: {}"),
    ("samarbejdsaftale.yaml", "  fra: 1. januar 2024", "  fra: {}"),
    ("delaftale-beskaeftigelse.yaml", "    navn: Jobcafé", "    navn: {}"),
    ("delaftale-beskaeftigelse.yaml", "    formaal: Hjælpe unge i job.", "    formaal: {}"),
    ("budget.yaml", "        udgiftspost: Revision", "        udgiftspost: {}"),
    ("budget.yaml", 'jnr: "100001"', "jnr: {}"),
    ("milepaelsplan.yaml", "    milepael: Jobcaféen holder åbent hver uge", "    milepael: {}"),
    ("kommissorium.yaml", "formaal: Bestyrelsen leder og prioriterer indsatsen i Testby.", "formaal: {}"),
    ("samarbejdsaftale.yaml", "pulje:", "{}: 1\npulje:"),  # a key
]
NUMBER_SLOTS = [
    ("samarbejdsaftale.yaml", "  beboere: 1234", "  beboere: {}"),
    ("samarbejdsaftale.yaml", "      lejemaal: 244", "      lejemaal: {}"),
    ("samarbejdsaftale.yaml", "      antal: 75", "      antal: {}"),
    ("samarbejdsaftale.yaml", "          andel: 60", "          andel: {}"),
    ("samarbejdsaftale.yaml", "baseline_boligomraade: [{vaerdi: 89.2}]", "baseline_boligomraade: [{{vaerdi: {}}}]"),
    ("budget.yaml", 'udgifter: {"2024": 16,', 'udgifter: {{"2024": {},'),
    ("budget.yaml", "        udgiftstype: 7", "        udgiftstype: {}"),
    ("maalinger.yaml", "      - aar: 2024", "      - aar: {}"),
]
# Ids as they stand, to clash with or to be replaced.
ID_LINES = [("samarbejdsaftale.yaml", "  - id: kommunen", "  - id: {}"),
            ("samarbejdsaftale.yaml", "    - id: afd-syd", "    - id: {}"),
            ("samarbejdsaftale.yaml", "    - id: medarbejder-1", "    - id: {}"),
            ("budget.yaml", "      - id: revision", "      - id: {}"),
            ("delaftale-beskaeftigelse.yaml", "  - id: jobcafe", "  - id: {}"),
            ("milepaelsplan.yaml", "  - id: jobcafe-aabner", "  - id: {}")]
IDS = ["bo-a", "kommunen", "afd-nord", "medarbejder-1", "leder", "revision", "medarbejder-1-loen", "jobcafe", "jobcenter",
       "flere-i-job", "unge-i-job", "evaluering-formidlet", "note-loen", "zone-1", "bestyrelsen", "unge"]
DUPLICATES = [("samarbejdsaftale.yaml", "  beboere: 1234\n", "  beboere: 1234\n  beboere: {}\n"),
              ("samarbejdsaftale.yaml", "    navn: Testby Kommune\n", "    navn: Testby Kommune\n    navn: {}\n"),
              ("budget.yaml", 'jnr: "100001"\n', 'jnr: "100001"\njnr: {}\n'),
              ("samarbejdsaftale.yaml", "  beboere: 1234\n", "  beboere: 1234\n  beboere\u0301: {}\n"),
              ("kommissorium.yaml", "formaal:", "formaal: {}\nformaal:")]
# Hostile, yet what an author may write: these reach the comparison, the redlines and the pages.
PROSE_SLOTS = [
    ("samarbejdsaftale.yaml", "  tekst: En bestyrelse leder indsatsen.", "  tekst: {}"),
    ("delaftale-beskaeftigelse.yaml", "    formaal: Hjælpe unge i job.", "    formaal: {}"),
    ("milepaelsplan.yaml", "    milepael: Jobcaféen holder åbent hver uge", "    milepael: {}"),
    ("kommissorium.yaml", "formaal: Bestyrelsen leder og prioriterer indsatsen i Testby.", "formaal: {}"),
    ("samarbejdsaftale.yaml", "lokal_evaluering: Vi formidler resultaterne hvert år.", "lokal_evaluering: {}"),
    ("budget.yaml", "        udgiftspost: Revision", "        udgiftspost: {}"),
    ("samarbejdsaftale.yaml", "    navn: Testby Kommune", "    navn: {}"),
]
PROSE = st.one_of(
    st.sampled_from(["En be\u00adstyrelse leder\u200b indsatsen.", "שלום עולם 123", "العربية **فقط**",
                     "abc \u05e9\u05dc 12,5 %", "👩‍👩‍👧 familier", "Cafe\u0301 og café", "1.\u00a0januar",
                     "{{ 7*7 }} {% if x %}", "<script>x</script> &amp;", "**fed** og *kursiv*[^n]\n\n[^n]: En note.",
                     "=cmd|' /C calc'!A0", "- a\n  - b\n    - c\n      - d", "[" * 9 + "x" + "]" * 9, "x" * 32_000,
                     "ord " * 8_000, "Bo & Søn <test> \"citat\" 'x'"]),
    st.text(st.one_of(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]),
                      st.sampled_from("\u200b\u00ad\u00a0\n*_[]")), min_size=1, max_size=60),
)
FILES = sorted(p.name for p in (SETS / "lille").glob("*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/{}.schema.json\n"


@st.composite
def whole_file(draw) -> tuple[str, str | None, bytes]:
    """A document emptied, or made of something else than one YAML mapping in UTF-8."""
    name = draw(st.sampled_from(FILES))
    original = (SETS / "lille" / name).read_bytes()
    schema = SCHEMA_LINE.format(name.removesuffix(".yaml").split("-")[0]).encode()
    content = draw(st.sampled_from([
        b"", b"\n", b"---\n", b"...\n", b"~\n", b"null\n", b"[]\n", b"{}\n", b"# bare en kommentar\n", schema,
        schema + b"---\n---\n", schema + b"\xef\xbb\xbf", schema + b"- 1\n", schema + b"'en tekst'\n",
        b"\xef\xbb\xbf" + original, original.replace(b"\n", b"\r\n"), original.replace(b"\n", b"\r"),
        original.decode("utf-8").encode("utf-16"), original.decode("utf-8").encode("latin-1", "replace"),
        original + b"\x00", original.replace(b"  ", b"\t", 1), original * 2,
    ]))
    return name, None, content


@st.composite
def hostile_edit(draw) -> tuple[str, str | None, bytes]:
    """(file, old text or None for the whole file, new bytes): one hostile change to the set."""
    kind = draw(st.sampled_from(["text", "number", "nested", "alias", "bytes", "id", "duplicate", "file"] + ["prose"] * 4))
    if kind == "prose":
        file, old, template = draw(st.sampled_from(PROSE_SLOTS))
        return file, old, raw(template.format(double_quoted(draw(PROSE))))
    if kind == "file":
        return draw(whole_file())
    if kind == "id":
        file, old, template = draw(st.sampled_from(ID_LINES))
        other = draw(st.sampled_from(IDS))
        value = draw(st.sampled_from([other, other.upper(), other + "\u200b", double_quoted(other + "\n"), "", "~",
                                      double_quoted("\u202e" + other), other + " ", "[" + other + "]"]))
        return file, old, raw(template.format(value))
    if kind == "duplicate":
        file, old, template = draw(st.sampled_from(DUPLICATES))
        return file, old, raw(template.format("1"))
    if kind == "text":
        file, old, template = draw(st.sampled_from(TEXT_SLOTS))
        value = draw(typed_text())
    else:
        file, old, template = draw(st.sampled_from(TEXT_SLOTS + NUMBER_SLOTS))
        if kind == "number":
            value = raw(draw(_NUMBER))
        elif kind == "nested":
            value = draw(nested())
        elif kind == "alias":
            value = draw(_ALIASED)
        else:  # bytes that are not UTF-8, amid a value
            value = b"Tekst" + draw(_NOT_UTF8) + b"tekst"
    before, after = template.encode().split(b"{}")
    return file, old, before + value + after


def apply(repo: Path, edit: tuple[str, str | None, bytes]) -> None:
    file, old, new = edit
    path = repo / SET / file
    if old is None:
        path.write_bytes(new)
        return
    data = path.read_bytes()
    assert old.encode() in data, (file, old)
    path.write_bytes(data.replace(old.encode(), new, 1))


# ---------------------------------------------------------------- what diff must do


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every entry under a folder, files with their bytes (None: a folder)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


def prepare_output(out: Path, shape: str) -> None:
    """The output folder before the run: absent, holding files of its own, or unable to take the site."""
    if shape == "ny":
        return
    (out / "lille").mkdir(parents=True)
    (out / "behold.txt").write_text("mit eget\n", encoding="utf-8")
    (out / "lille" / "aendringer.md").write_text("# en gammel side\n", encoding="utf-8")
    if shape == "blokeret":
        (out / "site").write_text("en fil, hvor mappen site skulle være\n", encoding="utf-8")


def assert_whole(path: Path) -> None:
    """A written file is whole: a Word file is a sound zip whose XML parts parse."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as package:
            assert package.testzip() is None, path
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(package.read(name))
    elif path.suffix == ".html":
        assert path.read_bytes().rstrip().endswith(b"</html>"), path
    elif path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n") and "\n# " in "\n" + text, path


def assert_diff_kept_its_promises(code: int, out_text: str, err_text: str, out: Path, before: dict) -> dict:
    printed = out_text + err_text
    assert not CRASH.search(printed), printed[-3000:]
    assert not RAW_UNSAFE.search(printed), f"raw control character printed: {printed[-3000:]!r}"
    assert code in (0, 1, 2), (code, printed[-3000:])
    report = json.loads(out_text)  # exactly one JSON document on stdout
    if code == 2:
        errors = [f for f in report["fund"] if f["niveau"] == "fejl"]
        assert report["fejl"] == len(errors) >= 1, report
        for finding in errors:
            if finding["regel"] == "output":  # about the output folder: it names the path it cannot write
                assert Path(finding["fil"]).resolve().is_relative_to(out.resolve()), finding
                continue
            assert re.search(r"lille/[^/]+\.yaml$", finding["fil"]), finding
            assert (finding["linje"] >= 1 and finding["kolonne"] >= 1) or finding["besked"].startswith(WHOLE_FILE), finding
        assert tree(out) == before, "diff failed, yet changed the output folder"
        return report
    assert set(report) == {"gammel", "ny", "aendret", "opsummering", "saet"}, report.keys()
    assert report["aendret"] is (code == 1)
    for aset in report["saet"]:
        for document in aset["dokumenter"]:
            for change in document["aendringer"]:
                assert re.search(r"lille/[^/]+\.yaml:\d+:\d+$", change["position"]), change
    after = tree(out)
    assert not [name for name in after if TEMPORARY.match(name.rsplit("/", 1)[-1])], after.keys()
    assert after.get("behold.txt", b"mit eget\n") == b"mit eget\n"
    expected = ["lille/aendringer.md", "lille/aendringer.html", "site/index.html"]
    if code == 1:
        expected.append("site/lille/aendringer.html")  # the change page in NEW's site
    for name in expected:
        assert after.get(name), f"{name} missing from the output folder"
    assert after["lille/aendringer.md"].startswith("# Ændringer siden start".encode())
    for name, data in after.items():
        if data is not None and name != "behold.txt":
            assert_whole(out / name)
    redlines = {name for name in after if name.endswith("-aendringer.docx")}
    assert not redlines or code == 1, redlines
    return report


def run_diff_cli(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(edit=hostile_edit(), committed=st.booleans(), shape=st.sampled_from(["ny", "ny", "gammel", "gammel", "blokeret"]))
def test_property_diff_of_a_hostile_working_tree_or_commit(repository, tmp_path_factory, capsys, edit, committed,
                                                            shape):
    restore(repository)
    apply(repository, edit)
    if committed:  # read through git archive, as an approved version is
        git(repository, "add", "-A")
        git(repository, "commit", "-qm", "fjendtlig", "--allow-empty")
    out = tmp_path_factory.mktemp("ud") / "ud"
    prepare_output(out, shape)
    before = tree(out)
    newer = ["HEAD"] if committed else []
    cwd = os.getcwd()
    os.chdir(repository)
    try:
        code, stdout, stderr = run_diff_cli(capsys, "diff", "start", *newer, SET, "-o", out, "--format", "json")
    finally:
        os.chdir(cwd)
    assert_diff_kept_its_promises(code, stdout, stderr, out, before)
    event(f"diff: exit {code}")
    if shape == "blokeret":
        assert code == 2


# ---------------------------------------------------------------- hostile Word templates


TEMPLATE = ROOT / "templates/delaftale.docx"
KIND = "delaftale"
FRAGMENTS = ["{{", "}}", "{%", "%}", "{#", "#}", "{%tr ", "{%p ", "{%tc ", "{{r ", " ", "titel", "navn", "aktiviteter",
             "a", "a.navn", ".", "|", "tal", "md", "billede", "upper", "(", ")", "[", "]", "'", '"', "“", "”", "if ",
             "for ", " in ", "endif", "endfor", "else", "set ", "=", "1/0", "*", "**", "+", "~", "range(10**9)",
             "'x'*10**9", "loop.index", "__class__", "include 'x'", "macro ", "raw", "endraw", "-", "not ", "\u202e",
             "\u200b", "æøå", "0", "9" * 30, "none", "{{ titel }}", "{% if titel %}", "{% endif %}",
             "{% for a in aktiviteter %}", "{% endfor %}", "{{ a.navn }}", "{{ a.navn|tal }}", "{{ periode|md }}",
             "&", "<", ">", "]]>", "\t", "\u00a0", "{%- ", " -%}", "{{ kontaktperson.navn }}"]


@st.composite
def tag_text(draw) -> str:
    """Jinja-ish text: fragments, some of them repeated many times (nesting, chains)."""
    pieces = draw(st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from([1, 1, 1, 2, 3, 50, 400])),
                           min_size=1, max_size=25))
    return "".join(fragment * times for fragment, times in pieces)


def runs_xml(text: str, cuts: list[int]) -> str:
    """A paragraph whose text is split into runs at the cuts (as Word splits a tag while typing)."""
    points = sorted({0, len(text), *[c % (len(text) + 1) for c in cuts]})
    runs = "".join(f'<w:r><w:t xml:space="preserve">{escape(text[a:b])}</w:t></w:r>' for a, b in zip(points, points[1:]))
    return f"<w:p>{runs}</w:p>"


def replace_part(source: bytes, name: str, change) -> bytes:
    """A copy of a .docx with one part changed (change(bytes) -> bytes, or None to leave it out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as package, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in package.infolist():
            data = package.read(info.filename)
            if info.filename == name:
                data = change(data)
                if data is None:
                    continue
            copy.writestr(info.filename, data)
    return out.getvalue()


def insert_before(data: bytes, marker: bytes, xml: str, last: bool = False) -> bytes:
    at = data.rindex(marker) if last else data.index(marker)
    return data[:at] + xml.encode("utf-8", "surrogatepass") + data[at:]


@st.composite
def tagged_template(draw) -> bytes:
    """The kind's own template with generated tags broken over runs, in the body, a cell or the footer."""
    source = TEMPLATE.read_bytes()
    paragraphs = draw(st.lists(st.tuples(tag_text(), st.lists(st.integers(0, 10_000), max_size=6)), min_size=1,
                               max_size=3))
    xml = "".join(runs_xml(text, cuts) for text, cuts in paragraphs)
    where = draw(st.sampled_from(["body", "cell", "footer"]))
    if where == "body":
        return replace_part(source, "word/document.xml", lambda d: insert_before(d, b"<w:sectPr", xml, last=True))
    if where == "cell":
        return replace_part(source, "word/document.xml", lambda d: insert_before(d, b"</w:tc>", xml))
    return replace_part(source, "word/footer1.xml", lambda d: insert_before(d, b"</w:ftr>", xml))


BAD_XML = [b"", b"<w:document", b"<?xml version='1.0'?><a>", b"\xff\xfe<\x00a\x00/>\x00", b"<a>\x01</a>",
           b'<?xml version="1.0" encoding="latin-1"?><a>\xe6\xf8\xe5</a>',
           b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
           b'<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
           b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]><a>&f;&f;</a>',
           b"<a>" + b"<b>" * 5_000 + b"</b>" * 5_000 + b"</a>"]
PARTS = ["word/document.xml", "word/footer1.xml", "word/styles.xml", "[Content_Types].xml", "_rels/.rels",
         "word/_rels/document.xml.rels"]


@st.composite
def bad_package(draw) -> bytes:
    """A zip that is almost the template: a part with bad XML, cut short, or missing."""
    source = TEMPLATE.read_bytes()
    part = draw(st.sampled_from(PARTS))
    how = draw(st.sampled_from(["bad", "cut", "missing", "wrapped"]))
    if how == "bad":
        content = draw(st.one_of(st.sampled_from(BAD_XML), st.binary(max_size=64)))
        return replace_part(source, part, lambda _: content)
    if how == "cut":
        at = draw(st.floats(0, 1))
        return replace_part(source, part, lambda d: d[:int(len(d) * at)])
    if how == "missing":
        return replace_part(source, part, lambda _: None)
    # the body's XML wrapped in a DOCTYPE declaring an entity used in a paragraph
    return replace_part(source, "word/document.xml", lambda d: b'<!DOCTYPE w:document [<!ENTITY t "{{ titel }}">]>'
                        + insert_before(d.split(b"?>", 1)[1], b"<w:sectPr", "<w:p><w:r><w:t>&t;</w:t></w:r></w:p>",
                                        last=True))


@st.composite
def not_a_package(draw) -> bytes:
    source = TEMPLATE.read_bytes()
    return draw(st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06" + b"\0" * 18, b"PK" * 1000, b"{{ titel }}",
                         "{{ titel }}".encode("utf-16")]),
        st.integers(0, len(source) - 1).map(lambda n: source[:n]),
        st.integers(0, len(source) - 1).map(lambda n: source[:n] + b"\0" + source[n + 1:]),
    ))


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, bytes]:
    """Packages that would inflate beyond what a template needs, made once (deflating 21 MB takes time)."""
    source = TEMPLATE.read_bytes()
    big = replace_part(source, "word/media/stor.bin", lambda d: d)  # a copy to add to
    out = io.BytesIO(big)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/media/stor.bin", b"\0" * 21_000_000)
    many = io.BytesIO(source)
    with zipfile.ZipFile(many, "a", zipfile.ZIP_STORED) as package:
        for n in range(1_001):
            package.writestr(f"word/media/x{n}.bin", b"")
    # A directory that lies: it says the body is 100 bytes, the data inflates to 25 MB.
    liar = bytearray(replace_part(source, "word/document.xml", lambda d: insert_before(
        d, b"<w:sectPr", "<w:p><w:r><w:t>" + "x" * 25_000_000 + "</w:t></w:r></w:p>", last=True)))
    with zipfile.ZipFile(io.BytesIO(bytes(liar))) as package:
        info = package.getinfo("word/document.xml")
    name = info.filename.encode()
    central = next(at for at in (m.start() for m in re.finditer(b"PK\x01\x02", liar))
                   if liar[at + 46:at + 46 + len(name)] == name)
    liar[central + 24:central + 28] = (100).to_bytes(4, "little")   # uncompressed size, central directory
    liar[info.header_offset + 22:info.header_offset + 26] = (100).to_bytes(4, "little")  # and local header
    return {"stor": out.getvalue(), "mange": many.getvalue(), "løgn": bytes(liar)}


def assert_check_template_kept_its_promises(code: int, err: str, template: Path) -> None:
    assert not CRASH.search(err), err[-3000:]
    assert not RAW_UNSAFE.search(err), f"raw control character printed: {err[-3000:]!r}"
    assert code in (0, 1), (code, err[-3000:])
    lines = err.splitlines()
    findings = [line for line in lines if re.search(r": (fejl|advarsel): ", line)]
    if code == 1:
        assert any(": fejl: " in line for line in findings), err
        assert re.fullmatch(r"\d+ fejl, \d+ advarsl?er?", lines[-1]), lines[-1]
    else:
        assert lines and (lines[-1].startswith("Skabelonen passer: ") or findings), err
    for line in findings:
        prefix = f"{template}: "
        assert line.startswith(prefix), line
        message = line[len(prefix):].split(": ", 1)[1]
        # about a place in the template (Word's), or about the template file as a whole
        assert WORD_PLACE.search(message) or template.name in message, line


def run_check_template(capsys, template: Path) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check-template", str(template), "--kind", KIND, "--saet", str(SETS / "lille")])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.one_of(tagged_template(), tagged_template(), bad_package(), not_a_package(),
                      st.sampled_from(["stor", "mange", "løgn"])))
def test_property_check_template_of_a_hostile_template(tmp_path_factory, capsys, bombs, data):
    if isinstance(data, str):
        data = bombs[data]
    folder = tmp_path_factory.mktemp("skabelon")
    template = folder / "min-skabelon.docx"
    template.write_bytes(data)
    set_before = tree(SETS / "lille")
    code, err = run_check_template(capsys, template)
    assert_check_template_kept_its_promises(code, err, template)
    event(f"check-template: exit {code}")
    assert tree(folder) == {"min-skabelon.docx": data}, "check-template wrote next to the template or changed it"
    assert tree(SETS / "lille") == set_before


TEMPLATES = {"samarbejdsaftale.yaml": "samarbejdsaftale", "delaftale-beskaeftigelse.yaml": "delaftale",
             "budget.yaml": "budget", "milepaelsplan.yaml": "milepaelsplan", "kommissorium.yaml": "kommissorium",
             "beredskabsplan.yaml": "beredskabsplan", "maalinger.yaml": "samarbejdsaftale"}


@settings(max_examples=max(EXAMPLES // 3, 1), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(edit=hostile_edit())
def test_property_check_template_against_a_hostile_set(tmp_path_factory, capsys, edit):
    """The kind's own template tried against a set with a hostile value: a set that does not
    validate is said at its file:line:column (and the template refused for it); one that does is
    filled with the value, as the build would."""
    root = tmp_path_factory.mktemp("saet")
    shutil.copytree(SETS / "lille", root / SET)
    apply(root, edit)
    kind = TEMPLATES[edit[0]]
    template = ROOT / "templates" / f"{kind}.docx"
    capsys.readouterr()
    code = main(["check-template", str(template), "--kind", kind, "--saet", str(root / SET)])
    captured = capsys.readouterr()
    err = captured.out + captured.err
    assert not CRASH.search(err), err[-3000:]
    assert not RAW_UNSAFE.search(err), f"raw control character printed: {err[-3000:]!r}"
    assert code in (0, 1), (code, err[-3000:])
    event(f"check-template mod sættet: exit {code}")
    for line in err.splitlines():
        if not re.search(r": (fejl|advarsel): ", line):
            continue
        if line.startswith(f"{template}: "):  # the template's own: its file, then its place or the set's name
            assert "aftalesættet" in line or WORD_PLACE.search(line.split(": ", 2)[2]) or template.name in line, line
        else:
            assert re.match(r"^.*lille/[^/:]+\.yaml:\d+:\d+: ", line) or any(w in line for w in WHOLE_FILE), line


# ---------------------------------------------------------------- a few as a real process


def aftaler(cwd: Path, *args) -> subprocess.CompletedProcess:
    """The CLI as a terminal runs it (this checkout's package), without AFTALER_DEBUG."""
    env = {k: v for k, v in os.environ.items() if k != "AFTALER_DEBUG"}
    return subprocess.run([sys.executable, "-m", "aftaler", *map(str, args)], cwd=cwd, capture_output=True,
                          env={**env, "PYTHONPATH": str(ROOT)}, timeout=300)


@pytest.mark.parametrize("edit, fmt", [
    (("samarbejdsaftale.yaml", "  beboere: 1234", b"  beboere: Tekst\xff\xfetekst"), "json"),
    (("samarbejdsaftale.yaml", "  tekst: En bestyrelse leder indsatsen.",
      raw("  tekst: " + double_quoted("En be\u00adstyrelse\u200b " + "ord " * 10_000))), "json"),
    (("budget.yaml", 'udgifter: {"2024": 16,', b'udgifter: {"2024": ' + b"[" * 100 + b"]" * 100 + b","), "text"),
])
def test_diff_as_a_process_shows_no_traceback(repository, tmp_path, edit, fmt):
    restore(repository)
    apply(repository, edit)
    out = tmp_path / "ud"
    prepare_output(out, "gammel")
    before = tree(out)
    done = aftaler(repository, "diff", "start", SET, "-o", out, "--format", fmt)
    stdout, stderr = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    if fmt == "json":
        assert_diff_kept_its_promises(done.returncode, stdout, stderr, out, before)
    else:
        assert not CRASH.search(stdout + stderr) and done.returncode == 2, stderr
        assert re.search(r"^aftaler/lille/budget\.yaml:\d+:\d+: fejl: ", stderr, re.M), stderr
        assert stderr.rstrip().endswith("Sammenligningen kunne ikke laves.") and tree(out) == before


@pytest.mark.parametrize("name", ["ikke-zip", "stor", "dybt-felt"])
def test_check_template_as_a_process_shows_no_traceback(tmp_path, bombs, name):
    if name == "ikke-zip":
        data = b"PK\x03\x04 dette er ikke en zip"
    elif name == "stor":
        data = bombs["stor"]
    else:  # a tag nested deeper than Jinja's parser goes, broken over runs
        tag = "{{ " + "(" * 300 + "titel" + ")" * 300 + " }}"
        data = replace_part(TEMPLATE.read_bytes(), "word/document.xml",
                            lambda d: insert_before(d, b"<w:sectPr", runs_xml(tag, [5, 301, 420]), last=True))
    template = tmp_path / "min-skabelon.docx"
    template.write_bytes(data)
    done = aftaler(ROOT, "check-template", template, "--kind", KIND, "--saet", "tests/sets/lille")
    err = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    assert done.returncode == 1, err
    assert_check_template_kept_its_promises(done.returncode, err, template)
