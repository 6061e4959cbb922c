from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from huanjie.accounts.models import Department, Role
from huanjie.accounts.services import MSG_USERNAME_FORM, RoleSpec
from huanjie.lib.forms import StyledFormMixin

MSG_LOGIN_FAILED = "用户名或密码错误，或账号已被锁定"


class LoginForm(AuthenticationForm):
    """The same message for an unknown user, a wrong password and a locked account
    (SECURITY.md A4), so nobody learns which accounts exist."""

    error_messages = {"invalid_login": MSG_LOGIN_FAILED, "inactive": MSG_LOGIN_FAILED}


class RolesForm(StyledFormMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    department = forms.ChoiceField(
        label="联审部门", choices=[("", "（不适用）"), *Department.choices], required=False
    )

    def role_specs(self) -> list[RoleSpec]:
        dept = self.cleaned_data.get("department") or ""
        return [
            RoleSpec(role=r, department=dept if r == Role.REVIEWER else "")
            for r in self.cleaned_data["roles"]
        ]


class UserCreateForm(RolesForm):
    """A new account: who, where, and its roles (RolesForm's fields and role_specs)."""

    username = forms.RegexField(
        label="用户名",
        regex=r"^[A-Za-z0-9_.-]{3,40}$",
        max_length=40,
        error_messages={"invalid": MSG_USERNAME_FORM},
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.RegexField(
        label="手机号",
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": "手机号应为11位数字"},
    )
    region_code = forms.CharField(label="所属区划代码", max_length=12)

    field_order = ["username", "full_name", "phone", "region_code", "roles", "department"]


class PasswordChangeForm(StyledFormMixin, forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput)
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("原密码不正确")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data
