"""One lock for who the people are and where they are registered, across every campaign.

No unique index spans two campaigns (two counties' campaigns of the same term, or a province's),
so the rule "one person, one village, one term" holds only if the writes that find or create a
person and check the person's registrations elsewhere take turns. A registration of one person
takes the lock shared (registrations of different people run side by side; two of the same
person meet on the person's row lock or on the unique index of the keyed hash). A roll write in
bulk (the roll import, the roll built from the people known, the carry-over) locks no person's
row: it takes the lock exclusive, so it sees every person and registration committed before it
and nothing of the kind commits before it does.
"""

from __future__ import annotations

from django.db import connection

# Any constant fits, but not the audit chain's (huanjie.audit.services): it names the
# PostgreSQL advisory lock below.
_PEOPLE_LOCK_KEY = 0x68756A6970656F70


def people_lock(*, exclusive: bool = False) -> None:
    """Wait for the people lock; it is held until the transaction ends. Call inside
    transaction.atomic(), before the transaction reads a person or a registration and before
    its first audit_record (whose chain lock always comes after this one: taken the other way
    round, two transactions could wait for each other)."""
    # 村民委员会组织法 第十三条（2025年修正后为第十六条）/ SECURITY.md V3: registered in one
    # village, a person may not register in another — also when two offices write at once.
    assert connection.in_atomic_block, "people_lock outside a transaction would be let go at once"
    if connection.vendor == "postgresql":
        call = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {call}(%s)", [_PEOPLE_LOCK_KEY])
    # SQLite runs IMMEDIATE transactions (settings): one writer at a time already.
