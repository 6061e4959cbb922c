"""The qualification joint review (资格联审, GLOSSARY.md `Review`, `ReviewFinding`,
`DisqualifyingCondition`).

Per campaign the county keeps its review departments (`ReviewDepartment`) and its negative list
(`DisqualifyingCondition`, the 2025 law's bars built in and never removed). Each nominee sent to
the review has one `Review`, a small state machine (`review.services.TRANSITIONS`, one guarded
service per move, a `ReviewHistory` row each):

    pre_review (村级预审) → town_review (乡镇初审) → awaiting_batch (待县级联审)
      → batched (已编入批次) → sent (联审中) → cleared (联审通过) | disqualified (联审未通过)
    town_review → cleared            an earlier clearance of the same, unchanged person reused
    pre_review / town_review → disqualified     refused at the village or the town
    any open state → closed          the nominee left the review another way (withdrawn, barred)

A sent batch assigns each of its people to every active department (`ReviewAssignment`): what a
department's users see is exactly its assignments. A department answers per condition it checks
(`ReviewFinding`: found or not, a note, an optional sealed attachment).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.accounts.models import Department
from huanjie.elections.models import Campaign
from huanjie.nomination.models import Nominee
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.uploads.models import UploadJob


class ConditionKind(models.TextChoices):
    CANNOT_STAND = "cannot", "不得作为候选人"
    SHOULD_NOT_STAND = "should_not", "不宜作为候选人"


class ReviewDepartment(models.Model):
    """A department taking part in a campaign's joint review, under the name the county uses."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.CASCADE, related_name="review_departments"
    )
    department = models.CharField("部门", max_length=20, choices=Department.choices)
    name = models.CharField("名称", max_length=50)
    active = models.BooleanField("参加联审", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "联审部门"
        verbose_name_plural = "联审部门"
        ordering = ["campaign_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "department"], name="reviewdepartment_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DisqualifyingCondition(models.Model):
    """One item of the negative list (负面清单): cannot stand (不得) or should not stand (不宜),
    its look-back years (None: no limit) and the departments that check it. `bar` names the
    law's own bar (村民委员会组织法(2025) 第十八条, `rules.candidates.CandidateFacts`): such a
    condition is built in, cannot-stand, and can be neither removed nor disabled."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.CASCADE, related_name="review_conditions"
    )
    text = models.CharField("情形", max_length=200)
    kind = models.CharField("类别", max_length=12, choices=ConditionKind.choices)
    lookback_years = models.PositiveSmallIntegerField("追溯年限", null=True, blank=True)
    departments = models.ManyToManyField(
        ReviewDepartment, verbose_name="审查部门", related_name="conditions", blank=True
    )
    bar = models.CharField("法定情形", max_length=40, blank=True)
    active = models.BooleanField("启用", default=True)
    # The condition's number in the campaign's list (情形编号), never reused: the ledger names
    # the conditions found by it.
    number = models.PositiveSmallIntegerField("编号")

    class Meta:
        verbose_name = "负面清单情形"
        verbose_name_plural = "负面清单情形"
        ordering = ["campaign_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="condition_number_unique"),
            models.CheckConstraint(
                condition=models.Q(bar="") | models.Q(kind="cannot", active=True),
                name="condition_bar_cannot_and_active",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def builtin(self) -> bool:
        return bool(self.bar)


class ReviewBatch(models.Model):
    """A county's batch of people sent to the departments (第N批), with the day it was sent."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.PROTECT, related_name="review_batches"
    )
    number = models.PositiveIntegerField("批次")
    sent_on = models.DateField("送审日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "联审批次"
        verbose_name_plural = "联审批次"
        ordering = ["campaign_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="reviewbatch_unique")
        ]

    def __str__(self) -> str:
        return f"第{self.number}批"

    @property
    def sent(self) -> bool:
        return self.sent_on is not None


class ReviewState(models.TextChoices):
    PRE_REVIEW = "pre_review", "村级预审"
    TOWN_REVIEW = "town_review", "乡镇初审"
    AWAITING_BATCH = "awaiting_batch", "待县级联审"
    BATCHED = "batched", "已编入批次"
    SENT = "sent", "县级联审中"
    CLEARED = "cleared", "联审通过"
    DISQUALIFIED = "disqualified", "审查未通过"
    CLOSED = "closed", "已终止"


OPEN_STATES = (
    ReviewState.PRE_REVIEW,
    ReviewState.TOWN_REVIEW,
    ReviewState.AWAITING_BATCH,
    ReviewState.BATCHED,
    ReviewState.SENT,
)


class Review(models.Model):
    """The review of one nominee. `village` is the nominee's village (the scope of every page);
    `fingerprint` is the person's record as cleared (a later review of the same, unchanged
    person reuses the clearance: `reused_from`)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.PROTECT, related_name="reviews"
    )
    nominee = models.OneToOneField(
        Nominee, verbose_name="提名人选", on_delete=models.PROTECT, related_name="review"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="reviews"
    )
    village = models.ForeignKey(
        Region, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=20, choices=ReviewState.choices)
    batch = models.ForeignKey(
        ReviewBatch,
        verbose_name="批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    fingerprint = models.CharField("人员信息指纹", max_length=64, blank=True)
    reused_from = models.ForeignKey(
        "self",
        verbose_name="沿用的联审",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conclusion = models.CharField("结论", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "资格审查"
        verbose_name_plural = "资格审查"
        ordering = ["campaign_id", "village_id", "id"]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_state_display()}）"


class ReviewHistory(models.Model):
    review = models.ForeignKey(
        Review, verbose_name="资格审查", on_delete=models.PROTECT, related_name="history"
    )
    from_state = models.CharField("原状态", max_length=20, choices=ReviewState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=ReviewState.choices)
    reason = models.CharField("说明", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "资格审查变动记录"
        verbose_name_plural = "资格审查变动记录"
        ordering = ["review_id", "id"]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.from_state or '—'} → {self.to_state}"


class ReviewAssignment(models.Model):
    """A person of a sent batch sent to one department: the department's queue."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        ReviewDepartment, on_delete=models.PROTECT, related_name="assignments"
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "联审任务"
        verbose_name_plural = "联审任务"
        ordering = ["review_id", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "department"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.review_id} → {self.department_id}"


class ReviewFinding(models.Model):
    """A department's answer on one condition for one person: found or not, a note, and an
    optional attachment (sealed under VAR_DIR/review, `attachment_path`)."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="findings"
    )
    condition = models.ForeignKey(
        DisqualifyingCondition, on_delete=models.PROTECT, related_name="findings"
    )
    found = models.BooleanField("存在该情形")
    note = models.CharField("说明", max_length=500, blank=True)
    attachment_name = models.CharField("附件", max_length=200, blank=True)
    attachment_path = models.CharField(max_length=300, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="答复人"
    )
    answered_at = models.DateTimeField("答复时间", auto_now=True)

    class Meta:
        verbose_name = "联审意见"
        verbose_name_plural = "联审意见"
        ordering = ["assignment_id", "condition_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "condition"], name="finding_one_per_condition"
            ),
            models.CheckConstraint(
                condition=models.Q(found=False) | ~models.Q(note=""),
                name="finding_found_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition}：{'有' if self.found else '无'}"


class ReviewLedgerImport(UploadJob):
    """A department's 联审台账 sent back through the upload pipeline: its answers for the
    people of a campaign's sent batches, matched by batch, name and masked ID number."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    department = models.CharField("部门", max_length=20, choices=Department.choices)
    answered = models.PositiveIntegerField("答复人数", default=0)
    found = models.PositiveIntegerField("有情形", default=0)

    class Meta(UploadJob.Meta):
        verbose_name = "联审台账导入"
        verbose_name_plural = "联审台账导入"
