"""Nominees as a state machine (issue 10 item 2): every service's allowed and refused paths,
the history row and the audit event of each move, scope, and that a person who cannot stand
never becomes a formal candidate by any service."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED, flush_denied
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.elections.models import CampaignVillage
from huanjie.elections.services import election_create, election_set_seats
from huanjie.lib import idcard
from huanjie.nomination import services as n
from huanjie.nomination.models import Nominee, NomineeHistory, Stage
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, person_row
from huanjie.rules.candidates import CandidateFacts

_seq = itertools.cycle(range(1, 500))


def make_person(name: str, region: str = VILLAGE, **fields) -> Person:
    birth = date(1978, 3, 1)
    person = person_row(
        PersonIn(
            id_number=idcard.generate("630121", birth, "F", next(_seq)),
            name=name,
            sex="F",
            birth_date=birth,
            ethnicity="01",
            region_code=region,
        )
    )
    for key, value in fields.items():
        setattr(person, key, value)
    person.save()
    return person


def make_election(cast, campaign, body="villagers", method="voters", code=VILLAGE):
    entry = CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id=code
    )
    election = election_create(
        actor=cast.county_officer, entry=entry, body=body, nomination_method=method
    )
    seats = {"secretary": 1, "member": 4} if body == "party" else {"director": 1, "member": 4}
    return election_set_seats(actor=cast.county_officer, election=election, seats=seats)


def propose(actor, election, name="马玉兰", post="member", how="self", person=None):
    return n.nominee_propose(
        actor=actor,
        election=election,
        post=election.posts.get(post=post),
        person=person or make_person(name),
        how_nominated=how,
    )


def history(nominee):
    return list(
        NomineeHistory.objects.filter(nominee=nominee).values_list("from_stage", "to_stage")
    )


def _events(prefix="nominee."):
    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def villagers(cast, campaign):
    return make_election(cast, campaign)


@pytest.fixture
def party(cast, campaign):
    return make_election(cast, campaign, body="party", method="three_recommendations")


# ---------------------------------------------------------------------------------------------
# The committee's path.


def test_a_committee_nominee_goes_from_nomination_to_formal_with_history_and_audit(cast, villagers):
    clerk = cast.village_clerk
    nominee = propose(clerk, villagers, how="voters_jointly")
    assert (nominee.stage, nominee.order) == (Stage.NOMINATED, 1)
    n.nominee_send_to_review(actor=clerk, nominee=nominee)
    n.nominee_qualify(actor=cast.town_officer, nominee=nominee, reason="镇级初审无异常")
    n.nominee_make_formal(actor=clerk, nominee=nominee)
    nominee.refresh_from_db()
    assert nominee.stage == Stage.FORMAL
    assert history(nominee) == [
        ("", "nominated"),
        ("nominated", "under_review"),
        ("under_review", "qualified"),
        ("qualified", "formal"),
    ]
    row = NomineeHistory.objects.get(nominee=nominee, to_stage="qualified")
    assert (row.actor_id, row.reason) == (cast.town_officer.pk, "镇级初审无异常")
    assert _events() == [
        "nominee.propose",
        "nominee.send_to_review",
        "nominee.qualify",
        "nominee.make_formal",
    ]
    event = AuditEvent.objects.get(action="nominee.qualify")
    assert event.changes["stage"] == {"old": "under_review", "new": "qualified"}
    assert event.changes["reason"] == "镇级初审无异常"
    proposed = AuditEvent.objects.get(action="nominee.propose")
    assert proposed.changes["person"] == nominee.person.id_masked  # masked, never the number


def test_nominees_are_numbered_in_the_order_nominated(cast, villagers):
    first = propose(cast.town_officer, villagers, "马玉兰")
    second = propose(cast.town_officer, villagers, "韩秀英", post="director")
    assert (first.order, second.order) == (1, 2)


def test_a_move_outside_the_table_is_refused_and_writes_nothing(cast, villagers):
    nominee = propose(cast.town_officer, villagers)
    rows, events = NomineeHistory.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        n.nominee_make_formal(actor=cast.town_officer, nominee=nominee)
    assert exc.value.messages == [
        n.MSG_MOVE.format(name="马玉兰", stage="初步人选", to="正式候选人")
    ]
    with pytest.raises(ValidationError):
        n.nominee_qualify(actor=cast.town_officer, nominee=nominee)
    nominee.refresh_from_db()
    assert nominee.stage == Stage.NOMINATED
    assert (NomineeHistory.objects.count(), AuditEvent.objects.count()) == (rows, events)


def test_every_move_of_the_table_and_no_other_is_allowed() -> None:
    stages = set(Stage.values)
    assert {s for s, _ in n.TRANSITIONS} <= stages and {t for _, t in n.TRANSITIONS} <= stages
    # Nothing leaves a terminal stage.
    assert not [k for k in n.TRANSITIONS if k[0] in (Stage.DISQUALIFIED, Stage.WITHDRAWN)]
    # Only two ways into FORMAL, both guarded by whether the person may stand.
    into_formal = {k for k in n.TRANSITIONS if k[1] == Stage.FORMAL}
    assert into_formal == {(Stage.QUALIFIED, Stage.FORMAL), (Stage.PRESELECTED, Stage.FORMAL)}


def test_a_person_is_nominated_once_per_election(cast, villagers):
    person = make_person("马玉兰")
    propose(cast.town_officer, villagers, person=person)
    with pytest.raises(ValidationError) as exc:
        propose(cast.town_officer, villagers, post="director", person=person)
    assert exc.value.messages == [n.MSG_ALREADY_NOMINATED.format(name="马玉兰")]
    assert Nominee.objects.count() == 1


def test_the_method_decides_the_ways_of_nomination(cast, villagers, party):
    with pytest.raises(ValidationError) as exc:
        propose(cast.town_officer, villagers, how="party_organisation")
    assert exc.value.messages == [
        n.MSG_HOW_FOR_METHOD.format(method="选民直接提名", how="党组织推荐")
    ]
    with pytest.raises(ValidationError):
        propose(cast.town_officer, party, how="voters_jointly")
    assert propose(cast.town_officer, party, how="members_and_masses").stage == Stage.NOMINATED


def test_a_post_of_another_election_is_refused(cast, villagers, party):
    with pytest.raises(ValidationError) as exc:
        n.nominee_propose(
            actor=cast.town_officer,
            election=villagers,
            post=party.posts.get(post="member"),
            person=make_person("马玉兰"),
            how_nominated="self",
        )
    assert exc.value.messages == [n.MSG_POST_OTHER_ELECTION]


def test_a_person_deprived_of_political_rights_cannot_be_nominated(cast, villagers):
    person = make_person("鲁成福", rights_deprived_from=date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        propose(cast.town_officer, villagers, person=person)
    assert exc.value.messages == [
        "依照法律被剥夺政治权利的人没有选举权和被选举权（依据：村民委员会组织法(2025) 第十六条）"
    ]
    assert not Nominee.objects.exists()


def test_a_dead_person_cannot_be_nominated(cast, villagers):
    with pytest.raises(ValidationError) as exc:
        propose(
            cast.town_officer, villagers, person=make_person("鲁成福", died_on=date(2026, 1, 2))
        )
    assert exc.value.messages == [n.MSG_DIED.format(name="鲁成福")]


def test_a_self_nominated_direct_election_has_no_formal_list(cast, campaign):
    election = make_election(cast, campaign, method="self_nominated")
    nominee = propose(cast.town_officer, election)
    n.nominee_send_to_review(actor=cast.town_officer, nominee=nominee)
    n.nominee_qualify(actor=cast.town_officer, nominee=nominee)
    with pytest.raises(ValidationError) as exc:
        n.nominee_make_formal(actor=cast.town_officer, nominee=nominee)
    assert exc.value.messages == [n.MSG_NO_LIST]
    with pytest.raises(ValidationError):
        propose(cast.town_officer, election, "韩秀英", how="voters_jointly")


# ---------------------------------------------------------------------------------------------
# The Party's 三推 path.


def test_the_party_path_goes_through_recommendation_and_the_towns_vote(cast, party):
    town = cast.town_officer
    nominee = propose(town, party, how="organisation")
    n.nominee_send_to_review(actor=town, nominee=nominee)
    n.nominee_qualify(actor=town, nominee=nominee)
    with pytest.raises(ValidationError) as exc:
        n.nominee_make_formal(actor=town, nominee=nominee)
    assert exc.value.messages == [n.MSG_PARTY_PATH]
    n.nominee_recommend(actor=town, nominee=nominee, member_votes=31, mass_votes=86)
    n.nominee_preselect(actor=town, nominee=nominee, committee_votes=9)
    n.nominee_make_formal(actor=town, nominee=nominee)
    nominee.refresh_from_db()
    assert (nominee.stage, nominee.member_votes, nominee.mass_votes, nominee.committee_votes) == (
        Stage.FORMAL,
        31,
        86,
        9,
    )
    assert [to for _, to in history(nominee)] == [
        "nominated",
        "under_review",
        "qualified",
        "recommended",
        "preselected",
        "formal",
    ]
    event = AuditEvent.objects.get(action="nominee.recommend")
    assert (event.changes["member_votes"], event.changes["mass_votes"]) == (31, 86)


def test_votes_must_be_counts(cast, party):
    nominee = propose(cast.town_officer, party)
    n.nominee_send_to_review(actor=cast.town_officer, nominee=nominee)
    n.nominee_qualify(actor=cast.town_officer, nominee=nominee)
    with pytest.raises(ValidationError) as exc:
        n.nominee_recommend(actor=cast.town_officer, nominee=nominee, member_votes=-1, mass_votes=3)
    assert exc.value.messages == [n.MSG_VOTES.format(what="党员推荐票数")]
    nominee.refresh_from_db()
    assert (nominee.stage, nominee.member_votes) == (Stage.QUALIFIED, None)


def test_a_committee_nominee_is_not_recommended_by_the_party_meeting(cast, villagers):
    nominee = propose(cast.town_officer, villagers)
    n.nominee_send_to_review(actor=cast.town_officer, nominee=nominee)
    n.nominee_qualify(actor=cast.town_officer, nominee=nominee)
    with pytest.raises(ValidationError) as exc:
        n.nominee_recommend(actor=cast.town_officer, nominee=nominee, member_votes=1, mass_votes=1)
    assert exc.value.messages == [n.MSG_NOT_THREE]


def test_a_village_clerk_does_not_handle_the_partys_nominees(cast, party):
    with pytest.raises(ValidationError) as exc:
        propose(cast.village_clerk, party)
    assert exc.value.messages == [n.MSG_PARTY_BY_TOWN]
    flush_denied()
    assert AuditEvent.objects.filter(action=ACCESS_DENIED, user_id=cast.village_clerk.pk).exists()
    assert not Nominee.objects.exists()


# ---------------------------------------------------------------------------------------------
# Disqualification: a person who cannot stand never becomes formal.


def _under_review(actor, election, name="鲁成福", person=None):
    nominee = propose(actor, election, name, person=person)
    return n.nominee_send_to_review(actor=actor, nominee=nominee)


def test_disqualifying_needs_a_reason_and_records_the_engines_article(cast, villagers):
    nominee = _under_review(cast.town_officer, villagers)
    with pytest.raises(ValidationError) as exc:
        n.nominee_disqualify(
            actor=cast.town_officer, nominee=nominee, reason=" ", cannot_stand=False
        )
    assert exc.value.messages == [n.MSG_REASON_REQUIRED]
    n.nominee_disqualify(
        actor=cast.county_officer,
        nominee=nominee,
        reason="县级联审：公安",
        cannot_stand=False,
        facts=CandidateFacts(criminal_punishment=True),
    )
    nominee.refresh_from_db()
    # A bar of the law itself is always cannot-stand.
    assert nominee.barred is True
    assert nominee.disqualified_reason == (
        "县级联审：公安；因犯罪受过刑事处罚的，不得作为候选人（依据：村民委员会组织法(2025) 第十八条）"
    )
    assert history(nominee)[-1] == ("under_review", "disqualified")
    assert _events()[-1] == "nominee.disqualify"


def test_a_should_not_stand_finding_is_not_a_bar_elsewhere(cast, villagers, party):
    person = make_person("鲁成福")
    nominee = _under_review(cast.town_officer, villagers, person=person)
    n.nominee_disqualify(
        actor=cast.town_officer, nominee=nominee, reason="长期外出", cannot_stand=False
    )
    assert Nominee.objects.get(pk=nominee.pk).barred is False
    assert propose(cast.town_officer, party, person=person).stage == Stage.NOMINATED


def test_a_person_who_cannot_stand_never_becomes_formal_by_any_service(cast, campaign, party):
    town = cast.town_officer
    villagers = make_election(cast, campaign)
    person = make_person("鲁成福")
    # Nominated to both bodies; the Party's review finds that the person cannot stand.
    in_party = _under_review(town, party, person=person)
    in_committee = propose(town, villagers, person=person)
    n.nominee_send_to_review(actor=town, nominee=in_committee)
    n.nominee_disqualify(actor=town, nominee=in_party, reason="涉黑涉恶受过处理", cannot_stand=True)

    coop = make_election(cast, campaign, body="cooperative")
    bar = n.MSG_BARRED.format(name="鲁成福")
    before = (NomineeHistory.objects.count(), AuditEvent.objects.count())
    # Not out of DISQUALIFIED by any service ...
    services: list[tuple[Callable[..., Nominee], dict[str, Any]]] = [
        (n.nominee_send_to_review, {}),
        (n.nominee_qualify, {}),
        (n.nominee_recommend, {"member_votes": 1, "mass_votes": 1}),
        (n.nominee_preselect, {"committee_votes": 1}),
        (n.nominee_make_formal, {}),
        (n.nominee_withdraw, {"reason": "本人申请"}),
    ]
    for service, extra in services:
        with pytest.raises(ValidationError):
            service(actor=town, nominee=in_party, **extra)
    # ... nor qualified or made formal in the other body's election ...
    with pytest.raises(ValidationError) as exc:
        n.nominee_qualify(actor=town, nominee=in_committee)
    assert exc.value.messages == [bar]
    # ... nor nominated again anywhere in the campaign.
    with pytest.raises(ValidationError) as exc:
        propose(town, coop, person=person)
    assert exc.value.messages == [bar]
    assert (NomineeHistory.objects.count(), AuditEvent.objects.count()) == before
    assert not Nominee.objects.filter(person=person, stage=Stage.FORMAL).exists()


def test_a_finding_after_qualification_still_keeps_the_person_off_the_list(cast, campaign, party):
    town = cast.town_officer
    villagers = make_election(cast, campaign)
    person = make_person("鲁成福")
    in_committee = _under_review(town, villagers, person=person)
    n.nominee_qualify(actor=town, nominee=in_committee)
    in_party = _under_review(town, party, person=person)
    n.nominee_disqualify(actor=town, nominee=in_party, reason="涉黑涉恶受过处理", cannot_stand=True)
    with pytest.raises(ValidationError) as exc:
        n.nominee_make_formal(actor=town, nominee=in_committee)
    assert exc.value.messages == [n.MSG_BARRED.format(name="鲁成福")]
    assert Nominee.objects.get(pk=in_committee.pk).stage == Stage.QUALIFIED


def test_a_deprivation_recorded_after_qualification_stops_the_formal_step(cast, villagers):
    nominee = _under_review(cast.town_officer, villagers)
    n.nominee_qualify(actor=cast.town_officer, nominee=nominee)
    Person.objects.filter(pk=nominee.person_id).update(rights_deprived_from=date(2026, 12, 1))
    nominee.person.refresh_from_db()
    with pytest.raises(ValidationError):
        n.nominee_make_formal(actor=cast.town_officer, nominee=nominee)


# ---------------------------------------------------------------------------------------------
# Withdrawal, staleness, scope.


def test_a_formal_candidate_withdraws_with_a_reason(cast, villagers):
    nominee = _under_review(cast.town_officer, villagers)
    n.nominee_qualify(actor=cast.town_officer, nominee=nominee)
    n.nominee_make_formal(actor=cast.town_officer, nominee=nominee)
    with pytest.raises(ValidationError) as exc:
        n.nominee_withdraw(actor=cast.town_officer, nominee=nominee, reason="")
    assert exc.value.messages == [n.MSG_REASON_REQUIRED]
    n.nominee_withdraw(actor=cast.village_clerk, nominee=nominee, reason="本人书面申请退出")
    nominee.refresh_from_db()
    assert (nominee.stage, nominee.withdrawn_reason) == (Stage.WITHDRAWN, "本人书面申请退出")
    assert history(nominee)[-1] == ("formal", "withdrawn")
    with pytest.raises(ValidationError):
        n.nominee_make_formal(actor=cast.town_officer, nominee=nominee)


def test_a_move_on_a_stale_copy_is_refused(cast, villagers):
    nominee = propose(cast.town_officer, villagers)
    stale = Nominee.objects.get(pk=nominee.pk)
    n.nominee_send_to_review(actor=cast.town_officer, nominee=nominee)
    with pytest.raises(ValidationError) as exc:
        n.nominee_withdraw(actor=cast.town_officer, nominee=stale, reason="本人申请")
    assert exc.value.messages == [n.MSG_MOVED_MEANWHILE.format(name="马玉兰")]
    assert Nominee.objects.get(pk=nominee.pk).stage == Stage.UNDER_REVIEW


def test_another_towns_election_is_refused_to_a_town_officer_and_audited(cast, campaign):
    other = make_election(cast, campaign, code=OTHER_TOWN_VILLAGE)
    with pytest.raises(ValidationError) as exc:
        propose(cast.town_officer, other, person=make_person("马玉兰", region=OTHER_TOWN_VILLAGE))
    assert exc.value.messages == [n.MSG_NOT_ALLOWED]
    nominee = propose(cast.county_officer, other, person=make_person("韩秀英", OTHER_TOWN_VILLAGE))
    for actor in (cast.town_officer, cast.village_clerk):
        with pytest.raises(ValidationError):
            n.nominee_send_to_review(actor=actor, nominee=nominee)
    flush_denied()
    assert AuditEvent.objects.filter(action=ACCESS_DENIED).count() == 3
    assert Nominee.objects.get(pk=nominee.pk).stage == Stage.NOMINATED


def test_roles_without_the_action_are_refused(cast, villagers):
    nominee = propose(cast.town_officer, villagers)
    for actor in (cast.reviewer, cast.inspector, cast.system_admin, cast.other_county_officer):
        with pytest.raises(ValidationError):
            n.nominee_send_to_review(actor=actor, nominee=nominee)
    assert history(nominee) == [("", "nominated")]
