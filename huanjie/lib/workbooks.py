"""An uploaded spreadsheet file on disk, read safely: its kind, its limits, its first sheet's rows.

Pure Python, no Django. Every refusal is an ImportRefused whose message is for the user.

The order is the point (SECURITY.md V4, V5, V8). `file_kind` decides the kind by the bytes and
checks the file as a whole (size, zip entries, zip bomb, macros, passwords). `open_sheet` then
measures how far the values reach, streaming the file, and only then lets python-calamine build
the sheet: calamine allocates every cell of the rectangle up to the farthest value, so one stray
value in XFD1048576 asks for 17 billion cells and kills the process. For .xls and .ods calamine
builds every sheet as it opens the file, so every sheet is measured.

    >>> cell_name(1048576, 16384)
    'XFD1048576'
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any, Final, Literal
from xml.parsers import expat
from xml.sax.saxutils import unescape

import olefile
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

# SECURITY.md V4 [PROJ]: the limits of one uploaded file.
MAX_FILE_BYTES: Final = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES: Final = 200 * 1024 * 1024
MAX_ZIP_ENTRIES: Final = 1000
MAX_ROWS: Final = 200_000
MAX_COLUMNS: Final = 100
MAX_CELLS: Final = 4_000_000  # calamine's cells take ~32 bytes each: ~130 MB
HEADER_SEARCH_ROWS: Final = 10

Kind = Literal["xlsx", "xls", "ods", "csv"]


@dataclass(frozen=True)
class Limits:
    """The upload limits; the web keeps the defaults, tests lower them, the bench raises rows."""

    max_bytes: int = MAX_FILE_BYTES
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES
    max_entries: int = MAX_ZIP_ENTRIES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cells: int = MAX_CELLS


class ImportRefused(Exception):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# User-facing messages, defined once so tests assert the exact text.
MSG_EXTENSION = "只能导入 .xlsx、.xls、.ods 或 .csv 文件（当前文件：{name}）"
MSG_UNSUPPORTED = "暂不支持{format}（{suffix}）文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入"
MSG_MACRO = "文件包含宏（VBA），为安全起见不予导入，请另存为不含宏的 .xlsx 文件"
MSG_ENCRYPTED = "文件设置了打开密码，无法读取；请在 Excel 或 WPS 中取消密码后另存，再重新上传"
MSG_NOT_WORKBOOK = "文件内容不是有效的 .xlsx、.xls 或 .ods 工作簿（文件可能已损坏或扩展名被改过）"
MSG_MARKUP = (
    "文件内容是网页或 XML 文本（常见于其他系统导出的“假 .xls”），不是真正的表格文件；"
    "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"
)
MSG_BROKEN = "文件已损坏，无法读取：{detail}"
MSG_TOO_BIG = "文件超过 {mb} MB，请拆分后分批导入"
MSG_EMPTY_FILE = "文件是空的"
MSG_BOMB = "文件解压后超过 {mb} MB（疑似压缩炸弹），已拒绝"
MSG_ENTRIES = "文件内部条目超过 {n} 个，已拒绝"
MSG_TOO_MANY_ROWS = "文件超过 {n} 行，请按村或村民小组拆分后分批导入"
MSG_ROWS_RANGE = (
    "工作表的数据延伸到第 {rows} 行（{cell} 单元格），超过 {n} 行的上限：如表格下方有多余的内容，"
    "请删除后重新上传；否则请按村或村民小组拆分后分批导入"
)
MSG_ENCODING = "无法识别文件编码：请将 CSV 存为 UTF-8 或 GBK/GB18030 编码"
MSG_ZIP_IN_CSV = "扩展名为 .csv，但内容是压缩文件，也不是可识别的工作簿；请检查是否选错了文件"
MSG_RANGE = (
    "工作表的数据范围延伸到 {cell} 单元格（{rows} 行、{columns} 列），超出导入上限；"
    "请删除表格下方和右侧多余的内容后重新上传"
)
MSG_RANGE_OTHER_SHEET = (
    "工作表“{sheet}”的数据范围延伸到 {cell} 单元格（{rows} 行、{columns} 列），"
    "整个文件超出导入上限；请删除该工作表中多余的内容（或删除该工作表）后重新上传"
)

_FORMATS: Final = {".xlsb": "Excel 二进制工作簿", ".et": "WPS 表格"}
_SUFFIXES: Final = (".xlsx", ".xls", ".ods", ".csv")
_ZIP_MAGIC: Final = b"PK\x03\x04"
_CFB_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an Office file with a password
_ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"
_MAX_PART: Final = 16 * 1024 * 1024  # workbook.xml and the like, which we parse whole
_CHUNK = 1 << 20  # tests make it small, to split the XML anywhere
_ZIP_ERRORS: Final = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError)


def cell_name(row: int, col: int) -> str:
    """A cell in Excel notation, from its 1-based row and column.

    >>> cell_name(1, 1), cell_name(3, 27), cell_name(65536, 256)
    ('A1', 'AA3', 'IV65536')
    """
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:g}"


def _broken(detail: str) -> ImportRefused:
    return ImportRefused(MSG_BROKEN.format(detail=detail))


# ---------------------------------------------------------------------------------------------
# The file as a whole: checked before any parsing.


def file_kind(path: Path, filename: str, limits: Limits) -> Kind:
    """ "xlsx", "xls", "ods" or "csv", decided by the bytes, after the size, zip, macro and
    password checks; ImportRefused otherwise. The uploaded `filename` must carry one of the four
    extensions and picks the message; an .xlsx saved as .xls is read as the xlsx it is."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsm":
        raise ImportRefused(MSG_MACRO)
    if suffix in _FORMATS:
        raise ImportRefused(MSG_UNSUPPORTED.format(format=_FORMATS[suffix], suffix=suffix))
    if suffix not in _SUFFIXES:
        raise ImportRefused(MSG_EXTENSION.format(name=filename))
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ImportRefused(MSG_TOO_BIG.format(mb=_mb(limits.max_bytes)))
    if size == 0:
        raise ImportRefused(MSG_EMPTY_FILE)
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(path, suffix, limits)
    if head == _CFB_MAGIC:
        return _cfb_kind(path)
    return _text_kind(path, suffix)


