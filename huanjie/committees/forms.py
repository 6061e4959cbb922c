from __future__ import annotations

from typing import Any

from django import forms

from huanjie.committees.models import ChosenBy, MemberRole, WithdrawalKind
from huanjie.lib.forms import DateInput, StyledFormMixin
from huanjie.lib.names import normalize_name
from huanjie.voters.forms import IdNumberField


class CommitteeForm(StyledFormMixin, forms.Form):
    chosen_on = forms.DateField(label="推选日期", widget=DateInput)
    chosen_by = forms.ChoiceField(label="推选方式", choices=ChosenBy.choices)
    seats = forms.IntegerField(label="成员名额（三人以上的奇数）", min_value=1, max_value=99)


STATUS_CHOICES = [("serving", "在任成员"), ("reserve", "候补人员（按推选结果依次递补）")]


class MemberAddForm(StyledFormMixin, forms.Form):
    id_number = IdNumberField(label="公民身份号码", max_length=30)
    name = forms.CharField(label="姓名", max_length=50)
    status = forms.ChoiceField(label="身份", choices=STATUS_CHOICES)
    role = forms.ChoiceField(
        label="职务（在任成员）", choices=[("", "—"), *MemberRole.choices], required=False
    )
    votes = forms.IntegerField(label="推选得票", min_value=0, required=False)
    order = forms.IntegerField(
        label="推选结果顺序（不填为下一位）", min_value=1, max_value=999, required=False
    )

    def clean_name(self) -> str:
        return normalize_name(self.cleaned_data["name"])


class WithdrawForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="退出情形", choices=WithdrawalKind.choices)
    reason = forms.CharField(label="退出原因", max_length=300)


class ChairForm(StyledFormMixin, forms.Form):
    member = forms.ChoiceField(label="新任主任")
    reason = forms.CharField(label="说明（如：选举委员会会议推选）", max_length=200, required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members  # type: ignore[attr-defined]
