"""Render: a document's model into its Word template with docxtpl.

Jinja runs sandboxed with autoescape and StrictUndefined, so a value is always data: `&`, `<`
or `{{ … }}` typed by an author come out literally. Rich text goes through a placeholder: the
`md` filter leaves a marker paragraph that richtext.py replaces with real paragraphs, lists and
footnotes after Jinja has run; the `billede` filter does the same for a `Picture` in the model
(a chart, the organisation diagram).

What depends only on the template (docxtpl's patched XML, the compiled Jinja template) is kept
per process, keyed by the template's own text, so an edited template is never served stale.
"""
from __future__ import annotations

import contextlib
import copy
import functools
import io
import os
import re
import signal
import threading
import time
import zipfile
from pathlib import Path

import docxtpl
import jinja2
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.package import Unmarshaller
from docx.opc.part import PartFactory, XmlPart
from docx.opc.pkgreader import PackageReader
from docx.opc.pkgwriter import PackageWriter
from docx.package import Package
from docx.oxml.ns import nsmap, qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from .. import danish
from ..findings import os_reason
from . import richtext, word_layout, word_tags
from .figures.drawing import Picture
from .template_cache import bytecode_cache, derived_text, from_source

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # private-use characters: no author types them
# Where a render's `md`/`billede` values are collected: a context name no template can spell,
# because a Jinja name must be an identifier.
_BLOCKS = f"{MARK_OPEN}blocks"
# Paragraphs holding a marker, once each, in document order (an XPath node-set is ordered).
_MARKED = etree.XPath(f'.//w:t[contains(., "{MARK_OPEN}")]/ancestor::w:p[1]', namespaces=nsmap)
# What python-docx's Paragraph.text joins, in document order: the text-bearing children of the
# paragraph's runs, its hyperlinks' runs included (CT_P.text, CT_Hyperlink.text, CT_R.text),
# compiled once (python-docx builds an XPath evaluator for every run, ≈50 µs a paragraph).
_RUN_TEXT = "|".join(f"{run}/w:{tag}" for run in ("w:r", "w:hyperlink/w:r")
                     for tag in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))
_PARAGRAPH_TEXT = etree.XPath(_RUN_TEXT, namespaces=nsmap)


def _paragraph_text(p) -> str:
    """Paragraph(p).text, each piece's text from python-docx's own element class (str())."""
    return "".join(str(e) for e in _PARAGRAPH_TEXT(p))


class TemplateProblem(Exception):
    """The template, not the author's data, is at fault: a bad tag or a name the model lacks."""


def _placeholder(context, value) -> str:
    blocks = context[_BLOCKS]
    blocks.append(value)
    return f"{MARK_OPEN}{len(blocks) - 1}{MARK_CLOSE}"


@jinja2.pass_context
def _md(context, value) -> str:
    return _placeholder(context, "" if value is None else str(value))


@jinja2.pass_context
def _fodnote(context, value, note) -> str:
    """`{{ tekst|fodnote(note) }}`: a plain value (a table cell) with a real Word footnote after
    it; without a note, the value as it is."""
    from .site.markdown import escape_md  # CommonMark escaping: the text stays the text
    text = "" if value is None else str(value)
    if not note:
        return text
    return _placeholder(context, f"{escape_md(text)}[^1]\n\n[^1]: {escape_md(note)}")


@jinja2.pass_context
def _billede(context, value) -> str:
    if not isinstance(value, Picture):
        raise TemplateProblem("filteret |billede kan kun bruges på et billede fra modellen")
    return _placeholder(context, value)


MAX_TEMPLATE_BYTES = 20_000_000  # a template unpacked: the project's own are below 100 kB
MAX_TEMPLATE_PARTS = 1_000
MAX_VALUE = 1_000_000  # characters or items a template expression may build
MAX_LOOP = 10_000      # items of range() in a template


class _Bounded(Exception):
    """A template expression that would exhaust the machine."""


def _bounded_range(*args):
    numbers = range(*args)
    if len(numbers) > MAX_LOOP:
        raise _Bounded(f"range() med {len(numbers):,} tal (højst {MAX_LOOP:,})".replace(",", "."))
    return numbers


MAX_OUTPUT = 50_000_000  # characters of XML one part of a template may produce
MAX_SECONDS = 120        # a part's render; the project's own take milliseconds


