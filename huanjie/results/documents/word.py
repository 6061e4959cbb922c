"""A version's documents as Word files (python-docx) that WPS and LibreOffice open unchanged.

Chinese text needs its East Asian font named on every run (`w:rFonts w:eastAsia`): the style's
font name alone reaches Latin text only (ECOSYSTEM.md §1). The fonts are those county offices
have on every Windows machine: 黑体 for titles, 仿宋 for the 公文 body (GB/T 9704's 3号仿宋),
宋体 for the forms' tables; LibreOffice on a server without them substitutes a CJK face.

A superseded version carries a true watermark (a VML WordArt shape in the header, as Word's own
"水印" writes it, which WPS and LibreOffice show diagonally on every page) and a red header line
saying the same, so that the mark survives even a viewer that drops the shape.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from huanjie.results.documents import texts
from huanjie.results.documents.data import Facts
from huanjie.results.documents.qr import qr_png

HEITI: Final = "黑体"
FANGSONG: Final = "仿宋"
SONGTI: Final = "宋体"
LATIN: Final = "Times New Roman"
RED: Final = RGBColor(0xCC, 0x00, 0x00)
DARK_RED: Final = RGBColor(0x8B, 0x00, 0x00)

# Characters XML 1.0 cannot hold (a control character typed into a write-in's name would make
# python-docx refuse the whole file).
_XML_UNSAFE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# GB/T 9704-2012: 3号 (16 pt) body on 22 lines of the 225 mm 版心.
BODY_PT: Final = 16.0
LINE_PT: Final = 28.9

Doc = Any  # python-docx's Document object (the package ships no types)


# ---------------------------------------------------------------------------------------------
# Runs, paragraphs and the page.


def set_fonts(element: Any, east_asia: str, latin: str = LATIN) -> None:
    """Name the fonts of a run's or a style's properties, the East Asian one included."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


