"""Each ledger re-imports its own export unchanged (issue 14 "done when"): created 0, changed
0, every row unchanged, every table identical; as the county and as the town."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from huanjie.ledgers.kinds import LEDGERS
from huanjie.ledgers.tests.reimport import assert_reimport_unchanged
from huanjie.ledgers.tests.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Any, campaign: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.VAR_DIR = str(tmp_path / "var")
    return make_world(cast, campaign)


@pytest.mark.parametrize("key", [k.key for k in LEDGERS])
def test_each_ledger_reimports_its_own_export_unchanged(
    world: dict[str, Any], cast: Any, campaign: Any, tmp_path: Path, key: str
) -> None:
    assert_reimport_unchanged(
        kind_key=key, campaign=campaign, user=cast.county_officer, tmp_path=tmp_path
    )


@pytest.mark.parametrize("key", ["rectification", "candidates"])
def test_the_town_reimports_its_export_unchanged(
    world: dict[str, Any], cast: Any, campaign: Any, tmp_path: Path, key: str
) -> None:
    assert_reimport_unchanged(
        kind_key=key, campaign=campaign, user=cast.town_officer, tmp_path=tmp_path
    )
