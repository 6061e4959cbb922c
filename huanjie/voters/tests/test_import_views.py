"""The import pages: upload → preview → confirm (immediate backend) → result; 404 outside scope."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from huanjie.conftest import ELECTION_DAY, OTHER_TOWN_VILLAGE, VILLAGE, make_campaign
from huanjie.voters.models import ImportJob, VoterRegistration
from huanjie.voters.tests.test_import import GOOD, IMMEDIATE, csv_bytes


def _upload(client, campaign, code=VILLAGE, data=None):
    return client.post(
        reverse("voters:import_upload", args=[campaign.pk, code]),
        {"file": SimpleUploadedFile("名单.csv", data or csv_bytes(GOOD))},
    )


def test_upload_preview_confirm_and_the_roll_exists(cast, campaign):
    client = cast.client(cast.village_clerk)
    assert (
        client.get(reverse("voters:import_upload", args=[campaign.pk, VILLAGE])).status_code == 200
    )
    response = _upload(client, campaign)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("voters:import_job", args=[job.pk])
    page = client.get(response["Location"])
    assert "确认导入" in page.content.decode()
    with override_settings(TASKS=IMMEDIATE):
        client.post(reverse("voters:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert VoterRegistration.objects.count() == 3
    progress = client.get(reverse("voters:import_progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"
    for name in ("import_template", "import_roll_xlsx"):
        r = client.get(reverse(f"voters:{name}", args=[campaign.pk, VILLAGE]))
        assert r.status_code == 200
        assert r["Cache-Control"] == "no-store"


def test_a_rejected_file_shows_its_problems_and_offers_them_as_xlsx(cast, campaign):
    client = cast.client(cast.town_officer)
    bad = csv_bytes([["姓名", "身份证号"], ["张伟", "123"]])
    job_page = client.get(_upload(client, campaign, data=bad)["Location"])
    assert "身份证号应为18位，当前为3位" in job_page.content.decode()
    job = ImportJob.objects.get()
    r = client.get(reverse("voters:import_problems", args=[job.pk]))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_other_county_and_other_town_get_404(cast, campaign):
    _upload(cast.client(cast.county_officer), campaign)
    job = ImportJob.objects.get()
    village_urls = [
        reverse(f"voters:{n}", args=[campaign.pk, VILLAGE])
        for n in ("import_upload", "import_template", "import_roll_xlsx")
    ]
    job_urls = [
        reverse(f"voters:{n}", args=[job.pk])
        for n in ("import_job", "import_progress", "import_problems")
    ]
    other = cast.client(cast.other_county_officer)
    for url in village_urls + job_urls:
        assert other.get(url).status_code == 404, url
    assert other.post(reverse("voters:import_confirm", args=[job.pk])).status_code == 404
    clerk = cast.client(cast.village_clerk)
    for name in ("import_upload", "import_roll_xlsx"):
        url = reverse(f"voters:{name}", args=[campaign.pk, OTHER_TOWN_VILLAGE])
        assert clerk.get(url).status_code == 404
    assert cast.client(cast.inspector).get(village_urls[0]).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW


def test_a_town_officer_imports_the_whole_towns_roll_in_one_file(cast, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from huanjie.conftest import TOWN
    from huanjie.voters.tests.test_import import csv_bytes, pid

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    campaign = make_campaign(cast, election_day=ELECTION_DAY)
    rows = [
        ["村(社区)代码", "姓名", "公民身份号码"],
        ["630121100206", "张伟", pid(31)],
        ["630121100207", "李秀英", pid(32, "F")],
    ]
    client = cast.client(cast.town_officer)
    url = reverse("voters:import_area", args=[campaign.pk, TOWN])
    assert url == f"/voters/{campaign.pk}/areas/{TOWN}/import/"
    response = client.post(url, {"file": SimpleUploadedFile("桥头镇.csv", csv_bytes(rows))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.region_id == TOWN and job.accepted == 2, job.message
    client.post(f"/voters/imports/{job.pk}/run/")
    villages = dict(VoterRegistration.objects.values_list("person__name", "village_id"))
    assert villages == {"张伟": "630121100206", "李秀英": "630121100207"}
    assert client.get(f"/voters/imports/{job.pk}/").status_code == 200
    # Another town's officer, and the other county, get 404 for this town's upload page.
    assert cast.client(cast.other_county_officer).get(url).status_code == 404
    assert cast.client(cast.village_clerk).get(url).status_code == 404


def test_a_county_officer_previews_and_runs_a_two_town_file_from_the_county_page(cast, settings):
    from huanjie.voters.tests.test_import import pid

    settings.TASKS = IMMEDIATE
    campaign = make_campaign(cast, election_day=ELECTION_DAY)
    client = cast.client(cast.county_officer)
    url = reverse("voters:import_area", args=[campaign.pk, "630121"])
    # The county's figures page links to it.
    figures = client.get(reverse("voters:figures", args=[campaign.pk, "630121"]))
    assert f'href="{url}"' in figures.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "导入大通回族土族自治县选民名单" in page.content.decode()
    rows = [
        ["村(社区)代码", "姓名", "公民身份号码"],
        [VILLAGE, "张伟", pid(41)],  # 桥头镇
        [OTHER_TOWN_VILLAGE, "李秀英", pid(42, "F")],  # 城关镇
    ]
    response = client.post(url, {"file": SimpleUploadedFile("大通县.csv", csv_bytes(rows))})
    job = ImportJob.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (job.status, job.region_id, job.accepted) == (ImportJob.Status.PREVIEW, "630121", 2)
    assert not VoterRegistration.objects.exists()  # the preview changes nothing
    client.post(reverse("voters:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, job.message
    villages = dict(VoterRegistration.objects.values_list("person__name", "village_id"))
    assert villages == {"张伟": VILLAGE, "李秀英": OTHER_TOWN_VILLAGE}
    # The job page offers to upload again on the county's page.
    assert url in client.get(reverse("voters:import_job", args=[job.pk])).content.decode()


def test_the_county_page_is_404_for_a_town_officer_and_the_other_county(cast, campaign):
    url = reverse("voters:import_area", args=[campaign.pk, "630121"])
    for user in (cast.town_officer, cast.village_clerk, cast.other_county_officer):
        client = cast.client(user)
        assert client.get(url).status_code == 404, user.username
        assert client.post(url, {"file": SimpleUploadedFile("x.csv", b"")}).status_code == 404
    # The town's own figures page offers the town's upload, not the county's.
    figures = (
        cast.client(cast.town_officer)
        .get(reverse("voters:figures", args=[campaign.pk, "630121100"]))
        .content.decode()
    )
    assert reverse("voters:import_area", args=[campaign.pk, "630121100"]) in figures
    assert f'href="{url}"' not in figures
    assert not ImportJob.objects.exists()
