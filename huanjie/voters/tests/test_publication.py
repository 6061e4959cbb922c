from __future__ import annotations

import subprocess
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.voters.models import VoterListPublication
from huanjie.voters.pdf import list_notice_pdf
from huanjie.voters.services import voter_list_publish, voter_register
from huanjie.voters.tests.test_roll_cast import make_person, make_roll


def _roll_with_voters(cast, n=3):
    roll = make_roll(cast)
    numbers = []
    for i in range(n):
        group = "第一村民小组" if i % 2 == 0 else "第二村民小组"
        person, number = make_person(f"村民{i:02d}", group=group, household=f"{i:03d}")
        voter_register(
            actor=cast.village_clerk,
            campaign=roll.campaign,
            village=roll.village,
            person=person,
            category="hukou_resident",
            group_name=group,
        )
        numbers.append(number)
    return roll, numbers


def _publish(cast, roll, day):
    return voter_list_publish(
        actor=cast.village_clerk, campaign=roll.campaign, village=roll.village, published_on=day
    )


def test_a_list_published_nineteen_days_before_is_refused(cast):
    roll, _ = _roll_with_voters(cast)
    with pytest.raises(ValidationError) as exc:
        _publish(cast, roll, date(2026, 12, 1))
    assert exc.value.messages[0].startswith(
        "选民名单应当在选举日的20日前公布，即不迟于2026年11月30日（"
    )
    assert not VoterListPublication.objects.exists()


def test_publishing_twenty_days_before_freezes_the_list_by_group(cast):
    roll, _ = _roll_with_voters(cast, 3)
    publication = _publish(cast, roll, date(2026, 11, 30))
    assert publication.version == 1 and publication.voters == 3
    assert publication.objection_deadline == date(2026, 12, 5)
    assert publication.snapshot == [
        {"group": "第一村民小组", "names": ["村民00", "村民02"]},
        {"group": "第二村民小组", "names": ["村民01"]},
    ]
    with pytest.raises(ValidationError) as exc:
        _publish(cast, roll, date(2026, 11, 30))
    assert exc.value.messages[0].startswith("选民名单已于2026年11月30日公布")


def _pdftotext(body: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())  # the title is letter-spaced


def test_the_notice_pdf_has_the_title_and_the_names_and_no_id_number(cast, tmp_path):
    roll, numbers = _roll_with_voters(cast, 12)
    publication = _publish(cast, roll, date(2026, 11, 30))
    body = list_notice_pdf(publication)
    assert body.startswith(b"%PDF")
    text = _pdftotext(body, tmp_path)
    assert "红河限村选民名单公告" in text
    assert "村民07" in text and "第二村民小组" in text
    assert "本村参加第12届村民委员会选举的选民共12人" in text
    assert "2026年12月5日前" in text
    assert "第1页共1页" in text
    for number in numbers:
        assert number not in text and number[-4:] not in text


def test_the_notice_is_served_as_a_pdf(cast):
    roll, _ = _roll_with_voters(cast, 2)
    _publish(cast, roll, date(2026, 11, 30))
    response = cast.client(cast.village_clerk).get(
        f"/voters/{roll.campaign.pk}/{roll.village.code}/publications/1/notice.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_publish_page_shows_the_legal_latest_date(cast):
    roll, _ = _roll_with_voters(cast, 1)
    client = cast.client(cast.village_clerk)
    url = f"/voters/{roll.campaign.pk}/{roll.village.code}/publish/"
    assert "2026年11月30日" in client.get(url).content.decode()
    response = client.post(url, {"published_on": "2026-12-01"})
    assert "即不迟于2026年11月30日" in response.content.decode()
    response = client.post(url, {"published_on": "2026-11-29"})
    assert response.status_code == 302
    assert VoterListPublication.objects.get().published_on == date(2026, 11, 29)


def test_the_published_names_follow_surname_strokes_within_each_group(cast):
    roll = make_roll(cast)
    for name in ("陈静", "王芳", "张伟", "丁一", "李娜"):
        person, _ = make_person(name)
        voter_register(
            actor=cast.village_clerk,
            campaign=roll.campaign,
            village=roll.village,
            person=person,
            category="hukou_resident",
            group_name="第一村民小组",
        )
    publication = _publish(cast, roll, date(2026, 11, 30))
    assert publication.snapshot == [
        {"group": "第一村民小组", "names": ["丁一", "王芳", "李娜", "张伟", "陈静"]}
    ]