# What follows w:autoSpaceDN in a paragraph's properties (ECMA-376 CT_PPrBase order).
_AFTER_AUTOSPACE: Final = (
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def no_autospace(ppr: Any) -> None:
    """No extra space between Chinese and Latin text or digits ("2026年5月10日" stays tight,
    as in the PDF and in 公文 practice)."""
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        if ppr.find(qn(tag)) is None:
            ppr.insert_element_before(
                parse_xml(f'<{tag} {nsdecls("w")} w:val="0"/>'), *_AFTER_AUTOSPACE
            )


def run(
    par: Any,
    text: str,
    *,
    size: float = BODY_PT,
    font: str = FANGSONG,
    bold: bool = False,
    color: RGBColor | None = None,
) -> Any:
    r = par.add_run(_XML_UNSAFE.sub("", text))
    r.font.size = Pt(size)
    r.font.bold = bold
    if color is not None:
        r.font.color.rgb = color
    set_fonts(r._element, font)
    return r


def para(
    doc_or_cell: Any,
    text: str = "",
    *,
    align: Any = None,
    indent_em: float = 0.0,
    right_em: float = 0.0,
    size: float = BODY_PT,
    line: float | None = LINE_PT,
    before: float = 0.0,
    after: float = 0.0,
    **style: Any,
) -> Any:
    p = doc_or_cell.add_paragraph()
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent_em:
        fmt.first_line_indent = Pt(size * indent_em)
    if right_em:
        fmt.right_indent = Pt(size * right_em)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if text:
        run(p, text, size=size, **style)
    return p


def new_document(margins_mm: tuple[float, float, float, float], font: str = FANGSONG) -> Doc:
    """An A4 document with the margins (top, right, bottom, left) and the default fonts set."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, right, bottom, left = margins_mm
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance = Mm(min(15, top / 2))
    section.footer_distance = Mm(min(15, bottom / 2))
    for name in ("Normal", "Header", "Footer"):
        style = doc.styles[name]
        style.font.name = LATIN
        set_fonts(style.element, font)
        no_autospace(style.element.get_or_add_pPr())
    doc.core_properties.author = ""
    doc.core_properties.comments = ""
    return doc


def field(par: Any, instruction: str, *, size: float, font: str = SONGTI) -> None:
    """A field (PAGE, NUMPAGES) as a simple field with its current value shown as 1."""
    simple = parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} "><w:r><w:t>1</w:t></w:r>'
        "</w:fldSimple>"
    )
    par._p.append(simple)
    r = simple.find(qn("w:r"))
    rpr = r.get_or_add_rPr()
    rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{int(size * 2)}"/>'))
    set_fonts(r, font)


def page_number_form(doc: Doc) -> None:
    par = doc.sections[0].footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(par, "第 ", size=9, font=SONGTI)
    field(par, "PAGE", size=9)
    run(par, " 页 共 ", size=9, font=SONGTI)
    field(par, "NUMPAGES", size=9)
    run(par, " 页", size=9, font=SONGTI)


# ---------------------------------------------------------------------------------------------
# The version's standing: a watermark and a header line.

# Word's own WordArt shape type for a text watermark (what 设计 › 水印 writes).
_SHAPETYPE: Final = """<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136"
 adj="10800" path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>
<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>
<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>
<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>
<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>
</v:formulas><v:path textpathok="t" o:connecttype="custom"
 o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/>
</v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>"""


def _watermark_xml(text: str) -> str:
    v = 'xmlns:v="urn:schemas-microsoft-com:vml"'
    o = 'xmlns:o="urn:schemas-microsoft-com:office:office"'
    style = (
        "position:absolute;margin-left:0;margin-top:0;width:460pt;height:70pt;rotation:315;"
        "z-index:-251654144;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
        "mso-position-vertical-relative:margin"
    )
    return (
        f"<w:r {nsdecls('w')}><w:pict {v} {o}>{_SHAPETYPE}"
        f'<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136"'
        f' style="{style}" o:allowincell="f" fillcolor="#cc0000" stroked="f">'
        '<v:fill opacity=".3"/>'
        f'<v:textpath style="font-family:&quot;{HEITI}&quot;;font-size:1pt"'
        f" string={quoteattr(text)}/></v:shape></w:pict></w:r>"
    )


def mark(doc: Doc, f: Facts) -> None:
    """The version's standing on every page's header: a red line (a version the county has not
    certified, or a superseded one), and for a superseded one the diagonal watermark."""
    if not f.mark.header:
        return
    for section in doc.sections:
        par = section.header.paragraphs[0]
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(par, f.mark.header, size=12, font=HEITI, bold=True, color=RED)
        if f.mark.watermark:
            par._p.append(parse_xml(_watermark_xml(f.mark.watermark)))


# ---------------------------------------------------------------------------------------------
# Tables.


def fix_widths(grid: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, written where each reader looks: the grid (LibreOffice, WPS), every
    cell (Word) and the table's layout, so that nothing re-flows the columns evenly."""
    grid.autofit = False
    tbl = grid._tbl
    layout = parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>')
    tbl.tblPr.append(layout)
    for col, width in zip(tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        col.w = Mm(width)
    for tr in tbl.tr_lst:
        index = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Mm(sum(widths_mm[index : index + span]))
            index += span


def _cell_text(cell: Any, text: str, *, size: float, bold: bool = False, align: Any = None) -> None:
    par = cell.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER if align is None else align
    fmt = par.paragraph_format
    fmt.space_before = fmt.space_after = Pt(1.5)
    fmt.line_spacing = 1.15
    if text:
        run(par, text, size=size, font=SONGTI, bold=bold)


def _shade(cell: Any) -> None:
    cell._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="EEEEEE"/>')
    )


def table(
    doc: Doc,
    rows: Iterable[Iterable[str]],
    *,
    widths_mm: Sequence[float],
    header_cells: Iterable[tuple[int, int]] = (),
    size: float = 10.5,
    spans: Iterable[tuple[int, int, int]] = (),
    left: Iterable[tuple[int, int]] = (),
) -> Any:
    """A bordered table of `rows`; `header_cells` (row, column) shaded and bold; `spans`
    (row, first column, last column) merged; `left` cells aligned left."""
    data = [list(r) for r in rows]
    grid = doc.add_table(rows=len(data), cols=len(widths_mm))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    heads = set(header_cells)
    lefts = set(left)
    for r, first, last in spans:
        grid.cell(r, first).merge(grid.cell(r, last))
    for r, values in enumerate(data):
        for c, text in enumerate(values):
            cell = grid.cell(r, c)
            if cell.paragraphs[0].runs:
                continue  # part of a merged cell already written
            bold = (r, c) in heads
            align = WD_ALIGN_PARAGRAPH.LEFT if (r, c) in lefts else None
            _cell_text(cell, text, size=size, bold=bold, align=align)
            if bold:
                _shade(cell)
    fix_widths(grid, widths_mm)
    return grid


def _no_borders(grid: Any) -> None:
    tbl_pr = grid._tbl.tblPr
    tbl_pr.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + "".join(
                f'<w:{side} w:val="nil"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders>"
        )
    )


