from __future__ import annotations

from typing import Any

from django import forms

from huanjie.accounts.models import Department
from huanjie.lib.forms import DateInput, StyledFormMixin
from huanjie.review.models import ConditionKind, DisqualifyingCondition, ReviewDepartment
from huanjie.review.services import Answer


class DepartmentForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=50)
    active = forms.BooleanField(label="参加联审", required=False)


class DepartmentAddForm(StyledFormMixin, forms.Form):
    department = forms.ChoiceField(label="部门", choices=())
    name = forms.CharField(label="名称（不填用部门全称）", max_length=50, required=False)

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = set(
            ReviewDepartment.objects.filter(campaign=campaign).values_list("department", flat=True)
        )
        field = self.fields["department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [c for c in Department.choices if c[0] not in taken]


class ConditionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="情形", max_length=200)
    kind = forms.ChoiceField(label="类别", choices=ConditionKind.choices)
    lookback_years = forms.IntegerField(
        label="追溯年限（不限的不填）", min_value=1, max_value=50, required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label="审查部门",
        queryset=ReviewDepartment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(
        self, *args: Any, campaign: Any, instance: DisqualifyingCondition | None = None, **kw: Any
    ) -> None:
        if instance is not None and not args:
            kw["initial"] = {
                "text": instance.text,
                "kind": instance.kind,
                "lookback_years": instance.lookback_years,
                "departments": list(instance.departments.all()),
                "active": instance.active,
            }
        super().__init__(*args, **kw)
        departments = self.fields["departments"]
        assert isinstance(departments, forms.ModelMultipleChoiceField)
        departments.queryset = ReviewDepartment.objects.filter(campaign=campaign)
        if instance is not None and instance.builtin:
            for name in ("text", "kind", "lookback_years", "active"):
                self.fields[name].disabled = True


class RevealForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="查看事由", min_length=4, max_length=200)


class SendForm(StyledFormMixin, forms.Form):
    sent_on = forms.DateField(label="送审日期", widget=DateInput)


class AnswerForm(StyledFormMixin, forms.Form):
    """For each condition the department checks: 无 / 有, a note, an optional attachment."""

    def __init__(
        self, *args: Any, conditions: list[DisqualifyingCondition], existing: dict, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.conditions = conditions
        for c in conditions:
            before = existing.get(c.pk)
            self.fields[f"c{c.pk}_found"] = forms.TypedChoiceField(
                label=f"{c.number}. {c.text}（{c.get_kind_display()}）",
                choices=[("0", "无此情形"), ("1", "有此情形")],
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=("1" if before.found else "0") if before else None,
            )
            self.fields[f"c{c.pk}_note"] = forms.CharField(
                label="说明",
                max_length=500,
                required=False,
                initial=before.note if before else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"c{c.pk}_file"] = forms.FileField(
                label="附件（可选，PDF或图片）",
                help_text="可上传PDF、JPG或PNG文件；不上传的，保留原附件",
                required=False,
                widget=forms.FileInput(
                    attrs={
                        "class": "form-control form-control-sm",
                        "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
                    }
                ),
            )

    def rows(self) -> list[tuple[DisqualifyingCondition, Any, Any, Any]]:
        return [
            (c, self[f"c{c.pk}_found"], self[f"c{c.pk}_note"], self[f"c{c.pk}_file"])
            for c in self.conditions
        ]

    def answers(self) -> list[Answer]:
        data = self.cleaned_data
        return [
            Answer(
                condition=c,
                found=bool(data[f"c{c.pk}_found"]),
                note=data[f"c{c.pk}_note"],
                attachment=data.get(f"c{c.pk}_file") or None,
            )
            for c in self.conditions
        ]
