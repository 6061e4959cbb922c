"""The roster import's pages: the upload form with the term, the template, the job page, its
problems; every page 404 outside the user's region and for users who may not manage rosters."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huanjie.conftest import TOWN, VILLAGE, Cast
from huanjie.rosters.models import Cadre, RosterImport
from huanjie.rosters.tests.import_helpers import number, row, xlsx

pytestmark = pytest.mark.django_db

UPLOAD = "rosters:import_upload"


def _post(client, code: str, rows, **fields):  # type: ignore[no-untyped-def]
    data = {"term_number": 11, "reference_date": "2022-01-31", **fields}
    data["file"] = SimpleUploadedFile("干部名册.xlsx", xlsx(rows))
    return client.post(reverse(UPLOAD, args=[code]), data)


def test_upload_preview_confirm_through_the_pages(cast: Cast) -> None:
    from datetime import date

    client = cast.client(cast.county_officer)
    page = client.get(reverse(UPLOAD, args=["630121"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "届次" in text and "基准日期" in text and "完整名单" in text
    response = _post(client, "630121", [row(VILLAGE, "韩一", number(date(1980, 1, 2)))])
    job = RosterImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{job.pk}/")
    assert (job.status, job.term_number, str(job.reference_date)) == ("preview", 11, "2022-01-31")
    page = client.get(reverse("rosters:import_job", args=[job.pk]))
    assert page.status_code == 200 and "将导入任职记录" in page.content.decode()
    client.post(reverse("rosters:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "succeeded" and Cadre.objects.count() == 1


def test_a_bad_file_shows_its_problems_masked(cast: Cast) -> None:
    from datetime import date

    client = cast.client(cast.town_officer)
    id_number = number(date(1980, 1, 2))
    _post(client, TOWN, [row(VILLAGE, "韩一", id_number, 民族="火星族")])
    job = RosterImport.objects.get()
    assert job.status == "rejected"
    page = client.get(reverse("rosters:import_job", args=[job.pk])).content.decode()
    assert "火星族" in page and id_number not in page
    sheet = client.get(reverse("rosters:import_problems", args=[job.pk]))
    assert sheet.status_code == 200 and id_number.encode() not in sheet.content


def test_the_form_needs_the_term_and_its_date(cast: Cast) -> None:
    from datetime import date

    client = cast.client(cast.county_officer)
    response = _post(
        client, "630121", [row(VILLAGE, "韩一", number(date(1980, 1, 2)))], term_number=""
    )
    assert response.status_code == 200 and not RosterImport.objects.exists()
    response = _post(
        client,
        "630121",
        [row(VILLAGE, "韩一", number(date(1980, 1, 2)))],
        reference_date="2999-01-01",
    )
    assert "基准日期须为不晚于今天的日期" in response.content.decode()


def test_the_template_downloads(cast: Cast) -> None:
    response = cast.client(cast.town_officer).get(reverse("rosters:import_template", args=[TOWN]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd")


@pytest.mark.parametrize(
    ("user", "code"),
    [
        ("town_officer", "630121"),
        ("town_officer", "630121101"),
        ("village_clerk", TOWN),
        ("other_county_officer", "630121"),
        ("inspector", "630121"),
        ("county_officer", VILLAGE),
    ],
)
def test_pages_outside_the_users_scope_answer_404(cast: Cast, user: str, code: str) -> None:
    client = cast.client(getattr(cast, user))
    for name in (UPLOAD, "rosters:import_template"):
        assert client.get(reverse(name, args=[code])).status_code == 404


def test_another_countys_job_answers_404(cast: Cast) -> None:
    from datetime import date

    _post(
        cast.client(cast.county_officer), "630121", [row(VILLAGE, "韩一", number(date(1980, 1, 2)))]
    )
    job = RosterImport.objects.get()
    client = cast.client(cast.other_county_officer)
    for name in ("rosters:import_job", "rosters:import_progress", "rosters:import_problems"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("rosters:import_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == "preview"
