from __future__ import annotations

from django import forms

from huanjie.lib.forms import StyledFormMixin
from huanjie.people.models import StatusKind
from huanjie.voters.importing import MAX_FILE_BYTES


class ChangesUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=f"变动名单文件（.xlsx 或 .csv，不超过 {MAX_FILE_BYTES // 1024 // 1024} MB）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


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
