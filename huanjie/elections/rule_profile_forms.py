"""Forms of the county's own election rules: one form per parameter, each giving the value in
the engine's JSON form (huanjie.rules.custom) and the article it cites. The forms check only
the shape (whole numbers); whether a value is lawful is the engine's answer, in its words."""

from __future__ import annotations

from typing import Any

from django import forms

from huanjie.lib.forms import CountField, StyledFormMixin
from huanjie.rules.messages import POST_NAMES

SURPLUS_POSTS = ("director", "deputy_director", "woman_member", "member")

TRANSFER_CHOICES = [
    ("none", "不计入，各职位分别计票"),
    ("allowed", "可以计入（高职位得票不足以当选的，累加入低职位）"),
    ("required", "应当计入"),
]
WOMEN_CHOICES = [
    ("required", "应当有妇女成员"),
    ("separate_post", "选票单列妇女委员职位"),
    ("priority", "妇女得票过半数的首先当选委员；没有的，确定一个委员名额另行选举妇女成员"),
    ("none", "不作要求"),
]


class ProfileForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="规则名称",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "例如：大通县村民委员会选举规则"}),
    )
    law = forms.ChoiceField(
        label="基准法律",
        choices=[("2025", "村民委员会组织法(2025)"), ("2018", "村民委员会组织法(2018)")],
    )
    measure = forms.CharField(
        label="引用的选举办法",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "青海省村民委员会选举办法"}),
    )


class ParameterForm(StyledFormMixin, forms.Form):
    """The article every parameter cites; subclasses add the value's fields."""

    article = CountField(
        label="引用条文（第几条）",
        required=False,
        min_value=0,
        help_text="填写条文序号的阿拉伯数字；不填则引用整部办法",
    )

    def value(self) -> Any:
        raise NotImplementedError

    @classmethod
    def initial_for(cls, value: Any) -> dict[str, Any]:
        return {}


class SurplusForm(ParameterForm):
    percent = CountField(label="差额比例（%，不填则按各职位设置）", required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for post in SURPLUS_POSTS:
            name = POST_NAMES[post]
            self.fields[f"{post}_low"] = CountField(
                label=f"{name}：候选人至少多于应选名额",
                required=False,
                min_value=0,
                help_text="不填则按全国性法律（多于应选名额）",
            )
            self.fields[f"{post}_high"] = CountField(
                label=f"{name}：候选人至多多于应选名额", required=False, min_value=0
            )
            # Added after StyledFormMixin styled the declared fields.
            self.fields[f"{post}_low"].widget.attrs["class"] = "form-control"
            self.fields[f"{post}_high"].widget.attrs["class"] = "form-control"
        self.order_fields([*(f"{p}_{e}" for p in SURPLUS_POSTS for e in ("low", "high"))])

    def value(self) -> Any:
        data = self.cleaned_data
        by_post = {
            post: [data[f"{post}_low"], data[f"{post}_high"]]
            for post in SURPLUS_POSTS
            if data.get(f"{post}_low") is not None
        }
        return {"by_post": by_post, "percent": data.get("percent")}

    @classmethod
    def initial_for(cls, value: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"percent": value.get("percent")}
        for post, (low, high) in value.get("by_post", {}).items():
            initial[f"{post}_low"], initial[f"{post}_high"] = low, high
        return initial


class ProxyForm(ParameterForm):
    cap = CountField(label="每一受委托人接受委托至多（人）", required=False, min_value=0)
    filing_days = CountField(label="委托手续至迟在选举日前（日）办理", required=False, min_value=0)
    candidates_excluded = forms.BooleanField(
        label="候选人不得接受委托投票", required=False, initial=True
    )

    def value(self) -> Any:
        data = self.cleaned_data
        return {
            "cap": data["cap"],
            "filing_days": data["filing_days"],
            "candidates_excluded": data["candidates_excluded"],
        }

    @classmethod
    def initial_for(cls, value: Any) -> dict[str, Any]:
        return dict(value)


class TransferForm(ParameterForm):
    choice = forms.ChoiceField(label="高职位得票计入低职位", choices=TRANSFER_CHOICES)

    def value(self) -> Any:
        return self.cleaned_data["choice"]

    @classmethod
    def initial_for(cls, value: Any) -> dict[str, Any]:
        return {"choice": value}


class WomenForm(ParameterForm):
    choice = forms.ChoiceField(label="妇女成员", choices=WOMEN_CHOICES)

    def value(self) -> Any:
        return self.cleaned_data["choice"]

    @classmethod
    def initial_for(cls, value: Any) -> dict[str, Any]:
        return {"choice": value}


class VacancyForm(ParameterForm):
    min_elected = CountField(label="另行选举后当选人数至少（人）", min_value=0)
    director_required = forms.BooleanField(label="且已选出主任", required=False)
    meeting_decides = forms.BooleanField(label="是否暂缺由村民会议决定", required=False)
    after_first_poll = forms.BooleanField(label="第一次投票后即可暂缺", required=False)

    def value(self) -> Any:
        data = self.cleaned_data
        return {
            "min_elected": data["min_elected"],
            "director_required": data["director_required"],
            "after_first_poll": data["after_first_poll"],
            "meeting_decides": data["meeting_decides"],
        }

    @classmethod
    def initial_for(cls, value: Any) -> dict[str, Any]:
        return dict(value)


class ShareForm(ParameterForm):
    num = CountField(label="分子", min_value=0)
    den = CountField(label="分母", min_value=0)
    strict = forms.BooleanField(
        label="须超过（“过半数”“超过”不含本数；不勾选为“以上”“不少于”，含本数）", required=False
    )

    def value(self) -> Any:
        data = self.cleaned_data
        return {"num": data["num"], "den": data["den"], "strict": data["strict"]}

    @classmethod
    def initial_for(cls, value: Any) -> dict[str, Any]:
        return dict(value)


FORMS: dict[str, type[ParameterForm]] = {
    "surplus": SurplusForm,
    "proxy": ProxyForm,
    "transfer": TransferForm,
    "women": WomenForm,
    "vacancy": VacancyForm,
    "threshold": ShareForm,
    "supplementary_threshold": ShareForm,
    "turnout": ShareForm,
}


class CampaignProfileForm(StyledFormMixin, forms.Form):
    profile = forms.ChoiceField(label="县级选举规则", required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [  # type: ignore[attr-defined]
            ("", "不选用（适用全国性法律）"),
            *choices,
        ]
