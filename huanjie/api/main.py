"""The JSON API under /api/ (django-ninja), with the same scope rules as the pages: a region or
campaign outside the user's scope answers 404.

Every parameter is typed and bounded here, so a bad one (a negative offset, a limit of a billion,
a letter where an id goes, a NUL byte) answers 422 before it reaches the database, never 500
(SECURITY.md V1). The OpenAPI schema and its docs page need a login, like every page.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from huanjie.accounts.permissions import Action, current_user, require
from huanjie.elections import selectors as election_selectors
from huanjie.nomination import selectors_nominees, services
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


# ---------------------------------------------------------------------------------------------
# Nominees (issue 10): the same services as the pages; a refusal is 400 with its Chinese
# messages, an election or nominee outside the user's region 404.

# SECURITY.md P6: personal data at most 100 rows a page.
PageLimit = Annotated[int, Query(ge=1, le=100)]
IdNumber = Annotated[str, Field(min_length=15, max_length=20, pattern=r"^[0-9Xx ]+$")]


class NomineeOut(Schema):
    id: int
    election: int
    order: int
    name: str
    id_masked: str
    post: str
    how_nominated: str
    stage: str
    stage_label: str
    barred: bool

    @staticmethod
    def resolve_election(obj: Any) -> int:
        return int(obj.election_id)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.person.name)

    @staticmethod
    def resolve_id_masked(obj: Any) -> str:
        return str(obj.person.id_masked)

    @staticmethod
    def resolve_post(obj: Any) -> str:
        return str(obj.post.post)

    @staticmethod
    def resolve_stage_label(obj: Any) -> str:
        return str(obj.get_stage_display())


class ProposeIn(Schema):
    id_number: IdNumber
    post: Annotated[str, Field(max_length=20, pattern=r"^[a-z_]+$")]
    how_nominated: Annotated[str, Field(max_length=30, pattern=r"^[a-z_]+$")]
    reason: Annotated[str, Field(max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""


class ReasonIn(Schema):
    reason: Annotated[str, Field(max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""


class Refused(Schema):
    detail: list[str]


@api.get(
    "/elections/{election}/nominees",
    response=list[NomineeOut],
    tags=["提名"],
    summary="一次选举的提名人选",
)
def election_nominees(
    request: HttpRequest, election: Id, limit: PageLimit = 100, offset: Offset = 0
) -> Any:
    obj = selectors_nominees.access_election_any(request.user, election)
    return list(selectors_nominees.nominees_of(obj)[offset : offset + limit])


S = TypeVar("S", bound=Schema)


def _json_body(schema: type[Schema]) -> dict[str, Any]:
    """The documented JSON body of an operation that reads it itself (`_body`)."""
    content = {"application/json": {"schema": schema.model_json_schema()}}
    return {"requestBody": {"content": content, "required": schema is ProposeIn}}


def _body(request: HttpRequest, schema: type[S]) -> S:
    """The JSON body, read after the scope check (an election of another county answers 404
    whatever its body); a bad one answers 422 like every other bad parameter."""
    try:
        return schema.model_validate_json(request.body or b"{}")
    except PydanticValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise NinjaValidationError([dict(e) for e in errors]) from exc


@api.post(
    "/elections/{election}/nominees",
    response={201: NomineeOut, 400: Refused},
    tags=["提名"],
    summary="提名：JSON {id_number, post, how_nominated, reason}；被提名人须在本村选民名单或党员中",
    openapi_extra=_json_body(ProposeIn),
)
def election_propose(request: HttpRequest, election: Id) -> Any:
    obj = selectors_nominees.access_election_any(request.user, election)
    require(request.user, Action.MANAGE_NOMINATION)
    data = _body(request, ProposeIn)
    person = selectors_nominees.person_of_village(obj.village, id_number=data.id_number)
    post = obj.posts.filter(post=data.post).first()
    try:
        if person is None:
            raise ValidationError(MSG_API_NOT_ON_ROLL)
        if post is None:
            raise ValidationError(services.MSG_POST_OTHER_ELECTION)
        nominee = services.nominee_propose(
            actor=current_user(request),
            election=obj,
            post=post,
            person=person,
            how_nominated=data.how_nominated,
            reason=data.reason,
        )
    except ValidationError as exc:
        return Status(400, {"detail": exc.messages})
    return Status(201, selectors_nominees.access_nominee_any(request.user, nominee.pk))


class FormalCheckOut(Schema):
    nominee: NomineeOut
    problems: list[str]


@api.get(
    "/nominees/{nominee}/formal",
    response=FormalCheckOut,
    tags=["提名"],
    summary="能否确定为正式候选人（不能的原因；只读）",
)
def nominee_formal_check(request: HttpRequest, nominee: Id) -> Any:
    obj = selectors_nominees.access_nominee_any(request.user, nominee)
    return {"nominee": obj, "problems": selectors_nominees.formal_problems(obj)}


@api.post(
    "/nominees/{nominee}/formal",
    response={200: NomineeOut, 400: Refused},
    tags=["提名"],
    summary="确定为正式候选人：JSON {reason}",
    openapi_extra=_json_body(ReasonIn),
)
def nominee_formal(request: HttpRequest, nominee: Id) -> Any:
    obj = selectors_nominees.access_nominee_any(request.user, nominee)
    require(request.user, Action.MANAGE_NOMINATION)
    data = _body(request, ReasonIn)
    try:
        services.nominee_make_formal(actor=current_user(request), nominee=obj, reason=data.reason)
    except ValidationError as exc:
        return Status(400, {"detail": exc.messages})
    return Status(200, selectors_nominees.access_nominee_any(request.user, obj.pk))


MSG_API_NOT_ON_ROLL = "该身份证号不在本村(社区)本次换届的选民名单或本村党组织的党员中"

__all__ = ["api", "get_object_or_404"]
