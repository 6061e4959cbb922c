"""Rosters (干部名册): who holds which post on which body of which village in which term.

A `Cadre` row is one post held by one person: filled from a certified result (huanjie.results:
every winner of the version in force, with the post), from a by-election, or (the rosters issue)
imported from xlsx. Changes during the term keep the history: a row is never deleted, it ends
(`ended_on`, `end_reason`): superseded by a corrected result, recalled, resigned.

A `Recall` (罢免) of a cadre and a `ByElection` (补选) are judged by the election-law engine
(huanjie.rules.recall, huanjie.rules.tally) with their thresholds kept (RULES.md V15, V18).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import Body, Campaign, Election, Post
from huanjie.people.models import Person
from huanjie.regions.models import Region


class Source(models.TextChoices):
    RESULT = "result", "选举结果"
    BY_ELECTION = "by_election", "补选"
    IMPORT = "import", "导入"


class EndReason(models.TextChoices):
    CORRECTED = "corrected", "选举结果更正"
    RECALLED = "recalled", "被罢免"
    RESIGNED = "resigned", "辞职"
    OTHER = "other", "其他"


class Cadre(models.Model):
    """One post held by one person on one body of one village in one term."""

    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="cadres", verbose_name="村(社区)"
    )
    body = models.CharField("组织", max_length=20, choices=Body.choices)
    term_number = models.PositiveSmallIntegerField("届次")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="cadres"
    )
    post = models.CharField("职务", max_length=20, choices=Post.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="posts_held"
    )
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    result_version = models.ForeignKey(
        "results.ResultVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
        verbose_name="选举结果版本",
    )
    by_election = models.ForeignKey(
        "ByElection", on_delete=models.PROTECT, null=True, blank=True, related_name="cadres"
    )
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField("离任说明", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部名册"
        ordering = ["village", "body", "term_number", "id"]
        indexes = [models.Index(fields=["village", "body", "term_number"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"


class RecallStatus(models.TextChoices):
    MOTION = "motion", "罢免要求已提出"
    REFUSED = "refused", "联名人数不足"
    RECALLED = "recalled", "罢免通过"
    NOT_RECALLED = "not_recalled", "罢免未通过"


class Recall(models.Model):
    """A recall of one cadre: the motion with its names, the vote, the engine's judgement."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="recalls", verbose_name="被罢免人"
    )
    status = models.CharField("状态", max_length=20, choices=RecallStatus.choices)
    reason = models.CharField("罢免理由", max_length=500)
    by_representatives = models.BooleanField("村民代表联名", default=False)
    signers = models.PositiveIntegerField("联名人数")
    of = models.PositiveIntegerField("有选举权的村民（村民代表）人数")
    motion_on = models.DateField("提出日期")
    voted_on = models.DateField("表决日期", null=True, blank=True)
    electorate = models.PositiveIntegerField("登记参加选举的人数", null=True, blank=True)
    voted = models.PositiveIntegerField("参加投票人数", null=True, blank=True)
    yes = models.PositiveIntegerField("赞成罢免票数", null=True, blank=True)
    judgement = models.JSONField("判定", default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "罢免"
        verbose_name_plural = "罢免"
        ordering = ["-motion_on", "-id"]

    def __str__(self) -> str:
        return f"罢免 {self.cadre}（{self.get_status_display()}）"


class ByElection(models.Model):
    """A by-election (补选) of a post left open during the term, judged by the engine from its
    figures; the winner joins the roster for the rest of the term."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="by_elections")
    post = models.CharField("职位", max_length=20, choices=Post.choices)
    seats = models.PositiveSmallIntegerField("补选名额", default=1)
    reason = models.CharField("补选原因", max_length=500)
    held_on = models.DateField("补选日期")
    engine_input = models.JSONField("计票输入")
    engine_output = models.JSONField("计票结果")
    engine_hash = models.CharField("计票哈希", max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "补选"
        verbose_name_plural = "补选"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"补选 {self.get_post_display()}（{self.held_on}）"