def _max_seconds() -> float:
    """MAX_SECONDS, or AFTALER_MAX_SEKUNDER (a positive number) where a user (or a test) sets it."""
    try:
        value = float(os.environ.get("AFTALER_MAX_SEKUNDER", MAX_SECONDS))
    except ValueError:
        return MAX_SECONDS
    return value if 0 < value < 10**6 else MAX_SECONDS


class _BoundedTemplate(jinja2.Template):
    """A template whose render stops at MAX_OUTPUT characters or MAX_SECONDS: a loop in a
    template could otherwise write terabytes or run for hours. Time is checked as output comes
    and, in a main thread, by an alarm too: loops that write nothing never yield output
    (`{% for a in range(9999) %}{% for b in range(9999) %}…{% endfor %}{% endfor %}`)."""

    def render(self, *args, **kwargs) -> str:
        seconds = _max_seconds()
        with _alarm(seconds):
            parts, size, deadline = [], 0, time.monotonic() + seconds
            for part in self.generate(*args, **kwargs):
                size += len(part)
                parts.append(part)
                if size > MAX_OUTPUT:
                    raise _Bounded(f"den udfyldte skabelon ville fylde over {danish.number(MAX_OUTPUT)} tegn")
                if time.monotonic() > deadline:
                    raise _Bounded(f"udfyldningen tager over {danish.number(seconds)} sekunder")
            return "".join(parts)


@contextlib.contextmanager
def _alarm(seconds: float):
    """SIGALRM after `seconds`, raising _Bounded in the render; only where a signal can be had
    (the main thread of a POSIX process, with no alarm of someone else's running)."""
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield
        return

    def expired(signum, frame):
        raise _Bounded(f"udfyldningen tager over {danish.number(seconds)} sekunder")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _empty_for_none(value):
    return "" if value is None else value


def _empty_or(filter_function):
    """A filter that gives "" for an empty (null) value instead of its text for None."""
    return functools.wraps(filter_function)(lambda value, *args, **kwargs:
                                            "" if value is None else filter_function(value, *args, **kwargs))


class _Environment(SandboxedEnvironment):
    """The sandbox every template runs in; compiles each distinct template text once.
    Repetition, concatenation, powers and range() are bounded so that no expression can
    allocate gigabytes or loop for hours (`{{ 'x' * 10**10 }}`, `range(10**9)`)."""

    intercepted_binops = frozenset({"*", "**", "+"})
    template_class = _BoundedTemplate

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            if isinstance(right, (int, float)) and isinstance(left, (int, float)) and abs(right) > 64 and abs(left) > 1:
                raise _Bounded(f"potensen {left} ** {right} er for stor")
        elif operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_VALUE:
                    raise _Bounded(f"en gentagelse på {len(seq) * times:,} tegn eller punkter".replace(",", ".")
                                   + f" (højst {MAX_VALUE:,})".replace(",", "."))
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            if len(left) + len(right) > MAX_VALUE:
                raise _Bounded(f"en sammensætning på over {MAX_VALUE:,} tegn eller punkter".replace(",", "."))
        return super().call_binop(context, operator, left, right)

    def __init__(self, undefined):
        # A loader that finds nothing: `{% include %}` or `{% import %}` in a template is an
        # error, never a read of another file.
        # finalize: a field left empty (null) prints as nothing, never as "None".
        super().__init__(autoescape=True, undefined=undefined, loader=jinja2.FunctionLoader(lambda name: None),
                         finalize=_empty_for_none)
        self.filters.update({
            "tal": danish.number,
            "procent": danish.percent,
            "dato": _empty_or(danish.date_text),  # a date left empty: nothing, not "None"
            "periode": _empty_or(danish.period),
            "md": _md,
            "fodnote": _fodnote,
            "billede": _billede,
        })
        self.globals["range"] = _bounded_range
        # Keyed by the source text itself: a changed template is a new key. Compiling is most
        # of docxtpl's work, and a build renders the same few templates many times; between
        # runs the compiled code is kept on disk (template_cache.py).
        self.bytecode_cache = bytecode_cache()
        self._compiled = functools.lru_cache(maxsize=128)(functools.partial(from_source, self))

    def from_string(self, source, globals=None, template_class=None):
        if globals is None and template_class is None and isinstance(source, str):
            if _TAG_OR_BREAK.search(source) is None:
                return _Text(source)
            return self._compiled(source)
        return super().from_string(source, globals, template_class)


