from __future__ import annotations

from typing import Any

from django import forms

from huanjie.lib.forms import CountField, DateInput, StyledFormMixin


def _profile_choices() -> list[tuple[str, str]]:
    from huanjie.rules.profiles import PROVINCE_PROFILES

    return [
        ("", "全国法律（村民委员会组织法、城市居民委员会组织法）"),
        *((code, f"{name}选举办法") for code, name in sorted(PROVINCE_PROFILES.items())),
    ]


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="换届名称",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "例如：2026年村(社区)“两委”换届"}),
    )
    term_number = CountField(label="届次（第N届）", min_value=1, max_value=99)  # SECURITY.md V11
    rule_province = forms.ChoiceField(label="选举规则", required=False)
    window_start = forms.DateField(label="换届开始日期", widget=DateInput)
    window_end = forms.DateField(label="换届结束日期", widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_province"].choices = _profile_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", f"换届结束日期（{end}）不能早于开始日期（{start}）")
        return data


class ExcludeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="不纳入原因", max_length=200)


class RetentionForm(StyledFormMixin, forms.Form):
    """The campaign's personal data end date (SECURITY.md P7) and its basis."""

    retention_until = forms.DateField(label="个人信息保存期限", widget=DateInput)
    reason = forms.CharField(
        label="修改依据",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "例如：县档案馆要求选民登记材料保存10年"}),
    )
