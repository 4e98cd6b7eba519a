"""Every bomb of issue 15, run as a real CLI process under a memory and a time limit: each ends
in a Danish message and exit 1 (never a hang, a MemoryError or a traceback), and a failed run
leaves the output tree as it was."""
from __future__ import annotations

import hashlib
import marshal
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "sets" / "lille"
MEMORY = 2 * 1024 ** 3  # address space: far below what the bombs would take, well above a build
TIMEOUT = 120           # seconds; a small set builds in a few


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(args: list[str], cwd: Path, env: dict | None = None) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "aftaler", *args], cwd=cwd, capture_output=True, text=True,
                            timeout=TIMEOUT, preexec_fn=_limits, env={**os.environ, **(env or {})})
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "intern fejl" not in output, output
    return result.returncode, output


def small_set(tmp_path: Path) -> Path:
    folder = tmp_path / "lille"
    shutil.copytree(SMALL, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` (or the file itself) with its content's hash."""
    if folder.is_file():
        return {".": hashlib.sha256(folder.read_bytes()).hexdigest()}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "mappe"
            for p in sorted(folder.rglob("*"))}


ORGANS = "organisering:\n  tekst: En bestyrelse leder indsatsen.\n"

MARKDOWN_BOMBS = {
    "klammer": "[" * 500_000,
    "billedklammer": "![" * 250_000,
    "links": "[a](" * 120_000,
    "dybe-klammer": "[" * 2_000 + "a" + "]" * 2_000,
    "lang-tekst": "ord " * 300_000,
}
MARKDOWN_MESSAGES = r"teksten har for mange \[|klammerne \[ \] står \d+ lag|teksten er for lang til et tekstfelt"


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("name", sorted(MARKDOWN_BOMBS))
def test_markdown_bombs_are_refused_in_time(tmp_path, name, command):
    folder = small_set(tmp_path)
    edit(folder / "samarbejdsaftale.yaml", "  tekst: En bestyrelse leder indsatsen.",
         f'  tekst: "{MARKDOWN_BOMBS[name]}"')
    out = tmp_path / "ud"
    code, output = run([command, str(folder)] + (["-o", str(out)] if command == "build" else []), tmp_path)
    assert code == 1, output
    assert re.search(r"samarbejdsaftale\.yaml:\d+:\d+: fejl: (?:" + MARKDOWN_MESSAGES + ")", output), output
    assert not out.exists()


def test_a_long_word_in_an_organs_name_is_refused(tmp_path):
    folder = small_set(tmp_path)
    edit(folder / "samarbejdsaftale.yaml", "      navn: Bestyrelsen", "      navn: " + "Bestyrelse" * 200)
    code, output = run(["build", str(folder), "-o", str(tmp_path / "ud")], tmp_path)
    assert code == 1 and "organets navn har et ord på 2000 tegn" in output, output


def test_the_diagram_breaks_a_long_word_in_linear_time():
    import time

    from aftaler.render.figures.orgdiagram import wrap
    started = time.perf_counter()
    lines = wrap("Bestyrelse" * 1_000, 150, 9, bold=True)
    assert time.perf_counter() - started < 5
    assert "".join(line.removesuffix("-") for line in lines) == "Bestyrelse" * 1_000
    assert len(lines) > 50


def test_a_deep_chain_of_organs_is_refused_not_a_recursion_error(tmp_path):
    folder = small_set(tmp_path)
    chain = "".join(f"    - id: led-{i}\n      navn: Led {i}\n      type: forum\n      beskrivelse: Et led.\n"
                    f"      under: {'bestyrelsen' if i == 1 else f'led-{i - 1}'}\n" for i in range(1, 4001))
    edit(folder / "samarbejdsaftale.yaml", "        - Følge op på mål\n  zoner:", "        - Følge op på mål\n" + chain + "  zoner:")
    code, output = run(["build", str(folder), "-o", str(tmp_path / "ud")], tmp_path)
    assert code == 1 and re.search(r"fejl: organet 'led-13' står mere end 12 led under andre organer", output), output


def test_organs_under_each_other_in_a_loop_are_refused_at_the_first(tmp_path):
    """a under b under c under a: no organ at the top, so no diagram the author chose; refused once
    for the loop, at its first organ's 'under', not drawn cut at some point."""
    folder = small_set(tmp_path)
    loop = "".join(f"    - id: led-{i}\n      navn: Led {i}\n      type: forum\n      beskrivelse: Et led.\n"
                   f"      under: led-{i % 3 + 1}\n" for i in range(1, 4))
    edit(folder / "samarbejdsaftale.yaml", "        - Følge op på mål\n  zoner:", "        - Følge op på mål\n" + loop + "  zoner:")
    code, output = run(["validate", str(folder)], tmp_path)
    messages = re.findall(r"samarbejdsaftale\.yaml:(\d+):\d+: fejl: (organet .*)", output)
    assert code == 1 and len(messages) == 1, output
    line, message = messages[0]
    assert message.startswith("organet 'led-1' står under sig selv via 'under' (led-1 → led-2 → led-3 → led-1)")
    text = (folder / "samarbejdsaftale.yaml").read_text(encoding="utf-8").splitlines()
    assert text[int(line) - 1].strip() == "under: led-2"


def _template(tmp_path: Path, name: str, expression: str = "", extra: bytes = b"") -> Path:
    source = ROOT / "templates" / "kommissorium.docx"
    target = tmp_path / name
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml" and expression:
                data = data.replace(b"<w:body>", b"<w:body><w:p><w:r><w:t>" + expression.encode() + b"</w:t></w:r></w:p>", 1)
            zout.writestr(info, data)
        if extra:
            zout.writestr("word/media/fyld.bin", extra)
    return target


TEMPLATE_BOMBS = {
    "gentagelse.docx": ("{{ 'x' * 10**10 }}", b"", r"skabelonen gentagelse\.docx har et udtryk, der ville bruge for meget"),
    "liste.docx": ("{{ [1] * 10**9 }}", b"", r"skabelonen liste\.docx har et udtryk, der ville bruge for meget"),
    "loekke.docx": ("{% for i in range(10**9) %}a{% endfor %}", b"", r"range\(\) med 1\.000\.000\.000 tal"),
    "indlejret.docx": ("{% for i in range(9999) %}{% for j in range(9999) %}{{ 'ab' * 9999 }}{% endfor %}{% endfor %}",
                       b"", r"skabelonen indlejret\.docx .*ville fylde over 50\.000\.000 tegn"),
    "nul.docx": ("{{ 1 / 0 }}", b"", r"skabelonen nul\.docx har et udtryk, der fejler"),
    "zipbombe.docx": ("", b"\0" * 80_000_000, r"skabelonen zipbombe\.docx fylder 80\.\d{3}\.\d{3} byte"),
}


@pytest.mark.parametrize("name", sorted(TEMPLATE_BOMBS))
def test_template_bombs_are_refused_in_time(tmp_path, name):
    expression, extra, message = TEMPLATE_BOMBS[name]
    template = _template(tmp_path, name, expression, extra)
    assert template.stat().st_size < 200_000  # small on disk: the danger is what it becomes
    code, output = run(["check-template", str(template), "--kind", "kommissorium", "--saet", str(SMALL)], tmp_path)
    assert code == 1 and re.search(message, output), output
    out = tmp_path / "ud"
    code, output = run(["build", str(SMALL), "-o", str(out), "--skabelon", f"kommissorium={template}"], tmp_path)
    assert code == 1 and re.search(message, output), output
    assert not out.exists()


def test_loops_that_write_nothing_are_stopped_in_time(tmp_path):
    """Three nested loops with an empty body never give the render a piece of output to check
    the clock at (10^12 turns: hours); the alarm stops them at the limit (here 2 s)."""
    loops = "{% for i in range(9999) %}{% for j in range(9999) %}{% for k in range(9999) %}{% endfor %}{% endfor %}{% endfor %}"
    template = _template(tmp_path, "tomme.docx", loops)
    env = {"AFTALER_MAX_SEKUNDER": "2"}
    started = time.monotonic()
    code, output = run(["check-template", str(template), "--kind", "kommissorium", "--saet", str(SMALL)], tmp_path, env)
    assert code == 1 and re.search(r"tager over 2 sekunder", output), output
    out = tmp_path / "ud"
    code, output = run(["build", str(SMALL), "-o", str(out), "--skabelon", f"kommissorium={template}"], tmp_path, env)
    assert code == 1 and re.search(r"tager over 2 sekunder", output), output
    assert not out.exists() and time.monotonic() - started < 60


def test_a_file_that_is_not_a_docx_is_refused_as_a_template(tmp_path):
    for name, data in (("tekst.docx", b"ikke en Word-fil"), ("tom.docx", b""), ("skabelon.txt", b"PK\3\4" + b"\0" * 50)):
        (tmp_path / name).write_bytes(data)
        code, output = run(["check-template", str(tmp_path / name), "--kind", "kommissorium", "--saet", str(SMALL)],
                           tmp_path)
        assert code in (1, 2) and "er ikke en Word-fil" in output, output


def test_a_damaged_template_cache_is_derived_again(tmp_path):
    cache = tmp_path / "cache"
    env = {"AFTALER_SKABELONCACHE": str(cache)}
    first = tmp_path / "ud1"
    assert run(["build", str(SMALL), "-o", str(first)], tmp_path, env)[0] == 0
    entries = sorted(p for p in cache.iterdir() if p.is_file())
    assert entries
    compiled = [entry for entry in entries if entry.suffix == ".cache"]
    assert compiled
    for i, entry in enumerate(entries):  # every kind of damage: cut short, emptied, garbage, a wrong header
        data = entry.read_bytes()
        # Jinja's entries: a header and the source's checksum, then marshalled code (a code object
        # starts with 0xE3); damage after an intact header is what Jinja itself does not catch.
        code = data.find(b"\xe3") if entry in compiled else len(data) // 2
        entry.write_bytes([data[:code] + marshal.dumps(5), data[:code] + marshal.dumps(compile("1/0", "x", "exec")),
                           data[:code], data[:code] + os.urandom(64), data[: code + (len(data) - code) // 2],
                           b"", os.urandom(64), data[:8] + os.urandom(len(data))][i % 8])
    second = tmp_path / "ud2"
    code, output = run(["build", str(SMALL), "-o", str(second)], tmp_path, env)
    assert code == 0, output
    manifests = ".aftaler-filer.json"  # they record each file's mtime
    assert ({k: v for k, v in tree(first).items() if not k.endswith(manifests)}
            == {k: v for k, v in tree(second).items() if not k.endswith(manifests)})


@pytest.mark.parametrize("shape", ["site-er-en-fil", "word-fil-er-en-mappe", "side-er-en-mappe", "site-skrivebeskyttet"])
def test_a_failed_run_changes_nothing_in_the_output(tmp_path, shape):
    folder = small_set(tmp_path)
    out = tmp_path / "ud"
    assert run(["build", str(folder), "-o", str(out)], tmp_path)[0] == 0
    edit(folder / "samarbejdsaftale.yaml", "En bestyrelse leder indsatsen.", "En bestyrelse leder det hele.")
    if shape == "site-er-en-fil":
        shutil.rmtree(out / "site")
        (out / "site").write_text("en fil")
    elif shape == "word-fil-er-en-mappe":
        (out / "lille" / "samarbejdsaftale.docx").unlink()
        (out / "lille" / "samarbejdsaftale.docx").mkdir()
    elif shape == "side-er-en-mappe":
        (out / "site" / "lille" / "samarbejdsaftale.html").unlink()
        (out / "site" / "lille" / "samarbejdsaftale.html").mkdir()
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only folder (the corpus covers it without the capability)")
        (out / "site" / "lille").chmod(0o555)
    before = tree(out)
    code, output = run(["build", str(folder), "-o", str(out)], tmp_path)
    (out / "site" / "lille").chmod(0o755) if (out / "site" / "lille").is_dir() else None
    assert code == 1 and "kan ikke skrive output" in output and "intet er skrevet" in output, output
    assert tree(out) == before
