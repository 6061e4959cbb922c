"""The nominee file through the one pipeline: previewed, run all or nothing through
`nominee_propose`; every row's problem names its row and column; a village outside the area
and a person of another village answer as unknown ones; no full ID number in any problem; the
command line runs the same import."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE
from huanjie.nomination.imports import NomineeImport
from huanjie.nomination.models import Nominee, NomineeHistory, Stage
from huanjie.nomination.tests.import_helpers import HEADER, command, preview, problems, run, xlsx
from huanjie.nomination.tests.world_nominees import World, on_roll, world_fixture  # noqa: F401
from huanjie.uploads.exports import problems_xlsx

pytestmark = pytest.mark.django_db


def test_a_good_file_proposes_every_row(world: World) -> None:
    other, other_number = on_roll(world.cast, world.campaign, "祁国强")
    rows = [
        ["红河限村", "村民委员会", "委员", "马玉兰", world.number, "选民联名提名"],
        [VILLAGE, "村党组织", "书记", "祁国强", other_number, "组织推荐"],
    ]
    job = preview(world.cast.county_officer, world.campaign, "630121", rows)
    assert job.status == "preview", job.problems
    assert job.added == 2
    assert not Nominee.objects.exists() or Nominee.objects.count() == 1  # the barred one only
    job = run(world.cast.county_officer, world.campaign, "630121", rows)
    assert job.status == "succeeded", job.problems
    a = Nominee.objects.get(election=world.villagers)
    b = Nominee.objects.get(election=world.party)
    assert (a.person_id, a.post.post, a.how_nominated, a.stage) == (
        world.person.pk,
        "member",
        "voters_jointly",
        Stage.NOMINATED,
    )
    assert (b.person_id, b.post.post, b.how_nominated) == (other.pk, "secretary", "organisation")
    assert NomineeHistory.objects.filter(nominee__in=[a, b]).count() == 2
    assert AuditEvent.objects.filter(action="nominee.propose").count() == 3  # with the barred's
    assert AuditEvent.objects.filter(action="nominee.import").count() == 1


def test_each_row_check_names_row_and_column_and_nothing_is_written(world: World) -> None:
    _, stranger_number = on_roll(world.cast, world.campaign, "赵德明")
    _, second_number = on_roll(world.cast, world.campaign, "赵德亮")
    rows = [
        ["红河限村", "村民委员会", "委员", "马玉兰", world.number, "组织推荐"],  # 2 how
        ["红河限村", "村民委员会", "委员", "韩有福", world.barred_number, "本人自荐"],  # 3 barred
        ["红河限村", "村民委员会", "委员", "鲁成福", world.outsider_number, "本人自荐"],  # 4 roll
        ["东门村", "村民委员会", "委员", "鲁成福", world.outsider_number, "本人自荐"],  # 5 area
        ["红河限村", "村务监督委员会", "委员", "赵德明", stranger_number, "本人自荐"],  # 6 body
        ["红河限村", "村民委员会", "妇女委员", "赵德明", stranger_number, "本人自荐"],  # 7 post
        ["红河限村", "村民委员会", "委员", "赵明", second_number, "本人自荐"],  # 8 name
        ["红河限村", "村民委员会", "村长", "赵德明", stranger_number, "本人自荐"],  # 9 choice
    ]
    job = preview(world.cast.town_officer, world.campaign, TOWN, rows)
    assert job.status == "rejected"
    found = problems(job)
    fields = {row: field for row, field, _ in found}
    assert fields == {
        2: "提名方式",
        3: "公民身份号码",
        4: "公民身份号码",
        5: "村(社区)",
        6: "选举",
        7: "职位",
        8: "姓名",
        9: "职位",
    }
    messages = dict((row, message) for row, _, message in found)
    assert "不接受“组织推荐”" in messages[2]
    assert "韩有福在本次换届中经资格审查不得作为候选人" in messages[3]
    assert "不在红河限村" in messages[4]
    assert "不是桥头镇纳入本次换届的村(社区)" in messages[5]  # 东门村 is another town's
    assert "尚未设置村务监督委员会选举" in messages[6]
    assert "未设妇女委员职位" in messages[7]
    assert "“赵德亮”不符" in messages[8]
    assert Nominee.objects.filter(election__in=[world.villagers, world.party]).count() == 0
    # No full ID number in the problems, in the job, or in the problems sheet.
    text = str(job.problems) + job.message
    book = openpyxl.load_workbook(io.BytesIO(problems_xlsx(job)))
    sheet_text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    numbers = (world.number, world.barred_number, world.outsider_number, stranger_number)
    for number in (*numbers, second_number):
        assert number not in text and number not in sheet_text
    assert world.barred.id_masked in text


def test_the_same_person_twice_in_one_election_is_refused(world: World) -> None:
    row = ["红河限村", "村民委员会", "委员", "马玉兰", world.number, "本人自荐"]
    job = preview(world.cast.county_officer, world.campaign, "630121", [row, row])
    assert job.status == "rejected"
    assert problems(job) == [
        (3, "公民身份号码", "与第2行是同一选举的同一人，同一人在一次选举中只能提名一次")
    ]


def test_a_user_may_not_import_outside_their_area(world: World) -> None:
    from django.core.exceptions import ValidationError

    row = ["东门村", "村民委员会", "委员", "鲁成福", world.outsider_number, "本人自荐"]
    with pytest.raises(ValidationError):
        preview(world.cast.town_officer, world.campaign, OTHER_TOWN_VILLAGE[:9], [row])
    with pytest.raises(ValidationError):
        preview(world.cast.inspector, world.campaign, "630121", [row])


def test_the_clerk_imports_for_the_village_but_never_the_partys_nominees(world: World) -> None:
    rows = [
        ["红河限村", "村民委员会", "委员", "马玉兰", world.number, "本人自荐"],
        ["红河限村", "村党组织", "委员", "马玉兰", world.number, "本人自荐"],
    ]
    job = preview(world.cast.village_clerk, world.campaign, VILLAGE, rows)
    assert job.status == "rejected"
    assert problems(job) == [
        (3, "公民身份号码", "村党组织的提名人选由乡镇党委办理，村级工作人员不能办理")
    ]
    job = run(world.cast.village_clerk, world.campaign, VILLAGE, rows[:1])
    assert job.status == "succeeded"


def test_the_upload_page_previews_and_confirms(world: World) -> None:
    client = world.cast.client(world.cast.town_officer)
    address = reverse("nomination:import_upload", args=[world.campaign.pk, TOWN])
    assert client.get(address).status_code == 200
    data = xlsx([HEADER, ["红河限村", "村民委员会", "主任", "马玉兰", world.number, "本人自荐"]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(address, {"file": SimpleUploadedFile("提名.xlsx", data)})
    assert response.status_code == 302
    job = NomineeImport.objects.get()
    assert job.status == "preview"
    response = client.post(reverse("nomination:import_confirm", args=[job.pk]), follow=True)
    assert "新增提名人选" in response.content.decode()
    assert Nominee.objects.get(election=world.villagers).post.post == "director"
    # The template: the area's villages and the fixed choices as drop-downs.
    template = client.get(reverse("nomination:import_template", args=[world.campaign.pk, TOWN]))
    assert template.status_code == 200
    # Another county's officer: 404 everywhere.
    other = world.cast.client(world.cast.other_county_officer)
    assert other.get(address).status_code == 404
    assert other.get(reverse("nomination:import_job", args=[job.pk])).status_code == 404


def test_the_command_line_runs_the_same_import(world: World, tmp_path: Path) -> None:
    good = [["红河限村", "村民委员会", "委员", "马玉兰", world.number, "本人自荐"]]
    code, output = command(tmp_path, world.campaign, "county", "630121", good)
    assert code == 0, output
    assert "新增提名人选 1" in output
    bad = [["红河限村", "村民委员会", "委员", "韩有福", world.barred_number, "本人自荐"]]
    code, output = command(tmp_path, world.campaign, "county", "630121", bad)
    assert code == 2
    assert "不得作为候选人" in output and world.barred_number not in output
