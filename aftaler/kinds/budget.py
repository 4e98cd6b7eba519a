"""Budgetark: every sum, share and balance is computed here; LBF's rules are checked here.

Amounts are whole 1.000 kr. Authors type the amounts per year and the financing per line;
nothing else.
"""
from __future__ import annotations

import re

from .. import danish
from ..findings import Finding, error, has_errors, warning
from ._common import (
    activities,
    agreement_or_error,
    area_names,
    dangling,
    difference_text,
    each,
    period_bounds,
)
from .samarbejdsaftale import staff_shares_text

FINANCING = ("lbf", "boligorganisation_kontant", "boligorganisation_timer",
             "kommune_kontant", "kommune_timer", "anden")
FINANCING_NAMES = {
    "lbf": "LBF",
    "boligorganisation_kontant": "Medfinansiering boligorganisation(er), kontant",
    "boligorganisation_timer": "Medfinansiering boligorganisation(er), timer og lokaler",
    "kommune_kontant": "Medfinansiering kommune, kontant",
    "kommune_timer": "Medfinansiering kommune, timer og lokaler",
    "anden": "Evt. anden lokal medfinansiering",
}
CROSS_CUTTING, EVALUATION = "tvaergaaende", "lokal-evaluering"
# Excel holds at most 32.767 characters in a cell (and cuts the rest without a word): every text
# the workbook puts in one cell is refused here when longer. An expense item keeps room for the
# note numbers written after it ("Revision (1 + 2)").
EXCEL_CELL_LIMIT, NOTE_REFS_ROOM = 32767, 767
# A text row (a line with only `tekst`) holds no amounts: every other field belongs to a line with them.
TEXT_ROW_KEYS = {"id", "tekst"}
# Text with none of Markdown's special characters, and no line break or block marker at its start,
# is one paragraph of exactly the typed characters: no parser is needed to know so.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]<>!&~|\n\r\t]|^\s|\s$|^(?:[-+#>=]|\d+[.)])")
_MARK_NUMBER = re.compile(r"^\d+")


def _workbook(model: dict, *, created) -> bytes:
    from ..render.workbook import (
        render_budget_xlsx,  # openpyxl is slow to import; `validate` never writes
    )
    return render_budget_xlsx(model, created=created)


# Besides its Word file, the budget is written as a workbook with live formulas.
EXTRA_OUTPUTS = {".xlsx": _workbook}


def is_text_row(line: dict) -> bool:
    """A budget line that is only a text (an explanation or a heading inside its group)."""
    return line.get("tekst") is not None  # the model's data has every absent field, as None


def _amount_lines(source, gpath):
    """The group's lines with amounts (text rows have none)."""
    return ((lpath, line) for lpath, line in each(source, *gpath, "linjer") if not is_text_row(line))


def _plain(text) -> bool:
    """Markdown that reads the same shown as typed: printed as before Markdown was allowed here."""
    text = "" if text is None else str(text)
    if not _MARKDOWN_SPECIAL.search(text):
        return True
    from ..render.richtext import is_plain  # only for text that may be Markdown: validate stays light
    return is_plain(text)


def _readable(text) -> str:
    """Markdown as plain text, paragraph by paragraph (a list item keeps its '- '): for the workbook."""
    text = "" if text is None else str(text)
    if _plain(text):
        return text
    from ..render.richtext import parse, plain_text
    return plain_text(parse(text))


def _opens_with_paragraph(text) -> bool:
    """Whether the text starts with a paragraph (a label or an anchor put before it stays in it)."""
    if _plain(text):
        return True
    from ..render.richtext import opens_with_paragraph
    return opens_with_paragraph(str(text).strip("\n"))


def _with_mark(mark, text) -> str:
    """A note's Markdown with its mark first: in its first paragraph, or as a paragraph of its own
    when the note opens with a list, a heading or the like."""
    text = str(text or "").strip("\n")
    if _opens_with_paragraph(text):
        return f"({mark}) {text.lstrip()}"
    return f"({mark})\n\n{text}"


def mark_sort_key(mark) -> tuple[int, str]:
    """17 < 17b < 18: a mark's number, then its letter."""
    text = str(mark)
    number = _MARK_NUMBER.match(text)
    return (int(number.group()) if number else 0, text[number.end() if number else 0:])


