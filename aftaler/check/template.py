"""check-template: does a (possibly official, hand-tagged) Word template fit our model?

Not by trying one example: the template's Jinja tree is walked and every name and attribute path
is resolved against the kind's model schema — the shape of the model over every document of the
kind in the set (every list item, every value), widened by the kind's JSON schema for fields no
document fills. Names inside `{% if %}` branches the example never reaches are checked as well.
Each problem names its place in Word ("tabel 2, række 3, celle 1", "afsnit 12", "sidefod"), in
Danish, with "mente du" for a misspelt name. A template that fits is said to fit, with what was
checked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import nodes

from ..findings import Finding, Position, Result, error, has_errors
from ..load.sets import load_set
from ..model.documents import complete_set, set_context
from ..project import Project
from ..render import word_tags
from ..render.figures.drawing import Picture
from ..render.word import _Environment, inflation_problem
from .validate import validate_set

RULE = "skabelon"
_RICH_MARKS = ("**", "[^", "\n\n", "\n- ", "\n* ", "](")
_RICH_REF = "/definitions/tekst"
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_CONDITION = re.compile(r"\{%-?\s*(?:if|elif|else|endif)\b.*?-?%\}|\{#.*?#\}")
# Filters whose result is a text or number, whatever they are given.
_TEXT_FILTERS = {"tal", "procent", "dato", "periode", "length", "count", "string", "int", "float", "join",
                 "wordcount", "upper", "lower", "title", "capitalize", "trim", "truncate", "replace",
                 "format", "striptags", "center", "indent", "wordwrap", "urlencode", "round", "abs", "sum",
                 "tojson", "filesizeformat", "e", "escape", "forceescape", "safe", "pprint", "xmlattr"}
_SAME_FILTERS = {"sort", "unique", "reverse", "list", "selectattr", "rejectattr", "batch", "slice"}
_NUMBER_FILTERS = {"tal", "procent"}
_DICT_METHODS = {"items", "keys", "values", "get"}
_STR_METHODS = {"upper", "lower", "strip", "split", "replace", "startswith", "endswith", "title",
                "capitalize", "format", "join", "splitlines", "lstrip", "rstrip"}
_LOOP = {"index", "index0", "revindex", "revindex0", "first", "last", "length", "cycle", "depth",
         "depth0", "previtem", "nextitem", "changed"}
_GLOBALS = {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false", "none",
            "True", "False", "None"}


# ---------------------------------------------------------------- the model's schema


@dataclass
class Shape:
    """What a place in the model holds over every document: its types, fields, list items."""

    types: set = field(default_factory=set)          # "dict", "list", "str", "num", "bool", "none", "bild", …
    keys: dict = field(default_factory=dict)          # field name → Shape
    item: Shape | None = None
    rich: bool = False                                # Markdown: to be printed with |md
    null_in: str = ""                                 # a document in which it is null
    counts: int = 0

    def add(self, value, document: str) -> Shape:
        self.counts += 1
        if value is None:
            self.types.add("none")
            self.null_in = self.null_in or document
        elif isinstance(value, bool):
            self.types.add("bool")
        elif isinstance(value, (int, float)) or type(value).__name__ in ("Decimal", "Number"):
            self.types.add("num")
        elif isinstance(value, str):
            self.types.add("str")
            self.rich = self.rich or any(mark in value for mark in _RICH_MARKS)
        elif isinstance(value, dict):
            self.types.add("dict")
            for key, sub in value.items():
                if isinstance(key, str):
                    self.keys.setdefault(key, Shape()).add(sub, document)
        elif isinstance(value, (list, tuple)):
            self.types.add("list")
            self.item = self.item or Shape()
            for sub in value:
                self.item.add(sub, document)
        elif isinstance(value, Picture):
            self.types.add("billede")
        else:
            self.types.add("num" if hasattr(value, "__float__") else "anden")
        return self


def model_shape(models: list[tuple[str, dict]], schema_name: str, documents: dict[str, dict]) -> Shape:
    """The shape of every model given (name, model), widened by the kind's JSON schema."""
    shape = Shape()
    for name, model in models:
        shape.add(model, name)
    if schema_name in documents:
        _overlay(shape, documents[schema_name], schema_name, documents, set())
    return shape


