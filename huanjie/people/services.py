"""Write services for people. The ID number is encrypted, hashed for lookups and masked here,
once, so no other path stores it (SECURITY.md D2/D3)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from huanjie.audit.services import audit_record
from huanjie.lib import idcard
from huanjie.lib.bulk import copy_rows
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
