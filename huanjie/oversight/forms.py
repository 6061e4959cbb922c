"""The oversight pages' forms: an inspection group, a visit, a problem found. The choices (the
user's groups, the towns and villages a group covers) are given by the view; the services check
everything again."""

from __future__ import annotations

from typing import Any

from django import forms

from huanjie.lib.forms import DateInput, StyledFormMixin
from huanjie.oversight.models import TEXT


class GroupForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="督导组名称", max_length=60)
    leader = forms.CharField(
        label="带队领导", max_length=60, help_text="如：县委常委、组织部部长 张某某"
    )
    members = forms.MultipleChoiceField(
        label="督导组成员账号", required=False, widget=forms.CheckboxSelectMultiple
    )
    towns = forms.MultipleChoiceField(label="联系乡镇(街道)", widget=forms.CheckboxSelectMultiple)

    def __init__(
        self,
        *args: Any,
        members: list[tuple[str, str]],
        towns: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = members  # type: ignore[attr-defined]
        self.fields["towns"].choices = towns  # type: ignore[attr-defined]


class VisitForm(StyledFormMixin, forms.Form):
    group = forms.ChoiceField(label="督导组")
    region = forms.ChoiceField(label="督导地点")
    visited_on = forms.DateField(label="督导日期", widget=DateInput)
    checked = forms.CharField(
        label="督导内容", max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label="督导情况", max_length=TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        groups: list[tuple[str, str]],
        places: list[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = groups  # type: ignore[attr-defined]
        self.fields["region"].choices = places  # type: ignore[attr-defined]


class ProblemForm(StyledFormMixin, forms.Form):
    region = forms.ChoiceField(label="责任单位")
    description = forms.CharField(
        label="发现问题", max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    requirement = forms.CharField(
        label="整改要求", max_length=TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label="整改时限", required=False, widget=DateInput)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = owners  # type: ignore[attr-defined]
