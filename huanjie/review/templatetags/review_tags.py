from __future__ import annotations

from typing import Any

from django import template

from huanjie.accounts.permissions import Action, can

register = template.Library()


@register.simple_tag
def review_queue_of(user: Any) -> Any:
    """A reviewer's queue for the home page: (waiting, total), or None for other users."""
    if not can(user, Action.ANSWER_REVIEW):
        return None
    from huanjie.review.views import _queue

    items = _queue(user)
    return {"waiting": items.filter(answered_at__isnull=True).count(), "total": items.count()}
