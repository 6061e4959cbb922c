"""A county's own rule profile, for a province whose election measure the engine does not carry
(issue 10 item 6; RULES.md §9: no text of 青海's measure was found).

The base is the national law alone (`effective_profile(body, "", day)`). The county sets some of
the parameters the engine exposes — the surplus (差额), the proxy limits, the transfer of votes
between posts, the women's seat procedure, open seats after a further vote, the thresholds —
each with the article of the text it cites. Every value is checked against the national law:
none may be looser than the base (the law is the floor a provincial measure builds on, 村民委员会
组织法(2025) 第十八条第五款 "具体选举办法由省、自治区、直辖市的人民代表大会常务委员会规定"). The
resulting profile's `sources` are the national law first, then the county's cited text; each
overridden rule cites the county's article.

Pure data in, data out: the values are read from plain JSON-like data (`overrides_from_json`),
so the application stores them as JSON and the engine alone says what is lawful.

>>> from datetime import date
>>> from huanjie.rules.profiles import effective_profile
>>> base = effective_profile("villagers", "", date(2026, 12, 1))
>>> QH = "青海省村民委员会选举办法"
>>> data = {"surplus": {"value": {"by_post": {"director": [1, 1], "member": [1, 3]}}}}
>>> overrides, problems = overrides_from_json(base, data, QH)
>>> result = custom_profile(base, overrides, title=QH, province="63")
>>> result.ok, result.profile.sources
(True, ('村民委员会组织法(2025)', '青海省村民委员会选举办法'))
>>> result.profile.surplus.cite(), result.profile.surplus.value.extra("director", 1)
(('青海省村民委员会选举办法',), (1, 1))
>>> bad = {"threshold": {"value": {"num": 1, "den": 3, "strict": False}, "article": 30}}
>>> refused = custom_profile(base, overrides_from_json(base, bad, QH)[0], title=QH)
>>> refused.ok, refused.verdict.messages, refused.verdict.problems[0].article
(False, ('当选所需票数：不能低于全国性法律规定的过半数，现为不少于三分之一',), '村民委员会组织法(2025) 第十八条')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from huanjie.rules.arith import Share
from huanjie.rules.errors import ProfileError
from huanjie.rules.messages import BODY_NAMES, POST_NAMES
from huanjie.rules.profiles import Article, Profile, Rule, Surplus, Vacancy
from huanjie.rules.verdict import Problem, Verdict

# The parameters a county sets, in the order a page shows them, with their Chinese names.
PARAMETERS: Final = {
    "surplus": "候选人差额",
    "proxy": "委托投票",
    "transfer": "高职位得票计入低职位",
    "women": "妇女成员",
    "vacancy": "名额暂缺",
    "threshold": "当选所需票数",
    "supplementary_threshold": "另行选举当选所需票数",
    "turnout": "选举有效所需投票人数",
}

SHARES: Final = ("threshold", "supplementary_threshold", "turnout")

# The values the engine counts with (profiles.py): the provinces it carries use all three
# (河南 25 "allowed", 河北 29 "required", the others "none").
TRANSFER_VALUES: Final = ("none", "allowed", "required")
# "required" (村民委员会组织法(2025) 第八条), "separate_post" (浙江 21, 29), "priority" (四川 34,
# 海南 32): each keeps a woman on the committee; "none" only where the base has no such rule.
WOMEN_VALUES: Final = ("required", "separate_post", "priority")

# Seats up to this many are checked for each post (a committee has at most 9 members).
MAX_SEATS: Final = 9
# Shares are fractions with a denominator up to this.
MAX_DENOMINATOR: Final = 10

MESSAGES: Final = {
    "unknown_parameter": "“{name}”不是可以由县级设置的选举规则参数",
    "not_object": "{label}：应当是JSON对象",
    "not_int": "{label}：{field}应当是整数",
    "not_bool": "{label}：{field}应当是true或false",
    "unknown_field": "{label}：未知字段“{field}”",
    "bad_article": "{label}：引用的条文序号应当是正整数，或者不填（引用整部办法）",
    "bad_choice": "{label}：应当是{allowed}",
    # surplus
    "surplus_post": "{label}：{body}没有“{post}”职位",
    "surplus_pair": "{label}：{post}的差额应当写成[最少, 最多]，最多可以为null（不限）",
    "surplus_low": (
        "{label}：{post}应选{seats}名时，候选人至少应为{need}名（比应选名额多{low}名），"
        "不能设为{value}名"
    ),
    "surplus_high": "{label}：{post}的最多差额（{high}）不能少于最少差额（{low}）",
    "surplus_capped": "{label}：{post}的差额不能超过全国性法律规定的{high}名",
    "surplus_percent": "{label}：差额比例应当是1至100之间的整数（百分比）",
    # proxy
    "proxy_not_allowed": "{label}：{reason}，不实行委托投票，不能设置委托投票的限制",
    "proxy_cap_over": "{label}：每一受委托人接受委托不得超过{cap}人，不能设为{value}人",
    "proxy_cap_none": "{label}：全国性法律规定每一受委托人接受委托不得超过{cap}人，不能不限人数",
    "proxy_cap_low": "{label}：每一受委托人接受委托的人数至少为1人",
    "proxy_candidates": "{label}：候选人不得接受委托投票，不能取消这一限制",
    "proxy_filing_days": (
        "{label}：办理委托手续的期限应当是选举日前1至{most}日（选民名单在选举日{most}日前公布），"
        "现为{value}日"
    ),
    # women
    "women_none": "{label}：委员会成员中应当有妇女成员，不能取消",
    # vacancy
    "vacancy_none": "{label}：{body}当选人数不足的，不足的名额另行选举，不设名额暂缺",
    "vacancy_low": (
        "{label}：当选人数至少达到{low}人（委员会的法定最低职数）的，不足的名额才可以暂缺，"
        "不能设为{value}人"
    ),
    "vacancy_high": "{label}：当选人数不能超过委员会的最多职数{high}人，现为{value}人",
    "vacancy_director": "{label}：须已选出主任的，不足的名额才可以暂缺，不能取消这一条件",
    "vacancy_meeting": "{label}：是否暂缺由村民会议决定，不能取消这一条件",
    "vacancy_first_poll": (
        "{label}：当选人数不足应选名额的，不足的名额应当另行选举，第一次投票后不能暂缺"
    ),
    # shares
    "share_range": "{label}：应当是大于0、小于1的分数，分母为2至{most}",
    "share_lower": "{label}：不能低于全国性法律规定的{base}，现为{value}",
}


@dataclass(frozen=True)
class ProxyLimits:
    """What a county may set of the proxy rule: the holder's cap, the days before the election
    day the paperwork must be done, and whether candidates may hold proxies."""

    cap: int | None = None
    filing_days: int | None = None
    candidates_excluded: bool = False


Value = Surplus | ProxyLimits | str | Vacancy | Share


@dataclass(frozen=True)
class Override:
    """One parameter as the county sets it: the value and the article it cites."""

    value: Value
    article: Article


@dataclass(frozen=True)
class CustomProfile:
    """The engine's answer: the problems found (none: ok) and, when ok, the profile to apply."""

    verdict: Verdict
    profile: Profile | None

    @property
    def ok(self) -> bool:
        return self.verdict.ok


