"""Diff reports: one change set, told four ways — terminal text, JSON, a Markdown/HTML change page,
and the Word approval request to LBF. Renderers only format; the changes package and approval.py decide.
"""
from __future__ import annotations

from datetime import datetime
from typing import TextIO

import click
from markdown_it import MarkdownIt
from markupsafe import escape

from .. import danish
from ..kinds.budget import FINANCING_NAMES
from ..project import Project
from ..render import docx_package
from ..render.site import escape_md
from ..render.word import render_docx
from .approval import APPROVAL, NONE, ApprovalItem
from .changes import (
    ADDED,
    CHANGED,
    DELETED,
    EQUAL,
    INSERTED,
    MOVED,
    REMOVED,
    BudgetEffect,
    Change,
    ChangeSet,
    SetChanges,
    item_name,
    word_diff,
)

VERB = {ADDED: "tilføjet", REMOVED: "fjernet", CHANGED: "ændret", MOVED: "flyttet"}
FORMATTING_ONLY = "kun formatering"


def verb(change: Change) -> str:
    """What happened, in the report's words: a change of look alone says so."""
    return FORMATTING_ONLY if change.formatting_only else VERB[change.operation]
CONTEXT_WORDS = 8  # words kept on each side of a change in a long text; the rest is "…"
ELLIPSIS = "…"


# ------------------------------------------------------------------ values as text


def number(value) -> str:
    return danish.number(value)


def signed(value) -> str:
    """+60, -60, ±0: the sign always shown, as a difference."""
    if not value:
        return "±0"
    return ("+" if value > 0 else "") + danish.number(value)


