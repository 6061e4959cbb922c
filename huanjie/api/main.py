"""The JSON API under /api/ (django-ninja), with the same scope rules as the pages: a region or
campaign outside the user's scope answers 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
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
)


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
def region_get(request: HttpRequest, code: str) -> Region:
    return region_selectors.access_region(request.user, code)


@api.get("/regions/{code}/children", response=list[RegionOut], tags=["区划"], summary="下级区划")
def region_children(
    request: HttpRequest, code: str, q: str = "", limit: int = 500, offset: int = 0
) -> Any:
    region = region_selectors.access_region(request.user, code)
    if q:
        rows = region_selectors.search_regions(request.user, region, q)
    else:
        rows = region_selectors.regions_visible_to(request.user).filter(parent=region)
    limit = max(1, min(limit, 1000))
    return list(rows.order_by("code")[offset : offset + limit])


@api.get("/campaigns", response=list[CampaignOut], tags=["换届"], summary="可见的换届")
def campaign_list(request: HttpRequest) -> Any:
    require(request.user, Action.VIEW_CAMPAIGNS)
    return list(election_selectors.campaigns_visible_to(request.user).order_by("-window_start"))


@api.get("/campaigns/{pk}", response=CampaignOut, tags=["换届"], summary="一个换届")
def campaign_get(request: HttpRequest, pk: int) -> Any:
    return election_selectors.access_campaign(request.user, pk)


@api.get(
    "/campaigns/{pk}/villages",
    response=list[CampaignVillageOut],
    tags=["换届"],
    summary="换届中本人范围内的村(社区)",
)
def campaign_villages(request: HttpRequest, pk: int, limit: int = 500, offset: int = 0) -> Any:
    campaign = election_selectors.access_campaign(request.user, pk)
    limit = max(1, min(limit, 1000))
    rows = election_selectors.campaign_villages_visible_to(request.user, campaign).order_by(
        "region_id"
    )
    return list(rows[offset : offset + limit])


__all__ = ["api", "get_object_or_404"]
