"""The village roster's details, reserve cadres and the care of departing cadres in the role ×
action matrix (huanjie/tests/test_service_matrix.py): each on rows of the place's village, made
directly (terms 10 and 11 of the place's county, a cadre who stayed and one who left)."""

from __future__ import annotations

from datetime import date
from typing import Any

from huanjie.accounts.permissions import Action

P = "huanjie.rosters.services."
R10, R11 = date(2021, 1, 20), date(2024, 1, 20)


def terms_at(w: Any, at: Any) -> tuple[Any, Any]:
    from huanjie.rosters.models import Term

    county = w.region(at.county)
    old, _ = Term.objects.get_or_create(county=county, number=10, defaults={"reference_date": R10})
    new, _ = Term.objects.get_or_create(county=county, number=11, defaults={"reference_date": R11})
    return old, new


def row_at(w: Any, at: Any, term: Any, person: Any, post: str = "member") -> Any:
    from huanjie.rosters.models import Cadre

    return Cadre.objects.create(
        village_id=at.village,
        body="villagers",
        term=term,
        term_number=term.number,
        post=post,
        person=person,
        name=person.name,
        sex=person.sex,
        source="import",
        started_on=term.reference_date,
    )


def cadre_at(w: Any, at: Any) -> Any:
    """A member on the place's term-11 roster."""
    _, new = terms_at(w, at)
    return row_at(w, at, new, w.person(at, "马成林"))


def departed_at(w: Any, at: Any) -> dict[str, Any]:
    """One who held a post in term 10 and is not on the term-11 roster of the place."""
    old, new = terms_at(w, at)
    left = w.person(at, "韩玉梅")
    row_at(w, at, old, left)
    row_at(w, at, new, w.person(at, "马成林"))
    return {"village": w.region(at.village), "term": old, "person": left}


def reserve_at(w: Any, at: Any) -> Any:
    from huanjie.rosters.models import ReserveCadre

    person = w.person(at, "祁海燕")
    return ReserveCadre.objects.create(
        village_id=at.village,
        person=person,
        name=person.name,
        sex=person.sex,
        birth_date=person.birth_date,
        added_on=date(2023, 5, 1),
        recorded_by=w.officer(at),
    )


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_ROSTER
    return {
        P + "cadres.cadre_update": Case(
            manage,
            lambda w, at: {
                "cadre": cadre_at(w, at),
                "education": "大专",
                "political_status": "党员",
                "ethnicity": "回族",
                "tags": ["tag_veteran"],
            },
        ),
        P + "cadres.cadre_leave": Case(
            manage,
            lambda w, at: {
                "cadre": cadre_at(w, at),
                "ended_on": R11,
                "reason": "resigned",
            },
        ),
        P + "reserve.reserve_add": Case(
            manage,
            lambda w, at: {
                "village": w.region(at.village),
                "id_number": w.number(date(1992, 4, 3)),
                "name": "祁文杰",
                "education": "本科",
                "added_on": date(2023, 5, 1),
            },
        ),
        P + "reserve.reserve_update": Case(
            manage,
            lambda w, at: {
                "reserve": reserve_at(w, at),
                "occupation": "村合作社会计",
                "added_on": date(2023, 5, 1),
            },
        ),
        P + "reserve.reserve_remove": Case(
            manage,
            lambda w, at: {
                "reserve": reserve_at(w, at),
                "removed_on": date(2024, 2, 1),
                "reason": "外出务工",
            },
        ),
        P + "care.departure_care_record": Case(
            manage,
            lambda w, at: {
                **departed_at(w, at),
                "talked_on": date(2024, 2, 1),
                "one_off_payment": "3000",
                "pension_support": "1200.50",
                "placed": True,
                "placement": "镇农业服务中心",
                "note": "",
            },
        ),
    }