def _resolve(node, base: str, documents: dict[str, dict]):
    """A schema node with its $refs followed; (node, the file it is in, whether it is rich text)."""
    rich = False
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        rich = rich or ref.endswith(_RICH_REF)
        file, _, pointer = ref.partition("#")
        base = file or base
        node = documents.get(base, {})
        for step in filter(None, pointer.split("/")):
            node = node.get(step, {}) if isinstance(node, dict) else {}
    return node, base, rich


def _overlay(shape: Shape, node, base: str, documents: dict[str, dict], seen: set) -> None:
    """Add what the schema knows and no document shows: fields of an object that is null
    everywhere, optional fields, rich text marks. Only where the model holds the data's own
    object (its required fields are there): the model may hold its own objects beside them."""
    node, base, rich = _resolve(node, base, documents)
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen = seen | {id(node)}
    shape.rich = shape.rich or rich
    for alternative in node.get("oneOf", []) + node.get("anyOf", []) + node.get("allOf", []):
        _overlay(shape, alternative, base, documents, seen)
    properties = node.get("properties")
    own = ("dict" in shape.types and set(node.get("required", [])) <= set(shape.keys)) \
        or (shape.types <= {"none", "dict"} and not shape.keys)
    if isinstance(properties, dict) and own:
        shape.types.add("dict")
        for key, sub in properties.items():
            child = shape.keys.setdefault(key, Shape())
            if child.types <= {"none"}:  # no document shows a value: the schema says what one would be
                child.types |= _schema_types(sub, base, documents)
            _overlay(child, sub, base, documents, seen)
    items = node.get("items")
    if isinstance(items, dict) and ("list" in shape.types or shape.types <= {"none"}):
        shape.item = shape.item or Shape()
        if not shape.item.types:
            shape.item.types |= _schema_types(items, base, documents)
        _overlay(shape.item, items, base, documents, seen)


def _schema_types(node, base, documents) -> set:
    node, _, _ = _resolve(node, base, documents)
    names = {"object": "dict", "array": "list", "string": "str", "integer": "num", "number": "num",
             "boolean": "bool", "null": "none"}
    kinds = node.get("type", []) if isinstance(node, dict) else []
    kinds = [kinds] if isinstance(kinds, str) else kinds
    found = {names[k] for k in kinds if k in names}
    for alternative in (node.get("oneOf", []) + node.get("anyOf", [])) if isinstance(node, dict) else []:
        found |= _schema_types(alternative, base, documents)
    return found or {"anden"}


# ---------------------------------------------------------------- walking the template


ANY = Shape({"anden"})


@dataclass
class _Value:
    """An expression's shape, and its path from a name ("a.kontakt") when it is a plain path."""

    shape: Shape
    path: tuple = ()


