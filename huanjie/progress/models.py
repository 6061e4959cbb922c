"""The schedule (工作日程) of each village's elections and its progress (进度): the stages with
their deadlines counted back from election day by the engine (huanjie.rules.schedule), each
with the day it was done; the moves of a village's election day with their reasons; and one
summary row per village that the progress board sums (VillageProgress), refreshed in the
transaction of every write that changes it (progress.refresh)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.regions.models import Region


class DoneBy(models.TextChoices):
    """How a stage's completion is known: read from the records the stage produces (the
    published voter list, the certified result) or recorded by hand with its day."""

    RECORD = "record", "据业务记录"
    MANUAL = "manual", "人工登记"


class ScheduleStage(models.Model):
    """One stage of one village's schedule: its window, its last lawful day (`due_on`, with the
    article that fixes it, or the county's plan) and the day it was done."""

    village = models.ForeignKey(
        CampaignVillage,
        verbose_name="换届村(社区)",
        on_delete=models.CASCADE,
        related_name="stages",
    )
    key = models.CharField("环节代码", max_length=40)
    name = models.CharField("环节", max_length=60)
    order = models.PositiveSmallIntegerField("顺序")
    starts_on = models.DateField("开始日期", null=True, blank=True)
    due_on = models.DateField("最迟完成日期")
    article = models.CharField("依据", max_length=200, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_by = models.CharField("完成情况来源", max_length=10, choices=DoneBy.choices, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "工作日程环节"
        verbose_name_plural = "工作日程环节"
        ordering = ["village_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["village", "key"], name="schedulestage_one_per_key"),
            models.CheckConstraint(
                condition=models.Q(done_on__isnull=True, done_by="")
                | (models.Q(done_on__isnull=False) & ~models.Q(done_by="")),
                name="schedulestage_done_has_source",
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="schedulestage_due")]

    def __str__(self) -> str:
        return f"{self.village} · {self.name}"


class Event(models.TextChoices):
    """What happened to a stage (ScheduleStageHistory.event)."""

    DONE = "done", "登记完成"
    UNDONE = "undone", "撤销完成"
    RECORD = "record", "据业务记录完成"
    RECORD_UNDONE = "record_undone", "业务记录撤回"
    RECOMPUTED = "recomputed", "选举日变更重算"


class ScheduleStageHistory(models.Model):
    """One change of a stage: done (by hand or from a record), undone, or its days recomputed
    after the election day moved."""

    stage = models.ForeignKey(
        ScheduleStage, verbose_name="环节", on_delete=models.CASCADE, related_name="history"
    )
    event = models.CharField("事项", max_length=20, choices=Event.choices)
    old_done_on = models.DateField("原完成日期", null=True, blank=True)
    new_done_on = models.DateField("新完成日期", null=True, blank=True)
    old_due_on = models.DateField("原最迟日期", null=True, blank=True)
    new_due_on = models.DateField("新最迟日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作日程变更记录"
        verbose_name_plural = "工作日程变更记录"
        ordering = ["stage_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.stage_id} {self.event}"


class ElectionDayChange(models.Model):
    """A village's election day fixed or moved, with the reason (a move needs one) and who."""

    village = models.ForeignKey(
        CampaignVillage,
        verbose_name="换届村(社区)",
        on_delete=models.CASCADE,
        related_name="election_day_changes",
    )
    old_date = models.DateField("原选举日", null=True, blank=True)
    new_date = models.DateField("新选举日")
    reason = models.CharField("变更原因", max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )
    changed_at = models.DateTimeField("变更时间", auto_now_add=True)

    class Meta:
        verbose_name = "选举日变更记录"
        verbose_name_plural = "选举日变更记录"
        ordering = ["village_id", "changed_at", "id"]
        constraints = [
            # Moving a fixed day needs its reason; fixing the first one does not.
            models.CheckConstraint(
                condition=models.Q(old_date__isnull=True) | ~models.Q(reason=""),
                name="electiondaychange_move_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.old_date} → {self.new_date}"


class Status(models.TextChoices):
    """Where a village's renewal stands, as the board counts it."""

    NOT_STARTED = "not_started", "未开始"
    UNDER_WAY = "under_way", "进行中"
    DONE = "done", "已完成"
    EXCLUDED = "excluded", "不纳入"


class VillageProgress(models.Model):
    """The counts of one village's renewal in one campaign that the board sums: one row per
    CampaignVillage, refreshed by progress.refresh in the transaction of every write that
    changes them. `next_due` is the earliest deadline of a stage not done: the village is late
    when it is before today (read at query time, so the row never goes stale overnight)."""

    village = models.OneToOneField(
        CampaignVillage, on_delete=models.CASCADE, related_name="progress", primary_key=True
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    town_code = models.CharField("乡镇(街道)代码", max_length=9, db_index=True)
    kind = models.CharField("类别", max_length=10)  # Region.kind: village / community
    status = models.CharField("状态", max_length=12, choices=Status.choices)
    election_date = models.DateField("选举日", null=True, blank=True)
    stage_key = models.CharField("当前环节", max_length=40, blank=True)
    stage_name = models.CharField("当前环节名称", max_length=60, blank=True)
    next_due = models.DateField("最早未完成环节的最迟日期", null=True, blank=True)
    stages_total = models.PositiveSmallIntegerField("环节数", default=0)
    stages_done = models.PositiveSmallIntegerField("已完成环节数", default=0)
    elections_total = models.PositiveSmallIntegerField("选举数", default=0)
    elections_done = models.PositiveSmallIntegerField("已确认结果的选举数", default=0)
    done_on = models.DateField("全面完成日期", null=True, blank=True)
    # The villagers' (residents') committee election's first poll: the electorate and the
    # voters (参选率), and whether the seats were filled at it (一次成功; None: not yet known).
    registered = models.PositiveIntegerField("登记选民数", default=0)
    voted = models.PositiveIntegerField("参加投票人数", default=0)
    first_time = models.BooleanField("一次选举成功", null=True, blank=True)
    refreshed_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "村(社区)换届进度"
        verbose_name_plural = "村(社区)换届进度"
        indexes = [
            models.Index(fields=["campaign", "town_code"], name="villageprogress_town"),
            models.Index(fields=["campaign", "next_due"], name="villageprogress_due"),
        ]

    def __str__(self) -> str:
        return f"{self.village} 进度"
