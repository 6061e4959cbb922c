"""The role × action matrix over every write service (SECURITY.md C1 "a role × permission matrix
test per cell", C3): each service refuses by itself, whatever view calls it.

Every public function of a services module that takes `actor` as a keyword is found by
introspection; each is in the matrix (the Action it needs and a builder of valid arguments) or
named below with the reason it is not, so a new service without an entry fails here. For each
role of `Role`, with the cast's user of that role (all of them in 630121, the objects in
红河限村 inside their scope): a role whose ROLE_ACTIONS lack the action is refused (the service's
own refusal, one access.denied row, nothing else written); a role holding it succeeds, unless
the service is one level's (`Case.actor_levels`: a county's own, a level of the joint review)
and the user is at another, who is refused the same way; and a role holding it is refused on
the same kind of object out of its scope (another town for a town or village user, another
county for a county one). A review department's services refuse, besides, a reviewer of another
department.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from huanjie.accounts.models import Department, Role, User
from huanjie.accounts.permissions import ROLE_ACTIONS, Action
from huanjie.accounts.services import RoleSpec, user_create
from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED, flush_denied
from huanjie.committees.tests.matrix import cases as committee_cases
from huanjie.conftest import (
    ELECTION_DAY,
    OTHER_COUNTY,
    OTHER_COUNTY_VILLAGE,
    OTHER_TOWN_VILLAGE,
    VILLAGE,
    Cast,
)
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import campaign_create
from huanjie.elections.tests.matrix import cases as rule_profile_cases
from huanjie.ledgers.tests.matrix import cases as ledger_cases
from huanjie.lib import idcard
from huanjie.nomination.tests.matrix import cases as list_cases
from huanjie.oversight.tests.matrix import cases as oversight_cases
from huanjie.polls.tests.matrix import cases as poll_cases
from huanjie.progress.tests.matrix import cases as progress_cases
from huanjie.regions.models import Region
from huanjie.results.tests.matrix import cases as result_cases
from huanjie.review.tests.matrix import cases as review_cases
from huanjie.rosters.tests.matrix import cases as roster_cases

ROOT = Path(__file__).resolve().parents[1]

# The modules holding write services: <app>/services.py, <app>/services/*.py, and the modules
# that hold an app's services beside its importer (voters.status, <app>/imports.py), the
# formal lists (nomination.lists) and the county's rule profiles (elections.rule_profiles).
SERVICE_FILES = (
    "*/services.py",
    "*/services/*.py",
    "voters/status.py",
    "*/imports.py",
    "accounts/second_factor.py",
    "nomination/lists.py",
    "elections/rule_profiles.py",
)

# Modules whose functions take an actor but are no services: the demo loaders (huanjie demo),
# which call the services with the demo's users.
NOT_SERVICE_FILES = ("*/demo.py", "*/*_demo.py")

# Services that act on the signed-in user themselves, never on another's data: they take the
# user, not an actor, and have no Action to hold (login, logout, the session, one's password).
SELF_SERVICES = {
    "huanjie.accounts.services.password_change",
    "huanjie.accounts.services.session_started",
    "huanjie.accounts.services.login_succeeded",
    "huanjie.accounts.services.login_failed",
    "huanjie.accounts.services.logged_out",
}

# Not entry points, each for its reason; none may be called from a view (checked below).
NOT_IN_MATRIX = {
    # A county's term (届) made on the way by the service that needs it, which checked its actor:
    # the roster import's writer and the roster of a certified result.
    "huanjie.rosters.services.terms.term_get_or_create": "made by the roster import or a result",
    "huanjie.rosters.services.terms.term_of_campaign": "made by the roster of a certified result",
    # The audit log's own writers: every service calls them with its own actor.
    "huanjie.audit.services.audit_record": "the audit log's writer",
    "huanjie.audit.services.audit_denied": "the audit log's writer of refusals",
    # The system's: the command line and the demo loader, never a page.
    "huanjie.regions.services.regions_load": "the command line (huanjie regions load)",
    "huanjie.people.services.people_bulk_create": "the demo loader; no page calls it",
    # Steps of a checked service, called inside its transaction after its check.
    "huanjie.people.services.person_find_or_create": "a step of member_add / voter registration",
    "huanjie.voters.services.registrations.register_person": "a step of voter_register etc.",
    "huanjie.voters.services.registrations.conflict_keep": "a step of voter_register etc.",
    "huanjie.voters.services.registrations.registration_deactivate": "a step of voter_remove",
    "huanjie.voters.services.registrations.person_for_registration": "a step of voter_register",
    "huanjie.polls.services.lifecycle.poll_move": "the guarded move every poll service makes",
    "huanjie.results.services.certify.version_create": (
        "a new version, made inside the certification and the approval of a correction"
    ),
    "huanjie.results.services.certify.version_make_current": (
        "puts a version in force inside the county's certification or a correction's approval"
    ),
    "huanjie.rosters.services.results.roster_from_version": (
        "the roster following a version put in force by the county's certification"
    ),
    "huanjie.rosters.services.results.roster_on_version_in_force": "the signal's receiver of the above",
    "huanjie.voters.services.status_effects.registrations_apply_status": "a step of the status",
    "huanjie.voters.services.status_effects.registrations_undo_status": "a step of the status",
    "huanjie.voters.imports.run_pipeline": "the roll importer's run, after upload_* checked",
}


def _actor_functions(path: Path) -> dict[str, Callable[..., Any]]:
    """The public functions a module defines with a keyword-only `actor`."""
    name = ".".join(("huanjie", *path.relative_to(ROOT).with_suffix("").parts))
    module = importlib.import_module(name)
    found: dict[str, Callable[..., Any]] = {}
    for attr, fn in vars(module).items():
        if attr.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != name:
            continue
        param = inspect.signature(fn).parameters.get("actor")
        if param is not None and param.kind is inspect.Parameter.KEYWORD_ONLY:
            found[f"{name}.{attr}"] = fn
    return found


def discover() -> dict[str, Callable[..., Any]]:
    """Every public function defined in a services module with a keyword-only `actor`."""
    found: dict[str, Callable[..., Any]] = {}
    paths = sorted({p for pattern in SERVICE_FILES for p in ROOT.glob(pattern)})
    for path in paths:
        if "tests" in path.parts:
            continue
        found |= _actor_functions(path)
    return found


# ---------------------------------------------------------------------------------------------
# The world a builder works in.


@dataclass(frozen=True)
class Place:
    """Where a builder puts its object: a village-level unit, the area (a town or county) of
    area-level services, and the county."""

    village: str
    area: str

    @property
    def county(self) -> str:
        return self.village[:6]


def inside(user: User) -> Place:
    """Objects in the user's scope: 红河限村, and the user's own region as the area."""
    return Place(VILLAGE, user.region_id or "")


def outside(user: User) -> Place:
    """Objects just out of the user's scope: another town's for a town or village user, another
    county's for a county one."""
    if len(user.region_id or "") > 6:
        return Place(OTHER_TOWN_VILLAGE, OTHER_TOWN_VILLAGE[:9])
    return Place(OTHER_COUNTY_VILLAGE, OTHER_COUNTY)


