"""The forms of a poll's set-up and check-in pages: they read the posted fields only; every rule
is the services' (polls.services.setup, polls.services.checkin)."""

from __future__ import annotations

from django import forms

from huanjie.polls.models import StaffRole

# Relations a staff member may declare to a candidate: the close relatives of 民法典 第一千零四十五条
# ("配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女"), and others the committee
# counts as well.
RELATIONS = [
    ("", "无"),
    ("配偶", "配偶"),
    ("父母", "父母"),
    ("子女", "子女"),
    ("兄弟姐妹", "兄弟姐妹"),
    ("祖父母、外祖父母", "祖父母、外祖父母"),
    ("孙子女、外孙子女", "孙子女、外孙子女"),
    ("其他近亲属", "其他近亲属"),
]


class BoxForm(forms.Form):
    name = forms.CharField(label="票箱名称", max_length=30)
    place = forms.CharField(label="投票地点", max_length=100, required=False)
    mobile = forms.BooleanField(label="流动票箱", required=False)
    route = forms.CharField(label="路线", max_length=200, required=False)


class BallotsForm(forms.Form):
    count = forms.IntegerField(label="发出选票数", min_value=0)
    serial_from = forms.IntegerField(label="起始编号", min_value=1, required=False)


class MobileVoterForm(forms.Form):
    registration = forms.IntegerField(required=False)
    q = forms.CharField(label="姓名或身份证号", max_length=50, required=False)
    reason = forms.CharField(label="原因", max_length=100)


class StaffForm(forms.Form):
    person = forms.IntegerField(required=False)
    q = forms.CharField(label="姓名或身份证号", max_length=50, required=False)
    role = forms.ChoiceField(label="职责", choices=StaffRole.choices)
    box = forms.IntegerField(required=False)
    relative_of_candidate = forms.ChoiceField(
        label="与候选人的近亲属关系", choices=RELATIONS, required=False
    )


class CheckInForm(forms.Form):
    box = forms.IntegerField(required=False)  # the Party's meeting has one
    # An ID number typed, or what the ID card reader typed (a number, or a line of fields).
    code = forms.CharField(max_length=200, required=False)
    registration = forms.IntegerField(required=False)  # picked from the published list
    member = forms.IntegerField(required=False)  # the Party: picked from the members
    principal = forms.CharField(max_length=200, required=False)  # a proxy's principal's number


class UndoForm(forms.Form):
    check_in = forms.IntegerField(required=False)
    attendance = forms.IntegerField(required=False)
    reason = forms.CharField(max_length=200)