def value_text(value) -> str:
    """Any value as one line for people: numbers in Danish style, items by name."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (int, float)):
        return danish.number(value)
    if isinstance(value, dict):
        return item_name(value) or "; ".join(f"{k}: {value_text(v)}" for k, v in value.items()
                                             if not isinstance(v, (dict, list)) and v not in (None, ""))
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value)
    return " ".join(str(value).split())


def before_after(change: Change) -> tuple[str, str]:
    """The whole value before and after (text from the word comparison, so Markdown reads as text)."""
    if change.operation == MOVED:
        return change.moved_from, change.moved_to
    if change.words:
        return (" ".join(w.text for w in change.words if w.op != INSERTED),
                " ".join(w.text for w in change.words if w.op != DELETED))
    return value_text(change.old), value_text(change.new)


_SENTENCE_END = (".", "!", "?", ":")


def changed_passages(words) -> tuple[str, str]:
    """Only the sentences a change touches, before and after, as Markdown with the changed words
    in bold: what LBF reads instead of a whole section. Passages apart are joined by " … "."""
    tokens = [(piece.op, word) for piece in words for word in piece.text.split()]
    sentence, ids = 0, []
    for op, word in tokens:
        ids.append(sentence)
        if op == EQUAL and word.endswith(_SENTENCE_END):
            sentence += 1  # only unchanged words end a sentence: an edited ending stays with its sentence
    touched = {i for i, (op, _) in zip(ids, tokens) if op != EQUAL}

    def side(skip: str, marked: str) -> str:
        passages, current, last = [], [], None
        for i, (op, word) in zip(ids, tokens):
            if i not in touched or op == skip:
                continue
            if last is not None and i > last + 1 and current:
                passages.append(" ".join(current))
                current = []
            current.append(f"**{escape_md(word)}**" if op == marked else escape_md(word))
            last = i
        passages.append(" ".join(current))
        return f" {ELLIPSIS} ".join(p for p in passages if p).replace("** **", " ")

    return side(INSERTED, DELETED), side(DELETED, INSERTED)


def _shortened(words) -> list:
    """Long runs of unchanged words cut to their ends, so the change itself is what one reads."""
    result = []
    for i, piece in enumerate(words):
        if piece.op != EQUAL:
            result.append((piece.op, piece.text))
            continue
        parts = piece.text.split()
        keep_start = i > 0  # context after an earlier change
        keep_end = i < len(words) - 1  # context before a later change
        if len(parts) <= CONTEXT_WORDS * (keep_start + keep_end) or len(parts) <= CONTEXT_WORDS:
            result.append((EQUAL, piece.text))
            continue
        head = " ".join(parts[:CONTEXT_WORDS]) + " " if keep_start else ""
        tail = " " + " ".join(parts[-CONTEXT_WORDS:]) if keep_end else ""
        result.append((EQUAL, f"{head}{ELLIPSIS}{tail}"))
    return result


def _counts(changes: ChangeSet) -> tuple[int, int, int]:
    content = moved = documents = 0
    for s in changes.sets:
        for d in s.documents:
            content += sum(c.content for c in d.changes)
            moved += sum(not c.content for c in d.changes)
            documents += d.content_changed
    return content, documents, moved


def summary(changes: ChangeSet) -> str:
    content, documents, moved = _counts(changes)
    if not changes.changed or not content:
        return "Ingen ændringer i indholdet" + (f" ({moved} flytning{'er' if moved != 1 else ''} uden indholdsændring)."
                                                 if moved else ".")
    text = f"{content} ændring{'er' if content != 1 else ''} i {documents} dokument{'er' if documents != 1 else ''}"
    return text + (f"; {moved} flytning{'er' if moved != 1 else ''} uden indholdsændring." if moved else ".")


def approval_line(item: ApprovalItem) -> str:
    if item.rule is None:
        return f"{item.subject}: kataloget har ingen godkendelsesregel for denne dokumenttype"
    who = item.rule.approver
    if item.rule.action == NONE:
        return f"{item.subject}: ingen godkendelse (kun rækkefølgen er ændret)"
    if item.rule.action == APPROVAL:
        head = f"{who[:1].upper()}{who[1:]} skal godkende ændringerne i {item.subject}"
    else:
        head = f"Ændringerne i {item.subject} aftales mellem parterne og forelægges {who}"
    return head + (f" (økonomi {danish.number(item.economy * 1000)} kr.)" if item.economy else "")


# ------------------------------------------------------------------ terminal


def text(changes: ChangeSet, approvals: list[ApprovalItem], stream: TextIO, color: bool = False) -> None:
    """The terminal report: `file:line:col: ændret: label`, the words or figures beneath."""
    def style(value: str, **how) -> str:
        return click.style(value, **how) if color else value

    write = stream.write
    write(style(f"Ændringer fra {changes.old} til {changes.new}", bold=True) + "\n")
    for aset in changes.sets:
        for doc in aset.documents:
            if not doc.changes:
                continue
            write("\n" + style(f"{aset.name}: {doc.title} ({doc.document}.yaml)", bold=True) + "\n")
            for change in doc.changes:
                where = f"{change.position}: " if change.position else ""
                head = f"{where}{verb(change)}: {change.label}"
                write(style(head, fg="yellow" if change.operation == MOVED else None) + "\n")
                detail = _detail(change, color)
                if detail:
                    write(f"    {detail}\n")
        if aset.budget and aset.budget.changed:
            write("\n" + style(f"{aset.name}: Budgettets virkning (hele 1.000 kr.)", bold=True) + "\n")
            for line in _budget_lines(aset.budget, aset.names):
                write(f"  {line}\n")
        if aset.also_changed:
            write("\n" + style(f"{aset.name}: Word-filer, der også ændres (de viser det ændrede fra andre dokumenter)",
                                bold=True) + "\n")
            for title in aset.also_changed:
                write(f"  {title}: redline skrevet\n")
        if aset.staff:
            write("\n" + style(f"{aset.name}: Medarbejderressourcer flyttet mellem indsatsområder (hele 1.000 kr.)",
                                bold=True) + "\n")
            for line in staff_lines(aset):
                write(f"  {line}\n")
        if aset.activities:
            write("\n" + style(f"{aset.name}: {ACTIVITIES_HEADING} (hele 1.000 kr.)", bold=True) + "\n")
            for line in activity_lines(aset):
                write(f"  {line}\n")
        own = [a for a in approvals if a.set == aset.name]
        if own:
            write("\n" + style(f"{aset.name}: Godkendelse", bold=True) + "\n")
            for item in own:
                write("  " + style(approval_line(item), fg="red" if item.needs_lbf else None, bold=item.needs_lbf) + "\n")
                if item.rule:
                    write(f"    Regel: «{item.rule.text}» ({item.rule.source})\n")
                if item.own_rule_text:
                    write(f"    Delaftalens egen tekst: «{item.own_rule_text}»\n")
    write("\n" + summary(changes) + "\n")


def _detail(change: Change, color: bool) -> str:
    """Beneath a change: the words (red struck out, green underlined; [-…-] {+…+} when piped), or figures."""
    if change.operation == MOVED:
        return f"{change.moved_from} → {change.moved_to}" + ("" if change.content else " (ingen indholdsændring)")
    if change.words or change.formatting_only:
        # formatting alone: the Markdown as written, where the words are the same
        pieces = word_diff(change.old, change.new) if change.formatting_only else change.words
        parts = []
        for op, words in _shortened(pieces):
            if op == DELETED:
                parts.append(click.style(words, fg="red", strikethrough=True) if color else f"[-{words}-]")
            elif op == INSERTED:
                parts.append(click.style(words, fg="green", underline=True) if color else f"{{+{words}+}}")
            else:
                parts.append(words)
        return " ".join(parts)
    if change.difference is not None:
        return f"{number(change.old)} → {number(change.new)} ({signed(change.difference)})"
    if change.operation == CHANGED:
        return f"{value_text(change.old)} → {value_text(change.new)}"
    return ""


def staff_lines(aset: SetChanges) -> list[str]:
    """One line per staff member and area whose share changed: the share and its salary, old → new."""
    return [f"{s.title}, {aset.names.get(s.area, s.area)}: {_share(s.share_old)} → {_share(s.share_new)} "
            f"(løn {number(s.cost_old)} → {number(s.cost_new)}, {signed(s.cost_new - s.cost_old)})"
            for s in aset.staff]


ACTIVITIES_HEADING = "Aktiviteter fjernet eller tilføjet og pengene bundet til dem"


def activity_lines(aset: SetChanges) -> list[str]:
    """One line per activity removed or added: the money tied to it, in all and where it is."""
    out = []
    for a in aset.activities:
        parts = [f"{line} {number(total)}" for _id, line, total in a.lines]
        parts += [f"{title} {_share(share)} (løn {number(cost)})" for _id, title, share, cost in a.staff]
        out.append(f"{a.name}, {aset.names.get(a.area, a.area)} ({VERB[a.status]}): {number(a.economy)} bundet til "
                   f"aktiviteten" + (": " + " · ".join(parts) if parts else " (ingen budgetlinjer eller medarbejdertid)"))
    return out


def _activity_dict(a) -> dict:
    return {"aktivitet": a.activity, "navn": a.name, "indsatsomraade": a.area, "status": a.status,
            "oekonomi": a.economy,
            "budgetlinjer": [{"id": i, "udgiftspost": line, "i_alt": total} for i, line, total in a.lines],
            "medarbejdere": [{"medarbejder": i, "titel": title, "andel": share, "loen": cost}
                             for i, title, share, cost in a.staff]}


def _share(value: float) -> str:
    return f"{danish.number(value) if value != int(value) else int(value)} %"


def _budget_lines(effect: BudgetEffect, names: dict) -> list[str]:
    lines = []
    for line in effect.lines:
        years = [f"{y}: {number(a.old)} → {number(a.new)} ({signed(a.diff)})" for y, a in line.years.items() if a.diff]
        sources = [f"{FINANCING_NAMES[c]}: {signed(a.diff)}" for c, a in line.financing.items() if a.diff]
        status = {ADDED: " (ny linje)", REMOVED: " (fjernet)"}.get(line.status, "")
        moved = (f" (flyttet fra {names.get(line.gruppe_foer, line.gruppe_foer)})"
                 if line.gruppe_foer and line.gruppe_foer != line.gruppe else "")
        lines.append(f"{line.udgiftspost}{status}{moved}: " + " · ".join(years + sources or ["ingen beløbsændring"]))
    for group in effect.groups:
        years = [f"{y}: {signed(a.diff)}" for y, a in group.years.items() if a.diff]
        lines.append(f"Gruppe {group.titel}: " + " · ".join(years + [f"i alt {number(group.total.old)} → "
                                                                     f"{number(group.total.new)} ({signed(group.total.diff)})"]))
    years = [f"{y}: {number(a.old)} → {number(a.new)} ({signed(a.diff)})" for y, a in effect.years.items() if a.diff]
    if years:
        lines.append("Pr. år: " + " · ".join(years))
    sources = [f"{FINANCING_NAMES[c]}: {number(a.old)} → {number(a.new)} ({signed(a.diff)})"
               for c, a in effect.financing.items() if a.diff]
    if sources:
        lines.append("Pr. finansieringskilde: " + " · ".join(sources))
    old_share, new_share = effect.cofinancing_share
    lines.append(f"I alt: {number(effect.total.old)} → {number(effect.total.new)} ({signed(effect.total.diff)}); "
                 f"medfinansiering {danish.percent(old_share, 1)} → {danish.percent(new_share, 1)}")
    return lines


# ------------------------------------------------------------------ JSON


def as_dict(changes: ChangeSet, approvals: list[ApprovalItem]) -> dict:
    """The change set for machines; keys in Danish, as the findings' JSON."""
    return {
        "gammel": changes.old,
        "ny": changes.new,
        "aendret": changes.changed,
        "opsummering": summary(changes),
        "saet": [{
            "navn": s.name,
            "dokumenter": [{
                "dokument": d.document, "art": d.kind, "titel": d.title, "indsatsomraade": d.area,
                "status": d.status, "aendringer": [_change_dict(c) for c in d.changes],
            } for d in s.documents],
            "budget": _budget_dict(s.budget),
            "aktiviteter": [_activity_dict(a) for a in s.activities],
            "godkendelse": [_approval_dict(a) for a in approvals if a.set == s.name],
            "ogsaa_aendret": s.also_changed,  # Word files with a redline (-o) and no change of their own
        } for s in changes.sets],
    }


