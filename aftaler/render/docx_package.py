"""Deterministic, traceable .docx bytes: explicit properties and a normalised zip."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone

from lxml import etree

_PKG = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006"
NS = {
    "cp": f"{_PKG}/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "rel": f"{_PKG}/relationships",
    "ct": f"{_PKG}/content-types",
    "cu": f"{_OFFICE}/custom-properties",
    "vt": f"{_OFFICE}/docPropsVTypes",
}
_CORE_REL = f"{_PKG}/relationships/metadata/core-properties"
_CUSTOM_REL = f"{_OFFICE}/relationships/custom-properties"
_CORE_CT = "application/vnd.openxmlformats-package.core-properties+xml"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the fmtid Word uses for user properties
_EPOCH = (1980, 1, 1, 0, 0, 0)
_COMPRESSLEVEL = 6
_FILE_ATTR = 0o100644 << 16
# Characters XML 1.0 cannot carry; lxml would raise on them.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _parse(data: bytes):
    # A parser per call: lxml parsers are not to be shared between threads.
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _w3cdtf(moment: datetime) -> str:
    # A naive datetime is taken as UTC so that the output does not depend on the machine.
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _core(old: bytes | None, title, subject, author, created) -> bytes:
    # A fresh root with fixed prefixes: xsi:type below names the "dcterms" prefix.
    root = etree.Element(_q("cp", "coreProperties"),
                         nsmap={k: NS[k] for k in ("cp", "dc", "dcterms", "dcmitype", "xsi")})
    ours = [("dc", "title", title), ("dc", "subject", subject), ("dc", "creator", author),
            ("cp", "lastModifiedBy", author), ("cp", "revision", "1"),
            ("dcterms", "created", _w3cdtf(created)), ("dcterms", "modified", _w3cdtf(created))]
    drop = {_q(p, n) for p, n, _ in ours} | {_q("cp", "lastPrinted")}
    if old:  # keep what the template says beyond our fields (keywords, category, ...)
        root.extend(c for c in _parse(old) if c.tag not in drop)
    for prefix, name, value in ours:
        el = etree.SubElement(root, _q(prefix, name))
        el.text = _XML_INVALID.sub("", value)  # lxml escapes exactly once
        if prefix == "dcterms":
            el.set(_q("xsi", "type"), "dcterms:W3CDTF")
    return _xml(root)


def _custom(old: bytes | None, custom: dict[str, str]) -> bytes:
    if any(not name for name in custom):
        raise ValueError("a custom property needs a name")
    # Template properties survive unless we set the same name; ours follow, sorted.
    values = [(p.get("name"), p[0]) for p in (_parse(old) if old else [])
              if p.get("name") not in custom and len(p)]
    for name, value in sorted(custom.items()):
        lpwstr = etree.Element(_q("vt", "lpwstr"))
        lpwstr.text = _XML_INVALID.sub("", str(value))  # lxml escapes exactly once
        values.append((name, lpwstr))
    root = etree.Element(_q("cu", "Properties"), nsmap={None: NS["cu"], "vt": NS["vt"]})
    for pid, (name, value) in enumerate(values, start=2):  # pid 0 and 1 are reserved
        prop = etree.SubElement(root, _q("cu", "property"), fmtid=_FMTID, pid=str(pid), name=name)
        prop.append(value)
    return _xml(root)


def _ensure_rel(rels: bytes, reltype: str, target: str) -> bytes:
    root = _parse(rels)
    if any(r.get("Type") == reltype for r in root):
        return rels
    ids = {r.get("Id") for r in root}
    rid = next(f"rId{n}" for n in range(1, len(ids) + 2) if f"rId{n}" not in ids)
    etree.SubElement(root, _q("rel", "Relationship"), Id=rid, Type=reltype, Target=target)
    return _xml(root)


def _ensure_override(types: bytes, partname: str, content_type: str) -> bytes:
    root = _parse(types)
    if any(o.get("PartName") == partname for o in root.iter(_q("ct", "Override"))):
        return types
    etree.SubElement(root, _q("ct", "Override"), PartName=partname, ContentType=content_type)
    return _xml(root)


def _target(rels: bytes, reltype: str, default: str) -> str:
    for rel in _parse(rels):
        if rel.get("Type") == reltype:
            return rel.get("Target", default).lstrip("/")
    return default


def finalize(docx_bytes: bytes, *, title: str, subject: str, author: str,
             created: datetime, custom: dict[str, str]) -> bytes:
    """Set core and custom properties; return a byte-for-byte reproducible package."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as source:
        names = list(dict.fromkeys(i.filename for i in source.infolist()))
        parts = {name: source.read(name) for name in names}
    rels = parts["_rels/.rels"]
    core = _target(rels, _CORE_REL, "docProps/core.xml")
    custom_name = _target(rels, _CUSTOM_REL, "docProps/custom.xml")
    parts[core] = _core(parts.get(core), title, subject, author, created)
    parts[custom_name] = _custom(parts.get(custom_name), custom)
    rels = _ensure_rel(rels, _CORE_REL, core)
    parts["_rels/.rels"] = _ensure_rel(rels, _CUSTOM_REL, custom_name)
    types = _ensure_override(parts["[Content_Types].xml"], f"/{core}", _CORE_CT)
    parts["[Content_Types].xml"] = _ensure_override(types, f"/{custom_name}", _CUSTOM_CT)
    order = ["[Content_Types].xml"] + [n for n in names if n != "[Content_Types].xml"]
    order += [n for n in (core, custom_name) if n not in order]
    return _zip([(name, parts[name]) for name in order])


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Fixed "Unix, regular file rw-r--r--": the defaults depend on the platform, and
            # zipfile replaces an external_attr of 0 by its own value.
            info.create_system = 3
            info.external_attr = _FILE_ATTR
            archive.writestr(info, data, compresslevel=_COMPRESSLEVEL)
    return buffer.getvalue()
