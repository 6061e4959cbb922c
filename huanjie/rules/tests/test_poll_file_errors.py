"""Bad poll files: break the file at every field and check that `huanjie tally` exits 2 with one
Chinese line on standard error naming the field as written, and never a traceback."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from huanjie.rules import PollFileError, poll_from_json, tally
from huanjie.rules.cli import main
from huanjie.rules.tests.support import run_cli

Poll = dict[str, Any]


def _base() -> Poll:
    return {
        "body": "villagers",
        "province": "33",
        "election_date": "2026-05-10",
        "poll": "first",
        "posts": [{"post": "director", "seats": 1}, {"post": "member", "seats": 3}],
        # As many candidates as the 差额 requires (村民委员会组织法(2025) 第十八条): 2 for one
        # director, 4 for three members.
        "candidates": [
            {"name": "张伟", "sex": "M", "post": "director"},
            {"name": "王芳", "sex": "F", "post": "member"},
            {"name": "李强", "sex": "M", "post": "director"},
            {"name": "刘洋", "sex": "M", "post": "member"},
            {"name": "陈静", "sex": "F", "post": "member"},
            {"name": "孙丽", "sex": "F", "post": "member"},
        ],
        "elected_before": [],
        "people": [{"name": "赵敏", "sex": "F"}],
        "electorate": 1000,
        "voted": 620,
        "ballots_issued": 620,
        "ballots": [
            {"n": 300, "director": ["张伟"], "member": ["王芳", "刘洋", "陈静"]},
            {"n": 2, "member": ["王芳"]},
            {"n": 5, "invalid": True},
        ],
        "boxes": [{"box": "流动1", "listed": 12, "ballots": [{"n": 10, "member": ["王芳"]}]}],
    }


def _set(path: str, value: Any) -> Callable[[Poll], None]:
    def change(poll: Poll) -> None:
        target: Any = poll
        keys = [int(k) if k.isdigit() else k for k in path.split("/")]
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


def _drop(path: str) -> Callable[[Poll], None]:
    def change(poll: Poll) -> None:
        target: Any = poll
        keys = [int(k) if k.isdigit() else k for k in path.split("/")]
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return change


BREAKS: list[tuple[str, Callable[[Poll], None], str]] = [
    ("body missing", _drop("body"), "body"),
    ("body unknown", _set("body", "cooperative"), "body"),
    ("body not a string", _set("body", 1), "body"),
    ("province a number", _set("province", 33), "province"),
    ("province unknown", _set("province", "99"), "province"),
    ("election_date missing", _drop("election_date"), "election_date"),
    ("election_date not a date", _set("election_date", "2026-13-01"), "election_date"),
    ("election_date other format", _set("election_date", "2026/05/10"), "election_date"),
    ("mode on a villagers' poll", _set("mode", "households"), "mode"),
    ("poll missing", _drop("poll"), "poll"),
    ("poll unknown", _set("poll", "second"), "poll"),
    ("posts missing", _drop("posts"), "posts"),
    ("posts not a list", _set("posts", {"member": 3}), "posts"),
    ("posts empty", _set("posts", []), "posts"),
    ("posts[0] not an object", _set("posts/0", "director"), "posts[0]"),
    ("posts[1].post unknown", _set("posts/1/post", "secretary"), "posts[1].post"),
    ("posts[1].post missing", _drop("posts/1/post"), "posts[1].post"),
    ("posts[1].post duplicated", _set("posts/1/post", "director"), "posts[1].post"),
    ("posts[1].seats missing", _drop("posts/1/seats"), "posts[1].seats"),
    ("posts[1].seats negative", _set("posts/1/seats", -3), "posts[1].seats"),
    ("posts[1].seats zero", _set("posts/1/seats", 0), "posts[1].seats"),
    ("posts[1].seats a string", _set("posts/1/seats", "3"), "posts[1].seats"),
    ("posts[1].seats a float", _set("posts/1/seats", 3.0), "posts[1].seats"),
    ("posts[1].seats true", _set("posts/1/seats", True), "posts[1].seats"),
    ("posts[0].seats two directors", _set("posts/0/seats", 2), "posts[0].seats"),
    ("posts eight on a villagers' committee", _set("posts/1/seats", 7), "posts"),
    ("posts[1] unknown key", _set("posts/1/seat", 3), "posts[1].seat"),
    ("candidates not a list", _set("candidates", "张伟"), "candidates"),
    ("candidates[1].name missing", _drop("candidates/1/name"), "candidates[1].name"),
    ("candidates[1].name empty", _set("candidates/1/name", " "), "candidates[1].name"),
    ("candidates[1].name duplicated", _set("candidates/1/name", "张伟"), "candidates[1].name"),
    ("candidates[1].sex unknown", _set("candidates/1/sex", "女"), "candidates[1].sex"),
    ("candidates[1].post not voted on", _set("candidates/1/post", "deputy_director"), "candidates[1].post"),
    ("elected_before[0].post unknown", _set("elected_before", [{"name": "甲", "sex": "M", "post": "boss"}]), "elected_before[0].post"),
    ("people[0].sex missing", _drop("people/0/sex"), "people[0].sex"),
    ("people[0].name same as a candidate", _set("people/0/name", "王芳"), "people[0].name"),
    ("electorate missing", _drop("electorate"), "electorate"),
    ("electorate negative", _set("electorate", -1), "electorate"),
    ("electorate a string", _set("electorate", "1000"), "electorate"),
    ("voted missing", _drop("voted"), "voted"),
    ("voted negative", _set("voted", -620), "voted"),
    ("voted above the electorate", _set("voted", 1001), "voted"),
    ("ballots_issued missing", _drop("ballots_issued"), "ballots_issued"),
    ("ballots_issued negative", _set("ballots_issued", -1), "ballots_issued"),
    ("ballots missing", _drop("ballots"), "ballots"),
    ("ballots not a list", _set("ballots", {}), "ballots"),
    ("ballots[1] not an object", _set("ballots/1", ["王芳"]), "ballots[1]"),
    ("ballots[1].n negative", _set("ballots/1/n", -2), "ballots[1].n"),
    ("ballots[1].n zero", _set("ballots/1/n", 0), "ballots[1].n"),
    ("ballots[1].n a string", _set("ballots/1/n", "2"), "ballots[1].n"),
    ("ballots[1].member not a list", _set("ballots/1/member", "王芳"), "ballots[1].member"),
    ("ballots[1].member[0] not a name", _set("ballots/1/member/0", 7), "ballots[1].member[0]"),
    ("ballots[1].member[0] empty", _set("ballots/1/member/0", ""), "ballots[1].member[0]"),
    ("ballots[1].member repeats a name", _set("ballots/1/member", ["王芳", "王芳"]), "ballots[1].member"),
    ("ballots[1] a post not voted on", _set("ballots/1/deputy_director", ["李娜"]), "ballots[1].deputy_director"),
    ("ballots[1] an unknown post", _set("ballots/1/chief", ["李娜"]), "ballots[1].chief"),
    ("ballots[2].invalid not a boolean", _set("ballots/2/invalid", "yes"), "ballots[2].invalid"),
    ("ballots[2].invalid with names", _set("ballots/2/member", ["王芳"]), "ballots[2].invalid"),
    ("boxes not a list", _set("boxes", {}), "boxes"),
    ("boxes[0].box missing", _drop("boxes/0/box"), "boxes[0].box"),
    ("boxes[0].listed negative", _set("boxes/0/listed", -12), "boxes[0].listed"),
    ("boxes[0].listed missing", _drop("boxes/0/listed"), "boxes[0].listed"),
    ("boxes[0].ballots[0].member[0] not a name", _set("boxes/0/ballots/0/member/0", None), "boxes[0].ballots[0].member[0]"),
    ("boxes[0].ballots[0].n negative", _set("boxes/0/ballots/0/n", -1), "boxes[0].ballots[0].n"),
    ("boxes[0].ballots[0] a post not voted on", _set("boxes/0/ballots/0/woman_member", ["赵敏"]), "boxes[0].ballots[0].woman_member"),
    ("an unknown top-level field", _set("village", "一村"), "village"),
    ("a runoff without candidates", lambda p: p.update(poll="runoff", candidates=[]), "candidates"),
    # The fields added for post-by-post rounds, the women-only seat and Party ballots.
    ("posts[1].women_only not a boolean", _set("posts/1/women_only", 1), "posts[1].women_only"),
    ("committee_seats a string", _set("committee_seats", "5"), "committee_seats"),
    ("committee_seats negative", _set("committee_seats", -5), "committee_seats"),
    ("committee_seats zero", _set("committee_seats", 0), "committee_seats"),
    ("committee_seats above seven", _set("committee_seats", 8), "committee_seats"),
    ("committee_seats below the seats", _set("committee_seats", 3), "posts"),
    ("meeting on a villagers' poll", _set("meeting", "committee"), "meeting"),
    ("meeting not a string", _set("meeting", ["committee"]), "meeting"),
    ("ballots[1] marks on a villagers' poll", _set("ballots/1/member", {"yes": ["王芳"]}), "ballots[1].member"),
]  # fmt: skip


def test_the_unbroken_file_counts(tmp_path: Path) -> None:
    code, out, err = run_cli(_base(), tmp_path)
    assert (code, err) == (0, "")
    assert json.loads(out)["valid"] is True


@pytest.mark.parametrize(("case", "change", "field"), BREAKS, ids=[b[0] for b in BREAKS])
def test_a_broken_field_is_named(
    case: str, change: Callable[[Poll], None], field: str, tmp_path: Path
) -> None:
    poll = _base()
    change(poll)
    code, out, err = run_cli(poll, tmp_path)
    assert (code, out) == (2, "")
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(f"{field}："), err
    assert "Traceback" not in err
    # The same error, with the same field, from the Python API.
    with pytest.raises(PollFileError) as raised:
        tally(poll_from_json(poll))
    assert raised.value.field == field


def test_residents_mode_unknown(tmp_path: Path) -> None:
    poll = _base() | {"body": "residents", "mode": "everyone", "province": ""}
    poll["posts"] = [{"post": "member", "seats": 5}]
    code, _, err = run_cli(poll, tmp_path)
    assert code == 2 and err.startswith("mode：")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "投票文件不是有效的JSON（第1行第2列）\n"),
        ("[]", "投票文件应当是一个JSON对象\n"),
        ("", "投票文件是空的\n"),
        ("\ufeff \n\t", "投票文件是空的\n"),
        ("[" * 100_000, "投票文件嵌套过深，不是有效的投票文件\n"),
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, "投票文件嵌套过深，不是有效的投票文件\n"),
        ('{"electorate": ' + "9" * 5000 + "}", "投票文件中有位数过多的数字，不是有效的投票文件\n"),
        ('{"body": "\\ud800"}', "投票文件含有无效的Unicode转义（单独的代理项，如\\ud800）\n"),
        ('{"\\udfff": 1}', "投票文件含有无效的Unicode转义（单独的代理项，如\\ud800）\n"),
    ],
    ids=[
        "not-json",
        "not-an-object",
        "empty",
        "only-whitespace",
        "too-deep",
        "too-deep-objects",
        "a-5000-digit-integer",
        "a-lone-surrogate",
        "a-lone-surrogate-key",
    ],
)
def test_a_file_that_is_not_a_poll(text: str, message: str, tmp_path: Path) -> None:
    code, out, err = run_cli(text, tmp_path)
    assert (code, out, err) == (2, "", message)


def test_a_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from huanjie.rules.cli import main

    path = tmp_path / "gbk.json"
    path.write_bytes('{"body": "村民"}'.encode("gbk"))
    assert main([str(path)]) == 2
    assert capsys.readouterr().err == "投票文件不是UTF-8编码的文本\n"


def test_a_missing_file_and_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    from huanjie.rules.cli import main

    assert main(["/nonexistent/poll.json"]) == 2
    assert capsys.readouterr().err.startswith("无法读取投票文件“/nonexistent/poll.json”：")
    assert main([]) == 2
    assert capsys.readouterr().err.startswith("用法：huanjie tally FILE|-")
    assert main(["a.json", "b.json"]) == 2


# Any JSON at all: the CLI answers 0 or 2, and never raises.
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", "member", "33", "张伟"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def _mutated(draw: st.DrawFn) -> Poll:
    poll = _base()
    paths = [
        "body", "province", "election_date", "poll", "posts", "posts/0", "posts/1/seats",
        "posts/1/post", "candidates", "candidates/0", "candidates/1/sex", "people/0",
        "electorate", "voted", "ballots_issued", "ballots", "ballots/0", "ballots/0/n",
        "ballots/0/member", "ballots/1/member/0", "ballots/2/invalid", "boxes/0", "boxes/0/listed",
        "committee_seats", "meeting", "posts/1/women_only", "ballots/0/no", "ballots/1/yes",
    ]  # fmt: skip
    for path in draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3, unique=True)):
        with contextlib.suppress(KeyError, IndexError, TypeError):
            _set(path, draw(_json))(poll)
    return copy.deepcopy(poll)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(poll=_mutated())
def test_any_mangled_file_exits_0_or_2(poll: Poll, tmp_path: Path) -> None:
    code, out, err = run_cli(poll, tmp_path)
    assert code in (0, 2)
    if code == 2:
        assert out == "" and err.count("\n") == 1 and "Traceback" not in err


def _run_cli_bytes(raw: bytes, tmp_path: Path) -> tuple[int, str, str]:
    path = tmp_path / "poll.json"
    path.write_bytes(raw)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(path)])
    return code, out.getvalue(), err.getvalue()


# Any bytes at all, and the hostile files seen in the wild as explicit examples: the CLI answers
# 0 or 2 with one line, never a traceback, and what it prints can be written to a UTF-8 pipe.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=200) | _mutated().map(lambda p: json.dumps(p).encode()))
@example(raw=b"")
@example(raw=b"\xef\xbb\xbf")
@example(raw=b'{"electorate": ' + b"9" * 4301 + b"}")
@example(
    raw=json.dumps(_base() | {"voted": 0}).replace('"voted": 0', '"voted": ' + "9" * 5000).encode()
)
@example(raw=b'{"body": "\\ud800"}')
@example(raw=json.dumps(_base() | {"people": [{"name": "\ud800", "sex": "F"}]}).encode())
@example(raw=b"[" * 50_000 + b"]" * 50_000)
@example(raw=b'{"a":' * 50_000 + b"1" + b"}" * 50_000)
@example(raw='{"body": "村民委员会"}'.encode("gbk"))
@example(raw=b"\xff\xfe{\x00}\x00")
@example(raw=b'{"electorate": 1e400, "voted": NaN}')
@example(raw=json.dumps(_base() | {"ballots": [{"\n": None}]}).encode())
def test_any_bytes_exit_0_or_2_with_one_printable_line(raw: bytes, tmp_path: Path) -> None:
    code, out, err = _run_cli_bytes(raw, tmp_path)
    assert code in (0, 2)
    (out + err).encode("utf-8")
    if code == 2:
        assert out == "" and err.count("\n") == 1 and "Traceback" not in err