_seq = itertools.count(600)  # unique names
_numbers = itertools.cycle(range(1, 500))  # idcard.generate's sequence numbers


@dataclass
class World:
    cast: Cast
    campaign: Campaign
    tmp: Path
    campaigns: dict[str, Campaign] = field(default_factory=dict)

    def officer(self, place: Place) -> User:
        return (
            self.cast.county_officer if place.county == "630121" else self.cast.other_county_officer
        )

    def region(self, code: str) -> Region:
        return Region.objects.get(code=code)

    def campaign_of(self, place: Place) -> Campaign:
        if place.county == "630121":
            return self.campaign
        if place.county not in self.campaigns:
            other = campaign_create(
                actor=self.cast.other_county_officer,
                name="第12届村(社区)“两委”换届",
                term_number=12,
                region=self.region(place.county),
                rule_province="",
                window_start=self.campaign.window_start,
                window_end=self.campaign.window_end,
            )
            CampaignVillage.objects.filter(campaign=other).update(election_date=ELECTION_DAY)
            self.campaigns[place.county] = other
        return self.campaigns[place.county]

    def entry(self, place: Place) -> CampaignVillage:
        return CampaignVillage.objects.select_related("campaign", "region").get(
            campaign=self.campaign_of(place), region_id=place.village
        )

    def number(self, birth: date = date(1975, 6, 1)) -> str:
        """A new ID number (born on another day than test_roll_cast's people)."""
        return idcard.generate("630121", birth, "M", next(_numbers))

    def category(self, place: Place) -> str:
        """The first registration category of the unit's kind (a 社区 has its own)."""
        community = self.region(place.village).kind == Region.Kind.COMMUNITY
        return "community_hukou" if community else "hukou_resident"

    def person(self, place: Place, name: str = "马玉兰") -> Any:
        from huanjie.voters.tests.test_roll_cast import make_person

        return make_person(name, region=place.village)[0]

    def registration(self, place: Place, name: str = "马玉兰") -> Any:
        from huanjie.voters.services import voter_register

        return voter_register(
            actor=self.officer(place),
            campaign=self.campaign_of(place),
            village=self.region(place.village),
            person=self.person(place, name),
            category=self.category(place),
        )

    def publication(self, place: Place) -> Any:
        from huanjie.voters.services import voter_list_publish

        self.registration(place)
        return voter_list_publish(
            actor=self.officer(place),
            campaign=self.campaign_of(place),
            village=self.region(place.village),
            published_on=date(2026, 12, 20),
        )

    def upload(self, name: str = "名单.csv") -> Path:
        path = self.tmp / f"{next(_seq)}-{name}"
        path.write_text("姓名,公民身份号码\n", encoding="utf-8")
        return path

    def target_user(self, place: Place) -> User:
        user, _ = user_create(
            actor=None,
            username=f"target{next(_seq)}",
            full_name="待管理",
            region=self.region(place.village),
            roles=[RoleSpec(Role.VILLAGE_CLERK)],
        )
        return user

    def branch(self, place: Place) -> Any:
        from huanjie.party.services import branch_create

        return branch_create(
            actor=self.officer(place),
            village=self.region(place.village),
            name="中共村支部委员会",
            kind="branch",
        )

    def member(self, place: Place) -> Any:
        from huanjie.party.services import member_add

        return member_add(
            actor=self.officer(place),
            branch=self.branch(place),
            id_number=self.number(date(1970, 3, 1)),
            name="马成林",
        )

    def preview_job(self, model: type[Any], place: Place, **fields: Any) -> Any:
        """A job in "preview" whose stored file is a small (refused) one: a confirmation runs."""
        return model.objects.create(
            region=self.region(place.area),
            filename="名单.csv",
            sha256="0" * 64,
            created_by=self.officer(place),
            stored_path=str(self.upload()),
            **fields,
        )