def _change_dict(c: Change) -> dict:
    before, after = before_after(c)
    return {
        "handling": c.operation, "sti": [str(p) for p in c.path], "hvad": c.label,
        "position": str(c.position) if c.position else None,
        "foer": _plain_json(c.old), "efter": _plain_json(c.new), "foer_tekst": before, "efter_tekst": after,
        "forskel": c.difference, "ord": [{"handling": w.op, "tekst": w.text} for w in c.words],
        "indhold": c.content, "flyttet_fra": c.moved_from or None, "flyttet_til": c.moved_to or None,
        "id": c.item_id, "kun_formatering": c.formatting_only,
    }


def _plain_json(value):
    if isinstance(value, float):
        return float(value)  # a loader Decimal is a float that remembers its text
    if isinstance(value, dict):
        return {k: _plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_json(v) for v in value]
    return value


def _amounts(a) -> dict:
    return {"foer": a.old, "efter": a.new, "forskel": a.diff}


def _budget_dict(effect: BudgetEffect | None) -> dict | None:
    if effect is None:
        return None
    return {
        "aendret": effect.changed,
        "linjer": [{"id": l.id, "udgiftspost": l.udgiftspost, "gruppe": l.gruppe, "gruppe_foer": l.gruppe_foer or None,
                    "status": l.status, "aar": {str(y): _amounts(a) for y, a in l.years.items()},
                    "i_alt": _amounts(l.total), "finansiering": {c: _amounts(a) for c, a in l.financing.items()}}
                   for l in effect.lines],
        "grupper": [{"gruppe": g.gruppe, "titel": g.titel, "aar": {str(y): _amounts(a) for y, a in g.years.items()},
                     "i_alt": _amounts(g.total), "finansiering": {c: _amounts(a) for c, a in g.financing.items()}}
                    for g in effect.groups],
        "aar": {str(y): _amounts(a) for y, a in effect.years.items()},
        "finansiering": {c: _amounts(a) for c, a in effect.financing.items()},
        "i_alt": _amounts(effect.total),
        "medfinansiering_procent": {"foer": round(effect.cofinancing_share[0], 2),
                                    "efter": round(effect.cofinancing_share[1], 2)},
    }