def _zip_kind(path: Path, suffix: str, limits: Limits) -> Kind:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_entries:
                raise ImportRefused(MSG_ENTRIES.format(n=limits.max_entries))
            names = {i.filename.lower() for i in infos}
            if len(names) < len(infos):  # which of two same-named entries gets read is a guess
                raise _broken("压缩包内有重名的条目")
            if any(n.endswith("vbaproject.bin") for n in names):
                raise ImportRefused(MSG_MACRO)
            for info in infos:  # declared sizes can lie: count what comes out
                for _ in _stream(zf, info.filename, limits):
                    pass
            kind = _zip_spreadsheet(zf, names)
    except _ZIP_ERRORS as exc:
        raise _broken("压缩结构不完整") from exc
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise _broken("压缩方式无法识别") from exc
    except RuntimeError as exc:  # an encrypted member
        raise ImportRefused(MSG_ENCRYPTED) from exc
    if kind is not None:
        return kind
    if "xl/workbook.bin" in names:
        raise ImportRefused(MSG_UNSUPPORTED.format(format=_FORMATS[".xlsb"], suffix=".xlsb"))
    raise ImportRefused(MSG_ZIP_IN_CSV if suffix == ".csv" else MSG_NOT_WORKBOOK)


def _zip_spreadsheet(zf: zipfile.ZipFile, names: set[str]) -> Kind | None:
    if "xl/workbook.xml" in names and "[content_types].xml" in names:
        if b"macroEnabled" in _read_part(zf, "[Content_Types].xml"):
            raise ImportRefused(MSG_MACRO)
        return "xlsx"
    if "mimetype" in names and _read_part(zf, "mimetype")[:46] == _ODS_MIMETYPE:
        manifest = (
            _read_part(zf, "META-INF/manifest.xml") if "meta-inf/manifest.xml" in names else b""
        )
        if b"encryption-data" in manifest:
            raise ImportRefused(MSG_ENCRYPTED)
        return "ods"
    return None


def _member(zf: zipfile.ZipFile, name: str) -> str:
    """The entry called `name`, or the one entry that matches it but for case."""
    names = zf.namelist()
    if name in names:
        return name
    matches = [n for n in names if n.lower() == name.lower()]
    if len(matches) != 1:
        raise _broken(f"缺少 {name}")
    return matches[0]


def _read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    with zf.open(_member(zf, name)) as f:
        data = f.read(_MAX_PART + 1)
    if len(data) > _MAX_PART:
        raise _broken(f"{name} 过大")
    return data


