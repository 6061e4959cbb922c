"""SECURITY.md H4: a server error shows a generic page with the request's ID, and the stack trace
goes to the log under the same ID, never to the browser."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

from huanjie.audit.logging import RequestLogFilter
from huanjie.lib.idcard import redact


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("秘密的内部细节 11010519491231002X")


urlpatterns = [path("fails/", _fails)]
handler500 = "huanjie.views.server_error"


@pytest.mark.urls(__name__)
def test_a_server_error_shows_the_request_id_and_logs_the_trace_under_it(cast):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestLogFilter())
    config: dict[str, Any] = settings.LOGGING
    handler.setFormatter(logging.Formatter(config["formatters"]["line"]["format"]))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client = cast.client(cast.town_officer)
        client.raise_request_exception = False
        response = client.get("/fails/")
    finally:
        logger.removeHandler(handler)
    body = response.content.decode()
    assert response.status_code == 500
    found = re.search(r'class="hj-request-id">([0-9a-f]{32})<', body)
    assert found, body
    assert "秘密的内部细节" not in body and "Traceback" not in body and "RuntimeError" not in body
    log = stream.getvalue()
    assert f"[{found.group(1)}]" in log and "RuntimeError" in log
    # SECURITY.md L3: the trace's ID number is masked in the log too.
    assert "11010519491231002X" not in log and "110105********002X" in log


def test_outside_a_request_the_log_line_says_so_and_masks_arguments():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "人员 %s", ("440524188001010014",), None
    )
    RequestLogFilter().filter(record)
    assert record.request_id == "-"  # type: ignore[attr-defined]
    assert record.getMessage() == "人员 " + redact("440524188001010014")
    assert "440524188001010014" not in record.getMessage()
