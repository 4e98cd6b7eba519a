"""A Word template's tags as an author sees them: per paragraph, with the place in Word terms.

docxtpl joins a part's XML into one Jinja text, so Jinja's "line N" points nowhere a secretariat
can find in Word. Here every paragraph of a part (body, headers, footers, notes) becomes one line
of a Jinja source of its own, and each line knows its place: "tabel 2, række 3, celle 1",
"afsnit 12", "sidefod". Jinja's line numbers then name a paragraph. The block structure
(`{% for %}` … `{% endfor %}`) and docxtpl's own tag forms (`{%tr %}` belongs in a table row)
are checked here too, with Danish messages, before Jinja's parser would say it in English.
"""
from __future__ import annotations

import difflib
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

import jinja2
from jinja2 import nodes
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_P, _T, _TC, _TR, _TBL = (f"{{{W}}}{n}" for n in ("p", "t", "tc", "tr", "tbl"))
_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
# docxtpl's tag forms: `{%tr for … %}` takes the place of its whole row, `{%tc %}` of its cell,
# `{%p %}` of its paragraph, `{{r x }}` of its run. Jinja reads them as `{% … %}`/`{{ … }}`.
_DOCXTPL_TAG = re.compile(r"(\{%|\{\{|\{#)(tr|tc|p|r) ")
_CELL_TAG = re.compile(r"\{%\s*(vm|hm)\s*%\}")  # docxtpl's merges: no Jinja, no names
_CELL_EXPR = re.compile(r"\{%\s*(?:colspan|cellbg)\s+(.*?)%\}")  # docxtpl's: an expression inside
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"})
_OPEN_CLOSE = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))
# Blocks that need an end tag, and the tags that may stand inside one.
_BLOCKS = ("for", "if", "with", "macro", "call", "filter", "block", "autoescape", "raw", "trans")
_INNER = {"else": ("for", "if"), "elif": ("if",)}
_KNOWN = set(_BLOCKS) | {"set", "endset", "include", "import", "from", "extends", "do", "break", "continue",
                         "pluralize", "elif", "else"} | {f"end{b}" for b in _BLOCKS}
_SNIPPET = 60
# Levels of a tag's Jinja tree (parentheses, lists, attributes, filters, operators, blocks in
# blocks). The project's own templates use at most 9; deeper than this, Jinja's parser, Python's
# compiler or the template check would run out of stack.
MAX_NESTING = 40
_NESTING_WORDS = "parenteser, lister, punktummer, filtre, regnetegn eller {% if %} og {% for %} i hinanden"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a part: its text as Jinja reads it and where it is in Word."""

    place: str      # "tabel 2, række 3, celle 1", "afsnit 12", "sidefod"
    text: str       # the text as typed (runs joined)
    in_row: bool
    in_cell: bool

    def where(self) -> str:
        """The place with the paragraph's opening words, to find it with Ctrl+F."""
        text = " ".join(self.text.split())
        if not text:
            return self.place
        shown = text if len(text) <= _SNIPPET else text[:_SNIPPET - 1] + "…"
        return f"{self.place}: «{shown}»"


@dataclass
class Part:
    """One part of the package with its paragraphs; `source` is what Jinja parses (a line each)."""

    name: str
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def source(self) -> str:
        return "\n".join(jinja_line(p.text) for p in self.paragraphs)

    def at(self, lineno: int | None) -> Paragraph | None:
        if lineno is None or not 1 <= lineno <= len(self.paragraphs):
            return None
        return self.paragraphs[lineno - 1]

    def where(self, lineno: int | None) -> str:
        paragraph = self.at(lineno)
        return paragraph.where() if paragraph else _part_name(self.name, {})


def jinja_line(text: str) -> str:
    """A paragraph's text as Jinja reads it after docxtpl's clean-up (Word's curly quotes
    straightened, docxtpl's tag forms made plain Jinja)."""
    text = _DOCXTPL_TAG.sub(lambda m: m.group(1) + " ", text.translate(_QUOTES))
    text = _CELL_TAG.sub("", text)
    return _CELL_EXPR.sub(lambda m: "{{ " + m.group(1) + " }}", text)


def without_cell_tags(text: str) -> str:
    """A paragraph's text without docxtpl's cell tags ({% hm %}, {% colspan n %}): docxtpl takes
    them out of the paragraph before Jinja runs."""
    return _CELL_EXPR.sub("", _CELL_TAG.sub("", text))


def read_parts(data: bytes | str) -> list[Part]:
    """Every text part of a .docx (path or bytes) with its paragraphs, in reading order."""
    import io
    archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    with archive:
        names = [n for n in archive.namelist() if _PART.match(n)]
        kinds = _header_kinds(archive)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        order = sorted(names, key=lambda n: (n != "word/document.xml", n))
        parts = []
        for name in order:
            root = etree.fromstring(archive.read(name), parser)
            parts.append(Part(name, list(_paragraphs(root, _part_name(name, kinds)))))
    return parts


