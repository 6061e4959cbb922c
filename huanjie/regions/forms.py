from __future__ import annotations

from django import forms

from huanjie.regions.models import Region


class KindCorrectForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Region.Kind.choices)
    reason = forms.CharField(label="更正原因", max_length=200)