Build = Callable[[World, Place], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    action: Action
    build: Build
    # Region code lengths of the area the service works on (an importer by county or town), when
    # not every one: a village clerk's own region is no such area.
    area_levels: tuple[int, ...] = (6, 9, 12)
    # Region code lengths of the users who may call it, when not every one (a county's own
    # service, a level of the joint review): a user holding the Action at another level is
    # refused in its own scope like one without it (access.denied, nothing written).
    actor_levels: tuple[int, ...] = (6, 9, 12)


# ---------------------------------------------------------------------------------------------
# Builders, by app.


def _accounts() -> dict[str, Case]:
    manage = Action.MANAGE_USERS
    p = "huanjie.accounts.services."
    return {
        p + "user_create": Case(
            manage,
            lambda w, at: {
                "username": f"new{next(_seq)}",
                "full_name": "新用户",
                "region": w.region(at.village),
                "roles": [RoleSpec(Role.VILLAGE_CLERK)],
            },
        ),
        p + "user_roles_set": Case(
            manage,
            lambda w, at: {"user": w.target_user(at), "roles": [RoleSpec(Role.INSPECTOR)]},
        ),
        p + "user_set_active": Case(
            manage, lambda w, at: {"user": w.target_user(at), "active": False}
        ),
        p + "user_unlock": Case(manage, lambda w, at: {"user": w.target_user(at)}),
        p + "user_reset_password": Case(manage, lambda w, at: {"user": w.target_user(at)}),
        # Another user's sessions; one's own (actor is user) is a self service.
        p + "sessions_end": Case(manage, lambda w, at: {"user": w.target_user(at)}),
        "huanjie.accounts.second_factor.second_factor_reset": Case(
            manage, lambda w, at: {"user": w.target_user(at)}
        ),
    }


def _elections() -> dict[str, Case]:
    p = "huanjie.elections.services."
    return {
        p + "campaign_create": Case(
            Action.MANAGE_CAMPAIGNS,
            lambda w, at: {
                "name": "第13届村(社区)“两委”换届",
                "term_number": 13,
                "region": w.region(at.county),
                "rule_province": "",
                "window_start": date(2029, 11, 1),
                "window_end": date(2030, 3, 31),
            },
        ),
        p + "campaign_update": Case(
            Action.MANAGE_CAMPAIGNS,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "name": "第12届换届（更名）",
                "rule_province": "",
                "window_start": date(2026, 11, 1),
                "window_end": date(2027, 3, 31),
            },
        ),
        p + "campaign_set_retention": Case(
            Action.MANAGE_CAMPAIGNS,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "retention_until": date(2037, 3, 31),
                "reason": "县档案馆要求保存10年",
            },
        ),
        p + "campaign_village_set": Case(
            Action.MANAGE_CAMPAIGNS,
            lambda w, at: {"entry": w.entry(at), "included": False, "reason": "已撤并"},
        ),
        p + "campaign_village_set_election_date": Case(
            Action.SET_ELECTION_DATE,
            lambda w, at: {
                "entry": w.entry(at),
                "election_date": date(2027, 1, 10),
                "reason": "统一调整选举日",
            },
        ),
    }


