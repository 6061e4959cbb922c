"""`huanjie verify FILE [--code XXXX-XXXX-XXXX] [--json]`: recompute a canonical result file
(the one the public page offers, docs/results.md "核验") with the election-law engine, say
whether it matches what the file records, and ask the database whether its SHA-256 is the
certified version in force.

Exit status: 0 when the recomputation matches and the file is the certified current version;
1 when it recomputes correctly but is superseded, not certified by the county, unknown here,
or `--code` names another code; 2 when the file is broken or the recomputation differs. Every
refusal is Chinese text on standard error, never a traceback. FILE "-" reads standard input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Final

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from huanjie.lib.dates import cn_date
from huanjie.results import canonical
from huanjie.results.standing import Answer, Standing, standing_of
from huanjie.results.verify import MAX_BYTES, MSG_TOO_BIG, PollCheck, Verification, verify_bytes
from huanjie.rules.messages import POLL_NAMES, POST_NAMES, VOID_REASONS

MATCHES: Final = 0
NOT_CURRENT: Final = 1
BROKEN: Final = 2

MSG_CANNOT_READ: Final = "无法读取结果文件“{path}”：{reason}"
MSG_RECOMPUTED_SAME: Final = "重新计算的结果与文件记录一致。"
MSG_RECOMPUTED_DIFFERS: Final = "重新计算的结果与文件记录不一致："
MSG_CODE_SAME: Final = "核验码 {code} 与本文件一致。"
MSG_CODE_DIFFERS: Final = "核验码 {given} 与本文件不一致：本文件的核验码为 {code}。"
MSG_CODE_MALFORMED: Final = "“{given}”不是核验码（应为12位数字和字母A-F，如 3F9A-C2D1-7B40）。"
MSG_CURRENT: Final = "与县级确认的现行版本一致（第{number}版，{day}县级确认）。"
MSG_SUPERSEDED: Final = "该版本（第{number}版）已被更正，现行为第{current}版，核验码 {code}。"
MSG_SUPERSEDED_NO_CURRENT: Final = "该版本（第{number}版）已被更正。"
MSG_PENDING: Final = "该版本（第{number}版）乡镇已确认、待县级确认，尚未生效。"
MSG_RETURNED: Final = "该版本（第{number}版）已退回，未生效。"
MSG_UNKNOWN: Final = "本系统中没有该SHA-256的已确认结果：未经确认，或文件已被改动。"
MSG_NO_DATABASE: Final = "无法查询本系统的确认记录：{reason}"


def read_file(path: str) -> bytes:
    """The file's bytes, at most MAX_BYTES + 1 of them (a larger file is refused unread);
    raises OSError."""
    if path == "-":
        stream: Any = getattr(sys.stdin, "buffer", sys.stdin)
        data = stream.read(MAX_BYTES + 1)
        return data if isinstance(data, bytes) else data.encode("utf-8")
    file = Path(path)
    if file.is_file() and file.stat().st_size > MAX_BYTES:
        return b" " * (MAX_BYTES + 1)  # refused by its size, never read
    with file.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _names(post: dict[str, Any]) -> str:
    votes = post.get("votes") or {}
    return "、".join(f"{n}（{votes.get(n, 0)}票）" for n in post.get("elected", [])) or "无"


def poll_lines(poll: PollCheck) -> list[str]:
    """What the engine said of one poll: valid, per post the winners and the threshold, what
    follows."""
    head = f"{poll.label}，{poll.held_on}："
    out = poll.output
    if out is None:
        return [head + "无法重新计算"]
    if not out["valid"]:
        reasons = "、".join(VOID_REASONS.get(r, r) for r in out["reasons"])
        lines = [head + f"投票无效（{reasons}）"]
    else:
        lines = [head + "投票有效"]
    for post in out["posts"]:
        name = POST_NAMES.get(post["post"], post["post"])
        line = f"  {name}（应选{post['seats']}名）：当选 {_names(post)}；当选所需票数 {post['threshold']}"
        if post["open"]:
            line += f"；空缺 {post['open']} 名"
        lines.append(line)
    for item in out["next"]:
        kind = POLL_NAMES.get(item["poll"], item["poll"])
        women = "（限选妇女）" if item.get("women_only") else ""
        names = "、".join(item["candidates"]) or "无"
        post = POST_NAMES.get(item["post"], item["post"])
        lines.append(f"  其后：{kind}{women}，{post} {item['seats']} 名，候选人 {names}")
    if out["valid"] and not out["next"]:
        lines.append("  其后：无须再投票")
    return lines


def _day(moment: Any) -> str:
    return cn_date(timezone.localdate(moment)) if moment else ""


def standing_line(answer: Answer) -> str:
    version = answer.version
    if answer.standing is Standing.UNKNOWN or version is None:
        return MSG_UNKNOWN
    if answer.standing is Standing.CURRENT:
        return MSG_CURRENT.format(number=version.number, day=_day(version.certified_at))
    if answer.standing is Standing.SUPERSEDED:
        if answer.current is None:
            return MSG_SUPERSEDED_NO_CURRENT.format(number=version.number)
        return MSG_SUPERSEDED.format(
            number=version.number, current=answer.current.number, code=answer.current.code
        )
    if answer.standing is Standing.PENDING:
        return MSG_PENDING.format(number=version.number)
    return MSG_RETURNED.format(number=version.number)


def _code_check(given: str | None, result: Verification) -> tuple[bool, str]:
    if given is None:
        return True, ""
    code = canonical.normal_code(given)
    if not code:
        return False, MSG_CODE_MALFORMED.format(given=given[:40])
    if code != result.code:
        return False, MSG_CODE_DIFFERS.format(given=code, code=result.code)
    return True, MSG_CODE_SAME.format(code=code)


def printable(text: str) -> str:
    """One line as a terminal shows it: a control character the file put in a name or a key
    (a line break, an escape sequence) is written escaped, never acted on."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


