"""Write services for people. The ID number is encrypted, hashed for lookups and masked here,
once, so no other path stores it (SECURITY.md D2/D3)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from huanjie.audit.services import audit_record
from huanjie.lib import idcard
from huanjie.lib.crypto import encrypt_field, lookup_hash
from huanjie.people.models import Person

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
        name=p.name,
        sex=p.sex,
        birth_date=p.birth_date,
        ethnicity=p.ethnicity,
        region_id=p.region_code,
        group_name=p.group_name,
        household_no=p.household_no,
    )


def people_bulk_create(*, actor: object | None, people: Iterable[PersonIn], source: str) -> int:
    """Insert people whose ID numbers are already checked (the demo generator; a later issue's
    import checks every row before it calls this). A person already present is kept as is.
    One audit event for the batch, with the count."""
    rows = [person_row(p) for p in people]
    with transaction.atomic():
        existing = set(
            Person.objects.filter(id_hash__in=[r.id_hash for r in rows]).values_list("id_hash", flat=True)
        ) if len(rows) <= 5000 else set(Person.objects.values_list("id_hash", flat=True))
        new = [r for r in rows if r.id_hash not in existing]
        Person.objects.bulk_create(new, batch_size=2000)
        audit_record(
            actor=actor, action="people.bulk_create", object_type="people.person",
            changes={"source": source, "created": len(new), "skipped_existing": len(rows) - len(new)},
        )
    return len(new)