# Where Jinja could make anything but the text itself: a tag's "{", or a line break (a final
# one is dropped, \r\n and \r become \n).
_TAG_OR_BREAK = re.compile(r"[{\r\n]")


class _Text:
    """The template of a text without a tag or a line break: it renders as that text. docxtpl
    renders six core properties of every document as templates, mostly empty or plain text."""

    def __init__(self, text: str):
        self.text = text

    def render(self, *args, **kwargs) -> str:
        return self.text


@functools.cache
def _strict_environment() -> _Environment:
    """One per process: a compiled template holds no state of a render."""
    return _Environment(jinja2.StrictUndefined)


@functools.lru_cache(maxsize=128)
def _patched(xml: str) -> str:
    """docxtpl's clean-up of a part's XML before Jinja sees it: pure text, so kept by text, in
    this process and between runs."""
    return derived_text(f"docxtpl {docxtpl.__version__} patch_xml", xml, DocxTemplate(None).patch_xml)


class _Template(DocxTemplate):
    """docxtpl, with the template-only text work served from the per-process cache."""

    def patch_xml(self, src_xml):
        return _patched(src_xml)

    def get_xml(self):
        # The body as docxtpl serializes it before rendering: the template's own (a copy of the
        # kept one) until render replaces it, so serialized once per template.
        if self.docx.element.body is not self.template_body:
            return super().get_xml()
        if self.kept.body_xml is None:
            self.kept.body_xml = super().get_xml()
        return self.kept.body_xml

    def resolve_listing(self, xml):
        # docxtpl turns tab, \a, newline and \f inside w:t into Word markup, one paragraph at a
        # time (its outermost pass is _PARAGRAPH's), and a paragraph without one is left as it
        # is: so only the paragraphs holding one go through its nested regex passes (a value's
        # line break in a table cell made it rewrite every paragraph of the document).
        if not any(c in xml for c in _LISTING):
            return xml
        resolve = super().resolve_listing
        return _PARAGRAPH.sub(lambda m: resolve(m[0]) if any(c in m[0] for c in _LISTING) else m[0], xml)


_LISTING = "\t\a\n\f"
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # docxtpl's resolve_listing's


def render_docx(template_path: Path, context: dict, document: str | None = None) -> bytes:
    """Fill the template; return the .docx bytes (not yet normalised, see docx_package).
    `document`: the source file of `context`, which a template problem names."""
    blocks: list = []
    template = _open(template_path)
    _render(template, {**context, _BLOCKS: blocks}, _strict_environment(), template_path, document)
    try:
        _expand_placeholders(template.docx, blocks, template.kept)
    except TemplateProblem as exc:  # say which field, and where in Word
        places = word_tags.not_alone(word_tags.read_parts(Path(template_path).read_bytes()))
        raise TemplateProblem(f"{exc} ({'; '.join(places[:3])})" if places else str(exc)) from exc
    _fit_grids(template.docx)
    word_layout.apply(template.docx)  # caption keeps, column widths, hyphens: from the text
    return _save_uncompressed(template.docx)


def _render(template, context: dict, env, template_path: Path, document: str | None = None) -> None:
    """docxtpl's render, every failure of the template's own making a TemplateProblem."""
    try:
        template.render(context, jinja_env=env, autoescape=True)
    except (jinja2.UndefinedError, jinja2.TemplateSyntaxError) as exc:  # said with its place in Word
        raise TemplateProblem(word_tags.explain(Path(template_path).read_bytes(), exc, _strict_environment(),
                                                context, document)) from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateProblem("skabelonen må ikke hente andre skabeloner ({% include %}, {% import %} "
                              "eller {% extends %})") from exc
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateProblem(f"skabelonen bruger noget, som sandkassen ikke tillader ({exc})") from exc
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"skabelonen kunne ikke udfyldes: {exc}") from exc
    except (RecursionError, SyntaxError) as exc:  # Python's own limits on nesting (SyntaxError: the compiled code)
        raise TemplateProblem(f"skabelonen {template_path.name} har felter eller blokke, der står for mange lag inden "
                              f"i hinanden (højst {word_tags.MAX_NESTING}); del dem op") from exc
    except (_Bounded, OverflowError, MemoryError) as exc:
        raise TemplateProblem(f"skabelonen {template_path.name} har et udtryk, der ville bruge for meget "
                              f"hukommelse eller tid: {str(exc) or 'der er ikke hukommelse nok'}") from exc
    except TemplateProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - an expression that fails ({{ 1 / 0 }}, {{ x.upper(1) }}) is the template's
        raise TemplateProblem(f"skabelonen {template_path.name} har et udtryk, der fejler, når det udfyldes "
                              f"({type(exc).__name__}: {exc})") from exc


