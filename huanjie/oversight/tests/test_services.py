"""The oversight services: who records a visit where (a member of a group, in its towns), the
problems' and petitions' state machines with their history rows and audit events, the petition's
60-day limit, and the refusals' messages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from huanjie.accounts.models import Role
from huanjie.accounts.services import RoleSpec, user_create
from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE
from huanjie.oversight.models import (
    InspectionProblem,
    InspectionProblemEvent,
    InspectionVisit,
    PetitionEvent,
    PetitionStatus,
    ProblemStatus,
)
from huanjie.oversight.services import inspections as ins
from huanjie.oversight.services import petitions as pet
from huanjie.oversight.services import records, training
from huanjie.oversight.services.petitions import due_day
from huanjie.regions.models import Region

DAY = date(2026, 11, 20)


@pytest.fixture
def group(cast, campaign):
    return ins.group_create(
        actor=cast.county_officer,
        campaign=campaign,
        name="第一督导组",
        leader="县委常委 张国华",
        members=[cast.inspector],
        towns=[Region.objects.get(code=TOWN)],
    )


def _visit(actor, campaign, code=VILLAGE, group_name="第一督导组"):
    return ins.visit_save(
        actor=actor,
        campaign=campaign,
        region=Region.objects.get(code=code),
        item=None,
        values={"group": group_name, "visited_on": DAY, "checked": "选民登记", "summary": ""},
    )


def _problem(actor, campaign, visit, code=VILLAGE):
    return ins.problem_save(
        actor=actor,
        campaign=campaign,
        region=Region.objects.get(code=code),
        item=None,
        values={
            "visit": visit.number,
            "description": "选民名单未张榜",
            "requirement": "三日内张榜",
            "due_on": DAY + timedelta(days=3),
        },
    )


def test_a_member_records_a_visit_and_a_problem_in_his_groups_town(cast, campaign, group):
    visit = _visit(cast.inspector, campaign)
    problem = _problem(cast.inspector, campaign, visit)
    assert (visit.group, visit.region_id, visit.recorded_by) == (group, VILLAGE, cast.inspector)
    assert problem.status == ProblemStatus.OPEN and problem.visit == visit
    assert [e.event for e in problem.events.all()] == ["recorded"]
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["oversight.visit_record", "oversight.problem_record"]


def test_a_member_is_refused_outside_his_groups_towns(cast, campaign, group):
    with pytest.raises(ValidationError) as exc:
        _visit(cast.inspector, campaign, code=OTHER_TOWN_VILLAGE)
    assert exc.value.messages == [ins.MSG_NOT_MEMBER]
    assert not InspectionVisit.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_an_inspector_of_no_group_is_refused(cast, campaign, group):
    other, _ = user_create(
        actor=None,
        username="inspector2",
        full_name="韩志强",
        region=Region.objects.get(code="630121"),
        roles=[RoleSpec(Role.INSPECTOR)],
    )
    with pytest.raises(ValidationError) as exc:
        _visit(other, campaign)
    assert exc.value.messages == [ins.MSG_NOT_MEMBER]


def test_the_county_records_for_a_group_but_only_in_its_towns(cast, campaign, group):
    assert _visit(cast.county_officer, campaign).recorded_by == cast.county_officer
    with pytest.raises(ValidationError) as exc:
        _visit(cast.county_officer, campaign, code=OTHER_TOWN_VILLAGE)
    assert exc.value.messages == [ins.MSG_NOT_COVERED.format(name="东门村", group="第一督导组")]


def test_a_visit_names_an_existing_group(cast, campaign, group):
    with pytest.raises(ValidationError) as exc:
        _visit(cast.county_officer, campaign, group_name="第九督导组")
    assert exc.value.messages == ["督导组：本次换届没有“第九督导组”"]


def test_a_problem_is_owned_in_the_visited_town(cast, campaign, group):
    ins.group_update(
        actor=cast.county_officer,
        group=group,
        name=group.name,
        leader=group.leader,
        members=[cast.inspector],
        towns=list(Region.objects.filter(code__in=[TOWN, OTHER_TOWN_VILLAGE[:9]])),
    )
    visit = _visit(cast.inspector, campaign)
    with pytest.raises(ValidationError) as exc:
        _problem(cast.inspector, campaign, visit, code=OTHER_TOWN_VILLAGE)
    assert exc.value.messages == [ins.MSG_OWNER]


def test_group_members_must_be_inspectors_of_the_county(cast, campaign):
    with pytest.raises(ValidationError) as exc:
        ins.group_create(
            actor=cast.county_officer,
            campaign=campaign,
            name="第二督导组",
            leader="张国华",
            members=[cast.town_officer],
            towns=[Region.objects.get(code=TOWN)],
        )
    assert exc.value.messages == ["督导组成员：“马晓东”不是本县的督导组账号"]


def test_the_town_follows_up_and_closes_and_the_group_reopens(cast, campaign, group):
    problem = _problem(cast.inspector, campaign, _visit(cast.inspector, campaign))
    problem = ins.problem_follow_up(actor=cast.town_officer, item=problem, measures="已张榜")
    assert problem.status == ProblemStatus.RECTIFYING
    problem = ins.problem_close(
        actor=cast.town_officer,
        item=problem,
        closed_on=DAY + timedelta(days=2),
        close_note="已整改",
    )
    assert (problem.status, problem.closed_on) == (ProblemStatus.CLOSED, DAY + timedelta(days=2))
    with pytest.raises(ValidationError) as exc:
        ins.problem_close(actor=cast.town_officer, item=problem, closed_on=DAY, close_note="再销")
    assert exc.value.messages == ["该问题当前为“已整改销号”，不能销号"]
    problem = ins.problem_reopen(actor=cast.inspector, item=problem, review_note="复查未张榜")
    assert (problem.status, problem.closed_on) == (ProblemStatus.RECTIFYING, None)
    events = InspectionProblemEvent.objects.filter(problem=problem).order_by("id")
    assert [(e.event, e.old_status, e.new_status) for e in events] == [
        ("recorded", "", "open"),
        ("follow_up", "open", "rectifying"),
        ("closed", "rectifying", "closed"),
        ("reopened", "closed", "rectifying"),
    ]


def test_the_inspector_cannot_close_a_problem(cast, campaign, group):
    problem = _problem(cast.inspector, campaign, _visit(cast.inspector, campaign))
    with pytest.raises(ValidationError) as exc:
        ins.problem_close(actor=cast.inspector, item=problem, closed_on=DAY, close_note="已整改")
    assert exc.value.messages == [ins.MSG_NO_FOLLOW]
    assert InspectionProblem.objects.get().status == ProblemStatus.OPEN


def test_a_closing_day_before_the_visit_is_refused(cast, campaign, group):
    problem = _problem(cast.inspector, campaign, _visit(cast.inspector, campaign))
    with pytest.raises(ValidationError) as exc:
        ins.problem_close(
            actor=cast.town_officer,
            item=problem,
            closed_on=DAY - timedelta(days=1),
            close_note="已整改",
        )
    assert exc.value.messages == ["销号日期：不能早于督导日期（2026年11月20日）"]


# ---------------------------------------------------------------------------------------------
# Petitions.


def _petition(actor, campaign, **values):
    return pet.petition_save(
        actor=actor,
        campaign=campaign,
        region=Region.objects.get(code=VILLAGE),
        item=None,
        values={
            "kind": "petition",
            "channel": "visit",
            "received_on": DAY,
            "summary": "反映选民登记遗漏",
            "petitioner_name": "马福祥",
            "petitioner_phone": "13909710001",
            **values,
        },
    )


def test_the_handling_limit_is_sixty_days_and_extends_once_by_thirty(cast, campaign):
    petition = _petition(cast.town_officer, campaign)
    assert petition.due_on == DAY + timedelta(days=60) == due_day(DAY)
    petition = pet.petition_extend(
        actor=cast.town_officer, item=petition, extension_reason="涉及多个部门"
    )
    assert petition.due_on == DAY + timedelta(days=90)
    with pytest.raises(ValidationError) as exc:
        pet.petition_extend(actor=cast.town_officer, item=petition, extension_reason="再延")
    assert exc.value.messages == [pet.MSG_EXTENDED]


def test_a_petition_is_handled_then_settled_with_history(cast, campaign):
    petition = _petition(cast.town_officer, campaign)
    petition = pet.petition_handle(
        actor=cast.town_officer, item=petition, handler="镇纪委", measures="入户核实"
    )
    petition = pet.petition_settle(
        actor=cast.county_officer,
        item=petition,
        settled_on=DAY + timedelta(days=5),
        outcome="已补登",
    )
    assert petition.status == PetitionStatus.SETTLED and not petition.overdue
    events = PetitionEvent.objects.filter(petition=petition).order_by("id")
    assert [(e.event, e.new_status) for e in events] == [
        ("received", "received"),
        ("handled", "handling"),
        ("settled", "settled"),
    ]
    with pytest.raises(ValidationError):
        pet.petition_handle(actor=cast.town_officer, item=petition, handler="镇", measures="再办")


def test_the_petitioners_phone_is_audited_masked_and_kept_when_given_masked(cast, campaign):
    petition = _petition(cast.town_officer, campaign)
    event = AuditEvent.objects.filter(action="oversight.petition_receive").get()
    assert event.changes["petitioner_phone"] == "139****0001"
    assert "13909710001" not in str(event.changes)
    values = {
        "kind": "petition",
        "channel": "visit",
        "received_on": DAY,
        "summary": "反映选民登记遗漏（补充）",
        "petitioner_name": "马福祥",
        "petitioner_phone": petition.phone_masked,
    }
    pet.petition_save(
        actor=cast.town_officer,
        campaign=campaign,
        region=petition.region,
        item=petition,
        values=values,
    )
    petition.refresh_from_db()
    assert petition.petitioner_phone == "13909710001"


def test_a_bad_phone_and_a_future_day_are_refused_by_name(cast, campaign):
    with pytest.raises(ValidationError) as exc:
        _petition(cast.town_officer, campaign, petitioner_phone="139abc")
    assert exc.value.messages == [pet.MSG_PHONE]
    with pytest.raises(ValidationError) as exc:
        _petition(cast.town_officer, campaign, received_on=date(2099, 1, 1))
    assert exc.value.messages == ["受理日期：不能晚于今天"]


def test_a_town_cannot_receive_a_petition_of_another_town(cast, campaign):
    with pytest.raises(ValidationError) as exc:
        pet.petition_save(
            actor=cast.town_officer,
            campaign=campaign,
            region=Region.objects.get(code=OTHER_TOWN_VILLAGE),
            item=None,
            values={"kind": "report", "channel": "letter", "received_on": DAY, "summary": "举报"},
        )
    assert exc.value.messages == [pet.MSG_NOT_ALLOWED]


# ---------------------------------------------------------------------------------------------
# Training, meetings and documents.


def test_a_towns_training_takes_attendees_of_its_villages_only(cast, campaign):
    session = training.training_save(
        actor=cast.town_officer,
        campaign=campaign,
        region=Region.objects.get(code=TOWN),
        item=None,
        values={"held_on": DAY, "title": "换届业务培训", "kind": "meeting", "trainer": ""},
    )

    def add(village):
        return training.attendee_save(
            actor=cast.town_officer,
            campaign=campaign,
            region=Region.objects.get(code=TOWN),
            item=None,
            values={
                "session": session.number,
                "name": "祁永福",
                "post": "",
                "village": village,
                "unit": "",
            },
        )

    assert add("红河限村").village_id == VILLAGE
    assert add("桥头镇红河限村").village_id == VILLAGE
    with pytest.raises(ValidationError) as exc:
        add("东门村")
    assert exc.value.messages == ["所在村(社区)：桥头镇没有“东门村”"]


def test_a_meeting_of_a_village_is_refused(cast, campaign):
    with pytest.raises(ValidationError) as exc:
        records.work_record_save(
            actor=cast.county_officer,
            campaign=campaign,
            region=Region.objects.get(code=VILLAGE),
            item=None,
            values={"kind": "meeting", "held_on": DAY, "title": "推进会", "doc_number": ""},
        )
    assert exc.value.messages == ["发文(召开)单位：须为县(区)或乡镇(街道)"]
