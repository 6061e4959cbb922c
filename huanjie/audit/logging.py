"""What every log line carries and what it never does: the request ID, so the ID a person reads
off the error page finds the stack trace in the server's log (SECURITY.md H4), and no full ID
number, masked in the message and in the stack trace alike (SECURITY.md L3: an exception's text
may quote a value, e.g. a database error naming the row it refused)."""

from __future__ import annotations

import logging

from huanjie.audit.middleware import current_request_context
from huanjie.lib.idcard import redact


class RequestLogFilter(logging.Filter):
    """Adds `request_id` (the audit row's; "-" outside a request) and masks ID numbers."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request_context()
        record.request_id = context.request_id if context else "-"
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
