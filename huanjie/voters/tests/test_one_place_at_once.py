"""One person, one village, one term also when two offices write at once (村民委员会组织法(2025)
第十六条; SECURITY.md V3): two roll imports in two counties' campaigns of the same term, or an
import and a registration by hand, naming the same person — known already, or new to both — end
in one active registration and, for the other, the doubtful row or the refusal the same writes
one after the other would give; never a failed job nor a 500.

PostgreSQL only: SQLite runs one writer at a time, so there is no race to lose. Each test holds
one writer's transaction open at the point where it has written but not committed, and runs the
other then, so the interleaving that used to lose is the one tested, every time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.conftest import OTHER_COUNTY_VILLAGE, VILLAGE
from huanjie.lib.crypto import lookup_hash
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.uploads.models import UploadJob
from huanjie.uploads.services import upload_execute
from huanjie.voters import imports
from huanjie.voters.models import ImportJob, RegistrationConflict, VoterRegistration
from huanjie.voters.services import (
    MSG_REGISTERED_OTHER_AREA,
    DuplicateRegistration,
    registrations,
    voter_register,
    voter_register_by_number,
)
from huanjie.voters.services.roll_build import RollChanged, roll_build_confirm, roll_build_preview
from huanjie.voters.tests.test_import import HEADER, csv_bytes, preview
from huanjie.voters.tests.test_one_place import (
    _at_once,
    _new_number,
    flushable,  # noqa: F401 (a fixture)
    other_county_roll,
    postgres_only,
)
from huanjie.voters.tests.test_roll_cast import make_person, make_roll

pytestmark = [
    postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable"),
]

HOLD = 1.0  # seconds the first writer keeps its transaction open after writing


def _file(known: str, new: str) -> bytes:
    return csv_bytes([HEADER, ["韩福", known, "男", "汉族", ""], ["祁秀兰", new, "女", "汉族", ""]])


def _queued(cast, campaign, data: bytes, *, code: str, actor) -> ImportJob:
    """A previewed, confirmed job, queued for the worker (which the test plays)."""
    job = preview(cast, campaign, data, code=code, actor=actor)
    assert job.status == ImportJob.Status.PREVIEW, job.message
    assert (job.accepted, job.doubtful) == (2, 0)
    imports.roll_import_run(actor=actor, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    return job


def _execute(job: ImportJob) -> Callable[[], UploadJob]:
    """The worker's half of the job (what `huanjie db_worker` runs)."""
    return lambda: upload_execute(kind="roll", job_id=job.pk)


def _hold_first_write(monkeypatch) -> threading.Event:
    """From now on the first roll import to write waits HOLD seconds before it commits (the
    event is set when it has written): the window in which another office writes too."""
    written = threading.Event()
    write = imports._write

    def write_then_hold(*args: Any, **kw: Any) -> None:
        write(*args, **kw)
        if not written.is_set():
            written.set()
            time.sleep(HOLD)

    monkeypatch.setattr(imports, "_write", write_then_hold)
    return written


def _hold_first_registration(monkeypatch) -> threading.Event:
    """From now on the first registration by hand waits HOLD seconds before it commits (the
    event is set when it has registered the person)."""
    registered = threading.Event()
    record = registrations.audit_record

    def record_then_hold(**kw: Any) -> Any:
        event = record(**kw)
        if kw["action"] == "voter.register" and not registered.is_set():
            registered.set()
            time.sleep(HOLD)
        return event

    monkeypatch.setattr(registrations, "audit_record", record_then_hold)
    return registered


def _after(event: threading.Event, call: Callable[[], Any]) -> Callable[[], Any]:
    def later() -> Any:
        assert event.wait(30), "the first writer never wrote"
        return call()

    return later


def _one_active_each(*people: Person) -> list[VoterRegistration]:
    found = []
    for person in people:
        active = list(VoterRegistration.objects.filter(person=person, active=True))
        assert len(active) == 1, (person.name, active)
        found.extend(active)
    return found


def test_two_counties_importing_the_same_people_at_once_register_each_once(
    cast, campaign, monkeypatch
):
    known, known_number = make_person("韩福")
    new_number = _new_number()
    data = _file(known_number, new_number)
    ours, here = campaign, other_county_roll(cast)  # 湟源县's campaign: the same term
    first = _queued(cast, ours, data, code=VILLAGE, actor=cast.county_officer)
    second = _queued(cast, here, data, code=OTHER_COUNTY_VILLAGE, actor=cast.other_county_officer)

    held = _hold_first_write(monkeypatch)
    done = _at_once([_execute(first), _after(held, _execute(second))])

    assert [job.status for job in done] == [ImportJob.Status.SUCCEEDED] * 2, [
        job.message for job in done
    ]
    (new,) = Person.objects.filter(id_hash=lookup_hash(new_number))
    regs = _one_active_each(known, new)
    assert {(r.campaign_id, r.village_id) for r in regs} == {(ours.pk, VILLAGE)}
    late = ImportJob.objects.get(pk=second.pk)
    assert (late.accepted, late.doubtful) == (0, 2)
    # Another county's village is not named to 湟源县's officer (SECURITY.md: outside the area).
    assert {p["message"] for p in late.problems} == {imports.MSG_REGISTERED_OTHER_AREA}
    assert set(
        RegistrationConflict.objects.values_list("campaign_id", "village_id", "person_id")
    ) == {(here.pk, OTHER_COUNTY_VILLAGE, known.pk), (here.pk, OTHER_COUNTY_VILLAGE, new.pk)}