def years(data, agreement) -> list[int]:
    start, end = period_bounds(agreement["periode"])
    first = min(data.get("foerste_aar") or start.year, start.year)
    return list(range(first, end.year + 1))


def _empty_years(source, start, end) -> list[Finding]:
    """A year of the agreement's period that no budget line spends in: what a period extension
    leaves behind when the budget was not extended with it."""
    if not (start and end):
        return []
    spent: set[int] = set()
    for gpath, _group in each(source, "grupper"):
        for _lpath, line in _amount_lines(source, gpath):
            spent |= {int(year) for year, amount in line["udgifter"].items() if amount}
    missing = [year for year in range(start.year, end.year + 1) if year not in spent]
    if not missing or not spent:
        return []
    years = ", ".join(map(str, missing))
    return [warning(source.position(("grupper",), key=True),
                    f"budgettet har ingen udgifter i {years}, som ligger i aftalens periode ({start.year}-{end.year}); "
                    "er perioden forlænget, så læg årene ind i budgettet", "aar")]


def check(source, aset, context) -> list[Finding]:
    data, catalogue = source.data, context["catalogue"]
    agreement, findings = agreement_or_error(source, aset, "aftalesættet mangler en strategisk samarbejdsaftale")
    if agreement is None:
        return findings
    start, end = period_bounds(agreement.data["periode"])
    expense_types = {t["nr"] for t in catalogue.get("udgiftstyper") or []}
    areas_with_delaftale = {d.data["indsatsomraade"] for d in aset.of_kind("delaftale")}

    for gpath, group in each(source, "grupper"):
        name = group["gruppe"]
        if name not in (CROSS_CUTTING, EVALUATION) and name not in areas_with_delaftale:
            findings.append(dangling(source, gpath + ("gruppe",), name, [CROSS_CUTTING, EVALUATION, *areas_with_delaftale],
                                     "tværgående, lokal-evaluering eller et indsatsområde med en delaftale"))
        for lpath, line in each(source, *gpath, "linjer"):
            if is_text_row(line):  # no amounts, no expense type: the rules for amounts do not apply
                findings += _check_text_row(source, lpath, line)
                continue
            label = f"udgiftsposten '{line['udgiftspost']}'"
            if "udgiftstype" in line:
                if name != CROSS_CUTTING:
                    findings.append(error(source.position(lpath + ("udgiftstype",)),
                                          f"{label}: en udgiftstype bruges kun under Tværgående administrationsudgifter", "udgiftstype"))
                elif line["udgiftstype"] not in expense_types:
                    findings.append(dangling(source, lpath + ("udgiftstype",), line["udgiftstype"], expense_types,
                                             "en udgiftstype i kataloget"))
            elif name == CROSS_CUTTING:
                findings.append(error(source.position(lpath), f"{label}: vælg en udgiftstype (0-9)", "udgiftstype"))
            for year, amount in line["udgifter"].items():
                if not start.year <= int(year) <= end.year and amount:
                    findings.append(error(source.position(lpath + ("udgifter", year), key=True),
                                          f"{label}: året {year} ligger uden for aftalens periode "
                                          f"({start.year}-{end.year})", "aar"))
            total = sum(line["udgifter"].values())
            financed = sum(line.get("finansiering", {}).values())
            if financed != total:
                findings.append(error(source.position(lpath + ("finansiering",)),
                                      f"{label}: finansieringen ({danish.number(financed)}) svarer ikke til de samlede "
                                      f"udgifter ({danish.number(total)}); der er {difference_text(financed - total)}",
                                      "balance"))
        for lpath, line in each(source, *gpath, "linjer"):
            if line.get("medarbejder") and line["medarbejder"] not in _staff(agreement):
                findings.append(dangling(source, lpath + ("medarbejder",), line["medarbejder"], _staff(agreement),
                                         "en medarbejder i samarbejdsaftalens organisering"))
            findings += _check_activities(source, lpath, line, group["gruppe"], activities(aset))

    findings += _empty_years(source, start, end)
    findings += _check_cell_lengths(source, agreement, aset, context)
    findings += _check_notes(source)

    if not has_errors(findings):  # a warning (a year without expenses, a note no line uses) leaves the totals to check
        findings += _check_totals(source, aset, context)
    return findings


