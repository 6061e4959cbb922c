"""SECURITY.md P7: each campaign's personal data has an end date, and the hourly job removes it.

With the clock past a campaign's end date (the date set in the past), `purge_expired` leaves no
decryptable ID of a person only that campaign named, while whoever a kept campaign or the Party
roll still holds keeps everything; the purged campaign's figures still count; a second run does
nothing; the audit log has one event; and every write to the campaign is refused."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from huanjie.audit.labels import EVENT_LABELS
from huanjie.audit.models import AuditEvent
from huanjie.conftest import VILLAGE, make_campaign, seed_notices
from huanjie.elections.models import Campaign
from huanjie.elections.services import (
    MSG_PURGED,
    MSG_RETENTION_BEFORE_WINDOW,
    campaign_set_retention,
    campaign_update,
)
from huanjie.lib.crypto import FieldDecryptError, decrypt_field, lookup_hash
from huanjie.lib.dates import cn_date
from huanjie.party.models import MemberRegistration
from huanjie.party.services import branch_create, member_add, member_registration_set
from huanjie.people.models import Person
from huanjie.people.services import ERASED_NAME, ID_PURPOSE
from huanjie.regions.models import Region
from huanjie.retention import purge_expired
from huanjie.voters import selectors as voter_selectors
from huanjie.voters.models import Objection, VoterListPublication, VoterRegistration
from huanjie.voters.services import MSG_CARRY_PURGED, roll_carry_over, voter_register
from huanjie.voters.tests.test_roll_cast import make_person

OLD_DAY = date(2021, 11, 20)  # the 11th term's election day


def _register(actor, campaign, person, category="hukou_resident"):
    return voter_register(
        actor=actor,
        campaign=campaign,
        village=Region.objects.get(code=VILLAGE),
        person=person,
        category=category,
        group_name="第一村民小组",
    )


@pytest.fixture
def terms(cast, settings, tmp_path):
    """The 11th term (2021, to be purged) and the 12th (kept). In the 11th: 马玉兰 and 祁国强
    only there, 韩秀英 also on the 12th's roll, 鲁成福 also a Party member; a proxy, a published
    list and an objection naming them."""
    settings.VAR_DIR = str(tmp_path / "var")
    old = make_campaign(
        cast, term=11, start=date(2021, 10, 1), end=date(2021, 12, 31), election_day=OLD_DAY
    )
    new = make_campaign(cast, election_day=date(2027, 1, 15))
    people = {name: make_person(name) for name in ("马玉兰", "祁国强", "韩秀英", "鲁成福")}
    regs = [_register(cast.county_officer, old, p) for p, _ in people.values()]
    _register(cast.county_officer, new, people["韩秀英"][0])
    branch = branch_create(
        actor=cast.county_officer,
        village=Region.objects.get(code=VILLAGE),
        name="中共红河限村支部委员会",
        kind="branch",
    )
    member = member_add(
        actor=cast.county_officer, branch=branch, id_number=people["鲁成福"][1], name="鲁成福"
    )
    member_registration_set(
        actor=cast.county_officer,
        campaign=old,
        member=member,
        registered=False,
        exclusion="away",
        note="在外务工，因病住院",
        approved=True,
    )
    seed_notices(
        cast.county_officer, old, Region.objects.get(code=VILLAGE), regs, date(2021, 10, 31)
    )
    return old, new, people, member


def _expire(campaign: Campaign) -> None:
    """The clock past the campaign's end date: the date set in the past (no sleeping)."""
    Campaign.objects.filter(pk=campaign.pk).update(
        retention_until=timezone.localdate() - timedelta(days=1)
    )
    campaign.refresh_from_db()


def _decryptable_numbers() -> set[str]:
    """Every ID number any stored ciphertext still gives up."""
    found = set()
    for token in Person.objects.exclude(id_cipher="").values_list("id_cipher", flat=True):
        try:
            found.add(decrypt_field(token, ID_PURPOSE))
        except FieldDecryptError:
            continue
    return found


def test_a_campaign_keeps_its_personal_data_five_years_after_its_window(cast):
    campaign = make_campaign(cast)
    assert campaign.window_end == date(2027, 3, 31)
    assert campaign.retention_until == date(2032, 3, 31)
    assert campaign.personal_data_purged_on is None


