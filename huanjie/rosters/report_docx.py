"""The statistics report as a Word document a county files (python-docx, through the results'
公文 helpers: fonts named for East Asian text, GB/T 9704 margins and 3号仿宋 body).

The text is report_text's (seed 003 §二 in a county's words); the towns' key figures follow as an
attachment on a landscape page, as county offices append such tables.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Final

from django.utils import timezone
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt

from huanjie.results.documents.word import (
    BODY_PT,
    FANGSONG,
    HEITI,
    LINE_PT,
    SONGTI,
    Doc,
    field,
    new_document,
    para,
    run,
    table,
)
from huanjie.rosters import report_text as text
from huanjie.rosters.report_types import Figure, Report, Section

TITLE_PT: Final = 22.0  # 2号, GB/T 9704-2012 7.3.1
HEADINGS: Final = ("一、班子结构", "二、交叉任职与一肩挑", "三、身份构成", "四、后备干部与离任关爱")
NOTHING_YET: Final = "暂无登记的离任村干部和后备干部信息。"

# The attachment's columns: (figure key, header, with the share beside the count).
TABLE_COLUMNS: Final = (
    ("villages", "村（社区）数", False),
    ("cadres", "村干部", False),
    ("per_village", "平均每村", False),
    ("young", "35岁以下", True),
    ("edu_high_school_up", "高中（中专）以上", True),
    ("women", "女干部", True),
    ("party_members", "党员", True),
    ("dual_role_villages", "一肩挑的村", True),
    ("cross_appointments", "交叉任职（人次）", False),
)


def _title(doc: Doc, report: Report) -> None:
    """The title in two lines, cut where the words allow (GB/T 9704-2012 7.3.1: 回行时词意完整,
    上长下短): the scope and term, then what it reports."""
    lines = (
        f"{report.scope.name}第{report.term_number}届村（社区）",
        "“两委”班子结构情况统计报告",
    )
    par = para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, line=TITLE_PT * 1.5)
    for i, line in enumerate(lines):
        r = run(par, line, size=TITLE_PT, font=HEITI, bold=True)
        if i:
            r._element.addprevious(parse_xml(f"<w:r {nsdecls('w')}><w:br/></w:r>"))


def _heading(doc: Doc, words: str) -> None:
    para(doc, words, indent_em=2, font=HEITI)  # 一级标题: 3号黑体 (GB/T 9704-2012 7.3.3)


def _body(doc: Doc, words: str) -> None:
    if words:
        para(doc, words, indent_em=2)


def _lead(report: Report) -> str:
    s = report.scope
    villages = s.figure("villages").value if _known(s, "villages") else None
    where = f"{text.whole_of(s)}{villages}个村（社区）" if villages else text.whole_of(s)
    compare = (
        f"，并与第{report.previous_term_number}届进行了比较" if report.previous_term_number else ""
    )
    days = "、".join(text.chinese_date(d) for d in report.reference_dates)
    at = f"（统计基准日期为{days}）" if days else ""
    return (
        f"根据第{report.term_number}届村（社区）“两委”换届后的干部名册{at}，"
        f"对{where}“两委”班子结构情况进行了统计{compare}。现将有关情况报告如下。"
    )


def _known(s: Section, key: str) -> bool:
    try:
        return s.figure(key).value is not None
    except KeyError:
        return False


def _page_number(doc: Doc) -> None:
    """ "— 1 —" in 4号 at the foot of every page (GB/T 9704-2012 7.5)."""
    par = doc.sections[0].footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(par, "— ", size=14, font=SONGTI)
    field(par, "PAGE", size=14)
    run(par, " —", size=14, font=SONGTI)


def _cell(f: Figure | None, *, share: bool) -> str:
    if f is None:
        return "—"
    if share:
        return "—" if f.share is None else f"{f.share}"
    return text.number(f.value)


def _attachment(doc: Doc, report: Report) -> None:
    """The children's key figures on a landscape page: two header rows (a figure over its count
    and share), one row per child, the scope's total last."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    para(doc, "附件", font=HEITI, line=None, after=6)
    para(
        doc,
        text.children_title(report),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=18,
        font=HEITI,
        line=None,
        after=4,
    )
    para(
        doc,
        f"第{report.term_number}届　{text.reference_line(report)}　单位：个、人、%",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        size=10.5,
        font=SONGTI,
        line=None,
        after=4,
    )
    columns = _columns(report)
    top, sub, spans = ["名称"], [""], []
    for _, header, with_share in columns:
        if with_share:
            spans.append((0, len(top), len(top) + 1))
            top += [header, ""]
            sub += ["人数" if header != "一肩挑的村" else "个数", "占比"]
        else:
            top.append(header)
            sub.append("")
    rows = [top, sub]
    for child in (*report.children, report.scope):
        found = {f.key: f for f in child.figures}
        name = "合计" if child is report.scope else child.name
        cells = [name]
        for key, _, with_share in columns:
            f = found.get(key)
            if key == "dual_role_villages" and child.level >= 5:
                cells.append("—" if f is None or f.value is None else ("是" if f.value else "否"))
                continue
            cells.append(_cell(f, share=False))
            if with_share:
                cells.append(_cell(found.get(key), share=True))
        rows.append(cells)
    n = len(top)
    widths = [36.0] + [(247 - 36) / (n - 1)] * (n - 1)
    heads = [(r, c) for r in (0, 1) for c in range(n)] + [(len(rows) - 1, 0)]
    grid = table(doc, rows, widths_mm=widths, header_cells=heads, size=10, spans=spans)
    for c, value in enumerate(sub):
        if not value:  # a column of one figure: one header cell over both rows
            grid.cell(0, c).merge(grid.cell(1, c))
    for row in grid.rows[:2]:
        row.cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _repeat_header(grid, 2)