def inflation_problem(template_path: Path, data: bytes | None = None) -> str | None:
    """Why a template package cannot be opened safely (Danish), judged from the zip directory
    alone, before a byte is unpacked: a small file can inflate to gigabytes. `data`: the file's
    bytes, when the caller has read them."""
    try:
        with zipfile.ZipFile(template_path if data is None else io.BytesIO(data)) as archive:
            members = archive.infolist()
    except OSError as exc:
        return f"skabelonen {template_path.name} kan ikke læses ({os_reason(exc)})"
    except (zipfile.BadZipFile, ValueError, EOFError):
        return f"skabelonen {template_path.name} er ikke en Word-fil (.docx)"
    total = sum(member.file_size for member in members)
    if len(members) > MAX_TEMPLATE_PARTS or total > MAX_TEMPLATE_BYTES:
        return (f"skabelonen {template_path.name} fylder {danish.number(total)} byte i {danish.number(len(members))} "
                f"dele, når den pakkes ud (højst {danish.number(MAX_TEMPLATE_BYTES)} byte og "
                f"{danish.number(MAX_TEMPLATE_PARTS)} dele); den er ikke en almindelig Word-skabelon")
    return None


def _open(template_path: Path) -> "_Template":
    try:
        data = Path(template_path).read_bytes()
    except OSError as exc:
        raise TemplateProblem(f"skabelonen {template_path.name} kan ikke læses ({os_reason(exc)})") from exc
    problem = inflation_problem(template_path, data)
    if problem is not None:
        raise TemplateProblem(problem)
    template = _Template(str(template_path))
    try:
        # The package now, so a file that is no .docx is reported as such.
        template.kept = _kept_package(data)
        template.docx = _document(template.kept)
        template.template_body = template.docx.element.body  # held: the same element, the same proxy
    except Exception as exc:  # python-docx raises several kinds (in English) for a file that is not a package
        raise TemplateProblem(f"skabelonen {template_path.name} er ikke en Word-fil (.docx)") from exc
    return template


class _KeptPackage:
    """A template package as python-docx reads it, kept per process so that each document
    starts from it instead of unzipping and parsing the template again (≈3 ms a document):
    the parts' bytes and relationships as read, and each XML part parsed once, copied for
    each document (a copy costs a third of a parse)."""

    def __init__(self, data: bytes):
        self.reader = PackageReader.from_file(io.BytesIO(data))
        parsed = Package.open(io.BytesIO(data))  # python-docx's choice of part class, from the template itself
        self.xml_parts = {part.partname: (type(part), part.element) for part in parsed.iter_parts()
                          if isinstance(part, XmlPart) and type(part).load.__func__ is XmlPart.load.__func__}
        # richtext's style look-ups and the run and paragraph properties it builds from them:
        # they depend on the template's styles, which a render does not change.
        self.styles: dict = {}
        self.looks: dict = {}
        self.body_xml: str | None = None  # the body as docxtpl serializes it (_Template.get_xml)


@functools.lru_cache(maxsize=16)
def _kept_package(data: bytes) -> _KeptPackage:
    """Keyed by the template's bytes: an edited template is read again."""
    return _KeptPackage(data)


def _document(kept: _KeptPackage):
    """A python-docx Document as `Document(template)` makes it, from the kept package."""
    def part(partname, content_type, reltype, blob, package):
        if partname in kept.xml_parts:  # what XmlPart.load does, with a copy for the parse
            part_class, element = kept.xml_parts[partname]
            return part_class(partname, content_type, copy.deepcopy(element), package)
        return PartFactory(partname, content_type, reltype, blob, package)

    package = Package()
    Unmarshaller.unmarshal(kept.reader, package, part)
    document_part = package.main_document_part
    if document_part.content_type != CT.WML_DOCUMENT_MAIN:
        raise ValueError(f"the main part is {document_part.content_type}, not a Word document")
    return document_part.document


class _StoredParts:
    """Takes the place of python-docx's zip writer, which deflates every part."""

    def __init__(self, archive: zipfile.ZipFile):
        self._archive = archive

    def write(self, pack_uri, blob: bytes) -> None:
        self._archive.writestr(pack_uri.membername, blob)


