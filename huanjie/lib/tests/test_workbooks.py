"""The upload reader against real and hostile files, built here byte by byte.

Files that would kill the process if a check failed (a stray cell far away) are opened in a child
process with an address-space limit, which also measures the CPU time and the memory the
refusal took.

The two fixtures in data/ come from other programs: roll.xls from xlwt 1.3.0 (a title merged
over A1:C1, a header, two people, a second sheet), password.xlsx from openpyxl then
msoffcrypto-tool 6.1.0 (password "1234").
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from huanjie.lib import workbooks
from huanjie.lib.workbooks import (
    MSG_BOMB,
    MSG_BROKEN,
    MSG_EMPTY_FILE,
    MSG_ENCODING,
    MSG_ENCRYPTED,
    MSG_ENTRIES,
    MSG_EXTENSION,
    MSG_MACRO,
    MSG_MARKUP,
    MSG_NOT_WORKBOOK,
    MSG_RANGE,
    MSG_RANGE_OTHER_SHEET,
    MSG_ROWS_RANGE,
    MSG_TOO_BIG,
    MSG_UNSUPPORTED,
    MSG_ZIP_IN_CSV,
    ImportRefused,
    Limits,
    cell_name,
    file_kind,
    open_sheet,
    used_range,
)

DATA = Path(__file__).parent / "data"
STRAY_XFD = MSG_RANGE.format(cell="XFD1048576", rows=1048576, columns=16384)


def read(path: Path, limits: Limits | None = None) -> list[tuple[int, list[object]]]:
    """The rows of `path` as an upload named like it."""
    limits = limits or Limits()
    return list(open_sheet(path, file_kind(path, path.name, limits), limits).rows)


def refusal(path: Path, limits: Limits | None = None) -> str:
    limits = limits or Limits()
    with pytest.raises(ImportRefused) as refused:
        next(open_sheet(path, file_kind(path, path.name, limits), limits).rows)
    return refused.value.message


# ---------------------------------------------------------------------------------------------
# Builders.

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/></Types>'
)
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PACKAGE_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def xlsx(
    path: Path,
    sheet_data: str,
    *,
    dimension: str = "",
    main: str = XLSX_MAIN,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A workbook written by hand, whose first sheet's <sheetData> is `sheet_data`."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


THREE_ROWS = "".join(
    f'<row r="{r}">{text(f"A{r}", a)}{text(f"B{r}", b)}</row>'
    for r, (a, b) in enumerate([("姓名", "公民身份号码"), ("张三", "1"), ("李四", "2")], 1)
)
LIBREOFFICE_END = (
    '<table:table-row table:number-rows-repeated="1048573">'
    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
)


def ods_cell(value: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def ods_row(*values: str) -> str:
    cells = "".join(ods_cell(v) for v in values)
    return f'<table:table-row>{cells}<table:table-cell table:number-columns-repeated="1022"/></table:table-row>'


def ods(path: Path, tables: str, *, prologue: str = "") -> Path:
    """An OpenDocument spreadsheet as LibreOffice lays it out: mimetype first and stored,
    the manifest, and content.xml holding `tables`."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prologue}<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def cfb(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """A compound file (MS-CFB version 3) whose root holds `streams` and empty `storages`.
    Each stream is padded to 4096 bytes so that all live in ordinary sectors."""
    end, free, fat_sector, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    entries = sorted(
        [(n, 2, s.ljust(4096, b"\0")) for n, s in streams.items()]
        + [(n, 1, b"") for n in storages],
        key=lambda e: (len(e[0]), e[0].upper()),  # the directory's order, a chain of siblings
    )
    dir_sectors = -(-(len(entries) + 1) // 4)
    sizes = [len(data) // 512 for _, _, data in entries]
    fat = [fat_sector] + [2 + i for i in range(dir_sectors - 1)] + [end]
    starts = []
    for count in sizes:
        starts.append(len(fat) if count else end)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [end] * bool(count)
    assert len(fat) <= 128, "one FAT sector is enough for these tests"
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, none, right, child)
            + bytes(36)
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1 if entries else none, none, end, 0)
    for i, (name, kind, data) in enumerate(entries):
        right = i + 2 if i + 1 < len(entries) else none
        directory += entry(name, kind, none, right, starts[i], len(data))
    unused = entry("", 0, none, none, 0, 0)
    directory += unused * (dir_sectors * 4 - len(entries) - 1)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *[free] * 108)
    )
    body = b"".join(data for _, _, data in entries)
    return header + struct.pack("<128I", *fat) + directory + body


def record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff8(
    sheets: dict[str, list[tuple[int, int, object]]],
    *,
    password: bool = False,
    dimensions: tuple[int, int, int, int] | None = None,
    mulrk: tuple[int, int, int] | None = None,
) -> bytes:
    """A BIFF8 Workbook stream: each sheet's cells as (row, col, value), 0-based; text as LABEL,
    numbers as NUMBER. `mulrk` adds a MULRK (row, first col, last col) to the first sheet."""

    def bof(kind: int) -> bytes:
        return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    def boundsheet(offset: int, name: str) -> bytes:
        data = struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le")
        return record(0x0085, data)

    head = bof(0x0005) + record(0x0042, struct.pack("<H", 1200))
    if password:
        head += record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))
    offset = len(head) + sum(len(boundsheet(0, n)) for n in sheets) + 4
    bodies: list[bytes] = []
    offsets: list[int] = []
    for i, cells in enumerate(sheets.values()):
        body = bof(0x0010)
        if dimensions and i == 0:
            body += record(0x0200, struct.pack("<IIHHH", *dimensions, 0))
        for row, col, value in cells:
            if isinstance(value, str):
                data = struct.pack("<HHHHB", row, col, 0, len(value), 1)
                body += record(0x0204, data + value.encode("utf-16-le"))
            else:
                body += record(0x0203, struct.pack("<HHHd", row, col, 0, float(str(value))))
        if mulrk and i == 0:
            row, first, last = mulrk
            rks = b"".join(struct.pack("<HI", 0, (n << 2) | 2) for n in range(last - first + 1))
            body += record(0x00BD, struct.pack("<HH", row, first) + rks + struct.pack("<H", last))
        offsets.append(offset + sum(len(b) for b in bodies))
        bodies.append(body + record(0x000A))
    boundsheets = b"".join(boundsheet(o, n) for o, n in zip(offsets, sheets, strict=True))
    return head + boundsheets + record(0x000A) + b"".join(bodies)


def xls(path: Path, workbook: bytes, storages: tuple[str, ...] = ()) -> Path:
    path.write_bytes(cfb({"Workbook": workbook}, storages))
    return path


# A child process opens the hostile files: if a check ever failed, calamine would ask for
# gigabytes, so the child may map 3 GB at most and dies alone.
CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from pathlib import Path
import python_calamine
from huanjie.lib.workbooks import ImportRefused, Limits, file_kind, open_sheet
path = Path(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.process_time()
try:
    open_sheet(path, file_kind(path, path.name, Limits()), Limits())
    message = "read"
except ImportRefused as exc:
    message = exc.message
seconds = time.process_time() - start
grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps([message, seconds, grown_mb]))
"""


