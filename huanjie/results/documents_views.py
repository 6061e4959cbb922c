"""The documents of a result version: the page listing them (each with its PDF and Word file and
whether it can be made now) and the download of one, audited as a download ("result.document").
Reads only: anyone who may view the campaign's village (VIEW_CAMPAIGNS, scoped; another region's
version is the same 404 as a missing one)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from huanjie.accounts.permissions import current_user
from huanjie.audit.services import audit_record
from huanjie.polls.pages import refusal
from huanjie.results import documents
from huanjie.results.models import ResultVersion, VersionStatus
from huanjie.results.selectors import access_version


def verify_url(request: HttpRequest, code: str) -> str:
    """The absolute address of the code's public verification page (what the QR code opens)."""
    return request.build_absolute_uri(reverse("verify:code", args=[code]))


@require_http_methods(["GET"])
def documents_page(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(current_user(request), pk)
    result = version.result
    rows = [
        {
            "kind": kind,
            "label": documents.KIND_LABELS[kind],
            "refusal": documents.refusal(version, kind),
            "formats": list(documents.FORMAT_LABELS.items()),
        }
        for kind in documents.kinds_for(version)
    ]
    others = list(
        ResultVersion.objects.filter(
            result=result, status__in=documents.DOCUMENT_STATUSES
        ).order_by("-number")
    )
    current = next((v for v in others if v.status == VersionStatus.CERTIFIED), None)
    return render(
        request,
        "results/documents/index.html",
        {
            "version": version,
            "election": result.election,
            "rows": rows,
            "versions": others,
            "current": current,
            "verify_url": verify_url(request, version.code),
        },
    )


def _disposition(name: str, version: ResultVersion, kind: str, ext: str) -> str:
    """An ASCII name for old clients, the Chinese name for the rest (RFC 6266 filename*)."""
    fallback = f"result-{version.pk}-v{version.number}-{kind}{ext}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


@require_http_methods(["GET"])
def document(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    user = current_user(request)
    version = access_version(user, pk)
    if kind not in documents.KIND_LABELS or fmt not in documents.FORMATS:
        raise Http404("未找到")
    try:
        made = documents.render(version, kind, fmt, verify_url(request, version.code))
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return redirect("results:documents", version.pk)
    audit_record(
        actor=user,
        action="result.document",
        obj=version,
        object_repr=f"{version.result.election} 第{version.number}版",
        changes={"kind": kind, "fmt": fmt, "version": version.number},
    )
    response = HttpResponse(made.content, content_type=made.content_type)
    ext = documents.FORMATS[fmt][1]
    response["Content-Disposition"] = _disposition(made.filename, version, kind, ext)
    # The record sheet names people with their birth month and ethnicity: keep no copy.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


__all__: list[Any] = ["document", "documents_page", "verify_url"]