def verify_block(doc: Doc, f: Facts, *, width_mm: float = 156, qr_mm: float = 22) -> Any:
    """The result code and its QR code, the public verification page beside them: a borderless
    table in the document (or in a header or footer, whose add_table takes the width)."""
    widths = [qr_mm + 4, width_mm - qr_mm - 4]
    if hasattr(doc, "sections"):
        grid = doc.add_table(rows=1, cols=2)
    else:
        grid = doc.add_table(1, 2, Mm(width_mm))
    _no_borders(grid)
    fix_widths(grid, widths)
    pic, txt = grid.cell(0, 0), grid.cell(0, 1)
    _cell_plain(pic)
    _cell_plain(txt)
    run(pic.paragraphs[0], "").add_picture(io.BytesIO(qr_png(f.verify_url)), width=Mm(qr_mm))
    first = txt.paragraphs[0]
    run(first, texts.CODE_LINE.format(code=f.code), size=11, font=HEITI, bold=True)
    para(txt, texts.CODE_HELP, size=9, font=SONGTI, line=None)
    para(txt, f.verify_url, size=7.5, font=SONGTI, line=None)
    return grid


def _cell_plain(cell: Any) -> None:
    fmt = cell.paragraphs[0].paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(0)


def footer_gbt(doc: Doc, f: Facts) -> None:
    """The footer of the notice and the report: the code and its QR code at the left of every
    page, the 页码 "— 1 —" (4号, GB/T 9704-2012 7.5) one character in from the right."""
    footer = doc.sections[0].footer
    footer.paragraphs[0].paragraph_format.space_after = Pt(0)
    grid = verify_block(footer, f, width_mm=124, qr_mm=18)
    cell = grid.add_column(Mm(32)).cells[0]
    fix_widths(grid, [22, 102, 32])
    par = cell.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    par.paragraph_format.right_indent = Pt(14)
    run(par, "— ", size=14, font=SONGTI)
    field(par, "PAGE", size=14)
    run(par, " —", size=14, font=SONGTI)


# ---------------------------------------------------------------------------------------------
# The documents.


def _save(doc: Doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def title(
    doc: Doc, text: str, *, size: float, max_em: float, after: float = 0.0, **style: Any
) -> None:
    """A centred bold title cut into lines as the PDF cuts it (texts.title_lines)."""
    par = para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, line=size * 1.6, after=after)
    for i, line in enumerate(texts.title_lines(text, max_em=max_em)):
        r = run(par, line, size=size, font=HEITI, bold=True, **style)
        if i:
            r._element.addprevious(parse_xml(f"<w:r {nsdecls('w')}><w:br/></w:r>"))


def _signature(doc: Doc, signature: str, dated: str) -> None:
    sign_em, date_em = texts.sign_indents(signature, dated)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    para(doc, signature, align=right, right_em=sign_em, before=LINE_PT * 2)
    para(doc, dated, align=right, right_em=date_em)


def _gbt_document(f: Facts) -> Doc:
    doc = new_document((37, 26, 35, 28))
    doc.sections[0].footer_distance = Mm(8)
    footer_gbt(doc, f)
    mark(doc, f)
    return doc