def _election(w: World, at: Place, body: str = "") -> Any:
    """An election of the village at `at` with seats: its committee (villagers' or residents',
    nominated by the voters) or, with body "party", its Party organisation's (三推)."""
    from huanjie.elections.services import election_create, election_set_seats

    committee = "residents" if w.region(at.village).kind == Region.Kind.COMMUNITY else "villagers"
    party = body == "party"
    election = election_create(
        actor=w.officer(at),
        entry=w.entry(at),
        body="party" if party else committee,
        nomination_method="three_recommendations" if party else "voters",
    )
    seats = {"secretary": 1, "member": 4} if party else {"director": 1, "member": 4}
    return election_set_seats(actor=w.officer(at), election=election, seats=seats)


def _nominee(w: World, at: Place, stage: str = "nominated", body: str = "") -> Any:
    """A nominee of `_election` moved by the services to `stage`."""
    from huanjie.nomination import services as n

    officer = w.officer(at)
    election = _election(w, at, body)
    nominee = n.nominee_propose(
        actor=officer,
        election=election,
        post=election.posts.get(post="member"),
        person=w.person(at, "祁国强"),
        how_nominated="self",
    )
    steps = [
        ("under_review", lambda: n.nominee_send_to_review(actor=officer, nominee=nominee)),
        ("qualified", lambda: n.nominee_qualify(actor=officer, nominee=nominee)),
        (
            "recommended",
            lambda: n.nominee_recommend(
                actor=officer, nominee=nominee, member_votes=30, mass_votes=80
            ),
        ),
        (
            "preselected",
            lambda: n.nominee_preselect(actor=officer, nominee=nominee, committee_votes=9),
        ),
    ]
    for _, step in steps:
        if nominee.stage == stage:
            break
        step()
    assert nominee.stage == stage
    return nominee


