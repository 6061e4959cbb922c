"""A person barred by a cannot-stand finding (不得作为候选人, made by `nominee_disqualify(
cannot_stand=True)` in another election of the same campaign) is put on no list by any path:
the page's forms, the import (web and command line) and the API, each refused with the reason,
nothing written. (Write-in certification is issue 12's, and must call `person_may_stand`.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huanjie.conftest import OTHER_TOWN_VILLAGE
from huanjie.elections.models import Election
from huanjie.nomination import services as n
from huanjie.nomination.imports import NomineeImport
from huanjie.nomination.models import Nominee, Stage
from huanjie.nomination.tests.import_helpers import HEADER, command, preview, xlsx
from huanjie.nomination.tests.world_nominees import World, on_roll, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BARRED = "在本次换届中经资格审查不得作为候选人"


def no_nominee(w: World) -> bool:
    return not Nominee.objects.filter(person=w.barred, election__in=[w.villagers, w.party]).exists()


@pytest.fixture
def qualified_then_barred(world: World) -> Nominee:
    """A nominee of 红河限村's villagers' committee, qualified, then found unable to stand in
    东门村's election: only the move to formal is left, and it must be refused."""
    person, _ = on_roll(world.cast, world.campaign, "祁建华")
    officer = world.cast.county_officer
    nominee = n.nominee_propose(
        actor=officer,
        election=world.villagers,
        post=world.villagers.posts.get(post="member"),
        person=person,
        how_nominated="self",
    )
    n.nominee_send_to_review(actor=officer, nominee=nominee)
    n.nominee_qualify(actor=officer, nominee=nominee)
    other = Election.objects.get(village__region_id=OTHER_TOWN_VILLAGE, body="villagers")
    there = n.nominee_propose(
        actor=officer,
        election=other,
        post=other.posts.get(post="member"),
        person=person,
        how_nominated="self",
    )
    n.nominee_send_to_review(actor=officer, nominee=there)
    n.nominee_disqualify(actor=officer, nominee=there, reason="正在服刑", cannot_stand=True)
    nominee.refresh_from_db()
    assert nominee.stage == Stage.QUALIFIED
    return nominee


# ---------------------------------------------------------------------------------------------
# The page.


def test_the_page_form_refuses_to_propose_a_barred_person(world: World) -> None:
    client = world.cast.client(world.cast.town_officer)
    for election in (world.villagers, world.party):
        response = client.post(
            reverse("nomination:propose", args=[world.campaign.pk, election.pk]),
            {
                "person": world.barred.pk,
                "post": election.posts.get(post="member").pk,
                "how_nominated": "self",
            },
        )
        assert response.status_code == 200
        assert "韩有福" + BARRED in response.content.decode()
    assert no_nominee(world)


def test_the_page_form_refuses_to_make_a_barred_person_formal(
    world: World, qualified_then_barred: Nominee
) -> None:
    client = world.cast.client(world.cast.town_officer)
    address = reverse(
        "nomination:nominee_move",
        args=[world.campaign.pk, qualified_then_barred.pk, "make_formal"],
    )
    response = client.post(address, follow=True)
    assert response.status_code == 200
    assert "祁建华" + BARRED in response.content.decode()
    qualified_then_barred.refresh_from_db()
    assert qualified_then_barred.stage == Stage.QUALIFIED


# ---------------------------------------------------------------------------------------------
# The import, on the web and on the command line.

ROW = ["红河限村", "村民委员会", "委员", "韩有福", None, "本人自荐"]


def test_the_web_import_refuses_a_barred_person(world: World) -> None:
    client = world.cast.client(world.cast.county_officer)
    row = [*ROW[:4], world.barred_number, ROW[5]]
    response = client.post(
        reverse("nomination:import_upload", args=[world.campaign.pk, "630121"]),
        {"file": SimpleUploadedFile("提名.xlsx", xlsx([HEADER, row]))},
    )
    assert response.status_code == 302
    job = NomineeImport.objects.get()
    assert job.status == "rejected"
    assert [(p["row"], p["field"]) for p in job.problems] == [(2, "公民身份号码")]
    assert BARRED in job.problems[0]["message"]
    page = client.get(reverse("nomination:import_job", args=[job.pk])).content.decode()
    assert BARRED in page and world.barred_number not in page
    # Nor can the job be confirmed after all.
    client.post(reverse("nomination:import_confirm", args=[job.pk]))
    assert no_nominee(world)


def test_the_pipeline_refuses_a_barred_person_found_after_the_preview(world: World) -> None:
    """Barred between the preview and the confirm: the confirmed run checks again."""
    from huanjie.nomination.imports import NOMINEES
    from huanjie.uploads.services import upload_confirm

    person, number = on_roll(world.cast, world.campaign, "祁建华")
    row = ["红河限村", "村民委员会", "委员", "祁建华", number, "本人自荐"]
    job = preview(world.cast.county_officer, world.campaign, "630121", [row])
    assert job.status == "preview"
    other = Election.objects.get(village__region_id=OTHER_TOWN_VILLAGE, body="villagers")
    there = n.nominee_propose(
        actor=world.cast.county_officer,
        election=other,
        post=other.posts.get(post="member"),
        person=person,
        how_nominated="self",
    )
    n.nominee_send_to_review(actor=world.cast.county_officer, nominee=there)
    n.nominee_disqualify(
        actor=world.cast.county_officer, nominee=there, reason="正在服刑", cannot_stand=True
    )
    job = upload_confirm(importer=NOMINEES, actor=world.cast.county_officer, job=job)
    assert job.status == "rejected"
    assert not Nominee.objects.filter(person=person, election=world.villagers).exists()


def test_the_command_line_import_refuses_a_barred_person(world: World, tmp_path: Path) -> None:
    row = [*ROW[:4], world.barred_number, ROW[5]]
    code, output = command(tmp_path, world.campaign, "county", "630121", [row])
    assert code == 2
    assert BARRED in output and world.barred_number not in output
    assert no_nominee(world)


# ---------------------------------------------------------------------------------------------
# The API.


def test_the_api_refuses_to_propose_a_barred_person(world: World) -> None:
    client = world.cast.client(world.cast.town_officer)
    response = client.post(
        f"/api/elections/{world.villagers.pk}/nominees",
        {"id_number": world.barred_number, "post": "member", "how_nominated": "self"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert any(BARRED in m for m in response.json()["detail"])
    assert world.barred_number not in response.content.decode()
    assert no_nominee(world)


def test_the_api_refuses_to_make_a_barred_person_formal(
    world: World, qualified_then_barred: Nominee
) -> None:
    client = world.cast.client(world.cast.town_officer)
    response = client.post(
        f"/api/nominees/{qualified_then_barred.pk}/formal", {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert any(BARRED in m for m in response.json()["detail"])
    qualified_then_barred.refresh_from_db()
    assert qualified_then_barred.stage == Stage.QUALIFIED