class Command(BaseCommand):
    help = "核验结果文件：用计票程序重新计算每轮投票，核对记录的结果、SHA-256和核验码，并查询是否为县级确认的现行版本"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", metavar="FILE", help="结果文件（公开核验页面下载的JSON），-表示从标准输入读取"
        )
        parser.add_argument("--code", help="公告上印的核验码，如 3F9A-C2D1-7B40")
        parser.add_argument("--json", action="store_true", help="以JSON输出核验结果")

    def _out(self, text: str) -> None:
        self.stdout.write(printable(text))

    def _err(self, text: str) -> None:
        self.stderr.write(printable(text))

    def handle(self, *args: Any, **options: Any) -> None:
        status = self.verify(options["file"], options.get("code"), options["json"])
        if status != MATCHES:
            sys.exit(status)

    def verify(self, path: str, given: str | None, as_json: bool) -> int:
        try:
            raw = read_file(path)
        except OSError as exc:
            self._err(MSG_CANNOT_READ.format(path=path, reason=exc.strerror or exc))
            return BROKEN
        if len(raw) > MAX_BYTES:
            self._err(MSG_TOO_BIG.format(mb=MAX_BYTES // (1024 * 1024)))
            return BROKEN
        result = verify_bytes(raw)
        if result.problem:
            if as_json:
                self._json(result, None, "", (False, ""))
            self._err(result.problem)
            return BROKEN
        code = _code_check(given, result)
        answer, failure = None, ""
        try:
            answer = standing_of(sha256=result.sha256)
        except DatabaseError as exc:
            failure = MSG_NO_DATABASE.format(reason=str(exc).splitlines()[0][:200])
        if as_json:
            self._json(result, answer, failure, code)
        else:
            self._text(result, answer, failure, code)
        if not result.matches:
            return BROKEN
        current = answer is not None and answer.standing is Standing.CURRENT
        return MATCHES if current and code[0] else NOT_CURRENT

    def _text(
        self, result: Verification, answer: Answer | None, failure: str, code: tuple[bool, str]
    ) -> None:
        document = result.document
        village = document["village"]
        self._out(
            f"结果文件：{village['town']}{village['name']} {document['body_label']}"
            f" 第{document['term']}届 第{document['version']}版"
        )
        for poll in result.polls:
            for line in poll_lines(poll):
                self._out(line)
        for note in result.notes:
            self._out(f"说明：{note}")
        if result.matches:
            self._out(MSG_RECOMPUTED_SAME)
        else:
            self._out(MSG_RECOMPUTED_DIFFERS)
            for finding in result.findings:
                self._out(f"  - {finding}")
        self._out(f"SHA-256：{result.sha256}")
        self._out(f"核验码：{result.code}")
        if code[1]:
            self._out(code[1])
        self._out(standing_line(answer) if answer is not None else failure)

    def _json(
        self, result: Verification, answer: Answer | None, failure: str, code: tuple[bool, str]
    ) -> None:
        version = answer.version if answer else None
        current = answer.current if answer else None
        report = {
            "sha256": result.sha256,
            "code": result.code,
            "problem": result.problem,
            "matches": result.matches,
            "findings": list(result.findings),
            "notes": list(result.notes),
            "polls": [
                {"number": p.number, "kind": p.kind, "held_on": p.held_on, "output": p.output}
                for p in result.polls
            ],
            "code_matches": code[0],
            "standing": answer.standing.value if answer else None,
            "standing_label": standing_line(answer) if answer else failure,
            "version": version.number if version else None,
            "current_version": current.number if current else None,
            "current_code": current.code if current else None,
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
