"""Strategisk samarbejdsaftale: the set's anchor. Its rules cover the set as a whole."""
from __future__ import annotations

from .. import danish
from ..findings import Finding, error, warning
from ._common import activities, area_names, check_period, dangling, each, values_raw, values_text


def check(source, aset, context) -> list[Finding]:
    data, catalogue = source.data, context["catalogue"]
    findings = check_period(source)
    parties = {p["id"]: p for p in data["parter"]}
    afdelinger = {a["id"] for a in data["kort_om_boligomraadet"]["afdelinger"]}

    for path, afdeling in each(source, "kort_om_boligomraadet", "afdelinger"):
        owner = parties.get(afdeling["boligorganisation"])
        if owner is None:
            findings.append(dangling(source, path + ("boligorganisation",), afdeling["boligorganisation"],
                                     parties, "en af aftalens parter"))
        elif owner.get("type") != "boligorganisation":
            findings.append(error(source.position(path + ("boligorganisation",)),
                                  f"'{afdeling['boligorganisation']}' er ikke en boligorganisation", "reference"))

    in_zone: dict[str, str] = {}
    for path, zone in each(source, "organisering", "zoner"):
        for i, member in enumerate(zone["afdelinger"]):
            where = path + ("afdelinger", i)
            if member not in afdelinger:
                findings.append(dangling(source, where, member, afdelinger, "en afdeling i afsnit 1"))
            elif member in in_zone:
                findings.append(error(source.position(where),
                                      f"afdelingen '{member}' står allerede i zonen '{in_zone[member]}'", "zone"))
            else:
                in_zone[member] = zone["id"]

    organs = {o["id"] for o in data["organisering"].get("organer", [])}
    for path, organ in each(source, "organisering", "organer"):
        if organ.get("under") and organ["under"] not in organs:
            findings.append(dangling(source, path + ("under",), organ["under"], organs, "et organ i organiseringen"))
    findings += _check_diagram(source)
    findings += _check_order(source)
    findings += _check_only_in_order(source, catalogue)
    findings += _check_counts(source)

    findings += _check_indicators(source, catalogue)
    findings += _check_areas(source, aset, catalogue)
    findings += _check_staff(source, aset)
    return findings


MAX_WORD = 40  # letters in one word of a box in the organisation diagram; real Danish compounds have fewer than 30


def _check_diagram(source) -> list[Finding]:
    """What the organisation diagram cannot draw: organs stacked deeper than it has room for (a long
    `under` chain), and a word too long for a box."""
    from ..render.figures.orgdiagram import MAX_LEVELS, _chain  # a small pure function; no drawing
    findings = []
    organs = source.data["organisering"].get("organer", [])
    parents = {o["id"]: o.get("under") for o in organs}
    loops = _loops(parents)
    in_loop = {ident for loop in loops for ident in loop}
    first = {loop[0]: loop for loop in loops}
    for path, organ in each(source, "organisering", "organer"):
        if organ["id"] in first:
            # a loop has no top: the diagram would cut it somewhere the author did not choose
            loop = first.pop(organ["id"])
            findings.append(error(source.position(path + ("under",)),
                                  f"organet '{organ['id']}' står under sig selv via 'under' "
                                  f"({' → '.join([*loop, loop[0]])}); ét af dem skal stå øverst", "organ"))
    for path, organ in each(source, "organisering", "organer"):
        if organ.get("under") and organ["id"] not in in_loop and _chain(organ["id"], parents) > MAX_LEVELS:
            findings.append(error(source.position(path + ("under",)),
                                  f"organet '{organ['id']}' står mere end {MAX_LEVELS} led under andre organer "
                                  "(via 'under'); organisationsdiagrammet har ikke plads til så mange niveauer", "organ"))
            break  # one message for the chain, not one per organ below it
    for key, what in (("organer", "organets navn"), ("zoner", "zonens navn")):
        for path, item in each(source, "organisering", key):
            long = next((w for w in str(item.get("navn") or "").split() if len(w) > MAX_WORD), None)
            if long is not None:
                findings.append(error(source.position(path + ("navn",)),
                                      f"{what} har et ord på {len(long)} tegn ({long[:20]}…); højst {MAX_WORD} tegn "
                                      "i ét ord, for at navnet kan stå i organisationsdiagrammet", "navn"))
    return findings