def _nomination() -> dict[str, Case]:
    manage = Action.MANAGE_NOMINATION
    p = "huanjie.nomination.services."
    # The Party's 三推 is the town Party committee's: a village clerk holds the Action but not
    # these elections, and is refused them.
    town_up = (6, 9)
    return {
        "huanjie.elections.services.election_create": Case(
            Action.MANAGE_ELECTIONS,
            lambda w, at: {
                "entry": w.entry(at),
                "body": (
                    "residents"
                    if w.region(at.village).kind == Region.Kind.COMMUNITY
                    else "villagers"
                ),
                "nomination_method": "voters",
            },
        ),
        "huanjie.elections.services.election_set_seats": Case(
            Action.MANAGE_ELECTIONS,
            lambda w, at: {
                "election": _election(w, at),
                "seats": {"director": 1, "deputy_director": 1, "member": 3},
            },
        ),
        p + "nominee_propose": Case(
            manage,
            lambda w, at: {
                "election": (e := _election(w, at)),
                "post": e.posts.get(post="member"),
                "person": w.person(at, "韩秀英"),
                "how_nominated": "voters_jointly",
            },
        ),
        p + "nominee_send_to_review": Case(manage, lambda w, at: {"nominee": _nominee(w, at)}),
        p + "nominee_qualify": Case(
            manage, lambda w, at: {"nominee": _nominee(w, at, "under_review")}
        ),
        p + "nominee_disqualify": Case(
            manage,
            lambda w, at: {
                "nominee": _nominee(w, at, "under_review"),
                "reason": "受过刑事处罚",
                "cannot_stand": True,
            },
        ),
        p + "nominee_recommend": Case(
            manage,
            lambda w, at: {
                "nominee": _nominee(w, at, "qualified", "party"),
                "member_votes": 30,
                "mass_votes": 80,
            },
            actor_levels=town_up,
        ),
        p + "nominee_preselect": Case(
            manage,
            lambda w, at: {
                "nominee": _nominee(w, at, "recommended", "party"),
                "committee_votes": 9,
            },
            actor_levels=town_up,
        ),
        p + "nominee_make_formal": Case(
            manage, lambda w, at: {"nominee": _nominee(w, at, "qualified")}
        ),
        p + "nominee_withdraw": Case(
            manage, lambda w, at: {"nominee": _nominee(w, at), "reason": "本人申请退出"}
        ),
    }


def _party() -> dict[str, Case]:
    from huanjie.party.imports import PARTY
    from huanjie.party.models import PartyRollImport

    manage = Action.MANAGE_PARTY
    p = "huanjie.party.services."

    def preview(w: World, at: Place) -> dict[str, Any]:
        return {
            "campaign": w.campaign_of(at),
            "area": w.region(at.area),
            "upload": w.upload(),
        }

    return {
        p + "branch_create": Case(
            manage,
            lambda w, at: {
                "village": w.region(at.village),
                "name": "中共村支部委员会",
                "kind": "branch",
            },
        ),
        p + "member_add": Case(
            manage,
            lambda w, at: {
                "branch": w.branch(at),
                "id_number": w.number(date(1972, 4, 1)),
                "name": "祁国强",
            },
        ),
        p + "member_set_status": Case(
            manage, lambda w, at: {"member": w.member(at), "status": "probation_discipline"}
        ),
        p + "member_set_joined_on": Case(
            manage, lambda w, at: {"member": w.member(at), "joined_on": date(2000, 7, 1)}
        ),
        p + "member_registration_set": Case(
            manage,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "member": w.member(at),
                "registered": True,
            },
        ),
        "huanjie.party.imports.party_roll_preview": Case(manage, preview, area_levels=(6, 9)),
        "huanjie.party.imports.party_roll_confirm": Case(
            manage,
            lambda w, at: {"job": w.preview_job(PartyRollImport, at, campaign=w.campaign_of(at))},
            area_levels=(6, 9),
        ),
        # The upload lifecycle, with the party roll's importer (its Action is PARTY.action).
        "huanjie.uploads.services.upload_preview": Case(
            PARTY.action,
            lambda w, at: {
                "importer": PARTY,
                "scope": w.region(at.area),
                "campaign": w.campaign_of(at),
                "upload": w.upload(),
            },
            area_levels=(6, 9),
        ),
        "huanjie.uploads.services.upload_confirm": Case(
            PARTY.action,
            lambda w, at: {
                "importer": PARTY,
                "job": w.preview_job(PartyRollImport, at, campaign=w.campaign_of(at)),
            },
            area_levels=(6, 9),
        ),
    }


def _regions() -> dict[str, Case]:
    return {
        "huanjie.regions.services.region_kind_correct": Case(
            Action.CORRECT_REGION_KIND,
            lambda w, at: {
                "region": w.region(at.village),
                "kind": "community",
                "reason": "已撤村建居",
            },
        ),
    }


