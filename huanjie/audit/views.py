from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from huanjie.accounts.permissions import Action, require
from huanjie.audit import labels
from huanjie.audit.models import AuditEvent, Outcome
from huanjie.audit.selectors import audit_events_for
from huanjie.audit.services import audit_head, audit_record, audit_verify
from huanjie.lib.forms import DateInput, StyledFormMixin
from huanjie.lib.xlsx import table_xlsx, xlsx_response

EXPORT_LIMIT = 100_000


class EventField(forms.ChoiceField):
    """An event chosen from the list; a code's prefix ("voter.", or "user" from an older link)
    selects the whole group."""

    def valid_value(self, value: str) -> bool:
        return any(code.startswith(value) for code in labels.EVENT_LABELS)


class AuditFilterForm(StyledFormMixin, forms.Form):
    small = True

    date_from = forms.DateField(label="开始日期", required=False, widget=DateInput)
    date_to = forms.DateField(label="结束日期", required=False, widget=DateInput)
    username = forms.CharField(label="用户名", required=False, max_length=150)
    action = EventField(label="事件", required=False, choices=labels.event_choices)
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), *Outcome.choices]
    )
    q = forms.CharField(label="对象/说明", required=False, max_length=100)


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def event_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_AUDIT)
    form, filters = _filters(request)
    events = audit_events_for(request.user, filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    if filters:
        # SECURITY.md L1: the audit administrator's own searches are logged too.
        audit_record(
            actor=request.user,
            action="audit.search",
            changes={k: str(v) for k, v in filters.items() if v},
        )
    verify = None
    if request.GET.get("verify") == "1":
        count, broken = audit_verify()
        verify = {"count": count, "broken": broken}
        audit_record(
            actor=request.user,
            action="audit.verify",
            outcome=Outcome.SUCCESS if broken is None else Outcome.FAILURE,
            message=f"校验{count}条" + ("" if broken is None else f"，第{broken.position}条断裂"),
        )
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": [
                (
                    e,
                    labels.event_label(e.action),
                    labels.roles_text(e.role),
                    labels.changes_text(e.changes),
                )
                for e in page
            ],
            "verify": verify,
            "head": audit_head(),
            "breadcrumbs": [("安全审计", None), ("审计日志", None)],
        },
    )


def event_export(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.EXPORT_AUDIT)
    _, filters = _filters(request)
    events = audit_events_for(request.user, filters)[:EXPORT_LIMIT]
    columns = [
        "序号",
        "时间",
        "用户名",
        "角色",
        "数据范围",
        "IP地址",
        "事件代码",
        "事件",
        "对象类型",
        "对象ID",
        "对象",
        "变更内容",
        "结果",
        "说明",
        "前一行哈希",
        "本行哈希",
    ]
    widths = [8, 20, 14, 18, 14, 15, 22, 22, 18, 10, 28, 40, 6, 30, 20, 20]
    count = 0

    def rows() -> Iterator[list[str]]:
        nonlocal count
        for e in events.iterator(chunk_size=2000):
            count += 1
            yield [
                str(e.id),
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.username,
                labels.roles_text(e.role),
                e.scope,
                e.ip or "",
                e.action,
                labels.event_label(e.action),
                e.object_type,
                e.object_id,
                e.object_repr,
                labels.changes_text(e.changes),
                e.get_outcome_display(),
                e.message,
                e.prev_hash,
                e.row_hash,
            ]

    content = table_xlsx("审计日志", columns, rows(), widths)
    audit_record(
        actor=request.user,
        action="audit.export",
        changes={"filters": {k: str(v) for k, v in filters.items() if v}, "rows": count},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return xlsx_response(content, f"audit-{stamp}.xlsx")


__all__ = ["AuditEvent", "event_export", "event_list"]
