"""Kommissorium for bestyrelsen: the board's purpose, members, tasks, meetings, secretariat and rules.

The board is one of the strategic agreement's organs (type bestyrelse); its name, and its tasks when
the kommissorium does not list its own, come from there, so they are written in one place.
"""
from __future__ import annotations

from ..findings import Finding, error, warning
from ._common import (
    agreement_fields,
    agreement_or_error,
    check_party,
    dangling,
    each,
    set_parties,
)

BOARD = "bestyrelse"


def check(source, aset, context) -> list[Finding]:
    agreement, findings = agreement_or_error(source, aset)
    if agreement is None:
        return findings
    data = source.data
    board, problems = _check_board(source, agreement)
    findings += problems
    if not problems and not data.get("opgaver") and not (board or {}).get("opgaver"):
        findings.append(error(source.position(), "kommissoriet mangler bestyrelsens opgaver: skriv dem under "
                                                 "'opgaver' her eller under bestyrelsen i samarbejdsaftalens organisering",
                              "opgaver"))
    parties = set_parties(aset)
    seats = []
    for path, member in each(source, "medlemmer"):
        if member.get("part"):
            seats += check_party(source, path + ("part",), member["part"], parties)
    findings += seats + check_party(source, ("sekretariat", "part"), data["sekretariat"]["part"], parties)
    if not seats:  # with a mistyped seat, its party would be reported as without a seat, too
        findings += _unseated(source, agreement)
    return findings


def _check_board(source, agreement) -> tuple[dict | None, list[Finding]]:
    """The board the kommissorium names, or the agreement's only one; an error if it is unclear."""
    organ = source.data.get("organ")
    organs = agreement.data["organisering"].get("organer") or []
    boards = [o["id"] for o in organs if o.get("type") == BOARD]
    if organ and organ not in boards:
        return None, [dangling(source, ("organ",), organ, boards,
                               f"en bestyrelse i samarbejdsaftalens organisering ({agreement.display})")]
    if not organ and len(boards) > 1:
        return None, [error(source.position(), f"samarbejdsaftalen har flere bestyrelser ({', '.join(boards)}); "
                                               "angiv med 'organ', hvilken kommissoriet gælder", "reference")]
    return _board(agreement.data, organ), []


def _unseated(source, agreement) -> list[Finding]:
    """A warning for each party of the agreement without a seat on the board."""
    seated = {m.get("part") for m in source.data["medlemmer"]}
    return [warning(source.position(("medlemmer",), key=True),
                    f"aftalens part '{party['navn']}' har ingen plads i bestyrelsen", "medlemmer")
            for party in agreement.data["parter"] if party["id"] not in seated]


def model(source, aset, context) -> dict:
    data = source.data
    agreement = aset.one("samarbejdsaftale").data
    board = _board(agreement, data.get("organ"))
    parties = set_parties(aset)
    members = [dict(m, antal=m.get("antal") or 1, part_navn=_seat_name(m, parties))
               for m in data["medlemmer"]]
    board_name = board["navn"] if board else "bestyrelsen"
    return {
        **data,
        "titel": f"Kommissorium for {board_name}",
        "bestyrelse_navn": board_name,
        "bestyrelse_id": board["id"] if board else None,
        **agreement_fields(agreement),
        "medlemmer": members,
        "antal_pladser": sum(m["antal"] for m in members),
        "opgaver": list(data.get("opgaver") or (board or {}).get("opgaver") or []),
        "sekretariat": dict(data["sekretariat"], part_navn=parties[data["sekretariat"]["part"]]),
    }


def _board(agreement: dict, organ_id: str | None) -> dict | None:
    """The organ the kommissorium is for: the one named, or the agreement's only board."""
    organs = agreement["organisering"].get("organer") or []
    if organ_id:
        return next((o for o in organs if o["id"] == organ_id), None)
    boards = [o for o in organs if o.get("type") == BOARD]
    return boards[0] if len(boards) == 1 else None


def _seat_name(member: dict, parties: dict) -> str:
    """The party's name, the organisation's, or both ("Københavns Kommune (Lokaludvalget)")."""
    names = [parties[member["part"]]] if member.get("part") else []
    if member.get("organisation"):
        names.append(f"({member['organisation']})" if names else member["organisation"])
    return " ".join(names)
