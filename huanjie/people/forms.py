from __future__ import annotations

from django import forms

from huanjie.lib.forms import DateInput, StyledFormMixin
from huanjie.people.models import StatusKind


class ChangesFilterForm(StyledFormMixin, forms.Form):
    small = True
    q = forms.CharField(
        label="姓名",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "姓名"}),
    )
    kind = forms.ChoiceField(
        label="变动类型", required=False, choices=[("", "全部类型"), *StatusKind.choices]
    )


class StatusRecordForm(StyledFormMixin, forms.Form):
    """One death, deprivation or restoration, as the notice states it (people.status checks
    the dates against the record)."""

    kind = forms.ChoiceField(label="变动类型", choices=StatusKind.choices)
    on = forms.DateField(label="变动日期（死亡日期、剥夺起始日期或恢复之日）", widget=DateInput)
    until = forms.DateField(
        label="截止日期（仅剥夺政治权利；不填为终身）", required=False, widget=DateInput
    )
    source = forms.CharField(
        label="依据",
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": "如 死亡医学证明编号、判决书文号、公安机关通知"}
        ),
    )


class StatusCorrectForm(StyledFormMixin, forms.Form):
    small = True
    # Not required here: the service refuses an empty reason with its own message.
    reason = forms.CharField(
        label="更正原因",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "更正原因（必填）", "required": True}),
    )
