"""The village roster's, reserve cadres' and departures' routes for the site-wide walks
(huanjie/conftest.py app_route_modules): terms 10 and 11 of 630121 with one member of 红河限村
who stayed, one who left (with the care recorded), and a reserve cadre; made once per walk."""

from __future__ import annotations

from datetime import date
from typing import Any

from huanjie.conftest import COUNTY, TOWN, VILLAGE

# The removal of a reserve cadre is a form on the reserve's edit page; its URL takes a POST.
POST_ONLY = {"rosters:reserve_remove", "rosters:cadre_leave"}


def walk_care(cast: Any, objects: dict[str, Any]) -> dict[str, Any]:
    if "care_walk" in objects:
        return objects["care_walk"]
    from huanjie.regions.models import Region
    from huanjie.rosters.models import Cadre, Term
    from huanjie.rosters.services.care import departure_care_record
    from huanjie.rosters.services.reserve import reserve_add
    from huanjie.rosters.tests.care_world import person

    county = Region.objects.get(code=COUNTY)
    # Another part's walk may have made them first (the roster import's).
    old, _ = Term.objects.get_or_create(
        county=county, number=10, defaults={"reference_date": date(2021, 1, 20)}
    )
    new, _ = Term.objects.get_or_create(
        county=county, number=11, defaults={"reference_date": date(2024, 1, 20)}
    )
    stayed, _ = person("马成林")
    left, _ = person("韩玉梅", sex="F")
    rows = {}
    for term, who in ((old, stayed), (old, left), (new, stayed)):
        rows[(term.number, who.pk)] = Cadre.objects.create(
            village_id=VILLAGE,
            body="villagers",
            term=term,
            term_number=term.number,
            post="member",
            person=who,
            name=who.name,
            sex=who.sex,
            source="import",
            started_on=term.reference_date,
        )
    village = Region.objects.get(code=VILLAGE)
    reserve = reserve_add(
        actor=cast.county_officer, village=village, person=stayed, added_on=date(2023, 5, 1)
    )
    departure_care_record(
        actor=cast.county_officer,
        village=village,
        term=old,
        person=left,
        talked_on=date(2024, 2, 1),
        one_off_payment="3000",
        pension_support="0",
        placed=False,
        placement="",
        note="",
    )
    objects["care_walk"] = {
        "cadre": rows[(11, stayed.pk)],
        "reserve": reserve,
        "term": old,
        "left": left,
    }
    return objects["care_walk"]


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    made = walk_care(cast, objects)
    areas = [{"code": COUNTY}, {"code": TOWN}, {"code": VILLAGE}]
    return {
        "rosters:village": [{"code": VILLAGE}],
        "rosters:cadre_edit": [{"pk": made["cadre"].pk}],
        "rosters:cadre_leave": [{"pk": made["cadre"].pk}],
        "rosters:reserve": areas,
        "rosters:reserve_edit": [{"pk": made["reserve"].pk}],
        "rosters:reserve_remove": [{"pk": made["reserve"].pk}],
        "rosters:departures": areas,
        "rosters:departure_care": [
            {"code": VILLAGE, "term_id": made["term"].pk, "person_id": made["left"].pk}
        ],
    }
