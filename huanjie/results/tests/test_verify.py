"""A result anyone can recompute: `huanjie verify FILE` (and `verify_document`, which needs no
database) reruns the engine on every poll of a canonical result file, and any single field
changed is caught, by the recomputation or by the hash the database does not know."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from huanjie.conftest import VILLAGE, make_campaign
from huanjie.elections import rule_profiles as rp
from huanjie.elections.tests.test_rule_profiles import _published
from huanjie.polls.models import Poll, PollStatus
from huanjie.polls.services.closing import canonical as spelling
from huanjie.polls.services.closing import poll_close
from huanjie.polls.tests.closing_helpers import agreed_sheet, figures_of, to_counting
from huanjie.polls.tests.conftest import TODAY, PollWorld, fixed_election, register_voters
from huanjie.results import canonical
from huanjie.results.management.commands import verify as command
from huanjie.results.models import Result, ResultVersion, VersionStatus
from huanjie.results.services.certify import (
    result_certify_county,
    result_certify_town,
    result_return,
    version_create,
    version_make_current,
)
from huanjie.results.standing import Standing, standing_of
from huanjie.results.tests.conftest import close_poll, paper_ready
from huanjie.results.verify import MAX_BYTES, read_document, verify_bytes, verify_document

CURRENT_WORDS = "与县级确认的现行版本一致"


def run(path: Path | str, *args: str) -> tuple[int, str, str]:
    """`huanjie verify` in process: (exit status, standard output, standard error)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify", str(path), *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, out.getvalue(), err.getvalue()


def write(tmp_path: Path, document: Any, name: str = "result.json") -> Path:
    path = tmp_path / name
    path.write_bytes(spelling(document).encode("utf-8"))
    return path


# ---------------------------------------------------------------------------------------------
# A certified version.


def test_the_certified_version_recomputes_and_is_the_current_one(certified, tmp_path):
    found = verify_document(certified.document)
    assert found.matches, found.findings
    assert (found.sha256, found.code) == (certified.sha256, certified.code)
    assert found.notes == ()
    status, out, err = run(write(tmp_path, certified.document))
    assert (status, err) == (0, "")
    assert command.MSG_RECOMPUTED_SAME in out
    assert CURRENT_WORDS in out and "第1版" in out
    assert f"SHA-256：{certified.sha256}" in out and f"核验码：{certified.code}" in out
    # What was recomputed, poll by poll: valid, winners with votes, thresholds, what follows.
    assert "第1轮投票（第一次投票），" in out and "投票有效" in out
    assert "主任（应选1名）：当选 张伟（10票）；当选所需票数 8" in out
    assert "其后：无须再投票" in out


def test_the_code_on_the_notice_is_checked_in_any_spelling(certified, tmp_path):
    path = write(tmp_path, certified.document)
    typed = certified.code.lower().replace("-", " ")
    status, out, _ = run(path, "--code", typed)
    assert status == 0 and command.MSG_CODE_SAME.format(code=certified.code) in out
    status, out, _ = run(path, "--code", "0000-0000-0000")
    assert status == 1 and "不一致" in out and CURRENT_WORDS in out
    status, out, _ = run(path, "--code", "不是核验码")
    assert status == 1 and "不是核验码" in out


def test_the_json_report(certified, tmp_path):
    status, out, _ = run(write(tmp_path, certified.document), "--json")
    report = json.loads(out)
    assert status == 0
    assert report["sha256"] == certified.sha256 and report["matches"] is True
    assert report["standing"] == "current" and report["version"] == 1
    assert report["polls"][0]["output"] == certified.document["polls"][0]["output"]


def test_a_file_in_another_spelling_is_checked_on_its_content(certified, tmp_path):
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps(certified.document, ensure_ascii=True, indent=2))
    status, out, _ = run(path)
    assert status == 0 and "不是规范写法" in out


def test_another_engine_version_is_a_note_and_still_recomputed(certified, monkeypatch):
    from huanjie.results import verify

    monkeypatch.setattr(verify, "engine_version", lambda: "9.9.9")
    found = verify_document(certified.document)
    assert found.matches
    assert any("本机为9.9.9版" in n for n in found.notes)


# ---------------------------------------------------------------------------------------------
# Every field tampered.


