from __future__ import annotations

import subprocess
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.voters.models import Proxy
from huanjie.voters.pdf import proxy_notice_pdf
from huanjie.voters.services import proxy_record, proxy_withdraw, voter_register
from huanjie.voters.tests.test_roll_cast import ELECTION_DAY, make_person, make_roll


@pytest.fixture
def voters(cast):
    roll = make_roll(cast)
    regs = []
    for i in range(6):
        person, _ = make_person(f"选民{i}")
        regs.append(
            voter_register(
                actor=cast.village_clerk,
                campaign=roll.campaign,
                village=roll.village,
                person=person,
                category="hukou_resident",
                group_name="第一村民小组",
            )
        )
    return regs


def _proxy(cast, principal, holder, filed=date(2026, 12, 10), close=True):
    return proxy_record(
        actor=cast.village_clerk,
        principal=principal,
        holder=holder,
        relation="父子" if close else "邻居",
        close_relative=close,
        filed_on=filed,
    )


def test_it_refuses_a_fourth_proxy(cast, voters):
    holder, *principals = voters
    for p in principals[:3]:
        _proxy(cast, p, holder)
    with pytest.raises(ValidationError) as exc:
        _proxy(cast, principals[3], holder)
    assert exc.value.messages[0].startswith("每一受委托人接受委托不得超过3人，已接受3人（")
    assert Proxy.objects.filter(holder=holder).count() == 3


def test_the_2025_law_lets_any_villager_hold_a_proxy(cast, voters):
    assert _proxy(cast, voters[1], voters[0], close=False).close_relative is False


def test_one_principal_gives_one_proxy(cast, voters):
    _proxy(cast, voters[1], voters[0])
    with pytest.raises(ValidationError) as exc:
        _proxy(cast, voters[1], voters[2])
    assert exc.value.messages == ["选民1已办理委托投票（受委托人：选民0）"]


def test_a_removed_voter_cannot_hold_a_proxy(cast, voters):
    from huanjie.voters.services import voter_remove

    voter_remove(actor=cast.village_clerk, registration=voters[0], reason="died")
    voters[0].refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _proxy(cast, voters[1], voters[0])
    assert exc.value.messages[0].startswith("受委托人应当是本村（社区）登记参加选举的选民（")


def _pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "p.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return "".join(text.split())  # the title is letter-spaced


def test_the_public_list_of_proxies_names_both_and_no_id(cast, voters, tmp_path):
    _proxy(cast, voters[1], voters[0])
    roll = voters[0]
    body = proxy_notice_pdf(
        roll.village, roll.campaign.term_number, Proxy.objects.all(), date(2026, 12, 15)
    )
    text = _pdf_text(body, tmp_path)
    assert "红河限村委托投票名单公告" in text and "选民0" in text and "选民1" in text
    assert voters[0].person.id_masked[-4:] not in text


# Withdrawing a proxy (撤销委托投票).


def _withdraw(cast, proxy, on=date(2026, 12, 15), reason="本人将回村参加投票"):
    return proxy_withdraw(actor=cast.village_clerk, proxy=proxy, on=on, reason=reason)


def test_a_withdrawn_proxy_stays_on_record_out_of_force_and_audited(cast, voters):
    proxy = _withdraw(cast, _proxy(cast, voters[1], voters[0]), reason="  本人将回村参加投票 ")
    proxy.refresh_from_db()
    assert not proxy.in_force
    assert (proxy.withdrawn_on, proxy.withdrawal_reason, proxy.withdrawn_by) == (
        date(2026, 12, 15),
        "本人将回村参加投票",
        cast.village_clerk,
    )
    event = AuditEvent.objects.get(action="voter.proxy_withdraw")
    assert event.object_id == str(proxy.pk) and event.user_id == cast.village_clerk.pk
    assert event.changes["withdrawn_on"] == "2026-12-15"


