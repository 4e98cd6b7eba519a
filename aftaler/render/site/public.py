"""The public site's models: people's names, e-mails and phones left out.

Applied to each document's model before the page templates see it (pages._group_set).
"""
from __future__ import annotations

import re

REDACTED_EMAIL = "e-mail udeladt"
PERSONAL = {"kontaktperson": ("navn", "email", "telefon"), "kontaktpersoner": ("navn", "email", "telefon"),
            "underskriver": ("navn",)}


def _public_model(kind: str, model: dict) -> dict:
    """The model without personal contact details: names, e-mails and phones of people, wherever a
    kind keeps a `kontaktperson`, a list of `kontaktpersoner` or an `underskriver` (any kind, so a
    new one is covered too)."""
    model = _without_people(_redact_emails(model))
    if kind == "samarbejdsaftale":
        # A party's "Att." line names a person as often as a department: left out too.
        model["parter"] = [dict(p, att=None) if isinstance(p, dict) else p for p in model.get("parter") or []]
        model["boligorganisationer"] = [p for p in model.get("parter") or [] if p.get("type") == "boligorganisation"]
    return model


def _without_people(value):
    if isinstance(value, dict):
        return {k: _strip(v, *PERSONAL[k]) if k in PERSONAL and isinstance(v, dict) else
                   [_strip(p, *PERSONAL[k]) if isinstance(p, dict) else p for p in v] if k in PERSONAL and isinstance(v, list)
                   else _without_people(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_without_people(v) for v in value]
    return value


def _strip(person: dict | None, *keys: str) -> dict | None:
    return dict(person, **{k: None for k in keys}) if person else person


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _redact_emails(value):
    """A copy with every e-mail address replaced, also inside free text."""
    if isinstance(value, dict):
        return {k: _redact_emails(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_emails(v) for v in value]
    if isinstance(value, str):
        return _EMAIL.sub(REDACTED_EMAIL, value) if "@" in value else value
    return value