def _loops(parents: dict) -> list[list[str]]:
    """Every `under` loop, each from its organ that comes first in `parents` (file order): each
    organ is walked once (linear in the organs, however long the chains)."""
    order = {ident: i for i, ident in enumerate(parents)}
    done: set = set()
    loops = []
    for start in parents:
        path, on_path, at = [], set(), start
        while at in parents and at not in done and at not in on_path:
            path.append(at)
            on_path.add(at)
            at = parents[at]
        if at in on_path:  # came back to this walk: the loop is the path from `at` on
            loop = path[path.index(at):]
            top = min(range(len(loop)), key=lambda k: order[loop[k]])
            loops.append(loop[top:] + loop[:top])
        done.update(path)
    return loops


def _check_only_in_order(source, catalogue) -> list[Finding]:
    """A round's form may print some of section 3's lists only where `organisering.afsnit` places
    them (`formular.samarbejdsaftale.kun_i_afsnit`): without that list they would be left out of
    the Word file without a word, so they are refused at their key."""
    form = (catalogue.get("formular") or {}).get("samarbejdsaftale") or {}
    organisering = source.data["organisering"]
    if organisering.get("afsnit"):
        return []
    words = {"zoner": "zonerne", "organer": "organerne"}
    return [error(source.position(("organisering", key), key=True),
                  f"{words.get(key, key)} kommer kun med i formularen for {catalogue.get('navn', 'puljen')}, hvor "
                  "'organisering.afsnit' sætter dem ind; tilføj listen 'afsnit' med en linje pr. "
                  f"{'zone' if key == 'zoner' else 'punkt'} ({{zone: id}}), eller slet dem", "afsnit")
            for key in form.get("kun_i_afsnit") or [] if organisering.get(key)]


def _check_order(source) -> list[Finding]:
    """`organisering.afsnit`, when given, decides the order of section 3 instead of text, organs,
    zones: each item names an organ or zone that exists, and every organ and zone stands there
    exactly once (one left out would be missing from the documents, one twice printed twice)."""
    organisering = source.data["organisering"]
    if not organisering.get("afsnit"):
        return []
    known = {"organ": [o["id"] for o in organisering.get("organer") or []],
             "zone": [z["id"] for z in organisering.get("zoner") or []]}
    words = {"organ": ("organet", "et organ under organisering.organer"),
             "zone": ("zonen", "en zone under organisering.zoner")}
    findings, placed = [], {}
    for path, item in each(source, "organisering", "afsnit"):
        for key in ("organ", "zone"):
            ident = item.get(key)
            if ident is None:
                continue
            if ident not in known[key]:
                findings.append(dangling(source, path + (key,), ident, known[key], words[key][1]))
            elif (key, ident) in placed:
                findings.append(error(source.position(path + (key,)),
                                      f"{words[key][0]} '{ident}' står allerede i organisering.afsnit (punkt "
                                      f"{placed[key, ident] + 1}); hvert organ og hver zone står der én gang", "afsnit"))
            else:
                placed[key, ident] = path[-1]
    missing = [f"{words[key][0]} '{ident}'" for key in ("organ", "zone") for ident in known[key]
               if (key, ident) not in placed]
    if missing:
        listed = ", ".join(missing[:-1]) + " og " + missing[-1] if len(missing) > 1 else missing[0]
        findings.append(error(source.position(("organisering", "afsnit"), key=True),
                              f"organisering.afsnit mangler {listed}: når afsnit bestemmer rækkefølgen i afsnit 3, "
                              "skal hvert organ og hver zone stå der én gang, ellers kommer de ikke med i dokumenterne",
                              "afsnit"))
    return findings


def _check_counts(source) -> list[Finding]:
    """A lejemål count that is not given leaves the totals it is part of (in all, per zone)
    without a figure: said at the count, since the documents then give the sum of the others."""
    zones = {}
    for zone in source.data["organisering"].get("zoner") or []:
        for member in zone["afdelinger"]:
            zones.setdefault(member, zone["navn"])
    findings = []
    for path, afdeling in each(source, "kort_om_boligomraadet", "afdelinger"):
        if afdeling["lejemaal"] != danish.NOT_GIVEN:
            continue
        totals = "lejemål i alt" + (f" og i zonen '{zones[afdeling['id']]}'" if afdeling["id"] in zones else "")
        findings.append(warning(source.position(path + ("lejemaal",)),
                                f"antal lejemål er ikke oplyst for afdelingen '{afdeling['navn']}', så {totals} kan "
                                "ikke lægges sammen: dokumenterne viser summen af de oplyste afdelinger og skriver, "
                                "hvor mange der ikke er oplyst", "antal"))
    return findings


