"""The roll import's ways of writing (docs/voters.md, “How fast an import is”): rows checked
here or in worker processes; written by the general path (indexed tables, the foreign keys'
triggers on or off) or the bulk path (pg_restore's order). Every way ends in the same roll,
the same problems and the same audit, and a refused file leaves the tables as they were."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from huanjie.conftest import OTHER_TOWN_VILLAGE
from huanjie.lib import bulk, workbooks
from huanjie.lib.crypto import NONCE_BYTES
from huanjie.people.models import Person
from huanjie.uploads import importers
from huanjie.voters import imports
from huanjie.voters.models import ImportJob, RegistrationConflict, VoterRegistration
from huanjie.voters.tests.test_import import HEADER, csv_bytes, pid, preview, run

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the bulk path and the triggers are PostgreSQL's"
)

GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬辉鹏建国成福生海"
INCOMER = "户籍不在本村，在本村居住一年以上，本人申请并经同意"


def roll_rows() -> list[list[str]]:
    """40 people, with blank rows between, an incomer, and three people known before the file
    (see `known_before`): one registered in another village, one already on this roll, one
    known under another name."""
    rows: list[list[str]] = [[*HEADER, "类别"]]
    for n in range(40):
        rows.append([f"张{GIVEN[n]}", pid(200 + n), "男", "汉族", f"第{n % 3 + 1}组", ""])
        if n % 13 == 5:
            rows.append(["", "", "", "", "", ""])
    rows[2][5] = INCOMER
    return rows


def known_before(cast: Any, campaign: Any) -> None:
    rows = roll_rows()
    other = [HEADER, rows[3][:5]]
    assert run(cast, preview(cast, campaign, csv_bytes(other), code=OTHER_TOWN_VILLAGE)).accepted
    assert run(cast, preview(cast, campaign, csv_bytes([HEADER, rows[10][:5]]))).accepted
    renamed = [HEADER, ["李" + rows[20][0][1:], *rows[20][1:5]]]
    assert run(cast, preview(cast, campaign, csv_bytes(renamed), code=OTHER_TOWN_VILLAGE)).accepted
    VoterRegistration.objects.filter(person__name=renamed[1][0]).delete()


@contextmanager
def way(name: str, monkeypatch: Any) -> Iterator[None]:
    """Run what is inside the way `name` says."""
    with monkeypatch.context() as m:
        m.setattr(importers, "PARALLEL_CHUNK", 4)
        values: dict[str, Any] = {"HUANJIE_IMPORT_WORKERS": 2, "HUANJIE_IMPORT_PARALLEL_AFTER": 3}
        if name == "here":
            values["HUANJIE_IMPORT_WORKERS"] = 0
        if name == "triggers on":
            m.setattr(imports, "_triggers_off", lambda *args: False)
        values["HUANJIE_ROLL_LOAD"] = "bulk" if name == "bulk" else "general"
        with override_settings(**values):
            yield


WAYS = ["here", "workers", "triggers on", "bulk"]


def schema() -> list[tuple[str, ...]]:
    """Every index, constraint and column default of the two tables, with its definition."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT tablename, indexname, indexdef FROM pg_indexes
               WHERE tablename IN ('people_person', 'voters_voterregistration')
               UNION ALL
               SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
               FROM pg_constraint
               WHERE conrelid IN ('people_person'::regclass, 'voters_voterregistration'::regclass)
               UNION ALL
               SELECT table_name, column_name, column_default FROM information_schema.columns
               WHERE table_name IN ('people_person', 'voters_voterregistration')
                   AND column_default IS NOT NULL
               ORDER BY 1, 2, 3"""
        )
        return [tuple(row) for row in cursor.fetchall()]


def the_roll() -> dict[str, Any]:
    """What the roll holds, without the ids a sequence gave (they differ between runs)."""
    people = list(
        Person.objects.order_by("id").values_list(
            "name", "id_masked", "region_id", "group_name", "household_no", "sex", "birth_date",
            "ethnicity",
        )
    )  # fmt: skip
    regs = list(
        VoterRegistration.objects.order_by("person_id", "id").values_list(
            "person__name", "campaign_id", "village_id", "category", "group_name", "active",
            "added_reason", "removed_reason", "flag",
        )
    )  # fmt: skip
    assert not Person.objects.filter(created_at__isnull=True).exists()
    conflicts = list(
        RegistrationConflict.objects.order_by("id").values_list(
            "person__name", "first__village_id", "village_id", "status"
        )
    )
    return {"people": people, "registrations": regs, "conflicts": conflicts}


def outcome_of(job: ImportJob) -> tuple[Any, ...]:
    return (job.status, job.total_rows, job.accepted, job.unchanged, job.doubtful,
            job.rejected, job.problems)  # fmt: skip


def each_way(cast: Any, campaign: Any, data: bytes, monkeypatch: Any) -> dict[str, Any]:
    """The file previewed and run each way, from the same start (rolled back after each)."""
    found = {}
    for name in WAYS:
        with transaction.atomic():
            with way(name, monkeypatch):
                job = preview(cast, campaign, data)
                previewed = outcome_of(job)
                if job.status == ImportJob.Status.PREVIEW:
                    job = run(cast, job)
            found[name] = (previewed, outcome_of(job), the_roll(), schema())
            transaction.set_rollback(True)
    return found


def test_every_way_of_writing_ends_in_the_same_roll(cast, campaign, monkeypatch):
    known_before(cast, campaign)
    found = each_way(cast, campaign, csv_bytes(roll_rows()), monkeypatch)
    previewed, done, roll, _ = found["here"]
    assert done[:6] == (ImportJob.Status.SUCCEEDED, 40, 38, 1, 3, 0), done[6]
    assert previewed[2:] == done[2:]
    rows = roll_rows()
    assert {(r, m) for r, m in messages_of_problems(done[6])} == {
        (3, imports.MSG_INCOMER_REVIEW),
        (4, imports.MSG_REGISTERED_ELSEWHERE.format(where="城关镇东门村")),
        (21, imports.MSG_NAME_DIFFERS.format(name="李" + rows[20][0][1:])),
    }
    assert len(roll["registrations"]) == 40  # 38 here, one unchanged, one elsewhere
    assert roll["conflicts"][-1][:3] == (rows[3][0], OTHER_TOWN_VILLAGE, "630121100206")
    for name in WAYS[1:]:
        assert found[name] == found["here"], name


def messages_of_problems(problems: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(p["row"], p["message"]) for p in problems]


def test_every_way_refuses_a_bad_file_alike_and_leaves_the_tables_as_they_were(
    cast, campaign, monkeypatch
):
    known_before(cast, campaign)
    before = (the_roll(), schema())
    rows = roll_rows()
    rows[29][1] = rows[11][1]  # the same person twice (file rows 12 and 30)
    rows[34][2] = "女"  # the sex disagrees with the ID number
    found = each_way(cast, campaign, csv_bytes(rows), monkeypatch)
    previewed, _, roll, indexes = found["here"]
    assert previewed[0] == ImportJob.Status.REJECTED
    problems = messages_of_problems(previewed[6])
    assert (12, imports.MSG_SAME_FILE_FIRST.format(rows="30")) in problems
    assert (30, imports.MSG_SAME_FILE_AGAIN.format(row=12)) in problems
    assert [row for row, _ in problems].count(35) == 1
    assert (roll, indexes) == before
    for name in WAYS[1:]:
        assert found[name] == found["here"], name


@postgres_only
def test_the_bulk_path_puts_every_index_and_foreign_key_back(cast, campaign, monkeypatch):
    before = schema()
    assert any("FOREIGN KEY" in row[2] for row in before)
    with way("bulk", monkeypatch):
        job = run(cast, preview(cast, campaign, csv_bytes(roll_rows())))
    assert job.status == ImportJob.Status.SUCCEEDED
    assert imports.TIMINGS.get("sql: set aside") is not None
    assert schema() == before
    assert VoterRegistration.objects.count() == 40
    # The foreign keys are back and validated: a row pointing nowhere is refused.
    first = VoterRegistration.objects.order_by("id")[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterRegistration.objects.filter(pk=first.pk).update(person_id=10**9)
        connection.check_constraints()


@postgres_only
def test_a_bulk_load_that_breaks_a_unique_index_runs_again_the_general_way(
    cast, campaign, monkeypatch
):
    ways: list[bool] = []
    sink = imports._Sink.__init__

    def counted(self: Any, *args: Any, bulk: bool) -> None:
        ways.append(bulk)
        sink(self, *args, bulk=bulk)

    put_back = bulk.put_back_indexes

    def breaks(aside: Any) -> None:
        put_back(aside)
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(imports._Sink, "__init__", counted)
    monkeypatch.setattr(imports, "put_back_indexes", breaks)
    with way("bulk", monkeypatch):
        job = run(cast, preview(cast, campaign, csv_bytes(roll_rows())))
    assert job.status == ImportJob.Status.SUCCEEDED, job.message
    assert job.accepted == 40
    assert ways == [True, False, True, False]  # the preview's two runs, then the job's
    assert VoterRegistration.objects.count() == 40


@postgres_only
def test_the_path_is_chosen_by_the_size_of_the_file_and_of_the_tables(cast, campaign, monkeypatch):
    chosen: list[bool] = []
    monkeypatch.setattr(imports, "BULK_MIN_ROWS", 10)
    monkeypatch.setattr(imports.RollLoad, "_bulk", recording(imports.RollLoad._bulk, chosen))
    people = [row for row in roll_rows()[1:] if row[0]]
    with override_settings(HUANJIE_ROLL_LOAD="auto"):
        run(cast, preview(cast, campaign, csv_bytes([HEADER, *people[:8]])))  # too small a file
        run(cast, preview(cast, campaign, csv_bytes([HEADER, *people])))  # 40 rows into 8 people
        more = [[row[0], pid(300 + n), *row[2:]] for n, row in enumerate(people[:12])]
        run(
            cast, preview(cast, campaign, csv_bytes([HEADER, *more]))
        )  # 12 into 48: they outweigh it
    assert chosen == [False, False, True, True, False, False]


def recording(method: Any, into: list[bool]) -> Any:
    def chosen(self: Any) -> bool:
        into.append(method(self))
        return into[-1]

    return chosen


def test_a_checking_process_that_dies_fails_the_job_and_writes_nothing(cast, campaign, monkeypatch):
    parent = os.getpid()
    reader = imports.RollLoad._fast_reader

    def dies(self: Any) -> Any:
        read = reader(self)

        def or_dies(number: int, cells: list[Any]) -> Any:
            if os.getpid() != parent and number == 30:
                os._exit(9)  # as the kernel's OOM killer would end it
            return read(number, cells)

        return or_dies

    fails_whole(cast, campaign, monkeypatch, imports.RollLoad, "_fast_reader", dies)


def fails_whole(cast: Any, campaign: Any, monkeypatch: Any, owner: Any, name: str, by: Any) -> None:
    """A file previewed as it should be, then run with `owner.name` replaced `by`: the job
    fails, and nothing of it is written."""
    job = preview(cast, campaign, csv_bytes(roll_rows()))
    assert job.status == ImportJob.Status.PREVIEW
    monkeypatch.setattr(owner, name, by)
    with way("workers", monkeypatch):
        job = run(cast, job)
    assert job.status == ImportJob.Status.FAILED
    assert not VoterRegistration.objects.exists()
    assert not Person.objects.exists()


def test_a_csv_is_counted_by_its_lines_a_spreadsheet_by_its_size(tmp_path: Path):
    path = tmp_path / "count.csv"
    path.write_bytes(csv_bytes(roll_rows()) + b"\n")
    assert workbooks.rows_estimate(path, "csv") == len(roll_rows())
    path.write_bytes(b"x" * 4000)
    assert workbooks.rows_estimate(path, "xlsx") == 100


@postgres_only
def test_the_keyed_hash_is_compared_byte_by_byte(db: None):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT collation_name FROM information_schema.columns
               WHERE table_name = 'people_person' AND column_name = 'id_hash'"""
        )
        assert cursor.fetchone()[0] == "C"