@pytest.mark.parametrize("on", [ELECTION_DAY, date(2026, 12, 21)])
def test_it_refuses_a_withdrawal_on_or_after_election_day(cast, voters, on):
    proxy = _proxy(cast, voters[1], voters[0])
    with pytest.raises(ValidationError) as exc:
        _withdraw(cast, proxy, on=on)
    assert exc.value.messages == ["选举日（2026年12月20日）当天及以后不能撤销委托"]
    proxy.refresh_from_db()
    assert proxy.in_force


def test_the_day_before_election_day_is_still_in_time(cast, voters):
    assert not _withdraw(cast, _proxy(cast, voters[1], voters[0]), on=date(2026, 12, 19)).in_force


def test_it_refuses_to_withdraw_a_proxy_twice(cast, voters):
    proxy = _withdraw(cast, _proxy(cast, voters[1], voters[0]))
    with pytest.raises(ValidationError) as exc:
        _withdraw(cast, Proxy.objects.get(pk=proxy.pk), on=date(2026, 12, 16), reason="再次撤销")
    assert exc.value.messages == ["该委托已于2026年12月15日撤销"]
    assert AuditEvent.objects.filter(action="voter.proxy_withdraw").count() == 1


def test_it_refuses_a_withdrawal_without_a_reason(cast, voters):
    proxy = _proxy(cast, voters[1], voters[0])
    with pytest.raises(ValidationError) as exc:
        _withdraw(cast, proxy, reason="   ")
    assert exc.value.messages == ["请填写撤销委托的原因"]


def test_it_refuses_a_withdrawal_dated_before_the_proxy_was_filed(cast, voters):
    proxy = _proxy(cast, voters[1], voters[0])
    with pytest.raises(ValidationError) as exc:
        _withdraw(cast, proxy, on=date(2026, 12, 9))
    assert exc.value.messages == ["撤销日期不能早于委托办理日期（2026年12月10日）"]


@pytest.fixture
def other_town_officer(cast):
    """A town officer of 城关镇, the county's other town."""
    from huanjie.accounts.models import Role
    from huanjie.conftest import _user

    return _user("town2", "韩玉梅", "630121101", Role.TOWN_OFFICER)


def test_another_towns_officer_cannot_withdraw(cast, voters, other_town_officer):
    with pytest.raises(ValidationError) as exc:
        proxy_withdraw(
            actor=other_town_officer,
            proxy=_proxy(cast, voters[1], voters[0]),
            on=date(2026, 12, 15),
            reason="撤销",
        )
    assert exc.value.messages == ["无权办理该村(社区)的选民登记"]


def test_the_holder_limit_counts_only_proxies_in_force(cast, voters):
    holder, *principals = voters
    first, *_ = (_proxy(cast, p, holder) for p in principals[:3])
    _withdraw(cast, first)
    fourth = _proxy(cast, principals[3], holder)  # three in force again: the limit holds
    assert fourth.in_force
    with pytest.raises(ValidationError) as exc:
        _proxy(cast, principals[4], holder)
    assert exc.value.messages[0].startswith("每一受委托人接受委托不得超过3人，已接受3人（")
    assert Proxy.objects.filter(holder=holder).count() == 4


def test_a_principal_may_authorise_someone_else_after_withdrawing(cast, voters):
    principal = voters[1]
    _withdraw(cast, _proxy(cast, principal, voters[0]))
    again = _proxy(cast, principal, voters[2], filed=date(2026, 12, 16))
    assert (again.holder, again.in_force) == (voters[2], True)
    with pytest.raises(ValidationError) as exc:  # still one in force at a time
        _proxy(cast, principal, voters[3], filed=date(2026, 12, 16))
    assert exc.value.messages == ["选民1已办理委托投票（受委托人：选民2）"]
    assert list(principal.proxies_given.order_by("id").values_list("holder", flat=True)) == [
        voters[0].pk,
        voters[2].pk,
    ]