def _check_indicators(source, catalogue) -> list[Finding]:
    """Section 5 has one row per fixed indicator of the funding round, each once."""
    fixed = [ind["id"] for goal in catalogue.get("maal") or [] for ind in goal["indikatorer"]]
    findings, seen = [], set()
    for path, row in each(source, "maal_og_indikatorer"):
        if row["indikator"] not in fixed:
            findings.append(dangling(source, path + ("indikator",), row["indikator"], fixed,
                                     f"en fast indikator i puljen {catalogue['pulje']}"))
        elif row["indikator"] in seen:
            findings.append(error(source.position(path + ("indikator",)),
                                  f"indikatoren '{row['indikator']}' står to gange i afsnit 5", "indikator"))
        seen.add(row["indikator"])
    missing = [i for i in fixed if i not in seen]
    if missing:
        findings.append(error(source.position(("maal_og_indikatorer",), key=True),
                              "afsnit 5 mangler baseline for de faste indikatorer: " + ", ".join(missing), "indikator"))
    return findings


def _check_areas(source, aset, catalogue) -> list[Finding]:
    """Exactly one delaftale per chosen indsatsområde, and none for an area not chosen."""
    known = area_names(catalogue)
    chosen: dict[str, tuple] = {}
    findings = []
    for path, area in each(source, "indsatsomraader"):
        if area["omraade"] not in known:
            findings.append(dangling(source, path + ("omraade",), area["omraade"], known, "et indsatsområde i kataloget"))
        elif area["omraade"] in chosen:
            findings.append(error(source.position(path + ("omraade",)), f"indsatsområdet '{area['omraade']}' er valgt to gange", "omraade"))
        chosen.setdefault(area["omraade"], path)
    delaftaler: dict[str, object] = {}
    for delaftale in aset.of_kind("delaftale"):
        area = delaftale.data["indsatsomraade"]
        here = delaftale.position(("indsatsomraade",))
        if area not in chosen:
            findings.append(error(here, f"der er en delaftale for '{known.get(area, area)}', men området er ikke valgt "
                                        f"i samarbejdsaftalens afsnit 6 ({source.display})", "delaftale"))
        elif area in delaftaler:
            findings.append(error(here, f"der er allerede en delaftale for '{known.get(area, area)}' "
                                        f"({delaftaler[area].display}); der skal være præcis én", "delaftale"))
        delaftaler.setdefault(area, delaftale)
    for area, path in chosen.items():
        if area in known and area not in delaftaler:
            findings.append(error(source.position(path + ("omraade",)),
                                  f"der mangler en delaftale for det valgte indsatsområde '{known[area]}'", "delaftale"))
    return findings


def _check_staff(source, aset) -> list[Finding]:
    """Time shares point at activities or chosen areas, and each employee's add up to 100 %."""
    activities = {a["id"] for d in aset.of_kind("delaftale") for a in d.data["aktiviteter"]}
    areas = {a["omraade"] for a in source.data["indsatsomraader"]}
    findings = []
    for path, person in each(source, "organisering", "medarbejdere"):
        total = 0
        for i, share in enumerate(person.get("fordeling", [])):
            total += share["andel"]
            target = share.get("aktivitet") or share.get("indsatsomraade")
            where = path + ("fordeling", i, "aktivitet" if share.get("aktivitet") else "indsatsomraade")
            if share.get("aktivitet") and target not in activities:
                findings.append(dangling(source, where, target, activities, "en aktivitet i en delaftale"))
            elif share.get("indsatsomraade") and target not in areas:
                findings.append(dangling(source, where, target, areas, "et valgt indsatsområde"))
        if person.get("fordeling") and round(total, 6) != 100:
            findings.append(error(source.position(path + ("fordeling",), key=True),
                                  f"{person['titel']}s tid fordeles på {danish.number(total)} % i alt; "
                                  f"andelene skal give 100 % (mangler {danish.number(round(100 - total, 6))} %)", "tidsfordeling"))
    return findings


