"""What the database says of a result file or a code (the public page and `huanjie verify`):
the certified version in force, superseded (and by which version), certified by the town and
waiting for the county, returned, or unknown. A draft or a proposed correction was never
announced: it is unknown here, like a code nobody issued."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from huanjie.results.models import ResultVersion, VersionStatus


class Standing(StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"
    PENDING = "pending"
    RETURNED = "returned"
    UNKNOWN = "unknown"


# The public page's answers (and the command's), one per standing.
STANDING_LABELS: Final = {
    Standing.CURRENT: "现行有效（县级已确认）",
    Standing.SUPERSEDED: "已被更正",
    Standing.PENDING: "乡镇已确认、待县级确认",
    Standing.RETURNED: "已退回",
    Standing.UNKNOWN: "未找到该核验码",
}

_OF_STATUS: Final[dict[str, Standing]] = {
    VersionStatus.CERTIFIED: Standing.CURRENT,
    VersionStatus.SUPERSEDED: Standing.SUPERSEDED,
    VersionStatus.TOWN_CERTIFIED: Standing.PENDING,
    VersionStatus.REJECTED: Standing.RETURNED,
}


@dataclass(frozen=True)
class Answer:
    """The standing of a version found by its hash or code; for a superseded one, the version
    in force now (None if none is)."""

    standing: Standing
    version: ResultVersion | None = None
    current: ResultVersion | None = None

    @property
    def label(self) -> str:
        return STANDING_LABELS[self.standing]

    @property
    def public(self) -> bool:
        """Whether its canonical file is offered: certified versions only (in force or not)."""
        return self.standing in (Standing.CURRENT, Standing.SUPERSEDED)


def standing_of(*, sha256: str = "", code: str = "") -> Answer:
    """What the database says of the version with this SHA-256 or (normalised) code: one query,
    two for a superseded version."""
    if not (sha256 or code):
        return Answer(Standing.UNKNOWN)
    lookup = {"sha256": sha256} if sha256 else {"code": code}
    version = (
        ResultVersion.objects.select_related("result__election__village__region")
        .filter(**lookup)
        .first()
    )
    standing = Standing.UNKNOWN if version is None else _OF_STATUS.get(version.status)
    if version is None or standing is None or standing is Standing.UNKNOWN:
        return Answer(Standing.UNKNOWN)
    current = None
    if standing is Standing.SUPERSEDED:
        current = (
            ResultVersion.objects.filter(
                result_id=version.result_id, status=VersionStatus.CERTIFIED
            )
            .order_by("-number")
            .first()
        )
    return Answer(standing, version, current)