def _save_uncompressed(document) -> bytes:
    """What Document.save writes, as an uncompressed zip: docx_package.finalize compresses the
    parts once (after python-docx's deflate it would inflate and deflate them all again)."""
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        writer = _StoredParts(archive)
        # PackageWriter.write, with our writer: its steps are python-docx's own.
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
    return buffer.getvalue()


def _expand_placeholders(document, blocks: list, kept: _KeptPackage) -> None:
    for p in _MARKED(document.element.body):
        text = _paragraph_text(p)
        if MARK_OPEN not in text:  # e.g. a marker inside a content control, not the paragraph's own text
            continue
        stripped = text.strip()
        if not (stripped.startswith(MARK_OPEN) and stripped.endswith(MARK_CLOSE) and stripped.count(MARK_OPEN) == 1):
            raise TemplateProblem("et felt med |md eller |billede skal stå alene i sit afsnit i skabelonen")
        block = blocks[int(stripped[1:-1])]
        paragraph = Paragraph(p, document._body)
        if isinstance(block, Picture):
            _insert_picture(paragraph, block)
        else:
            richtext.replace_placeholder(document, paragraph, richtext.parse(block), styles=kept.styles,
                                         looks=kept.looks)


def _insert_picture(paragraph, picture: Picture) -> None:
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    paragraph.add_run().add_picture(io.BytesIO(picture.png), width=Cm(picture.width_cm))
    doc_pr = paragraph._p.find(f".//{qn('wp:docPr')}")
    if doc_pr is not None and picture.description:
        doc_pr.set("descr", picture.description)  # alt text for screen readers


def _fit_grids(document) -> None:
    """Make each table's grid follow its cells' own widths.

    docxtpl spreads all columns evenly when a `{%tc %}` loop adds cells, which squeezes a
    budget's text columns; the template's cell widths say what the form wants.
    Children are looked up with iterchildren, not find/findall: lxml's ElementPath costs more
    than the walk, for every row and cell of every table.
    """
    for tbl in document.element.body.iter(_TBL):
        grid = tbl.find(_TBLGRID)
        if grid is None:
            continue
        widest = max(tbl.iter(_TR), key=lambda tr: sum(1 for _ in tr.iterchildren(_TC)), default=None)
        if widest is None:
            continue
        widths = []
        for tc in widest.iterchildren(_TC):
            tc_w, span = _cell_property(tc, _TCW), _cell_property(tc, _GRIDSPAN)
            if tc_w is None or tc_w.get(_TYPE) != "dxa" or span is not None:
                break
            widths.append(tc_w.get(_W))
        else:
            for col in list(grid):
                grid.remove(col)
            for width in widths:
                col = grid.makeelement(_GRIDCOL, {_W: width})
                grid.append(col)


_TBL, _TBLGRID, _GRIDCOL, _TR, _TC, _TCPR, _TCW, _GRIDSPAN, _TYPE, _W = (
    qn(t) for t in ("w:tbl", "w:tblGrid", "w:gridCol", "w:tr", "w:tc", "w:tcPr", "w:tcW", "w:gridSpan", "w:type", "w:w"))


def _cell_property(tc, tag: str):
    """tc.find("w:tcPr/<tag>"): the first `tag` under the cell's first w:tcPr that has one."""
    return next((child for tc_pr in tc.iterchildren(_TCPR) for child in tc_pr.iterchildren(tag)), None)


def undeclared_names(template_path: Path, context: dict) -> list[str]:
    """Every name or attribute the template uses that the model does not provide, quoted for a message."""
    missing: list[str] = []

    class Recording(jinja2.ChainableUndefined):
        def __init__(self, hint=None, obj=jinja2.utils.missing, name=None, exc=None):
            super().__init__(hint, obj, name, exc)
            if name is not None:
                if obj is jinja2.utils.missing:
                    missing.append(f"'{name}'")
                else:
                    owner = {"str": "en tekst", "dict": "et afsnit", "list": "en liste"}.get(type(obj).__name__, "en værdi")
                    missing.append(f"'{name}' (felt i {owner})")

    env = _Environment(Recording)  # its own: Recording reports into this call's list
    template = _open(template_path)
    top_level = template.get_undeclared_template_variables(jinja_env=env)
    missing.extend(f"'{name}'" for name in sorted(top_level) if name not in context)
    _render(template, {**context, _BLOCKS: []}, env, template_path)
    return sorted(set(missing))
