"""Recomputing a canonical result file (docs/results.md "核验"): anyone holding the file the
public page offers can run the election-law engine on every poll it carries and see whether
the winners, the thresholds and what follows are what the certified result says.

`verify_document(document)` needs no database: it checks the format, each poll's SHA-256 (the
`engine_hash` the count froze: polls.services.closing.frozen_hash), runs the engine on each
poll's input (a county's own rules rebuilt from the frozen profile, elections.rule_profiles.
county_rules) and compares its output with the recorded one field by field, checks that each
later poll names the earlier polls' winners as elected before, and that the outcome is what
the polls add up to (canonical.outcome). It returns the document's SHA-256 and short code with
the findings in Chinese, each naming the poll and the field that differs.

The database's answer on a file or a code is results.standing's; the `huanjie verify` command
and the public page (results.public_views) use both.

>>> read_document(b'[1]').problem
'结果文件的内容应为一个JSON对象'
>>> read_document(b'{"a": 1, "a": 2}').problem
'结果文件中字段“a”重复出现'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from huanjie.elections import rule_profiles
from huanjie.polls.services.closing import canonical as spelling
from huanjie.polls.services.closing import engine_version, frozen_hash, winners
from huanjie.results import canonical
from huanjie.rules import RulesError, law_version, poll_from_json, tally
from huanjie.rules.messages import POLL_NAMES, POST_NAMES
from huanjie.rules.profiles import Profile

# A result file is a few hundred kilobytes (every ballot of every poll); anything near this is
# not one, and the engine is not run on it.
MAX_BYTES: Final = 20 * 1024 * 1024
# Past this many differences a file is plainly not the result: the rest are only counted.
MAX_FINDINGS: Final = 50

MSG_TOO_BIG: Final = "结果文件过大（超过{mb}MB），不是本系统生成的结果文件"
MSG_EMPTY: Final = "结果文件是空的"
MSG_NOT_UTF8: Final = "结果文件不是UTF-8编码的文本"
MSG_NOT_JSON: Final = "结果文件不是有效的JSON（第{line}行第{column}列）"
MSG_TOO_DEEP: Final = "结果文件嵌套过深，不是有效的结果文件"
MSG_NUMBER: Final = "结果文件中有无效的数字（{what}）"
MSG_SURROGATE: Final = "结果文件含有无效的Unicode转义（单独的代理项，如\\ud800）"
MSG_DUPLICATE: Final = "结果文件中字段“{key}”重复出现"
MSG_NOT_OBJECT: Final = "结果文件的内容应为一个JSON对象"
MSG_FORMAT: Final = "结果文件格式“{found}”无法识别（应为“{known}”）"
MSG_MISSING: Final = "结果文件缺少字段“{path}”"
MSG_TYPE: Final = "结果文件字段“{path}”应为{kind}"
MSG_UNKNOWN_FIELD: Final = "结果文件含有本格式没有的字段“{path}”"
MSG_NO_POLLS: Final = "结果文件中没有投票（polls为空）"

MSG_HASH: Final = (
    "{poll}：SHA-256（{path}.sha256）记录为{recorded}，按其输入和输出重新计算为{computed}"
)
MSG_DIFFERS: Final = "{poll}：{label}（{path}）记录为{recorded}，重新计算为{computed}"
MSG_ENGINE_REFUSED: Final = "{poll}：计票程序无法计算该投票文件：{message}"
MSG_ORDER: Final = "{poll}：投票的轮次（{path}.number）应大于前一轮（第{before}轮）"
MSG_SAME: Final = "{poll}：{label}（{path}）为{recorded}，与投票文件中的{computed}不一致"
MSG_BEFORE: Final = (
    "{poll}：此前各轮的当选人（{path}.input.poll_file.elected_before）记录为{recorded}，"
    "按此前各轮的结果应为{computed}"
)
MSG_OUTCOME: Final = "选举结果汇总：{label}（{path}）记录为{recorded}，按各轮投票应为{computed}"
MSG_OUTCOME_BROKEN: Final = "选举结果汇总（outcome）无法由各轮投票得出：{path}的内容不完整"
MSG_MORE: Final = "……另有{count}处不同，未逐一列出"
MSG_PROFILE_LAW: Final = (
    "{poll}：县级选举规则的基准法律（{path}.input.county_profile.law）“{law}”无法识别"
)
MSG_PROFILE_REFUSED: Final = (
    "{poll}：县级选举规则“{name}”第{version}版未通过计票程序的检查（{problems}），"
    "按全国性法律重新计算"
)
MSG_PROFILE_OTHER_LAW: Final = (
    "{poll}：县级选举规则“{name}”以村民委员会组织法({law})为基础，选举日适用的是"
    "村民委员会组织法({other})，按全国性法律重新计算"
)
MSG_ENGINE_VERSION: Final = (
    "{poll}：结果文件由计票程序{recorded}版计算，本机为{installed}版，已按本机版本重新计算"
)
MSG_NOT_CANONICAL: Final = (
    "文件不是规范写法（键排序、无空格、UTF-8），因此文件本身的sha256sum与下列SHA-256不同；"
    "核验按文件内容进行"
)

POLL_LABEL: Final = "第{number}轮投票（{kind}）"

# What a field of the engine's output (TALLY_FORMAT.md) is called on a notice.
OUTPUT_LABELS: Final = {
    "valid": "投票是否有效",
    "reasons": "投票无效的原因",
    "rules": "适用的条款",
    "ballots": "选票数",
    "returned": "收回选票数",
    "invalid": "无效票数",
    "posts": "各职务的结果",
    "seats": "应选名额",
    "threshold": "当选所需票数",
    "votes": "得票",
    "open": "空缺名额",
    "against": "反对票",
    "abstained": "弃权票",
    "elected": "当选人",
    "next": "后续投票",
    "poll": "投票类别",
    "post": "职务",
    "candidates": "候选人",
    "women_only": "限选妇女",
    "pending": "待进行的投票",
    "name": "姓名",
    "sex": "性别",
}


# ---------------------------------------------------------------------------------------------
# Reading a file.


@dataclass(frozen=True)
class Read:
    """A file read as JSON: the document, or the one-line reason it is not one."""

    document: dict[str, Any] | None
    problem: str = ""
    canonical: bool = False  # the bytes are the document's canonical spelling


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A key written twice would show a reader one value and the checker the other.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _constant(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity: not JSON, and no count is ever one


def read_document(raw: bytes) -> Read:
    """The document in `raw` (at most MAX_BYTES), or why it is not a result file's JSON."""
    if len(raw) > MAX_BYTES:
        return Read(None, MSG_TOO_BIG.format(mb=MAX_BYTES // (1024 * 1024)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Read(None, MSG_NOT_UTF8)
    if not text.strip():
        return Read(None, MSG_EMPTY)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_constant)
        spelled = spelling(data).encode("utf-8")  # a lone surrogate cannot be written back
    except json.JSONDecodeError as exc:
        return Read(None, MSG_NOT_JSON.format(line=exc.lineno, column=exc.colno))
    except _Duplicate as exc:
        return Read(None, MSG_DUPLICATE.format(key=exc.key))
    except RecursionError:
        return Read(None, MSG_TOO_DEEP)
    except UnicodeEncodeError:
        return Read(None, MSG_SURROGATE)
    except ValueError as exc:
        # NaN/Infinity, or an integer of more than 4300 digits (CVE-2020-10735).
        return Read(None, MSG_NUMBER.format(what=str(exc)[:40]))
    if not isinstance(data, dict):
        return Read(None, MSG_NOT_OBJECT)
    return Read(data, canonical=spelled == raw)


# ---------------------------------------------------------------------------------------------
# The shape of a document.


class _Broken(Exception):
    """The document is not a result file of the known format: one message."""


_KINDS: Final = {str: "文本", int: "整数", dict: "对象", list: "列表"}


def _need(data: dict[str, Any], key: str, kind: type, path: str) -> Any:
    if key not in data:
        raise _Broken(MSG_MISSING.format(path=f"{path}{key}"))
    value = data[key]
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise _Broken(MSG_TYPE.format(path=f"{path}{key}", kind=_KINDS[kind]))
    return value


# The fields of the format's own levels (a poll file and the engine's output are the engine's,
# TALLY_FORMAT.md): a field more is no result file of this format either.
TOP_FIELDS: Final = frozenset(
    [
        "format",
        "village",
        "body",
        "body_label",
        "term",
        "campaign",
        "version",
        "reason",
        "polls",
        "outcome",
    ]
)
VILLAGE_FIELDS: Final = frozenset(("code", "name", "town", "county"))
POLL_FIELDS: Final = frozenset(("number", "kind", "held_on", "input", "output", "sha256"))
INPUT_FIELDS: Final = frozenset(("poll_file", "engine", "county_profile"))
PROFILE_FIELDS: Final = frozenset(("name", "version", "law", "measure", "parameters"))


def _no_more(data: dict[str, Any], known: frozenset[str], path: str) -> None:
    for key in data:
        if key not in known:
            raise _Broken(MSG_UNKNOWN_FIELD.format(path=f"{path}{key}"))


def _check_shape(document: dict[str, Any]) -> None:
    """Raise `_Broken` naming the first field missing, unknown or of the wrong type."""
    found = document.get("format")
    if found != canonical.FORMAT:
        raise _Broken(MSG_FORMAT.format(found=str(found)[:40], known=canonical.FORMAT))
    _no_more(document, TOP_FIELDS, "")
    village = _need(document, "village", dict, "")
    _no_more(village, VILLAGE_FIELDS, "village.")
    for key in ("code", "name", "town", "county"):
        _need(village, key, str, "village.")
    for key, kind in (
        ("body", str),
        ("body_label", str),
        ("term", int),
        ("campaign", str),
        ("version", int),
        ("reason", str),
        ("outcome", dict),
    ):
        _need(document, key, kind, "")
    polls = _need(document, "polls", list, "")
    if not polls:
        raise _Broken(MSG_NO_POLLS)
    for i, entry in enumerate(polls):
        where = f"polls[{i}]"
        if not isinstance(entry, dict):
            raise _Broken(MSG_TYPE.format(path=where, kind=_KINDS[dict]))
        for key, kind in (
            ("number", int),
            ("kind", str),
            ("held_on", str),
            ("input", dict),
            ("output", dict),
            ("sha256", str),
        ):
            _need(entry, key, kind, f"{where}.")
        _no_more(entry, POLL_FIELDS, f"{where}.")
        data = entry["input"]
        _no_more(data, INPUT_FIELDS, f"{where}.input.")
        _need(data, "poll_file", dict, f"{where}.input.")
        _need(data, "engine", str, f"{where}.input.")
        if "county_profile" in data:
            profile = _need(data, "county_profile", dict, f"{where}.input.")
            base = f"{where}.input.county_profile."
            _no_more(profile, PROFILE_FIELDS, base)
            for key, kind in (
                ("name", str),
                ("version", int),
                ("law", str),
                ("measure", str),
                ("parameters", dict),
            ):
                _need(profile, key, kind, base)


# ---------------------------------------------------------------------------------------------
# Differences.


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 80 else text[:77] + "…"


_MISSING = object()

Path = tuple[str | int, ...]


def _differences(recorded: Any, computed: Any, at: Path = ()) -> list[tuple[Path, Any, Any]]:
    """Every place where `recorded` and `computed` differ: (path, recorded, computed), a key
    present on one side only with the other side `_MISSING`."""
    if isinstance(recorded, dict) and isinstance(computed, dict):
        out: list[tuple[Path, Any, Any]] = []
        for key in [*computed, *(k for k in recorded if k not in computed)]:
            out.extend(
                _differences(recorded.get(key, _MISSING), computed.get(key, _MISSING), (*at, key))
            )
        return out
    if (
        isinstance(recorded, list)
        and isinstance(computed, list)
        and len(recorded) == len(computed)
        and all(isinstance(x, dict) for x in (*recorded, *computed))
    ):
        out = []
        for i, (a, b) in enumerate(zip(recorded, computed, strict=True)):
            out.extend(_differences(a, b, (*at, i)))
        return out
    # Lists of names or articles are compared whole: one name more or less reads plainly.
    if recorded == computed and type(recorded) is type(computed):
        return []
    return [(at, recorded, computed)]


def _path(prefix: str, at: Path) -> str:
    """`polls[0].output` + ("posts", 1, "threshold") → "polls[0].output.posts[1].threshold"."""
    return prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in at)


