"""The public verification page (mounted at /verify/, no login): the code printed on a notice,
typed in or reached by the notice's QR code, answers whether that version is the certified one
in force, superseded (and by which), certified by the town and waiting for the county, returned,
or unknown; a certified version's canonical result file can be downloaded and recomputed with
`huanjie verify` (docs/results.md "核验").

It shows only what the notice itself shows: the village and town, the body, the term, the
election days, the elected by post with their votes, the version, its standing and certification
day, and the full SHA-256: no other candidate, no user, no database ID. A returned version shows
its standing only (its winners never took office).

Rate-limited without a login: each client address (a keyed hash, never the address itself) has
PER_MINUTE lookups a minute, counted in the database by one upsert so every worker sees one
count; an unknown code counts the same as a known one, so the page is no oracle for guessing.
A malformed code costs the count and no other query. A refusal is audited once per window; a
lookup is not (the page is public). A signed-in user is held to their own region here like on
every page (SECURITY.md C3, as the hall's screen is): another county's officer gets the answer
for an unknown code, and the refusal is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from huanjie.audit.middleware import client_ip
from huanjie.audit.models import Outcome
from huanjie.audit.services import audit_record
from huanjie.lib.dates import cn_date
from huanjie.polls.services.closing import canonical as spelling
from huanjie.results import canonical
from huanjie.results.models import PublicCheck
from huanjie.results.selectors import access_version
from huanjie.results.standing import Answer, Standing, standing_of
from huanjie.rules.messages import POST_NAMES

# A person checks a notice or two; a script guessing codes is stopped. [PROJ]
PER_MINUTE: Final = 30
WINDOW: Final = timedelta(minutes=1)

MSG_TOO_FAST: Final = "查询过于频繁（每分钟最多{limit}次），请一分钟后再试"
MSG_BAD_CODE: Final = "核验码应为12位数字和字母（A-F），如 3F9A-C2D1-7B40，请对照公告核对后重新输入"
FILE_NAME: Final = "结果文件-{code}.json"

# Salt of the keyed hash of a client address (never stored as it is).
_CLIENT_SALT: Final = "huanjie.results.public_check"


# ---------------------------------------------------------------------------------------------
# The allowance.


def client_key(request: HttpRequest) -> str:
    """The keyed hash of the request's client address (behind the county's proxy, as the audit
    log takes it): 64 hex digits."""
    address = client_ip(request) or ""
    return salted_hmac(
        _CLIENT_SALT, address, secret=settings.HUANJIE_LOOKUP_KEY, algorithm="sha256"
    ).hexdigest()


def lookup_counted(request: HttpRequest) -> bool:
    """Count one lookup of the client; False once the minute's allowance is spent (the refusal
    audited once per window). One statement, so parallel requests cannot both take the last
    place (as accounts.throttle)."""
    now = timezone.now()
    table = PublicCheck._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (client, window_start, requests)
                VALUES (%s, %s, 1)
                ON CONFLICT (client) DO UPDATE SET
                    requests = CASE WHEN {table}.window_start <= %s THEN 1
                                    ELSE {table}.requests + 1 END,
                    window_start = CASE WHEN {table}.window_start <= %s THEN %s
                                        ELSE {table}.window_start END
                RETURNING requests""",
            [client_key(request), now, now - WINDOW, now - WINDOW, now],
        )
        (requests,) = cursor.fetchone()
    if requests == PER_MINUTE + 1:
        audit_record(
            actor=None,
            action="result.public_rate_limited",
            outcome=Outcome.FAILURE,
            object_type="page",
            object_id="verify",
            message=MSG_TOO_FAST.format(limit=PER_MINUTE),
        )
    return bool(requests <= PER_MINUTE)


# ---------------------------------------------------------------------------------------------
# What the notice shows.


@dataclass(frozen=True)
class Notice:
    """A version as its notice shows it."""

    village: str
    town: str
    body: str
    term: int
    days: list[str]
    elected: list[tuple[str, list[tuple[str, int]]]]  # (post, [(name, votes)])
    number: int
    certified_on: str
    sha256: str
    code: str