def _tampers(node: Any, at: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, how) for every leaf ("change"), every key ("drop", "rename"), every element of a
    list ("drop") and every empty container ("grow")."""
    if isinstance(node, dict):
        if not node:
            yield at, "grow"
        for key, value in node.items():
            yield (*at, key), "drop"
            yield (*at, key), "rename"
            yield from _tampers(value, (*at, key))
    elif isinstance(node, list):
        if not node:
            yield at, "grow"
        for i, value in enumerate(node):
            yield (*at, i), "drop"
            yield from _tampers(value, (*at, i))
    else:
        yield at, "change"


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    return 0


def tampered(document: dict[str, Any], at: tuple, how: str) -> dict[str, Any]:
    out = copy.deepcopy(document)
    parent: Any = out
    for step in at[:-1] if how != "grow" else at:
        parent = parent[step]
    if how == "grow":
        if isinstance(parent, list):
            parent.append("x")
        else:
            parent["x"] = 1
        return out
    last = at[-1]
    if how == "drop":
        del parent[last]
    elif how == "rename":
        parent[f"{last}x"] = parent.pop(last)
    else:
        parent[last] = _changed(parent[last])
    return out


def _where(at: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in at)


def assert_every_field_is_caught(document: dict[str, Any], tmp_path: Path) -> int:
    """Tamper each field of `document` in turn: the command never says it is the current
    version; where the field is a poll's or the outcome's, the recomputation itself (without
    the database) says what differs; elsewhere the database knows no such hash."""
    wrong: list[str] = []
    cases = list(_tampers(document))
    for at, how in cases:
        changed = tampered(document, at, how)
        status, out, err = run(write(tmp_path, changed))
        where = f"{how} {_where(at)}"
        if status == 0 or CURRENT_WORDS in out:
            wrong.append(f"{where}: exit {status}, said current")
        if "Traceback" in out + err:
            wrong.append(f"{where}: traceback")
        if at and at[0] in ("polls", "outcome"):
            found = verify_document(changed)
            if found.matches or status != 2:
                wrong.append(f"{where}: not caught by the recomputation (exit {status})")
        elif status == 1 and command.MSG_UNKNOWN not in out:
            wrong.append(f"{where}: exit 1 without saying the hash is unknown")
    assert not wrong, "\n".join(wrong)
    return len(cases)


def test_changing_any_single_field_is_detected(certified, tmp_path):
    assert assert_every_field_is_caught(certified.document, tmp_path) > 300


# ---------------------------------------------------------------------------------------------
# Several polls: each later one names the earlier ones' winners.

# 15 voters: nobody reaches 8 votes for director, 王芳 and 刘洋 are elected members, one
# member seat stays open: a supplementary poll for the director and a member follows.
SHORT: list[dict[str, Any]] = [
    {"n": 7, "director": ["张伟"], "member": ["王芳", "刘洋", "陈静"]},
    {"n": 7, "director": ["李强"], "member": ["王芳", "刘洋", "赵敏"]},
    {"n": 1, "invalid": True},
]
SECOND: list[dict[str, Any]] = [
    {"n": 10, "director": ["张伟"], "member": ["陈静"]},
    {"n": 5, "director": ["李强"], "member": ["赵敏"]},
]


@pytest.fixture
def two_polls(closed_world_short) -> ResultVersion:
    world, first = closed_world_short
    second = Poll.objects.get(election=world.election, follows=first)
    box = to_counting(world, second, voted=15)
    agreed_sheet(second, box, figures_of(SECOND))
    poll_close(actor=world.cast.town_officer, poll=second)
    paper_ready(world.cast.town_officer, second)
    version = result_certify_town(actor=world.cast.town_officer, election=world.election)
    return result_certify_county(actor=world.cast.county_officer, version=version)


@pytest.fixture
def closed_world_short(cast) -> tuple[PollWorld, Poll]:
    from huanjie.polls.tests.conftest import make_world

    world = make_world(cast, voters=8)
    first, _ = close_poll(world, SHORT)
    paper_ready(cast.town_officer, first)
    return world, first


def test_a_supplementary_poll_recomputes_with_the_winners_before_it(two_polls, tmp_path):
    document = two_polls.document
    assert [p["kind"] for p in document["polls"]] == ["first", "supplementary"]
    named = document["polls"][1]["input"]["poll_file"]["elected_before"]
    assert {e["name"] for e in named} == {"王芳", "刘洋"}
    assert verify_document(document).matches
    status, out, _ = run(write(tmp_path, document))
    assert status == 0
    assert "其后：另行选举，主任 1 名" in out
    elected = [(e["post"], e["name"], e["poll"]) for e in document["outcome"]["elected"]]
    assert ("director", "张伟", 2) in elected and ("member", "陈静", 2) in elected


def test_a_later_poll_naming_other_winners_before_it_is_caught(two_polls):
    document = copy.deepcopy(two_polls.document)
    entry = document["polls"][1]
    entry["input"]["poll_file"]["elected_before"][0]["name"] = "赵敏"
    # Even with its own hash made to agree, the chain of polls does not.
    entry["sha256"] = __import__(
        "huanjie.polls.services.closing", fromlist=["frozen_hash"]
    ).frozen_hash(entry["input"], entry["output"])
    found = verify_document(document)
    assert any("elected_before" in f for f in found.findings), found.findings


def test_changing_any_field_of_a_two_poll_result_is_detected(two_polls, tmp_path):
    assert assert_every_field_is_caught(two_polls.document, tmp_path) > 500


# ---------------------------------------------------------------------------------------------
# The database's answer.


def test_a_superseded_version_names_the_one_in_force(certified, closed, tmp_path):
    old = certified.document
    with transaction.atomic():
        result = Result.objects.select_for_update().get(pk=certified.result_id)
        new = version_create(
            actor=closed.town2,
            result=result,
            polls=old["polls"],
            reason="更正计票结果报告单的录入错误",
            status=VersionStatus.PROPOSED,
            event="result.certify_town",
        )
        version_make_current(
            actor=closed.county2, version=new, reason="批准更正", event="result.certify_county"
        )
    status, out, _ = run(write(tmp_path, old))
    assert status == 1
    assert command.MSG_SUPERSEDED.format(number=1, current=2, code=new.code) in out
    assert CURRENT_WORDS not in out
    status, out, _ = run(write(tmp_path, new.document))
    assert status == 0 and "第2版" in out


def test_a_version_not_certified_by_the_county_is_not_current(closed, tmp_path):
    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    status, out, _ = run(write(tmp_path, version.document))
    assert status == 1 and command.MSG_PENDING.format(number=1) in out
    result_return(actor=closed.cast.county_officer, version=version, reason="报告单不清晰")
    status, out, _ = run(write(tmp_path, version.document))
    assert status == 1 and command.MSG_RETURNED.format(number=1) in out
    assert standing_of(sha256=version.sha256).standing is Standing.RETURNED


def test_an_unknown_hash_is_said_so(certified, tmp_path):
    document = copy.deepcopy(certified.document)
    document["campaign"] = "另一次换届"
    status, out, _ = run(write(tmp_path, document))
    assert status == 1 and command.MSG_RECOMPUTED_SAME in out and command.MSG_UNKNOWN in out


# ---------------------------------------------------------------------------------------------
# Broken files: a Chinese line and exit 2, never a traceback.

BROKEN: list[tuple[bytes, str]] = [
    (b"", "结果文件是空的"),
    (b"\xff\xfe\x00", "不是UTF-8"),
    (b"{not json", "不是有效的JSON（第1行第2列）"),
    (b"[1, 2]", "应为一个JSON对象"),
    (b'{"format": "huanjie-result/1", "format": "x"}', "重复出现"),
    (b'{"format": NaN}', "无效的数字"),
    (b'{"a": ' + b"9" * 5000 + b"}", "无效的数字"),
    (b'{"a": "\\ud800"}', "单独的代理项"),
    (b"[" * 100_000 + b"]" * 100_000, "嵌套过深"),
    (b'{"format": "huanjie-result/2"}', "格式“huanjie-result/2”无法识别"),
    (b'{"format": "huanjie-result/1"}', "缺少字段“village”"),
]


@pytest.mark.parametrize(("raw", "message"), BROKEN)
def test_a_broken_file_is_refused_in_chinese(raw, message, tmp_path, db):
    path = tmp_path / "broken.json"
    path.write_bytes(raw)
    status, out, err = run(path)
    assert status == 2
    assert message in err, err
    assert "Traceback" not in out + err


def test_missing_and_mistyped_fields_are_named(certified, tmp_path):
    document = copy.deepcopy(certified.document)
    del document["polls"][0]["input"]["poll_file"]
    status, _, err = run(write(tmp_path, document))
    assert status == 2 and "缺少字段“polls[0].input.poll_file”" in err
    document = copy.deepcopy(certified.document)
    document["polls"][0]["number"] = "1"
    status, _, err = run(write(tmp_path, document))
    assert status == 2 and "“polls[0].number”应为整数" in err
    document = copy.deepcopy(certified.document)
    document["polls"][0]["extra"] = 1
    status, _, err = run(write(tmp_path, document))
    assert status == 2 and "没有的字段“polls[0].extra”" in err


def test_a_poll_file_the_engine_refuses_is_a_difference(certified):
    document = copy.deepcopy(certified.document)
    document["polls"][0]["input"]["poll_file"]["posts"][0]["post"] = "king"
    found = verify_document(document)
    assert not found.problem
    assert any("计票程序无法计算" in f for f in found.findings), found.findings


def test_a_huge_file_is_refused_unread(tmp_path, db):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    status, _, err = run(path)
    assert status == 2 and "过大" in err
    assert read_document(b" " * (MAX_BYTES + 1)).problem.startswith("结果文件过大")


def test_a_missing_file_and_standard_input(certified, tmp_path, monkeypatch):
    status, _, err = run(tmp_path / "nowhere.json")
    assert status == 2 and "无法读取结果文件" in err
    raw = spelling(certified.document).encode("utf-8")

    class Stdin:
        buffer = __import__("io").BytesIO(raw)

    monkeypatch.setattr("sys.stdin", Stdin)
    status, out, _ = run("-")
    assert status == 0 and CURRENT_WORDS in out


def test_verify_bytes_reads_what_the_public_page_serves(certified):
    raw = spelling(certified.document).encode("utf-8")
    found = verify_bytes(raw)
    assert found.matches and found.notes == () and found.sha256 == certified.sha256


# ---------------------------------------------------------------------------------------------
# A county's own rules, rebuilt from the file without the database.


@pytest.fixture
def county_rules_result(cast) -> ResultVersion:
    """红河限村's election in a campaign on the county's published profile, closed and
    certified."""
    campaign = make_campaign(
        cast,
        term=14,
        start=TODAY - timedelta(days=60),
        end=TODAY + timedelta(days=120),
        election_day=TODAY,
    )
    rp.campaign_set_rule_profile(
        actor=cast.county_officer,
        campaign=campaign,
        profile=_published(cast),
        today=TODAY - timedelta(days=30),
    )
    officer = cast.county_officer
    election, people = fixed_election(officer, campaign, VILLAGE)
    world = PollWorld(cast, campaign, election, candidates=people)
    world.voters = register_voters(officer, campaign, VILLAGE, list(people.values()), 8)
    from huanjie.results.tests.conftest import ALL_ELECTED

    poll, _ = close_poll(world, ALL_ELECTED)
    assert poll.status == PollStatus.CLOSED
    paper_ready(cast.town_officer, poll)
    version = result_certify_town(actor=cast.town_officer, election=election)
    return result_certify_county(actor=cast.county_officer, version=version)


def test_a_county_profile_result_recomputes_without_the_database(
    county_rules_result, django_assert_num_queries
):
    document = copy.deepcopy(county_rules_result.document)
    frozen = document["polls"][0]["input"]["county_profile"]
    assert frozen["name"] == "大通县村民委员会选举规则" and frozen["law"] == "2025"
    # The county's note is in the engine's output: only the same profile, rebuilt from the
    # file, gives the same output.
    note = rp.NOTE.format(
        county=document["village"]["county"],
        name=frozen["name"],
        version=frozen["version"],
        measure=f"《{frozen['measure']}》",
    )
    assert note in document["polls"][0]["output"]["rules"]
    with django_assert_num_queries(0):
        found = verify_document(document)
    assert found.matches, found.findings


def test_the_county_name_in_the_file_feeds_the_rebuilt_profile(county_rules_result):
    document = copy.deepcopy(county_rules_result.document)
    document["village"]["county"] = "另一个县"
    found = verify_document(document)
    assert any("适用的条款" in f for f in found.findings), found.findings


def test_a_profile_on_another_law_or_of_no_known_law(county_rules_result):
    document = copy.deepcopy(county_rules_result.document)
    document["polls"][0]["input"]["county_profile"]["law"] = "2018"
    found = verify_document(document)
    # Counted as the count would have: under the national law, the note says why.
    assert any("按全国性法律重新计算" in n for n in found.notes), found.notes
    assert any("适用的条款" in f for f in found.findings)
    document["polls"][0]["input"]["county_profile"]["law"] = "1999"
    found = verify_document(document)
    assert any("基准法律" in f and "无法识别" in f for f in found.findings), found.findings


def test_build_and_county_rules_agree(cast):
    profile = _published(cast)
    built = rp.build(profile)
    parts = rp.county_rules(
        law=profile.law,
        measure=profile.measure,
        parameters=profile.parameters,
        name=profile.name,
        version=profile.version,
        province=profile.region_id[:2],
        county=profile.region.display_name,
    )
    assert built == parts and built.ok


def test_the_tamper_walk_sees_every_kind_of_change():
    document = {"a": [1, {"b": "x"}], "c": [], "d": True}
    hows = {(_where(at), how) for at, how in _tampers(document)}
    assert (".a[0]", "drop") in hows and (".a[1].b", "rename") in hows
    assert (".c", "grow") in hows and (".d", "change") in hows
    assert tampered(document, ("d",), "change")["d"] is False
    assert tampered(document, ("c",), "grow")["c"] == ["x"]
    assert canonical.digest(tampered(document, ("a", 0), "drop")) != canonical.digest(document)


def test_control_characters_a_file_carries_are_printed_escaped(certified, tmp_path):
    """A hostile file's key or name (a line break, a terminal escape sequence) never reaches the
    terminal as it is: every line the command writes is printable."""
    document = copy.deepcopy(certified.document)
    document["polls"][0]["input"]["poll_file"]["ballots"] = [{"\n\x1b[31m": None}]
    document["village"]["name"] = "红河限村\r\x1b[2J"
    status, out, err = run(write(tmp_path, document))
    assert status == 2
    for line in (out + err).splitlines():
        assert line.isprintable(), repr(line)
    assert "\\x1b[31m" in out