def model(source, aset, context) -> dict:
    from ..render.figures.orgdiagram import (  # `validate` never draws
        org_picture,
        org_svg,
    )

    data, catalogue = source.data, context["catalogue"]
    parties = {p["id"]: p for p in data["parter"]}
    areas = area_names(catalogue)

    kort = data["kort_om_boligomraadet"]
    # Counts are printed as written (`*_tekst`); the plain figure is there only when it is exact,
    # so a template's `|tal` prints nothing rather than a figure the author did not give.
    afdelinger = [dict(a, boligorganisation_navn=_short(parties[a["boligorganisation"]]),
                       lejemaal=danish.exact_count(a["lejemaal"]), lejemaal_tekst=danish.count(a["lejemaal"]))
                  for a in kort["afdelinger"]]
    given = {a["id"]: a["lejemaal"] for a in kort["afdelinger"]}
    by_id = {a["id"]: a for a in afdelinger}
    zoner = [_zone(z, by_id, given) for z in data["organisering"].get("zoner", [])]
    total = danish.count_total(list(given.values()))
    scope = [_items(len(afdelinger), "afdeling", "afdelinger"), danish.count_phrase(total, "lejemål"),
             danish.count_phrase(kort["beboere"], "beboere")]

    activity_names = activities(aset)
    medarbejdere = [dict(m, fordeling_tekst=staff_shares_text(m, activity_names, areas))
                    for m in data["organisering"].get("medarbejdere", [])]

    return {
        **data,
        "periode_tekst": danish.period(data["periode"]),
        "parter": [_party(p) for p in data["parter"]],
        "boligorganisationer": [p for p in data["parter"] if p["type"] == "boligorganisation"],
        "kort_om_boligomraadet": dict(
            kort, afdelinger=afdelinger, lejemaal_i_alt=total["vaerdi"], lejemaal_i_alt_tekst=total["tekst"],
            antal_afdelinger=len(afdelinger), beboere=danish.exact_count(kort["beboere"]),
            beboere_tekst=danish.count(kort["beboere"]),
            # "19 afdelinger, 4.135 lejemål og 9.027 beboere", the parts for other sentences
            omfang_dele=scope, omfang_tekst=f"{scope[0]}, {scope[1]} og {scope[2]}"),
        "vision": _vision(data.get("vision")),
        "organisering": dict(data["organisering"], zoner=zoner, medarbejdere=medarbejdere,
                             afsnit=_order(data["organisering"], zoner)),
        "organisationsdiagram": org_picture(data),  # drawn from the data above, never by hand
        "organisationsdiagram_svg": org_svg(data),  # the same diagram for the site
        "indikatorraekker": indicator_rows(data["maal_og_indikatorer"], catalogue),
        "maal_og_indikatorer_note": data.get("maal_og_indikatorer_note", ""),
        "indsatsomraader": [dict(a, navn=areas[a["omraade"]]) for a in data["indsatsomraader"]],
        "delaftaler": [f"Delaftale for indsatsområdet {areas[a['omraade']]}" for a in data["indsatsomraader"]],
        # The round's form, for a template of its own layout: section titles, fixed guidance, documents.
        "pulje_navn": catalogue.get("navn", catalogue["pulje"]),
        "formular": form_texts(catalogue),
        "skabelon": ((catalogue.get("formular") or {}).get("samarbejdsaftale") or {}).get("skabelon"),
        "aftaledokumenter": agreement_documents(catalogue, data["indsatsomraader"], areas),
    }


def form_texts(catalogue) -> dict:
    """The round's section titles (`afsnit`) and fixed guidance (`vejledning`) for this form."""
    form = (catalogue.get("formular") or {}).get("samarbejdsaftale") or {}
    return {"afsnit": dict(form.get("afsnit") or {}), "vejledning": dict(form.get("vejledning") or {})}


def agreement_documents(catalogue, chosen, areas) -> list[str]:
    """The round's list of documents that go with the agreement, as the Word file prints it: one
    line per document, the delaftaler by name."""
    lines = []
    for document in catalogue.get("aftaledokumenter") or []:
        if document.get("pr_indsatsomraade"):
            lines += [f"Delaftale for indsatsområdet {areas[a['omraade']]}" for a in chosen]
        else:
            name = document.get("navn") or document.get("dokumenttype", "")
            lines.append(name[:1].upper() + name[1:])
    return lines


