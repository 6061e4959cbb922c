"""Nominees (提名人选) of an election and the history of their stages.

A nominee moves through the stages of WORKFLOW.md by one service per transition
(`nomination.services`), each appending a `NomineeHistory` row; the table of allowed moves is
`nomination.services.TRANSITIONS`. Nothing here changes a stage by itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import Election, ElectionPost
from huanjie.people.models import Person


class Stage(models.TextChoices):
    NOMINATED = "nominated", "初步人选"
    UNDER_REVIEW = "under_review", "资格审查中"
    QUALIFIED = "qualified", "资格审查通过"
    DISQUALIFIED = "disqualified", "资格审查未通过"
    # The Party's 三推 only: the democratic recommendation meeting (党员推荐 + 群众推荐) ...
    RECOMMENDED = "recommended", "民主推荐人选"
    # ... and the town Party committee's competitive vote (差额票决): 候选人预备人选.
    PRESELECTED = "preselected", "预备人选"
    FORMAL = "formal", "正式候选人"
    WITHDRAWN = "withdrawn", "已退出"


class HowNominated(models.TextChoices):
    SELF = "self", "本人自荐"
    VOTERS_JOINTLY = "voters_jointly", "选民联名提名"
    PARTY_ORGANISATION = "party_organisation", "党组织推荐"
    MEMBERS_AND_MASSES = "members_and_masses", "党员群众联名推荐"
    ORGANISATION = "organisation", "组织推荐"


class Nominee(models.Model):
    """A person nominated for a post of an election, at one stage. `order` is the order of
    nomination in the election: the order in which a withdrawn place is filled (递补)."""

    election = models.ForeignKey(
        Election, verbose_name="选举", on_delete=models.PROTECT, related_name="nominees"
    )
    post = models.ForeignKey(
        ElectionPost, verbose_name="职位", on_delete=models.PROTECT, related_name="nominees"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="nominations"
    )
    how_nominated = models.CharField("提名方式", max_length=30, choices=HowNominated.choices)
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    order = models.PositiveIntegerField("提名顺序")
    # The democratic recommendation meeting's votes (党员推荐票, 群众推荐票) and the town Party
    # committee's competitive vote (差额票决), for the Party's 三推.
    member_votes = models.PositiveIntegerField("党员推荐票数", null=True, blank=True)
    mass_votes = models.PositiveIntegerField("群众推荐票数", null=True, blank=True)
    committee_votes = models.PositiveIntegerField("乡镇党委票决票数", null=True, blank=True)
    # A cannot-stand finding (不得作为候选人): the person is kept off every list of the campaign.
    barred = models.BooleanField("不得作为候选人", default=False)
    disqualified_reason = models.CharField("资格审查未通过原因", max_length=500, blank=True)
    withdrawn_reason = models.CharField("退出原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    created_at = models.DateTimeField("提名时间", auto_now_add=True)

    class Meta:
        verbose_name = "提名人选"
        verbose_name_plural = "提名人选"
        ordering = ["election_id", "order"]
        constraints = [
            # One person, one post in an election (浙江 17: one person for two posts is void).
            models.UniqueConstraint(fields=["election", "person"], name="nominee_one_per_election"),
            models.UniqueConstraint(fields=["election", "order"], name="nominee_order_unique"),
            models.CheckConstraint(
                condition=~models.Q(stage="withdrawn") | ~models.Q(withdrawn_reason=""),
                name="nominee_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="disqualified") | ~models.Q(disqualified_reason=""),
                name="nominee_disqualified_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(barred=False) | models.Q(stage="disqualified"),
                name="nominee_barred_is_disqualified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.post.get_post_display()}，{self.get_stage_display()}）"


class NomineeHistory(models.Model):
    """One move of a nominee: who, when, from which stage to which, and why. The first row of
    a nominee has no `from_stage` (the nomination itself)."""

    nominee = models.ForeignKey(
        Nominee, verbose_name="提名人选", on_delete=models.PROTECT, related_name="history"
    )
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices)
    reason = models.CharField("说明", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "提名人选变动记录"
        verbose_name_plural = "提名人选变动记录"
        ordering = ["nominee_id", "id"]

    def __str__(self) -> str:
        return f"{self.nominee_id}: {self.from_stage or '—'} → {self.to_stage}"
