"""Issue 10's flow in the browser, for one village (红河限村) and its two elections: the county
sets up the Party organisation's election (三推两述一选) and the villagers' committee's, proposes
nominees from the roll and the Party branch and sends them to the review; the village clerk's 预审,
the town's 初审, the county's batch to the departments, the department's answers from its queue
(and 404 everywhere else), the county's conclusion; the Party's 推荐, 票决 and 预备人选公示;
两述; each post's list fixed with the engine's 差额 verdict shown; the candidate notice PDF."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from huanjie.accounts.models import Department
from huanjie.browser_tests.conftest import shot
from huanjie.browser_tests.test_town_officer import login
from huanjie.conftest import VILLAGE, make_campaign
from huanjie.elections.models import Campaign, CampaignVillage, Election
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.lib import idcard
from huanjie.nomination.models import Nominee, Stage
from huanjie.party.models import BranchKind
from huanjie.party.services import branch_create, member_add
from huanjie.people.services import PersonIn, person_row
from huanjie.review.models import ReviewDepartment
from huanjie.review.services import review_department_update
from huanjie.voters.services.registrations import voter_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()

# Surnames of distinct stroke counts, so the order by 姓氏笔画 is plain: 丁2 马3 王4 石5 江6
# 李7 周8 胡9 徐10 黄11.
PARTY = {"secretary": ["周建华", "马文军"], "member": ["黄丽萍", "王志强", "李春梅"]}
COMMITTEE = {"director": ["徐海峰", "丁玉兰"], "member": ["胡晓燕", "江永平", "石桂英"]}
# The town Party committee's 差额票决: the secretary's list is in its votes (周 before 马).
COMMITTEE_VOTES = {"周建华": 9, "马文军": 4, "黄丽萍": 8, "王志强": 7, "李春梅": 6}
# What each notice must print, in this order: the secretary by the votes, the rest by strokes.
PARTY_NOTICE = ["周建华", "马文军", "王志强", "李春梅", "黄丽萍"]
COMMITTEE_NOTICE = ["丁玉兰", "徐海峰", "石桂英", "江永平", "胡晓燕"]
ROLL_ONLY = ["杨秀英", "赵德明"]  # on the roll, never nominated


def _village_world(cast) -> tuple[Campaign, dict[str, str]]:  # type: ignore[no-untyped-def]
    """A campaign begun 60 days ago with 红河限村 voting in 30 days (through the service), ten
    people on its roll, the Party branch with the Party's nominees as full members. Returns the
    campaign and each person's full ID number by name."""
    campaign = make_campaign(
        cast, term=13, start=TODAY - timedelta(days=60), end=TODAY + timedelta(days=120)
    )
    entry = CampaignVillage.objects.select_related("region").get(
        campaign=campaign, region_id=VILLAGE
    )
    campaign_village_set_election_date(
        actor=cast.county_officer, entry=entry, election_date=TODAY + timedelta(days=30)
    )
    numbers: dict[str, str] = {}
    names = [*PARTY["secretary"], *PARTY["member"], *COMMITTEE["director"], *COMMITTEE["member"]]
    for i, name in enumerate([*names, *ROLL_ONLY], start=1):
        birth = TODAY.replace(year=TODAY.year - 30 - i, month=3, day=1 + i)
        sex = "F" if i % 2 else "M"
        number = idcard.generate("630121", birth, sex, 300 + i)
        person = person_row(
            PersonIn(
                id_number=number,
                name=name,
                sex=sex,
                birth_date=birth,
                ethnicity="01",
                region_code=VILLAGE,
                group_name="第一村民小组",
            )
        )
        person.save()
        voter_register(
            actor=cast.village_clerk,
            campaign=campaign,
            village=entry.region,
            person=person,
            category="hukou_resident",
        )
        numbers[name] = number
    branch = branch_create(
        actor=cast.county_officer,
        village=entry.region,
        name="红河限村党支部",
        kind=BranchKind.BRANCH,
    )
    for name in [*PARTY["secretary"], *PARTY["member"]]:
        member_add(actor=cast.county_officer, branch=branch, id_number=numbers[name], name=name)
    return campaign, numbers