def _header_kinds(archive) -> dict[str, str]:
    """header2.xml → 'first' / 'even' / 'default', from the sections' references."""
    try:
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        document = etree.fromstring(archive.read("word/document.xml"))
    except (KeyError, etree.XMLSyntaxError):
        return {}
    targets = {rel.get("Id"): posixpath.normpath(posixpath.join("word", rel.get("Target", ""))) for rel in rels}
    kinds = {}
    for ref in document.iter(f"{{{W}}}headerReference", f"{{{W}}}footerReference"):
        target = targets.get(ref.get(f"{{{R}}}id"))
        if target:
            kinds[target] = ref.get(f"{{{W}}}type", "default")
    return kinds


def _part_name(name: str, kinds: dict[str, str]) -> str:
    base = posixpath.basename(name)
    if base == "document.xml":
        return "brødteksten"
    if base.startswith(("header", "footer")):
        word = "sidehoved" if base.startswith("header") else "sidefod"
        extra = {"first": " (første side)", "even": " (lige sider)"}.get(kinds.get(name, "default"), "")
        return word + extra
    return "fodnoterne" if base == "footnotes.xml" else "slutnoterne"


def _paragraphs(root, part: str):
    """Each paragraph with its place: in a table by table/row/cell, in the body by number."""
    tables = {tbl: i for i, tbl in enumerate(root.iter(_TBL), start=1)}
    body = part == "brødteksten"
    number = 0
    for p in root.iter(_P):
        if _ancestor(p, _P) is not None:
            continue  # a text box's paragraph: its text is read with the paragraph that holds it
        text = "".join(t.text or "" for t in p.iter(_T)).replace("\n", " ")
        tc, tr, tbl = _ancestor(p, _TC), _ancestor(p, _TR), _ancestor(p, _TBL)
        if tbl is not None and tr is not None and tc is not None:
            rows = [r for r in tbl if r.tag == _TR]
            cells = [c for c in tr if c.tag == _TC]
            place = (f"tabel {tables[tbl]}, række {rows.index(tr) + 1 if tr in rows else '?'}, "
                     f"celle {cells.index(tc) + 1 if tc in cells else '?'}")
            own = [q for q in tc.iter(_P) if _ancestor(q, _TC) is tc]
            if len(own) > 1:
                place += f", afsnit {own.index(p) + 1}"
            place = place if body else f"{part}, {place}"
        elif body:
            number += 1
            place = f"afsnit {number}"
        else:
            place = part
        yield Paragraph(place, text, tr is not None, tc is not None)


def _ancestor(element, tag):
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


# ---------------------------------------------------------------- structure, in Danish


@dataclass(frozen=True)
class Problem:
    """A mistake in a template, said in Danish with its place in Word."""

    where: str
    message: str
    blocking: bool = True     # Jinja cannot read the part until it is mended
    missing_end: str = ""     # an unclosed block: the end tag that would mend it
    lineno: int = 0           # the paragraph's line in the part's source (for reading order)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def structure_problems(part: Part, env: jinja2.Environment) -> list[Problem]:
    """Tags not closed in their paragraph, docxtpl tags outside their row or cell, blocks
    that are never closed or closed by the wrong tag, unknown tags. Empty: Jinja may parse."""
    problems = [p for lineno, paragraph in enumerate(part.paragraphs, start=1)
                for p in _paragraph_problems(paragraph, lineno)]
    if any(p.blocking for p in problems):
        return problems
    return problems + _block_problems(part, env)


def _paragraph_problems(paragraph: Paragraph, lineno: int) -> list[Problem]:
    text = paragraph.text.translate(_QUOTES)
    problems = []
    for opening, closing in _OPEN_CLOSE:
        for match in re.finditer(re.escape(opening), text):
            rest = text[match.end():]
            end, nested = rest.find(closing), rest.find(opening)
            if end < 0 or 0 <= nested < end:
                tag = text[match.start():match.start() + 30].rstrip()
                problems.append(Problem(paragraph.where(), f"feltet '{tag}' lukkes ikke i samme afsnit: "
                                        f"der mangler '{closing}'"))
    for match in _DOCXTPL_TAG.finditer(text):
        form = match.group(2)
        outside = (form == "tr" and not paragraph.in_row) or (form == "tc" and not paragraph.in_cell)
        if outside:
            what = "en tabelrække" if form == "tr" else "en tabelcelle"
            problems.append(Problem(paragraph.where(), f"'{match.group(1)}{form} …' gentager {what} og skal stå i "
                                    f"{what}; uden for en tabel skrives '{match.group(1)} …' (uden '{form}')",
                                    blocking=False, lineno=lineno))
    return problems