def _problem(code: str, parameter: str, article: str = "", **params: object) -> Problem:
    label = PARAMETERS.get(parameter, parameter)
    return Problem(code, MESSAGES[code].format(label=label, **params), article)


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _int(parameter: str, field: str, raw: object, *, optional: bool = False) -> int | None:
    if raw is None and optional:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _Refused(_problem("not_int", parameter, field=field))
    return raw


def _bool(parameter: str, field: str, raw: object) -> bool:
    if not isinstance(raw, bool):
        raise _Refused(_problem("not_bool", parameter, field=field))
    return raw


def _object(parameter: str, raw: object, fields: tuple[str, ...]) -> Mapping[str, object]:
    if not isinstance(raw, Mapping):
        raise _Refused(_problem("not_object", parameter))
    for key in raw:
        if key not in fields:
            raise _Refused(_problem("unknown_field", parameter, field=key))
    return raw


def _surplus(base: Profile, raw: object) -> Surplus:
    data = _object("surplus", raw, ("by_post", "percent"))
    by_post = data.get("by_post", {})
    if not isinstance(by_post, Mapping):
        raise _Refused(_problem("not_object", "surplus"))
    rows: list[tuple[str, int, int | None]] = []
    for post, pair in by_post.items():
        name = POST_NAMES.get(post, post)
        if post not in base.posts:
            body = BODY_NAMES[base.body]
            raise _Refused(_problem("surplus_post", "surplus", body=body, post=post))
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise _Refused(_problem("surplus_pair", "surplus", post=name))
        low = _int("surplus", f"{name}的最少差额", pair[0])
        high = _int("surplus", f"{name}的最多差额", pair[1], optional=True)
        assert low is not None
        rows.append((post, low, high))
    percent = _int("surplus", "差额比例", data.get("percent"), optional=True)
    if percent is not None and not 1 <= percent <= 100:
        raise _Refused(_problem("surplus_percent", "surplus"))
    order = {post: i for i, post in enumerate(base.posts)}
    rows.sort(key=lambda row: order[row[0]])
    return Surplus(tuple(rows), base.surplus.value.default, percent)


