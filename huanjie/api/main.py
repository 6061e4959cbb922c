"""The JSON API under /api/ (django-ninja), with the same scope rules as the pages: a region or
campaign outside the user's scope answers 404.

Every parameter is typed and bounded here, so a bad one (a negative offset, a limit of a billion,
a letter where an id goes, a NUL byte) answers 422 before it reaches the database, never 500
(SECURITY.md V1). The OpenAPI schema and its docs page need a login, like every page.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Path, Query, Schema
from ninja.security import django_auth

from huanjie.accounts.permissions import Action, require
from huanjie.elections import selectors as election_selectors
from huanjie.regions import selectors as region_selectors
from huanjie.regions.models import Region

api = NinjaAPI(
    title="换届通 API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # The schema maps the whole API for an attacker: logged-in users only. With "ninja" in
    # INSTALLED_APPS the docs page loads Swagger UI from our own static files.
    docs_decorator=login_required,
)

# Region codes are 2 to 12 ASCII digits (GB/T 2260 + the village suffix); [0-9], not \d,
# which would let full-width and Arabic-Indic digits through.
RegionCode = Annotated[str, Path(pattern=r"^[0-9]{2,12}$")]
# Primary keys are PostgreSQL bigints.
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
# SECURITY.md P6: at most 100 rows per page; 1,000 for the region tree, which holds no PI.
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
# Printable text only: PostgreSQL refuses a NUL byte in a string with an error, not a 4xx.
SearchText = Annotated[str, Query(max_length=50, pattern=r"^[^\x00-\x1f\x7f]*$")]


class RegionOut(Schema):
    code: str
    name: str
    short_name: str
    level: int
    level_label: str
    parent_code: str | None
    kind: str
    kind_corrected: bool

    @staticmethod
    def resolve_level_label(obj: Region) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        return obj.parent_id


class CampaignOut(Schema):
    id: int
    name: str
    term_number: int
    region_code: str
    region_name: str
    rule_province: str
    window_start: date
    window_end: date

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return str(obj.region_id)

    @staticmethod
    def resolve_region_name(obj: Any) -> str:
        return str(obj.region.display_name)


class CampaignVillageOut(Schema):
    code: str
    name: str
    kind: str
    included: bool
    exclusion_reason: str

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.region_id)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.region.display_name)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.region.kind)


@api.get("/regions/{code}", response=RegionOut, tags=["区划"], summary="一个区划")
def region_get(request: HttpRequest, code: RegionCode) -> Region:
    return region_selectors.access_region(request.user, code)


@api.get("/regions/{code}/children", response=list[RegionOut], tags=["区划"], summary="下级区划")
def region_children(
    request: HttpRequest,
    code: RegionCode,
    q: SearchText = "",
    limit: Limit = 500,
    offset: Offset = 0,
) -> Any:
    region = region_selectors.access_region(request.user, code)
    if q:
        rows = region_selectors.search_regions(request.user, region, q)
    else:
        rows = region_selectors.regions_visible_to(request.user).filter(parent=region)
    return list(rows.order_by("code")[offset : offset + limit])


@api.get("/campaigns", response=list[CampaignOut], tags=["换届"], summary="可见的换届")
def campaign_list(request: HttpRequest) -> Any:
    require(request.user, Action.VIEW_CAMPAIGNS)
    return list(election_selectors.campaigns_visible_to(request.user).order_by("-window_start"))


@api.get("/campaigns/{pk}", response=CampaignOut, tags=["换届"], summary="一个换届")
def campaign_get(request: HttpRequest, pk: Id) -> Any:
    return election_selectors.access_campaign(request.user, pk)


@api.get(
    "/campaigns/{pk}/villages",
    response=list[CampaignVillageOut],
    tags=["换届"],
    summary="换届中本人范围内的村(社区)",
)
def campaign_villages(request: HttpRequest, pk: Id, limit: Limit = 500, offset: Offset = 0) -> Any:
    campaign = election_selectors.access_campaign(request.user, pk)
    rows = election_selectors.campaign_villages_visible_to(request.user, campaign).order_by(
        "region_id"
    )
    return list(rows[offset : offset + limit])


__all__ = ["api", "get_object_or_404"]