def notice_docx(f: Facts) -> bytes:
    n = texts.notice(f)
    doc = _gbt_document(f)
    title(doc, n.title, size=22, max_em=20)
    para(doc, n.number, align=WD_ALIGN_PARAGRAPH.CENTER, after=LINE_PT)
    for text in (*n.paragraphs, n.elected_intro):
        para(doc, text, indent_em=2)
    for line in n.elected:
        para(doc, f"{line.label}：{line.names}", indent_em=2)
    for text in (*n.after, n.closing):
        para(doc, text, indent_em=2)
    _signature(doc, n.signature, n.dated)
    return _save(doc)


def party_report_docx(f: Facts) -> bytes:
    r = texts.party_report(f)
    doc = _gbt_document(f)
    title(doc, r.title, size=22, max_em=20, after=LINE_PT)
    para(doc, r.addressee)
    for text in (*r.paragraphs, r.closing):
        para(doc, text, indent_em=2)
    _signature(doc, r.signature, r.dated)
    return _save(doc)


def _page_border(section: Any) -> None:
    borders = "".join(
        f'<w:{side} w:val="double" w:sz="18" w:space="20" w:color="8B0000"/>'
        for side in ("top", "left", "bottom", "right")
    )
    section._sectPr.append(
        parse_xml(f'<w:pgBorders {nsdecls("w")} w:offsetFrom="page">{borders}</w:pgBorders>')
    )