def _proxy(raw: object) -> ProxyLimits:
    data = _object("proxy", raw, ("cap", "filing_days", "candidates_excluded"))
    return ProxyLimits(
        cap=_int("proxy", "每人接受委托的人数", data.get("cap"), optional=True),
        filing_days=_int("proxy", "办理委托手续的期限", data.get("filing_days"), optional=True),
        candidates_excluded=_bool(
            "proxy", "候选人不得接受委托", data.get("candidates_excluded", False)
        ),
    )


def _choice(parameter: str, raw: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(raw, str) or raw not in allowed:
        words = "、".join(f"“{v}”" for v in allowed)
        raise _Refused(_problem("bad_choice", parameter, allowed=words))
    return raw


def _vacancy(raw: object) -> Vacancy:
    data = _object(
        "vacancy", raw, ("min_elected", "director_required", "after_first_poll", "meeting_decides")
    )
    low = _int("vacancy", "当选人数", data.get("min_elected"))
    assert low is not None
    return Vacancy(
        low,
        director_required=_bool("vacancy", "须已选出主任", data.get("director_required", False)),
        after_first_poll=_bool("vacancy", "第一次投票后", data.get("after_first_poll", False)),
        meeting_decides=_bool("vacancy", "由村民会议决定", data.get("meeting_decides", False)),
    )


def _share(parameter: str, raw: object) -> Share:
    data = _object(parameter, raw, ("num", "den", "strict"))
    num = _int(parameter, "分子", data.get("num"))
    den = _int(parameter, "分母", data.get("den"))
    strict = _bool(parameter, "超过（而不是达到）", data.get("strict", False))
    assert num is not None and den is not None
    if not (2 <= den <= MAX_DENOMINATOR and 1 <= num < den):
        raise _Refused(_problem("share_range", parameter, most=MAX_DENOMINATOR))
    return Share(num, den, strict)


def value_from_json(base: Profile, parameter: str, raw: object) -> Value:
    """The engine value of `parameter` from its JSON form; raises `ValueError` (its message in
    Chinese, naming the parameter) for a value of the wrong type or shape. Whether the value is
    lawful is `check_override`'s answer.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> base = effective_profile("villagers", "", date(2026, 12, 1))
    >>> value_from_json(base, "transfer", "allowed")
    'allowed'
    >>> value_from_json(base, "proxy", {"cap": "三"})
    Traceback (most recent call last):
    ...
    ValueError: 委托投票：每人接受委托的人数应当是整数
    """
    try:
        return _from_json(base, parameter, raw)
    except _Refused as exc:
        raise ValueError(exc.problem.message) from None


def _from_json(base: Profile, parameter: str, raw: object) -> Value:
    if parameter == "surplus":
        return _surplus(base, raw)
    if parameter == "proxy":
        return _proxy(raw)
    if parameter == "transfer":
        return _choice(parameter, raw, TRANSFER_VALUES)
    if parameter == "women":
        allowed = WOMEN_VALUES if base.women.value != "none" else ("none", *WOMEN_VALUES)
        return _choice(parameter, raw, allowed)
    if parameter == "vacancy":
        return _vacancy(raw)
    if parameter in SHARES:
        return _share(parameter, raw)
    raise _Refused(_problem("unknown_parameter", parameter, name=parameter))


def value_to_json(value: Value) -> object:
    """The JSON form of an engine value (the inverse of `value_from_json`).

    >>> value_to_json(Share(1, 2, True))
    {'num': 1, 'den': 2, 'strict': True}
    >>> value_to_json(Surplus((("member", 1, 3),)))
    {'by_post': {'member': [1, 3]}, 'percent': None}
    """
    if isinstance(value, Surplus):
        return {
            "by_post": {post: [low, high] for post, low, high in value.by_post},
            "percent": value.percent,
        }
    if isinstance(value, str):
        return value
    return dataclasses.asdict(value)


def overrides_from_json(
    base: Profile, data: Mapping[str, object], title: str
) -> tuple[dict[str, Override], tuple[Problem, ...]]:
    """The overrides of `data` ({parameter: {"value": ..., "article": number or None}}), citing
    articles of `title`, and the problems of those that cannot be read.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> base = effective_profile("villagers", "", date(2026, 12, 1))
    >>> found, problems = overrides_from_json(base, {"women": {"value": "none"}, "x": {}}, "某办法")
    >>> found, [p.message for p in problems]
    ({}, ['妇女成员：应当是“required”、“separate_post”、“priority”', '“x”不是可以由县级设置的选举规则参数'])
    """
    found: dict[str, Override] = {}
    problems: list[Problem] = []
    for parameter, entry in data.items():
        if parameter not in PARAMETERS:
            problems.append(_problem("unknown_parameter", parameter, name=parameter))
            continue
        if not isinstance(entry, Mapping):
            problems.append(_problem("not_object", parameter))
            continue
        number = entry.get("article")
        if number is not None and (
            isinstance(number, bool) or not isinstance(number, int) or number < 1
        ):
            problems.append(_problem("bad_article", parameter))
            continue
        try:
            value = _from_json(base, parameter, entry.get("value"))
        except _Refused as exc:
            problems.append(exc.problem)
            continue
        found[parameter] = Override(value, Article(title, number))
    return found, tuple(problems)


def _stricter_or_equal(a: Share, b: Share) -> bool:
    """Whether meeting `a` always means meeting `b`: a's fraction is above b's, or the same and
    `a` is not the weaker "reached" where `b` must be exceeded.

    >>> from huanjie.rules.arith import HALF, THIRD, TWO_THIRDS
    >>> _stricter_or_equal(TWO_THIRDS, HALF), _stricter_or_equal(THIRD, HALF)
    (True, False)
    >>> _stricter_or_equal(Share(1, 2, False), HALF), _stricter_or_equal(HALF, Share(1, 2, False))
    (False, True)
    """
    left, right = a.num * b.den, b.num * a.den
    if left != right:
        return left > right
    return a.strict or not b.strict


def _check_surplus(base: Profile, value: Surplus) -> list[Problem]:
    rule = base.surplus
    article = "、".join(rule.cite())
    found: list[Problem] = []
    for post, low, high in value.by_post:
        name = POST_NAMES.get(post, post)
        if high is not None and high < low:
            found.append(
                _problem("surplus_high", "surplus", article, post=name, low=low, high=high)
            )
    for post in base.posts:
        name = POST_NAMES.get(post, post)
        for seats in range(1, MAX_SEATS + 1):
            least, most = value.extra(post, seats)
            base_least, base_most = rule.value.extra(post, seats)
            if least < base_least:
                # 村民委员会组织法(2025) 第十八条: "候选人的名额应当多于应选名额".
                need = seats + base_least
                params = {"post": name, "seats": seats, "need": need, "low": base_least}
                value_ = seats + least
                found.append(_problem("surplus_low", "surplus", article, value=value_, **params))
                break
            if base_most is not None and (most is None or most > base_most):
                found.append(
                    _problem("surplus_capped", "surplus", article, post=name, high=base_most)
                )
                break
    return found


def _check_proxy(base: Profile, value: ProxyLimits) -> list[Problem]:
    rule = base.proxy
    law = rule.value
    article = "、".join(rule.cite())
    if not law.allowed:
        return [_problem("proxy_not_allowed", "proxy", article, reason=law.refused_because)]
    found: list[Problem] = []
    if value.cap is not None and value.cap < 1:
        found.append(_problem("proxy_cap_low", "proxy", article))
    elif law.cap is not None and value.cap is None:
        # 村民委员会组织法(2025) 第十八条第四款: "每一村民接受委托不得超过三人".
        found.append(_problem("proxy_cap_none", "proxy", article, cap=law.cap))
    elif law.cap is not None and value.cap is not None and value.cap > law.cap:
        found.append(_problem("proxy_cap_over", "proxy", article, cap=law.cap, value=value.cap))
    if law.candidates_excluded and not value.candidates_excluded:
        # 同上: "候选人不得接受委托投票".
        found.append(_problem("proxy_candidates", "proxy", article))
    most = base.voter_list_days.value or 20
    if value.filing_days is not None and not 1 <= value.filing_days <= most:
        found.append(
            _problem(
                "proxy_filing_days",
                "proxy",
                "、".join(base.voter_list_days.cite()),
                most=most,
                value=value.filing_days,
            )
        )
    return found


def _check_vacancy(base: Profile, value: Vacancy) -> list[Problem]:
    rule = base.vacancy
    article = "、".join(rule.cite())
    if rule.value is None:
        return [_problem("vacancy_none", "vacancy", article, body=BODY_NAMES[base.body])]
    found: list[Problem] = []
    low = rule.value.min_elected
    size = base.committee_size.value
    if value.min_elected < low:
        found.append(_problem("vacancy_low", "vacancy", article, low=low, value=value.min_elected))
    elif size is not None and value.min_elected > size[1]:
        high = size[1]
        found.append(
            _problem("vacancy_high", "vacancy", article, high=high, value=value.min_elected)
        )
    if value.after_first_poll and not rule.value.after_first_poll:
        # 村民委员会组织法(2025) 第十八条第二款: "当选人数不足应选名额的，不足的名额另行选举".
        cited = "、".join(base.supplementary_threshold.cite())
        found.append(_problem("vacancy_first_poll", "vacancy", cited))
    if rule.value.director_required and not value.director_required:
        found.append(_problem("vacancy_director", "vacancy", article))
    if rule.value.meeting_decides and not value.meeting_decides:
        found.append(_problem("vacancy_meeting", "vacancy", article))
    return found


def check_override(base: Profile, parameter: str, value: Value) -> Verdict:
    """Whether `value` for `parameter` is lawful on top of `base`, the national law: the
    problems, each citing the national article it would break.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> base = effective_profile("villagers", "", date(2026, 12, 1))
    >>> check_override(base, "proxy", ProxyLimits(cap=4, candidates_excluded=True)).messages
    ('委托投票：每一受委托人接受委托不得超过3人，不能设为4人',)
    >>> check_override(base, "surplus", Surplus((("member", 0, None),))).messages
    ('候选人差额：委员应选1名时，候选人至少应为2名（比应选名额多1名），不能设为1名',)
    >>> check_override(base, "women", "priority").ok
    True
    """
    found: list[Problem] = []
    if parameter == "surplus" and isinstance(value, Surplus):
        found = _check_surplus(base, value)
    elif parameter == "proxy" and isinstance(value, ProxyLimits):
        found = _check_proxy(base, value)
    elif parameter == "transfer" and isinstance(value, str):
        if value not in TRANSFER_VALUES:
            words = "、".join(f"“{v}”" for v in TRANSFER_VALUES)
            found = [_problem("bad_choice", parameter, allowed=words)]
    elif parameter == "women" and isinstance(value, str):
        if base.women.value != "none" and value == "none":
            # 村民委员会组织法(2025) 第八条: "应当有妇女成员".
            found = [_problem("women_none", parameter, "、".join(base.women.cite()))]
        elif value not in ("none", *WOMEN_VALUES):
            words = "、".join(f"“{v}”" for v in WOMEN_VALUES)
            found = [_problem("bad_choice", parameter, allowed=words)]
    elif parameter == "vacancy" and isinstance(value, Vacancy):
        found = _check_vacancy(base, value)
    elif parameter in SHARES and isinstance(value, Share):
        rule: Rule[Share] = getattr(base, parameter)
        if not (2 <= value.den <= MAX_DENOMINATOR and 1 <= value.num < value.den):
            found = [_problem("share_range", parameter, most=MAX_DENOMINATOR)]
        elif not _stricter_or_equal(value, rule.value):
            # 村民委员会组织法(2025) 第十八条第二款: 过半数 turnout and threshold, 1/3 further vote.
            found = [
                _problem(
                    "share_lower",
                    parameter,
                    "、".join(rule.cite()),
                    base=rule.value.describe(),
                    value=value.describe(),
                )
            ]
    else:
        found = [_problem("unknown_parameter", parameter, name=parameter)]
    return Verdict(tuple(found))


def _rule(base: Profile, parameter: str, override: Override) -> Rule[object]:
    value = override.value
    if isinstance(value, ProxyLimits):
        # The rest of the proxy rule (who may hold one) stays the national law's, so its article
        # follows the county's, as the province profiles do (上海 16, 北京 25).
        merged = dataclasses.replace(
            base.proxy.value,
            cap=value.cap,
            filing_days=value.filing_days,
            candidates_excluded=value.candidates_excluded,
        )
        return Rule(merged, (override.article, *base.proxy.articles))
    return Rule(value, (override.article,))


def custom_profile(
    base: Profile,
    overrides: Mapping[str, Override],
    *,
    title: str,
    province: str = "",
    note: str = "",
) -> CustomProfile:
    """`base` (the national law alone) with the county's `overrides`, when every one is lawful.

    The profile's `sources` are the national law's, then `title` (the text the county cites);
    each overridden rule cites the county's article; `note`, when given, is said in every
    result. With no override the base is returned unchanged: nothing of `title` was applied.
    Raises `ProfileError` when `base` already carries a province's measure.
    """
    if base.province:
        raise ProfileError("province", "县级选举规则只能以全国性法律为基础")
    found: list[Problem] = []
    for parameter, override in overrides.items():
        found.extend(check_override(base, parameter, override.value).problems)
    if found:
        return CustomProfile(Verdict(tuple(found)), None)
    if not overrides:
        return CustomProfile(Verdict(), base)
    rules = {
        parameter: _rule(base, parameter, overrides[parameter])
        for parameter in PARAMETERS
        if parameter in overrides
    }
    profile = dataclasses.replace(
        base,
        province=province,
        sources=(*base.sources, title),
        notes=(*base.notes, note) if note else base.notes,
        **rules,  # type: ignore[arg-type]
    )
    return CustomProfile(Verdict(), profile)
