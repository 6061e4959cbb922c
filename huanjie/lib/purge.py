"""One step of the retention purge (SECURITY.md P7) for tables that keep their rows — the
ledgers count them — and lose what names or describes a person: each listed text field that
holds something becomes `placeholder` (so a page still shows that something was written and
removed), or "" where a placeholder would not fit (a phone, a coded value); a listed number or
date becomes NULL. One UPDATE per table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Case, Q, QuerySet, Value, When


def _blanked(field: models.Field[Any, Any], placeholder: str) -> Any:
    if isinstance(field, models.CharField | models.TextField):
        fits = not field.choices and (field.max_length or len(placeholder)) >= len(placeholder)
        if not fits:
            return Value("")
        return Case(
            When(~Q(**{field.name: ""}), then=Value(placeholder)),
            default=Value(""),
            output_field=field,
        )
    if field.null:
        return Value(None, output_field=field)
    raise ValueError(f"{field.model.__name__}.{field.name} cannot be blanked")


def blank_fields(rows: QuerySet[Any], names: Iterable[str], placeholder: str) -> int:
    """Blank the fields `names` of `rows`; the number of rows."""
    meta = rows.model._meta
    return rows.update(**{n: _blanked(meta.get_field(n), placeholder) for n in names})