def certificates_docx(f: Facts) -> bytes:
    doc = new_document((22, 24, 18, 24), font=FANGSONG)
    _page_border(doc.sections[0])
    mark(doc, f)
    for i, c in enumerate(texts.certificates(f)):
        if i:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        para(doc, f"编号：{c.serial}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=11, font=SONGTI)
        para(
            doc,
            "当 选 证 书",
            align=WD_ALIGN_PARAGRAPH.CENTER,
            size=40,
            font=HEITI,
            bold=True,
            color=DARK_RED,
            line=None,
            before=60,
            after=48,
        )
        para(doc, c.text, indent_em=2, size=18, line=38)
        para(doc, c.closing, indent_em=2, size=18, line=38)
        sign_em, date_em = texts.sign_indents(c.issuer, c.dated)
        right = WD_ALIGN_PARAGRAPH.RIGHT
        para(doc, c.issuer, align=right, right_em=sign_em, size=16, before=110, line=32)
        para(doc, c.dated, align=right, right_em=date_em, size=16, after=90, line=32)
        para(doc, "", line=None, after=4)
        verify_block(doc, f, width_mm=162)
    return _save(doc)


def _record_poll(doc: Doc, rp: texts.RecordPoll) -> None:
    p = rp.p
    head = f"第{p.number}轮　{p.kind_label}"
    head += "".join(f"　{x}" for x in (p.meeting, p.mode) if x) + f"　{rp.day}"
    para(doc, head, size=10.5, font=HEITI, line=None, before=6, after=3)
    mobile = str(p.mobile) if p.mobile is not None else "—"
    rows = [
        [rp.electorate_label, str(p.electorate), rp.voted_label, str(p.voted)]
        + (["其中委托投票", str(p.proxies)] if p.proxies is not None else ["", ""]),
        ["发出选票", str(p.issued), "收回选票", str(p.returned), "其中流动票箱", mobile],
        [
            *("有效票", str(p.valid_ballots), "无效票", str(p.invalid_ballots)),
            *("选举是否有效", "有效" if p.valid else "无效"),
        ],
    ]
    spans = []
    if p.reasons:
        rows.append(["无效原因", "；".join(p.reasons), "", "", "", ""])
        spans.append((3, 1, 5))
    heads = [(r, c) for r in range(len(rows)) for c in (0, 2, 4)]
    table(doc, rows, widths_mm=[34, 22, 34, 22, 30, 38], header_cells=heads, spans=spans)
    for post in p.posts:
        title = f"{post.label}：应选{post.seats}名" + ("（限选妇女）" if post.women_only else "")
        if post.threshold is not None:
            title += f"，当选最低票数{post.threshold}票"
        if post.open:
            title += f"，尚缺{post.open}名"
        columns = ["序号", "姓名", "类别", "得票"]
        columns += ["不赞成", "弃权"] if rp.party else []
        columns += ["是否当选"]
        body = []
        for i, line in enumerate(post.lines, start=1):
            cells = [str(i), line.name, "另选他人" if line.write_in else "候选人", str(line.votes)]
            if rp.party:
                cells += [
                    "—" if line.against is None else str(line.against),
                    "—" if line.abstained is None else str(line.abstained),
                ]
            body.append([*cells, "当选" if line.elected else "—"])
        if not body:
            body.append(["无人得票"] + [""] * (len(columns) - 1))
        n = len(columns)
        rows = [[title] + [""] * (n - 1), columns, *body]
        widths = [16, 48, 28, 22, 22, 22, 22] if rp.party else [18, 64, 36, 30, 32]
        spans = [(0, 0, n - 1)] + ([(2, 0, n - 1)] if not post.lines else [])
        para(doc, "", line=None, after=2)
        table(
            doc,
            rows,
            widths_mm=widths,
            spans=spans,
            left=[(0, 0)],
            header_cells=[(0, 0)] + [(1, c) for c in range(n)],
        )
    if rp.rules:
        para(doc, f"适用依据：{rp.rules}", size=8.5, font=SONGTI, line=None, before=2)


def record_docx(f: Facts) -> bytes:
    rec = texts.record(f)
    doc = new_document((16, 15, 16, 15), font=SONGTI)
    page_number_form(doc)
    mark(doc, f)
    center = WD_ALIGN_PARAGRAPH.CENTER
    title(doc, rec.title, size=17, max_em=29, after=2)
    para(doc, rec.subtitle, align=center, size=10, font=SONGTI, line=None, after=6)
    para(doc, "一、基本情况", size=12, font=HEITI, bold=True, line=None, after=3)
    basics = [
        ["村（社区）", f.village, "乡镇（街道）", f.town],
        ["届次", f"第{f.term}届", "选举日", rec.days],
        ["选举的组织", f.body_label, "应选职数", rec.seats],
    ]
    heads = [(r, c) for r in range(3) for c in (0, 2)]
    table(doc, basics, widths_mm=[30, 60, 30, 60], header_cells=heads)
    para(doc, "二、投票和计票情况", size=12, font=HEITI, bold=True, line=None, before=8)
    for rp in rec.polls:
        _record_poll(doc, rp)
    para(doc, "三、当选人情况", size=12, font=HEITI, bold=True, line=None, before=8, after=3)
    columns = ["序号", "姓名", "性别", "出生年月", "民族", "政治面貌", "职务", "得票", "当选轮次"]
    rows = [columns] + [
        [
            str(w.seq),
            w.name,
            w.sex,
            w.profile.birth or "—",
            w.profile.ethnicity or "—",
            w.profile.politics or "—",
            w.post_label,
            str(w.votes),
            f"第{w.poll}轮",
        ]
        for w in f.winners
    ]
    widths = [12, 24, 12, 30, 20, 24, 18, 14, 26]
    table(doc, rows, widths_mm=widths, header_cells=[(0, c) for c in range(9)])
    for text in rec.vacancies:
        para(doc, text, size=10.5, font=SONGTI, line=None, before=2)
    if f.reason:
        para(doc, f"本版为第{f.number}版，更正原因：{f.reason}", size=10.5, font=SONGTI, line=None)
    para(doc, "四、签字", size=12, font=HEITI, bold=True, line=None, before=8, after=6)
    for pair in rec.signatories:
        par = para(doc, "", size=10.5, line=None, after=14)
        for who in pair:
            run(par, f"{who}：", size=10.5, font=SONGTI)
            run(par, "\u3000" * 12, size=10.5, font=SONGTI).font.underline = True
            run(par, "\u3000\u3000", size=10.5, font=SONGTI)
    par = para(doc, "", size=10.5, line=None, after=6)
    run(par, "填报日期：", size=10.5, font=SONGTI)
    run(par, "\u3000" * 12, size=10.5, font=SONGTI).font.underline = True
    para(doc, "", line=None, after=4)
    verify_block(doc, f, width_mm=180)
    return _save(doc)


__all__ = [
    "certificates_docx",
    "notice_docx",
    "party_report_docx",
    "record_docx",
]