def go(page, url: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"


def submit(page, button) -> None:  # type: ignore[no-untyped-def]
    """Click a submit button and wait for the page it leads to; no error message there."""
    with page.expect_navigation():
        button.click()
    errors = page.locator("#hj-messages .alert-danger, .alert-danger[role=alert]")
    assert errors.count() == 0, errors.all_inner_texts()


def create_election(page, body: str, method: str, seats: dict[str, str], key: str) -> int:  # type: ignore[no-untyped-def]
    page.get_by_label("选举的组织").select_option(label=body)
    page.get_by_label("提名方式").select_option(label=method)
    submit(page, page.get_by_role("button", name="设置", exact=True))
    card = page.get_by_test_id(f"election-{key}")
    for label, count in seats.items():
        card.get_by_label(label, exact=True).fill(count)
    submit(page, card.get_by_role("button", name="保存职位和应选名额"))
    assert card.get_by_text("尚未设置").count() == 0
    return Election.objects.get(village__region_id=VILLAGE, body=key).pk


def propose(page, base: str, election: int, number: str, name: str, post: str, how: str) -> None:  # type: ignore[no-untyped-def]
    """Find the person by ID number (posted, never in the address), pick the post, nominate."""
    go(page, f"{base}/elections/{election}/propose/")
    page.locator("#q").fill(number)
    submit(page, page.get_by_role("button", name="查找"))
    assert number not in page.content()  # the number is not echoed back
    found = page.get_by_test_id("found")
    assert found.get_by_text(name, exact=True).is_visible()
    assert found.locator("input[name=person]").count() == 1
    page.get_by_label("职位").select_option(label=post)
    page.get_by_label("提名方式").select_option(label=how)
    submit(page, page.get_by_role("button", name="提名", exact=True))
    assert page.get_by_test_id("nominees").get_by_role("link", name=name).is_visible()


def nominee_url(base: str, name: str) -> str:
    nominee = Nominee.objects.get(election__village__region_id=VILLAGE, person__name=name)
    return f"{base}/nominees/{nominee.pk}/"


def move(page, base: str, name: str, move_name: str, fields: dict[str, str] | None = None) -> None:  # type: ignore[no-untyped-def]
    go(page, nominee_url(base, name))
    form = page.get_by_test_id(f"move-{move_name}")
    for label, value in (fields or {}).items():
        form.get_by_label(label).fill(value)
    submit(page, form.get_by_role("button"))


def open_lists(page, base: str, election: int) -> None:  # type: ignore[no-untyped-def]
    """The election's list page, reached from the election's page."""
    go(page, f"{base}/elections/{election}/")
    with page.expect_navigation():
        page.get_by_test_id("lists").click()
    assert page.url.endswith(f"/elections/{election}/lists/")


def review_rows(page, state: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("row").filter(has_text=state)


def test_a_village_goes_from_nomination_to_the_candidate_notice(page, live_server, cast, sessions):  # type: ignore[no-untyped-def]
    campaign, numbers = _village_world(cast)
    server = live_server.url
    village_page = f"{server}/campaigns/{campaign.pk}/villages/{VILLAGE}/elections/"
    base = f"{server}/nomination/campaigns/{campaign.pk}"
    review_page = f"{server}/review/campaigns/{campaign.pk}/"
    party_people = [*PARTY["secretary"], *PARTY["member"]]
    committee_people = [*COMMITTEE["director"], *COMMITTEE["member"]]
    everyone = [*party_people, *committee_people]

    # The county starts the joint review; every department but the court is switched off.
    login(page, live_server, "county")
    go(page, review_page)
    submit(page, page.get_by_test_id("review-setup"))
    shot(page, "nomination-review-setup")
    for department in ReviewDepartment.objects.filter(campaign=campaign):
        if department.department != Department.COURT:
            review_department_update(
                actor=cast.county_officer, department=department, name=department.name, active=False
            )

    # The two elections, their posts and seats.
    go(page, village_page)
    party = create_election(page, "村党组织", "三推两述一选", {"书记": "1", "委员": "2"}, "party")
    committee = create_election(
        page, "村民委员会", "选民直接提名", {"主任": "1", "委员": "2"}, "villagers"
    )
    shot(page, "nomination-village-elections")

    # One more nominee than seats on every post, found by ID number and sent to the review.
    for post, label in (("secretary", "书记（应选1名）"), ("member", "委员（应选2名）")):
        for name in PARTY[post]:
            propose(page, base, party, numbers[name], name, label, "党员群众联名推荐")
    for post, label in (("director", "主任（应选1名）"), ("member", "委员（应选2名）")):
        for name in COMMITTEE[post]:
            propose(page, base, committee, numbers[name], name, label, "选民联名提名")
    shot(page, "nomination-party-nominees")
    for name in everyone:
        move(page, base, name, "send_to_review")
    # In the review, the review's clearance qualifies: no qualify button, the reason shown.
    assert page.get_by_test_id("move-qualify").count() == 0
    assert page.get_by_test_id("review-note").count() >= 1
    shot(page, "nomination-nominee-under-review")

    # 村级预审 by the village clerk, 乡镇初审 by the town officer.
    for username, state in (("clerk", "村级预审"), ("town", "乡镇初审")):
        officer = sessions(username)
        go(officer, review_page)
        assert review_rows(officer, state).count() == len(everyone)
        for _ in everyone:
            submit(
                officer,
                review_rows(officer, state).first.get_by_role("button", name="通过", exact=True),
            )
        shot(officer, f"nomination-review-{username}")
        assert review_rows(officer, state).count() == 0

    # The county makes a batch of everyone and sends it.
    go(page, review_page)
    boxes = page.locator("input[name=reviews]")
    assert boxes.count() == len(everyone)
    for i in range(boxes.count()):
        boxes.nth(i).check()
    submit(page, page.get_by_role("button", name="将所选人员编为新批次"))
    submit(page, page.get_by_role("button", name="送各部门联审"))
    assert page.get_by_text("送审日期：").is_visible()
    shot(page, "nomination-review-batch")

    # The court's reviewer: exactly the people sent, answered 无 one by one.
    reviewer = sessions("reviewer")
    go(reviewer, f"{server}/review/queue/")
    queue = reviewer.get_by_test_id("review-queue")
    rows = queue.locator("tbody tr")
    assert sorted(rows.locator("td:nth-child(4)").all_inner_texts()) == sorted(everyone)
    assert not any(n in reviewer.content() for n in numbers.values())
    assert all(n not in reviewer.content() for n in ROLL_ONLY)
    shot(reviewer, "nomination-reviewer-queue")
    for i in range(len(everyone)):
        # One row after the other (the link reads 答复 until the county concludes).
        with reviewer.expect_navigation():
            rows.nth(i).get_by_role("link", name="答复").click()
        if i == 0:
            shot(reviewer, "nomination-reviewer-answer")
        radios = reviewer.get_by_label("无此情形")
        assert radios.count() >= 1
        for j in range(radios.count()):
            radios.nth(j).check()
        submit(reviewer, reviewer.get_by_role("button", name="提交答复"))
    assert queue.get_by_text("已答复").count() == len(everyone)
    # Nothing but the queue: the county's review page, a task that is not there, a nominee
    # page and a campaign page do not exist for the department.
    task_ids = [int(m) for m in re.findall(r"/review/tasks/(\d+)/", reviewer.content())]
    for url in (
        review_page,
        f"{server}/review/tasks/{max(task_ids) + 1000}/",
        nominee_url(base, party_people[0]),
        f"{base}/elections/{party}/",
        f"{server}/campaigns/{campaign.pk}/",
        village_page,
    ):
        response = reviewer.goto(url)
        assert response is not None and response.status == 404, url
    shot(reviewer, "nomination-reviewer-404")

    # The county's conclusion: qualified.
    go(page, review_page)
    for _ in everyone:
        submit(page, page.get_by_role("button", name="作出结论").first)
    assert page.get_by_role("button", name="作出结论").count() == 0
    shot(page, "nomination-review-concluded")
    assert set(Nominee.objects.values_list("stage", flat=True)) == {Stage.QUALIFIED}

    # The Party: 民主推荐 with its votes, the town Party committee's 票决, formal.
    for name in party_people:
        move(page, base, name, "recommend", {"党员推荐票数": "30", "群众推荐票数": "40"})
        move(page, base, name, "preselect", {"乡镇党委票决票数": str(COMMITTEE_VOTES[name])})
        move(page, base, name, "make_formal")
    shot(page, "nomination-party-formal-nominee")
    for name in committee_people:
        move(page, base, name, "make_formal")

    # 两述 for a candidate of each election.
    for election, name in ((party, "周建华"), (committee, "丁玉兰")):
        open_lists(page, base, election)
        row = page.get_by_role("row").filter(has_text=name)
        with page.expect_navigation():
            row.get_by_role("link", name="记录两述").click()
        page.get_by_label("日期").fill((TODAY - timedelta(days=2)).isoformat())
        page.get_by_label("地点或会议").fill("村委会会议室")
        page.get_by_label("陈述要点").fill("任职设想：修通村道，办好合作社")
        page.get_by_label("问答1：提问", exact=True).fill("村道何时修通？")
        page.get_by_label("问答1：提问人").fill("杨秀英")
        page.get_by_label("问答1：回答要点").fill("明年雨季前")
        submit(page, page.get_by_role("button", name="保存"))
        assert page.get_by_text("任职设想：修通村道").is_visible()

    # The Party's list waits for its 预备人选公示 to end: here one that ran last week.
    open_lists(page, base, party)
    assert page.get_by_text("候选人预备人选尚未公示").count() >= 1
    assert page.get_by_test_id("fix").first.is_disabled()
    with page.expect_navigation():
        page.get_by_role("link", name="登记公示").click()
    page.get_by_label("公示内容").select_option(label="候选人预备人选")
    page.get_by_label("公示开始日期").fill((TODAY - timedelta(days=7)).isoformat())
    page.get_by_label("公示结束日期").fill((TODAY - timedelta(days=1)).isoformat())
    submit(page, page.get_by_role("button", name="保存"))

    # Each post's list fixed, the engine's 差额 verdict shown first; then the notice.
    notices: dict[int, list[str]] = {party: PARTY_NOTICE, committee: COMMITTEE_NOTICE}
    for election, posts, key in (
        (party, ("secretary", "member"), "party"),
        (committee, ("director", "member"), "committee"),
    ):
        open_lists(page, base, election)
        for post in posts:
            card = page.get_by_test_id(f"post-{post}")
            verdict = card.get_by_test_id("verdict")
            assert "差额" in verdict.inner_text()
            assert verdict.get_by_text("可以确定名单。").is_visible(), verdict.inner_text()
            if post == posts[0]:
                shot(page, f"nomination-{key}-list-verdict")
            submit(page, card.get_by_test_id("fix"))
            assert page.get_by_test_id(f"post-{post}").get_by_text("已确定").is_visible()
        shot(page, f"nomination-{key}-lists-fixed")
        href = page.get_by_test_id("notice-pdf").get_attribute("href")
        assert href
        response = page.context.request.get(f"{server}{href}")
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        pdf = response.body()
        assert pdf.startswith(b"%PDF")
        text = _pdf_text(pdf)
        places = [text.find(name) for name in notices[election]]
        assert all(p >= 0 for p in places), (notices[election], text)
        assert places == sorted(places), (notices[election], text)
        for name, number in numbers.items():
            assert number not in text, name
            assert not re.search(r"\d{6}\*+\d{2,4}", text)
        for name in ROLL_ONLY:
            assert name not in text


def _pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        )
    return out.stdout