def _notice(version: Any, standing: Standing) -> Notice:
    document = version.document
    village = document["village"]
    days = sorted({p["held_on"] for p in document["polls"]})
    by_post: dict[str, list[tuple[str, int]]] = {}
    for e in document["outcome"]["elected"]:
        by_post.setdefault(e["post"], []).append((e["name"], e["votes"]))
    moment = version.town_certified_at if standing is Standing.PENDING else version.certified_at
    return Notice(
        village=village["name"],
        town=village["town"],
        body=document["body_label"],
        term=document["term"],
        days=[cn_date(date.fromisoformat(d)) for d in days],
        elected=[(POST_NAMES.get(post, post), names) for post, names in by_post.items()],
        number=version.number,
        certified_on=cn_date(timezone.localdate(moment)) if moment else "",
        sha256=version.sha256,
        code=version.code,
    )


def _answer(request: HttpRequest, code: str) -> Answer:
    """The standing of `code`; for a signed-in user outside the version's region, unknown (the
    refusal logged by the selector)."""
    answer = standing_of(code=code)
    if answer.version is not None and request.user.is_authenticated:
        try:
            access_version(request.user, answer.version.pk)
        except Http404:
            return Answer(Standing.UNKNOWN)
    return answer


def _public(response: HttpResponse) -> HttpResponse:
    # A standing changes (a correction supersedes it): never kept by a cache; not indexed.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_fast(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "results/public/too_fast.html",
        {"message": MSG_TOO_FAST.format(limit=PER_MINUTE)},
        status=429,
    )
    response["Retry-After"] = "60"
    return _public(response)


def _page(
    request: HttpRequest, typed: str, answer: Answer | None, error: str = "", status: int = 200
) -> HttpResponse:
    notice = None
    shown = answer is not None and answer.standing is not Standing.RETURNED
    if shown and answer is not None and answer.version is not None:
        notice = _notice(answer.version, answer.standing)
    context = {
        "typed": typed,
        "answer": answer,
        "notice": notice,
        "error": error,
    }
    return _public(render(request, "results/public/check.html", context, status=status))


# ---------------------------------------------------------------------------------------------
# The pages.


@login_not_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The form; with ?code=, its answer."""
    typed = request.GET.get("code", "")[:100]
    if not typed.strip():
        return _page(request, "", None)
    if not lookup_counted(request):
        return _too_fast(request)
    code = canonical.normal_code(typed)
    if not code:
        return _page(request, typed, None, error=MSG_BAD_CODE)
    return _page(request, code, _answer(request, code))


@login_not_required
@require_GET
def code_page(request: HttpRequest, code: str) -> HttpResponse:
    """The answer for the code in the address (a notice's QR code points here)."""
    if not lookup_counted(request):
        return _too_fast(request)
    normal = canonical.normal_code(code)
    if not normal:
        return _page(request, code[:100], None, error=MSG_BAD_CODE, status=404)
    if normal != code:
        return redirect("verify:code", normal)
    answer = _answer(request, normal)
    status = 404 if answer.standing is Standing.UNKNOWN else 200
    return _page(request, normal, answer, status=status)


@login_not_required
@require_GET
def file(request: HttpRequest, code: str) -> HttpResponse:
    """The canonical result file of a certified version (in force or superseded), spelled so
    that `sha256sum` of the download is the SHA-256 the page shows."""
    if not lookup_counted(request):
        return _too_fast(request)
    normal = canonical.normal_code(code)
    answer = _answer(request, normal) if normal else Answer(Standing.UNKNOWN)
    if not answer.public or answer.version is None:
        return _page(request, normal or code[:100], Answer(Standing.UNKNOWN), status=404)
    version = answer.version
    body = spelling(version.document).encode("utf-8")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    disposition = content_disposition_header(
        as_attachment=True, filename=FILE_NAME.format(code=version.code)
    )
    response["Content-Disposition"] = disposition or "attachment"
    return _public(response)