def _conflict(w: World, at: Place) -> dict[str, Any]:
    """An open duplicate: registered first in another village (红河限村's other town, or from
    another county 红河限村 itself), then in `at`."""
    from huanjie.voters.services import DuplicateRegistration, voter_register

    first = Place(OTHER_TOWN_VILLAGE if at.village == VILLAGE else VILLAGE, at.area)
    person = w.person(first, "鲁成福")
    for place in (first, at):
        try:
            voter_register(
                actor=w.officer(place),
                campaign=w.campaign_of(place),
                village=w.region(place.village),
                person=person,
                category=w.category(place),
            )
        except DuplicateRegistration as exc:
            return {"conflict": exc.conflict, "decision": "kept_first"}
    raise AssertionError("no conflict")


def _proxy(w: World, at: Place) -> dict[str, Any]:
    from huanjie.voters.services import proxy_record

    principal, holder = w.registration(at, "马玉兰"), w.registration(at, "祁国强")
    proxy = proxy_record(
        actor=w.officer(at),
        principal=principal,
        holder=holder,
        relation="配偶",
        close_relative=True,
        filed_on=date(2026, 12, 1),
    )
    return {"proxy": proxy, "on": date(2026, 12, 5), "reason": "本人可以到场投票"}


def _objection(w: World, at: Place) -> Any:
    from huanjie.voters.services import objection_record

    return objection_record(
        actor=w.officer(at),
        publication=w.publication(at),
        filer_name="马玉兰",
        subject_name="马小军",
        kind="omitted",
        detail="应登记而未登记",
        filed_on=date(2026, 12, 22),
        received_on=date(2026, 12, 22),
    )


def _status_change(w: World, at: Place) -> Any:
    from huanjie.voters.status import person_status_record

    return person_status_record(
        actor=w.officer(at),
        person=w.person(at, "韩秀英"),
        kind="died",
        on=date(2026, 10, 5),
        source="死亡证明",
    )


def _voters() -> dict[str, Case]:
    from huanjie.people.models import PersonChangeImport
    from huanjie.voters.models import ImportJob
    from huanjie.voters.services.roll_build import roll_build_preview

    manage = Action.MANAGE_VOTERS
    p = "huanjie.voters.services."
    r = p + "registrations."
    return {
        r + "voter_register": Case(
            manage,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "village": w.region(at.village),
                "person": w.person(at),
                "category": w.category(at),
            },
        ),
        r + "voter_register_by_number": Case(
            manage,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "village": w.region(at.village),
                "id_number": w.number(),
                "name": "马晓梅",
                "sex": "M",
                "region": w.region(at.village),
                "category": w.category(at),
            },
        ),
        r + "voter_remove": Case(
            manage, lambda w, at: {"registration": w.registration(at), "reason": "moved_out"}
        ),
        r + "roll_carry_over": Case(
            manage,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "village": w.region(at.village),
                "previous_campaign": campaign_create(
                    actor=w.officer(at),
                    name="第11届村(社区)“两委”换届",
                    term_number=11,
                    region=w.region(at.county),
                    rule_province="",
                    window_start=date(2021, 1, 1),
                    window_end=date(2021, 12, 31),
                ),
            },
        ),
        r + "conflict_resolve": Case(Action.RESOLVE_DUPLICATES, _conflict),
        r + "person_reveal_id": Case(
            Action.REVEAL_ID, lambda w, at: {"person": w.person(at), "reason": "核对户籍登记信息"}
        ),
        p + "roll_build.roll_build_preview": Case(manage, lambda w, at: {"entry": w.entry(at)}),
        p + "roll_build.roll_build_confirm": Case(
            manage,
            lambda w, at: {
                "entry": w.entry(at),
                "expected": roll_build_preview(actor=w.officer(at), entry=w.entry(at)).fingerprint,
            },
        ),
        p + "publication.voter_list_publish": Case(
            manage,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "village": w.region(at.village),
                "published_on": date(2026, 12, 20),
            },
        ),
        p + "publication.objection_record": Case(
            manage,
            lambda w, at: {
                "publication": w.publication(at),
                "filer_name": "马玉兰",
                "subject_name": "马小军",
                "kind": "omitted",
                "detail": "应登记而未登记",
                "filed_on": date(2026, 12, 22),
                "received_on": date(2026, 12, 22),
            },
        ),
        p + "publication.objection_decide": Case(
            manage,
            lambda w, at: {
                "objection": _objection(w, at),
                "outcome": "rejected",
                "decision": "经核实，不属于本村选民",
                "decided_on": date(2026, 12, 24),
            },
        ),
        p + "proxies.proxy_record": Case(
            manage,
            lambda w, at: {
                "principal": w.registration(at, "马玉兰"),
                "holder": w.registration(at, "祁国强"),
                "relation": "配偶",
                "close_relative": True,
                "filed_on": date(2026, 12, 1),
            },
        ),
        p + "proxies.proxy_withdraw": Case(manage, _proxy),
        "huanjie.voters.status.person_status_record": Case(
            manage,
            lambda w, at: {
                "person": w.person(at),
                "kind": "died",
                "on": date(2026, 10, 5),
                "source": "死亡证明",
            },
        ),
        "huanjie.voters.status.person_status_correct": Case(
            manage, lambda w, at: {"change": _status_change(w, at), "reason": "登记错了人"}
        ),
        "huanjie.voters.status.person_changes_preview": Case(
            manage,
            lambda w, at: {"region": w.region(at.area), "upload": w.upload()},
            area_levels=(6, 9),
        ),
        "huanjie.voters.status.person_changes_confirm": Case(
            manage,
            lambda w, at: {"job": w.preview_job(PersonChangeImport, at)},
            area_levels=(6, 9),
        ),
        "huanjie.voters.imports.roll_import_preview": Case(
            manage,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "village": w.entry(at),
                "upload": w.upload(),
            },
        ),
        "huanjie.voters.imports.roll_import_run": Case(
            manage,
            lambda w, at: {
                "job": w.preview_job(
                    ImportJob, Place(at.village, at.village), campaign=w.campaign_of(at)
                )
            },
        ),
    }