# The figures of `ballots` in words (its "valid" is a count, not the poll's validity).
BALLOT_LABELS: Final = {"returned": "收回选票数", "valid": "有效票数", "invalid": "无效票数"}
NAMED: Final = ("votes", "against", "abstained")


def _label(at: Path, posts: list[Any]) -> str:
    """A field of the engine's output in words: ("posts", 1, "threshold") → "委员的当选所需票数"."""
    words: list[str] = []
    i = 0
    while i < len(at):
        part, after = at[i], at[i + 1] if i + 1 < len(at) else None
        if part == "posts" and isinstance(after, int):
            post = posts[after].get("post") if after < len(posts) else None
            words.append(POST_NAMES.get(str(post), f"第{after + 1}个职务"))
            i += 2
            continue
        if part in NAMED and isinstance(after, str):
            words.append(f"“{after}”的{OUTPUT_LABELS[str(part)]}")
            i += 2
            continue
        if isinstance(part, int):
            words[-1:] = [f"{words[-1] if words else ''}第{part + 1}项"]
        elif i > 0 and at[i - 1] == "ballots":
            words[-1:] = [BALLOT_LABELS.get(part, part)]
        else:
            words.append(OUTPUT_LABELS.get(part, part))
        i += 1
    return "的".join(words) if words else "全部内容"