def _check_text_row(source, lpath, line) -> list[Finding]:
    """A text row holds only its id and text: an amount or a reference beside it would be lost."""
    return [error(source.position(lpath + (key,), key=True),
                  f"linjen '{line['id']}' er en tekstlinje (den har 'tekst'), og en tekstlinje har kun id og tekst; "
                  f"'{key}' hører til en linje med beløb – flyt feltet til sådan en linje, eller slet det", "tekstlinje")
            for key, value in line.items() if key not in TEXT_ROW_KEYS and value not in (None, [])]


def note_index(notes: list[dict]) -> dict[str, str]:
    """Every way a line can name a note, its id or its mark ("17b"), to the note's id."""
    index = {str(n["nr"]): n["id"] for n in notes if n.get("nr") is not None}
    index.update({n["id"]: n["id"] for n in notes})  # an id wins; _check_notes refuses the clash
    return index


def _check_notes(source) -> list[Finding]:
    """Marks unique and unlike another note's id; every reference of a line names a note, once."""
    notes = source.data.get("noter") or []
    findings, marks = [], {}
    ids = {n["id"] for n in notes}
    for i, note in enumerate(notes):
        mark = note.get("nr")
        if mark is None:
            continue
        where = source.position(("noter", i, "nr"))
        if str(mark) in marks:
            findings.append(error(where, f"noten '{note['id']}' har nr. {mark}, som noten '{marks[str(mark)]}' også har; "
                                         "en notes nr. skal være entydigt", "note-nr"))
        elif str(mark) in ids and str(mark) != note["id"]:
            findings.append(error(where, f"noten '{note['id']}' har nr. {mark}, som er id for en anden note; så ved "
                                         f"en linje, der henviser til '{mark}', ikke, hvilken note den mener", "note-nr"))
        marks.setdefault(str(mark), note["id"])
    index = note_index(notes)
    known = [*ids, *marks]
    for gpath, _group in each(source, "grupper"):
        for lpath, line in _amount_lines(source, gpath):
            seen: dict[str, object] = {}
            for i, ref in enumerate(line.get("noter") or []):
                target = index.get(str(ref))
                if target is None:
                    findings.append(dangling(source, lpath + ("noter", i), ref, known,
                                             "en note i budgettets noter (hverken et id eller et nr.)"))
                elif target in seen:
                    findings.append(error(source.position(lpath + ("noter", i)),
                                          f"'{ref}' og '{seen[target]}' henviser til den samme note ('{target}'); "
                                          "skriv den kun én gang", "reference"))
                else:
                    seen[target] = ref
    used = {index.get(str(ref)) for _, line in _lines_with_paths(source) for ref in line.get("noter") or []}
    for i, note in enumerate(notes):  # printed only where a line refers to it: say so, not lose it quietly
        if note["id"] not in used:
            findings.append(warning(source.position(("noter", i)), f"ingen budgetlinje henviser til noten "
                                    f"'{note['id']}', så den kommer ikke med i budgettet; henvis til den under en "
                                    "linjes 'noter', eller slet den", "note-ubrugt"))
    return findings


