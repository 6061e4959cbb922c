"""The election-law engine of 换届通: pure Python, no Django.

Frozen dataclasses in, frozen dataclasses out; integer arithmetic only; every rule cites its
article. The rules of each body, law text and province are data (`huanjie.rules.profiles`).

>>> from datetime import date
>>> profile = effective_profile("villagers", "51", date(2026, 5, 10))
>>> candidate_range(profile, "member", 3)
(4, 6)
>>> proxy_check(profile, ProxyRequest(already_held=3), date(2026, 5, 10)).ok
False
>>> result = tally(poll_from_json({
...     "body": "party", "election_date": "2026-05-10", "poll": "first",
...     "posts": [{"post": "member", "seats": 1}], "electorate": 50, "voted": 41,
...     "ballots_issued": 41,
...     "ballots": [{"n": 21, "member": ["甲"]}, {"n": 20, "member": ["乙"]}]}))
>>> result.elected, result.post("member").threshold
(('甲',), 21)
"""

from huanjie.rules.candidates import (
    CandidateFacts,
    candidacy_check,
    candidate_count_check,
    candidate_range,
    committee_size_check,
    must_leave_election_committee,
)
from huanjie.rules.count_checks import (
    CATALOGUE,
    BoxCount,
    CountContext,
    CountFigures,
    Finding,
    PostCount,
    Rate,
    count_checks,
)
from huanjie.rules.errors import PollFileError, ProfileError, RulesError
from huanjie.rules.party import Exclusion, Quorum, party_quorum
from huanjie.rules.poll import (
    Ballot,
    BallotCount,
    Box,
    Candidate,
    NextPoll,
    Person,
    Poll,
    PostResult,
    PostSeats,
    TallyResult,
    poll_from_json,
    poll_to_json,
)
from huanjie.rules.profiles import PROVINCE_PROFILES, Profile, effective_profile, law_version
from huanjie.rules.proxies import ProxyRequest, proxy_check
from huanjie.rules.recall import RecallResult, recall_motion_check, recall_vote
from huanjie.rules.schedule import Deadline, PlanStage, legal_schedule, working_plan
from huanjie.rules.tally import tally
from huanjie.rules.verdict import Problem, Verdict
from huanjie.rules.voters import (
    VoterCheck,
    VoterFacts,
    age_on,
    coming_of_age,
    objection_check,
    objection_deadline,
    objection_decision_due,
    voter_check,
    voter_list_check,
    voter_list_deadline,
)

__all__ = [
    "CATALOGUE",
    "PROVINCE_PROFILES",
    "Ballot",
    "BallotCount",
    "Box",
    "BoxCount",
    "Candidate",
    "CandidateFacts",
    "CountContext",
    "CountFigures",
    "Deadline",
    "Exclusion",
    "Finding",
    "NextPoll",
    "Person",
    "PlanStage",
    "Poll",
    "PollFileError",
    "PostCount",
    "PostResult",
    "PostSeats",
    "Problem",
    "Profile",
    "ProfileError",
    "ProxyRequest",
    "Quorum",
    "Rate",
    "RecallResult",
    "RulesError",
    "TallyResult",
    "Verdict",
    "VoterCheck",
    "VoterFacts",
    "age_on",
    "candidacy_check",
    "candidate_count_check",
    "candidate_range",
    "coming_of_age",
    "committee_size_check",
    "count_checks",
    "effective_profile",
    "law_version",
    "legal_schedule",
    "must_leave_election_committee",
    "objection_check",
    "objection_deadline",
    "objection_decision_due",
    "party_quorum",
    "poll_from_json",
    "poll_to_json",
    "proxy_check",
    "recall_motion_check",
    "recall_vote",
    "tally",
    "voter_check",
    "voter_list_check",
    "voter_list_deadline",
    "working_plan",
]