def _value(value: Any) -> str:
    if value is _MISSING:
        return "（无）"
    if (
        isinstance(value, list)
        and value
        and all(isinstance(x, dict) and isinstance(x.get("name"), str) for x in value)
    ):
        # People (the elected, those elected before): their names read better than JSON.
        return _shown(f"{len(value)}项：" + "、".join(x["name"] for x in value))
    return _shown(value)


# ---------------------------------------------------------------------------------------------
# The recomputation.


@dataclass(frozen=True)
class PollCheck:
    """One poll as recomputed: its number and kind, and the engine's output on its input
    (None when the engine refused the input)."""

    number: int
    kind: str
    held_on: str
    output: dict[str, Any] | None

    @property
    def label(self) -> str:
        return POLL_LABEL.format(number=self.number, kind=POLL_NAMES.get(self.kind, self.kind))


@dataclass(frozen=True)
class Verification:
    """What `verify_document` found. `problem`: why the file cannot be checked at all (its
    format); `findings`: where the recomputation differs from what is recorded; `notes`: what
    a reader should know but is no difference (another engine version, a non-canonical
    spelling). It matches when it has neither problem nor findings."""

    sha256: str
    code: str
    problem: str = ""
    findings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    polls: tuple[PollCheck, ...] = ()
    document: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def matches(self) -> bool:
        return not self.problem and not self.findings


