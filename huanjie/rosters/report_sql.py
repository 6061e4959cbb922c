"""The statistics report's counting: set-based SQL valid on SQLite and PostgreSQL alike (CASE
inside SUM, SUBSTR, COALESCE; no FILTER, no bool_or).

The counting is in two stages (design, issue 13, "Performance"):

1. Per (term, village), from the counted Cadre rows: `village_counts_sql` and
   `village_ethnicity_sql` make the rows of the summary tables (models.VillageSummary,
   VillageEthnicity); rosters.summary stores them whenever a roster changes. In three steps:
   - `p`: one row per (term, village, person) (a row without a person is its own person), with
     what the person is in that term: a cadre (村干部: on the party organisation, the villagers'
     or residents' committee or the cooperative), their age, sex, education, ethnicity, Party
     membership, tags, and which bodies and head posts they hold;
   - `vv`: one row per (term, village): the sums of its people's flags, whether it has a roster,
     whether one person is both secretary and director (一肩挑);
   - beside them, per (term, village), the new heads (against the village's term N−1) and the
     departed (people of N−1 on the cadre bodies not on N: rosters.care's definition).
2. Per (term, child) for the report, the child being the village code's first `child_length`
   digits (a village code IS its region code: no join to regions): the sums of the summary rows
   (`count_terms`), at most one row per village and term.

Each child is a set of whole villages, so each child's figures are sums over its own villages'
rows, and the scope's are the sums over the children.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from django.db import connection, transaction

from huanjie.rosters.counting import counted_sql
from huanjie.rosters.models import (
    Cadre,
    DepartureCare,
    ReserveCadre,
    Term,
    VillageEthnicity,
    VillageSummary,
)

CADRE = Cadre._meta.db_table
TERM = Term._meta.db_table
CARE = DepartureCare._meta.db_table
RESERVE = ReserveCadre._meta.db_table
SUMMARY = VillageSummary._meta.db_table
ETHNICITY = VillageEthnicity._meta.db_table

# 村干部 (design, "Definitions"): the bodies whose members are the village's cadres; the
# supervision committee and the cooperative's supervisory board are on the roster, not cadres.
# (RosterBody values; the heads are Post.SECRETARY of the party organisation and Post.DIRECTOR
# of the committee; the cooperative's 社长 is its Post.DIRECTOR.)
_CADRE_BODIES: Final = "('party', 'villagers', 'residents', 'cooperative')"
_COMMITTEES: Final = "('villagers', 'residents')"


COUNTED: Final = counted_sql()

# The (term, village) pairs to count: `scope(term_id, n, v)`, n the term's number: every pair
# with a Cadre row, counted or not ("a village with a term-N roster has any row of term N":
# rosters.care). `{selection}` filters the rows `c`.
_SCOPE: Final = f"""
    SELECT DISTINCT c.term_id AS term_id, c.term_number AS n, c.village_id AS v
    FROM {CADRE} c WHERE {{selection}}