def _approval_dict(item: ApprovalItem) -> dict:
    rule = item.rule
    return {
        "dokument": item.document, "emne": item.subject, "art": item.kind,
        "klasse": rule.id if rule else None, "handling": rule.action if rule else None,
        "godkender": rule.approver if rule else None, "regel": rule.text if rule else None,
        "kilde": rule.source if rule else None, "oekonomi": item.economy,
        "delaftalens_tekst": item.own_rule_text or None, "beskrivelse": approval_line(item),
        "aendringer": [c.label for c in item.changes],
        "lbf_midler": item.lbf_money,
        "medarbejdere": [{"medarbejder": m.staff, "titel": m.title, "indsatsomraade": m.area,
                          "andel_foer": m.share_old, "andel_efter": m.share_new,
                          "loen_foer": m.cost_old, "loen_efter": m.cost_new} for m in item.staff],
        "aktiviteter": [_activity_dict(a) for a in item.activities],
    }


# ------------------------------------------------------------------ the change page


def markdown(changes: ChangeSet, approvals: list[ApprovalItem], old_name: str, new_date: datetime | None) -> str:
    """The change page: "Ændringer siden <OLD>", what to approve, every change, the budget's effect.

    `new_date` is NEW's commit date (None for the working tree or a folder, which have none)."""
    dated = f" ({_date(new_date)})" if new_date else ""
    out = [f"# Ændringer siden {escape_md(old_name)}", "",
           f"Sammenligning af {escape_md(changes.old)} med {escape_md(changes.new)}{dated}. "
           f"{escape_md(summary(changes))}", ""]
    for aset in changes.sets:
        if len(changes.sets) > 1:
            out += [f"## {escape_md(aset.name)}", ""]
        own = [a for a in approvals if a.set == aset.name]
        if own:
            out += ["## Godkendelse", "", "| Dokument | Hvem | Regel |", "|---|---|---|"]
            for item in own:
                rule = f"{item.rule.text} ({item.rule.source})" if item.rule else "ingen regel i kataloget"
                out.append(f"| {escape_md(item.subject)} | {escape_md(approval_line(item))} | {escape_md(rule)} |")
            out.append("")
        for doc in aset.documents:
            if not doc.changes:
                continue
            out += [f"## {escape_md(doc.title)}", ""]
            for change in doc.changes:
                out.append(f"- **{escape_md(verb(change))}:** {escape_md(change.label)}"
                           + (f" — {_md_detail(change)}" if _md_detail(change) else ""))
            out.append("")
        if aset.budget and aset.budget.changed:
            out += _md_budget(aset.budget)
        if aset.staff:
            out += ["## Medarbejderressourcer flyttet mellem indsatsområder", "",
                    "| Medarbejder | Indsatsområde | Andel før | Andel efter | Løn før | Løn efter | Forskel |",
                    "|---|---|--:|--:|--:|--:|--:|"]
            out += [f"| {escape_md(s.title)} | {escape_md(aset.names.get(s.area, s.area))} | {_share(s.share_old)} | "
                    f"{_share(s.share_new)} | {number(s.cost_old)} | {number(s.cost_new)} | {signed(s.cost_new - s.cost_old)} |"
                    for s in aset.staff]
            out += ["", "Beløb i hele 1.000 kr.: medarbejderens løn i hele perioden efter budgettets lønlinjer, "
                    "gange andelen.", ""]
        if aset.activities:
            out += [f"## {ACTIVITIES_HEADING}", "", "| Aktivitet | Indsatsområde | Status | Budgetlinjer | "
                    "Medarbejdertid | I alt |", "|---|---|---|--:|--:|--:|"]
            out += [f"| {escape_md(a.name)} | {escape_md(aset.names.get(a.area, a.area))} | {VERB[a.status]} | "
                    f"{number(a.lines_total)} | {number(a.staff_cost)} | {number(a.economy)} |" for a in aset.activities]
            out += ["", "Beløb i hele 1.000 kr.: budgetlinjerne, der nævner aktiviteten, og medarbejdernes løn "
                    "gange den andel, de har i aktiviteten (i versionen, hvor aktiviteten findes).", ""]
    return "\n".join(out).rstrip() + "\n"