def _poll_label(entry: dict[str, Any]) -> str:
    kind = entry["kind"]
    return POLL_LABEL.format(number=entry["number"], kind=POLL_NAMES.get(kind, kind))


def _county_rules(
    document: dict[str, Any], entry: dict[str, Any], where: str, notes: list[str]
) -> tuple[Profile | None, list[str]]:
    """The county's own rules the poll was counted under (None: the file's own body, province
    and day decide), as polls.services.closing.run_engine applied them; and the findings."""
    frozen = entry["input"].get("county_profile")
    if frozen is None:
        return None, []
    label = _poll_label(entry)
    law = frozen["law"]
    if law not in rule_profiles.LAWS:
        return None, [MSG_PROFILE_LAW.format(poll=label, path=where, law=law[:20])]
    try:
        day = date.fromisoformat(str(entry["input"]["poll_file"].get("election_date")))
        other = law_version(day)
    except (ValueError, RulesError):
        return None, []  # the engine names the bad election day itself
    if other != law:
        # elections.rule_profiles.county_profile: a profile on another law is not applied.
        notes.append(
            MSG_PROFILE_OTHER_LAW.format(poll=label, name=frozen["name"], law=law, other=other)
        )
        return None, []
    result = rule_profiles.county_rules(
        law=law,
        measure=frozen["measure"],
        parameters=frozen["parameters"],
        name=frozen["name"],
        version=frozen["version"],
        province=document["village"]["code"][:2],
        county=document["village"]["county"],
    )
    if not result.ok:
        problems = "；".join(p.message for p in result.verdict.problems)
        notes.append(
            MSG_PROFILE_REFUSED.format(
                poll=label, name=frozen["name"], version=frozen["version"], problems=problems
            )
        )
        return None, []
    return result.profile, []


def _recount(
    document: dict[str, Any], entry: dict[str, Any], where: str, notes: list[str]
) -> tuple[dict[str, Any] | None, list[str]]:
    """The engine's output on the poll's input, and the findings where it differs."""
    label = _poll_label(entry)
    profile, findings = _county_rules(document, entry, where, notes)
    if findings:
        return None, findings
    try:
        output = tally(poll_from_json(entry["input"]["poll_file"]), profile=profile).to_json()
    except RulesError as exc:
        return None, [MSG_ENGINE_REFUSED.format(poll=label, message=str(exc))]
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        # The engine validates its input; a shape it did not foresee is still only a refusal.
        return None, [MSG_ENGINE_REFUSED.format(poll=label, message=type(exc).__name__)]
    recorded = entry["output"]
    posts = output.get("posts", [])
    findings = [
        MSG_DIFFERS.format(
            poll=label,
            label=_label(path, posts),
            path=_path(f"{where}.output", path),
            recorded=_value(a),
            computed=_value(b),
        )
        for path, a, b in _differences(recorded, output)
    ]
    return output, findings


