"""One person, one village, one term, in the whole database (村民委员会组织法(2025) 第十六条: "已在
户籍所在村或者居住村登记参加选举的村民，不得再参加其他地方村民委员会的选举"): the duplicate check
spans every campaign whose window overlaps, in another county too, and names another county's
village only to a user whose area holds it; two registrations of one person at once end in one
registration and a Chinese refusal, and a refused one leaves no new person behind."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from huanjie.accounts.models import Role
from huanjie.accounts.services import RoleSpec, user_create
from huanjie.conftest import (
    OTHER_COUNTY,
    OTHER_COUNTY_VILLAGE,
    OTHER_TOWN_VILLAGE,
    PASSWORD,
    VILLAGE,
    disable_audit_guard,
)
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import campaign_create
from huanjie.lib import idcard
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.voters import imports
from huanjie.voters.models import ChangeReason, RegistrationConflict, VoterRegistration
from huanjie.voters.services import (
    MSG_ALREADY_HERE,
    MSG_CONFLICT_SENT,
    MSG_MOVE_OTHER_AREA,
    MSG_REGISTERED_ELSEWHERE,
    MSG_REGISTERED_OTHER_AREA,
    DuplicateRegistration,
    conflict_resolve,
    voter_register,
    voter_register_by_number,
    voter_remove,
)
from huanjie.voters.services.roll_build import roll_build_confirm, roll_build_preview
from huanjie.voters.tests.test_import import HEADER, csv_bytes, messages_of, preview, run
from huanjie.voters.tests.test_roll_cast import ELECTION_DAY, make_person, make_roll

OTHER_PLACE = "城台社区"  # the other county's community: never in a message to 630121's users


def other_county_roll(cast, start=date(2026, 10, 1), end=date(2027, 2, 28)) -> Campaign:
    """湟源县's own campaign (another county), its community voting on ELECTION_DAY."""
    campaign = campaign_create(
        actor=cast.other_county_officer,
        name="湟源县第12届换届",
        term_number=12,
        region=Region.objects.get(code=OTHER_COUNTY),
        rule_province="",
        window_start=start,
        window_end=end,
    )
    day = ELECTION_DAY if start <= ELECTION_DAY <= end else start
    CampaignVillage.objects.filter(campaign=campaign).update(election_date=day)
    return campaign


def register_there(
    cast, campaign: Campaign, person: Person, category: str = "community_hukou"
) -> VoterRegistration:
    return voter_register(
        actor=cast.other_county_officer,
        campaign=campaign,
        village=Region.objects.get(code=OTHER_COUNTY_VILLAGE),
        person=person,
        category=category,
    )


def register_here(actor, roll, person: Person) -> VoterRegistration:
    return voter_register(
        actor=actor,
        campaign=roll.campaign,
        village=roll.village,
        person=person,
        category="hukou_resident",
    )


def city_officer():
    """A county officer bound to 西宁市: an area holding both counties (their common superior)."""
    user, _ = user_create(
        actor=None,
        username="city",
        full_name="周海",
        region=Region.objects.get(code="6301"),
        roles=[RoleSpec(role=Role.COUNTY_OFFICER)],
        password=PASSWORD,
    )
    return user


# --- by hand ------------------------------------------------------------------------------------


def test_another_countys_roll_of_the_same_term_is_a_conflict_that_does_not_name_the_place(cast):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    first = register_there(cast, there, person)
    with pytest.raises(DuplicateRegistration) as exc:
        register_here(cast.village_clerk, roll, person)
    assert exc.value.messages == [MSG_REGISTERED_OTHER_AREA]
    assert OTHER_PLACE not in str(exc.value.messages)
    conflict = exc.value.conflict
    assert (conflict.campaign, conflict.village_id, conflict.first) == (
        roll.campaign,
        VILLAGE,
        first,
    )
    assert VoterRegistration.objects.filter(person=person, active=True).get() == first


def test_a_user_whose_area_holds_both_villages_reads_where(cast):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    register_there(cast, there, person)
    with pytest.raises(DuplicateRegistration) as exc:
        register_here(city_officer(), roll, person)
    assert exc.value.messages == [
        MSG_REGISTERED_ELSEWHERE.format(village="城关镇城台社区") + MSG_CONFLICT_SENT
    ]