def indicator_rows(rows, catalogue) -> list[dict]:
    """Section 5's table in the catalogue's order; the goal is written on its first row only."""
    given = {r["indikator"]: r for r in rows}
    result = []
    for goal in catalogue.get("maal") or []:
        first = True
        for ind in goal["indikatorer"]:
            row = given.get(ind["id"])
            if row is None:
                continue
            result.append({
                "id": ind["id"],
                "maal": goal["tekst"] if first else "",
                "indikator": ind["tekst"],
                "baseline_boligomraade": values_text(row["baseline_boligomraade"], ind["enhed"]),
                "baseline_kommune": values_text(row.get("baseline_kommune"), ind["enhed"]),
                "baseline_boligomraade_vaerdier": values_raw(row["baseline_boligomraade"], ind["enhed"]),
                "baseline_kommune_vaerdier": values_raw(row.get("baseline_kommune"), ind["enhed"]),
                "baseline_aar": str(row.get("baseline_aar", "")),
                "datakilde": row.get("datakilde") or ind["datakilde"],
            })
            first = False
    return result


def staff_shares_text(person, activity_names, area_names) -> str:
    """'75 % Superkræfter, 25 % Sprogundervisning og lektiehjælp' — one source for every document."""
    parts = []
    for share in person.get("fordeling", []):
        if share.get("aktivitet"):
            name = activity_names.get(share["aktivitet"], (share["aktivitet"], None))[0]
        else:
            name = f"delaftalen {area_names.get(share['indsatsomraade'], share['indsatsomraade'])}"
        parts.append(f"{danish.percent(share['andel'])} {name}")
    return ", ".join(parts)


def _party(party) -> dict:
    """A party with its postal address as lines (each printed on a line of its own)."""
    lines = [line.strip() for line in (party.get("adresse") or "").splitlines() if line.strip()]
    return dict(party, adresse_linjer=lines, adresse_tekst="\n".join(lines))


def _zone(zone, afdelinger: dict, given: dict) -> dict:
    """A zone with its afdelinger and their lejemål summed (as count_total says it)."""
    total = danish.count_total([given[i] for i in zone["afdelinger"]])
    members = [afdelinger[i] for i in zone["afdelinger"]]
    return dict(zone, afdelinger=members, lejemaal=total["vaerdi"], lejemaal_tekst=total["tekst"],
                antal_afdelinger=len(members), afdelinger_tekst=", ".join(a["navn"] for a in members),
                omfang_tekst=f"{_items(len(members), 'afdeling', 'afdelinger')}, {danish.count_phrase(total, 'lejemål')}")


def _vision(vision):
    """Target groups with their heading: 'Unge uden job (375 i helhedsplanens område)', or only the
    count, or nothing when a group has neither name nor count."""
    if not vision:
        return vision
    groups = []
    for group in vision.get("maalgrupper") or []:
        count = danish.count(group.get("antal")) if group.get("antal") is not None else ""
        brackets = " ".join(x for x in (count, group.get("antal_tekst") or "") if x)
        heading = " ".join(x for x in (group.get("navn") or "", f"({brackets})" if brackets else "") if x)
        groups.append(dict(group, antal=danish.exact_count(group.get("antal")), parentes_tekst=brackets,
                           overskrift=heading))
    return dict(vision, maalgrupper=groups)


def _order(organisering, zoner: list[dict]) -> list[dict]:
    """`organisering.afsnit` resolved: each item with its `art` (tekst, organ, zone) and the organ
    or zone itself (`organet`, `zonen`, beside the ids as written), so a template prints section 3
    in the author's order."""
    organs = {o["id"]: o for o in organisering.get("organer") or []}
    zones = {z["id"]: z for z in zoner}
    result = []
    for item in organisering.get("afsnit") or []:
        art = "organ" if item.get("organ") else "zone" if item.get("zone") else "tekst"
        result.append(dict(item, art=art, organet=organs.get(item.get("organ")), zonen=zones.get(item.get("zone"))))
    return result


def _items(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _short(party) -> str:
    return party.get("forkortelse") or party["navn"]


def site_files(model: dict) -> dict[str, bytes]:
    """Files the site page shows besides its text: the organisation diagram."""
    svg = model.get("organisationsdiagram_svg")
    return {"grafer/organisationsdiagram.svg": svg.encode("utf-8")} if svg else {}