def refusal_in_child(path: Path) -> tuple[str, float, float]:
    """(message, CPU seconds, peak memory growth in MB) of opening `path` in a child."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[3],
    )
    assert done.returncode == 0, f"the child died ({done.returncode}): {done.stderr[:2000]}"
    message, seconds, grown_mb = json.loads(done.stdout)
    return message, seconds, grown_mb


# ---------------------------------------------------------------------------------------------
# The stray cell and the used range.


@pytest.mark.parametrize(
    ("row", "col", "name"),
    [(1, 1, "A1"), (1, 26, "Z1"), (2, 27, "AA2"), (9, 702, "ZZ9"), (1048576, 16384, "XFD1048576")],
)
def test_cell_name_writes_the_column_letters_as_excel_does(row: int, col: int, name: str) -> None:
    assert cell_name(row, col) == name


def test_it_refuses_a_stray_cell_at_xfd1048576_in_under_a_second(tmp_path: Path) -> None:
    # One value far away: calamine would allocate 16384 x 1048576 cells, and die.
    path = xlsx(
        tmp_path / "名单.xlsx", THREE_ROWS + f'<row r="1048576">{text("XFD1048576", "x")}</row>'
    )
    assert used_range(path, "xlsx") == (1048576, 16384)
    message, seconds, grown_mb = refusal_in_child(path)
    assert message == STRAY_XFD
    assert seconds < 0.5  # CPU time: a busy machine does not stretch it
    assert grown_mb < 100


def test_a_dimension_claiming_the_whole_grid_does_not_matter(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "名单.xlsx", THREE_ROWS, dimension="A1:XFD1048576")
    assert used_range(path, "xlsx") == (3, 2)
    assert [n for n, _ in read(path)] == [1, 2, 3]


@pytest.mark.parametrize(
    "styled", ['<c r="XFD1048576" s="1"/>', '<c r="XFD1048576" s="1"></c>', "<c s='1' />"]
)
def test_a_cell_that_only_carries_a_style_does_not_count(tmp_path: Path, styled: str) -> None:
    # What Excel writes for borders or a fill on an empty cell; calamine skips it.
    path = xlsx(tmp_path / "名单.xlsx", THREE_ROWS + f'<row r="1048576">{styled}</row>')
    assert used_range(path, "xlsx") == (3, 2)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert sheet.end == (2, 1)  # calamine agrees
    assert read(path)[-1] == (3, ["李四", "2"])


def test_cells_without_a_position_go_where_calamine_puts_them(tmp_path: Path) -> None:
    bare = '<c t="inlineStr"><is><t>x</t></is></c>'
    path = xlsx(
        tmp_path / "名单.xlsx",
        f'<row r="2">{bare}{bare}</row><row r="9"/><row>{bare}<c r="E10" s="1"/>{bare}</row>',
    )
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert sheet.end == (9, 5)  # row 10, column F
    assert used_range(path, "xlsx") == (10, 6)


def test_a_stray_cell_without_a_position_is_refused_too(tmp_path: Path) -> None:
    far = '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>'
    path = xlsx(tmp_path / "名单.xlsx", THREE_ROWS + far)
    assert used_range(path, "xlsx") == (1048576, 2)
    # The message names the far cell: a stray value is not a reason to split the file.
    assert refusal(path) == MSG_ROWS_RANGE.format(cell="B1048576", rows=1048576, n=200_000)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_tags_split_between_chunks_are_measured_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    bare = '<c t="inlineStr"><is><t>x</t></is></c>'
    sheet_data = (
        THREE_ROWS
        + f'<row r="7">{bare}<c r="K7" s="2"></c>{bare}</row>'
        + f'<row r="40"><c r="Z40" s="1"/>{text("AB40", "y")}</row>'
    )
    path = xlsx(tmp_path / "名单.xlsx", sheet_data)
    stray = xlsx(
        tmp_path / "远.xlsx", THREE_ROWS + f'<row r="1048576">{text("XFD1048576", "x")}</row>'
    )
    assert used_range(path, "xlsx") == (40, 28)
    monkeypatch.setattr(workbooks, "_CHUNK", chunk)
    assert used_range(path, "xlsx") == (40, 28)
    assert len(read(path)) == 40
    assert refusal(stray) == STRAY_XFD  # by the fast bound: every cell has a plain `r`


def test_an_ordinary_workbook_reads_with_the_rows_numbered_as_the_user_sees_them(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["B2"] = "某村选民名单"
    sheet.merge_cells("B2:C2")
    sheet.append([None, "姓名", "公民身份号码"])
    sheet.append([None, "张三", "630121199001011234"])
    book.save(tmp_path / "名单.xlsx")
    limits = Limits()
    opened = open_sheet(tmp_path / "名单.xlsx", "xlsx", limits)
    assert list(opened.rows) == [
        (1, ["", ""]),
        (2, ["某村选民名单", ""]),
        (3, ["姓名", "公民身份号码"]),
        (4, ["张三", "630121199001011234"]),
    ]
    assert opened.merged == [(2, 0, 2, 1)]


def test_it_refuses_more_columns_than_the_limit(tmp_path: Path) -> None:
    header = "".join(text(cell_name(1, c), f"列{c}") for c in range(1, 102))
    path = xlsx(tmp_path / "名单.xlsx", f'<row r="1">{header}</row>')
    assert refusal(path) == MSG_RANGE.format(cell="CW1", rows=1, columns=101)


def test_it_refuses_more_cells_than_the_limit(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "名单.xlsx", THREE_ROWS + f'<row r="5000">{text("J5000", "x")}</row>')
    message = MSG_RANGE.format(cell="J5000", rows=5000, columns=10)
    assert refusal(path, Limits(max_cells=49_999)) == message
    assert len(read(path, Limits(max_cells=50_000))) == 5000


def test_more_columns_late_in_the_sheet_narrow_the_rows_already_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows out of order: the far row comes first, with one column; the tenth column comes in a
    # later part of the XML, in a low row. Ten columns leave 4,999 rows under 49,999 cells, so
    # the part already passed (checked against the looser bound) is read again.
    sheet_data = (
        f'<row r="5000">{text("A5000", "x")}</row>'
        + "".join(f'<row r="{r}">{text(f"A{r}", "y")}</row>' for r in range(1, 200))
        + f'<row r="200">{text("J200", "z")}</row>'
    )
    path = xlsx(tmp_path / "名单.xlsx", sheet_data)
    monkeypatch.setattr(workbooks, "_CHUNK", 512)
    assert not workbooks._xlsx_within(path, Limits(max_cells=49_999))
    assert workbooks._xlsx_within(path, Limits(max_cells=50_000))
    assert refusal(path, Limits(max_cells=49_999)) == MSG_RANGE.format(
        cell="J5000", rows=5000, columns=10
    )


def test_it_refuses_more_rows_than_the_limit(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}">{text(f"A{r}", "x")}</row>' for r in range(1, 22))
    path = xlsx(tmp_path / "名单.xlsx", rows)
    assert refusal(path, Limits(max_rows=10)) == MSG_ROWS_RANGE.format(cell="A21", rows=21, n=10)
    assert len(read(path, Limits(max_rows=11))) == 21


# ---------------------------------------------------------------------------------------------
# .ods


def test_it_reads_an_ods_ending_in_a_million_repeated_empty_rows(tmp_path: Path) -> None:
    table = ods_row("姓名", "公民身份号码") + ods_row("张三", "1") + LIBREOFFICE_END
    path = ods(tmp_path / "名单.ods", f'<table:table table:name="名单">{table}</table:table>')
    assert used_range(path, "ods") == (2, 2)
    assert read(path) == [(1, ["姓名", "公民身份号码"]), (2, ["张三", "1"])]


def test_it_refuses_an_ods_with_a_stray_value_far_away(tmp_path: Path) -> None:
    far = (
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
        f"{ods_cell('x')}</table:table-row>"
    )
    table = ods_row("姓名") + far
    path = ods(tmp_path / "名单.ods", f'<table:table table:name="名单">{table}</table:table>')
    assert used_range(path, "ods") == (1048576, 16384)
    message, seconds, grown_mb = refusal_in_child(path)
    assert message == STRAY_XFD
    assert seconds < 0.5
    assert grown_mb < 100


def test_a_repeated_cell_with_a_value_counts_as_often_as_repeated(tmp_path: Path) -> None:
    wide = '<table:table-cell table:number-columns-repeated="200" office:value-type="float" office:value="1"/>'
    table = ods_row("姓名") + f"<table:table-row>{wide}</table:table-row>"
    path = ods(tmp_path / "名单.ods", f'<table:table table:name="名单">{table}</table:table>')
    assert used_range(path, "ods") == (2, 200)


def test_a_big_second_ods_table_is_refused_because_calamine_builds_it_too(tmp_path: Path) -> None:
    small = f'<table:table table:name="名单">{ods_row("姓名")}</table:table>'
    big = (
        f'<table:table-row table:number-rows-repeated="3000">{ods_cell("x") * 20}</table:table-row>'
    )
    path = ods(tmp_path / "名单.ods", small + f'<table:table table:name="草稿">{big}</table:table>')
    message = MSG_RANGE_OTHER_SHEET.format(sheet="草稿", cell="T3000", rows=3000, columns=20)
    assert refusal(path, Limits(max_cells=50_000)) == message


def test_an_ods_declaring_entities_is_refused(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = ods(tmp_path / "名单.ods", "", prologue=laughs)
    assert refusal(path) == MSG_BROKEN.format(detail="content.xml 含有文档类型声明")


# ---------------------------------------------------------------------------------------------
# .xls


def test_it_reads_an_xls_written_by_another_program() -> None:
    path = DATA / "roll.xls"
    assert file_kind(path, "roll.xls", Limits()) == "xls"
    assert used_range(path, "xls") == (4, 3)
    opened = open_sheet(path, "xls", Limits())
    assert list(opened.rows) == [
        (1, ["某村选民名单", "", ""]),
        (2, ["姓名", "公民身份号码", "年龄"]),
        (3, ["张三", "630121199001011234", 36]),
        (4, ["李四", "63012119850505002X", 41]),
    ]
    assert opened.merged == [(1, 0, 1, 2)]


def test_it_measures_each_kind_of_cell_record(tmp_path: Path) -> None:
    cells: list[tuple[int, int, object]] = [(0, 0, "姓名"), (1, 0, "张三"), (1, 1, 36)]
    path = xls(tmp_path / "名单.xls", biff8({"名单": cells}, mulrk=(4, 2, 6)))
    assert used_range(path, "xls") == (5, 7)
    assert read(path)[1] == (2, ["张三", 36.0, "", "", "", "", ""])


def test_it_refuses_an_xls_with_a_stray_cell_at_iv65536(tmp_path: Path) -> None:
    path = xls(tmp_path / "名单.xls", biff8({"名单": [(0, 0, "姓名"), (65535, 255, "x")]}))
    message, seconds, grown_mb = refusal_in_child(path)
    assert message == MSG_RANGE.format(cell="IV65536", rows=65536, columns=256)
    assert seconds < 0.5
    assert grown_mb < 100


def test_it_refuses_an_xls_whose_dimensions_record_calamine_would_die_reserving(
    tmp_path: Path,
) -> None:
    # calamine reserves rows x columns cells as the DIMENSIONS record says: 2^32 x 2^16 here.
    workbook = biff8({"名单": [(0, 0, "姓名")]}, dimensions=(0, 0xFFFFFFF0, 0, 0xFFFF))
    path = xls(tmp_path / "名单.xls", workbook)
    message, _, _ = refusal_in_child(path)
    assert message == MSG_BROKEN.format(detail="工作表尺寸记录异常")


def test_every_xls_sheet_counts_because_calamine_builds_them_all(tmp_path: Path) -> None:
    sheets: dict[str, list[tuple[int, int, object]]] = {
        "名单": [(0, 0, "姓名")],
        "草稿": [(0, 0, "x"), (2999, 19, "y")],
    }
    path = xls(tmp_path / "名单.xls", biff8(sheets))
    message = MSG_RANGE_OTHER_SHEET.format(sheet="草稿", cell="T3000", rows=3000, columns=20)
    assert refusal(path, Limits(max_cells=50_000)) == message


def test_it_refuses_an_xls_with_a_password(tmp_path: Path) -> None:
    path = xls(tmp_path / "名单.xls", biff8({"名单": [(0, 0, "姓名")]}, password=True))
    assert refusal(path) == MSG_ENCRYPTED


def test_it_refuses_an_xls_with_macros(tmp_path: Path) -> None:
    path = xls(tmp_path / "名单.xls", biff8({"名单": [(0, 0, "姓名")]}), ("_VBA_PROJECT_CUR",))
    assert refusal(path) == MSG_MACRO


# ---------------------------------------------------------------------------------------------
# The kind, by the bytes.


@pytest.mark.parametrize("name", ["名单.xlsx", "名单.xls"])
def test_it_refuses_an_office_file_with_a_password(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes((DATA / "password.xlsx").read_bytes())
    assert refusal(path) == MSG_ENCRYPTED


@pytest.mark.parametrize(
    ("build", "name", "kind"),
    [
        (lambda p: xlsx(p, THREE_ROWS), "名单.xls", "xlsx"),
        (lambda p: xlsx(p, THREE_ROWS), "名单.csv", "xlsx"),
        (lambda p: xls(p, biff8({"名单": [(0, 0, "姓名")]})), "名单.xlsx", "xls"),
        (
            lambda p: ods(p, f'<table:table table:name="a">{ods_row("姓名")}</table:table>'),
            "名单.xlsx",
            "ods",
        ),
    ],
)
def test_a_workbook_saved_under_another_extension_is_read_as_what_it_is(
    tmp_path: Path, build: Callable[[Path], Path], name: str, kind: str
) -> None:
    path = build(tmp_path / name)
    assert file_kind(path, name, Limits()) == kind
    assert read(path)[0][1][0] == "姓名"


def test_calamine_reads_the_kind_that_was_measured(tmp_path: Path) -> None:
    # xlsx parts calamine cannot open (no _rels/.rels), and an ods inside: guessing, calamine
    # would fall back to building the ods, which nobody measured.
    path = ods(
        tmp_path / "名单.xlsx", f'<table:table table:name="a">{ods_row("ods")}</table:table>'
    )
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=XLSX_MAIN))
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>")
    assert file_kind(path, path.name, Limits()) == "xlsx"
    assert refusal(path) == MSG_BROKEN.format(detail="工作表无法解析")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_reads_a_csv_in_each_encoding_villages_save_it_in(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "名单.csv"
    path.write_text("姓名,公民身份号码\n张三,630121199001011234\n", encoding=encoding)
    assert file_kind(path, path.name, Limits()) == "csv"
    assert read(path) == [(1, ["姓名", "公民身份号码"]), (2, ["张三", "630121199001011234"])]


def test_a_tab_separated_text_saved_as_xls_is_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "名单.xls"
    path.write_text("姓名\t公民身份号码\n张三\t1\n", encoding="gb18030")
    assert read(path) == [(1, ["姓名", "公民身份号码"]), (2, ["张三", "1"])]


@pytest.mark.parametrize(
    ("name", "message"), [("名单.csv", MSG_ENCODING), ("名单.xlsx", MSG_NOT_WORKBOOK)]
)
def test_bytes_that_are_no_text_and_no_workbook_are_refused(
    tmp_path: Path, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x80")
    assert refusal(path) == message


def test_a_web_page_saved_as_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "导出.xls"
    path.write_text("\ufeff  <html><table><tr><td>姓名</td></tr></table></html>", encoding="utf-8")
    assert refusal(path) == MSG_MARKUP


@pytest.mark.parametrize(
    "extra",
    [
        {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
        {},  # but the content type says macroEnabled
    ],
)
def test_it_refuses_a_workbook_with_macros(tmp_path: Path, extra: dict[str, bytes]) -> None:
    main = "application/vnd.ms-excel.sheet.macroEnabled.main+xml" if not extra else XLSX_MAIN
    path = xlsx(tmp_path / "名单.xlsx", THREE_ROWS, main=main, extra=extra)
    assert refusal(path) == MSG_MACRO


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("名单.xlsm", MSG_MACRO),
        ("名单.xlsb", MSG_UNSUPPORTED.format(format="Excel 二进制工作簿", suffix=".xlsb")),
        ("名单.et", MSG_UNSUPPORTED.format(format="WPS 表格", suffix=".et")),
        ("名单.pdf", MSG_EXTENSION.format(name="名单.pdf")),
        ("名单", MSG_EXTENSION.format(name="名单")),
    ],
)
def test_it_refuses_other_extensions(tmp_path: Path, name: str, message: str) -> None:
    path = xlsx(tmp_path / "book", THREE_ROWS)
    with pytest.raises(ImportRefused) as refused:
        file_kind(path, name, Limits())
    assert refused.value.message == message


def test_it_refuses_a_zip_bomb(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "名单.xlsx", THREE_ROWS, extra={"xl/media/zeros.bin": bytes(3 << 20)})
    assert path.stat().st_size < 20_000
    assert refusal(path, Limits(max_uncompressed=2 << 20)) == MSG_BOMB.format(mb=2)


def test_it_refuses_too_many_zip_entries(tmp_path: Path) -> None:
    extra = {f"xl/media/{i}.txt": b"x" for i in range(10)}
    path = xlsx(tmp_path / "名单.xlsx", THREE_ROWS, extra=extra)
    assert refusal(path, Limits(max_entries=12)) == MSG_ENTRIES.format(n=12)


def test_it_refuses_two_zip_entries_of_the_same_name(tmp_path: Path) -> None:
    # zipfile reads the last, another reader may read the first: a stray cell could hide there.
    path = xlsx(tmp_path / "名单.xlsx", THREE_ROWS)
    with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning, match="Duplicate name"):
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    assert refusal(path) == MSG_BROKEN.format(detail="压缩包内有重名的条目")


@pytest.mark.parametrize(
    ("name", "message"), [("名单.csv", MSG_ZIP_IN_CSV), ("名单.xlsx", MSG_NOT_WORKBOOK)]
)
def test_a_zip_that_holds_no_workbook_is_refused(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert refusal(path) == message


def test_it_refuses_an_empty_or_too_big_file(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(b"")
    assert refusal(path) == MSG_EMPTY_FILE
    path.write_text("姓名\n" * 200_000, encoding="utf-8")
    assert refusal(path, Limits(max_bytes=1 << 20)) == MSG_TOO_BIG.format(mb=1)


def test_a_formula_cell_comes_as_its_formula_not_its_cached_value(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "公民身份号码", "出生日期"])
    sheet.append(["张伟", '="630121"&"198005010011"', "1980-05-01"])
    sheet.append(["李秀英", "630121198005010020", "=MID(B3,7,8)"])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    rows = dict(open_sheet(path, "xlsx", Limits()).rows)
    assert rows[2][1] == '="630121"&"198005010011"'
    assert rows[3][2] == "=MID(B3,7,8)"
    assert rows[3][:2] == ["李秀英", "630121198005010020"]
