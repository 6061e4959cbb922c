"""The joint review's cells of the role × action matrix (huanjie/tests/test_service_matrix.py):
`cases()` is what its MATRIX takes.

The review has levels: 村级预审 is a village user's, 乡镇初审 a town's, the departments, the
negative list, the batches and the conclusion the county's. A level's services succeed for the
users of that level only (`actor_levels`: another level holding MANAGE_REVIEW is refused,
audited); `review_pass` and `review_reject` take the review at the level of the place they are
built for (a village's area: 预审, any other: 初审, which a county user is refused). The moves before
the one a builder needs are made by the users of that place's own levels (a village clerk and
a town officer are made for a place that has none in the cast). A department's answer and
reveal are the reviewer's (the cast's is 法院, 630121): the builders send the person to 法院,
and to the 法院 reviewer of the place's county."""

from __future__ import annotations

from datetime import date
from typing import Any

from huanjie.accounts.models import Department, Role

SENT_ON = date(2026, 12, 1)


def _user_at(w: Any, code: str, role: Role, department: str = "") -> Any:
    """The world's user of `role` over region `code` (the cast's where it has one)."""
    from huanjie.tests.test_service_matrix import _seq

    cast = w.cast
    known = {
        (cast.village_clerk.region_id, Role.VILLAGE_CLERK, ""): cast.village_clerk,
        (cast.town_officer.region_id, Role.TOWN_OFFICER, ""): cast.town_officer,
        (cast.reviewer.region_id, Role.REVIEWER, Department.COURT): cast.reviewer,
    }
    if (code, role, department) in known:
        return known[(code, role, department)]
    made: dict[tuple[str, str, str], Any] = w.__dict__.setdefault("review_users", {})
    key = (code, str(role), department)
    if key not in made:
        from huanjie.conftest import _user

        made[key] = _user(f"rv{next(_seq)}", "联审用户", code, role, department)
    return made[key]


def clerk(w: Any, at: Any) -> Any:
    return _user_at(w, at.village, Role.VILLAGE_CLERK)


def town(w: Any, at: Any) -> Any:
    return _user_at(w, at.village[:9], Role.TOWN_OFFICER)


def court(w: Any, at: Any) -> Any:
    return _user_at(w, at.county, Role.REVIEWER, Department.COURT)


def _set_up(w: Any, at: Any) -> Any:
    """The place's campaign with its review set up (the defaults); the campaign."""
    from huanjie.review import services as s

    campaign = w.campaign_of(at)
    s.review_setup(actor=w.officer(at), campaign=campaign)
    return campaign


STATES = ("pre_review", "town_review", "awaiting_batch", "batched", "sent", "answered")


def review(w: Any, at: Any, state: str) -> Any:
    """A review of a new nominee at `at`, moved by the services of each level to `state`
    ("answered": sent, and 法院 — the one department left taking part — answered "无")."""
    from huanjie.review import services as s
    from huanjie.review.models import ReviewDepartment
    from huanjie.tests.test_service_matrix import _nominee

    county = w.officer(at)
    campaign = w.campaign_of(at)
    if STATES.index(state) >= STATES.index("batched"):
        _set_up(w, at)  # a batch is sent to the departments
    r = s.review_start(actor=county, nominee=_nominee(w, at))
    target = STATES.index(state)
    if target >= 1:
        s.review_pass(actor=clerk(w, at), review=r)
    if target >= 2:
        s.review_pass(actor=town(w, at), review=r)
    if target >= 3:
        s.batch_create(actor=county, campaign=campaign, reviews=[r])
        r.refresh_from_db()
    if target >= 4:
        if state == "answered":
            for d in ReviewDepartment.objects.filter(campaign=campaign).exclude(
                department=Department.COURT
            ):
                s.review_department_update(actor=county, department=d, name=d.name, active=False)
        assert r.batch is not None
        s.batch_send(actor=county, batch=r.batch, sent_on=SENT_ON)
        r.refresh_from_db()
    if target >= 5:
        a = assignment(r)
        s.review_answer(actor=court(w, at), assignment=a, answers=no_findings(a))
    return r


def assignment(r: Any) -> Any:
    """The review's assignment to 法院."""
    return r.assignments.get(department__department=Department.COURT)


def no_findings(a: Any) -> list[Any]:
    from huanjie.review import services as s

    return [s.Answer(condition=c, found=False) for c in s.department_conditions(a.department)]


