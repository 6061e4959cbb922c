"""`huanjie report CODE [--term N] [--json | --xlsx FILE | --docx FILE]`: the statistics report
(班子结构统计, rosters.report) of a province, city, county or town for a term, as the page shows
it: by default a Chinese text summary (every figure of the scope, then the main figures of each
child); `--json` every figure of the page (Report.as_dict); `--xlsx` / `--docx` the spreadsheet
and the Word document the page offers.

JSON: shares, averages and amounts (Decimal) are JSON numbers with the same digits as printed
(40.5, 5.2, 412000.0); a figure without a value (no previous term) is null.

The command is the system's, like `huanjie verify`: it runs for no user and reads nothing of a
person beyond the counts. Exit status 0 when the report was made, 2 with a Chinese message on
standard error when it could not be (unknown code, a village, no roster, no such term, a file
that cannot be written).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from django.core.management.base import BaseCommand, CommandParser

from huanjie.regions.models import Region
from huanjie.rosters import report_text
from huanjie.rosters.report import ReportError, report
from huanjie.rosters.report_types import Figure, Report, Section

OK: Final = 0
REFUSED: Final = 2

MSG_UNKNOWN_CODE: Final = "找不到区划代码“{code}”"
MSG_BAD_TERM: Final = "届次应为正整数，不是“{term}”"
MSG_NO_WRITER: Final = "本系统未提供{kind}导出：{reason}"
MSG_CANNOT_WRITE: Final = "无法写入文件“{path}”：{reason}"
MSG_WRITTEN: Final = "已写入{kind}：{path}（{size}字节）"

GROUP_LABELS: Final = {
    "size": "班子规模",
    "age": "年龄结构",
    "education": "文化程度",
    "sex": "性别",
    "ethnicity": "民族",
    "party": "政治面貌",
    "roles": "交叉任职与一肩挑",
    "tags": "身份构成",
    "care": "后备干部与离任关爱",
}
# The figures of each child's line.
CHILD_KEYS: Final = (
    "villages",
    "cadres",
    "young",
    "women",
    "edu_high_school_up",
    "dual_role_villages",
)


def _number(value: int | Decimal | None) -> str:
    return "—" if value is None else str(value)


def figure_line(f: Figure) -> str:
    """'35岁以下：409人，占40.5%；上届319人，占30.7%；提高9.8个百分点'."""
    line = f"{f.label}：{_number(f.value)}{f.unit}"
    if f.share is not None:
        line += f"，占{f.share}%"
    if f.previous_value is not None:
        line += f"；上届{f.previous_value}{f.unit}"
        if f.previous_share is not None:
            line += f"，占{f.previous_share}%"
        points = f.change_points
        change = f.change
        if points is not None:
            line += "；" + _moved(points, "个百分点", "提高", "降低")
        elif change is not None:
            line += "；" + _moved(change, f.unit, "增加", "减少")
    return line


def _moved(delta: int | Decimal, unit: str, up: str, down: str) -> str:
    if delta > 0:
        return f"{up}{delta}{unit}"
    if delta < 0:
        return f"{down}{-delta}{unit}"
    return "与上届持平"


def summary_lines(rep: Report) -> list[str]:
    """The scope's every figure by group, the ethnicity breakdown, and one line per child."""
    scope = rep.scope
    dates = "、".join(rep.reference_dates)
    compared = (
        f"与第{rep.previous_term_number}届比较"
        if rep.previous_term_number is not None
        else "无上届名册可比较"
    )
    lines = [f"{scope.name}（{scope.code}）第{rep.term_number}届村干部结构统计"]
    lines.append(f"基准日期：{dates}；{compared}{report_text.in_progress(rep)}")
    group = ""
    for f in scope.figures:
        if f.group != group:
            group = f.group
            lines.append(f"【{GROUP_LABELS.get(group, group)}】")
        lines.append("  " + figure_line(f))
    for breakdown in scope.breakdowns:
        parts = [
            f"{name}{count}人" + (f"（{pct}%）" if pct is not None else "")
            for _, name, count, pct in breakdown.rows
        ]
        lines.append(f"  {breakdown.label}：" + ("、".join(parts) or "无"))
    if rep.children:
        lines.append("【下辖单位】")
        lines.extend("  " + child_line(child) for child in rep.children)
    return lines


def child_line(section: Section) -> str:
    parts = []
    for key in CHILD_KEYS:
        f = section.figure(key)
        text = f"{f.label}{_number(f.value)}{f.unit}"
        if f.share is not None:
            text += f"（{f.share}%）"
        parts.append(text)
    return f"{section.code} {section.name}：" + "，".join(parts)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # one or two decimals: the float prints the same digits
    raise TypeError(f"not JSON: {type(value).__name__}")


def report_json(rep: Report) -> str:
    return json.dumps(rep.as_dict(), ensure_ascii=False, indent=2, default=_json_default)


def _writer(kind: str) -> Callable[[Report], bytes]:
    """The page's own file makers (rosters.report_xlsx, rosters.report_docx)."""
    if kind == "xlsx":
        from huanjie.rosters.report_xlsx import report_xlsx

        return report_xlsx
    from huanjie.rosters.report_docx import report_docx

    return report_docx


KIND_LABELS: Final = {"xlsx": "Excel报表", "docx": "Word报告"}


class Command(BaseCommand):
    help = (
        "村干部结构统计报表：省、市、县或乡镇某一届的统计（默认文字摘要，可输出JSON、Excel、Word）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", metavar="CODE", help="区划代码（省、市、县或乡镇）")
        parser.add_argument("--term", help="届次（默认：有名册的最近一届）")
        out = parser.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help="以JSON输出页面上的全部数据")
        out.add_argument("--xlsx", metavar="FILE", help="写出Excel报表")
        out.add_argument("--docx", metavar="FILE", help="写出Word报告")

    def handle(self, *args: Any, **options: Any) -> None:
        status = self.run(options)
        if status != OK:
            sys.exit(status)

    def _fail(self, message: str) -> int:
        self.stderr.write(message)
        return REFUSED

    def run(self, options: dict[str, Any]) -> int:
        code = str(options["code"]).strip()
        scope = Region.objects.filter(code=code).first()
        if scope is None:
            return self._fail(MSG_UNKNOWN_CODE.format(code=code[:40]))
        term: int | None = None
        if options.get("term") is not None:
            text = str(options["term"]).strip()
            if not (text.isascii() and text.isdigit() and int(text) > 0):
                return self._fail(MSG_BAD_TERM.format(term=text[:20]))
            term = int(text)
        try:
            rep = report(scope, term)
        except ReportError as exc:
            return self._fail(exc.message)
        if options.get("json"):
            self.stdout.write(report_json(rep))
            return OK
        for kind in ("xlsx", "docx"):
            if options.get(kind):
                return self._write(kind, rep, Path(options[kind]))
        for line in summary_lines(rep):
            self.stdout.write(line)
        return OK

    def _write(self, kind: str, rep: Report, path: Path) -> int:
        label = KIND_LABELS[kind]
        try:
            writer = _writer(kind)
        except ImportError as exc:
            return self._fail(MSG_NO_WRITER.format(kind=label, reason=exc))
        data = writer(rep)
        try:
            path.write_bytes(data)
        except OSError as exc:
            return self._fail(MSG_CANNOT_WRITE.format(path=path, reason=exc.strerror or exc))
        self.stdout.write(MSG_WRITTEN.format(kind=label, path=path, size=len(data)))
        return OK
