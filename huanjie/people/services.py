"""Write services for people. The ID number is encrypted, hashed for lookups and masked here,
once, so no other path stores it (SECURITY.md D2/D3)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone

from huanjie.accounts.permissions import in_scope
from huanjie.audit.services import audit_record
from huanjie.lib import idcard
from huanjie.lib.bulk import copy_rows
from huanjie.lib.crypto import encrypt_field, lookup_hash
from huanjie.lib.names import name_problem, normalize_name
from huanjie.people.locks import people_lock
from huanjie.people.models import Person, PersonStatusChange, Sex

ID_PURPOSE = "person.id_number"


@dataclass(frozen=True)
class PersonIn:
    id_number: str
    name: str
    sex: str
    birth_date: date
    ethnicity: str
    region_code: str
    group_name: str = ""
    household_no: str = ""


def person_row(p: PersonIn) -> Person:
    normalized = idcard.normalize(p.id_number)
    return Person(
        id_cipher=encrypt_field(normalized, ID_PURPOSE),
        id_hash=lookup_hash(normalized),
        id_masked=idcard.mask(normalized),
        name=normalize_name(p.name),  # every path stores the standard ·
        sex=p.sex,
        birth_date=p.birth_date,
        ethnicity=p.ethnicity,
        region_id=p.region_code,
        group_name=p.group_name,
        household_no=p.household_no,
    )


_COLUMNS = (
    "id_cipher",
    "id_hash",
    "id_masked",
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "region_id",
    "group_name",
    "household_no",
    "created_at",
)


def _existing_hashes(hashes: list[str], chunk: int = 900) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(hashes), chunk):
        found.update(
            Person.objects.filter(id_hash__in=hashes[i : i + chunk]).values_list(
                "id_hash", flat=True
            )
        )
    return found


def _insert_rows(rows: list[tuple[Any, ...]]) -> None:
    copy_rows(Person._meta.db_table, _COLUMNS, rows)


def people_bulk_create(*, actor: object | None, people: Iterable[PersonIn], source: str) -> int:
    """Insert people whose ID numbers are already checked (the demo generator; a later issue's
    import checks every row before it calls this). A person already present is kept as is and
    counted. One audit event for the batch, with the counts."""
    now = timezone.now()
    rows: dict[str, tuple[Any, ...]] = {}
    for p in people:
        r = person_row(p)
        rows.setdefault(
            r.id_hash,
            (
                r.id_cipher,
                r.id_hash,
                r.id_masked,
                r.name,
                r.sex,
                r.birth_date,
                r.ethnicity,
                r.region_id,
                r.group_name,
                r.household_no,
                now,
            ),
        )
    with transaction.atomic():
        existing = _existing_hashes(list(rows))
        new = [row for h, row in rows.items() if h not in existing]
        _insert_rows(new)
        audit_record(
            actor=actor,
            action="people.bulk_create",
            object_type="people.person",
            changes={
                "source": source,
                "created": len(new),
                "skipped_existing": len(rows) - len(new),
            },
        )
    return len(new)


MSG_NAME_MISMATCH = "身份证号{masked}已登记为“{existing}”，与填写的姓名“{name}”不符，请核对"
# A person outside the user's region: the recorded name is theirs to see, not this user's.
MSG_NAME_MISMATCH_ELSEWHERE = "身份证号{masked}在人员库中登记的姓名与填写的姓名“{name}”不符，请核对"
MSG_BIRTH_MISMATCH = "出生日期{stated:%Y-%m-%d}与身份证号中的{id_birth:%Y-%m-%d}不符"
MSG_NAME_REQUIRED = "人员库中没有此身份证号，请填写姓名"
MSG_SEX_UNKNOWN = "性别“{sex}”不在规定之列"


def person_find_or_create(
    *,
    actor: Any,
    id_number: str,
    name: str,
    region_code: str,
    source: str,
    sex: str = "",
    birth_date: date | None = None,
) -> Person:
    """The person with this ID number, found by its keyed hash, or a new person registered in
    `region_code` (a village-level code, the 户籍地). The one path by which a single person is
    added (the party roll, a registration by hand); bulk files go through the import.

    The number is checked (check digit, date, the stated sex); a known number under another name
    is refused for a person to decide, never silently renamed (names are compared normalised:
    阿依古丽•买买提 is 阿依古丽·买买提). A new person's name must pass ``name_problem``. Sex
    and birth date default to what the number encodes. Call inside transaction.atomic()."""
    if sex and sex not in Sex.values:
        raise ValidationError(MSG_SEX_UNKNOWN.format(sex=sex))
    # The stated sex by its Chinese name, so a mismatch reads "与登记的性别“女”不符".
    checked = idcard.check(id_number, sex=Sex(sex).label if sex else None)
    if not checked.ok:
        raise ValidationError([p.message for p in checked.problems])
    normalized = checked.normalized
    masked = idcard.mask(normalized)
    name = normalize_name(name)
    # Before the lookup: a roll import creating the same person commits first and is found
    # here, instead of both inserting it (村民委员会组织法 第十三条 / SECURITY.md V3).
    people_lock()
    person = Person.objects.filter(id_hash=lookup_hash(normalized)).first()
    if person is not None:
        if name and normalize_name(person.name) != name:
            if actor is not None and in_scope(actor, person.region_id):
                raise ValidationError(
                    MSG_NAME_MISMATCH.format(masked=masked, existing=person.name, name=name)
                )
            raise ValidationError(MSG_NAME_MISMATCH_ELSEWHERE.format(masked=masked, name=name))
        return person
    if not name:
        raise ValidationError(MSG_NAME_REQUIRED)
    if problem := name_problem(name):
        raise ValidationError(problem)
    id_birth = checked.birth_date
    assert id_birth is not None and checked.sex is not None  # an ok check has read both
    if birth_date is not None and birth_date != id_birth:
        raise ValidationError(MSG_BIRTH_MISMATCH.format(stated=birth_date, id_birth=id_birth))
    person = person_row(
        PersonIn(
            id_number=normalized,
            name=name,
            sex=sex or checked.sex,
            birth_date=id_birth,
            ethnicity="01",
            region_code=region_code,
        )
    )
    with transaction.atomic():
        person.save(force_insert=True)
        audit_record(
            actor=actor,
            action="people.create",
            obj=person,
            changes={"id_masked": masked, "region": region_code, "source": source},
        )
    return person


# What an erased person's name reads on the pages that still count them (SECURITY.md P7).
ERASED_NAME = "（已删除）"
ERASED_HASH_PREFIX = "erased:"  # never a lookup hash (64 hex digits): no number matches it


def people_erase(*, people: QuerySet[Person], today: date) -> int:
    """Erase `people` (SECURITY.md P7; call inside the purge's transaction): the ID's
    ciphertext goes, so no key decrypts it any more; the lookup hash goes too (keyed, it cannot
    be reversed, but whoever holds the key could still test a known number against it, and a
    new registration must not find this row again: PIPL 第十九条、第四十七条); the name, the mask,
    the household and group, and the day of birth (the year stays) go. The row stays, with sex,
    ethnicity, birth year and 户籍 village, because the purged campaigns' registrations point to
    it and their counts by village and sex still add up. A running deprivation of political
    rights keeps the person whole: the next roll must still refuse them (刑法 第五十四条). The
    history of their status changes loses its basis text. Returns how many were erased."""
    deprived = Q(rights_deprived_from__isnull=False) & (
        Q(rights_deprived_until__isnull=True) | Q(rights_deprived_until__gte=today)
    )
    targets = people.filter(erased_on__isnull=True).exclude(deprived)
    PersonStatusChange.objects.filter(person__in=targets).update(source="")
    return Person.objects.filter(pk__in=targets.values("pk")).update(
        id_cipher="",
        id_hash=Concat(Value(ERASED_HASH_PREFIX), Cast("pk", output_field=CharField())),
        id_masked="",
        name=ERASED_NAME,
        birth_date=TruncYear("birth_date"),
        group_name="",
        household_no="",
        rights_deprived_from=None,
        rights_deprived_until=None,
        erased_on=today,
    )
