"""At most 60 requests a minute per user to the pages that list personal data (SECURITY.md P6,
anti-harvesting): a person reads a roll; a script walking it page by page is stopped, told so in
Chinese (429) and audited. Counted in the database, so every gunicorn worker sees one count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from huanjie.accounts.models import RequestWindow, User
from huanjie.audit.models import Outcome
from huanjie.audit.services import audit_record

# SECURITY.md P6 [PROJ]
PER_MINUTE = 60
WINDOW = timedelta(minutes=1)
MSG_TOO_FAST = "一分钟内查看个人信息页面过于频繁（上限{limit}次），请稍后再试"


def request_counted(user: User, bucket: str) -> bool:
    """Count one request of the user to `bucket`; False once the minute's allowance is spent
    (the refusal itself is audited once per window). One statement, an upsert, so a page pays a
    single query for it and parallel requests cannot both take the last place."""
    now = timezone.now()
    table = RequestWindow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (user_id, bucket, window_start, requests)
                VALUES (%s, %s, %s, 1)
                ON CONFLICT (user_id, bucket) DO UPDATE SET
                    requests = CASE WHEN {table}.window_start <= %s THEN 1
                                    ELSE {table}.requests + 1 END,
                    window_start = CASE WHEN {table}.window_start <= %s THEN %s
                                        ELSE {table}.window_start END
                RETURNING requests""",
            [user.pk, bucket, now, now - WINDOW, now - WINDOW, now],
        )
        (requests,) = cursor.fetchone()
    if requests == PER_MINUTE + 1:
        audit_record(
            actor=user,
            action="access.rate_limited",
            outcome=Outcome.FAILURE,
            object_type="page",
            object_id=bucket,
            message=MSG_TOO_FAST.format(limit=PER_MINUTE),
        )
    return bool(requests <= PER_MINUTE)


def throttled(bucket: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view counted against the user's allowance for `bucket`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if isinstance(user, User) and not request_counted(user, bucket):
                response = render(
                    request,
                    "429.html",
                    {"message": MSG_TOO_FAST.format(limit=PER_MINUTE)},
                    status=429,
                )
                response["Retry-After"] = "60"
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