"""

# Step 1: what a person is in a village in a term. A person's rows of a term agree on their
# details (rosters.services.cadres changes them together); where they do not, the greatest
# code is taken and a flag counts when any row has it.
_PERSON: Final = f"""
    SELECT c.term_id AS term_id, a.n AS n, c.village_id AS v, COALESCE(c.person_id, -c.id) AS who,
        MAX(CASE WHEN c.body IN {_CADRE_BODIES} THEN 1 ELSE 0 END) AS cadre,
        MAX(c.age) AS age,
        MAX(CASE WHEN c.sex = 'F' THEN 1 ELSE 0 END) AS woman,
        COALESCE(MAX(c.education), '') AS edu,
        COALESCE(MAX(c.ethnicity), '') AS eth,
        MAX(CASE WHEN c.political_status IN ('01', '02') THEN 1 ELSE 0 END) AS party,
        MAX(CASE WHEN c.tag_college_official THEN 1 ELSE 0 END) AS college,
        MAX(CASE WHEN c.tag_veteran THEN 1 ELSE 0 END) AS veteran,
        MAX(CASE WHEN c.tag_entrepreneur THEN 1 ELSE 0 END) AS entrepreneur,
        MAX(CASE WHEN c.tag_grower THEN 1 ELSE 0 END) AS grower,
        MAX(CASE WHEN c.tag_returnee THEN 1 ELSE 0 END) AS returnee,
        MAX(CASE WHEN c.body = 'party' THEN 1 ELSE 0 END) AS in_party,
        MAX(CASE WHEN c.body IN {_COMMITTEES} THEN 1 ELSE 0 END) AS in_committee,
        MAX(CASE WHEN c.body = 'cooperative' THEN 1 ELSE 0 END) AS in_coop,
        MAX(CASE WHEN c.body = 'party' AND c.post = 'secretary' THEN 1 ELSE 0 END) AS secretary,
        MAX(CASE WHEN c.body IN {_COMMITTEES} AND c.post = 'director' THEN 1 ELSE 0 END)
            AS director,
        MAX(CASE WHEN c.body = 'cooperative' AND c.post = 'director' THEN 1 ELSE 0 END)
            AS coop_head,
        MAX(CASE WHEN c.body = 'supervision' AND c.post = 'director' THEN 1 ELSE 0 END)
            AS supervision_director
    FROM scope a
        JOIN {CADRE} c ON c.term_id = a.term_id AND c.village_id = a.v
        JOIN {TERM} r ON r.id = c.term_id
    WHERE {COUNTED}
    GROUP BY c.term_id, a.n, c.village_id, COALESCE(c.person_id, -c.id)
"""

_HIGH_SCHOOL_UP: Final = "('10', '20', '30', '40', '60')"  # GB/T 4658: 研究生 … 高中、中专
_KNOWN_EDUCATION: Final = "('10', '20', '30', '40', '60', '70', '80', '90')"
_BODIES_HELD: Final = "(in_party + in_committee + in_coop)"

# Step 2: per village, the number of its people (cadres unless said) with each condition.
PERSON_COUNTS: Final = {
    "cadres": "cadre = 1",
    "tag_college_official": "cadre = 1 AND college = 1",
    "young": "cadre = 1 AND age <= 35",  # 35岁以下 includes 35 (刑法 第九十九条)
    "age_36_45": "cadre = 1 AND age BETWEEN 36 AND 45",
    "age_46_55": "cadre = 1 AND age BETWEEN 46 AND 55",
    "age_over_55": "cadre = 1 AND age >= 56",
    "age_unknown": "cadre = 1 AND age IS NULL",
    "aged": "cadre = 1 AND age IS NOT NULL",
    "edu_high_school_up": f"cadre = 1 AND edu IN {_HIGH_SCHOOL_UP}",
    "edu_college_up": "cadre = 1 AND edu IN ('10', '20', '30')",
    "edu_postgraduate": "cadre = 1 AND edu = '10'",
    "edu_undergraduate": "cadre = 1 AND edu = '20'",
    "edu_college": "cadre = 1 AND edu = '30'",
    "edu_secondary": "cadre = 1 AND edu IN ('40', '60')",
    "edu_junior_or_below": "cadre = 1 AND edu IN ('70', '80', '90')",
    "edu_unknown": f"cadre = 1 AND edu NOT IN {_KNOWN_EDUCATION}",
    "women": "cadre = 1 AND woman = 1",
    "minority": "cadre = 1 AND eth NOT IN ('', '01')",
    "party_members": "cadre = 1 AND party = 1",
    "heads": "secretary = 1 OR director = 1",
    "young_heads": "(secretary = 1 OR director = 1) AND age <= 35",
    "secretaries": "secretary = 1",
    "secretary_coop_head": "secretary = 1 AND coop_head = 1",
    "supervision_directors": "supervision_director = 1",
    "supervision_chairs_in_party": "supervision_director = 1 AND in_party = 1",
    "directors": "director = 1",
    "party_directors": "director = 1 AND party = 1",
    "committee_members": "in_committee = 1",
    "party_committee_members": "in_committee = 1 AND party = 1",
    "tag_veteran": "cadre = 1 AND veteran = 1",
    "tag_entrepreneur": "cadre = 1 AND entrepreneur = 1",
    "tag_grower": "cadre = 1 AND grower = 1",
    "tag_returnee": "cadre = 1 AND returnee = 1",
}
# Sums that are not head counts.
PERSON_SUMS: Final = {
    "age_total": "CASE WHEN cadre = 1 AND age IS NOT NULL THEN age ELSE 0 END",
    # 交叉任职人次 (design): for each person on more than one of the party organisation, the
    # villagers'|residents' committee and the cooperative, the number of those bodies − 1.
    "cross_appointments": (f"CASE WHEN {_BODIES_HELD} > 1 THEN {_BODIES_HELD} - 1 ELSE 0 END"),
}
# Per village: has a roster (a cadre of the term); one person is both secretary and director.
VILLAGE_FLAGS: Final = {
    "villages": "MAX(cadre)",
    "dual_role_villages": "MAX(secretary * director)",
}
COLUMNS: Final = (*VILLAGE_FLAGS, *PERSON_COUNTS, *PERSON_SUMS)
# Against the village's term N−1: its heads who were not its heads there (all of them when it
# has no roster of N−1: the report shows None where the section has none), and who left.
NEW_HEADS: Final = ("new_secretaries", "new_directors")
DEPARTED: Final = ("departed", "departed_placed", "departure_payments")
SUMMARY_COLUMNS: Final = (*COLUMNS, *NEW_HEADS, *DEPARTED, "reserve_elected")

# The village's counted heads of term N−1, per person.
_PREVIOUS_HEADS: Final = f"""
    SELECT s.n + 1 AS n, c.village_id AS v, COALESCE(c.person_id, -c.id) AS who,
        MAX(CASE WHEN c.body = 'party' THEN 1 ELSE 0 END) AS secretary,
        MAX(CASE WHEN c.body IN {_COMMITTEES} THEN 1 ELSE 0 END) AS director
    FROM (SELECT DISTINCT n - 1 AS n, v FROM scope) s
        JOIN {CADRE} c ON c.village_id = s.v AND c.term_number = s.n
        JOIN {TERM} r ON r.id = c.term_id
    WHERE {COUNTED}
        AND ((c.body = 'party' AND c.post = 'secretary')
            OR (c.body IN {_COMMITTEES} AND c.post = 'director'))
    GROUP BY s.n, c.village_id, COALESCE(c.person_id, -c.id)
