"""The set-up page and the check-in desk over HTTP: Post/Redirect/Get with the services' Chinese
messages, the htmx searches and presence panel, masked ID numbers only, and another county's
officer answered 404 everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huanjie.conftest import VILLAGE
from huanjie.lib import idcard
from huanjie.polls.models import BallotBox, CheckIn, MobileBoxVoter, PollStaff
from huanjie.polls.services import checkin as desk
from huanjie.polls.services import setup as s
from huanjie.polls.services.lifecycle import poll_open_voting
from huanjie.polls.tests.matrix_setup import roll_voter


def texts(response: Any) -> list[str]:
    """The messages a POST's redirect carries (read, so the next POST's are its own)."""
    seen: list[str] = response.seen
    return seen


@pytest.fixture(autouse=True)
def _read_messages(monkeypatch: Any) -> None:
    """Each response's messages are its own: what a browser would show on the page it is sent
    to, and then no more."""
    from django.test import Client

    post = Client.post

    def posted(self: Any, *args: Any, **kwargs: Any) -> Any:
        response = post(self, *args, **kwargs)
        seen: list[str] = []
        if response.status_code == 302:
            page = self.get(response["Location"])
            seen = [str(m) for m in get_messages(page.wsgi_request)]
        response.seen = seen  # type: ignore[attr-defined]
        return response

    monkeypatch.setattr(Client, "post", posted)


@pytest.fixture
def officer(world: Any) -> Any:
    return world.cast.town_officer


@pytest.fixture
def client(world: Any, officer: Any) -> Any:
    return world.cast.client(officer)


@pytest.fixture
def box(poll: Any, officer: Any) -> BallotBox:
    return s.box_add(actor=officer, poll=poll, name="中心会场")


@pytest.fixture
def voter(world: Any) -> tuple[Any, str]:
    return roll_voter(world.cast.county_officer, world.campaign, "马玉兰", VILLAGE)


@pytest.fixture
def voting(poll: Any, officer: Any, box: BallotBox) -> Any:
    s.ballots_issue(actor=officer, box=box, count=100, serial_from=1)
    poll_open_voting(actor=officer, poll=poll)
    poll.refresh_from_db()
    return poll


def test_the_set_up_page_lists_boxes_staff_and_problems(world, poll, officer, client, box, voter):
    mobile = s.box_add(actor=officer, poll=poll, name="流动票箱一", mobile=True)
    s.staff_appoint(actor=officer, poll=poll, person=voter[0].person, role="scrutineer", box=mobile)
    page = client.get(reverse("polls:setup", args=[poll.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "中心会场" in html and "流动票箱一" in html and "马玉兰" in html
    assert "流动票箱“流动票箱一”尚未列入投票人员" in html
    assert voter[1] not in html and voter[0].person.id_masked in html


def test_a_box_is_added_posted_and_redirected_with_a_message(poll, client):
    url = reverse("polls:box_add", args=[poll.pk])
    response = client.post(url, {"name": "第二投票站", "place": "村小学"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("polls:setup", args=[poll.pk]))
    assert texts(response) == ["已增加票箱“第二投票站”"]
    assert BallotBox.objects.filter(poll=poll, name="第二投票站").exists()
    again = client.post(url, {"name": "第二投票站"})
    assert texts(again) == ["票箱“第二投票站”已存在"]
    empty = client.post(url, {"name": ""})
    assert texts(empty) == ["票箱名称：这个字段是必填项。"]
    assert client.get(url).status_code == 405


def test_ballots_listed_voters_and_staff_are_set_through_the_page(world, poll, client, voter):
    officer = world.cast.town_officer
    mobile = s.box_add(actor=officer, poll=poll, name="流动票箱一", mobile=True)
    issued = client.post(
        reverse("polls:ballots_issue", args=[mobile.pk]), {"count": "20", "serial_from": "1"}
    )
    assert texts(issued) == ["票箱“流动票箱一”发出选票20张（编号1至20）"]
    listed = client.post(
        reverse("polls:mobile_voter_add", args=[mobile.pk]),
        {"q": voter[1], "reason": "年老行动不便"},
    )
    assert texts(listed) == ["马玉兰已列入流动票箱“流动票箱一”"]
    row = MobileBoxVoter.objects.get()
    client.post(reverse("polls:mobile_voter_remove", args=[row.pk]))
    assert not MobileBoxVoter.objects.exists()
    refused = client.post(
        reverse("polls:staff_appoint", args=[poll.pk]),
        {"person": world.candidates["李强"].pk, "role": "counter"},
    )
    assert texts(refused)[0].startswith("李强是本次投票的候选人，不能担任计票员")
    appointed = client.post(
        reverse("polls:staff_appoint", args=[poll.pk]),
        {"q": "马玉兰", "role": "scrutineer", "box": str(mobile.pk)},
    )
    assert texts(appointed) == ["马玉兰担任监票员"]
    staff = PollStaff.objects.get()
    client.post(reverse("polls:staff_remove", args=[staff.pk]))
    assert not PollStaff.objects.exists()


def test_the_set_up_search_finds_the_roll_and_the_villages_people(poll, client, voter):
    url = reverse("polls:setup_search", args=[poll.pk])
    html = client.get(url, {"q": "马玉", "kind": "registration"}).content.decode()
    assert f'value="{voter[0].pk}"' in html and voter[0].person.id_masked in html
    html = client.get(url, {"q": voter[1], "kind": "person"}).content.decode()
    assert f'name="person" value="{voter[0].person.pk}"' in html
    assert voter[1] not in html


def test_the_desk_checks_in_by_number_and_shows_masked_ids(voting, client, voter):
    number = voter[1]
    url = reverse("polls:checkin", args=[voting.pk])
    box = voting.boxes.get()
    response = client.post(url, {"box": box.pk, "code": number})
    assert response.status_code == 302 and response["Location"] == f"{url}?box={box.pk}"
    assert texts(response) == [f"马玉兰（{idcard.mask(number)}）已领取选票"]
    assert CheckIn.objects.get().method == "id_number"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert number not in html and idcard.mask(number) in html
    assert 'hx-trigger="every 2s"' in html and "autofocus" in html


def test_the_desk_reads_a_card_reader_line_and_answers_an_unknown_number(voting, client, voter):
    registration, number = voter
    url = reverse("polls:checkin", args=[voting.pk])
    box = voting.boxes.get()
    unknown = idcard.generate("630121", registration.person.birth_date, "F", 498)
    refused = client.post(url, {"box": box.pk, "code": unknown})
    assert texts(refused) == ["该身份证号不在本村选民名单中"]
    read = client.post(url, {"box": box.pk, "code": f"马玉兰|{number}|女|汉族\r\n"})
    assert texts(read)[0].startswith("马玉兰（")
    assert CheckIn.objects.get().method == "card_reader"


def test_the_desk_checks_in_a_holder_for_the_principal(world, voting, client, voter):
    from datetime import timedelta

    from huanjie.polls.tests.conftest import TODAY
    from huanjie.voters.services import proxy_record

    holder, holder_number = roll_voter(world.cast.county_officer, world.campaign, "祁国强", VILLAGE)
    proxy_record(
        actor=world.cast.county_officer,
        principal=voter[0],
        holder=holder,
        relation="配偶",
        close_relative=True,
        filed_on=TODAY - timedelta(days=4),
    )
    box = voting.boxes.get()
    url = reverse("polls:checkin", args=[voting.pk])
    response = client.post(url, {"box": box.pk, "code": holder_number, "principal": voter[1]})
    assert texts(response) == [f"马玉兰（{voter[0].person.id_masked}）已领取选票（由祁国强代领）"]
    row = CheckIn.objects.get()
    assert (row.registration, row.by_proxy) == (voter[0], holder)


def test_the_desk_search_picks_from_the_published_list(voting, client, voter):
    url = reverse("polls:checkin_search", args=[voting.pk])
    html = client.get(url, {"q": "马玉兰"}).content.decode()
    assert f'form="desk" name="registration" value="{voter[0].pk}"' in html
    box = voting.boxes.get()
    response = client.post(
        reverse("polls:checkin", args=[voting.pk]), {"box": box.pk, "registration": voter[0].pk}
    )
    assert texts(response)[0].startswith("马玉兰（")
    assert CheckIn.objects.get().method == "list"


def test_the_presence_panel_and_the_undo(world, voting, client, voter):
    box = voting.boxes.get()
    row = desk.check_in(actor=world.cast.town_officer, poll=voting, box=box, registration=voter[0])
    panel = client.get(reverse("polls:presence", args=[voting.pk])).content.decode()
    assert 'data-testid="present">1<' in panel and "尚未过半数" in panel
    clerk = world.cast.client(world.cast.village_clerk)
    undo = reverse("polls:checkin_undo", args=[voting.pk])
    refused = clerk.post(undo, {"check_in": row.pk, "reason": "登记错人"})
    assert texts(refused) == ["无权办理该选举的投票"]
    done = client.post(undo, {"check_in": row.pk, "reason": "登记错人", "box": box.pk})
    assert texts(done) == ["已撤销马玉兰的领票登记"]
    row.refresh_from_db()
    assert row.undo_reason == "登记错人"


def test_the_desk_waits_for_voting_to_begin(poll, client, box, voter):
    url = reverse("polls:checkin", args=[poll.pk])
    html = client.get(url).content.decode()
    assert "投票尚未开始" in html and 'id="desk-code"' not in html
    response = client.post(url, {"box": box.pk, "code": voter[1]})
    assert texts(response) == ["第1轮 第一次投票当前为“筹备”，不能登记领票"]


def test_another_countys_officer_gets_404_everywhere(world, voting, voter):
    officer = world.cast.town_officer
    box = voting.boxes.get()
    row = desk.check_in(actor=officer, poll=voting, box=box, registration=voter[0])
    other = world.cast.client(world.cast.other_county_officer)
    p = voting.pk
    for name, pk in (
        ("polls:setup", p),
        ("polls:setup_search", p),
        ("polls:checkin", p),
        ("polls:checkin_search", p),
        ("polls:presence", p),
    ):
        assert other.get(reverse(name, args=[pk]), {"q": "马玉兰"}).status_code == 404, name
    for name, pk, data in (
        ("polls:box_add", p, {"name": "外县"}),
        ("polls:box_update", box.pk, {"name": "外县"}),
        ("polls:box_remove", box.pk, {}),
        ("polls:ballots_issue", box.pk, {"count": 1}),
        ("polls:checkin", p, {"box": box.pk, "code": voter[1]}),
        ("polls:checkin_undo", p, {"check_in": row.pk, "reason": "外县"}),
        ("polls:staff_appoint", p, {"person": voter[0].person.pk, "role": "counter"}),
    ):
        assert other.post(reverse(name, args=[pk]), data).status_code == 404, name
    row.refresh_from_db()
    assert row.undone_at is None and BallotBox.objects.count() == 1


def test_the_set_up_page_asks_as_many_queries_for_two_boxes_as_for_five(world, poll, client):
    officer = world.cast.town_officer
    url = reverse("polls:setup", args=[poll.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    def add_box(i: int) -> None:
        mobile = s.box_add(actor=officer, poll=poll, name=f"流动票箱{i}", mobile=True)
        registration, _ = roll_voter(world.cast.county_officer, world.campaign, "马玉兰", VILLAGE)
        s.mobile_voter_add(actor=officer, box=mobile, registration=registration, reason="卧床")
        s.staff_appoint(
            actor=officer, poll=poll, person=registration.person, role="scrutineer", box=mobile
        )

    add_box(1)
    add_box(2)
    two = queries()
    for i in range(3, 6):
        add_box(i)
    assert queries() == two


def test_the_partys_desk_registers_members_present(world):
    from datetime import date

    from huanjie.polls.tests.matrix_setup import party_poll

    cast = world.cast
    officer = cast.town_officer
    poll, members = party_poll(cast.county_officer, world.campaign, VILLAGE)
    client = cast.client(officer)
    setup_page = client.get(reverse("polls:setup", args=[poll.pk])).content.decode()
    assert 'name="mobile"' not in setup_page
    box = s.box_add(actor=officer, poll=poll, name="会场票箱")
    s.ballots_issue(actor=officer, box=box, count=20, serial_from=1)
    poll_open_voting(actor=officer, poll=poll)
    url = reverse("polls:checkin", args=[poll.pk])
    page = client.get(url).content.decode()
    assert "到会登记" in page and "应到会" in page and 'name="principal"' not in page
    number = idcard.generate("630121", date(1966, 2, 1), "M", 50)
    response = client.post(url, {"code": number})
    assert texts(response) == [f"党员甲（{idcard.mask(number)}）已登记到会"]
    found = client.get(reverse("polls:checkin_search", args=[poll.pk]), {"q": "党员乙"})
    assert f'name="member" value="{members[1].pk}"' in found.content.decode()
    attended = client.post(url, {"member": members[1].pk})
    assert texts(attended)[0].startswith("党员乙（")
    assert desk.presence(poll).present == 2
    row = poll.attendance.get(member=members[0])
    undone = client.post(
        reverse("polls:checkin_undo", args=[poll.pk]), {"attendance": row.pk, "reason": "登记错人"}
    )
    assert texts(undone) == ["已撤销党员甲的到会登记"]
