"""The demo county's reserve cadres and the care of its departing cadres, through the services,
once terms 10 and 11 are on its roster (rosters.demo). Deterministic and idempotent: a second
run adds nothing.

- Reserve cadres: in every third village, the term-11 cadres who were not cadres in term 10 (up
  to two: the town had kept them in view, and they were elected) and one more villager who is on
  no roster; entered half a year before term 11's reference date.
- Care: nine in ten of those who left at term 11, talked to after the change; about 60% placed
  elsewhere (seed 003: "全市共有103名村干部退出村级班子，其中另行安排工作的62名"), with a one-off
  payment of 2,000 to 5,000 元 and, for most, the pension contribution continued (seed 003:
  "提高一次性补助标准及养老保险财政补助续交").
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from django.utils import timezone

from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rosters.care import departures
from huanjie.rosters.models import Cadre, ReserveCadre, Term
from huanjie.rosters.services.care import departure_care_record
from huanjie.rosters.services.reserve import reserve_add

if TYPE_CHECKING:
    from huanjie.accounts.models import User

PLACEMENTS: Final = (
    "镇农业综合服务中心",
    "村级公益性岗位（护林员）",
    "县供销社基层网点",
    "村股份经济合作社聘用",
    "镇便民服务中心",
)
CHANNELS: Final = ("村级推荐", "乡镇党委考察", "返乡创业人才", "退役军人")


def care_seed(*, county_code: str = "630121", actor: User) -> dict[str, int]:
    """Seed the reserve and the care rows of `county_code` (terms 10 and 11 must exist).
    Returns what it added."""
    terms = {t.number: t for t in Term.objects.filter(county_id=county_code, number__in=(10, 11))}
    if set(terms) != {10, 11}:
        return {"reserve": 0, "care": 0}
    return {
        "reserve": _reserve(county_code, terms[10], terms[11], actor),
        "care": _care(county_code, terms[10], terms[11], actor),
    }


def _reserve(county_code: str, old: Term, new: Term, actor: User) -> int:
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=county_code).order_by(
            "code"
        )
    )[::3]
    added_on = min(new.reference_date - timedelta(days=180), timezone.localdate())
    made = 0
    for i, village in enumerate(villages):
        already = set(ReserveCadre.objects.filter(village=village).values_list("person", flat=True))
        before = Cadre.objects.filter(village=village, term=old).values("person")
        on_new = Cadre.objects.filter(village=village, term=new, person__isnull=False)
        chosen = list(
            Person.objects.filter(pk__in=on_new.values("person"))
            .exclude(pk__in=before)
            .order_by("birth_date", "pk")[:2]
        )
        rostered = Cadre.objects.filter(village=village, person__isnull=False).values("person")
        chosen += list(
            Person.objects.filter(
                region=village, birth_date__year__gte=1985, erased_on__isnull=True
            )
            .exclude(pk__in=rostered)
            .order_by("birth_date", "pk")[:1]
        )
        for j, person in enumerate(chosen):
            if person.pk in already:
                continue
            reserve_add(
                actor=actor,
                village=village,
                person=person,
                education=("30", "20", "60")[(i + j) % 3],
                political_status=("01", "03", "13")[(i + j) % 3],
                occupation="村民小组长" if j == 0 else "种养殖户",
                intended_body=("villagers", "party")[j % 2],
                intended_post="member",
                channel=CHANNELS[(i + j) % len(CHANNELS)],
                added_on=added_on,
            )
            made += 1
    return made


def _care(county_code: str, old: Term, new: Term, actor: User) -> int:
    talked_on = min(new.reference_date + timedelta(days=20), timezone.localdate())
    made = 0
    found = [d for d in departures(county_code, new.number) if d.person_id is not None]
    people = {p.pk: p for p in Person.objects.filter(pk__in=[d.person_id for d in found])}
    for i, departure in enumerate(found):
        if departure.care is not None or i % 10 == 9:  # one in ten not yet recorded
            continue
        placed = i % 5 in (0, 1, 3)  # three in five
        departure_care_record(
            actor=actor,
            village=departure.village,
            term=old,
            person=people[departure.person_id or 0],
            talked_on=talked_on,
            one_off_payment=Decimal(2000 + 500 * (i % 7)),
            pension_support=Decimal(0 if i % 4 == 2 else 1200 + 300 * (i % 3)),
            placed=placed,
            placement=PLACEMENTS[i % len(PLACEMENTS)] if placed else "",
            note="",
        )
        made += 1
    return made
