"""The forms of the village roster's details, reserve cadres and the care of departing cadres:
they only read the typed text; the services (rosters.services.cadres, reserve, care) check it."""

from __future__ import annotations

from django import forms

from huanjie.elections.models import Post
from huanjie.lib.cadre_codes import EDUCATION, POLITICAL_STATUS
from huanjie.lib.ethnicity import ETHNICITIES
from huanjie.rosters.models import TAGS, EndReason, RosterBody

UNKNOWN = [("", "（未填）")]
DATE = forms.DateInput(attrs={"type": "date"})


class CadreForm(forms.Form):
    education = forms.ChoiceField(
        label="文化程度", choices=UNKNOWN + list(EDUCATION.items()), required=False
    )
    political_status = forms.ChoiceField(
        label="政治面貌", choices=UNKNOWN + list(POLITICAL_STATUS.items()), required=False
    )
    ethnicity = forms.ChoiceField(
        label="民族", choices=UNKNOWN + list(ETHNICITIES.items()), required=False
    )
    tags = forms.MultipleChoiceField(
        label="身份标签", choices=TAGS, required=False, widget=forms.CheckboxSelectMultiple
    )


class LeaveForm(forms.Form):
    ended_on = forms.DateField(label="离任日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(
        label="离任原因",
        choices=[(r.value, r.label) for r in (EndReason.RESIGNED, EndReason.OTHER)],
    )
    note = forms.CharField(label="离任说明", max_length=500, required=False)


class ReserveFields(forms.Form):
    education = forms.ChoiceField(
        label="文化程度", choices=UNKNOWN + list(EDUCATION.items()), required=False
    )
    political_status = forms.ChoiceField(
        label="政治面貌", choices=UNKNOWN + list(POLITICAL_STATUS.items()), required=False
    )
    occupation = forms.CharField(label="现工作单位及职务", max_length=100, required=False)
    intended_body = forms.ChoiceField(
        label="拟培养组织", choices=UNKNOWN + list(RosterBody.choices), required=False
    )
    intended_post = forms.ChoiceField(
        label="拟培养职务", choices=UNKNOWN + list(Post.choices), required=False
    )
    channel = forms.CharField(label="来源渠道", max_length=50, required=False)
    added_on = forms.DateField(label="入库日期", widget=DATE)


class ReserveAddForm(ReserveFields):
    id_number = forms.CharField(label="公民身份号码", max_length=18)
    name = forms.CharField(label="姓名", max_length=50)

    field_order = ["id_number", "name"]


class ReserveRemoveForm(forms.Form):
    removed_on = forms.DateField(label="调出日期", widget=DATE)
    reason = forms.CharField(label="调出原因", max_length=200)


class CareForm(forms.Form):
    talked_on = forms.DateField(label="谈心谈话日期", widget=DATE, required=False)
    one_off_payment = forms.DecimalField(
        label="一次性补助（元）", min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    pension_support = forms.DecimalField(
        label="养老保险补助（元）", min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    placed = forms.BooleanField(label="另行安排工作", required=False)
    placement = forms.CharField(label="安排去向", max_length=200, required=False)
    note = forms.CharField(
        label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
