"""从人员库生成选民名单: the preview's buckets, the confirmation's writes and refusals, the page."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.voters.models import ChangeReason, RegistrationConflict, VoterRegistration
from huanjie.voters.services import (
    MSG_FROZEN,
    MSG_NO_ELECTION_DATE,
    MSG_NOT_ALLOWED,
    DuplicateRegistration,
    conflict_resolve,
    voter_list_publish,
    voter_register,
    voter_remove,
)
from huanjie.voters.services.roll_build import (
    MSG_CHANGED,
    MSG_DONE,
    RollChanged,
    roll_build_confirm,
    roll_build_preview,
)
from huanjie.voters.tests.test_roll_cast import make_person, make_roll

COMMUNITY = "630121100001"  # 人民路南社区, in 桥头镇
NEIGHBOUR = "630121100207"  # 毛家寨村, in 桥头镇 as well


def _status(person, died_on=None, deprived=(None, None)):
    """What a recorded notice leaves on the person (the status service is tested elsewhere)."""
    person.died_on = died_on
    person.rights_deprived_from, person.rights_deprived_until = deprived
    person.save(update_fields=["died_on", "rights_deprived_from", "rights_deprived_until"])


@pytest.fixture
def village(cast):
    """红河限村 with one person of each kind whose 户籍 is there, and one whose 户籍 is not."""
    roll = make_roll(cast)
    other = make_roll(cast, code=OTHER_TOWN_VILLAGE, campaign=roll.campaign)
    people = {
        "adult": make_person("成年甲", group="第二村民小组", household="0002")[0],
        "adult2": make_person("成年乙", group="第十一村民小组", household="0011")[0],
        "no_group": make_person("无组", group="")[0],
        # 18 on 2026-12-21, the day after election day
        "minor": make_person("未满", birth=date(2008, 12, 21))[0],
        "just18": make_person("刚满", birth=date(2008, 12, 20), group="第二村民小组")[0],
        "dead": make_person("已故")[0],
        "deprived": make_person("服刑")[0],
        "served": make_person("期满")[0],  # deprived until the day before election day
        "here": make_person("已登")[0],
        "removed": make_person("已除")[0],
        "elsewhere": make_person("他村")[0],
    }
    make_person("外村人", region=OTHER_TOWN_VILLAGE)
    _status(people["dead"], died_on=date(2026, 10, 5))
    _status(people["deprived"], deprived=(date(2025, 1, 1), None))  # 终身
    _status(people["served"], deprived=(date(2023, 1, 1), date(2026, 12, 19)))
    voter_register(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        person=people["here"],
        category="hukou_resident",
    )
    removed = voter_register(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        person=people["removed"],
        category="hukou_resident",
    )
    voter_remove(actor=cast.village_clerk, registration=removed, reason=ChangeReason.MOVED_OUT)
    first = voter_register(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=other.village,
        person=people["elsewhere"],
        category="incomer_or_worker_one_year",
    )
    return roll, people, first


def _counts(build):
    return (
        build.hukou,
        build.to_add,
        build.unchanged,
        build.removed_here,
        build.elsewhere,
        build.conflicts_new,
        build.under_age,
        build.dead,
        build.deprived,
    )


def test_the_preview_sorts_every_person_of_the_hukou_into_one_bucket(cast, village):
    roll, _, _ = village
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    # hukou, add, unchanged, removed here, elsewhere, new conflicts, under 18, dead, deprived
    assert _counts(build) == (11, 5, 1, 1, 1, 1, 1, 1, 1)
    assert build.category == "hukou_resident"
    assert build.election_date == date(2026, 12, 20)
    # Roll order: groups in their natural order (第二 before 第十一), 未分组 last; households.
    assert [r.name for r in build.sample] == ["期满", "刚满", "成年甲", "成年乙", "无组"]
    assert build.groups == (
        ("第一村民小组", 1),
        ("第二村民小组", 2),
        ("第十一村民小组", 1),
        ("未分组", 1),
    )
    assert all("*" * 8 in r.id_masked for r in build.sample)
    (row,) = build.elsewhere_rows
    assert (row.name, row.where, row.sent) == ("他村", "城关镇东门村", False)


def test_the_preview_writes_nothing(cast, village):
    roll, _, _ = village
    before = (
        VoterRegistration.objects.count(),
        RegistrationConflict.objects.count(),
        AuditEvent.objects.count(),
    )
    roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    after = (
        VoterRegistration.objects.count(),
        RegistrationConflict.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_confirm_writes_exactly_the_previewed_ones_with_one_audit_event(cast, village):
    roll, people, first = village
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    done = roll_build_confirm(
        actor=cast.village_clerk, entry=roll.entry, expected=build.fingerprint
    )
    assert done == build
    added = VoterRegistration.objects.filter(
        campaign=roll.campaign, village=roll.village, added_reason=ChangeReason.NEW
    ).exclude(person__in=[people["here"], people["removed"]])
    assert {r.person.name for r in added} == {"成年甲", "成年乙", "无组", "刚满", "期满"}
    assert all(r.active and r.category == "hukou_resident" and r.flag == "" for r in added)
    assert added.get(person=people["adult2"]).group_name == "第十一村民小组"
    # The removed registration stays removed; nobody excluded by law is on the roll.
    assert not VoterRegistration.objects.get(person=people["removed"]).active
    for name in ("minor", "dead", "deprived"):
        assert not VoterRegistration.objects.filter(person=people[name]).exists()
    # The one registered elsewhere: not twice, a conflict for the county naming the first.
    assert VoterRegistration.objects.filter(person=people["elsewhere"]).get() == first
    conflict = RegistrationConflict.objects.get()
    assert (conflict.person, conflict.first, conflict.village_id) == (
        people["elsewhere"],
        first,
        VILLAGE,
    )
    assert conflict.status == "open" and conflict.category == "hukou_resident"
    new = AuditEvent.objects.filter(pk__gt=last)
    assert sorted(new.values_list("action", flat=True)) == ["voter.conflict", "voters.roll_build"]
    event = new.get(action="voters.roll_build")
    assert event.object_id == f"{roll.campaign.pk}:{VILLAGE}"
    assert event.changes["added"] == 5 and event.changes["conflicts"] == 1
    assert event.changes["dead"] == 1 and event.changes["under_age"] == 1


def test_running_it_again_adds_nothing(cast, village):
    roll, _, _ = village
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    roll_build_confirm(actor=cast.village_clerk, entry=roll.entry, expected=build.fingerprint)
    counts = (
        VoterRegistration.objects.count(),
        RegistrationConflict.objects.count(),
        AuditEvent.objects.count(),
    )
    again = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    assert _counts(again) == (11, 0, 6, 1, 1, 0, 1, 1, 1)
    assert again.nothing_to_do and again.elsewhere_rows[0].sent
    roll_build_confirm(actor=cast.village_clerk, entry=roll.entry, expected=again.fingerprint)
    assert counts == (
        VoterRegistration.objects.count(),
        RegistrationConflict.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_conflict_the_county_decided_is_not_sent_again(cast, village):
    roll, _, _ = village
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    roll_build_confirm(actor=cast.village_clerk, entry=roll.entry, expected=build.fingerprint)
    conflict_resolve(
        actor=cast.county_officer,
        conflict=RegistrationConflict.objects.get(),
        decision="kept_first",
    )
    again = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    assert (again.elsewhere, again.conflicts_new, again.nothing_to_do) == (1, 0, True)


def test_a_change_since_the_preview_shows_the_new_preview_instead_of_writing(cast, village):
    roll, people, _ = village
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    make_person("新迁入")
    with pytest.raises(RollChanged) as exc:
        roll_build_confirm(actor=cast.village_clerk, entry=roll.entry, expected=build.fingerprint)
    assert exc.value.messages == [MSG_CHANGED]
    assert exc.value.build.to_add == 6
    assert not VoterRegistration.objects.filter(person=people["adult"]).exists()
    assert not AuditEvent.objects.filter(action="voters.roll_build").exists()


def test_a_swap_that_keeps_every_count_still_counts_as_a_change(cast, village):
    roll, people, _ = village
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    people["adult"].region_id = NEIGHBOUR  # moved out ...
    people["adult"].save()
    make_person("迁入")  # ... and someone else moved in
    with pytest.raises(RollChanged) as exc:
        roll_build_confirm(actor=cast.village_clerk, entry=roll.entry, expected=build.fingerprint)
    assert _counts(exc.value.build) == _counts(build)
    assert not VoterRegistration.objects.filter(person__name="迁入").exists()


def test_a_published_roll_is_refused(cast, village):
    roll, _, _ = village
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    voter_list_publish(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    frozen = [MSG_FROZEN.format(day="2026年11月30日")]
    with pytest.raises(ValidationError) as exc:
        roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    assert exc.value.messages == frozen
    registered = VoterRegistration.objects.count()
    with pytest.raises(ValidationError) as exc:
        roll_build_confirm(actor=cast.village_clerk, entry=roll.entry, expected=build.fingerprint)
    assert exc.value.messages == frozen
    assert VoterRegistration.objects.count() == registered


def test_a_village_without_its_election_day_is_refused(cast):
    roll = make_roll(cast, day=None)
    make_person("成年")
    for call in (
        lambda: roll_build_preview(actor=cast.village_clerk, entry=roll.entry),
        lambda: roll_build_confirm(actor=cast.village_clerk, entry=roll.entry, expected="x"),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.messages == [MSG_NO_ELECTION_DATE]
    assert not VoterRegistration.objects.exists()


def test_whom_may_not_manage_the_village_is_refused(cast, village):
    roll, _, _ = village
    other = make_roll(cast, code=NEIGHBOUR, campaign=roll.campaign)
    for actor, entry in (
        (cast.village_clerk, other.entry),
        (cast.other_county_officer, roll.entry),
        (cast.inspector, roll.entry),
    ):
        with pytest.raises(ValidationError) as exc:
            roll_build_preview(actor=actor, entry=entry)
        assert exc.value.messages == [MSG_NOT_ALLOWED]


def test_a_community_registers_its_hukou_residents_in_the_community_category(cast):
    roll = make_roll(cast, code=COMMUNITY)
    make_person("居民", region=COMMUNITY, group="")
    build = roll_build_preview(actor=cast.town_officer, entry=roll.entry)
    assert (build.to_add, build.category) == (1, "community_hukou")
    roll_build_confirm(actor=cast.town_officer, entry=roll.entry, expected=build.fingerprint)
    assert VoterRegistration.objects.get().category == "community_hukou"


def test_the_same_person_cannot_be_registered_twice_after_a_build(cast, village):
    roll, people, _ = village
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    roll_build_confirm(actor=cast.village_clerk, entry=roll.entry, expected=build.fingerprint)
    other = make_roll(cast, code=NEIGHBOUR, campaign=roll.campaign)
    with pytest.raises(DuplicateRegistration):
        voter_register(
            actor=cast.town_officer,
            campaign=roll.campaign,
            village=other.village,
            person=people["adult"],
            category="incomer_or_worker_one_year",
        )


# ---------------------------------------------------------------------------------------------
# The page.


def _url(roll, code=VILLAGE):
    return f"/voters/{roll.campaign.pk}/{code}/build/"


def test_the_clerk_previews_and_confirms_on_the_page(cast, village):
    roll, people, _ = village
    client = cast.client(cast.village_clerk)
    response = client.get(_url(roll))
    assert response.status_code == 200
    page = response.content.decode()
    build = response.context["build"]
    assert build.to_add == 5 and build.fingerprint in page
    assert "成年甲" in page and people["adult"].id_masked in page and "第十一村民小组" in page
    assert "城关镇东门村" in page
    response = client.post(_url(roll), {"fingerprint": build.fingerprint})
    assert (
        response.status_code == 302
        and response["Location"] == f"/voters/{roll.campaign.pk}/{VILLAGE}/"
    )
    message = MSG_DONE.format(added=5, unchanged=1, conflicts=1)
    assert message in client.get(response["Location"]).content.decode()
    assert VoterRegistration.objects.filter(person=people["adult"], active=True).exists()
    again = client.get(_url(roll))
    assert (
        again.context["build"].nothing_to_do and 'name="fingerprint"' not in again.content.decode()
    )


def test_the_page_never_shows_a_full_id_number(cast):
    roll = make_roll(cast)
    _, number = make_person("张三")
    page = cast.client(cast.village_clerk).get(_url(roll)).content.decode()
    assert "张三" in page and number not in page


def test_a_stale_confirmation_shows_the_new_preview_and_writes_nothing(cast, village):
    roll, _, _ = village
    client = cast.client(cast.village_clerk)
    stale = client.get(_url(roll)).context["build"].fingerprint
    make_person("新迁入")
    response = client.post(_url(roll), {"fingerprint": stale})
    assert response.status_code == 200
    assert response.context["build"].to_add == 6
    assert MSG_CHANGED in response.content.decode()
    assert not AuditEvent.objects.filter(action="voters.roll_build").exists()
    assert not VoterRegistration.objects.filter(person__name="新迁入").exists()


def test_the_page_gives_the_refusals_as_messages(cast, village):
    roll, _, _ = village
    client = cast.client(cast.village_clerk)
    fingerprint = client.get(_url(roll)).context["build"].fingerprint
    voter_list_publish(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    registered = VoterRegistration.objects.count()
    for response in (client.get(_url(roll)), client.post(_url(roll), {"fingerprint": fingerprint})):
        assert response.status_code == 200
        assert response.context["refused"] == [MSG_FROZEN.format(day="2026年11月30日")]
    assert VoterRegistration.objects.count() == registered
    undated = make_roll(cast, code=NEIGHBOUR, campaign=roll.campaign, day=None)
    response = cast.client(cast.town_officer).get(_url(undated, NEIGHBOUR))
    assert response.context["refused"] == [MSG_NO_ELECTION_DATE]
    assert MSG_NO_ELECTION_DATE in response.content.decode()


def test_another_county_gets_404_on_get_and_post(cast, village):
    roll, _, _ = village
    client = cast.client(cast.other_county_officer)
    fingerprint = roll_build_preview(actor=cast.village_clerk, entry=roll.entry).fingerprint
    assert client.get(_url(roll)).status_code == 404
    assert client.post(_url(roll), {"fingerprint": fingerprint}).status_code == 404
    assert not AuditEvent.objects.filter(action="voters.roll_build").exists()


def test_a_clerk_of_another_village_and_a_user_without_the_right_get_404(cast, village):
    roll, _, _ = village
    other = make_roll(cast, code=NEIGHBOUR, campaign=roll.campaign)
    clerk = cast.client(cast.village_clerk)
    assert clerk.get(_url(other, NEIGHBOUR)).status_code == 404
    assert clerk.post(_url(other, NEIGHBOUR), {"fingerprint": "x"}).status_code == 404
    inspector = cast.client(cast.inspector)  # sees the county's rolls, may not manage them
    assert inspector.get(_url(roll)).status_code == 404
    assert inspector.post(_url(roll), {"fingerprint": "x"}).status_code == 404


def test_the_roll_shows_the_button_until_the_list_is_published(cast, village):
    roll, _, _ = village
    client = cast.client(cast.village_clerk)
    roll_url = f"/voters/{roll.campaign.pk}/{VILLAGE}/"
    assert _url(roll) in client.get(roll_url).content.decode()
    assert _url(roll) not in cast.client(cast.inspector).get(roll_url).content.decode()
    voter_list_publish(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    assert _url(roll) not in client.get(roll_url).content.decode()


@pytest.mark.parametrize("people", [3, 60])
def test_the_preview_page_takes_the_same_queries_however_many_people(
    cast, django_assert_max_num_queries, people
):
    roll = make_roll(cast)
    for i in range(people):
        make_person(f"人{i}", group=f"第{i % 7 + 1}组")
    client = cast.client(cast.village_clerk)
    with django_assert_max_num_queries(14):
        response = client.get(_url(roll))
    assert response.context["build"].to_add == people
