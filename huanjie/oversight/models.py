"""Inspections (督导), petitions and reports (信访/举报), training sessions (培训) and the county's
meetings and documents (会议/文件): the ledgers of the campaign's oversight, each in one region
(its owner: a county, a town or a village) so that scope works as everywhere (SECURITY.md C3).

The county sets up inspection groups (督导组: leader, member accounts, the towns covered); a
member records visits and the problems found only in the towns of his groups. Problems and
petitions are workflows: a history row per transition (InspectionProblemEvent, PetitionEvent).
The county's work in numbers (oversight.numbers) counts these rows, never a typed figure."""

from __future__ import annotations

from typing import Final

from django.conf import settings
from django.db import models
from django.utils import timezone

from huanjie.accounts.models import mask_phone
from huanjie.elections.models import Campaign
from huanjie.regions.models import Region

TEXT: Final = 500  # the longest free text of a ledger row (a description, measures, an outcome)


class InspectionGroup(models.Model):
    """A county inspection group (seed 000: "成立4个县级督导组，由县级领导带队"): who leads it,
    the member accounts (督导组 users) and the towns it covers."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.CASCADE, related_name="inspection_groups"
    )
    region = models.ForeignKey(
        Region, verbose_name="组建单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("督导组名称", max_length=60)
    leader = models.CharField("带队领导", max_length=60)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="督导组成员账号",
        related_name="inspection_groups",
        blank=True,
    )
    towns = models.ManyToManyField(Region, verbose_name="联系乡镇(街道)", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导组"
        verbose_name_plural = "督导组"
        ordering = ["campaign_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="inspectiongroup_one_name")
        ]

    def __str__(self) -> str:
        return self.name


class InspectionVisit(models.Model):
    """One visit of a group to a town or a village: the day and what was checked."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        InspectionGroup, verbose_name="督导组", on_delete=models.PROTECT, related_name="visits"
    )
    region = models.ForeignKey(
        Region, verbose_name="督导地点", on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField("督导日期")
    checked = models.CharField("督导内容", max_length=TEXT)
    summary = models.CharField("督导情况", max_length=TEXT, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导记录"
        verbose_name_plural = "督导记录"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["campaign", "region"], name="inspectionvisit_region")]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.region}"

    @property
    def number(self) -> str:
        return f"DD{self.pk:06d}"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "已整改销号"


class InspectionProblem(models.Model):
    """A problem an inspection found, owned by the village or town that must rectify it:
    followed up (the measures) and closed (整改销号) by the town or the county."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.CASCADE, related_name="+"
    )
    visit = models.ForeignKey(
        InspectionVisit, verbose_name="督导记录", on_delete=models.PROTECT, related_name="problems"
    )
    region = models.ForeignKey(
        Region, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField("发现问题", max_length=TEXT)
    requirement = models.CharField("整改要求", max_length=TEXT, blank=True)
    due_on = models.DateField("整改时限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    measures = models.CharField("整改措施", max_length=TEXT, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    close_note = models.CharField("整改情况", max_length=TEXT, blank=True)
    review_note = models.CharField("复查意见", max_length=TEXT, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导发现问题"
        verbose_name_plural = "督导发现问题"
        ordering = ["-id"]
        indexes = [models.Index(fields=["campaign", "status"], name="inspectionproblem_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_on__isnull=False)
                | (~models.Q(status="closed") & models.Q(closed_on__isnull=True)),
                name="inspectionproblem_closed_has_day",
            )
        ]

    def __str__(self) -> str:
        return self.description[:30]

    @property
    def number(self) -> str:
        return f"WT{self.pk:06d}"

    @property
    def visit_number(self) -> str:
        return f"DD{self.visit_id:06d}"

    @property
    def overdue(self) -> bool:
        """Not closed and past its time limit, today."""
        return (
            self.status != ProblemStatus.CLOSED
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class Event(models.Model):
    """One transition of an item (who, from → to, the day, the note): the fields every history
    table of this app has; each adds the foreign key to its item."""

    event = models.CharField("事项", max_length=20)
    old_status = models.CharField("原状态", max_length=12, blank=True)
    new_status = models.CharField("新状态", max_length=12)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=TEXT, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        abstract = True


class InspectionProblemEvent(Event):
    """One transition of a problem (recorded, followed up, closed, reopened)."""

    problem = models.ForeignKey(
        InspectionProblem, verbose_name="问题", on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        verbose_name = "督导问题处理记录"
        verbose_name_plural = "督导问题处理记录"
        ordering = ["problem_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.event}"


class PetitionKind(models.TextChoices):
    PETITION = "petition", "信访"
    REPORT = "report", "举报"


class PetitionChannel(models.TextChoices):
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    PHONE = "phone", "来电"
    ONLINE = "online", "网上信访"
    REFERRED = "referred", "上级转办"


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    HANDLING = "handling", "办理中"
    SETTLED = "settled", "已办结"


class Petition(models.Model):
    """A petition or report about the campaign (信访/举报), owned by the village or town it
    concerns: received, handled (who, what measures), settled (the day, the outcome), within the
    handling limit (`due_on`, oversight.services.petitions.HANDLING_DAYS)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="涉及单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=10, choices=PetitionKind.choices)
    channel = models.CharField("来源渠道", max_length=10, choices=PetitionChannel.choices)
    received_on = models.DateField("受理日期")
    summary = models.CharField("反映问题", max_length=TEXT)
    petitioner_name = models.CharField("信访人姓名", max_length=30, blank=True)
    petitioner_phone = models.CharField("信访人电话", max_length=20, blank=True)
    due_on = models.DateField("办理期限")
    extension_reason = models.CharField("延期理由", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=PetitionStatus.choices, default=PetitionStatus.RECEIVED
    )
    handler = models.CharField("承办单位(人)", max_length=60, blank=True)
    measures = models.CharField("办理措施", max_length=TEXT, blank=True)
    settled_on = models.DateField("办结日期", null=True, blank=True)
    outcome = models.CharField("办理结果", max_length=TEXT, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "信访举报"
        verbose_name_plural = "信访举报"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["campaign", "status", "due_on"], name="petition_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="settled", settled_on__isnull=False)
                | (~models.Q(status="settled") & models.Q(settled_on__isnull=True)),
                name="petition_settled_has_day",
            )
        ]

    def __str__(self) -> str:
        return self.summary[:30]

    @property
    def number(self) -> str:
        return f"XF{self.pk:06d}"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.petitioner_phone)

    @property
    def overdue(self) -> bool:
        """Not settled and past its handling limit, today."""
        return self.status != PetitionStatus.SETTLED and self.due_on < timezone.localdate()


