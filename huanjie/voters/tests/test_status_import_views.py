"""The 变动名单 pages: upload → preview → confirm → the list of recorded changes (masked IDs,
paginated); the menu entry; the roll's badges; 404 outside the user's region."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huanjie.accounts.permissions import menu_for
from huanjie.conftest import TOWN, VILLAGE
from huanjie.people.models import PersonChangeImport, PersonStatusChange
from huanjie.voters import services as voters
from huanjie.voters import status
from huanjie.voters.tests.test_import import csv_bytes
from huanjie.voters.tests.test_roll_cast import make_person, make_roll

HEADER = ["公民身份号码", "姓名", "变动类型", "变动日期", "截止日期"]


def _upload(client, code, rows):
    return client.post(
        reverse("voters:changes", args=[code]),
        {"file": SimpleUploadedFile("变动名单.csv", csv_bytes(rows))},
    )


def test_a_town_officer_uploads_previews_confirms_and_sees_the_change_masked(cast):
    person, number = make_person("马成林")
    client = cast.client(cast.town_officer)
    page = client.get(reverse("voters:changes", args=[TOWN]))
    assert page.status_code == 200 and "上传并预览" in page.content.decode()
    response = _upload(client, TOWN, [HEADER, [number, "马成林", "死亡", "2026-10-05", ""]])
    job = PersonChangeImport.objects.get()
    assert response["Location"] == reverse("voters:change_import_job", args=[job.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "确认登记" in preview and "将登记变动" in preview
    client.post(reverse("voters:change_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == PersonChangeImport.Status.SUCCEEDED
    listing = client.get(reverse("voters:changes", args=[TOWN])).content.decode()
    assert "马成林" in listing and person.id_masked in listing and "2026年10月5日" in listing
    assert number not in listing


def test_a_rejected_file_shows_each_problem_with_its_row(cast):
    client = cast.client(cast.county_officer)
    _upload(client, "630121", [HEADER, ["123", "张三", "死亡", "2026-10-05", ""]])
    job = PersonChangeImport.objects.get()
    page = client.get(reverse("voters:change_import_job", args=[job.pk])).content.decode()
    assert job.status == PersonChangeImport.Status.REJECTED
    assert "身份证号应为18位，当前为3位" in page and "确认登记" not in page


def test_the_list_is_paginated_and_filtered_in_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    for n in range(55):
        person, _ = make_person(f"马{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{n}")
        status.person_status_record(
            actor=cast.county_officer,
            person=person,
            kind="died",
            on=date(2026, 10, 5),
            source="死亡医学证明",
        )
    client = cast.client(cast.county_officer)
    url = reverse("voters:changes", args=["630121"])
    with django_assert_max_num_queries(13):  # 12 and the P6 request count
        page = client.get(url)
    assert page.context["page_obj"].paginator.count == 55
    assert len(page.context["page_obj"].object_list) == 50
    assert client.get(url, {"kind": "rights_deprived"}).context["page_obj"].paginator.count == 0


def test_every_page_answers_404_outside_the_users_region(cast):
    _, number = make_person("马成林")
    _upload(
        cast.client(cast.county_officer),
        "630121",
        [HEADER, [number, "马成林", "死亡", "2026-10-05", ""]],
    )
    job = PersonChangeImport.objects.get()
    job_urls = [
        reverse("voters:change_import_job", args=[job.pk]),
        reverse("voters:change_import_confirm", args=[job.pk]),
    ]
    other = cast.client(cast.other_county_officer)
    for url in [reverse("voters:changes", args=[c]) for c in ("630121", TOWN)] + job_urls:
        assert other.get(url).status_code in (404, 405), url
        assert other.post(url).status_code == 404, url
    town = cast.client(cast.town_officer)
    assert town.get(reverse("voters:changes", args=["630121"])).status_code == 404
    assert town.get(job_urls[0]).status_code == 404  # the county's job
    clerk = cast.client(cast.village_clerk)
    assert clerk.get(reverse("voters:changes", args=[TOWN])).status_code == 404
    assert clerk.get(reverse("voters:changes_home")).status_code == 404
    job.refresh_from_db()
    assert job.status == PersonChangeImport.Status.PREVIEW
    assert not PersonStatusChange.objects.exists()


def test_the_menu_leads_a_county_or_town_officer_to_their_own_page(cast):
    def labels(user):
        return [item.label for _, items in menu_for(user) for item in items]

    assert "人员变动名单" in labels(cast.county_officer)
    assert "人员变动名单" in labels(cast.town_officer)
    assert "人员变动名单" not in labels(cast.village_clerk)
    assert "人员变动名单" not in labels(cast.inspector)
    response = cast.client(cast.town_officer).get(reverse("voters:changes_home"))
    assert response["Location"] == reverse("voters:changes", args=[TOWN])


def test_the_published_roll_shows_the_badges_and_the_flags(cast):
    roll = make_roll(cast)
    dead, _ = make_person("马成林")
    deprived, _ = make_person("祁国强")
    for person in (dead, deprived):
        voters.voter_register(
            actor=cast.county_officer,
            campaign=roll.campaign,
            village=roll.village,
            person=person,
            category="hukou_resident",
        )
    voters.voter_list_publish(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    for person, kind in ((dead, "died"), (deprived, "rights_deprived")):
        status.person_status_record(
            actor=cast.county_officer, person=person, kind=kind, on=date(2026, 10, 5), source="通知"
        )
    page = cast.client(cast.village_clerk).get(
        reverse("voters:roll", args=[roll.campaign.pk, VILLAGE])
    )
    html = page.content.decode()
    assert "已死亡" in html and "被剥夺政治权利</span>" in html
    assert voters.FLAG_DIED_AFTER_PUBLICATION in html
    assert voters.FLAG_DEPRIVED_AFTER_PUBLICATION in html
    assert page.context["dead"] and page.context["deprived"]