def test_a_campaign_of_another_term_does_not_count(cast):
    roll = make_roll(cast)
    before = other_county_roll(cast, start=date(2021, 10, 1), end=date(2021, 12, 31))
    person, _ = make_person("韩福")
    register_there(cast, before, person, category="area_resident")  # the 2018 law then
    assert register_here(cast.village_clerk, roll, person).active


def test_a_removed_registration_in_the_other_county_does_not_count(cast):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    first = register_there(cast, there, person)
    voter_remove(actor=cast.other_county_officer, registration=first, reason=ChangeReason.MOVED_OUT)
    assert register_here(cast.village_clerk, roll, person).active


def test_within_one_campaign_the_village_is_still_named(cast):
    roll = make_roll(cast)
    other = make_roll(cast, code=OTHER_TOWN_VILLAGE, campaign=roll.campaign)
    person, _ = make_person("赵六")
    register_here(cast.county_officer, other, person)
    with pytest.raises(DuplicateRegistration) as exc:
        register_here(cast.village_clerk, roll, person)
    assert exc.value.messages == [
        MSG_REGISTERED_ELSEWHERE.format(village="城关镇东门村") + MSG_CONFLICT_SENT
    ]


# --- where the cross-county conflict is resolved -------------------------------------------------


def test_the_new_registrations_county_may_keep_the_first_but_not_move_it(cast):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    first = register_there(cast, there, person)
    with pytest.raises(DuplicateRegistration) as exc:
        register_here(cast.village_clerk, roll, person)
    conflict = exc.value.conflict
    with pytest.raises(ValidationError) as refused:
        conflict_resolve(actor=cast.county_officer, conflict=conflict, decision="moved")
    assert refused.value.messages == [MSG_MOVE_OTHER_AREA]
    first.refresh_from_db()
    assert first.active
    conflict_resolve(actor=cast.county_officer, conflict=conflict, decision="kept_first")
    conflict.refresh_from_db()
    assert conflict.status == RegistrationConflict.Status.KEPT_FIRST


def test_once_the_other_county_removed_its_registration_the_county_moves_the_person(cast):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    first = register_there(cast, there, person)
    with pytest.raises(DuplicateRegistration) as exc:
        register_here(cast.village_clerk, roll, person)
    voter_remove(
        actor=cast.other_county_officer,
        registration=first,
        reason=ChangeReason.REGISTERED_ELSEWHERE,
    )
    conflict = RegistrationConflict.objects.get(pk=exc.value.conflict.pk)
    conflict_resolve(actor=cast.county_officer, conflict=conflict, decision="moved")
    assert VoterRegistration.objects.get(person=person, active=True).village_id == VILLAGE


def test_the_countys_conflict_page_lists_it_without_naming_the_other_county(cast):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    register_there(cast, there, person)
    with pytest.raises(DuplicateRegistration):
        register_here(cast.village_clerk, roll, person)
    url = reverse("voters:conflicts", args=[roll.campaign.pk])
    page = cast.client(cast.county_officer).get(url).content.decode()
    assert "韩福" in page and "其他地区" in page
    assert OTHER_PLACE not in page and "湟源" not in page


def test_the_common_superior_moves_the_person_across_counties(cast):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    first = register_there(cast, there, person)
    with pytest.raises(DuplicateRegistration) as exc:
        register_here(cast.village_clerk, roll, person)
    conflict_resolve(actor=city_officer(), conflict=exc.value.conflict, decision="moved")
    first.refresh_from_db()
    assert not first.active and first.removed_reason == ChangeReason.REGISTERED_ELSEWHERE
    assert VoterRegistration.objects.get(person=person, active=True).village_id == VILLAGE


def test_the_other_county_may_not_decide_it(cast):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    register_there(cast, there, person)
    with pytest.raises(DuplicateRegistration) as exc:
        register_here(cast.village_clerk, roll, person)
    with pytest.raises(ValidationError):
        conflict_resolve(
            actor=cast.other_county_officer, conflict=exc.value.conflict, decision="kept_first"
        )


# --- the roll import and the roll built from the people database --------------------------------


