"""The schedule page's small forms: a stage recorded done, undone, the election day moved."""

from __future__ import annotations

from django import forms

from huanjie.lib.forms import DateInput, StyledFormMixin


class StageDoneForm(StyledFormMixin, forms.Form):
    small = True
    done_on = forms.DateField(label="完成日期", widget=DateInput)
    note = forms.CharField(label="说明", max_length=200, required=False)


class StageUndoForm(StyledFormMixin, forms.Form):
    small = True
    note = forms.CharField(label="撤销原因", max_length=200)


class ElectionDayForm(StyledFormMixin, forms.Form):
    election_date = forms.DateField(label="选举日", widget=DateInput)
    reason = forms.CharField(label="变更原因", max_length=200, required=False)
