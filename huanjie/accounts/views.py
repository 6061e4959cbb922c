from __future__ import annotations

import time
from typing import Any

import django
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from huanjie.accounts import second_factor, services
from huanjie.accounts.forms import LoginForm, PasswordChangeForm, RolesForm, UserCreateForm
from huanjie.accounts.models import User
from huanjie.accounts.passwords import password_expired, temporary_password_expired
from huanjie.accounts.permissions import Action, current_user, get_scoped_or_404, require, scoped
from huanjie.regions.models import Region
from huanjie.regions.selectors import region_path

# The password step hands over to the second-factor step for this long (SECURITY.md A5).
PENDING = "hj_pending_login"
PENDING_SECONDS = 5 * 60


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
        refusal, count_account = _refusal(candidate)
        if refusal:
            # Same message, same work as a wrong password (SECURITY.md A3/A4/A9): a lock, a
            # blocked address or a wrong network gives nothing away.
            services.login_failed(username=username, reason=refusal, count_account=count_account)
            form.is_valid()
            form.errors.clear()
            form.add_error(None, form.error_messages["invalid_login"])
        elif form.is_valid():
            user = form.get_user()
            if second_factor.needs_second_factor(user):
                # Nobody is logged in until the code is given: the session holds only who is
                # on the way, for five minutes, under a new key.
                request.session.cycle_key()
                request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": next_url}
                return redirect("accounts:second_factor")
            return redirect(_finish_login(request, user, next_url))
        else:
            services.login_failed(username=username, reason="用户名或密码错误")
    return render(request, "registration/login.html", {"form": form, "next": next_url})


def _refusal(user: User | None) -> tuple[str, bool]:
    """Why a login is refused before its password counts, and whether the refusal counts
    against the account too."""
    if services.address_blocked():
        return "来源地址登录失败次数过多，暂停登录", False
    if user is not None and services.is_locked(user):
        return "账号锁定期间尝试登录", True
    if user is not None and not services.admin_network_allowed(user):
        return "管理员账号从管理网络以外登录", False
    if user is not None and temporary_password_expired(user):
        return "初始或重置的临时密码已超过24小时未修改，已失效", False
    return "", False


def _finish_login(
    request: HttpRequest, user: User, next_url: str, device: Any | None = None
) -> str:
    """Log the user in (a new session key, SECURITY.md S2) and say where to go next."""
    request.session.pop(PENDING, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    method = "" if device is None else ("recovery" if isinstance(device, StaticDevice) else "totp")
    services.login_succeeded(user=user, second_factor=method)
    services.session_started(user=user, session_key=request.session.session_key or "")
    if user.must_change_password or password_expired(user):
        return reverse("accounts:password_change")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    return next_url or reverse("home")


@login_not_required
def second_factor_view(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the code of the authenticator app or a recovery code; at the
    first login, adding the authenticator (a QR code to scan, then its first code)."""
    pending = request.session.get(PENDING) or {}
    user = None
    if pending and 0 <= time.time() - float(pending.get("at", 0)) <= PENDING_SECONDS:
        user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    if user is None or _refusal(user)[0]:
        request.session.pop(PENDING, None)
        messages.error(request, "登录已超时，请重新输入用户名和密码")
        return redirect("accounts:login")
    device = second_factor.totp_device(user)
    enrolling = device is None
    if device is None:
        device = second_factor.enrollment_device(user)
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")[:64]
        if enrolling:
            codes = second_factor.totp_enroll_confirm(user=user, device=device, code=code)
            if codes is not None:
                target = _finish_login(request, user, str(pending.get("next", "")), device)
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next_url": target, "first": True},
                )
        else:
            verified = second_factor.second_factor_verify(user=user, code=code)
            if verified is not None:
                return redirect(
                    _finish_login(request, user, str(pending.get("next", "")), verified)
                )
        services.login_failed(username=user.username, reason="动态口令或恢复码错误")
        user.refresh_from_db()
        if services.is_locked(user):
            request.session.pop(PENDING, None)
            messages.error(request, "用户名或密码错误，或账号已被锁定，请稍后再试或联系安全管理员")
            return redirect("accounts:login")
        error = second_factor.MSG_BAD_CODE
    context: dict[str, Any] = {"enrolling": enrolling, "error": error, "subject": user}
    if enrolling:
        context["qr"] = second_factor.qr_svg_data_uri(device)
        context["key"] = second_factor.base32_key(device)
    return render(request, "registration/second_factor.html", context)


def account_security(request: HttpRequest) -> HttpResponse:
    """The user's own account security: the second factor (whether an authenticator is bound,
    recovery codes left, new recovery codes with the current password, SECURITY.md S5) and the
    live logins, which the user may end (S4)."""
    user = current_user(request)
    error = ""
    current = request.session.session_key or ""
    if request.method == "POST" and request.POST.get("do") == "end_others":
        ended = services.sessions_end(actor=user, user=user, keep_session=current)
        messages.success(request, f"已结束其他 {ended} 个登录会话")
        return redirect("accounts:security")
    if request.method == "POST":
        try:
            codes = second_factor.recovery_codes_renew(
                user=user, password=request.POST.get("password", "")[:128], keep_session=current
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next_url": reverse("accounts:security")},
            )
    return render(
        request,
        "accounts/security.html",
        {
            "device": second_factor.totp_device(user),
            "required": second_factor.needs_second_factor(user),
            "codes_left": second_factor.recovery_codes_left(user),
            "sessions": services.sessions_of(user),
            "current_session": current,
            "error": error,
            "breadcrumbs": [("账号安全", None)],
        },
    )


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
            "second_factor": second_factor.totp_device(user),
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
    try:
        if action == "unlock":
            services.user_unlock(actor=actor, user=user)
            messages.success(request, "已解除锁定")
        elif action == "deactivate":
            services.user_set_active(actor=actor, user=user, active=False)
            messages.success(request, "已停用该账号，其会话已全部结束")
        elif action == "activate":
            services.user_set_active(actor=actor, user=user, active=True)
            messages.success(request, "已启用该账号")
        elif action == "reset_second_factor":
            second_factor.second_factor_reset(actor=actor, user=user)
            messages.success(request, "已解除两步验证绑定，该用户下次登录时重新绑定手机验证器")
        elif action == "end_sessions":
            ended = services.sessions_end(actor=actor, user=user)
            messages.success(request, f"已结束该用户的 {ended} 个登录会话")
        elif action == "reset_password":
            password = services.user_reset_password(actor=actor, user=user)
            messages.success(request, f"新的临时密码：{password}（首次登录须修改，仅显示一次）")
        else:
            raise Http404("未找到")
    except ValidationError as exc:
        # 三员分立 and scope refusals are the services' (SECURITY.md C1): shown, never a 500.
        messages.error(request, "；".join(exc.messages))
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