def test_the_database_keeps_one_proxy_in_force_per_principal(cast, voters):
    from django.db import IntegrityError, transaction

    proxy = _proxy(cast, voters[1], voters[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Proxy.objects.create(
            campaign=proxy.campaign,
            village=proxy.village,
            principal=voters[1],
            holder=voters[2],
            relation="邻居",
            filed_on=date(2026, 12, 11),
            recorded_by=cast.village_clerk,
        )


# The pages.


def _urls(proxy):
    base = f"/voters/{proxy.campaign_id}/{proxy.village_id}/proxies/"
    return base, f"{base}{proxy.pk}/withdraw/", f"{base}notice.pdf"


def test_the_clerk_withdraws_a_proxy_from_the_proxies_page(cast, voters):
    proxy = _proxy(cast, voters[1], voters[0])
    kept = _proxy(cast, voters[3], voters[2])
    page_url, withdraw_url, _ = _urls(proxy)
    client = cast.client(cast.village_clerk)
    assert withdraw_url in client.get(page_url).content.decode()
    response = client.post(withdraw_url, {"withdrawn_on": "2026-12-15", "reason": "本人回村投票"})
    assert response.status_code == 302 and response["Location"] == page_url
    proxy.refresh_from_db()
    assert (proxy.withdrawn_on, proxy.withdrawal_reason) == (date(2026, 12, 15), "本人回村投票")
    page = client.get(page_url)
    assert list(page.context["proxies"]) == [kept]
    assert list(page.context["withdrawn"]) == [proxy]
    assert "本人回村投票" in page.content.decode()


def test_a_refused_withdrawal_shows_the_reason_and_changes_nothing(cast, voters):
    proxy = _proxy(cast, voters[1], voters[0])
    page_url, withdraw_url, _ = _urls(proxy)
    client = cast.client(cast.village_clerk)
    for data, message in (
        (
            {"withdrawn_on": "2026-12-20", "reason": "太晚了"},
            "选举日（2026年12月20日）当天及以后不能撤销委托",
        ),
        ({"withdrawn_on": "2026-12-15"}, "撤销原因：这个字段是必填项。"),
    ):
        page = client.post(withdraw_url, data, follow=True)
        assert page.redirect_chain == [(page_url, 302)]
        assert [str(m) for m in page.context["messages"]] == [message]
    proxy.refresh_from_db()
    assert proxy.in_force


def test_another_towns_user_and_the_other_county_get_404(cast, voters, other_town_officer):
    proxy = _proxy(cast, voters[1], voters[0])
    _, withdraw_url, _ = _urls(proxy)
    for user in (other_town_officer, cast.other_county_officer):
        response = cast.client(user).post(
            withdraw_url, {"withdrawn_on": "2026-12-15", "reason": "撤销"}
        )
        assert response.status_code == 404, user.username
    # A proxy of this village asked for under another village's URL is not found either.
    wrong_village = withdraw_url.replace(proxy.village_id, "630121100207")
    make_roll(cast, code="630121100207", campaign=proxy.campaign)
    assert cast.client(cast.town_officer).post(wrong_village).status_code == 404
    proxy.refresh_from_db()
    assert proxy.in_force


def test_the_public_list_and_the_figures_leave_out_withdrawn_proxies(cast, voters, tmp_path):
    from huanjie.voters.selectors import roll_figures

    _withdraw(cast, _proxy(cast, voters[1], voters[0]))
    _proxy(cast, voters[3], voters[2])
    _, _, pdf_url = _urls(Proxy.objects.first())
    response = cast.client(cast.village_clerk).get(pdf_url)
    assert response.status_code == 200
    text = _pdf_text(response.content, tmp_path)
    assert "选民3" in text and "选民2" in text
    assert "选民1" not in text and "选民0" not in text
    assert "委托投票共1人" in text
    village = voters[0].village
    _, total = roll_figures(cast.county_officer, voters[0].campaign, village.parent)
    assert total.proxies == 1
