"""Rows of the oversight ledgers made directly (the services have their own tests): a group of
a county covering a town, its visit and problem, a petition, a training session with an
attendee, a meeting. Shared by the matrix, the route walks and the tests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from huanjie.oversight.models import (
    InspectionGroup,
    InspectionProblem,
    InspectionVisit,
    Petition,
    PetitionStatus,
    ProblemStatus,
    TrainingAttendee,
    TrainingSession,
    WorkRecord,
)
from huanjie.regions.models import Region

VISITED = date(2026, 11, 20)
SEQ = itertools.count(1)


def group(campaign: Any, town: str, members: list[Any], recorder: Any) -> InspectionGroup:
    made = InspectionGroup.objects.create(
        campaign=campaign,
        region_id=campaign.region_id,
        name=f"第{next(SEQ)}督导组",
        leader="县委常委 张国华",
        created_by=recorder,
    )
    made.members.set(members)
    made.towns.set([Region.objects.get(code=town)])
    return made


def visit(campaign: Any, code: str, members: list[Any], recorder: Any) -> InspectionVisit:
    """A visit to `code` by a new group covering its town."""
    return InspectionVisit.objects.create(
        campaign=campaign,
        group=group(campaign, code[:9], members, recorder),
        region_id=code,
        visited_on=VISITED,
        checked="选民登记公告张贴情况",
        recorded_by=recorder,
    )


def problem(
    campaign: Any, code: str, members: list[Any], recorder: Any, *, closed: bool = False
) -> InspectionProblem:
    return InspectionProblem.objects.create(
        campaign=campaign,
        visit=visit(campaign, code, members, recorder),
        region_id=code,
        description="选民名单未按时张榜公布",
        due_on=VISITED + timedelta(days=7),
        status=ProblemStatus.CLOSED if closed else ProblemStatus.OPEN,
        closed_on=VISITED + timedelta(days=3) if closed else None,
        close_note="已补贴公告" if closed else "",
        recorded_by=recorder,
    )


def petition(campaign: Any, code: str, recorder: Any) -> Petition:
    return Petition.objects.create(
        campaign=campaign,
        region_id=code,
        kind="petition",
        channel="visit",
        received_on=VISITED,
        summary="反映选民登记遗漏外出务工人员",
        petitioner_name="马福祥",
        petitioner_phone="13909710001",
        due_on=VISITED + timedelta(days=60),
        status=PetitionStatus.RECEIVED,
        recorded_by=recorder,
    )


def session(campaign: Any, code: str, recorder: Any) -> TrainingSession:
    return TrainingSession.objects.create(
        campaign=campaign,
        region_id=code,
        held_on=VISITED,
        title="村(社区)“两委”换届选举业务培训",
        kind="meeting",
        trainer="县民政局 李华",
        recorded_by=recorder,
    )


def attendee(
    campaign: Any, code: str, recorder: Any, village: str | None = None
) -> TrainingAttendee:
    made = session(campaign, code, recorder)
    return TrainingAttendee.objects.create(
        campaign=campaign,
        region_id=code,
        session=made,
        name="祁永福",
        post="村党支部书记",
        village_id=village,
    )


def record(campaign: Any, code: str, recorder: Any) -> WorkRecord:
    return WorkRecord.objects.create(
        campaign=campaign,
        region_id=code,
        kind="document",
        held_on=VISITED,
        title="关于做好村(社区)“两委”换届选举工作的通知",
        doc_number="大组通〔2026〕12号",
        recorded_by=recorder,
    )