def _columns(report: Report) -> list[tuple[str, str, bool]]:
    """TABLE_COLUMNS, for a town's villages without the count of villages and with the dual
    role as 是/否."""
    if not report.children or report.children[0].level < 5:
        return list(TABLE_COLUMNS)
    return [
        (key, header, with_share and key != "dual_role_villages")
        for key, header, with_share in TABLE_COLUMNS
        if key not in ("villages", "per_village")
    ]


def _repeat_header(grid: Any, rows: int) -> None:
    for tr in grid._tbl.tr_lst[:rows]:
        tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def report_docx(report: Report, *, dated: date | None = None) -> bytes:
    """The Word report of `report`, dated `dated` (today by default)."""
    s = report.scope
    doc = new_document((37, 26, 35, 28), font=FANGSONG)
    doc.core_properties.title = text.report_title(report)
    _page_number(doc)
    _title(doc, report)
    para(doc, "", line=LINE_PT)
    _body(doc, _lead(report))
    _heading(doc, HEADINGS[0])
    _body(doc, text.structure_paragraph(s))
    _body(doc, text.composition_paragraph(s))
    _heading(doc, HEADINGS[1])
    for words in text.roles_paragraphs(s):
        _body(doc, words)
    _heading(doc, HEADINGS[2])
    _body(doc, text.tags_paragraph(s) or "本届名册未登记村干部身份标签。")
    _heading(doc, HEADINGS[3])
    _body(doc, text.care_paragraph(s) or NOTHING_YET)
    if report.children:
        para(doc, "", line=LINE_PT)
        # 附件说明: 回行时与附件名称首字对齐 (GB/T 9704-2012 7.3.6).
        note = para(doc, f"附件：{text.children_title(report)}")
        note.paragraph_format.left_indent = Pt(BODY_PT * 5)
        note.paragraph_format.first_line_indent = Pt(-BODY_PT * 3)
    day = dated or timezone.localdate()
    para(
        doc,
        text.chinese_date(day),
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        right_em=4,
        before=LINE_PT * 2,
    )
    if report.children:
        _attachment(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = ["report_docx"]