class PetitionEvent(Event):
    """One transition of a petition (received, handled, extended, settled)."""

    petition = models.ForeignKey(
        Petition, verbose_name="信访举报", on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        verbose_name = "信访举报办理记录"
        verbose_name_plural = "信访举报办理记录"
        ordering = ["petition_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.event}"


class TrainingKind(models.TextChoices):
    # Seed 000: "通过“以会代培”“以培代宣”“老带新”等方式扎实开展换届业务培训", and the drills.
    MEETING = "meeting", "以会代培"
    PUBLICITY = "publicity", "以培代宣"
    MENTORING = "mentoring", "老带新"
    COURSE = "course", "专题培训"
    DRILL = "drill", "实战演练观摩"


class TrainingSession(models.Model):
    """A training session organised by the county or a town (its region)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("培训日期")
    title = models.CharField("培训主题", max_length=100)
    kind = models.CharField("培训方式", max_length=10, choices=TrainingKind.choices)
    trainer = models.CharField("授课人", max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"PX{self.pk:06d}"


class TrainingAttendee(models.Model):
    """One person who attended a session: the name, the post and the village (or the unit).
    The campaign and the region are the session's (its organiser), so that the attendees are a
    ledger of the county or the town like the others."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        TrainingSession, verbose_name="培训", on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField("姓名", max_length=30)
    post = models.CharField("职务", max_length=60, blank=True)
    village = models.ForeignKey(
        Region,
        verbose_name="所在村(社区)",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    unit = models.CharField("工作单位", max_length=100, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "参训人员"
        verbose_name_plural = "参训人员"
        ordering = ["session_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def number(self) -> str:
        return f"CX{self.pk:06d}"

    @property
    def session_number(self) -> str:
        return f"PX{self.session_id:06d}"

    @property
    def village_label(self) -> str:
        return self.village.full_label if self.village is not None else ""


class WorkRecordKind(models.TextChoices):
    MEETING = "meeting", "会议"
    DOCUMENT = "document", "文件"


class WorkRecord(models.Model):
    """A meeting held or a document issued about the campaign by the county or a town (seed
    000: "召开各类会议14次，下发换届选举相关文件29个")."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="发文(召开)单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=10, choices=WorkRecordKind.choices)
    held_on = models.DateField("日期")
    title = models.CharField("会议名称或文件标题", max_length=200)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "会议文件"
        verbose_name_plural = "会议文件"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"HW{self.pk:06d}"