"""
_NEW_HEADS: Final = """
    SELECT h.term_id AS term_id, h.v AS v,
        SUM(CASE WHEN h.secretary = 1 AND COALESCE(b.secretary, 0) = 0 THEN 1 ELSE 0 END)
            AS new_secretaries,
        SUM(CASE WHEN h.director = 1 AND COALESCE(b.director, 0) = 0 THEN 1 ELSE 0 END)
            AS new_directors
    FROM p h LEFT JOIN hp b ON b.n = h.n AND b.v = h.v AND b.who = h.who
    WHERE h.secretary = 1 OR h.director = 1
    GROUP BY h.term_id, h.v
"""
# 离任 (rosters.care): the people on the counted roster of term N−1 of the village, on the cadre
# bodies, not on its counted roster (any body) of term N; a row of N without a person stands
# for whoever of the village bears its name. One row per person (a row without a person: its
# name), with the term they left. Two NOT EXISTS on equalities: hash anti joins on PostgreSQL.
_DEPARTED_PEOPLE: Final = f"""
    SELECT s.term_id AS term_id, s.v AS v, o.term_id AS left_term, o.person_id AS person_id
    FROM scope s
        JOIN {CADRE} o ON o.village_id = s.v AND o.term_number = s.n - 1
        JOIN {TERM} ro ON ro.id = o.term_id
    WHERE {counted_sql("o", "ro")} AND o.body IN {_CADRE_BODIES}
        AND NOT EXISTS (
            SELECT 1 FROM {CADRE} c JOIN {TERM} r ON r.id = c.term_id
            WHERE c.term_id = s.term_id AND c.village_id = s.v AND c.person_id = o.person_id
                AND {COUNTED})
        AND NOT EXISTS (
            SELECT 1 FROM {CADRE} c JOIN {TERM} r ON r.id = c.term_id
            WHERE c.term_id = s.term_id AND c.village_id = s.v AND c.person_id IS NULL
                AND c.name = o.name AND {COUNTED})
    GROUP BY s.term_id, s.v, o.term_id, o.person_id,
        CASE WHEN o.person_id IS NULL THEN o.name END