def _stream(zf: zipfile.ZipFile, name: str, limits: Limits) -> Iterator[bytes]:
    total = 0
    with zf.open(name) as f:
        while chunk := f.read(_CHUNK):
            total += len(chunk)
            if total > limits.max_uncompressed:
                raise ImportRefused(MSG_BOMB.format(mb=_mb(limits.max_uncompressed)))
            yield chunk


def _cfb_kind(path: Path) -> Kind:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage"):  # an .xlsx with a password, wrapped in a CFB
                raise ImportRefused(MSG_ENCRYPTED)
            if ole.exists("_VBA_PROJECT_CUR"):
                raise ImportRefused(MSG_MACRO)
            stream = _biff_stream(ole)
    except ImportRefused:
        raise
    except Exception as exc:  # olefile raises many kinds of errors for a damaged file
        raise _broken("复合文档结构不完整") from exc
    if _xls_globals(stream)[0]:
        raise ImportRefused(MSG_ENCRYPTED)
    return "xls"


def _biff_stream(ole: olefile.OleFileIO) -> bytes:
    """The BIFF stream: "Workbook" (Excel 97 and later) or "Book" (Excel 5 and 95)."""
    for name in ("Workbook", "Book"):
        if ole.exists(name) and ole.get_type(name) == olefile.STGTY_STREAM:
            data: bytes = ole.openstream(name).read()
            return data
    raise ImportRefused(MSG_NOT_WORKBOOK)


def _text_kind(path: Path, suffix: str) -> Kind:
    try:
        encoding = csv_encoding(path)
    except ImportRefused:
        raise ImportRefused(MSG_ENCODING if suffix == ".csv" else MSG_NOT_WORKBOOK) from None
    with path.open(encoding=encoding) as f:
        if f.read(1024).lstrip().startswith("<"):
            raise ImportRefused(MSG_MARKUP)
    return "csv"


def csv_encoding(path: Path) -> str:
    """ "utf-8-sig" or "gb18030": the first that decodes the whole file (never "replace")."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as f:
                while block := f.read(_CHUNK):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportRefused(MSG_ENCODING)


# ---------------------------------------------------------------------------------------------
# The used range: how far the values reach, read as a stream, no sheet built.


@dataclass(frozen=True)
class _Range:
    sheet: str
    rows: int  # the last row holding a value, 1-based (0: no value at all)
    columns: int  # the last column holding a value, 1-based

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def used_range(path: Path, kind: Kind, limits: Limits | None = None) -> tuple[int, int]:
    """(rows, columns) of the first sheet, from A1 to the farthest cell that holds a value (a
    cell that only carries a style does not count). Streams a file that `file_kind` accepted,
    within the `limits` on uncompressed bytes. Not for csv, whose rows are streamed anyway."""
    first = _sheet_ranges(path, kind, limits or Limits())[0]
    return first.rows, first.columns


def _sheet_ranges(path: Path, kind: Kind, limits: Limits) -> list[_Range]:
    """Each sheet calamine builds as it opens the file (all of them, but for xlsx the first)."""
    try:
        if kind == "xlsx":
            ranges = [_xlsx_range(path, limits)]
        elif kind == "ods":
            ranges = _ods_ranges(path, limits)
        elif kind == "xls":
            ranges = _xls_ranges(path)
        else:
            raise ValueError(f"no used range for {kind}")
    except _ZIP_ERRORS as exc:
        raise _broken("压缩结构不完整") from exc
    return ranges or [_Range("", 0, 0)]


def _check_ranges(ranges: list[_Range], limits: Limits) -> None:
    first = ranges[0]
    if first.columns > limits.max_columns or first.cells > limits.max_cells:
        cell = cell_name(first.rows, first.columns)
        raise ImportRefused(MSG_RANGE.format(cell=cell, rows=first.rows, columns=first.columns))
    if first.rows > limits.max_rows + HEADER_SEARCH_ROWS:
        # A file too long and a stray value far below the data look alike from here: say both.
        cell = cell_name(first.rows, first.columns)
        raise ImportRefused(MSG_ROWS_RANGE.format(cell=cell, rows=first.rows, n=limits.max_rows))
    if sum(r.cells for r in ranges) > limits.max_cells:  # the sheets nobody reads take memory too
        big = max(ranges[1:], key=lambda r: r.cells)
        cell = cell_name(big.rows, big.columns)
        raise ImportRefused(
            MSG_RANGE_OTHER_SHEET.format(
                sheet=big.sheet, cell=cell, rows=big.rows, columns=big.columns
            )
        )


# xlsx. calamine places a <c> at its `r`, or else at its cursor, which <row r> and </row> move,
# and keeps the cells that hold a value: not <c r="XFD1" s="1"/> nor <c ...></c>, only styles.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # any namespace prefix: calamine ignores it
_ATTRS = rb"""(?:[^<>"']|"[^<"]*"|'[^<']*')*"""  # a '>' may sit in a quoted value, a '<' may not
_TAG_START = re.compile(rb"<(?:/" + _P + rb"row|" + _P + rb"(?:row|c))(?=[\s/>])")
_TAG = re.compile(rb"<(?:/" + _P + rb"(row)\s*|" + _P + rb"(row|c)(" + _ATTRS + rb"))>")
_CELL_R = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,8})([0-9]{1,10})["']""")
_ROW_R = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,10})["']""")
_CELL_END = re.compile(rb"\s*</" + _P + rb"c\s*>")
# The cell as Excel, WPS, LibreOffice, openpyxl and XlsxWriter all write it: its column, or b""
# for a <c> written otherwise.
_PLAIN_CELL = re.compile(rb'<c(?: r="([A-Z]{1,3})[0-9]{1,7}"|(?=[\s/>]))')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_MAX_TAG: Final = 1 << 20  # no real <c> or <row> tag comes near this