def test_a_registration_by_hand_during_an_import_is_refused_cleanly(cast, campaign, monkeypatch):
    known, known_number = make_person("韩福")
    new_number = _new_number()
    there = other_county_roll(cast)
    community = Region.objects.get(code=OTHER_COUNTY_VILLAGE)
    job = _queued(
        cast, campaign, _file(known_number, new_number), code=VILLAGE, actor=cast.county_officer
    )

    def by_hand() -> list[Any]:
        results: list[Any] = []
        for call in (
            lambda: voter_register(
                actor=cast.other_county_officer,
                campaign=there,
                village=community,
                person=known,
                category="community_hukou",
            ),
            lambda: voter_register_by_number(
                actor=cast.other_county_officer,
                campaign=there,
                village=community,
                id_number=new_number,
                name="祁秀兰",
                sex="F",
                region=community,
                category="community_hukou",
            ),
        ):
            try:
                results.append(call())
            except ValidationError as exc:
                results.append(exc)
        return results

    held = _hold_first_write(monkeypatch)
    imported, hand = _at_once([_execute(job), _after(held, by_hand)])

    assert imported.status == ImportJob.Status.SUCCEEDED, imported.message
    assert imported.accepted == 2
    assert all(isinstance(r, DuplicateRegistration) for r in hand), hand
    assert [r.messages for r in hand] == [[MSG_REGISTERED_OTHER_AREA]] * 2
    (new,) = Person.objects.filter(id_hash=lookup_hash(new_number))
    regs = _one_active_each(known, new)
    assert {(r.campaign_id, r.village_id) for r in regs} == {(campaign.pk, VILLAGE)}
    assert RegistrationConflict.objects.filter(campaign=there).count() == 2


def test_an_import_during_a_registration_by_hand_makes_the_row_doubtful(
    cast, campaign, monkeypatch
):
    known, known_number = make_person("韩福")
    new_number = _new_number()
    there = other_county_roll(cast)
    community = Region.objects.get(code=OTHER_COUNTY_VILLAGE)
    job = _queued(
        cast, campaign, _file(known_number, new_number), code=VILLAGE, actor=cast.county_officer
    )
    registered = _hold_first_registration(monkeypatch)
    hand, imported = _at_once(
        [
            lambda: voter_register(
                actor=cast.other_county_officer,
                campaign=there,
                village=community,
                person=known,
                category="community_hukou",
            ),
            _after(registered, _execute(job)),
        ]
    )

    assert isinstance(hand, VoterRegistration), hand
    assert imported.status == ImportJob.Status.SUCCEEDED, imported.message
    assert (imported.accepted, imported.doubtful) == (1, 1)
    assert [p["row"] for p in imported.problems] == [2]
    (only,) = _one_active_each(known)
    assert only == hand
    conflict = RegistrationConflict.objects.get()
    assert (conflict.campaign, conflict.village_id, conflict.first) == (campaign, VILLAGE, hand)


def test_the_roll_built_during_a_registration_by_hand_shows_the_change(cast, monkeypatch):
    roll = make_roll(cast)
    there = other_county_roll(cast)
    known, _ = make_person("韩福")  # 户籍 in 红河限村: the roll built from the people adds him
    build = roll_build_preview(actor=cast.village_clerk, entry=roll.entry)
    assert build.to_add == 1
    registered = _hold_first_registration(monkeypatch)
    hand, built = _at_once(
        [
            lambda: voter_register(
                actor=cast.other_county_officer,
                campaign=there,
                village=Region.objects.get(code=OTHER_COUNTY_VILLAGE),
                person=known,
                category="community_hukou",
            ),
            _after(
                registered,
                lambda: roll_build_confirm(
                    actor=cast.village_clerk, entry=roll.entry, expected=build.fingerprint
                ),
            ),
        ]
    )
    assert isinstance(hand, VoterRegistration), hand
    # What the confirmation does when the people changed after the preview: nothing written,
    # the new preview (the person registered elsewhere) for the clerk to confirm.
    assert isinstance(built, RollChanged), built
    assert (built.build.to_add, len(built.build.elsewhere_rows)) == (0, 1)
    (only,) = _one_active_each(known)
    assert only == hand
