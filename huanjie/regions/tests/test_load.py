"""Loading the division files and correcting a kind, against the real database (SQLite or
PostgreSQL). The real files are read for the demo county; small files written to tmp_path cover
updates, scoping and every kind of bad row, fast."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from huanjie import cli
from huanjie.audit.models import AuditEvent
from huanjie.conftest import Cast
from huanjie.regions.models import Region
from huanjie.regions.services import (
    FILES,
    KIND_NOT_VILLAGE_LEVEL,
    RegionFileError,
    region_kind_correct,
    regions_load,
)

pytestmark = pytest.mark.django_db

Rows = dict[str, list[tuple[str, ...]]]

# A small but consistent tree: two counties of 西宁市, three towns, six village-level units.
SMALL: Rows = {
    "provinces.csv.gz": [("63", "青海省")],
    "cities.csv.gz": [("6301", "西宁市", "63")],
    "areas.csv.gz": [
        ("630121", "大通回族土族自治县", "6301", "63"),
        ("630123", "湟源县", "6301", "63"),
    ],
    "streets.csv.gz": [
        ("630121100", "桥头镇", "630121", "63", "6301"),
        ("630121101", "城关镇", "630121", "63", "6301"),
        ("630123100", "城关镇", "630123", "63", "6301"),
    ],
    "villages.csv.gz": [
        ("630121100001", "人民路南居委会", "630121100", "63", "6301", "630121"),
        ("630121100206", "红河限村委会", "630121100", "63", "6301", "630121"),
        ("630121100207", "毛家寨村委会", "630121100", "63", "6301", "630121"),
        ("630121101204", "城关村委会", "630121101", "63", "6301", "630121"),
        ("630121101501", "城关农场生活区", "630121101", "63", "6301", "630121"),
        ("630123100001", "城台社区居民委员会", "630123100", "63", "6301", "630123"),
    ],
}


def write_files(directory: Path, rows: Rows) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        with gzip.open(directory / spec.filename, "wt", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(spec.header)
            writer.writerows(rows[spec.filename])
    return directory


def changed(rows: Rows, filename: str, index: int, row: Sequence[str]) -> Rows:
    copy = {name: list(lines) for name, lines in rows.items()}
    copy[filename][index] = tuple(row)
    return copy


def snapshot() -> list[tuple[Any, ...]]:
    return list(Region.objects.order_by("code").values_list())


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return write_files(tmp_path / "small", SMALL)


def test_loading_the_demo_county_gives_its_towns_and_313_units_once() -> None:
    report = regions_load(under="630121")

    levels = Counter(Region.objects.values_list("level", flat=True))
    assert levels == {1: 1, 2: 1, 3: 1, 4: 20, 5: 313}
    kinds = Counter(Region.objects.filter(level=5).values_list("kind", flat=True))
    assert kinds == {"village": 289, "community": 24}
    assert (report.read, report.loaded, report.inserted, report.doubtful) == (665_276, 336, 336, 0)
    assert report.summary().startswith("630121 大通回族土族自治县及其上下级：读取 665,276 行")
    herders = Region.objects.get(code="630121205201")
    assert (herders.name, herders.short_name, herders.kind) == ("巴音牧委会", "巴音村", "village")
    assert herders.parent_id == "630121205"
    assert Region.objects.get(code="630121").parent_id == "6301"
    assert Region.objects.get(code="63").parent_id is None
    before = snapshot()

    # The real files a second time: nothing changes, nothing is duplicated.
    again = regions_load(under="630121")

    assert snapshot() == before
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 336)
    assert AuditEvent.objects.filter(action="regions.load").count() == 2


def test_a_second_load_changes_nothing(small: Path) -> None:
    regions_load(data_dir=small)
    before = snapshot()

    report = regions_load(data_dir=small)

    assert snapshot() == before
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 13)


def test_the_load_writes_one_audit_event_with_the_counts(small: Path) -> None:
    regions_load(data_dir=small)

    event = AuditEvent.objects.get(action="regions.load")
    assert event.changes["inserted"] == 13
    assert event.changes["levels"]["5"] == {"loaded": 6, "inserted": 6, "updated": 0}
    assert event.changes["doubtful"] == 1
    assert event.message.startswith("全国：读取 13 行，载入 13 行（新增 13，更新 0，未变 0）")


def test_a_changed_name_is_updated_and_counted(small: Path, tmp_path: Path) -> None:
    regions_load(data_dir=small)
    renamed = changed(
        SMALL,
        "villages.csv.gz",
        1,
        ("630121100206", "红河村民委员会", "630121100", "63", "6301", "630121"),
    )

    report = regions_load(data_dir=write_files(tmp_path / "renamed", renamed))

    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 12)
    region = Region.objects.get(code="630121100206")
    assert (region.name, region.short_name) == ("红河村民委员会", "红河村")


def test_under_loads_the_region_its_ancestors_and_descendants_only(small: Path) -> None:
    report = regions_load(under="630121101", data_dir=small)

    assert sorted(Region.objects.values_list("code", flat=True)) == [
        "63",
        "6301",
        "630121",
        "630121101",
        "630121101204",
        "630121101501",
    ]
    assert (report.read, report.loaded, report.doubtful) == (13, 6, 1)


def test_a_farm_unit_is_loaded_as_a_doubtful_village(small: Path) -> None:
    regions_load(data_dir=small)

    farm = Region.objects.get(code="630121101501")
    assert (farm.kind, farm.kind_doubtful, farm.short_name) == ("village", True, "城关农场生活区")
    assert not Region.objects.get(code="630121101204").kind_doubtful


def test_a_corrected_kind_survives_a_reload(cast: Cast, small: Path) -> None:
    regions_load(data_dir=small)
    farm = Region.objects.get(code="630121101501")
    region_kind_correct(
        actor=cast.county_officer, region=farm, kind="community", reason="场部居民区"
    )

    report = regions_load(data_dir=small)

    farm.refresh_from_db()
    assert (farm.kind, farm.kind_corrected, farm.kind_doubtful) == ("community", True, False)
    assert report.updated == 0


def test_a_kind_correction_is_audited_with_old_and_new_kind_and_the_reason(cast: Cast) -> None:
    village = Region.objects.get(code="630121100206")

    region_kind_correct(
        actor=cast.county_officer, region=village, kind="community", reason="已撤村建居"
    )

    event = AuditEvent.objects.filter(action="region.kind_correct").latest("id")
    assert event.object_id == "630121100206" and event.username == "county"
    assert event.changes == {"kind": ["village", "community"]}
    assert event.message == "已撤村建居"


def test_a_kind_correction_refuses_a_town(cast: Cast) -> None:
    town = Region.objects.get(code="630121100")

    with pytest.raises(ValidationError) as refused:
        region_kind_correct(actor=cast.county_officer, region=town, kind="village", reason="x")

    assert refused.value.messages == [KIND_NOT_VILLAGE_LEVEL.format(name="桥头镇", level="乡级")]
    assert Region.objects.get(code="630121100").kind == ""


def test_a_kind_correction_needs_a_reason(cast: Cast) -> None:
    village = Region.objects.get(code="630121100206")

    with pytest.raises(ValidationError, match="请填写更正原因"):
        region_kind_correct(actor=cast.county_officer, region=village, kind="community", reason=" ")


def _bad(filename: str, index: int, row: Sequence[str]) -> Rows:
    return changed(SMALL, filename, index, row)


BAD_FILES = [
    pytest.param(
        _bad(
            "villages.csv.gz",
            1,
            ("63012110020", "红河限村委会", "630121100", "63", "6301", "630121"),
        ),
        "villages.csv.gz 第3行 code：区划代码应为12位数字，实为“63012110020”",
        id="short-code",
    ),
    pytest.param(
        _bad("streets.csv.gz", 1, ("63012110A", "城关镇", "630121", "63", "6301")),
        "streets.csv.gz 第3行 code：区划代码应为9位数字，实为“63012110A”",
        id="letter-in-code",
    ),
    pytest.param(
        _bad(
            "villages.csv.gz",
            2,
            ("630121100206", "毛家寨村委会", "630121100", "63", "6301", "630121"),
        ),
        "villages.csv.gz 第4行 code：区划代码“630121100206”重复",
        id="duplicate-code",
    ),
    pytest.param(
        _bad("areas.csv.gz", 1, ("630123", " ", "6301", "63")),
        "areas.csv.gz 第3行 name：名称为空",
        id="empty-name",
    ),
    pytest.param(
        _bad(
            "villages.csv.gz",
            5,
            ("630124100001", "城台社区居民委员会", "630124100", "63", "6301", "630124"),
        ),
        "villages.csv.gz 第7行 streetCode：上级代码“630124100”在 streets.csv.gz 中不存在",
        id="unknown-parent",
    ),
    pytest.param(
        _bad(
            "villages.csv.gz",
            0,
            ("630121100001", "人民路南居委会", "630121101", "63", "6301", "630121"),
        ),
        "villages.csv.gz 第2行 streetCode：上级代码“630121101”与区划代码“630121100001”不符",
        id="parent-not-a-prefix",
    ),
    pytest.param(
        _bad("cities.csv.gz", 0, ("6301", "西宁市")),
        "cities.csv.gz 第2行 列数：应有3列，实有2列",
        id="missing-column",
    ),
]


@pytest.mark.parametrize(("rows", "message"), BAD_FILES)
def test_a_bad_row_is_named_and_nothing_is_saved(
    rows: Rows, message: str, small: Path, tmp_path: Path
) -> None:
    regions_load(data_dir=small)
    before = snapshot()
    events = AuditEvent.objects.count()

    with pytest.raises(RegionFileError) as refused:
        regions_load(data_dir=write_files(tmp_path / "bad", rows))

    assert str(refused.value) == message
    assert snapshot() == before
    assert AuditEvent.objects.count() == events


def test_a_bad_file_on_an_empty_table_saves_nothing(tmp_path: Path) -> None:
    rows = _bad("villages.csv.gz", 5, ("630123100001", "", "630123100", "63", "6301", "630123"))

    with pytest.raises(RegionFileError, match=r"villages\.csv\.gz 第7行 name：名称为空"):
        regions_load(data_dir=write_files(tmp_path / "bad", rows))

    assert not Region.objects.exists()


def test_a_wrong_header_is_named(small: Path) -> None:
    with gzip.open(small / "cities.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write("code,name,province\n6301,西宁市,63\n")

    with pytest.raises(RegionFileError) as refused:
        regions_load(data_dir=small)

    assert str(refused.value) == (
        "cities.csv.gz 第1行：表头应为“code,name,provinceCode”，实为“code,name,province”"
    )


def test_a_file_that_is_not_gzip_is_named(small: Path) -> None:
    (small / "streets.csv.gz").write_text("code,name\n", encoding="utf-8")

    with pytest.raises(RegionFileError, match=r"^streets\.csv\.gz 无法读取：不是gzip压缩文件$"):
        regions_load(data_dir=small)


def test_a_missing_file_is_named(small: Path) -> None:
    (small / "villages.csv.gz").unlink()

    with pytest.raises(RegionFileError, match=r"^缺少区划文件 .*villages\.csv\.gz$"):
        regions_load(data_dir=small)


def test_an_unknown_code_is_refused_and_nothing_is_saved(small: Path) -> None:
    with pytest.raises(RegionFileError) as refused:
        regions_load(under="999999", data_dir=small)

    assert str(refused.value) == "未找到区划代码 999999"
    assert not Region.objects.exists()


def test_the_command_loads_and_prints_a_summary(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("regions", "load", "--under", "630121", "--data-dir", str(small))

    out = capsys.readouterr().out
    assert out.startswith("已载入区划。630121 大通回族土族自治县及其上下级：读取 13 行，载入 10 行")
    assert "用时" in out


def test_the_command_exits_with_2_on_an_unknown_code(small: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("regions", "load", "--under", "999999", "--data-dir", str(small))

    assert refused.value.returncode == 2
    assert str(refused.value) == "未找到区划代码 999999"


def test_the_console_command_prints_the_message_without_a_traceback(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _bad("provinces.csv.gz", 0, ("6", "青海省"))
    bad = write_files(tmp_path / "bad", rows)

    with pytest.raises(SystemExit) as exited:
        cli.main(["huanjie", "regions", "load", "--data-dir", str(bad)])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "provinces.csv.gz 第2行 code：区划代码应为2位数字，实为“6”" in err
    assert "Traceback" not in err


def test_the_command_lists_doubtful_units(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    regions_load(data_dir=small)

    call_command("regions", "doubtful", "--under", "630121")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("630121101501  城关农场生活区  暂定为村  ")
    assert lines[-1] == "630121 下共 1 个村级单位类别存疑，请县级用户确认或更正。"


def test_the_doubtful_list_refuses_an_unknown_code(small: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("regions", "doubtful", "--under", "999999")

    assert refused.value.returncode == 2