def _xlsx_first_sheet(zf: zipfile.ZipFile) -> list[str]:
    """The entry of the first sheet, found as calamine finds it. calamine reads the id by its
    prefix (r:id), where we see namespaces: each id of the first <sheet> is a candidate."""
    try:
        workbook = SafeElementTree.fromstring(_read_part(zf, "xl/workbook.xml"), forbid_dtd=True)
        rels = SafeElementTree.fromstring(
            _read_part(zf, "xl/_rels/workbook.xml.rels"), forbid_dtd=True
        )
    except (SafeElementTree.ParseError, DefusedXmlException) as exc:
        raise _broken("工作簿结构无法解析") from exc
    sheet = next((e for e in workbook.iter() if _local(e.tag) == "sheet"), None)
    ids = [v for k, v in sheet.attrib.items() if k.endswith("}id")] if sheet is not None else []
    targets = {
        e.get("Id"): e.get("Target", "") for e in rels.iter() if _local(e.tag) == "Relationship"
    }
    parts = []
    for target in (targets[i] for i in ids if targets.get(i)):
        if target.startswith("/xl/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        parts.append(_member(zf, target))
    if not parts:
        raise _broken("找不到第一个工作表")
    return parts


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - ord("A") + 1
    return n


def _plain_row_above(n: int) -> re.Pattern[bytes]:
    """A plain <c r="..."> whose row is past `n`.

    >>> [bool(_plain_row_above(200010).match(c)) for c in (b'<c r="A200011"', b'<c r="B0200010"')]
    [True, False]
    """
    digits = str(n).encode()
    above = [rb"[1-9][0-9]{%d,}" % len(digits)]  # more digits, or a greater digit at some place
    for i, d in enumerate(digits):
        if d != ord("9"):
            above.append(digits[:i] + b"[%c-9][0-9]{%d}" % (d + 1, len(digits) - i - 1))
    return re.compile(rb'<c r="[A-Z]{1,3}0*(?:' + b"|".join(above) + rb')"')


def _regions(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks cut again before their last <c> or <row> tag, so that no such tag, and no
    <c ...></c>, is split between two regions."""
    tail = b""
    for chunk in chunks:
        buf = tail + chunk
        cut = len(buf)
        for m in _TAG_START.finditer(buf, max(0, len(buf) - 65536)):
            cut = m.start()
        if cut == len(buf) and (lt := buf.rfind(b"<")) >= 0 and buf.find(b">", lt) < 0:
            cut = lt  # a tag cut by the chunk's end
        if len(buf) - cut > _MAX_TAG:
            raise _broken("工作表中有异常的超长标记")
        yield buf[:cut]
        tail = buf[cut:]
    yield tail


def _xlsx_within(
    path: Path, limits: Limits, formulas: dict[tuple[int, int], str] | None = None
) -> bool:
    """True when the first sheet is surely within `limits`, judged by the `r` of every cell,
    holding a value or not. All the work happens in the regex engine: ~1 s for 200,000 rows,
    where placing each cell in Python takes ~7 s. False when a cell goes too far, or when it
    cannot tell: some <c> is not written as every common writer writes it (<c r="A1" ...).
    Then `_sheet_ranges` measures exactly. On the way, the formula cells go into `formulas`
    (complete when the answer is True), saving the sheet a second pass.

    The rows a sheet may reach are the fewer of the row limit and the cells' limit over its
    columns. Each part of the XML is checked against the columns seen up to and including it:
    the columns are all in the header, as a rule, so one pass does. Only when a later part
    brings more columns (the limit falls) are the parts before it read again."""
    rows, letters = limits.max_rows + HEADER_SEARCH_ROWS, set[bytes]()
    try:
        with zipfile.ZipFile(path) as zf:
            parts = _xlsx_first_sheet(zf)

            def regions() -> Iterator[bytes]:
                return chain.from_iterable(_regions(_stream(zf, p, limits)) for p in parts)

            reach, seen, again = rows, 0, False
            below = _plain_row_above(reach)
            for n, region in enumerate(regions()):
                found = _PLAIN_CELL.findall(region)
                if b"" in found or _PREFIXED_CELL.search(region):
                    return False
                letters.update(found)
                if len(letters) != seen:
                    seen, columns = len(letters), max(map(_column_number, letters))
                    if columns > limits.max_columns:
                        return False
                    if (fewer := min(rows, limits.max_cells // columns)) < reach:
                        reach, below, again = fewer, _plain_row_above(fewer), again or n > 0
                if below.search(region):
                    return False
                if formulas is not None and b"<f" in region:
                    _collect_formulas(region, formulas)
            return not (again and any(below.search(region) for region in regions()))
    except _ZIP_ERRORS as exc:
        raise _broken("压缩结构不完整") from exc


def _xlsx_range(path: Path, limits: Limits) -> _Range:
    rows = columns = 0
    with zipfile.ZipFile(path) as zf:
        for part in _xlsx_first_sheet(zf):
            part_rows, part_columns = _xlsx_cells(_stream(zf, part, limits))
            rows, columns = max(rows, part_rows), max(columns, part_columns)
    return _Range("", rows, columns)


def _xlsx_cells(chunks: Iterable[bytes]) -> tuple[int, int]:
    """(rows, columns) of the cells holding a value, each placed as calamine places it."""
    row = col = 0  # calamine's cursor (0-based) for a <c> without `r`
    rows = columns = 0
    tail = b""
    for chunk in chain(chunks, [b""]):
        buf, final, pos = tail + chunk, not chunk, 0
        tail = b""
        while start := _TAG_START.search(buf, pos):
            m = _TAG.match(buf, start.start())
            if m is None or (not final and len(buf) - m.end() < 64):
                if m is None and (final or len(buf) - start.start() > _MAX_TAG):
                    raise _broken("工作表中有无法解析的单元格标记")
                tail = buf[start.start() :]  # the rest of the tag, or what follows it, is to come
                break
            pos = m.end()
            if m[1]:  # </row>
                row, col = row + 1, 0
                continue
            closed = m[3].endswith(b"/")
            if m[2] == b"row":
                number = _ROW_R.search(m[3])
                row = int(number[1]) - 1 if number else row
                row, col = (row + 1, 0) if closed else (row, col)
                continue
            r = _CELL_R.search(m[3])
            at_row, at_col = (int(r[2]) - 1, _column_number(r[1]) - 1) if r else (row, col)
            col = at_col + 1
            if not closed and not _CELL_END.match(buf, pos):
                rows, columns = max(rows, at_row + 1), max(columns, at_col + 1)
        else:
            if (lt := buf.rfind(b"<", pos)) >= 0 and buf.find(b">", lt) < 0:
                tail = buf[lt:]
    return rows, columns


# ods: calamine matches names by their usual prefixes ("table:table-row"), whatever namespace the
# prefix is bound to; so does expat without namespace processing. (defusedxml's parsers resolve
# namespaces, which would let a file rebind "table:" and hide its rows from us.)
_ODS_CELLS: Final = frozenset({"table:table-cell", "table:covered-table-cell"})
_ODS_VALUE = re.compile(r"office:(value-type|value|(string|date|time|boolean)-value)|table:formula")


class _OdsTables:
    """The used range of each named table of content.xml. A cell holds a value when it has a
    value type, a value or a formula (calamine ignores a text:p without a value type). Repeated
    rows and cells count as often as repeated if they hold a value: LibreOffice ends each table
    with ~1M repeated empty rows, which count for nothing."""

    def __init__(self) -> None:
        self.ranges: list[_Range] = []
        self._sheet: str | None = None  # the table being read
        self._in_cell = 0  # what a cell holds (even a table) is skipped, as calamine does
        self._row = self._row_repeat = self._col = self._row_columns = 0
        self._rows = self._columns = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self._in_cell:
            self._in_cell += name in _ODS_CELLS
        elif self._sheet is None:
            if name == "table:table" and "table:name" in attrs:
                self._sheet = attrs["table:name"]
                self._row = self._rows = self._columns = 0
        elif name == "table:table-row":
            self._row_repeat = _repeat(attrs.get("table:number-rows-repeated"))
            self._col = self._row_columns = 0
        elif name in _ODS_CELLS:
            self._col += _repeat(attrs.get("table:number-columns-repeated"))
            if any(_ODS_VALUE.fullmatch(a) for a in attrs):
                self._row_columns = self._col
            self._in_cell = 1

    def end(self, name: str) -> None:
        if self._in_cell:
            self._in_cell -= name in _ODS_CELLS
        elif self._sheet is None:
            return
        elif name == "table:table-row":
            self._row += self._row_repeat
            if self._row_columns:
                self._rows, self._columns = self._row, max(self._columns, self._row_columns)
        elif name == "table:table":
            self.ranges.append(_Range(self._sheet, self._rows, self._columns))
            self._sheet = None


def _repeat(value: str | None) -> int:
    if value is None:
        return 1
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        raise _broken(f"重复次数“{value[:20]}”无法识别")
    return int(value)


def _refuse_doctype(*_: object) -> None:
    # No document type, hence no entity to expand (billion laughs) or to fetch (XXE).
    raise _broken("content.xml 含有文档类型声明")


def _ods_ranges(path: Path, limits: Limits) -> list[_Range]:
    tables = _OdsTables()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = tables.start
    parser.EndElementHandler = tables.end
    with zipfile.ZipFile(path) as zf:
        try:
            for chunk in _stream(zf, _member(zf, "content.xml"), limits):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _broken("content.xml 无法解析") from exc
    return tables.ranges


# xls: BIFF records (kind u16, size u16, data). The globals come first, up to an EOF; their
# BOUNDSHEETs give each sheet's offset in the stream, and calamine reads each sheet from there to
# the next EOF. Cell records start with (row u16, column u16); not BLANK or MULBLANK, which only
# carry a style: LABELSST, LABEL, NUMBER, RK, FORMULA, BOOLERR, RSTRING, and MULRK for a run.
_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _DIMENSIONS, _MULRK = 0x809, 0xA, 0x2F, 0x85, 0x200, 0xBD
_CELL_RECORDS: Final = frozenset({0x00FD, 0x0204, 0x0203, 0x027E, 0x0006, 0x0205, 0x00D6})


def _biff_records(stream: bytes, pos: int) -> Iterator[tuple[int, bytes]]:
    """The records from `pos` up to the first EOF (included) or the stream's end."""
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        yield kind, stream[pos + 4 : pos + 4 + size]
        if kind == _EOF:
            return
        pos += 4 + size


def _xls_globals(stream: bytes) -> tuple[bool, list[tuple[int, str]]]:
    """(whether a password encrypts it, each sheet's offset in the stream and name)"""
    records = _biff_records(stream, 0)
    first = next(records, None)
    if first is None or first[0] != _BOF or len(first[1]) < 2:
        raise _broken("找不到工作簿记录")
    biff8 = first[1][:2] != b"\x00\x05"  # else Excel 5/95
    encrypted, sheets = False, []
    for kind, data in records:
        if kind == _FILEPASS:
            encrypted = True
        elif kind == _BOUNDSHEET:
            if len(data) < 8:
                raise _broken("工作表记录不完整")
            sheets.append((struct.unpack_from("<I", data)[0], _sheet_name(data, biff8)))
    return encrypted, sheets


def _sheet_name(data: bytes, biff8: bool) -> str:
    count = data[6]
    if not biff8:  # bytes in the workbook's code page: GBK for a Chinese one
        return data[7 : 7 + count].decode("gbk", "replace")
    if data[7] & 1:
        return data[8 : 8 + 2 * count].decode("utf-16-le", "replace")
    return data[8 : 8 + count].decode("latin-1")


def _xls_ranges(path: Path) -> list[_Range]:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            stream = _biff_stream(ole)
    except ImportRefused:
        raise
    except Exception as exc:  # olefile raises many kinds of errors for a damaged file
        raise _broken("复合文档结构不完整") from exc
    return [_xls_sheet(stream, offset, name) for offset, name in _xls_globals(stream)[1]]


def _xls_sheet(stream: bytes, pos: int, name: str) -> _Range:
    if pos >= len(stream):
        raise _broken("工作表位置超出文件范围")
    rows = columns = 0
    for kind, data in _biff_records(stream, pos):
        if kind in _CELL_RECORDS or kind == _MULRK:
            if len(data) < 6:
                raise _broken("单元格记录不完整")
            row, col = struct.unpack_from("<HH", data)
            if kind == _MULRK:  # one row, the first column, ..., the last column
                (col,) = struct.unpack_from("<H", data, len(data) - 2)
            rows, columns = max(rows, row + 1), max(columns, col + 1)
        elif kind == _DIMENSIONS:
            _check_dimensions(data)
    return _Range(name, rows, columns)


def _check_dimensions(data: bytes) -> None:
    """calamine reserves the rectangle a DIMENSIONS record claims before it reads a cell: a
    claim past Excel's own grid (65536 x 256) makes it abort the process."""
    if len(data) == 14:
        first_row, end_row, first_col, end_col = struct.unpack_from("<IIHH", data)
    elif len(data) == 10:
        first_row, end_row, first_col, end_col = struct.unpack_from("<HHHH", data)
    else:
        raise _broken("工作表尺寸记录异常")
    claimed = end_row and end_col  # else calamine takes one cell
    if claimed and (
        first_row >= end_row or first_col >= end_col or end_row > 65536 or end_col > 256
    ):
        raise _broken("工作表尺寸记录异常")


# ---------------------------------------------------------------------------------------------
# Rows: (row number as the user sees it, cells).

Cells = list[Any]


@dataclass
class Sheet:
    rows: Iterator[tuple[int, Cells]]
    # Merged ranges in the file, as (first row, first col, last row, last col), 1-based rows and
    # 0-based columns of `rows`' cells. calamine reads none from an .ods.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # A csv's: to read the rest of it as text (uploads.importers hands it to its workers).
    text: CsvText | None = None


def rows_estimate(path: Path, kind: Kind) -> int:
    """About how many rows a file holds, before reading it, for a choice that only needs the
    order of magnitude (the roll import's bulk path): a csv's line breaks (counted at about
    2 GB/s), a spreadsheet's compressed size at about 40 bytes a row."""
    if kind != "csv":
        return path.stat().st_size // 40
    lines = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            lines += block.count(b"\n")
    return lines


def open_sheet(path: Path, kind: Kind, limits: Limits) -> Sheet:
    """The first sheet of a file that `file_kind` accepted as `kind`. A spreadsheet is refused
    if its used range is past `limits`, before any sheet is built; a csv's rows are counted as
    they are read."""
    if kind == "csv":
        text = CsvText()
        return Sheet(_csv_rows(path, limits, text), text=text)
    formulas: dict[tuple[int, int], str] = {}
    if not (kind == "xlsx" and _xlsx_within(path, limits, formulas)):
        _check_ranges(_sheet_ranges(path, kind, limits), limits)
        formulas = _xlsx_formulas(path, limits) if kind == "xlsx" else {}
    return _calamine_sheet(path, kind, formulas)


# A cell whose value a formula computed: calamine hands over the cached result, which may be
# stale or computed from other cells; the cell is handed on as its formula ("=..."), so that the
# import reports it and never takes a value nobody typed (SECURITY.md V7).
_FORMULA = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?:[^<>"]|"[^"]*")*>\s*<f(?:\s[^>]*?)?(?:/>|>([^<]{0,200})</f>)'
)


def _collect_formulas(region: bytes, found: dict[tuple[int, int], str]) -> None:
    for m in _FORMULA.finditer(region):
        text = unescape((m[3] or b"").decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})
        found[(int(m[2]), _column_number(m[1]) - 1)] = text


def _xlsx_formulas(path: Path, limits: Limits) -> dict[tuple[int, int], str]:
    """(row, 0-based column) of the first sheet's formula cells, as Excel numbers them, to the
    formula's text ("" for a cell sharing another cell's formula)."""
    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for part in _xlsx_first_sheet(zf):
                for region in _regions(_stream(zf, part, limits)):
                    if b"<f" in region:
                        _collect_formulas(region, found)
    except _ZIP_ERRORS as exc:
        raise _broken("压缩结构不完整") from exc
    return found


def _csv_rows(path: Path, limits: Limits, text: CsvText) -> Iterator[tuple[int, Cells]]:
    encoding = csv_encoding(path)
    with path.open(encoding=encoding, newline="") as f:
        sample = f.read(64 * 1024)
        f.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        text.file, text.delimiter = f, delimiter
        reader = csv.reader(f, delimiter=delimiter)
        try:
            for n, row in enumerate(reader, 1):
                if n > limits.max_rows + HEADER_SEARCH_ROWS:
                    raise ImportRefused(MSG_TOO_MANY_ROWS.format(n=limits.max_rows))
                text.last = n
                yield n, row
        except csv.Error as exc:
            raise csv_refusal(exc) from exc


def csv_refusal(exc: csv.Error) -> ImportRefused:
    return _broken(f"CSV 格式错误（{exc}）")


@dataclass
class CsvText:
    """A csv sheet's open file and delimiter, to read the rest of it as text from where its
    rows stopped (`text_chunks`)."""

    file: Any = None
    delimiter: str = ","
    last: int = 0  # the number of the last row read from the file (a reader may hold some)


def text_chunks(text: CsvText, lines: int) -> Iterator[tuple[str, int]]:
    """The rest of a csv, from the row after the last one its `rows` handed out, as chunks of
    whole rows: (text, rows in it). A chunk of about `lines` lines is extended while a quoted
    cell runs on to the next line (an odd count of quotes); its rows are its lines unless it
    holds a quote, when they are counted as csv.reader counts them."""
    f = text.file
    while chunk := list(islice(f, lines)):
        body = "".join(chunk)
        if '"' not in body:
            yield body, len(chunk)
            continue
        while body.count('"') % 2 and (more := f.readline()):
            body += more
        try:
            yield (
                body,
                sum(1 for _ in csv.reader(io.StringIO(body, newline=""), delimiter=text.delimiter)),
            )
        except csv.Error as exc:
            raise csv_refusal(exc) from exc


def _calamine_sheet(
    path: Path, kind: Kind, formulas: dict[tuple[int, int], str] | None = None
) -> Sheet:
    from python_calamine import CalamineWorkbook

    # calamine picks its reader by the extension; given a file object it tries one after another,
    # and a zip whose xlsx parts fail would be built as the ods it also holds, which nobody
    # measured. A link named after the kind we checked pins the reader. (Absolute, not resolved:
    # a decrypted upload is a memory file at /proc/self/fd/N, which only opens by that name.)
    with tempfile.TemporaryDirectory(prefix="huanjie-") as tmp:
        link = Path(tmp) / f"upload.{kind}"
        link.symlink_to(path.absolute())
        try:
            sheet = CalamineWorkbook.from_path(str(link)).get_sheet_by_index(0)
            merged_raw = sheet.merged_cell_ranges or []
            first_col = sheet.start[1] if sheet.start else 0
            rows = sheet.iter_rows()
        except Exception as exc:  # calamine raises its own errors for every kind of damage
            raise _broken("工作表无法解析") from exc
    merged = [(r0 + 1, c0 - first_col, r1 + 1, c1 - first_col) for (r0, c0), (r1, c1) in merged_raw]

    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, col), text in (formulas or {}).items():
        by_row.setdefault(row, []).append((col - first_col, text))

    def numbered() -> Iterator[tuple[int, Cells]]:
        # calamine yields the rows from row 1 (empty strings for each empty row above the first
        # value) and the cells from the first column holding a value.
        try:
            for n, cells in enumerate(rows, 1):
                for col, text in by_row.get(n, ()):
                    if 0 <= col < len(cells):
                        cells[col] = "=" + (text or "（与上方单元格共用的公式）")
                yield n, cells
        except Exception as exc:
            raise _broken("工作表无法解析") from exc

    return Sheet(numbered(), merged)