def _before(entries: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Who `entries` elected, as the next poll's file names them (closing.winners, the count's
    own rule); None when their recorded outputs cannot say (a finding of their own already)."""
    try:
        return winners((e["input"], e["output"]) for e in entries)
    except (KeyError, TypeError, AttributeError):
        return None


def _consistency(document: dict[str, Any], entry: dict[str, Any], where: str) -> list[str]:
    """The poll's number, kind, day and body as its own poll file says them."""
    label = _poll_label(entry)
    poll_file = entry["input"]["poll_file"]
    out = []
    for key, inside, recorded, words in (
        ("kind", "poll", entry["kind"], "投票类别"),
        ("held_on", "election_date", entry["held_on"], "投票日期"),
        ("body", "body", document["body"], "选举的组织"),
    ):
        if poll_file.get(inside) != recorded:
            out.append(
                MSG_SAME.format(
                    poll=label,
                    label=words,
                    path=f"{where}.{key}" if key != "body" else "body",
                    recorded=_shown(recorded),
                    computed=_value(poll_file.get(inside, _MISSING)),
                )
            )
    return out


def _check_polls(document: dict[str, Any], notes: list[str]) -> tuple[list[PollCheck], list[str]]:
    installed = engine_version()
    checks: list[PollCheck] = []
    findings: list[str] = []
    last = None
    for i, entry in enumerate(document["polls"]):
        where = f"polls[{i}]"
        label = _poll_label(entry)
        if last is not None and entry["number"] <= last:
            findings.append(MSG_ORDER.format(poll=label, path=where, before=last))
        last = entry["number"]
        computed = frozen_hash(entry["input"], entry["output"])
        if entry["sha256"] != computed:
            findings.append(
                MSG_HASH.format(
                    poll=label, path=where, recorded=_shown(entry["sha256"]), computed=computed
                )
            )
        recorded_engine = entry["input"]["engine"]
        if recorded_engine != installed:
            notes.append(
                MSG_ENGINE_VERSION.format(
                    poll=label, recorded=recorded_engine[:40], installed=installed
                )
            )
        findings.extend(_consistency(document, entry, where))
        named = entry["input"]["poll_file"].get("elected_before", [])
        before = _before(document["polls"][:i])
        if entry["input"]["poll_file"].get("meeting") == "committee":
            before = []  # closing.poll_file: a plenary's candidates are the new members
        if before is not None and named != before:
            findings.append(
                MSG_BEFORE.format(
                    poll=label, path=where, recorded=_value(named), computed=_value(before)
                )
            )
        output, found = _recount(document, entry, where, notes)
        findings.extend(found)
        checks.append(PollCheck(entry["number"], entry["kind"], entry["held_on"], output))
    return checks, findings


def _check_outcome(document: dict[str, Any]) -> list[str]:
    try:
        expected = canonical.outcome(document["polls"])
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return [MSG_OUTCOME_BROKEN.format(path="polls")]
    return [
        MSG_OUTCOME.format(
            label=_label(path, []),
            path=_path("outcome", path),
            recorded=_value(a),
            computed=_value(b),
        )
        for path, a, b in _differences(document["outcome"], expected)
    ]


def verify_document(document: dict[str, Any]) -> Verification:
    """Recompute `document` (a canonical result file, parsed) without the database."""
    try:
        sha = canonical.digest(document)
    except (TypeError, ValueError, RecursionError):
        return Verification("", "", problem=MSG_NOT_OBJECT)
    code = canonical.short_code(sha)
    try:
        _check_shape(document)
    except _Broken as exc:
        return Verification(sha, code, problem=str(exc), document=document)
    notes: list[str] = []
    try:
        checks, findings = _check_polls(document, notes)
        findings.extend(_check_outcome(document))
    except RecursionError:
        return Verification(sha, code, problem=MSG_TOO_DEEP, document=document)
    if len(findings) > MAX_FINDINGS:
        findings = [*findings[:MAX_FINDINGS], MSG_MORE.format(count=len(findings) - MAX_FINDINGS)]
    return Verification(
        sha,
        code,
        findings=tuple(findings),
        notes=tuple(dict.fromkeys(notes)),
        polls=tuple(checks),
        document=document,
    )


def verify_bytes(raw: bytes) -> Verification:
    """`verify_document` on a file's bytes; a file that is not JSON is a problem, not an error.
    A file not in canonical spelling is checked on its content, with a note saying so."""
    read = read_document(raw)
    if read.document is None:
        return Verification("", "", problem=read.problem)
    result = verify_document(read.document)
    if read.canonical or result.problem:
        return result
    return Verification(
        result.sha256,
        result.code,
        findings=result.findings,
        notes=(MSG_NOT_CANONICAL, *result.notes),
        polls=result.polls,
        document=result.document,
    )
