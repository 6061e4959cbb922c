"""The forms of the list pages (两述, 公示, objections, fixing, unfixing, 递补)."""

from __future__ import annotations

from typing import Any

from django import forms

from huanjie.lib.forms import DateInput, StyledFormMixin
from huanjie.nomination.models import ListOrder, ObjectionDecision, PublicitySubject

QUESTION_ROWS = 3


class StatementForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label="日期", widget=DateInput)
    place = forms.CharField(label="地点或会议", max_length=100, required=False)
    summary = forms.CharField(
        label="陈述要点", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text = {"class": "form-control"}
        for i in range(1, QUESTION_ROWS + 1):
            self.fields[f"q{i}"] = forms.CharField(
                label=f"问答{i}：提问",
                max_length=500,
                required=False,
                widget=forms.TextInput(attrs=text),
            )
            self.fields[f"q{i}_by"] = forms.CharField(
                label=f"问答{i}：提问人",
                max_length=50,
                required=False,
                widget=forms.TextInput(attrs=text),
            )
            self.fields[f"q{i}_answer"] = forms.CharField(
                label=f"问答{i}：回答要点",
                max_length=1000,
                required=False,
                widget=forms.TextInput(attrs=text),
            )


class PublicityForm(StyledFormMixin, forms.Form):
    subject = forms.ChoiceField(label="公示内容", choices=PublicitySubject.choices)
    post = forms.ChoiceField(label="职位", required=False)
    starts_on = forms.DateField(label="公示开始日期", widget=DateInput)
    ends_on = forms.DateField(label="公示结束日期", widget=DateInput)

    def __init__(self, *args: Any, posts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", "全部职位"), *posts]  # type: ignore[attr-defined]


class ObjectionForm(StyledFormMixin, forms.Form):
    received_on = forms.DateField(label="收到日期", widget=DateInput)
    from_name = forms.CharField(label="反映人", max_length=50)
    nominee = forms.ChoiceField(label="涉及人选", required=False)
    content = forms.CharField(
        label="反映内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, nominees: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominee"].choices = [("", "不涉及具体人选"), *nominees]  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="处理结果", choices=ObjectionDecision.choices)
    note = forms.CharField(label="处理意见", max_length=1000)
    decided_on = forms.DateField(label="处理日期", widget=DateInput)


class FixForm(forms.Form):
    order = forms.ChoiceField(
        label="排序方式", choices=[("", "按规定"), *ListOrder.choices], required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500, required=False)
