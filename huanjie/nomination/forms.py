"""The forms of the nominee pages: each only reads and bounds the inputs; every rule is the
services' (`nomination.services`), whose refusals the views put on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from huanjie.elections.models import Election
from huanjie.lib.forms import CountField, StyledFormMixin
from huanjie.nomination.models import HowNominated
from huanjie.nomination.services import HOW_BY_METHOD


class ProposeForm(StyledFormMixin, forms.Form):
    """A nomination: the person (picked from the village's people found by the search), the
    post and the way of nomination the election's method takes."""

    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    post = forms.ChoiceField(label="职位")
    how_nominated = forms.ChoiceField(label="提名方式")
    reason = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = [
            (str(p.pk), f"{p.get_post_display()}（应选{p.seats}名）") for p in election.posts.all()
        ]
        self.fields["post"].choices = posts  # type: ignore[attr-defined]
        allowed = HOW_BY_METHOD[election.nomination_method]
        self.fields["how_nominated"].choices = [  # type: ignore[attr-defined]
            (v, label) for v, label in HowNominated.choices if v in allowed
        ]
        self.fields["person"].error_messages["required"] = "请先查找并选择被提名人"


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="说明", max_length=500, required=False)


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="退出原因", max_length=200)


class RecommendForm(StyledFormMixin, forms.Form):
    member_votes = CountField(label="党员推荐票数", min_value=0, max_value=100_000)
    mass_votes = CountField(label="群众推荐票数", min_value=0, max_value=100_000)
    reason = forms.CharField(label="说明", max_length=500, required=False)


class PreselectForm(StyledFormMixin, forms.Form):
    committee_votes = CountField(label="乡镇党委票决票数", min_value=0, max_value=1_000)
    reason = forms.CharField(label="说明", max_length=500, required=False)


class DisqualifyForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="未通过原因", max_length=400)
    cannot_stand = forms.TypedChoiceField(
        label="结论",
        choices=[("1", "不得作为候选人（本次换届任何选举均不得提名）"), ("0", "不宜作为候选人")],
        coerce=lambda v: v == "1",
    )
