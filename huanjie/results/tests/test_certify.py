"""Certification: the town, then the county, two people; then locked and in force."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from huanjie.results import canonical
from huanjie.results.models import ResultVersion, VersionStatus
from huanjie.results.services.certify import (
    result_certify_county,
    result_certify_town,
    result_return,
)


def test_town_then_county_certify_a_frozen_version(closed):
    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    assert version.status == VersionStatus.TOWN_CERTIFIED
    assert version.sha256 == canonical.digest(version.document)
    assert version.code == canonical.short_code(version.sha256)
    elected = [(e["post"], e["name"]) for e in version.document["outcome"]["elected"]]
    # In post order; within a post, as the engine elected them.
    assert elected[0] == ("director", "张伟")
    assert sorted(elected[1:]) == [("member", "刘洋"), ("member", "王芳"), ("member", "陈静")]
    assert version.document["polls"][0]["sha256"] == closed.poll.engine_hash
    certified = result_certify_county(actor=closed.cast.county_officer, version=version)
    assert certified.status == VersionStatus.CERTIFIED
    assert [h.to_status for h in certified.history.all()] == ["town_certified", "certified"]


def test_the_county_step_needs_a_county_account_and_another_person(closed):
    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    with pytest.raises(ValidationError, match="县级确认须由县级工作人员"):
        result_certify_county(actor=closed.town2, version=version)
    with pytest.raises(ValidationError, match="乡镇确认须由乡镇工作人员"):
        result_certify_town(actor=closed.cast.county_officer, election=closed.election)
    with pytest.raises(ValidationError, match="等待县级确认"):
        result_certify_town(actor=closed.town2, election=closed.election)
    # A county account that certified the town's step itself cannot certify the county's.
    version.town_certified_by = closed.cast.county_officer
    version.save()
    with pytest.raises(ValidationError, match="不能是同一人"):
        result_certify_county(actor=closed.cast.county_officer, version=version)


def test_nobody_outside_the_region_nor_a_clerk_certifies(closed):
    with pytest.raises(ValidationError):
        result_certify_town(actor=closed.cast.village_clerk, election=closed.election)
    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    with pytest.raises(ValidationError):
        result_certify_county(actor=closed.cast.other_county_officer, version=version)
    assert ResultVersion.objects.get().status == VersionStatus.TOWN_CERTIFIED


def test_a_returned_version_is_certified_again_as_the_next_number(closed):
    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    with pytest.raises(ValidationError, match="请填写原因"):
        result_return(actor=closed.cast.county_officer, version=version, reason=" ")
    result_return(actor=closed.cast.county_officer, version=version, reason="报告单照片不清晰")
    again = result_certify_town(actor=closed.town2, election=closed.election)
    assert (again.number, again.status) == (2, VersionStatus.TOWN_CERTIFIED)
    assert again.sha256 != version.sha256
    certified = result_certify_county(actor=closed.cast.county_officer, version=again)
    assert certified.status == VersionStatus.CERTIFIED


def test_certified_cannot_be_certified_twice(certified, closed):
    with pytest.raises(ValidationError, match="已经确认"):
        result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    with pytest.raises(ValidationError, match="已确认"):
        result_certify_county(actor=closed.county2, version=certified)


def test_a_box_without_its_signed_sheet_holds_certification(cast):
    from huanjie.polls.tests.conftest import make_world
    from huanjie.results.tests.conftest import close_poll

    world = make_world(cast, voters=8)
    close_poll(world)
    with pytest.raises(ValidationError, match="还没有上传签字的计票结果报告单"):
        result_certify_town(actor=cast.town_officer, election=world.election)


def test_an_open_poll_or_no_poll_holds_certification(cast):
    from huanjie.polls.services.lifecycle import poll_create_first
    from huanjie.polls.tests.conftest import make_world

    world = make_world(cast, voters=8)
    with pytest.raises(ValidationError, match="没有已结束的正式投票"):
        result_certify_town(actor=cast.town_officer, election=world.election)
    poll_create_first(actor=cast.town_officer, election=world.election)
    with pytest.raises(ValidationError, match="尚未结束"):
        result_certify_town(actor=cast.town_officer, election=world.election)