def test_a_write_that_fails_behind_the_reading_fails_the_job_and_writes_nothing(
    cast, campaign, monkeypatch
):
    def breaks(self: Any, batch: list[Any], issues: list[Any]) -> bool:
        if batch:
            raise RuntimeError("the disk is full")
        return True

    fails_whole(cast, campaign, monkeypatch, imports._Sink, "add", breaks)


def test_into_empty_tables_every_way_ends_alike_and_finds_the_same_person_twice(
    cast, campaign, monkeypatch
):
    # Nobody known: the bulk path takes the workers' ready COPY text (RollLoad.pack).
    blocks: list[int] = []
    add_blocks = imports._Sink.add_blocks

    def counted(self: Any, given: list[Any], issues: list[Any]) -> None:
        blocks.extend(len(b.numbers) for b in given)
        add_blocks(self, given, issues)

    monkeypatch.setattr(imports._Sink, "add_blocks", counted)
    rows = roll_rows()
    rows[30][4] = "第3\\组"  # a backslash, escaped in COPY text
    found = each_way(cast, campaign, csv_bytes(rows), monkeypatch)
    assert found["here"][1][:3] == (ImportJob.Status.SUCCEEDED, 40, 40)
    # On PostgreSQL the workers hand over COPY text in three ways (the general path's stage
    # rows with the triggers off and on, the bulk path's people and registrations), in the
    # preview and the run; the 8 people among the rows the header search read ahead are
    # checked before the workers start, as rows.
    assert sum(blocks) == (3 * 2 * 32 if connection.vendor == "postgresql" else 0)
    for name in WAYS[1:]:
        assert found[name] == found["here"], name
    written = {p[0]: p for p in found["bulk"][2]["people"]}
    assert written[rows[30][0]][1:4] == (rows[30][1][:6] + "********" + rows[30][1][-4:],
                                        "630121100206", "第3\\组")  # fmt: skip
    rows = roll_rows()
    rows[29][1] = rows[11][1]  # the same person in two chunks (file rows 12 and 30)
    rows[31][1] = rows[30][1]  # and in one (file rows 31 and 32)
    found = each_way(cast, campaign, csv_bytes(rows), monkeypatch)
    problems = messages_of_problems(found["here"][0][6])
    assert (30, imports.MSG_SAME_FILE_AGAIN.format(row=12)) in problems
    assert (32, imports.MSG_SAME_FILE_AGAIN.format(row=31)) in problems
    for name in WAYS[1:]:
        assert found[name] == found["here"], name


