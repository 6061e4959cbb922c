from __future__ import annotations

from typing import Any

from django import forms

from huanjie.lib.forms import DateInput, StyledFormMixin
from huanjie.lib.names import name_problem, normalize_name
from huanjie.party.models import BranchKind, MemberStatus
from huanjie.people.models import Sex
from huanjie.rules.profiles import EXCLUSION_LABELS


class BranchForm(StyledFormMixin, forms.Form):
    village = forms.ChoiceField(label="村(社区)")
    name = forms.CharField(
        label="党组织名称",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "例如：中共××村支部委员会"}),
    )
    kind = forms.ChoiceField(label="类别", choices=BranchKind.choices)

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = villages  # type: ignore[attr-defined]


class MemberAddForm(StyledFormMixin, forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=40)
    name = forms.CharField(label="姓名", max_length=50)
    sex = forms.ChoiceField(
        label="性别", choices=[("", "按身份证号"), *Sex.choices], required=False
    )
    birth_date = forms.DateField(
        label="出生日期（可不填，按身份证号）", widget=DateInput, required=False
    )
    status = forms.ChoiceField(label="党员状态", choices=MemberStatus.choices)
    flowing = forms.BooleanField(label="流动党员", required=False)
    joined_on = forms.DateField(label="入党日期", widget=DateInput, required=False)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if problem := name_problem(name):
            raise forms.ValidationError(problem)
        return normalize_name(name)


class MemberStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label="党员状态", choices=MemberStatus.choices)
    flowing = forms.BooleanField(label="流动党员", required=False)


# 被依法留置、逮捕 is a member status here, so it is not offered as a reason.
REASON_CHOICES = [
    ("", "（无，计入应到会人数）"),
    *((key, label) for key, label in EXCLUSION_LABELS.items() if key != "detained"),
]


class RegistrationForm(StyledFormMixin, forms.Form):
    registered = forms.BooleanField(label="已进行党员选举登记", required=False)
    registered_on = forms.DateField(
        label="登记日期（不填为今天）", widget=DateInput, required=False
    )
    exclusion = forms.ChoiceField(
        label="不计入应到会人数的理由", choices=REASON_CHOICES, required=False
    )
    note = forms.CharField(label="情况说明", max_length=200, required=False)
    approved = forms.BooleanField(label="已经上级党组织同意并经党员大会通过", required=False)