"""
# … and the care recorded for them (DepartureCare of the term they left): placed elsewhere, paid
# (seed 003: "另行安排工作"; "一次性补助", "养老保险补助").
_DEPARTED: Final = f"""
    SELECT d.term_id AS term_id, d.v AS v, COUNT(*) AS departed,
        SUM(CASE WHEN k.placed THEN 1 ELSE 0 END) AS departed_placed,
        SUM(COALESCE(k.one_off_payment + k.pension_support, 0)) AS departure_payments
    FROM dp d LEFT JOIN {CARE} k
        ON k.term_id = d.left_term AND k.village_id = d.v AND k.person_id = d.person_id
    GROUP BY d.term_id, d.v
"""


# 后备干部进入新一届班子 (rosters.care): the village's reserve cadres (in the reserve) who are
# counted cadres (cadre bodies) of the village in the term; one open entry per person (models).
_RESERVE_ELECTED: Final = f"""
    SELECT p.term_id AS term_id, p.v AS v, COUNT(*) AS reserve_elected
    FROM p JOIN {RESERVE} rc ON rc.village_id = p.v AND rc.person_id = p.who
    WHERE p.cadre = 1 AND rc.status = 'reserve'
    GROUP BY p.term_id, p.v
"""


def _village_columns() -> list[str]:
    columns = [f"{sql} AS {name}" for name, sql in VILLAGE_FLAGS.items()]
    columns += [
        f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {name}" for name, cond in PERSON_COUNTS.items()
    ]
    columns += [f"SUM({sql}) AS {name}" for name, sql in PERSON_SUMS.items()]
    return columns


def village_counts_sql(selection: str, insert: str = "") -> str:
    """`WITH …` then `insert` (an INSERT INTO …, or nothing to read it) and a SELECT of
    (term_id, village_id, *SUMMARY_COLUMNS): one row per (term, village) with a Cadre row among
    the rows `c` that `selection` (SQL on alias `c`) keeps."""
    values = ", ".join(f"COALESCE(vv.{name}, 0)" for name in COLUMNS)
    new = ", ".join(f"COALESCE(nh.{name}, 0)" for name in NEW_HEADS)
    departed = ", ".join(f"COALESCE(dep.{name}, 0)" for name in DEPARTED)
    return f"""
        WITH scope AS ({_SCOPE.format(selection=selection)}),
        p AS ({_PERSON}),
        vv AS (SELECT term_id, v, {", ".join(_village_columns())} FROM p GROUP BY term_id, v),
        hp AS ({_PREVIOUS_HEADS}),
        nh AS ({_NEW_HEADS}),
        dp AS ({_DEPARTED_PEOPLE}),
        dep AS ({_DEPARTED}),
        re AS ({_RESERVE_ELECTED})
        {insert}
        SELECT s.term_id, s.v, {values}, {new}, {departed}, COALESCE(re.reserve_elected, 0)
        FROM scope s
            LEFT JOIN vv ON vv.term_id = s.term_id AND vv.v = s.v
            LEFT JOIN nh ON nh.term_id = s.term_id AND nh.v = s.v
            LEFT JOIN dep ON dep.term_id = s.term_id AND dep.v = s.v
            LEFT JOIN re ON re.term_id = s.term_id AND re.v = s.v
    """


def village_ethnicity_sql(selection: str, insert: str = "") -> str:
    """`WITH …` then `insert` and a SELECT of (term_id, village_id, ethnicity, cadres): the cadres by
    GB 3304 code ("" not filled) per (term, village), over the rows `selection` keeps."""
    return f"""
        WITH scope AS ({_SCOPE.format(selection=selection)}),
        p AS ({_PERSON})
        {insert}
        SELECT term_id, v, eth, COUNT(*) FROM p WHERE cadre = 1 GROUP BY term_id, v, eth
    """


# ---------------------------------------------------------------------------------------------
# Stage 2: the report reads the summaries.

Counts = dict[tuple[int, str], dict[str, int]]  # (term number, child) -> column -> value
Ethnicities = dict[tuple[int, str], dict[str, int]]  # (term number, child) -> code -> cadres


def placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _prefix_filter(scope_code: str, covered_by_terms: bool) -> tuple[str, list[str]]:
    """A town's villages are a part of its county's term; a county or above is its terms."""
    if covered_by_terms:
        return "", []
    return " AND s.village_id LIKE %s", [scope_code + "%"]


# PostgreSQL, for this transaction: JIT compiling the ~40 sums of a province's 100,000 summary
# rows costs more than it saves (bench/bench_report.py); the aggregates fit in memory.
_PG_SETTINGS: Final = ("SET LOCAL jit = off", "SET LOCAL work_mem = '256MB'")


def tune(cursor: Any) -> None:
    """Call inside transaction.atomic(): the settings last until its end."""
    if connection.vendor == "postgresql":
        for statement in _PG_SETTINGS:
            cursor.execute(statement)


def count_terms(
    scope_code: str, term_ids: Sequence[int], child_length: int, *, covered_by_terms: bool
) -> tuple[Counts, Ethnicities]:
    """The sums of every column of SUMMARY_COLUMNS, and the cadres by ethnicity, per (term
    number, child) over the summaries of `term_ids` in the villages under `scope_code`."""
    counts: Counts = defaultdict(lambda: dict.fromkeys(SUMMARY_COLUMNS, 0))
    ethnicities: Ethnicities = defaultdict(dict)
    if not term_ids:
        return counts, ethnicities
    prefix_sql, prefix_params = _prefix_filter(scope_code, covered_by_terms)
    child = f"SUBSTR(s.village_id, 1, {int(child_length)})"
    totals = ", ".join(f"SUM(s.{name})" for name in SUMMARY_COLUMNS)
    marks = placeholders(term_ids)
    sql = f"""
        SELECT r.number, {child}, {totals}
        FROM {SUMMARY} s JOIN {TERM} r ON r.id = s.term_id
        WHERE s.term_id IN ({marks}){prefix_sql}
        GROUP BY r.number, {child}
    """
    eth_sql = f"""
        SELECT r.number, {child}, s.ethnicity, SUM(s.cadres)
        FROM {ETHNICITY} s JOIN {TERM} r ON r.id = s.term_id
        WHERE s.term_id IN ({marks}){prefix_sql}
        GROUP BY r.number, {child}, s.ethnicity
    """
    with transaction.atomic(), connection.cursor() as cursor:
        tune(cursor)
        cursor.execute(sql, [*term_ids, *prefix_params])
        for term, code, *values in cursor.fetchall():
            counts[(int(term), code)] = {
                n: _number(n, x) for n, x in zip(SUMMARY_COLUMNS, values, strict=True)
            }
        cursor.execute(eth_sql, [*term_ids, *prefix_params])
        for term, code, eth, cadres in cursor.fetchall():
            ethnicities[(int(term), code)][eth] = int(cadres)
    return counts, ethnicities


def _number(name: str, value: Any) -> Any:
    """A count as int; the payments (元) as Decimal to the fen (SQLite sums them as REAL)."""
    if name == "departure_payments":
        return Decimal(str(value or 0)).quantize(Decimal("0.01"))
    return int(value or 0)


def has_counted_rows(scope_code: str, term_ids: Sequence[int], *, covered_by_terms: bool) -> bool:
    """Whether the terms have any counted cadre (cadre bodies) in the scope."""
    if not term_ids:
        return False
    prefix_sql, prefix_params = _prefix_filter(scope_code, covered_by_terms)
    sql = f"""
        SELECT 1 FROM {SUMMARY} s
        WHERE s.term_id IN ({placeholders(term_ids)}) AND s.villages > 0{prefix_sql}
        LIMIT 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*term_ids, *prefix_params])
        return cursor.fetchone() is not None
