"""Who may vote, and the clocks of the voter list (RULES.md V5–V7, C3, C7).

>>> from huanjie.rules.profiles import effective_profile
>>> p = effective_profile("villagers", "", date(2026, 4, 20))
>>> voter_list_deadline(p, date(2026, 4, 20))
datetime.date(2026, 3, 31)
>>> objection_deadline(p, date(2026, 3, 31)), objection_decision_due(p, date(2026, 4, 5))
(datetime.date(2026, 4, 5), datetime.date(2026, 4, 8))
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from huanjie.lib.dates import cn_date
from huanjie.rules.errors import RulesError
from huanjie.rules.profiles import Profile
from huanjie.rules.verdict import Problem, Verdict, problem, verdict

# 民法典 第二百零一条: "开始的当日不计入，自下一日开始计算"; 第二百零三条: "没有对应日的，月末日为
# 期间的最后一日". These are how the engine counts every period in days, months and years.
CIVIL_CODE_PERIODS = "民法典 第二百零一条、第二百零三条"


def add_months(start: date, months: int) -> date:
    """The same day `months` later; the month's last day where it has no such day.

    >>> add_months(date(2025, 8, 31), 6), add_months(date(2024, 2, 29), 12)
    (datetime.date(2026, 2, 28), datetime.date(2025, 2, 28))
    """
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def coming_of_age(birth: date, years: int = 18) -> date:
    """The day someone born on `birth` is `years` 周岁 old: the birthday itself (RULES.md §8.25),
    or 28 February in a common year for someone born on 29 February (民法典 第二百零三条).

    >>> coming_of_age(date(2008, 3, 15)), coming_of_age(date(2008, 2, 29))
    (datetime.date(2026, 3, 15), datetime.date(2026, 2, 28))
    """
    return add_months(birth, 12 * years)


def age_on(birth: date, day: date) -> int:
    """Age in full years (周岁) on `day`, by the same 29 February rule.

    >>> age_on(date(2008, 3, 15), date(2026, 3, 14)), age_on(date(2008, 3, 15), date(2026, 3, 15))
    (17, 18)
    >>> age_on(date(2008, 2, 29), date(2026, 2, 28))
    18
    """
    age = day.year - birth.year
    if coming_of_age(birth, age) > day:
        age -= 1
    return age


def alive_on(died_on: date | None, day: date) -> bool:
    """Whether someone whose death is recorded on `died_on` (None: none recorded) is alive on
    `day`. A death is recorded by the day, not the hour, and the roll asks about the whole
    election day: on the day of death the person no longer counts.

    >>> alive_on(None, date(2026, 12, 20)), alive_on(date(2026, 12, 21), date(2026, 12, 20))
    (True, True)
    >>> alive_on(date(2026, 12, 20), date(2026, 12, 20))
    False
    """
    return died_on is None or day < died_on


def deprived_on(deprived_from: date | None, deprived_until: date | None, day: date) -> bool:
    """Whether someone is deprived of political rights on `day`, given the first and the last
    day of the deprivation as the court's judgment or the public-security notice states them
    (both inclusive; `deprived_until` None is for life, 终身).

    刑法 第五十四条: 剥夺政治权利 takes away 选举权和被选举权 (among others). 第五十五条: one to five
    years; 第五十七条: for life with a death sentence or life imprisonment. 第五十八条: an added
    deprivation runs from the day the prison term ends or from parole, and applies during the
    prison term as well — so the notice's dates are stored as given and only compared here; a
    restoration (恢复政治权利) ends it on the day before the rights return.

    >>> deprived_on(None, None, date(2026, 12, 20))
    False
    >>> start, end = date(2024, 3, 1), date(2026, 2, 28)
    >>> [deprived_on(start, end, d) for d in (date(2024, 2, 29), start, end, date(2026, 3, 1))]
    [False, True, True, False]
    >>> deprived_on(start, None, date(2080, 1, 1))  # 终身
    True
    """
    if deprived_from is None or day < deprived_from:
        return False
    return deprived_until is None or day <= deprived_until


def deprivation_text(deprived_from: date, deprived_until: date | None) -> str:
    """The period as a notice writes it.

    >>> deprivation_text(date(2024, 3, 1), date(2026, 2, 28))
    '自2024年3月1日起至2026年2月28日止'
    >>> deprivation_text(date(2024, 3, 1), None)
    '自2024年3月1日起终身'
    """
    if deprived_until is None:
        return f"自{cn_date(deprived_from)}起终身"
    return f"自{cn_date(deprived_from)}起至{cn_date(deprived_until)}止"


@dataclass(frozen=True)
class VoterFacts:
    """What the election committee knows about one person on the election day."""

    birth_date: date
    hukou_here: bool  # 户籍在本村（社区）
    lives_here: bool  # 在本村居住 / 常住本社区
    resident_since: date | None = None  # living here since (户籍不在本村的)
    work_since: date | None = None  # 从事村务工作 (2025) / community worker since
    wishes_to_vote: bool = True  # 本人表示参加选举 (户籍在本村、不在本村居住的)
    applied: bool = False  # 本人申请
    approved_by_meeting: bool = False  # 经村民会议或者村民代表会议同意
    deprived_of_political_rights: bool = False
    registered_elsewhere: bool = False


@dataclass(frozen=True)
class VoterCheck:
    """Whether the person may be registered, in which legal category, and what stands in the
    way. Flag, never drop: a doubtful record goes to a person to decide."""

    eligible: bool
    category: str | None
    problems: tuple[Problem, ...] = ()


def voter_check(profile: Profile, facts: VoterFacts, election_date: date) -> VoterCheck:
    """Whether `facts` make a voter of this body's election on `election_date`.

    Age is counted to the election day (浙江 12, 上海 9, 四川 15); a villager registered in one
    village may not vote in another (村民委员会组织法(2025) 第十六条).

    >>> from huanjie.rules.profiles import effective_profile
    >>> p = effective_profile("villagers", "33", date(2026, 3, 15))
    >>> voter_check(p, VoterFacts(date(2008, 3, 15), True, True), date(2026, 3, 15)).eligible
    True
    >>> voter_check(p, VoterFacts(date(2008, 3, 16), True, True), date(2026, 3, 15)).problems[0].message
    '选举日未满18周岁（2026年3月16日年满）'
    >>> worker = VoterFacts(date(1990, 1, 1), False, False, work_since=date(2025, 1, 1),
    ...                     applied=True, approved_by_meeting=True)
    >>> voter_check(p, worker, date(2026, 3, 15)).category
    'incomer_or_worker_one_year'
    """
    if profile.body == "party":
        raise RulesError("党员的选举权依照中国共产党基层组织选举工作条例第五条确定，不适用选民登记")
    found: list[Problem] = []
    age = profile.age.value or 18
    # 村民委员会组织法(2025) 第十六条: "年满十八周岁…但是，依照法律被剥夺政治权利的人除外".
    of_age = coming_of_age(facts.birth_date, age)
    if of_age > election_date:
        found.append(problem("under_age", profile.age, age=age, date=cn_date(of_age)))
    if facts.deprived_of_political_rights:
        found.append(problem("deprived", profile.age))
    if facts.registered_elsewhere:
        found.append(problem("registered_elsewhere", profile.registration))
    category, category_problems = _category(profile, facts, election_date)
    found.extend(category_problems)
    return VoterCheck(not found, category, tuple(found))


def _category(
    profile: Profile, facts: VoterFacts, election_date: date
) -> tuple[str | None, list[Problem]]:
    rule = profile.registration
    categories = rule.value
    if "area_resident" in categories:
        # 城市居民委员会组织法(2018) 第八条: the residents of the area.
        if facts.hukou_here or facts.lives_here:
            return "area_resident", []
        return None, [problem("no_category", rule)]
    if "community_hukou" in categories:
        # 城市居民委员会组织法(2025) 第十六条.
        if facts.hukou_here:
            return "community_hukou", []
        if facts.lives_here:
            return "community_resident", []
        if facts.work_since is not None:
            found = []
            due = add_months(facts.work_since, 6)
            if due > election_date:
                found.append(problem("worker_not_long_enough", rule, date=cn_date(due)))
            if not facts.applied:
                found.append(problem("worker_not_applied", rule))
            return "community_worker", found
        return None, [problem("no_category", rule)]
    # 村民委员会组织法(2025) 第十六条 (2018 第十三条): the three categories.
    if facts.hukou_here and facts.lives_here:
        return "hukou_resident", []
    if facts.hukou_here:
        if facts.wishes_to_vote:
            return "hukou_absent", []
        return "hukou_absent", [problem("absent_not_declared", rule)]
    incomer = "incomer_or_worker_one_year" if "incomer_or_worker_one_year" in categories else None
    incomer = incomer or "incomer_one_year"
    starts = [facts.resident_since] if facts.lives_here and facts.resident_since else []
    if incomer == "incomer_or_worker_one_year" and facts.work_since is not None:
        starts.append(facts.work_since)
    if not starts:
        return None, [problem("no_category", rule)]
    found = []
    due = min(add_months(start, 12) for start in starts)
    if due > election_date:
        work = "或者从事村务工作" if incomer == "incomer_or_worker_one_year" else ""
        found.append(problem("incomer_not_long_enough", rule, work=work, date=cn_date(due)))
    if not facts.applied:
        found.append(problem("incomer_not_applied", rule))
    if not facts.approved_by_meeting:
        found.append(problem("incomer_not_approved", rule))
    return incomer, found


def _days(value: int | None, what: str) -> int:
    if value is None:
        raise RulesError(f"本规则适用的法律没有规定{what}")
    return value


def voter_list_deadline(profile: Profile, election_date: date) -> date:
    """The last day to publish the voter list: "在选举日的二十日前", read as on or before election
    day minus 20 (村民委员会组织法(2025) 第十七条; RULES.md §7.6).

    >>> from huanjie.rules.profiles import effective_profile
    >>> voter_list_deadline(effective_profile("residents", "", date(2026, 5, 1)), date(2026, 5, 1))
    datetime.date(2026, 4, 11)
    """
    return election_date - timedelta(days=_days(profile.voter_list_days.value, "选民名单公布期限"))


def voter_list_check(profile: Profile, published_on: date, election_date: date) -> Verdict:
    """Whether the voter list was published in time.

    >>> from huanjie.rules.profiles import effective_profile
    >>> p = effective_profile("villagers", "", date(2026, 4, 20))
    >>> voter_list_check(p, date(2026, 3, 31), date(2026, 4, 20)).ok
    True
    >>> voter_list_check(p, date(2026, 4, 1), date(2026, 4, 20)).messages
    ('选民名单应当在选举日的20日前公布，即不迟于2026年3月31日',)
    """
    last = voter_list_deadline(profile, election_date)
    if published_on <= last:
        return Verdict()
    days = profile.voter_list_days.value
    return verdict([problem("list_late", profile.voter_list_days, days=days, date=cn_date(last))])


def objection_deadline(profile: Profile, published_on: date) -> date:
    """The last day to object to the list: "自名单公布之日起五日内", the publication day not
    counted (民法典 第二百零一条).

    >>> from huanjie.rules.profiles import effective_profile
    >>> objection_deadline(effective_profile("villagers", "", date(2026, 4, 20)), date(2026, 3, 31))
    datetime.date(2026, 4, 5)
    """
    return published_on + timedelta(days=_days(profile.objection_days.value, "申诉期限"))


def objection_check(profile: Profile, published_on: date, filed_on: date) -> Verdict:
    """Whether an objection to the voter list was filed in time (RULES.md §8.26).

    >>> from huanjie.rules.profiles import effective_profile
    >>> p = effective_profile("villagers", "", date(2026, 4, 20))
    >>> objection_check(p, date(2026, 3, 31), date(2026, 4, 5)).ok
    True
    >>> objection_check(p, date(2026, 3, 31), date(2026, 4, 6)).codes
    ('objection_late',)
    """
    last = objection_deadline(profile, published_on)
    if filed_on <= last:
        return Verdict()
    days = profile.objection_days.value
    return verdict(
        [problem("objection_late", profile.objection_days, days=days, date=cn_date(last))]
    )


def objection_decision_due(profile: Profile, received_on: date) -> date:
    """The last day for the election committee to decide an objection: "自收到申诉之日起三日内".

    >>> from huanjie.rules.profiles import effective_profile
    >>> objection_decision_due(effective_profile("villagers", "", date(2026, 4, 20)), date(2026, 4, 6))
    datetime.date(2026, 4, 9)
    """
    return received_on + timedelta(
        days=_days(profile.objection_decision_days.value, "申诉处理期限")
    )