@postgres_only
def test_a_role_that_does_not_own_the_tables_takes_the_general_path(cast, campaign, monkeypatch):
    chosen: list[bool] = []
    monkeypatch.setattr(imports.RollLoad, "_bulk", recording(imports.RollLoad._bulk, chosen))
    assert imports._owns_tables()  # the tests' role owns them
    monkeypatch.setattr(imports, "_owns_tables", lambda: False)  # the web's role does not
    with override_settings(HUANJIE_ROLL_LOAD="bulk"):
        job = run(cast, preview(cast, campaign, csv_bytes(roll_rows())))
    assert job.status == ImportJob.Status.SUCCEEDED
    assert chosen == [False, False]


@pytest.mark.parametrize("name", ["workers", "bulk"])
def test_no_two_people_are_sealed_with_the_same_nonce(cast, campaign, monkeypatch, name):
    """The workers are forked with the load's sealer after it has sealed the first rows: each
    must draw nonces of its own (lib.crypto.FieldSealer), never the parent's left-over ones."""
    if name == "bulk" and connection.vendor != "postgresql":
        pytest.skip("the bulk path is PostgreSQL's")
    with way(name, monkeypatch):
        assert run(cast, preview(cast, campaign, csv_bytes(roll_rows()))).accepted == 40
    tokens = list(Person.objects.values_list("id_cipher", flat=True))
    nonces = {base64.urlsafe_b64decode(t.partition(":")[2])[:NONCE_BYTES] for t in tokens}
    assert len(tokens) == len(nonces) == 40