MATRIX: dict[str, Case] = {
    **_accounts(),
    **_elections(),
    **_party(),
    **_regions(),
    **_voters(),
    **_nomination(),
    **committee_cases(),
    **list_cases(),
    **rule_profile_cases(),
    **review_cases(),
    **poll_cases(),
    **result_cases(),
    **roster_cases(),
    **progress_cases(),
    **ledger_cases(),
    **oversight_cases(),
}
SERVICES = discover()
ROLES = list(Role)


def _user_of(cast: Cast, role: Role) -> User:
    return getattr(cast, str(role))


# ---------------------------------------------------------------------------------------------
# What a call wrote.


def _row_counts() -> dict[str, int]:
    """Rows of every table but the audit log's, in one query."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m is not AuditEvent
    ]
    tables = sorted({m._meta.db_table for m in models})
    qn = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


def _audit() -> tuple[int, int]:
    """(access.denied rows, other audit rows)."""
    denied = AuditEvent.objects.filter(action=ACCESS_DENIED).count()
    return denied, AuditEvent.objects.count() - denied


REFUSALS = (ValidationError, PermissionDenied, Http404)


def _assert_refused(fn: Callable[..., Any], actor: User, kwargs: dict[str, Any]) -> None:
    rows, (denied, others) = _row_counts(), _audit()
    with pytest.raises(REFUSALS):
        fn(actor=actor, **kwargs)
    # What the request's end does (audit.middleware): write a refusal kept while the service's
    # own transaction was open (audit_denied).
    flush_denied()
    assert _row_counts() == rows, "a refused call wrote rows"
    assert _audit() == (denied + 1, others), "a refusal leaves one access.denied row, no other"
    event = AuditEvent.objects.filter(action=ACCESS_DENIED).latest("id")
    assert (event.user_id, event.outcome) == (actor.pk, "failure")


@pytest.fixture
def world(cast: Cast, campaign: Campaign, tmp_path: Path, settings: Any) -> World:
    settings.VAR_DIR = str(tmp_path / "var")
    return World(cast=cast, campaign=campaign, tmp=tmp_path)


# ---------------------------------------------------------------------------------------------
# The tests.


def test_every_service_is_in_the_matrix_or_named_with_its_reason() -> None:
    unlisted = set(SERVICES) - set(MATRIX) - set(NOT_IN_MATRIX)
    assert not unlisted, f"add these services to the matrix: {sorted(unlisted)}"
    stale = (set(MATRIX) | set(NOT_IN_MATRIX)) - set(SERVICES)
    assert not stale, f"no such service any more: {sorted(stale)}"


def test_every_module_with_services_is_in_service_files() -> None:
    """A service written outside the modules SERVICE_FILES names (a new `lists.py`) would escape
    the matrix: every module of the project is looked at."""
    named = {p for pattern in (*SERVICE_FILES, *NOT_SERVICE_FILES) for p in ROOT.glob(pattern)}
    skipped = {"tests", "migrations", "browser_tests"}
    missed = sorted(
        service
        for path in ROOT.rglob("*.py")
        if path not in named
        and not skipped & set(path.relative_to(ROOT).parts)
        and path.name not in ("__main__.py", "conftest.py")
        for service in _actor_functions(path)
    )
    assert not missed, f"add their modules to SERVICE_FILES: {missed}"


def test_self_services_act_on_their_user_only() -> None:
    for path in SELF_SERVICES:
        module, name = path.rsplit(".", 1)
        params = inspect.signature(getattr(importlib.import_module(module), name)).parameters
        assert "actor" not in params and ("user" in params or "username" in params), path


def test_no_view_calls_a_service_step_or_a_system_service() -> None:
    """The services outside the matrix are not entry points: no page or API reaches them."""
    views = [
        p
        for p in ROOT.rglob("*.py")
        if ("views" in p.name or p.parent.name == "api") and "tests" not in p.parts
    ]
    names = {path.rsplit(".", 1)[1] for path in NOT_IN_MATRIX} - {"audit_record"}
    offenders = sorted(
        f"{view.relative_to(ROOT)}: {name}"
        for view in views
        for name in names
        if f"{name}(" in view.read_text(encoding="utf-8")
    )
    assert offenders == []


CELLS = [
    pytest.param(service, role, id=f"{service.rsplit('.', 1)[1]}-{role.value}")
    for service in sorted(MATRIX)
    for role in ROLES
]


@pytest.mark.parametrize(("service", "role"), CELLS)
def test_cell(world: World, service: str, role: Role) -> None:
    case, fn = MATRIX[service], SERVICES[service]
    actor = _user_of(world.cast, role)
    level = len(actor.region_id or "")
    allowed = case.action in ROLE_ACTIONS[role]
    if allowed and level not in case.area_levels:
        pytest.skip("the role's own region is below the levels the service works on")
    kwargs = case.build(world, inside(actor))
    if not allowed or level not in case.actor_levels:
        _assert_refused(fn, actor, kwargs)
        return
    denied = _audit()[0]
    fn(actor=actor, **kwargs)
    assert _audit()[0] == denied


OUT_OF_SCOPE = [
    pytest.param(service, role, id=f"{service.rsplit('.', 1)[1]}-{role.value}-out_of_scope")
    for service in sorted(MATRIX)
    for role in ROLES
    if MATRIX[service].action in ROLE_ACTIONS[role]
]


@pytest.mark.parametrize(("service", "role"), OUT_OF_SCOPE)
def test_out_of_scope(world: World, service: str, role: Role) -> None:
    case, fn = MATRIX[service], SERVICES[service]
    actor = _user_of(world.cast, role)
    _assert_refused(fn, actor, case.build(world, outside(actor)))


# A review department's services are its own department's: the matrix's cells give the
# person to 法院, the cast reviewer's department; a reviewer of another, in scope, is refused.
OTHER_DEPARTMENT = [
    pytest.param(service, id=f"{service.rsplit('.', 1)[1]}-other_department")
    for service in sorted(MATRIX)
    if MATRIX[service].action == Action.ANSWER_REVIEW
]


@pytest.mark.parametrize("service", OTHER_DEPARTMENT)
def test_another_department(world: World, service: str) -> None:
    case, fn = MATRIX[service], SERVICES[service]
    police, _ = user_create(
        actor=None,
        username=f"police{next(_seq)}",
        full_name="公安联审员",
        region=world.region("630121"),
        roles=[RoleSpec(Role.REVIEWER, department=Department.PUBLIC_SECURITY)],
    )
    _assert_refused(fn, police, case.build(world, inside(world.cast.reviewer)))