def test_the_import_makes_a_conflict_of_another_countys_registration_without_naming_it(
    cast, campaign
):
    there = other_county_roll(cast)
    person, number = make_person("张伟")
    first = register_there(cast, there, person)
    rows = [
        HEADER,
        ["张伟", number, "男", "汉族", "第一组"],
        ["李秀英", _new_number(), "女", "汉族", ""],
    ]
    job = preview(cast, campaign, csv_bytes(rows))
    assert messages_of(job) == [(2, imports.MSG_REGISTERED_OTHER_AREA)]
    assert (job.accepted, job.doubtful) == (1, 1)
    job = run(cast, job)
    conflict = RegistrationConflict.objects.get()
    assert (conflict.campaign, conflict.first, conflict.village_id) == (campaign, first, VILLAGE)
    assert VoterRegistration.objects.get(person=person, active=True) == first
    # Again: no second open conflict, no registration.
    run(cast, preview(cast, campaign, csv_bytes(rows)))
    assert RegistrationConflict.objects.count() == 1
    assert VoterRegistration.objects.filter(person=person).count() == 1


def test_the_roll_built_from_the_people_database_sends_another_countys_registration(cast):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    first = register_there(cast, there, person)
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    (row,) = build.elsewhere_rows
    assert (row.name, row.where, row.sent) == ("韩福", "其他地区", False)
    assert build.to_add == 0
    roll_build_confirm(actor=cast.village_clerk, entry=roll.entry, expected=build.fingerprint)
    conflict = RegistrationConflict.objects.get()
    assert conflict.first == first
    assert not VoterRegistration.objects.filter(campaign=roll.campaign).exists()


# --- a refused registration leaves no person ----------------------------------------------------


def test_a_refused_registration_of_a_new_person_leaves_no_person(cast):
    roll = make_roll(cast)
    under_age = idcard.generate("630121", date(2010, 1, 1), "M", 7)
    with pytest.raises(ValidationError):
        voter_register_by_number(
            actor=cast.village_clerk,
            campaign=roll.campaign,
            village=roll.village,
            id_number=under_age,
            name="马小",
            sex="M",
            region=roll.village,
            category="hukou_resident",
        )
    assert not Person.objects.exists()


def test_the_register_page_refusing_a_new_person_leaves_no_person(cast):
    roll = make_roll(cast)
    under_age = idcard.generate("630121", date(2010, 1, 1), "M", 7)
    url = reverse("voters:register", args=[roll.campaign.pk, VILLAGE])
    response = cast.client(cast.village_clerk).post(
        url,
        {
            "id_number": under_age,
            "name": "马小",
            "sex": "M",
            "region_code": "",
            "category": "hukou_resident",
            "group_name": "",
        },
    )
    assert response.status_code == 200
    assert "选举日未满18周岁" in response.content.decode()
    assert not Person.objects.exists()


# --- two at once (PostgreSQL: SQLite has one writer at a time) -----------------------------------


def _at_once(calls):
    """Run the calls in threads released together; each result or exception, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def work(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: no race to lose"
)


@pytest.fixture
def flushable(transactional_db):
    disable_audit_guard()


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_registrations_of_one_new_person_at_once_end_in_one(cast, flushable, round_):
    roll = make_roll(cast)
    number = idcard.generate("630121", date(1980, 5, 1), "F", 20 + round_)

    def call():
        return voter_register_by_number(
            actor=cast.village_clerk,
            campaign=roll.campaign,
            village=roll.village,
            id_number=number,
            name="祁秀兰",
            sex="F",
            region=roll.village,
            category="hukou_resident",
        )

    results = _at_once([call, call])
    done = [r for r in results if isinstance(r, VoterRegistration)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert refused[0].messages == [MSG_ALREADY_HERE]
    assert Person.objects.count() == 1
    assert VoterRegistration.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_villages_of_two_counties_at_once_end_in_one_registration_and_a_conflict(
    cast, flushable
):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    person, _ = make_person("韩福")
    results = _at_once(
        [
            lambda: register_here(cast.village_clerk, roll, person),
            lambda: register_there(cast, there, person),
        ]
    )
    done = [r for r in results if isinstance(r, VoterRegistration)]
    refused = [r for r in results if isinstance(r, DuplicateRegistration)]
    assert len(done) == 1 and len(refused) == 1, results
    assert VoterRegistration.objects.filter(person=person, active=True).count() == 1
    assert RegistrationConflict.objects.count() == 1
    assert OTHER_PLACE not in str(refused[0].messages)


_new = iter(range(300, 400))


def _new_number() -> str:
    return idcard.generate("630121", date(1982, 3, 3), "F", next(_new))
