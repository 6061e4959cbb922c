"""The structure checks' writes: a campaign's settings (county), and the close relatives a
town records of a village's people (近亲属, 民法典 第一千零四十五条) for the checks of
近亲属回避 (村民委员会组织法(2025) 第八条, 第三十七条)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rosters.models import Cadre, Kinship, Relation, StructureRules
from huanjie.rosters.services.common import check_roster
from huanjie.rules.structure import Settings, SettingsError

if TYPE_CHECKING:
    from huanjie.accounts.models import User

MSG_RULES_NOT_ALLOWED: Final = "无权设置该换届的班子结构要求"
MSG_KIN_NOT_ALLOWED: Final = "无权登记该村(社区)的近亲属关系"
MSG_NOT_VILLAGE: Final = "“{name}”不是村(社区)"
MSG_PERSON: Final = "所选人员不存在或不属于本村(社区)"
MSG_SAME: Final = "两人不能是同一人"
MSG_RELATION: Final = "关系：请选择配偶、父母子女、兄弟姐妹或祖父母、外祖父母与孙子女、外孙子女"
MSG_NOTE: Final = "说明：不能超过{most}个字"
MSG_DUPLICATE: Final = "{a}与{b}的近亲属关系已登记"
MSG_VALUES: Final = "班子结构要求的格式不正确"
LONGEST_NOTE: Final = 200


def structure_rules_set(
    *, actor: User, campaign: Campaign, values: dict[str, Any]
) -> StructureRules:
    """Set what `campaign` requires of its villages' bodies (MANAGE_CAMPAIGNS over the
    campaign's county). Every value is checked by the engine (shares 0 to 100, sizes ordered
    and committees within the law, ages sensible); missing keys take the defaults. The stored
    values are complete, so a later change of a default does not change a campaign's rules."""
    if not can(actor, Action.MANAGE_CAMPAIGNS) or not in_scope(actor, campaign.region_id):
        audit_denied(actor, Action.MANAGE_CAMPAIGNS, obj=campaign)
        raise ValidationError(MSG_RULES_NOT_ALLOWED)
    if not isinstance(values, dict):
        raise ValidationError(MSG_VALUES)
    try:
        settings = Settings.from_values(values)
    except SettingsError as exc:
        raise ValidationError(list(exc.messages)) from None
    new = settings.as_values()
    with transaction.atomic():
        rules = StructureRules.objects.select_for_update().filter(campaign=campaign).first()
        before = dict(rules.values) if rules is not None else Settings().as_values()
        if rules is None:
            rules = StructureRules.objects.create(campaign=campaign, values=new, updated_by=actor)
        else:
            rules.values = new
            rules.updated_by = actor
            rules.save(update_fields=["values", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="roster.structure_rules",
            obj=rules,
            changes={
                "campaign": campaign.pk,
                **{k: [before.get(k), v] for k, v in new.items() if before.get(k) != v},
            },
        )
    return rules


def _check_kin(actor: User, village: Region, obj: Any) -> None:
    check_roster(actor, village.code, obj, MSG_KIN_NOT_ALLOWED)


def _person_of_village(actor: User, village: Region, person: Person | None) -> Person:
    """`person`, when they are on the village's roster (any term) or registered there; anyone
    else answers like a person who does not exist (and is a refused access when out of the
    actor's scope: SECURITY.md C3, L1)."""
    if person is None or not Person.objects.filter(pk=person.pk).exists():
        raise ValidationError(MSG_PERSON)
    on_roster = Cadre.objects.filter(village=village, person=person).exists()
    if on_roster or person.region_id == village.code:
        return person
    if not in_scope(actor, person.region_id or ""):
        audit_denied(actor, Action.MANAGE_ROSTER, obj=person)
    raise ValidationError(MSG_PERSON)


def kinship_record(
    *,
    actor: User,
    village: Region,
    person_a: Person,
    person_b: Person,
    relation: str,
    note: str = "",
) -> Kinship:
    """Record that two people of `village` are close relatives (MANAGE_ROSTER over the
    village). Both must be on the village's roster or registered in it."""
    _check_kin(actor, village, village)
    if not village.is_village_level:
        raise ValidationError(MSG_NOT_VILLAGE.format(name=village.display_name))
    a = _person_of_village(actor, village, person_a)
    b = _person_of_village(actor, village, person_b)
    if a.pk == b.pk:
        raise ValidationError(MSG_SAME)
    if relation not in Relation.values:
        raise ValidationError(MSG_RELATION)
    note = (note or "").strip()
    if len(note) > LONGEST_NOTE:
        raise ValidationError(MSG_NOTE.format(most=LONGEST_NOTE))
    if a.pk > b.pk:
        a, b = b, a
    if Kinship.objects.filter(person_a=a, person_b=b).exists():
        raise ValidationError(MSG_DUPLICATE.format(a=a.name, b=b.name))
    try:
        with transaction.atomic():
            kinship = Kinship.objects.create(
                village=village,
                person_a=a,
                person_b=b,
                relation=relation,
                note=note,
                recorded_by=actor,
            )
            audit_record(
                actor=actor,
                action="roster.kinship_record",
                obj=kinship,
                changes=_kin_changes(kinship),
            )
    except IntegrityError:  # recorded at the same moment by another officer
        raise ValidationError(MSG_DUPLICATE.format(a=a.name, b=b.name)) from None
    return kinship


def kinship_remove(*, actor: User, kinship: Kinship) -> None:
    """Remove a recorded kinship (recorded in error) (MANAGE_ROSTER over its village)."""
    _check_kin(actor, kinship.village, kinship)
    with transaction.atomic():
        changes = _kin_changes(kinship)
        audit_record(actor=actor, action="roster.kinship_remove", obj=kinship, changes=changes)
        Kinship.objects.filter(pk=kinship.pk).delete()


def _kin_changes(kinship: Kinship) -> dict[str, Any]:
    # Masked ID numbers only (SECURITY.md L3).
    return {
        "village": kinship.village_id,
        "person_a": f"{kinship.person_a.name}（{kinship.person_a.id_masked}）",
        "person_b": f"{kinship.person_b.name}（{kinship.person_b.id_masked}）",
        "relation": kinship.get_relation_display(),
        "note": kinship.note,
    }
