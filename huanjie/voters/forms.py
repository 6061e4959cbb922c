from __future__ import annotations

from typing import Any

from django import forms

from huanjie.lib import idcard
from huanjie.lib.forms import DateInput, StyledFormMixin
from huanjie.lib.names import (
    MAX_LENGTH,
    MSG_NAME_EMPTY,
    MSG_NAME_LONG,
    name_problem,
    normalize_name,
)
from huanjie.people.models import Sex
from huanjie.voters.models import Category, ChangeReason, Objection, VoterRegistration

# A clerk removes for these; "申诉成立，删除" comes only from an objection's decision.
CLERK_REMOVALS = [
    (r.value, r.label)
    for r in (
        ChangeReason.MOVED_OUT,
        ChangeReason.DIED,
        ChangeReason.LOST_RIGHTS,
        ChangeReason.REGISTERED_ELSEWHERE,
    )
]


class RollFilterForm(StyledFormMixin, forms.Form):
    small = True
    q = forms.CharField(
        label="姓名",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "姓名"}),
    )
    group = forms.CharField(
        label="村民小组",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "村民小组"}),
    )
    category = forms.ChoiceField(
        label="登记类别", required=False, choices=[("", "全部类别"), *Category.choices]
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "在册"), ("removed", "已除名"), ("all", "全部"), ("flagged", "待核实")],
    )


class ElectionDateForm(StyledFormMixin, forms.Form):
    election_date = forms.DateField(label="选举日", widget=DateInput)
    # Moving a day already fixed needs its reason (elections.services, issue 14).
    reason = forms.CharField(label="变更原因", max_length=200, required=False)


class IdNumberField(forms.CharField):
    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        result = idcard.check(value)
        if not result.ok:
            raise forms.ValidationError([p.message for p in result.problems])
        return result.normalized


class RegisterForm(StyledFormMixin, forms.Form):
    id_number = IdNumberField(label="公民身份号码", max_length=30)
    category = forms.ChoiceField(label="登记类别", choices=Category.choices)
    group_name = forms.CharField(label="村民小组", max_length=50, required=False)
    name = forms.CharField(label="姓名（人员库中没有此人时填写）", max_length=50, required=False)
    sex = forms.ChoiceField(
        label="性别（同上）", choices=[("", "按身份证号"), *Sex.choices], required=False
    )
    region_code = forms.CharField(
        label="户籍地村(社区)区划代码（同上；空为本村）", max_length=12, required=False
    )

    def __init__(self, *args: Any, categories: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if categories:
            field = self.fields["category"]
            field.choices = [c for c in Category.choices if c[0] in categories]  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        # Optional (a known person is found by number), but what is typed is stored: one rule.
        name: str = self.cleaned_data["name"]
        if not name:
            return ""
        if problem := name_problem(name):
            raise forms.ValidationError(problem)
        return normalize_name(name)


class RemoveForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(label="除名原因", choices=CLERK_REMOVALS)


class PublishForm(StyledFormMixin, forms.Form):
    published_on = forms.DateField(label="公布日期", widget=DateInput)


class CarryOverForm(StyledFormMixin, forms.Form):
    previous_campaign = forms.TypedChoiceField(label="上届换届", coerce=int)

    def __init__(self, *args: Any, campaigns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["previous_campaign"].choices = campaigns  # type: ignore[attr-defined]


class ObjectionForm(StyledFormMixin, forms.Form):
    filer_name = forms.CharField(label="申诉人", max_length=50)
    subject_name = forms.CharField(label="涉及人员", max_length=50)
    subject_id_number = IdNumberField(
        label="涉及人员身份证号（补登或删除时填写）", max_length=30, required=False
    )
    kind = forms.ChoiceField(label="申诉事由", choices=Objection.Kind.choices)
    detail = forms.CharField(label="申诉内容", max_length=500, widget=forms.Textarea({"rows": 2}))
    filed_on = forms.DateField(label="提出日期", widget=DateInput)
    received_on = forms.DateField(label="受理日期", widget=DateInput)

    # Normalised but not held to the name rule (a filer need not be a person on the roll); the
    # subject is looked up on the roll by this name, which is stored with the standard ·.
    def clean_filer_name(self) -> str:
        return self._normalized("filer_name")

    def clean_subject_name(self) -> str:
        return self._normalized("subject_name")

    def _normalized(self, field: str) -> str:
        name = normalize_name(self.cleaned_data[field])
        if not name or len(name) > MAX_LENGTH:  # NFKC can lengthen: ㍿ is 株式会社
            raise forms.ValidationError(MSG_NAME_LONG if name else MSG_NAME_EMPTY)
        return name


class DecideForm(StyledFormMixin, forms.Form):
    small = True
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[
            (Objection.Outcome.UPHELD, "申诉成立"),
            (Objection.Outcome.REJECTED, "申诉不成立"),
        ],
    )
    decision = forms.CharField(label="处理意见", max_length=500)
    decided_on = forms.DateField(label="处理日期", widget=DateInput)
    id_number = IdNumberField(label="涉及人员身份证号", max_length=30, required=False)
    category = forms.ChoiceField(
        label="补登类别", choices=[("", "—"), *Category.choices], required=False
    )
    group_name = forms.CharField(label="村民小组", max_length=50, required=False)


class RegistrationChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", "请选择")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        group = f"（{obj.group_name}）" if obj.group_name else ""
        return f"{obj.person.name}{group} {obj.person.id_masked}"


class ProxyForm(StyledFormMixin, forms.Form):
    principal = RegistrationChoiceField(label="委托人", queryset=VoterRegistration.objects.none())
    holder = RegistrationChoiceField(label="受委托人", queryset=VoterRegistration.objects.none())
    relation = forms.CharField(label="与委托人关系", max_length=20)
    close_relative = forms.BooleanField(label="近亲属", required=False, initial=True)
    filed_on = forms.DateField(label="办理日期", widget=DateInput)

    def __init__(self, *args: Any, registrations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("principal", "holder"):
            self.fields[name].queryset = registrations  # type: ignore[attr-defined]


class ProxyWithdrawForm(StyledFormMixin, forms.Form):
    small = True
    withdrawn_on = forms.DateField(label="撤销日期", widget=DateInput)
    reason = forms.CharField(label="撤销原因", max_length=200)


class RevealForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="查看事由", min_length=4, max_length=200)


class ConflictResolveForm(StyledFormMixin, forms.Form):
    small = True
    decision = forms.ChoiceField(
        label="处理方式", choices=[("kept_first", "保留原登记"), ("moved", "改在本村登记")]
    )
    note = forms.CharField(label="处理说明", max_length=200, required=False)
