"""`huanjie import roster FILE --scope CODE --term N --reference-date YYYY-MM-DD --user U`: the
same import as the page; exit 0 when accepted, 2 when refused or wrongly called."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from huanjie.conftest import TOWN, VILLAGE, Cast
from huanjie.rosters.models import Cadre, Term
from huanjie.rosters.tests.import_helpers import command, number, row

pytestmark = pytest.mark.django_db

TERM = ("--term", "11", "--reference-date", "2022-01-31")


def test_the_command_imports_a_good_file(cast: Cast, tmp_path: Path) -> None:
    rows = [row(VILLAGE, "韩一", number(date(1980, 1, 2)))]
    code, out = command(tmp_path, "county", "630121", rows, *TERM, "--dry-run")
    assert code == 0 and "预览通过" in out and not Cadre.objects.exists()
    code, out = command(tmp_path, "county", "630121", rows, *TERM)
    assert code == 0, out
    assert "已导入第11届干部名册" in out
    assert Term.objects.get().reference_date == date(2022, 1, 31) and Cadre.objects.count() == 1


def test_the_command_refuses_a_bad_file_with_its_problems(cast: Cast, tmp_path: Path) -> None:
    id_number = number(date(1980, 1, 2))
    code, out = command(
        tmp_path, "town", TOWN, [row(VILLAGE, "韩一", id_number, 民族="火星族")], *TERM
    )
    assert code == 2 and "第2行 民族“火星族”" in out and id_number not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--reference-date", "2022-01-31"), "须用 --term 指定届次"),
        (("--term", "11"), "须用 --reference-date 指定基准日期"),
        (("--term", "十一", "--reference-date", "2022-01-31"), "不是有效的届次"),
        (("--term", "11", "--reference-date", "2022/1/31"), "不是有效的基准日期"),
        (("--term", "11", "--reference-date", "2999-01-31"), "基准日期须为不晚于今天的日期"),
    ],
)
def test_the_command_needs_the_term_and_its_date(
    cast: Cast, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, out = command(
        tmp_path, "county", "630121", [row(VILLAGE, "韩一", number(date(1980, 1, 2)))], *args
    )
    assert code == 2 and message in out


def test_the_command_refuses_a_user_out_of_scope(cast: Cast, tmp_path: Path) -> None:
    code, out = command(
        tmp_path, "town", "630121", [row(VILLAGE, "韩一", number(date(1980, 1, 2)))], *TERM
    )
    assert code == 2 and "没有导入该文件的权限" in out