def _by_level(w: Any, at: Any) -> Any:
    """A review at the level of the place's area: 村级预审 in a village's, else 乡镇初审."""
    return review(w, at, "pre_review" if len(at.area) == 12 else "town_review")


def _condition(w: Any, at: Any) -> Any:
    """A local condition of the place's campaign's (set-up) negative list, checked by 法院."""
    from huanjie.review import services as s
    from huanjie.review.models import ReviewDepartment

    campaign = _set_up(w, at)
    return s.condition_create(
        actor=w.officer(at),
        campaign=campaign,
        text="拖欠村集体资金拒不归还",
        kind="should_not",
        lookback_years=None,
        departments=list(
            ReviewDepartment.objects.filter(campaign=campaign, department=Department.COURT)
        ),
    )


def _department(w: Any, at: Any, code: str = Department.COURT) -> Any:
    from huanjie.review.models import ReviewDepartment

    return ReviewDepartment.objects.get(campaign=_set_up(w, at), department=code)


def cases() -> dict[str, Any]:
    from huanjie.accounts.permissions import Action
    from huanjie.review.models import ReviewBatch
    from huanjie.tests.test_service_matrix import Case, _nominee

    manage, answer = Action.MANAGE_REVIEW, Action.ANSWER_REVIEW
    p = "huanjie.review.services."
    county = (6,)
    below = (9, 12)  # 预审 and 初审

    def batched(w: Any, at: Any) -> dict[str, Any]:
        return {"review": review(w, at, "batched")}

    def sent(w: Any, at: Any) -> dict[str, Any]:
        return {"assignment": assignment(review(w, at, "sent"))}

    def unsent_batch(w: Any, at: Any) -> dict[str, Any]:
        r = review(w, at, "batched")
        return {"batch": ReviewBatch.objects.get(pk=r.batch_id), "sent_on": SENT_ON}

    return {
        # The county's: its departments and negative list.
        p + "review_setup": Case(
            manage, lambda w, at: {"campaign": w.campaign_of(at)}, actor_levels=county
        ),
        p + "review_department_add": Case(
            manage,
            lambda w, at: {
                "campaign": _set_up(w, at),
                "department": Department.NATURAL_RESOURCES,
            },
            actor_levels=county,
        ),
        p + "review_department_update": Case(
            manage,
            lambda w, at: {"department": _department(w, at), "name": "县人民法院", "active": True},
            actor_levels=county,
        ),
        p + "condition_create": Case(
            manage,
            lambda w, at: {
                "campaign": _set_up(w, at),
                "text": "拖欠村集体资金拒不归还",
                "kind": "should_not",
                "lookback_years": 3,
                "departments": [_department(w, at)],
            },
            actor_levels=county,
        ),
        p + "condition_update": Case(
            manage,
            lambda w, at: {
                "condition": (c := _condition(w, at)),
                "text": c.text,
                "kind": c.kind,
                "lookback_years": 5,
                "departments": list(c.departments.all()),
                "active": True,
            },
            actor_levels=county,
        ),
        p + "condition_delete": Case(
            manage, lambda w, at: {"condition": _condition(w, at)}, actor_levels=county
        ),
        # The levels' moves: any level sends a nominee in; 预审 and 初审 pass or reject.
        p + "review_start": Case(manage, lambda w, at: {"nominee": _nominee(w, at)}),
        p + "review_pass": Case(
            manage, lambda w, at: {"review": _by_level(w, at)}, actor_levels=below
        ),
        p + "review_reject": Case(
            manage,
            lambda w, at: {"review": _by_level(w, at), "reason": "长期不在村居住"},
            actor_levels=below,
        ),
        # The county's batches and conclusion.
        p + "batch_create": Case(
            manage,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "reviews": [review(w, at, "awaiting_batch")],
            },
            actor_levels=county,
        ),
        p + "batch_remove": Case(manage, batched, actor_levels=county),
        p + "batch_send": Case(manage, unsent_batch, actor_levels=county),
        p + "review_conclude": Case(
            manage, lambda w, at: {"review": review(w, at, "answered")}, actor_levels=county
        ),
        # The department's: its answer and the reveal of a number in its queue.
        p + "review_answer": Case(
            answer,
            lambda w, at: (lambda a: {"assignment": a, "answers": no_findings(a)})(
                assignment(review(w, at, "sent"))
            ),
        ),
        p + "review_reveal_id": Case(
            answer,
            lambda w, at: {**sent(w, at), "reason": "核对法院判决书中的当事人身份"},
        ),
    }