def _check_cell_lengths(source, agreement, aset, context) -> list[Finding]:
    """Texts too long for one cell of budget.xlsx, each with its position."""
    fields = [(source, ("jnr",), "jnr", EXCEL_CELL_LIMIT),
              (agreement, ("omraadets_navn",), "områdets navn", EXCEL_CELL_LIMIT)]
    for i, note in enumerate(source.data.get("noter") or []):
        fields.append((source, ("noter", i, "tekst"), f"noten '{note.get('id')}'", EXCEL_CELL_LIMIT))
    for gpath, _ in each(source, "grupper"):
        for lpath, line in each(source, *gpath, "linjer"):
            fields.append((source, lpath + ("udgiftspost",), f"udgiftsposten på linjen '{line.get('id')}'",
                           EXCEL_CELL_LIMIT - NOTE_REFS_ROOM))
            fields.append((source, lpath + ("beskrivelse",), f"beskrivelsen på linjen '{line.get('id')}'",
                           EXCEL_CELL_LIMIT - NOTE_REFS_ROOM))
            fields.append((source, lpath + ("tekst",), f"teksten på tekstlinjen '{line.get('id')}'", EXCEL_CELL_LIMIT))
    findings = []
    for where, path, label, limit in fields:
        node = where.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else node[key] if isinstance(node, list) else None
        if isinstance(node, str) and len(node) > limit:
            findings.append(_too_long(where.position(path), label, len(node), limit,
                                      "forkort teksten eller del den i flere"))
    # The note a staff member's line gets is made of texts from other documents: the title and
    # the names of the activities the time is shared between.
    staff, named, areas = _staff(agreement), activities(aset), area_names(context["catalogue"])
    noted = set()
    for gpath, _ in each(source, "grupper"):
        for lpath, line in each(source, *gpath, "linjer"):
            person = staff.get(line.get("medarbejder"))
            if person is None or person["id"] in noted:
                continue
            noted.add(person["id"])
            length = len(_staff_note(person, named, areas))
            if length > EXCEL_CELL_LIMIT:
                findings.append(_too_long(source.position(lpath + ("medarbejder",)),
                                          f"noten om tidsfordelingen for medarbejderen '{person['id']}'", length,
                                          EXCEL_CELL_LIMIT, "forkort medarbejderens titel eller aktiviteternes navne"))
    return findings


def _check_activities(source, lpath, line, group: str, known: dict) -> list[Finding]:
    """The activities a line pays for exist (an activity removed leaves its money named here, to
    be moved or removed with it), and a line in an area's group pays for that area's activities."""
    findings = []
    for i, ident in enumerate(line.get("aktiviteter") or []):
        if ident not in known:
            findings.append(dangling(source, lpath + ("aktiviteter", i), ident, known,
                                     "en aktivitet i en af delaftalerne"))
        elif group not in (CROSS_CUTTING, EVALUATION) and known[ident][1] != group:
            findings.append(warning(source.position(lpath + ("aktiviteter", i)),
                                    f"aktiviteten '{ident}' hører til delaftalen for '{known[ident][1]}', men linjen "
                                    f"står i budgetgruppen '{group}'; flyt linjen, eller ret aktiviteten", "aktivitet"))
    return findings


def _too_long(position, label: str, length: int, limit: int, advice: str) -> Finding:
    return error(position, f"{label} er {danish.number(length)} tegn lang; en celle i budgettets regneark "
                           f"(budget.xlsx) rummer højst {danish.number(limit)} tegn, og resten ville blive "
                           f"skåret væk – {advice}", "celle-laengde")


def _staff_note(person, activity_names, areas) -> str:
    """The note on a staff member's budget line: the time shares (the workbook's and the Word file's)."""
    return f"{person['titel']}: tiden fordeles med {staff_shares_text(person, activity_names, areas)}."


def _check_totals(source, aset, context) -> list[Finding]:
    result = model(source, aset, context)
    totals = result["total"]
    rules = context["catalogue"].get("regler") or {}
    findings = []
    if totals["balance"] != 0:
        findings.append(error(source.position(("grupper",), key=True),
                              f"budgettets balance er {danish.number(totals['balance'])}; den skal være 0", "balance"))
    minimum = rules.get("mindste_medfinansiering_procent")  # a round without the rule has no minimum
    if minimum is not None and totals["udgifter"] and totals["medfinansiering_andel"] < minimum:
        findings.append(error(source.position(("grupper",), key=True),
                              f"den lokale medfinansiering er {danish.percent(totals['medfinansiering_andel'], 1)} "
                              f"({danish.number(totals['medfinansiering'])} af {danish.number(totals['udgifter'])}); "
                              f"Landsbyggefonden kræver mindst {minimum} % (pulje {context['catalogue']['pulje']})",
                              "medfinansiering"))
    for rule in source.data.get("lokale_regler", []):
        findings += LOCAL_RULES[rule](source, result, context)
    return findings