def _md_detail(change: Change) -> str:
    if change.operation == MOVED:
        text = f"{change.moved_from} → {change.moved_to}" + ("" if change.content else " (ingen indholdsændring)")
        return escape_md(text)
    if change.words:
        marks = {DELETED: "~~{}~~", INSERTED: "**{}**", EQUAL: "{}"}
        return " ".join(marks[op].format(escape_md(words)) for op, words in _shortened(change.words))
    if change.difference is not None:
        return escape_md(f"{number(change.old)} → {number(change.new)} ({signed(change.difference)})")
    if change.operation == CHANGED:
        return escape_md(f"{value_text(change.old)} → {value_text(change.new)}")
    return ""


def _md_budget(effect: BudgetEffect) -> list[str]:
    # Only the years in which something moved get a column; every line's total is shown.
    years = [y for y in effect.years
             if any(x.years[y].diff for x in (*effect.lines, *effect.groups)) or effect.years[y].diff]
    head = "| | " + "".join(f"{y} | " for y in years) + "I alt |"
    rule = "|---|" + "---:|" * (len(years) + 1)
    out = ["## Budgettets virkning (hele 1.000 kr.)", "", "Forskel pr. år; før → efter i alt.", "", head, rule]

    def row(name: str, item) -> str:
        cells = "".join(f"{signed(item.years[y].diff)} | " for y in years)
        return f"| {name} | {cells}{number(item.total.old)} → {number(item.total.new)} ({signed(item.total.diff)}) |"

    out += [row(escape_md(line.udgiftspost), line) for line in effect.lines]
    out += [row(f"**{escape_md(group.titel)}**", group) for group in effect.groups]
    out.append("| **I alt** | " + "".join(f"{signed(effect.years[y].diff)} | " for y in years)
               + f"{number(effect.total.old)} → {number(effect.total.new)} ({signed(effect.total.diff)}) |")
    out += ["", "| Finansiering | Før | Efter | Forskel |", "|---|---:|---:|---:|"]
    out += [f"| {escape_md(FINANCING_NAMES[c])} | {number(a.old)} | {number(a.new)} | {signed(a.diff)} |"
            for c, a in effect.financing.items()]
    old_share, new_share = effect.cofinancing_share
    out += ["", escape_md(f"Lokal medfinansiering: {danish.percent(old_share, 1)} → {danish.percent(new_share, 1)}."), ""]
    return out


