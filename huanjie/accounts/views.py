from __future__ import annotations

import django
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from huanjie.accounts import services
from huanjie.accounts.forms import LoginForm, PasswordChangeForm, RolesForm, UserCreateForm
from huanjie.accounts.models import User
from huanjie.accounts.passwords import password_expired
from huanjie.accounts.permissions import Action, current_user, get_scoped_or_404, require, scoped
from huanjie.regions.models import Region
from huanjie.regions.selectors import region_path


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    data = None
    if request.method == "POST":
        # One spelling of the login name for the lookup, the lock and the counter (A3).
        data = request.POST.copy()
        data["username"] = services.normalize_username(data.get("username", ""))[:150]
    form = LoginForm(request, data=data)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if data is not None:
        username = str(data["username"])
        candidate = User.objects.filter(username=username).first()
        if candidate is not None and services.is_locked(candidate):
            # Same message as a wrong password (SECURITY.md A3/A4): a lock gives nothing away.
            services.login_failed(username=username, reason="账号锁定期间尝试登录")
            form.is_valid()
            form.errors.clear()
            form.add_error(None, form.error_messages["invalid_login"])
        elif form.is_valid():
            user = form.get_user()
            login(request, user)  # rotates the session key (SECURITY.md S2)
            services.login_succeeded(user=user)
            services.session_started(user=user, session_key=request.session.session_key or "")
            if user.must_change_password or password_expired(user):
                return redirect("accounts:password_change")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = ""
            return redirect(next_url or "home")
        else:
            services.login_failed(username=username, reason="用户名或密码错误")
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logged_out(user=current_user(request))
    logout(request)  # deletes the server-side session (SECURITY.md R1)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'  # SECURITY.md R3
    return response


def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(current_user(request), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=current_user(request),
                new_password=form.cleaned_data["new_password"],
                keep_session=request.session.session_key or "",
            )
        except ValidationError as exc:
            form.add_error("new_password", exc)
        else:
            login(request, current_user(request))
            services.session_started(
                user=current_user(request), session_key=request.session.session_key or ""
            )
            messages.success(request, "密码已修改")
            return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "breadcrumbs": [("修改密码", None)],
        },
    )


def user_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_USERS)
    users = scoped(request.user, User.objects.all(), Action.MANAGE_USERS).select_related("region")
    users = users.prefetch_related("role_grants")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(full_name__icontains=q)
    page = Paginator(users.order_by("region_id", "username"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page_obj": page,
            "q": q,
            "breadcrumbs": [("系统管理", None), ("用户与角色", None)],
        },
    )


def user_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_USERS)
    form = UserCreateForm(
        request.POST or None, initial={"region_code": current_user(request).region_id}
    )
    if request.method == "POST" and form.is_valid():
        region = Region.objects.filter(code=form.cleaned_data["region_code"]).first()
        if region is None:
            form.add_error("region_code", "未找到该区划代码")
        else:
            try:
                user, password = services.user_create(
                    actor=current_user(request),
                    username=form.cleaned_data["username"],
                    full_name=form.cleaned_data["full_name"],
                    phone=form.cleaned_data["phone"],
                    region=region,
                    roles=form.role_specs(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"已创建用户 {user.username}，初始密码：{password}（首次登录须修改，仅显示一次）",
                )
                return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "breadcrumbs": [
                ("系统管理", None),
                ("用户与角色", reverse("accounts:user_list")),
                ("新建用户", None),
            ],
        },
    )


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_scoped_or_404(
        request.user, User.objects.select_related("region"), Action.MANAGE_USERS, pk=pk
    )
    grants = list(user.role_grants.all())
    form = RolesForm(
        request.POST or None,
        initial={
            "roles": [g.role for g in grants],
            "department": next((g.department for g in grants if g.department), ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_roles_set(actor=current_user(request), user=user, roles=form.role_specs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "角色已更新")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "grants": grants,
            "form": form,
            "locked": services.is_locked(user),
            "region_path": region_path(user.region) if user.region else [],
            "breadcrumbs": [
                ("系统管理", None),
                ("用户与角色", reverse("accounts:user_list")),
                (user.username, None),
            ],
        },
    )


@require_POST
def user_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = get_scoped_or_404(request.user, User.objects.all(), Action.MANAGE_USERS, pk=pk)
    actor = current_user(request)
    if action == "unlock":
        services.user_unlock(actor=actor, user=user)
        messages.success(request, "已解除锁定")
    elif action == "deactivate":
        services.user_set_active(actor=actor, user=user, active=False)
        messages.success(request, "已停用该账号，其会话已全部结束")
    elif action == "activate":
        services.user_set_active(actor=actor, user=user, active=True)
        messages.success(request, "已启用该账号")
    elif action == "reset_password":
        password = services.user_reset_password(actor=actor, user=user)
        messages.success(request, f"新的临时密码：{password}（首次登录须修改，仅显示一次）")
    else:
        from django.http import Http404

        raise Http404("未找到")
    return redirect("accounts:user_detail", pk=user.pk)


def system_status(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_SYSTEM)
    from huanjie.audit.models import AuditEvent

    facts = [
        ("Django 版本", django.get_version()),
        ("数据库", connection.vendor),
        ("区划数", f"{Region.objects.count():,}"),
        ("用户数", f"{User.objects.count():,}"),
        ("审计记录数", f"{AuditEvent.objects.count():,}"),
    ]
    return render(
        request,
        "accounts/system_status.html",
        {
            "facts": facts,
            "breadcrumbs": [("系统管理", None), ("系统状态", None)],
        },
    )
