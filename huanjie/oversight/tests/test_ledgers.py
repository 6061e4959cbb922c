"""Each oversight ledger re-imports its own export unchanged (issue 14 "each ledger re-imports its
own export unchanged"), and a file moves a problem and a petition through their transitions."""

from __future__ import annotations

from datetime import date

import pytest

from huanjie.conftest import TOWN, VILLAGE
from huanjie.ledgers import framework as fw
from huanjie.ledgers.tests.reimport import assert_reimport_unchanged
from huanjie.oversight.ledgers import KIND_KEYS, KINDS
from huanjie.oversight.models import Petition, ProblemStatus
from huanjie.oversight.services.petitions import petition_extend, petition_settle
from huanjie.oversight.tests import world as ow
from huanjie.regions.models import Region
from huanjie.uploads.importers import importer_of
from huanjie.uploads.services import upload_confirm, upload_preview


def test_every_kind_is_registered_with_its_importer():
    for kind in KINDS:
        assert fw.kind_of(kind.key) is kind
        assert importer_of(f"ledger-{kind.key}") is not None


@pytest.fixture
def filled(cast, campaign):
    """Two of each: one plain, one further along its workflow (closed, extended and settled),
    with the texts a spreadsheet would turn into formulas."""
    officer = cast.county_officer
    ow.problem(campaign, VILLAGE, [cast.inspector], officer)
    closed = ow.problem(campaign, VILLAGE, [cast.inspector], officer, closed=True)
    closed.requirement = "=立即整改"
    closed.save()
    ow.petition(campaign, VILLAGE, officer)
    other = ow.petition(campaign, TOWN, officer)
    petition_extend(actor=officer, item=other, extension_reason="涉及多个部门")
    petition_settle(
        actor=officer,
        item=Petition.objects.get(pk=other.pk),
        settled_on=date(2026, 12, 1),
        outcome="-已答复",
    )
    ow.attendee(campaign, TOWN, officer, VILLAGE)
    ow.attendee(campaign, "630121", officer, None)
    ow.record(campaign, TOWN, officer)
    ow.record(campaign, "630121", officer)


@pytest.mark.parametrize("key", sorted(KIND_KEYS.values()))
def test_each_ledger_reimports_its_own_export_unchanged(cast, campaign, filled, tmp_path, key):
    assert_reimport_unchanged(
        kind_key=key, campaign=campaign, user=cast.county_officer, tmp_path=tmp_path
    )


def test_a_file_closes_a_problem_through_its_transition(cast, campaign, tmp_path, settings):
    settings.VAR_DIR = str(tmp_path / "var")
    problem = ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer)
    kind = fw.kind_of(KIND_KEYS["problems"])
    header = fw.export_header(kind)
    row = fw.export_row(kind, problem)
    row[header.index("状态")] = "已整改销号"
    row[header.index("销号日期")] = "2026-11-28"
    row[header.index("整改情况")] = "已张榜公布"
    from huanjie.lib.xlsx import table_xlsx

    path = tmp_path / "problems.xlsx"
    path.write_bytes(table_xlsx("督导发现问题", header, [row], [12] * len(header)))
    importer = importer_of(kind.importer_kind)
    job = upload_preview(
        importer=importer,
        actor=cast.town_officer,
        scope=Region.objects.get(code=TOWN),
        upload=path,
        campaign=campaign,
    )
    counts = (job.created, job.changed, job.unchanged)  # type: ignore[attr-defined]
    assert counts == (0, 1, 0), job.problems
    upload_confirm(importer=importer, actor=cast.town_officer, job=job, wait=True)
    problem.refresh_from_db()
    assert (problem.status, problem.closed_on) == (ProblemStatus.CLOSED, date(2026, 11, 28))
    assert [e.event for e in problem.events.all()] == ["closed"]