PAGE = """<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'">
<meta name="generator" content="aftaler">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #ccc; padding: .25rem .5rem; vertical-align: top; }}
s {{ color: #a00; }} strong {{ color: #060; }}
</style>
</head>
<body>
<main>
{body}</main>
</body>
</html>
"""


def html(markdown_text: str, title: str) -> str:
    """The change page as HTML; author text stays text (raw HTML is not parsed: js-default)."""
    return PAGE.format(title=escape(title), body=MarkdownIt("js-default").render(markdown_text))


# ------------------------------------------------------------------ the approval request


def _date(moment: datetime) -> str:
    return danish.date_text(moment.date().isoformat())


def approval_request_model(aset: SetChanges, approvals: list[ApprovalItem], old_label: str, new_label: str,
                           new_date: datetime | None) -> dict:
    """What the letter to LBF says: the changes needing LBF's approval, before and after."""
    agreement = next((d.data for d in aset.documents if d.kind == "samarbejdsaftale"), {})
    budget = next((d.data for d in aset.documents if d.kind == "budget"), {})
    items = [a for a in approvals if a.set == aset.name and a.needs_lbf]
    points = []
    for item in items:
        rows = []
        for change in item.changes:
            if change.path[:2] == ("organisering", "medarbejdere"):
                continue  # staff time is shown as the table of shares and salaries below
            if change.words:
                before, after = changed_passages(change.words)
            else:
                before, after = (escape_md(text) for text in before_after(change))
            diff = signed(change.difference) if change.difference is not None else {
                ADDED: "ny", REMOVED: "udgår", MOVED: "flyttet", CHANGED: "ændret"}[change.operation]
            if change.formatting_only:
                diff = FORMATTING_ONLY
            rows.append({"hvad": change.label, "foer": before, "efter": after, "forskel": diff})
        staff = [{"titel": m.title, "omraade": aset.names.get(m.area, m.area), "foer": _share(m.share_old),
                  "efter": _share(m.share_new), "loen_foer": number(m.cost_old), "loen_efter": number(m.cost_new),
                  "forskel": signed(m.cost_new - m.cost_old)} for m in item.staff]
        activities = [{"navn": a.name, "status": VERB[a.status],
                       "linjer": " · ".join(f"{line} {number(total)}" for _id, line, total in a.lines) or "–",
                       "medarbejdere": " · ".join(f"{title} {_share(share)} (løn {number(cost)})"
                                                  for _id, title, share, cost in a.staff) or "–",
                       "i_alt": number(a.economy)} for a in item.activities]
        points.append({"emne": item.subject, "regel": item.rule.text, "kilde": item.rule.source, "aendringer": rows,
                       "medarbejdere": staff, "aktiviteter": activities})
    lines, sums = [], []
    effect = aset.budget
    if effect and effect.changed:  # whenever money moved, LBF sees where
        names = aset.names
        lines = [{"post": l.udgiftspost, "gruppe": names.get(l.gruppe, l.gruppe), "foer": number(l.total.old),
                  "efter": number(l.total.new), "forskel": signed(l.total.diff),
                  "detaljer": "; ".join([f"{y}: {signed(a.diff)}" for y, a in l.years.items() if a.diff]
                                        + [f"{FINANCING_NAMES[c]}: {signed(a.diff)}" for c, a in l.financing.items() if a.diff])}
                 for l in effect.lines]
        sums = [{"hvad": f"Udgifter {y}", "foer": number(a.old), "efter": number(a.new), "forskel": signed(a.diff)}
                for y, a in effect.years.items() if a.diff]
        sums += [{"hvad": FINANCING_NAMES[c], "foer": number(a.old), "efter": number(a.new), "forskel": signed(a.diff)}
                 for c, a in effect.financing.items() if a.diff]
        sums.append({"hvad": "Samlede udgifter", "foer": number(effect.total.old), "efter": number(effect.total.new),
                     "forskel": signed(effect.total.diff)})
    return {
        "omraadets_navn": agreement.get("omraadets_navn") or aset.name,
        "pulje_navn": f"Landsbyggefondens {aset.catalogue.get('pulje', '')}-midler",
        "jnr": budget.get("jnr") or "",
        "periode_tekst": danish.period(agreement["periode"]) if agreement.get("periode") else "",
        "foer": old_label, "efter": new_label, "dato": _date(new_date) if new_date else "",
        "punkter": points,
        "budget": {"linjer": lines, "summer": sums},
        "parter": [{"navn": p["navn"]} for p in agreement.get("parter", [])],
    }


def approval_request_docx(model: dict, *, author: str, created: datetime, project: Project | None = None) -> bytes:
    """The approval request as a finished, deterministic .docx."""
    project = project or Project()
    template = project.template("anmodning")
    raw = render_docx(template, model)
    return docx_package.finalize(raw, title="Anmodning om godkendelse af ændringer", subject=model["omraadets_navn"],
                                 author=author, created=created,
                                 custom={"aftaler.foer": model["foer"], "aftaler.efter": model["efter"],
                                         "aftaler.skabelon": template.name})
