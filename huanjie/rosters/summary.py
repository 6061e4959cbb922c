"""The summary tables of the statistics report (models.VillageSummary, VillageEthnicity): one
row per (term, village) with the counts the report sums (rosters.report_sql says what each
counts), so a province's report reads ~100,000 rows, not the million rows of its rosters.

Every write of the roster refreshes the (term, village) pairs it touched, in its own
transaction (call these inside it): the import writer (rosters.imports), a certified result
(services.results), a by-election (services.by_election), a recall (services.recall), a
cadre's details (services.cadres), a term's reference date (services.terms: all its villages),
the care of a departed cadre (services.care) and a reserve cadre added or taken out
(services.reserve: every term of the village).
A refresh deletes the pairs' rows and inserts them again, set-based, from the counted Cadre
rows. Refreshing term N of a village refreshes term N+1 of it too: its new heads and its
departed are counted against N.

`huanjie rosters_summaries` (and migration 0004) rebuild everything: `summaries_rebuild()`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Final

from django.db import connection, transaction

from huanjie.rosters import report_sql
from huanjie.rosters.models import Term

# A refresh of more villages than this names none: it recounts the whole term (an import of a
# county, a reference date), which is no slower and keeps the statement's parameters few.
_MANY_VILLAGES: Final = 500


def summary_refresh(*, term: Term, village_codes: Iterable[str] | None = None) -> None:
    """Recount the summaries of `term` for `village_codes` (None: every village of the term),
    and of term N+1 of the same county for the same villages, when it exists."""
    codes = None if village_codes is None else sorted(set(village_codes))
    if codes is not None and not codes:
        return
    if codes is not None and len(codes) > _MANY_VILLAGES:
        codes = None
    terms = [term.pk]
    following = (
        Term.objects.filter(county_id=term.county_id, number=term.number + 1)
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        terms.append(following)
    with transaction.atomic():
        for term_id in terms:
            _refresh(term_id, codes)


def summaries_refresh(pairs: Iterable[tuple[int, str]]) -> None:
    """Recount the summaries of the (term id, village code) pairs (see summary_refresh)."""
    by_term: dict[int, set[str]] = defaultdict(set)
    for term_id, code in pairs:
        by_term[term_id].add(code)
    for term in Term.objects.filter(pk__in=by_term).order_by("pk"):
        summary_refresh(term=term, village_codes=by_term[term.pk])


def summaries_refresh_village(code: str) -> None:
    """Recount the summaries of every term of the village `code` (a reserve cadre added or
    taken out: whether they entered a term's roster)."""
    with transaction.atomic():
        for term_id in Term.objects.filter(county_id=code[:6]).values_list("pk", flat=True):
            _refresh(term_id, [code])


def summaries_rebuild() -> int:
    """Recount every summary of every term (operations, the migration): the number of
    (term, village) rows made."""
    with transaction.atomic(), connection.cursor() as cursor:
        report_sql.tune(cursor)
        cursor.execute(f"DELETE FROM {report_sql.ETHNICITY}")
        cursor.execute(f"DELETE FROM {report_sql.SUMMARY}")
        _insert(cursor, "1 = 1", [])
        cursor.execute(f"SELECT COUNT(*) FROM {report_sql.SUMMARY}")
        return int(cursor.fetchone()[0])


def _refresh(term_id: int, codes: Sequence[str] | None) -> None:
    selection = "c.term_id = %s"
    params: list[int | str] = [term_id]
    delete = "term_id = %s"
    if codes is not None:
        marks = report_sql.placeholders(codes)
        selection += f" AND c.village_id IN ({marks})"
        delete += f" AND village_id IN ({marks})"
        params += codes
    with connection.cursor() as cursor:
        report_sql.tune(cursor)
        cursor.execute(f"DELETE FROM {report_sql.ETHNICITY} WHERE {delete}", params)
        cursor.execute(f"DELETE FROM {report_sql.SUMMARY} WHERE {delete}", params)
        _insert(cursor, selection, params)


def _insert(cursor: object, selection: str, params: Sequence[int | str]) -> None:
    columns = ", ".join(report_sql.SUMMARY_COLUMNS)
    counts = report_sql.village_counts_sql(
        selection, f"INSERT INTO {report_sql.SUMMARY} (term_id, village_id, {columns})"
    )
    ethnicities = report_sql.village_ethnicity_sql(
        selection,
        f"INSERT INTO {report_sql.ETHNICITY} (term_id, village_id, ethnicity, cadres)",
    )
    cursor.execute(counts, list(params))  # type: ignore[attr-defined]
    cursor.execute(ethnicities, list(params))  # type: ignore[attr-defined]