def _block_problems(part: Part, env: jinja2.Environment) -> list[Problem]:
    try:
        tokens = [t for t in env.lex(part.source) if t[1] not in ("whitespace", "comment_begin", "comment",
                                                                  "comment_end", "data")]
    except jinja2.TemplateSyntaxError as exc:
        return [_at(part, exc.lineno, "feltet er ikke skrevet, som Jinja kan læse det "
                        "(tjek klammer, anførselstegn og navne)")]
    stack: list[tuple[str, int]] = []
    problems = []
    for i, (lineno, kind, value) in enumerate(tokens):
        if kind != "block_begin":
            continue
        name = next((v for _, k, v in tokens[i + 1:i + 2] if k == "name"), None)
        if name is None:
            problems.append(_at(part, lineno, "et {% … %}-mærke uden navn (fx for, if, endfor)"))
            continue
        if name not in _KNOWN:
            problems.append(_at(part, lineno, f"ukendt mærke '{{% {name} %}}'; kendte er bl.a. "
                                    "for, if, elif, else, endfor, endif, set"))
        elif name == "set":
            if _block_set(tokens, i):
                stack.append((name, lineno))
        elif name in _BLOCKS:
            stack.append((name, lineno))
        elif name in _INNER:
            if not stack or stack[-1][0] not in _INNER[name]:
                problems.append(_at(part, lineno, f"'{{% {name} %}}' står uden for en "
                                        f"{{% {' eller {% '.join(x + ' %}' for x in _INNER[name])}"))
        elif name.startswith("end"):
            opened = name[3:]
            if not stack:
                problems.append(_at(part, lineno, f"'{{% {name} %}}' lukker ingen '{{% {opened} %}}'"))
            elif stack[-1][0] != opened:
                top, top_line = stack[-1]
                problems.append(_at(part, lineno, f"'{{% {name} %}}' kommer, før '{{% {top} %}}' ({part.where(top_line)}) "
                                        f"er lukket med '{{% end{top} %}}'"))
                if any(o == opened for o, _ in stack):
                    while stack and stack[-1][0] != opened:
                        stack.pop()
                    stack.pop()
            else:
                stack.pop()
    for name, lineno in stack:
        problems.append(_at(part, lineno, f"'{{% {name} … %}}' lukkes aldrig: der mangler "
                                f"'{{% end{name} %}}'", missing_end=f"{{% end{name} %}}"))
    return problems


def _at(part: Part, lineno: int | None, message: str, **more) -> Problem:
    return Problem(part.where(lineno), message, lineno=lineno or 0, **more)


def _block_set(tokens, i) -> bool:
    """`{% set x %}…{% endset %}` (a block) rather than `{% set x = … %}`."""
    for _, kind, value in tokens[i + 1:]:
        if kind == "block_end":
            return True
        if kind == "operator" and value == "=":
            return False
    return False


def parse(part: Part, env: jinja2.Environment) -> tuple[nodes.Template | None, list[Problem]]:
    """The part's Jinja tree, or the Danish problems that stop Jinja from reading it."""
    problems = structure_problems(part, env)
    source = part.source
    if any(p.blocking for p in problems):
        if not all(p.missing_end for p in problems if p.blocking):
            return None, problems
        # only blocks left open: closed at the end, the rest of the part can still be checked
        source += "".join(p.missing_end for p in reversed(problems) if p.missing_end)
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        paragraph = part.at(exc.lineno)
        return None, problems + [_at(part, exc.lineno, "feltet er ikke skrevet, som Jinja kan læse det "
                              "(tjek klammer, anførselstegn, navne og filtre)"
                              + (f"; i afsnittet står: {_tags(paragraph.text)}" if paragraph else ""))]
    except RecursionError:  # nested beyond what Jinja's (recursive) parser can read
        return None, problems + [_at(part, _unreadable_line(part, env), f"feltet har flere lag inden i hinanden, "
                                 f"end Jinja kan læse (højst {MAX_NESTING}): {_NESTING_WORDS}; skriv det enklere")]
    depth, lineno = _deepest(tree)
    if depth > MAX_NESTING:
        return None, problems + [_at(part, lineno, f"feltet står {depth} lag inden i hinanden (højst "
                                 f"{MAX_NESTING}): {_NESTING_WORDS}; skriv det enklere")]
    return tree, problems


def _deepest(tree: nodes.Node) -> tuple[int, int]:
    """The depth of a Jinja tree and the line of its deepest node, without recursion."""
    depth, lineno, stack = 0, 1, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if level > depth:
            depth, lineno = level, getattr(node, "lineno", lineno) or lineno
        stack.extend((child, level + 1) for child in node.iter_child_nodes())
    return depth, lineno


