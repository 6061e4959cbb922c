from __future__ import annotations

import subprocess
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.voters.models import Proxy
from huanjie.voters.pdf import proxy_notice_pdf
from huanjie.voters.services import proxy_record, voter_register
from huanjie.voters.tests.test_roll_cast import make_person, make_roll


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


def test_the_public_list_of_proxies_names_both_and_no_id(cast, voters, tmp_path):
    _proxy(cast, voters[1], voters[0])
    roll = voters[0]
    body = proxy_notice_pdf(
        roll.village, roll.campaign.term_number, Proxy.objects.all(), date(2026, 12, 15)
    )
    path = tmp_path / "p.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = "".join(text.split())  # the title is letter-spaced
    assert "红河限村委托投票名单公告" in text and "选民0" in text and "选民1" in text
    assert voters[0].person.id_masked[-4:] not in text