def _municipal_facilitation(source, result, context) -> list[Finding]:
    """Copenhagen: the municipality's facilitation (udgiftstype 3) is a fixed share of the budget.

    The share and the base come from the catalogue; the seed's 537 = 1,9 % of 31.169 less the
    other local co-financing (2.911), rounded to whole 1.000 kr.
    """
    rule = (context["catalogue"].get("lokale_regler") or {}).get("kommunal-facilitering")
    if rule is None:
        return [error(source.position(("lokale_regler",), key=True), "puljens katalog "
                      f"({context['catalogue']['pulje']}) har ingen lokal regel 'kommunal-facilitering'", "katalog")]
    lines = [(p, l) for p, l in _lines_with_paths(source) if l.get("udgiftstype") == rule["udgiftstype"]]
    actual = sum(l["total"] for _, l in _line_models(result) if l.get("udgiftstype") == rule["udgiftstype"])
    base = result["total"]["udgifter"] - sum(result["total"]["finansiering"][c] for c in rule["fradrag"])
    expected = round(base * rule["procent"] / 100)
    if abs(actual - expected) > rule.get("tolerance", 0):
        where = source.position(lines[0][0]) if lines else source.position(("grupper",), key=True)
        return [error(where, f"kommunal facilitering er {danish.number(actual)}, men skal være "
                             f"{danish.number(rule['procent'])} % af {danish.number(base)} = {danish.number(expected)} "
                             f"({rule['beskrivelse']})", "kommunal-facilitering")]
    return []


LOCAL_RULES = {"kommunal-facilitering": _municipal_facilitation}


def _lines_with_paths(source):
    for gpath, _ in each(source, "grupper"):
        yield from each(source, *gpath, "linjer")


def _line_models(result):
    for group in result["grupper"]:
        for line in group["linjer"]:
            yield group, line


def _staff(agreement) -> dict:
    return {m["id"]: m for m in agreement.data["organisering"].get("medarbejdere", [])}


