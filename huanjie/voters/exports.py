"""Spreadsheets out of the voters app: a village roll, the rejected rows of an import, and the
import template.

Every text cell goes through safe_cell (SECURITY.md V9) and is written as a string, so an ID is
never a number Excel would cut to 15 digits; IDs are masked (SECURITY.md P3/P5: unmasked bulk
export needs a second user's approval, a later issue).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from huanjie.elections.models import CampaignVillage
from huanjie.lib.ethnicity import ETHNICITIES
from huanjie.lib.sheets import Schema
from huanjie.lib.xlsx import table_xlsx
from huanjie.people.models import Sex
from huanjie.regions.models import Region
from huanjie.uploads.exports import template_xlsx
from huanjie.voters.importing import ROLL_SCHEMA
from huanjie.voters.imports import ROLL
from huanjie.voters.models import Category, VoterRegistration

ROLL_HEADER = (
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "村民小组",
    "登记类别",
    "户号",
    "待核实",
)


def roll_xlsx(entry: CampaignVillage) -> bytes:
    """The roll of one village in a campaign, active registrations, masked IDs."""
    regs = (
        VoterRegistration.objects.filter(campaign=entry.campaign, village=entry.region, active=True)
        # None once the campaign's personal data was removed (SECURITY.md P7).
        .filter(campaign__personal_data_purged_on=None)
        .select_related("person")
        .order_by("group_name", "person__household_no", "id")
    )
    sexes = dict(Sex.choices)
    categories = dict(Category.choices)

    def rows() -> Iterable[Sequence[Any]]:
        for n, r in enumerate(regs.iterator(chunk_size=2000), 1):
            p = r.person
            yield (
                n,
                p.name,
                sexes.get(p.sex, p.sex),
                ETHNICITIES.get(p.ethnicity, p.ethnicity),
                p.birth_date.isoformat(),
                p.id_masked,
                r.group_name,
                categories.get(r.category, r.category),
                p.household_no,
                r.flag,
            )

    return table_xlsx(
        entry.region.display_name, ROLL_HEADER, rows(), (6, 10, 6, 10, 12, 22, 14, 30, 10, 30)
    )


def roll_template_xlsx(
    region: Region, *, groups: Sequence[str] = (), villages: Sequence[Region] = ()
) -> bytes:
    """The roll import's template for one village (its 村民小组 as a drop-down) or, with
    `villages`, for a town or the county (a 村(社区) column first, its villages as a
    drop-down), for as many rows as an upload accepts."""
    columns = [replace(c, template=True) for c in ROLL_SCHEMA.columns if c.template]
    area = bool(villages)
    if area:
        village = replace(ROLL_SCHEMA.by_key["village"], template=True, label="村(社区)")
        columns.insert(0, village)
    is_village = region.kind == Region.Kind.VILLAGE
    categories = [
        label for code, label in Category.choices if area or (code in _VILLAGE_CODES) == is_village
    ]
    choices: dict[str, list[str]] = {"category": categories, "group_name": list(groups)}
    if area:
        choices["village"] = [f"{v.code} {v.display_name}" for v in villages]
    how = "村(社区)从下拉列表选择；" if area else ""
    return template_xlsx(
        Schema(tuple(columns)),
        sheet_name="选民登记",
        title=(
            f"{region.display_name}选民登记表（第1、2行为说明和表头，从第3行起每人一行；"
            f"{how}带下拉列表的列只能从列表中选择；不要合并单元格）"
        ),
        rows=ROLL.limits.max_rows,
        choices=choices,
    )


_VILLAGE_CODES = {
    Category.HUKOU_RESIDENT,
    Category.HUKOU_ABSENT,
    Category.INCOMER_ONE_YEAR,
    Category.INCOMER_OR_WORKER,
}