def _unreadable_line(part: Part, env: jinja2.Environment) -> int | None:
    """The first paragraph too deeply nested for Jinja's parser on its own (None: the nesting
    spans paragraphs, and the part is named)."""
    for lineno, paragraph in enumerate(part.paragraphs, start=1):
        try:
            env.parse(jinja_line(paragraph.text))
        except RecursionError:
            return lineno
        except jinja2.TemplateSyntaxError:
            continue
    return None


def _tags(text: str) -> str:
    found = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text)
    return ", ".join(f"'{t}'" for t in found) or f"'{text.strip()[:_SNIPPET]}'"


def places_of(parts: list[Part], env: jinja2.Environment, name: str) -> list[str]:
    """Where a name or attribute is used in the template (for a render error that names only it)."""
    places = []
    for part in parts:
        tree, problems = parse(part, env)
        if tree is None:
            continue
        for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Getitem)):
            used = (node.name if isinstance(node, nodes.Name) else node.attr if isinstance(node, nodes.Getattr)
                    else node.arg.value if isinstance(node.arg, nodes.Const) else None)
            if used == name:
                where = part.where(node.lineno)
                if where not in places:
                    places.append(where)
    return places


def explain(template: bytes, exc: jinja2.TemplateError, env: jinja2.Environment, context: dict | None = None,
            document: str | None = None) -> str:
    """A render's Jinja error said in Danish with its place in Word (the build's message).
    `context`: what the template was given, for a "mente du" on a misspelt name; `document`:
    the source file the context came from ("budget.yaml"), named when a field of it is empty."""
    try:
        parts = read_parts(template)
    except Exception:  # noqa: BLE001 - the template was read once already; say what Jinja said
        parts = []
    hint = "; 'aftaler check-template' viser alle skabelonens fejl"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        for part in parts:
            _, problems = parse(part, env)
            if problems:
                return f"skabelonen har et ugyldigt felt i {problems[0]}{hint}"
        return f"skabelonen har et ugyldigt felt{hint}"
    message = str(getattr(exc, "message", "") or exc)
    attribute = re.match(r"^'(.*)' has no attribute '(.*)'$", message)
    name = re.match(r"^'(.*)' is undefined$", message)
    used = attribute.group(2) if attribute else name.group(1) if name else None
    if used is None:
        return f"skabelonen kunne ikke udfyldes{hint}"
    places = places_of(parts, env, used)
    where = f" ({'; '.join(places[:3])})" if places else ""
    if attribute and attribute.group(1) == "None":
        return f"skabelonen henter '{used}' fra et felt, der er tomt (null) i {document or 'dette dokument'}" \
               f"{where}; skriv feltet inden for '{{% if … %}}'{hint}"
    guess = did_you_mean(used, sorted(_names(context or {})))
    return f"skabelonen bruger '{used}', som modellen ikke har{guess}{where}{hint}"


def did_you_mean(name: str, options: list[str]) -> str:
    """"; mente du 'x'?" (or 'x' eller 'y') for the options closest to a misspelt name; "" if none is."""
    close = difflib.get_close_matches(name, options, n=3, cutoff=0.6)
    if not close:
        return ""
    return "; mente du " + " eller ".join(f"'{c}'" for c in close) + "?"


def _names(value, depth: int = 0) -> set[str]:
    """Every key of the model, at any depth: the names a template can use."""
    names: set[str] = set()
    if depth > 12:  # models are a few levels deep; a guess needs no more
        return names
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not key.startswith("_"):
                names.add(key)
            names |= _names(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            names |= _names(item, depth + 1)
    return names


_BLOCK_FILTER = re.compile(r"\{\{[^}]*\|\s*(md|billede)\b[^}]*\}\}")
_IF_TAG = re.compile(r"\{%-?\s*(?:if|elif|else|endif)\b.*?-?%\}|\{#.*?#\}")


def not_alone(parts: list[Part]) -> list[str]:
    """Each paragraph where a `|md` or `|billede` field shares its paragraph with other text or
    tags (an `{% if %}` around it may stay): 'afsnit 4: «…»: {{ a.formaal|md }}'."""
    found = []
    for part in parts:
        for paragraph in part.paragraphs:
            line = jinja_line(paragraph.text)
            tags = _BLOCK_FILTER.findall(line)
            if not tags:
                continue
            rest = _IF_TAG.sub("", line)
            if len(re.findall(r"\{\{.*?\}\}|\{%.*?%\}", rest)) > 1 or _BLOCK_FILTER.sub("", rest).strip():
                found.append(f"{paragraph.where()}: {_BLOCK_FILTER.search(line).group(0)}")
    return found