class _Walker:
    """Resolves every name of one part's Jinja tree against the model's shape."""

    def __init__(self, part: word_tags.Part, shape: Shape, kind: str, filters: set):
        self.part, self.top, self.kind, self.filters = part, shape, kind, filters
        self.problems: list[tuple[int, str, str, str]] = []  # (line, severity, where, message)
        self.fields: set = set()

    def report(self, node, message: str, severity: str = "fejl") -> None:
        lineno = getattr(node, "lineno", None)
        entry = (lineno or 0, severity, self.part.where(lineno), message)
        if entry not in self.problems:
            self.problems.append(entry)

    # -- statements

    def body(self, statements, scope: dict, guards: frozenset) -> None:
        for node in statements:
            self.statement(node, scope, guards)

    def statement(self, node, scope: dict, guards: frozenset) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.output(child, scope, guards)
        elif isinstance(node, nodes.For):
            iterated = self.expr(node.iter, scope, guards)
            inner = dict(scope)
            item = self._item(node, iterated)
            self.bind(node.target, item, inner)
            inner["loop"] = _Value(Shape({"loop"}), ("loop",))
            if node.test is not None:
                self.expr(node.test, inner, guards)
            self.body(node.body, inner, guards | self.guarded(node.test))
            self.body(node.else_, scope, guards)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope, guards)
            self.body(node.body, scope, guards | self.guarded(node.test))
            for branch in node.elif_:
                self.statement(branch, scope, guards)
            self.body(node.else_, scope, guards)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.expr(node.node, scope, guards), scope)
        elif isinstance(node, nodes.AssignBlock):
            self.body(node.body, scope, guards)
            self.bind(node.target, _Value(Shape({"str"})), scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.bind(target, self.expr(value, scope, guards), inner)
            self.body(node.body, inner, guards)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock, nodes.FilterBlock)):
            inner = dict(scope)
            for arg in getattr(node, "args", []):
                self.bind(arg, _Value(ANY), inner)
            if isinstance(node, nodes.CallBlock):
                self.expr(node.call, scope, guards)
            if isinstance(node, nodes.Macro):
                scope[node.name] = _Value(ANY)
            self.body(node.body, inner, guards)
        elif isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            self.report(node, "en skabelon må ikke hente andre skabeloner ({% include %}, {% import %} "
                        "eller {% extends %})")
        elif isinstance(node, nodes.ExprStmt):
            self.expr(node.node, scope, guards)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Stmt):
                    self.statement(child, scope, guards)
                elif isinstance(child, nodes.Expr):
                    self.expr(child, scope, guards)

    def _item(self, node, iterated: _Value) -> _Value:
        shape = iterated.shape
        if "list" in shape.types and shape.item is not None:
            if "none" in shape.types and iterated.path and not self._is_guarded(iterated.path, frozenset()):
                self.report(node, f"'{_dotted(iterated.path)}' er tom (null) i {shape.null_in}; "
                            f"{{% for %}} kræver en liste")
            return _Value(shape.item, ("…",))
        if shape.types <= {"str", "num", "bool", "none"} and shape.types and iterated.path:
            self.report(node, f"'{_dotted(iterated.path)}' er {_kind_text(shape)}, ikke en liste; "
                        "{% for %} kan ikke gå igennem den")
        return _Value(ANY)

    def bind(self, target, value: _Value, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = _Value(value.shape, (target.name,))
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, _Value(ANY), scope)

    def output(self, node, scope: dict, guards: frozenset) -> None:
        value = self.expr(node, scope, guards)
        filters = _filters(node)
        inner = _unfiltered(node)
        if {"default", "d"} & set(filters):
            path = _path(inner)
            guards = guards | {path[:i] for i in range(1, len(path) + 1)}
        printed = self.expr(inner, scope, guards) if inner is not node else value
        name = _dotted(printed.path) if printed.path else "feltet"
        if filters and filters[0] in ("md", "billede"):
            self._alone(node, name, filters[0])
            return
        if printed.shape.rich and not (set(filters) & (_TEXT_FILTERS - {"e", "escape", "safe", "trim"})):
            self.report(node, f"'{name}' er tekst i Markdown; uden |md kommer **fed**, lister og fodnoter ([^1]) "
                        f"ud, som de er skrevet: skriv '{{{{ {name}|md }}}}' alene i sit afsnit")
        elif not filters and value.shape.types and value.shape.types <= {"dict", "list", "none"} \
                and value.shape.types & {"dict", "list"}:
            self.report(node, f"'{name}' er {_kind_text(value.shape)}; skriv et af dens felter, "
                        f"fx '{{{{ {name}.{_first_key(value.shape)} }}}}'" if "dict" in value.shape.types
                        else f"'{name}' er en liste; gå den igennem med '{{% for x in {name} %}}'")

    def _alone(self, node, name: str, filter_name: str) -> None:
        """`|md` and `|billede` become whole paragraphs: nothing else may share theirs (an
        `{% if %}` around it may)."""
        paragraph = self.part.at(node.lineno)
        if paragraph is None:
            return
        rest = _CONDITION.sub("", word_tags.jinja_line(word_tags.without_cell_tags(paragraph.text)))
        if len(_TAG.findall(rest)) > 1 or _TAG.sub("", rest).strip():
            self.report(node, f"'{{{{ {name}|{filter_name} }}}}' skal stå alene i sit afsnit: |{filter_name} "
                        "bliver til hele afsnit, lister eller et billede, som ikke kan stå inde i en linje; "
                        "flyt den øvrige tekst til sit eget afsnit")

    # -- expressions

    def expr(self, node, scope: dict, guards: frozenset) -> _Value:
        if isinstance(node, nodes.Name):
            return self.name(node, scope)
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            return self.attribute(node, scope, guards)
        if isinstance(node, nodes.Filter):
            return self.filter(node, scope, guards)
        if isinstance(node, nodes.Test):
            self.expr(node.node, scope, guards)
            self._args(node, scope, guards)
            return _Value(Shape({"bool"}))
        if isinstance(node, nodes.Const):
            return _Value(Shape({"str" if isinstance(node.value, str) else "num"}))
        if isinstance(node, nodes.And):
            self.expr(node.left, scope, guards)
            self.expr(node.right, scope, guards | self.guarded(node.left))
            return _Value(ANY)
        if isinstance(node, nodes.CondExpr):
            self.expr(node.test, scope, guards)
            left = self.expr(node.expr1, scope, guards | self.guarded(node.test))
            if node.expr2 is not None:
                self.expr(node.expr2, scope, guards)
            return _Value(left.shape) if node.expr2 is None else _Value(ANY)
        if isinstance(node, nodes.Call):
            callee = node.node
            if isinstance(callee, nodes.Getattr):
                owner = self.expr(callee.node, scope, guards)
                if callee.attr not in _DICT_METHODS | _STR_METHODS and "dict" in owner.shape.types:
                    self.attribute(callee, scope, guards)
            elif not (isinstance(callee, nodes.Name) and callee.name in _GLOBALS | set(scope)):
                self.expr(callee, scope, guards)
            self._args(node, scope, guards)
            return _Value(ANY)
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.expr(child, scope, guards)
        return _Value(ANY)

    def _args(self, node, scope, guards) -> None:
        for arg in list(getattr(node, "args", [])) + [kw.value for kw in getattr(node, "kwargs", [])]:
            self.expr(arg, scope, guards)
        for extra in (getattr(node, "dyn_args", None), getattr(node, "dyn_kwargs", None)):
            if extra is not None:
                self.expr(extra, scope, guards)

    def name(self, node: nodes.Name, scope: dict) -> _Value:
        if node.name in scope:
            return scope[node.name]
        if node.name in self.top.keys:
            self.fields.add(node.name)
            return _Value(self.top.keys[node.name], (node.name,))
        if node.name in _GLOBALS:
            return _Value(ANY)
        options = sorted(set(self.top.keys) | set(scope) - {"loop"})
        self.report(node, f"'{node.name}' findes ikke i modellen for '{self.kind}'{word_tags.did_you_mean(node.name, options)}")
        return _Value(ANY)

    def attribute(self, node, scope: dict, guards: frozenset) -> _Value:
        owner = self.expr(node.node, scope, guards)
        if isinstance(node, nodes.Getattr):
            key = node.attr
        elif isinstance(node.arg, nodes.Const):
            key = node.arg.value
        else:
            self.expr(node.arg, scope, guards)
            return _Value(owner.shape.item or ANY) if "list" in owner.shape.types else _Value(ANY)
        shape, path = owner.shape, owner.path + (str(key),) if owner.path else ()
        where = _dotted(owner.path) if owner.path else "værdien"
        if isinstance(key, int):
            return _Value(shape.item or ANY, path) if "list" in shape.types else _Value(ANY)
        if "loop" in shape.types:
            if key not in _LOOP:
                self.report(node, f"'loop.{key}' findes ikke{word_tags.did_you_mean(key, sorted(_LOOP))}")
            return _Value(ANY)
        if "anden" in shape.types or not shape.types:
            return _Value(ANY)
        if "dict" in shape.types:
            if key in shape.keys:
                if "none" in shape.types and not self._is_guarded(owner.path, guards):
                    self.report(node, f"'{where}' er tom (null) i {shape.null_in or 'nogle dokumenter'}, så "
                                f"'{_dotted(path)}' har ingen værdi dér; skriv feltet inden for "
                                f"'{{% if {where} %}} … {{% endif %}}'")
                if len(path) > 0:
                    self.fields.add(_dotted(path))
                return _Value(shape.keys[key], path)
            if key in _DICT_METHODS:
                return _Value(ANY)
            self.report(node, f"'{_dotted(path) if path else key}' findes ikke: {_owner_text(where, shape)} "
                        f"har ikke feltet '{key}'{word_tags.did_you_mean(key, sorted(shape.keys))}")
            return _Value(ANY)
        if shape.types == {"none"}:
            if self._is_guarded(owner.path, guards):
                return _Value(ANY)
            self.report(node, f"'{where}' er tom (null) i alle dokumenter ({shape.null_in}), så "
                        f"'{_dotted(path)}' har aldrig en værdi")
            return _Value(ANY)
        if "str" in shape.types and key in _STR_METHODS:
            return _Value(ANY)
        self.report(node, f"'{_dotted(path) if path else key}' findes ikke: '{where}' er "
                    f"{_kind_text(shape)} og har ingen felter")
        return _Value(ANY)

    def filter(self, node: nodes.Filter, scope: dict, guards: frozenset) -> _Value:
        if node.name in ("default", "d") and node.node is not None:
            # `x.y|default(…)` reads an empty x's y safely: every step of the path is guarded
            path = _path(node.node)
            guards = guards | {path[:i] for i in range(1, len(path) + 1)}
        value = self.expr(node.node, scope, guards) if node.node is not None else _Value(ANY)
        self._args(node, scope, guards)
        if node.name not in self.filters:
            self.report(node, f"filteret '|{node.name}' findes ikke{word_tags.did_you_mean(node.name, sorted(self.filters))}")
            return _Value(ANY)
        types = value.shape.types
        if node.name in _NUMBER_FILTERS and types and not types & {"num", "anden", "none"}:
            self.report(node, f"'|{node.name}' skriver et tal, men '{_dotted(value.path) or 'værdien'}' er "
                        f"{_kind_text(value.shape)}")
        if node.name in ("default", "d"):
            return _Value(value.shape, ())
        if node.name in ("first", "last", "random"):
            return _Value(value.shape.item or ANY)
        if node.name in _SAME_FILTERS:
            return _Value(value.shape)
        if node.name in _TEXT_FILTERS:
            return _Value(Shape({"str"}))
        return _Value(ANY)

    # -- guards: `{% if x %}` makes x safe to read inside

    def guarded(self, test) -> frozenset:
        if test is None:
            return frozenset()
        if isinstance(test, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            path = _path(test)
            return frozenset({path}) if path else frozenset()
        if isinstance(test, nodes.Test) and test.name in ("defined", "string", "mapping", "sequence", "number",
                                                          "iterable"):
            return self.guarded(test.node)
        if isinstance(test, nodes.Not) and isinstance(test.node, nodes.Test) and test.node.name == "none":
            return self.guarded(test.node.node)
        if isinstance(test, nodes.Compare) and len(test.ops) == 1 and test.ops[0].op in ("ne",) \
                and isinstance(test.ops[0].expr, nodes.Const) and test.ops[0].expr.value is None:
            return self.guarded(test.expr)
        if isinstance(test, nodes.And):
            return self.guarded(test.left) | self.guarded(test.right)
        if isinstance(test, nodes.Filter) and test.name in ("length", "count") and test.node is not None:
            return self.guarded(test.node)
        if isinstance(test, nodes.Compare):
            return self.guarded(test.expr)
        return frozenset()

    def _is_guarded(self, path: tuple, guards: frozenset) -> bool:
        return any(path[:len(g)] == g and len(g) == len(path) for g in guards)


def _path(node) -> tuple:
    if isinstance(node, nodes.Name):
        return (node.name,)
    if isinstance(node, nodes.Getattr):
        inner = _path(node.node)
        return inner + (node.attr,) if inner else ()
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        inner = _path(node.node)
        return inner + (str(node.arg.value),) if inner else ()
    return ()


def _filters(node) -> list[str]:
    """The filters around an expression, outermost first."""
    names = []
    while isinstance(node, nodes.Filter):
        names.append(node.name)
        node = node.node
    return names


def _unfiltered(node):
    while isinstance(node, nodes.Filter) and node.node is not None:
        node = node.node
    return node


def _dotted(path: tuple) -> str:
    return ".".join(path)


def _kind_text(shape: Shape) -> str:
    for kind, text in (("str", "en tekst"), ("num", "et tal"), ("bool", "ja/nej"), ("list", "en liste"),
                       ("dict", "et afsnit med felter"), ("billede", "et billede")):
        if kind in shape.types:
            return text
    return "tom (null)" if "none" in shape.types else "en værdi"


def _owner_text(where: str, shape: Shape) -> str:
    return f"'{where}'" if where != "værdien" else "værdien"


def _first_key(shape: Shape) -> str:
    return next(iter(sorted(shape.keys)), "navn")



# ---------------------------------------------------------------- the command


def check_template(template: Path, kind: str, set_folder: Path, project: Project) -> tuple[Result, str]:
    """The problems of a template for `kind`, and (when it fits) a sentence saying what was checked."""
    here = Position(str(template))
    aset, findings = load_set(set_folder)
    findings += validate_set(aset, project)
    if has_errors(findings):
        return Result(findings + [error(here, f"aftalesættet {set_folder} er ugyldigt; ret det først", RULE)]), ""
    aset = complete_set(aset, project)
    sources = aset.of_kind(kind)
    if not sources:
        return Result([error(here, f"aftalesættet {set_folder} har intet dokument af typen '{kind}' at "
                             "prøve skabelonen mod", RULE)]), ""
    kind_info = project.kinds()[kind]
    module = kind_info.module
    context = set_context(aset, project)
    models = [(source.path.name if hasattr(source, "path") else kind,
               module.model(source, aset, context) if module and hasattr(module, "model") else dict(source.data))
              for source in sources]
    documents = project.schema_documents()
    schema_name = kind_info.schema_path.name
    shape = model_shape(models, schema_name, documents)
    bomb = inflation_problem(template)  # judged from the zip directory, before a byte is unpacked
    if bomb is not None:
        return Result([error(here, bomb, RULE)]), ""
    try:
        parts = word_tags.read_parts(template.read_bytes())
    except Exception:  # python-docx/zipfile/lxml each raise their own kinds for a file that is no .docx
        return Result([error(here, f"{template.name} er ikke en Word-fil (.docx), der kan læses", RULE)]), ""
    problems, summary = check_parts(parts, shape, kind)
    findings = [Finding(here, severity, f"{where}: {message}", RULE) for severity, where, message in problems]
    if not findings:
        # Statically right; now filled with each document, as the build will: an expression that
        # fails or would use too much memory or time is found here, not in the build.
        from ..render.word import TemplateProblem, render_docx
        for name, model in models:
            try:
                render_docx(template, model)
            except TemplateProblem as exc:
                findings.append(error(here, f"{exc} (udfyldt med {name})", RULE))
                break
    return Result(findings), summary if not findings else ""


def check_parts(parts: list[word_tags.Part], shape: Shape, kind: str) -> tuple[list[tuple[str, str, str]], str]:
    """Every problem (severity, where, message) of a template's parts, and what was checked."""
    env = _Environment(jinja2.Undefined)
    problems, fields, tables, paragraphs = [], set(), set(), 0
    for part in parts:
        tree, structure = word_tags.parse(part, env)
        found = [(p.lineno, "fejl", p.where, p.message) for p in structure]
        if tree is not None:
            walker = _Walker(part, shape, kind, set(env.filters))
            walker.body(tree.body, {}, frozenset())
            found += walker.problems
            fields |= walker.fields
        problems += [entry[1:] for entry in sorted(found, key=lambda entry: entry[0])]
        if tree is None:
            continue
        for node in tree.find_all((nodes.Output, nodes.For, nodes.If)):
            paragraph = part.at(node.lineno)
            if paragraph and "tabel " in paragraph.place:
                tables.add((part.name, paragraph.place.split(", række")[0]))
        paragraphs += sum(1 for p in part.paragraphs if "{{" in p.text or "{%" in p.text)
    where = [f"{len(tables)} {'tabel' if len(tables) == 1 else 'tabeller'}"] if tables else []
    where += [f"{paragraphs} afsnit med felter"] if paragraphs or not tables else []
    summary = (f"Skabelonen passer: {len(fields)} {'felt' if len(fields) == 1 else 'felter'} i "
               f"{' og '.join(where)} kontrolleret mod modellen for '{kind}'")
    return problems, summary


