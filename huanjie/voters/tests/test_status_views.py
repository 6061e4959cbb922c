"""Recording one person's death or deprivation from the village roll, and correcting a change
recorded by mistake from the 变动名单 page: the message that says what happened to the rolls,
GET never writes, and 404 outside the user's region."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from huanjie.accounts.models import Role
from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE, _user
from huanjie.people.models import PersonStatusChange
from huanjie.voters import services as voters
from huanjie.voters import status
from huanjie.voters.models import ChangeReason
from huanjie.voters.tests.test_roll_cast import make_person, make_roll


@pytest.fixture
def voter(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    reg = voters.voter_register(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=roll.village,
        person=person,
        category="hukou_resident",
    )
    return roll, reg


def _status_url(roll, reg, code=VILLAGE):
    return reverse("voters:person_status", args=[roll.campaign.pk, code, reg.pk])


def _roll_url(roll, code=VILLAGE):
    return reverse("voters:roll", args=[roll.campaign.pk, code])


def _messages(page):
    return [str(m) for m in page.context["messages"]]


DEATH = {
    "kind": "died",
    "on": "2026-10-05",
    "until": "",
    "source": "死亡医学证明 No.630121-2026-0815",
}


def test_a_clerk_records_a_death_from_the_roll_and_is_told_what_the_rolls_did(cast, voter):
    roll, reg = voter
    client = cast.client(cast.village_clerk)
    assert _status_url(roll, reg) in client.get(_roll_url(roll)).content.decode()
    form = client.get(_status_url(roll, reg))
    assert form.status_code == 200
    assert "人员库现有记录：无死亡、剥夺政治权利记录" in form.content.decode()
    page = client.post(_status_url(roll, reg), DEATH, follow=True)
    assert page.redirect_chain == [(_roll_url(roll), 302)]
    assert _messages(page) == ["已登记马成林死亡（2026年10月5日）：选民登记除名 1 处，待核实 0 处"]
    change = PersonStatusChange.objects.get()
    assert (change.source, change.recorded_by) == (DEATH["source"], cast.village_clerk)
    reg.refresh_from_db()
    assert not reg.active and reg.removed_reason == ChangeReason.DIED


def test_a_town_officer_records_a_deprivation_for_life_on_a_published_roll(cast, voter):
    roll, reg = voter
    voters.voter_list_publish(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    data = {
        "kind": "rights_deprived",
        "on": "2025-01-01",
        "until": "",
        "source": "（2025）青0121刑初12号",
    }
    page = cast.client(cast.town_officer).post(_status_url(roll, reg), data, follow=True)
    assert _messages(page) == [
        "已登记马成林剥夺政治权利（2025年1月1日）：选民登记除名 0 处，待核实 1 处"
    ]
    reg.person.refresh_from_db()
    assert reg.person.rights_deprived_from == date(2025, 1, 1)
    assert reg.person.rights_deprived_until is None  # 终身
    reg.refresh_from_db()
    assert reg.active and reg.flag == voters.FLAG_DEPRIVED_AFTER_PUBLICATION


def test_a_refused_change_is_shown_on_the_form_and_nothing_is_recorded(cast, voter):
    roll, reg = voter
    client = cast.client(cast.village_clerk)
    page = client.post(_status_url(roll, reg), {**DEATH, "until": "2026-12-01"})
    assert page.status_code == 200 and "“死亡”不填截止日期" in page.content.decode()
    page = client.post(_status_url(roll, reg), {**DEATH, "source": ""})
    assert page.status_code == 200 and not PersonStatusChange.objects.exists()


def test_a_get_never_records_anything(cast, voter):
    roll, reg = voter
    page = cast.client(cast.town_officer).get(_status_url(roll, reg), DEATH)
    assert page.status_code == 200
    assert not PersonStatusChange.objects.exists()
    reg.refresh_from_db()
    assert reg.active


def test_another_town_or_county_or_a_user_without_the_permission_gets_404(cast, voter):
    roll, reg = voter
    other_town = _user("town2", "韩玉梅", "630121101", Role.TOWN_OFFICER)
    for user in (other_town, cast.other_county_officer, cast.inspector):
        client = cast.client(user)
        assert client.get(_status_url(roll, reg)).status_code == 404, user.username
        assert client.post(_status_url(roll, reg), DEATH).status_code == 404, user.username
    # This village's registration under another village's URL is not found either.
    make_roll(cast, code=OTHER_TOWN_VILLAGE, campaign=roll.campaign)
    wrong = _status_url(roll, reg, code=OTHER_TOWN_VILLAGE)
    assert cast.client(cast.county_officer).post(wrong, DEATH).status_code == 404
    assert (
        _status_url(roll, reg)
        not in cast.client(cast.inspector).get(_roll_url(roll)).content.decode()
    )
    assert not PersonStatusChange.objects.exists()


def _changes_url(code=TOWN):
    return reverse("voters:changes", args=[code])


def _correct_url(change, code=TOWN):
    return reverse("voters:change_correct", args=[code, change.pk])


def test_a_town_officer_corrects_a_wrong_death_and_the_voter_is_back(cast, voter):
    _, reg = voter
    change = status.person_status_record(
        actor=cast.town_officer, person=reg.person, kind="died", on=date(2026, 10, 5), source="通知"
    )
    client = cast.client(cast.town_officer)
    assert _correct_url(change) in client.get(_changes_url()).content.decode()
    page = client.post(_correct_url(change), {"reason": "死亡通知张冠李戴"}, follow=True)
    assert page.redirect_chain == [(_changes_url(), 302)]
    assert _messages(page) == [
        "已更正马成林的“死亡”登记：恢复选民登记 1 处，除名 0 处，待核实 0 处，撤销待核实提示 0 处"
    ]
    html = page.content.decode()
    assert "已更正</span>" in html and "死亡通知张冠李戴" in html
    assert _correct_url(change) not in html  # corrected: nothing left to correct
    reg.refresh_from_db()
    assert reg.active


def test_a_correction_without_a_reason_or_by_get_changes_nothing(cast, voter):
    _, reg = voter
    change = status.person_status_record(
        actor=cast.town_officer, person=reg.person, kind="died", on=date(2026, 10, 5), source="通知"
    )
    client = cast.client(cast.town_officer)
    assert client.get(_correct_url(change)).status_code == 405
    page = client.post(_correct_url(change), {"reason": " "}, follow=True)
    assert _messages(page) == ["请填写更正原因"]
    change.refresh_from_db()
    assert not change.corrected


def test_a_correction_outside_the_users_area_answers_404(cast):
    here, _ = make_person("马成林")
    other_town, _ = make_person("鲁成福", region=OTHER_TOWN_VILLAGE)
    here_change, other_change = (
        status.person_status_record(
            actor=cast.county_officer, person=p, kind="died", on=date(2026, 10, 5), source="通知"
        )
        for p in (here, other_town)
    )
    data = {"reason": "错登"}
    other = cast.client(cast.other_county_officer)
    for url in (_correct_url(here_change), _correct_url(here_change, "630121")):
        assert other.post(url, data).status_code == 404, url
    assert other.post(_correct_url(here_change, "630123"), data).status_code == 404
    town = cast.client(cast.town_officer)
    # The other town's change is not on the town's page, and the county page is not the town's.
    assert town.post(_correct_url(other_change), data).status_code == 404
    assert town.post(_correct_url(other_change, "630121"), data).status_code == 404
    # A user without the permission to record.
    assert cast.client(cast.inspector).post(_correct_url(here_change, "630121")).status_code == 404
    assert not PersonStatusChange.objects.filter(corrected_at__isnull=False).exists()