def test_a_county_officer_changes_the_end_date_with_its_basis_and_it_is_audited(cast):
    campaign = make_campaign(cast)
    campaign_set_retention(
        actor=cast.county_officer,
        campaign=campaign,
        retention_until=date(2037, 3, 31),
        reason="县档案馆要求保存10年",
    )
    campaign.refresh_from_db()
    assert campaign.retention_until == date(2037, 3, 31)
    event = AuditEvent.objects.get(action="campaign.retention_set")
    assert event.changes["retention_until"] == {"old": "2032-03-31", "new": "2037-03-31"}
    assert event.changes["reason"] == "县档案馆要求保存10年"
    assert EVENT_LABELS["campaign.retention_set"] == "修改个人信息保存期限"
    with pytest.raises(ValidationError) as exc:
        campaign_set_retention(
            actor=cast.county_officer,
            campaign=campaign,
            retention_until=date(2027, 1, 1),
            reason="提前删除",
        )
    assert exc.value.messages == [
        MSG_RETENTION_BEFORE_WINDOW.format(day=date(2027, 1, 1), end=date(2027, 3, 31))
    ]
    with pytest.raises(ValidationError):
        campaign_set_retention(
            actor=cast.town_officer,
            campaign=campaign,
            retention_until=date(2040, 1, 1),
            reason="县档案馆要求保存",
        )


def test_the_end_date_nobody_changed_follows_the_window(cast):
    campaign = make_campaign(cast)
    campaign_update(
        actor=cast.county_officer,
        campaign=campaign,
        name=campaign.name,
        rule_province="",
        window_start=campaign.window_start,
        window_end=date(2027, 4, 30),
    )
    campaign.refresh_from_db()
    assert campaign.retention_until == date(2032, 4, 30)


def test_the_campaign_page_shows_the_end_date(cast):
    campaign = make_campaign(cast)
    response = cast.client(cast.county_officer).get(f"/campaigns/{campaign.pk}/")
    assert response.status_code == 200
    assert "2032年3月31日" in response.content.decode()


def test_past_its_end_date_no_id_of_a_person_only_that_campaign_named_can_be_decrypted(cast, terms):
    old, _new, people, _member = terms
    only = [people["马玉兰"], people["祁国强"]]
    assert {number for _, number in only} <= _decryptable_numbers()
    _expire(old)

    done = purge_expired()

    assert [p.campaign.pk for p in done] == [old.pk]
    decryptable = _decryptable_numbers()
    for person, number in only:
        person.refresh_from_db()
        assert number not in decryptable
        assert person.id_cipher == ""
        # The keyed hash goes too: a known number no longer finds the row.
        assert not re.fullmatch(r"[0-9a-f]{64}", person.id_hash)
        assert not Person.objects.filter(id_hash=lookup_hash(number)).exists()
        assert (person.name, person.id_masked, person.group_name) == (ERASED_NAME, "", "")
        assert person.birth_date == date(1980, 1, 1)
        assert person.erased_on == timezone.localdate()
    # Whoever a kept campaign or the Party roll still holds keeps everything.
    for name in ("韩秀英", "鲁成福"):
        person, number = people[name]
        person.refresh_from_db()
        assert decrypt_field(person.id_cipher, ID_PURPOSE) == number
        assert person.id_hash == lookup_hash(number)
        assert person.name == name and person.erased_on is None


def test_the_purged_campaigns_rows_name_no_one_and_its_figures_still_count(cast, terms):
    old, new, _people, _member = terms
    county = Region.objects.get(code="630121")
    _rows_before, total_before = voter_selectors.roll_figures(cast.county_officer, old, county)
    _expire(old)
    purge_expired()

    old_rows = VoterRegistration.objects.filter(campaign=old)
    assert set(old_rows.values_list("group_name", "flag")) == {("", "")}
    assert VoterListPublication.objects.get(campaign=old).snapshot == []
    objection = Objection.objects.get(publication__campaign=old)
    assert (objection.filer_name, objection.subject_name, objection.detail) == ("", "", "")
    assert MemberRegistration.objects.get(campaign=old).exclusion_note == ""
    # The 12th term's roll is untouched.
    assert VoterRegistration.objects.get(campaign=new).group_name == "第一村民小组"

    _rows_after, total_after = voter_selectors.roll_figures(cast.county_officer, old, county)
    assert (total_after.registered, total_after.men, total_after.women) == (
        total_before.registered,
        total_before.men,
        total_before.women,
    )
    assert total_after.by_category == total_before.by_category
    assert total_after.proxies == total_before.proxies == 1
    client = cast.client(cast.county_officer)
    page = client.get(f"/voters/{old.pk}/figures/630121/")
    assert page.status_code == 200
    assert page.context["total"].registered == total_before.registered == 4
    notice = f"已于{timezone.localdate():%Y年%-m月%-d日}按个人信息保存期限删除"
    assert notice in page.content.decode()
    detail = client.get(f"/campaigns/{old.pk}/").content.decode()
    assert notice in detail
    roll = client.get(f"/voters/{old.pk}/{VILLAGE}/").content.decode()
    assert notice in roll and "韩秀英" not in roll