def model(source, aset, context) -> dict:
    data, catalogue = source.data, context["catalogue"]
    agreement = aset.one("samarbejdsaftale").data
    year_list = years(data, agreement)
    expense_types = {t["nr"]: f"{t['nr']}. {t['navn']}" for t in catalogue.get("udgiftstyper") or []}
    area_order = [a["id"] for a in catalogue["indsatsomraader"]]
    areas = area_names(catalogue)
    staff = _staff(aset.one("samarbejdsaftale"))
    activity_names = activities(aset)

    # Notes are numbered in order of first use, unless a note has its own mark ("17b", printed as
    # written; the automatic numbers pass over the numbers marks take). An employee's line gets a
    # note with the time shares. A note the author wrote is Markdown; the employee's is our text.
    author_notes = {n["id"]: n for n in data.get("noter") or []}
    refer = note_index(list(author_notes.values()))
    taken = {mark_sort_key(n["nr"])[0] for n in author_notes.values() if n.get("nr") is not None}
    numbered: dict[str, int | str] = {}
    notes: list[dict] = []
    counter = 0

    def number_of(key: str, text: str, mark=None, markdown: bool = False):
        nonlocal counter
        if key not in numbered:
            if mark is None:
                counter += 1
                while counter in taken:
                    counter += 1
                mark = counter
            numbered[key] = mark
            rich = markdown and not _plain(text)
            notes.append({"nr": mark, "tekst": text, "markdown": rich,
                          "tekst_md": _with_mark(mark, text) if rich else None,
                          # what a template prints when the note is not Markdown: the text as typed
                          "tekst_enkel": "" if rich else text,
                          "tekst_ren": _readable(text) if rich else text})
        return numbered[key]

    groups = []
    for group in data["grupper"]:
        name = group["gruppe"]
        if name == CROSS_CUTTING:
            title = "Tværgående administrationsudgifter"
        elif name == EVALUATION:
            title = "Lokal evaluering"
        else:
            title = f"{area_order.index(name) + 1}. {areas[name]}"
        lines = []
        for line in group["linjer"]:
            if is_text_row(line):
                lines.append(_text_row(line, len(year_list)))
                continue
            refs = []
            for ref in line.get("noter") or []:
                note = author_notes[refer[str(ref)]]
                refs.append(number_of(note["id"], note["tekst"], note.get("nr"), markdown=True))
            if line.get("medarbejder"):
                person = staff[line["medarbejder"]]
                refs.append(number_of("medarbejder:" + person["id"], _staff_note(person, activity_names, areas)))
            amounts = [line["udgifter"].get(str(y)) or 0 for y in year_list]
            financing = {c: (line.get("finansiering") or {}).get(c) or 0 for c in FINANCING}
            lines.append({
                "id": line["id"], "tekstlinje": False, "udgiftspost": line["udgiftspost"],
                "udgiftstype": line.get("udgiftstype"),
                "udgiftstype_tekst": expense_types.get(line.get("udgiftstype"), ""),
                # The form's second column: the expense type, or (in an area's group) the line's description.
                "beskrivelse": line.get("beskrivelse") or "",
                "kolonne_2": " – ".join(x for x in (expense_types.get(line.get("udgiftstype")), line.get("beskrivelse")) if x),
                "noter": refs, "noter_tekst": " + ".join(str(r) for r in refs),
                "udgifter": amounts, "total": sum(amounts), "finansiering": financing,
            })
        groups.append({"gruppe": name, "titel": title, "linjer": lines, **_sums(lines, len(year_list))})

    notes.sort(key=lambda n: mark_sort_key(n["nr"]))  # with marks of their own (17, 17b, 18), in the form's order
    total = _sums([line for g in groups for line in g["linjer"]], len(year_list))
    fin = total["finansiering"]
    cofinancing = total["total"] - fin["lbf"]
    total.update({
        "udgifter": total["total"],
        "boligorganisation": fin["boligorganisation_kontant"] + fin["boligorganisation_timer"],
        "kommune": fin["kommune_kontant"] + fin["kommune_timer"],
        "medfinansiering": cofinancing,
        "medfinansiering_andel": (cofinancing / total["total"] * 100) if total["total"] else 0,
        "balance": total["total"] - sum(fin.values()),
    })
    start, end = period_bounds(agreement["periode"])
    return {
        **data,
        "omraadets_navn": agreement["omraadets_navn"],
        "pulje_navn": f"{catalogue['pulje']}-midlerne",
        "start": start.strftime("%d-%m-%Y"), "slut": end.strftime("%d-%m-%Y"),
        "start_dato": start, "slut_dato": end,  # as dates, for the workbook's date cells
        "start_tekst": danish.date_text(agreement["periode"]["fra"]),
        "slut_tekst": danish.date_text(agreement["periode"]["til"], end=True),
        "aar": year_list, "grupper": groups, "total": total, "noter": notes,
        # Some note has paragraphs, a list or formatting: the site shows the notes as text, not a table.
        "noter_med_markdown": any(n["markdown"] for n in notes),
        # The sheet's columns once the years are laid out: Udgiftspost, Udgiftstype, the years,
        # Samlede udgifter and the six financing columns; a text row spans them all.
        "antal_kolonner": 2 + len(year_list) + 1 + len(FINANCING),
        "finansieringskolonner": [{"id": c, "navn": FINANCING_NAMES[c]} for c in FINANCING],
        "udgiftstyper": [{"nr": t["nr"], "tekst": expense_types[t["nr"]], "beskrivelse": t["beskrivelse"]}
                         for t in catalogue.get("udgiftstyper") or []],
    }


def _text_row(line: dict, n_years: int) -> dict:
    """A text row in the model: its text, and zeros wherever a line has figures, so that every
    sum (and whatever reads the lines) goes on as if it were not there."""
    return {
        "id": line["id"], "tekstlinje": True, "tekst": line["tekst"], "tekst_ren": _readable(line["tekst"]),
        "aabner_med_afsnit": _opens_with_paragraph(line["tekst"]),
        "udgiftspost": "", "udgiftstype": None, "udgiftstype_tekst": "", "beskrivelse": "", "kolonne_2": "",
        "noter": [], "noter_tekst": "", "udgifter": [0] * n_years, "total": 0,
        "finansiering": {c: 0 for c in FINANCING},
    }


def _sums(lines, n_years) -> dict:
    return {
        "aar_sum": [sum(line["udgifter"][i] for line in lines) for i in range(n_years)],
        "total": sum(line["total"] for line in lines),
        "finansiering": {c: sum(line["finansiering"][c] for line in lines) for c in FINANCING},
    }
