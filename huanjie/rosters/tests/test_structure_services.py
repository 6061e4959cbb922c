"""The structure checks' services: a campaign's settings (county only, validated, audited) and
a village's close relatives (recorded and removed by the town or county, people of the village
only, masked in the audit log)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED, flush_denied
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.regions.models import Region
from huanjie.rosters.models import Kinship, StructureRules
from huanjie.rosters.services.structure import (
    MSG_DUPLICATE,
    MSG_KIN_NOT_ALLOWED,
    MSG_PERSON,
    MSG_RULES_NOT_ALLOWED,
    MSG_SAME,
    kinship_record,
    kinship_remove,
    structure_rules_set,
)
from huanjie.rosters.tests.structure_world import person, structure_world
from huanjie.rules.structure import Settings

pytestmark = pytest.mark.django_db


def _denied() -> int:
    flush_denied()
    return AuditEvent.objects.filter(action=ACCESS_DENIED).count()


def test_the_county_sets_its_campaigns_rules(cast, campaign) -> None:
    rules = structure_rules_set(
        actor=cast.county_officer, campaign=campaign, values={"villagers_min": 5, "cadres_max": 6}
    )
    # Stored complete, so a later change of a default leaves the campaign's rules as set.
    assert rules.values == {**Settings().as_values(), "villagers_min": 5, "cadres_max": 6}
    event = AuditEvent.objects.filter(action="roster.structure_rules").latest("id")
    assert event.changes == {"campaign": campaign.pk, "villagers_min": [3, 5], "cadres_max": [7, 6]}
    # A second setting changes the same row.
    structure_rules_set(actor=cast.county_officer, campaign=campaign, values={})
    assert StructureRules.objects.get(campaign=campaign).values == Settings().as_values()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"young_heads_share": 101}, "35岁以下主要负责人比例（%）：须为0至100之间的整数"),
        ({"villagers_max": 9}, "村民委员会成员至多：须为3至7之间的整数"),
        ({"cadres_usual_max": 8}, "村干部常设职数上限（8）不能大于村干部职数上限（7）"),
        ({"young_age": 200}, "年轻干部年龄（含本数）：须为18至60之间的整数"),
        ({"dual_role_share": "50"}, "一肩挑的村比例目标（%）：须为0至100之间的整数"),
        ({"nonsense": 1}, "未知的设置项“nonsense”"),
    ],
)
def test_bad_settings_are_refused_by_name(cast, campaign, values, message) -> None:
    with pytest.raises(ValidationError) as exc:
        structure_rules_set(actor=cast.county_officer, campaign=campaign, values=values)
    assert exc.value.messages == [message]
    assert not StructureRules.objects.exists()


def test_a_town_or_another_county_may_not_set_them(cast, campaign) -> None:
    for actor in (cast.town_officer, cast.other_county_officer, cast.inspector):
        before = _denied()
        with pytest.raises(ValidationError) as exc:
            structure_rules_set(actor=actor, campaign=campaign, values={})
        assert exc.value.messages == [MSG_RULES_NOT_ALLOWED]
        assert _denied() == before + 1
    assert not StructureRules.objects.exists()


def test_the_town_records_and_removes_a_kinship(cast, campaign) -> None:
    w = structure_world(campaign)
    village = Region.objects.get(code=VILLAGE)
    row = kinship_record(
        actor=cast.town_officer,
        village=village,
        person_a=w.people["韩军"],
        person_b=w.people["李华"],
        relation="spouse",
        note="  候选人申报  ",
    )
    # Kept as an ordered pair, whoever was named first.
    assert row.person_a_id < row.person_b_id and row.note == "候选人申报"
    event = AuditEvent.objects.filter(action="roster.kinship_record").latest("id")
    text = str(event.changes)
    assert w.numbers["韩军"] not in text and w.people["韩军"].id_masked in text
    assert event.changes["relation"] == "配偶"
    with pytest.raises(ValidationError) as exc:
        kinship_record(
            actor=cast.county_officer,
            village=village,
            person_a=w.people["李华"],
            person_b=w.people["韩军"],
            relation="siblings",
        )
    assert exc.value.messages == [MSG_DUPLICATE.format(a=row.person_a.name, b=row.person_b.name)]
    kinship_remove(actor=cast.town_officer, kinship=row)
    assert not Kinship.objects.exists()
    assert AuditEvent.objects.filter(action="roster.kinship_remove").count() == 1


def test_people_outside_the_village_answer_like_nobody(cast, campaign) -> None:
    w = structure_world(campaign)
    village = Region.objects.get(code=VILLAGE)
    # 孙甲 is on 城关村's roster (another town): out of the town officer's scope; refused as
    # unknown, and the refused access logged.
    before = _denied()
    with pytest.raises(ValidationError) as exc:
        kinship_record(
            actor=cast.town_officer,
            village=village,
            person_a=w.people["韩军"],
            person_b=w.people["孙甲"],
            relation="spouse",
        )
    assert exc.value.messages == [MSG_PERSON]
    assert _denied() == before + 1
    # In scope but of another village: the same answer, no refused access.
    elsewhere, _ = person("王某", "630121100207", "F")
    with pytest.raises(ValidationError) as exc:
        kinship_record(
            actor=cast.town_officer,
            village=village,
            person_a=w.people["韩军"],
            person_b=elsewhere,
            relation="spouse",
        )
    assert exc.value.messages == [MSG_PERSON]
    with pytest.raises(ValidationError) as exc:
        kinship_record(
            actor=cast.town_officer,
            village=village,
            person_a=w.people["韩军"],
            person_b=w.people["韩军"],
            relation="spouse",
        )
    assert exc.value.messages == [MSG_SAME]
    with pytest.raises(ValidationError):
        kinship_record(
            actor=cast.town_officer,
            village=village,
            person_a=w.people["韩军"],
            person_b=w.people["李华"],
            relation="cousin",
        )
    assert not Kinship.objects.exists()


def test_kin_of_another_town_is_refused(cast, campaign) -> None:
    a, _ = person("东一", OTHER_TOWN_VILLAGE, "M")
    b, _ = person("东二", OTHER_TOWN_VILLAGE, "F")
    other = Region.objects.get(code=OTHER_TOWN_VILLAGE)
    for actor in (cast.town_officer, cast.inspector, cast.village_clerk):
        before = _denied()
        with pytest.raises(ValidationError) as exc:
            kinship_record(actor=actor, village=other, person_a=a, person_b=b, relation="spouse")
        assert exc.value.messages == [MSG_KIN_NOT_ALLOWED]
        assert _denied() == before + 1
    row = kinship_record(
        actor=cast.county_officer, village=other, person_a=a, person_b=b, relation="spouse"
    )
    with pytest.raises(ValidationError):
        kinship_remove(actor=cast.town_officer, kinship=row)
    assert Kinship.objects.filter(pk=row.pk).exists()


def test_a_recorded_kinship_shows_in_the_checks(cast, campaign) -> None:
    from huanjie.rosters.structure import structure_findings

    w = structure_world(campaign)
    village = Region.objects.get(code=VILLAGE)
    kinship_record(
        actor=cast.town_officer,
        village=village,
        person_a=w.people["祁玉兰"],
        person_b=w.people["李华"],
        relation="spouse",
    )
    [found] = structure_findings(village, 12).villages
    assert [f.message for f in found.findings if f.code == "kin_supervision"] == [
        "祁玉兰（村民委员会妇女委员）与李华（村务监督委员会主任）为近亲属（配偶）"
    ]