def test_the_job_is_idempotent_and_audited_once(cast, terms):
    old, new, _people, _member = terms
    _expire(old)
    assert len(purge_expired()) == 1
    snapshot = list(Person.objects.order_by("pk").values())
    assert purge_expired() == []
    out = StringIO()
    call_command("retention", "purge-expired", stdout=out)
    assert "已处理过期换届 0 个" in out.getvalue()
    assert list(Person.objects.order_by("pk").values()) == snapshot
    event = AuditEvent.objects.get(action="campaign.personal_data_purge")
    assert event.user_id is None and event.object_id == str(old.pk)
    assert event.changes["people_erased"] == 2 and event.changes["registrations"] == 4
    assert EVENT_LABELS["campaign.personal_data_purge"] == "到期删除换届个人信息"
    old.refresh_from_db()
    assert old.personal_data_purged_on == timezone.localdate()
    # The kept campaign is not due.
    new.refresh_from_db()
    assert new.personal_data_purged_on is None


def test_nothing_is_removed_before_the_end_date(cast, terms):
    _old, _new, people, _member = terms
    assert purge_expired() == []
    person, number = people["马玉兰"]
    person.refresh_from_db()
    assert decrypt_field(person.id_cipher, ID_PURPOSE) == number


def test_a_person_whose_deprivation_of_rights_still_runs_is_kept(cast, terms):
    old, _new, people, _member = terms
    person, number = people["祁国强"]
    Person.objects.filter(pk=person.pk).update(rights_deprived_from=date(2022, 1, 1))
    _expire(old)
    purge_expired()
    person.refresh_from_db()
    assert decrypt_field(person.id_cipher, ID_PURPOSE) == number


def test_every_write_to_a_purged_campaign_is_refused_in_chinese(cast, terms):
    old, new, _people, member = terms
    _expire(old)
    purge_expired()
    old.refresh_from_db()
    refusal = MSG_PURGED.format(day=cn_date(timezone.localdate()))
    newcomer, _ = make_person("马晓梅")
    attempts = [
        lambda: _register(cast.county_officer, old, newcomer),
        lambda: campaign_update(
            actor=cast.county_officer,
            campaign=old,
            name="改名",
            rule_province="",
            window_start=old.window_start,
            window_end=old.window_end,
        ),
        lambda: campaign_set_retention(
            actor=cast.county_officer,
            campaign=old,
            retention_until=date(2040, 1, 1),
            reason="县档案馆要求保存",
        ),
        lambda: member_registration_set(
            actor=cast.county_officer, campaign=old, member=member, registered=True
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.messages == [refusal]
    # Nor is its roll carried into the next term: it names no one any more.
    with pytest.raises(ValidationError) as exc:
        roll_carry_over(
            actor=cast.county_officer,
            campaign=new,
            village=Region.objects.get(code=VILLAGE),
            previous_campaign=old,
        )
    assert exc.value.messages == [MSG_CARRY_PURGED]


def test_no_import_of_any_kind_runs_into_a_purged_campaign(cast, terms):
    """Every importer bound to a campaign (the roll, the Party roll, nominees, the review
    ledger, and any added later) is refused by the one campaign guard of the pipeline."""
    from huanjie.uploads.importers import importers

    old = terms[0]
    _expire(old)
    purge_expired()
    old.refresh_from_db()
    refusal = MSG_PURGED.format(day=cn_date(timezone.localdate()))
    bound = [i for i in importers() if i.needs_campaign]
    assert {i.kind for i in bound} >= {"roll", "party", "nominees", "review_ledger"}
    for importer in bound:
        actor = cast.reviewer if importer.kind == "review_ledger" else cast.county_officer
        level = importer.levels[0]
        scopes: dict[int, str] = {Region.Level.COUNTY: "630121", Region.Level.TOWN: "630121100"}
        scope = scopes.get(level, VILLAGE)
        job = importer.new_job(
            actor=actor, scope=Region.objects.get(code=scope), filename="x.xlsx", campaign=old
        )
        if importer.kind == "review_ledger":
            job.department = "court"  # type: ignore[attr-defined]
        assert importer.authorize(actor, job) == refusal, importer.kind
