"""The village ledgers (台账) of a campaign's preparation (PRODUCT.md step 2; seeds 003, 004):
the assessment of each village (摸底研判) with its history of categories and its contingency
plans (一村一策), the rectification items of complex villages (整顿台账), departure audits
(离任审计) and the intended candidates (人选物色, above all the dual-role person). Each is a ledger
kind declared in ``ledgers.kinds`` through ``ledgers.framework``; ``LedgerImport`` is the one
upload job of every kind, ``LedgerEvent`` the history of every status transition."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import Campaign
from huanjie.regions.models import Region
from huanjie.uploads.models import UploadJob


class LedgerImport(UploadJob):
    """One uploaded ledger file of one kind (`kind`: "ledger-rectification") for a campaign:
    previewed, then run all or nothing. Rows with a 编号 update that item, rows without one are
    new; an unchanged row writes nothing."""

    kind = models.CharField("台账类型", max_length=40)
    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.PROTECT, related_name="ledger_imports"
    )
    created = models.PositiveIntegerField("新增", default=0)
    changed = models.PositiveIntegerField("修改", default=0)
    unchanged = models.PositiveIntegerField("未变化", default=0)

    class Meta(UploadJob.Meta):
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"


class LedgerEvent(models.Model):
    """One status transition of a ledger item (who, from → to, the day, why, when): the
    history table of the rectification items, the audits and the intended candidates."""

    kind = models.CharField("台账类型", max_length=40)
    item_id = models.PositiveBigIntegerField("编号")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20)
    day = models.DateField("日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "台账状态变更"
        verbose_name_plural = "台账状态变更"
        ordering = ["kind", "item_id", "id"]
        indexes = [models.Index(fields=["kind", "item_id"], name="ledgerevent_item")]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id}: {self.from_status} → {self.to_status}"


class Category(models.TextChoices):
    """摸底研判's three categories of villages (seed 000: 二类村 turned 一类)."""

    FIRST = "1", "一类"
    SECOND = "2", "二类"
    THIRD = "3", "三类"


class Assessment(models.Model):
    """One village's assessment for a campaign: its category and whether it is a complex
    village (选情复杂村) and why. Every change of the category or the flag is an
    ``AssessmentChange`` row, so "turned from 二类 to 一类" is counted, never typed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField("类别", max_length=1, choices=Category.choices)
    complex = models.BooleanField("选情复杂村", default=False)
    complex_reasons = models.CharField("复杂原因", max_length=300, blank=True)
    assessed_on = models.DateField("研判日期")
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "摸底研判"
        verbose_name_plural = "摸底研判"
        ordering = ["region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "region"], name="assessment_one_per_village"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_category_display()}"


class AssessmentChange(models.Model):
    """One change of an assessment's category or complex flag (the first row: its creation,
    with empty "from" values)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="changes")
    from_category = models.CharField("原类别", max_length=1, choices=Category.choices, blank=True)
    to_category = models.CharField("新类别", max_length=1, choices=Category.choices)
    from_complex = models.BooleanField("原为选情复杂村", null=True)
    to_complex = models.BooleanField("选情复杂村")
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "研判变更"
        verbose_name_plural = "研判变更"
        ordering = ["assessment_id", "id"]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.from_category} → {self.to_category}"


class PlanCase(models.TextChoices):
    """The cases a village's contingency plan (一村一策 预案) answers (seed 003)."""

    LOW_TURNOUT = "low_turnout", "参选率不高"
    HEAD_NOT_ELECTED = "head_not_elected", "主要负责人候选人落选"
    UNEXPECTED_WINNER = "unexpected_winner", "票箱中跳出的人员当选或人选错位"
    WITHDRAWAL = "withdrawal", "候选人临时退出"
    SEATS_EMPTY = "seats_empty", "班子选不足或职位空缺"
    DISRUPTION = "disruption", "干扰选举或冲击会场"
    PETITIONS = "petitions", "信访举报或群体性事件"


class ContingencyPlan(models.Model):
    """A village's plan for one case: the measures and who answers for them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    case = models.CharField("情形", max_length=20, choices=PlanCase.choices)
    measures = models.CharField("应对措施", max_length=1000)
    responsible = models.CharField("责任人", max_length=50)
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "一村一策预案"
        verbose_name_plural = "一村一策预案"
        ordering = ["region_id", "case"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "region", "case"], name="contingencyplan_one_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_case_display()}"


class LeaderLevel(models.TextChoices):
    COUNTY = "county", "包村县级领导"
    TOWN = "town", "乡镇领导"


class RectificationItem(models.Model):
    """One problem of a complex village to put right before its election (先整顿后换届, seed
    004), closed one by one (销号). A village leaves the complex list when its last open item
    is closed (ledgers.services.rectification)."""

    class Status(models.TextChoices):
        OPEN = "open", "整顿中"
        CLOSED = "closed", "已销号"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    problem = models.CharField("存在问题", max_length=500)
    measures = models.CharField("整顿措施", max_length=1000, blank=True)
    leader = models.CharField("责任领导", max_length=50)
    leader_level = models.CharField(
        "领导类别", max_length=10, choices=LeaderLevel.choices, default=LeaderLevel.TOWN
    )
    due_on = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    close_note = models.CharField("销号说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "整顿事项"
        verbose_name_plural = "整顿事项"
        ordering = ["region_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_on__isnull=True)
                | models.Q(status="closed", closed_on__isnull=False),
                name="rectificationitem_closed_has_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.problem[:20]}"


class AuditKind(models.TextChoices):
    TENURE = "tenure", "任期经济责任审计"
    DEPARTURE = "departure", "离任经济责任审计"
    FINANCE = "finance", "财务收支审计"


class DepartureAudit(models.Model):
    """One audit of a village's committee (seed 004: 任期和离任经济责任审计, 社区财务收支审计):
    planned → under way → reported, with its findings."""

    class Status(models.TextChoices):
        PLANNED = "planned", "已安排"
        UNDER_WAY = "under_way", "审计中"
        REPORTED = "reported", "已出报告"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    audit_kind = models.CharField("审计类型", max_length=10, choices=AuditKind.choices)
    subject = models.CharField("审计对象", max_length=100)
    auditor = models.CharField("审计单位", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField("进场日期", null=True, blank=True)
    reported_on = models.DateField("报告日期", null=True, blank=True)
    findings = models.CharField("审计结论", max_length=1000, blank=True)
    problems = models.CharField("发现问题", max_length=1000, blank=True)

    class Meta:
        verbose_name = "离任审计"
        verbose_name_plural = "离任审计"
        ordering = ["region_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="planned")
                | models.Q(status="under_way", started_on__isnull=False)
                | models.Q(status="reported", started_on__isnull=False, reported_on__isnull=False),
                name="departureaudit_days_of_status",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_audit_kind_display()}"


class CandidateRole(models.TextChoices):
    DUAL_ROLE = "dual_role", "“一肩挑”人选"
    SECRETARY = "secretary", "书记人选"
    DIRECTOR = "director", "主任人选"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class IntendedCandidate(models.Model):
    """A person the town has in view for a post of the new term (人选物色, seed 004): above all
    the dual-role person (一肩挑人选). Plain facts only (name, sex, birth year, current post):
    no ID number is kept here. A village without a dual-role person who is not dropped is on
    the ledger of villages still without one."""

    class Status(models.TextChoices):
        CONSIDERING = "considering", "物色中"
        CONFIRMED = "confirmed", "已确定"
        DROPPED = "dropped", "已放弃"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("人选类别", max_length=10, choices=CandidateRole.choices)
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    current_post = models.CharField("现任职务", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.CONSIDERING
    )
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "意向人选"
        verbose_name_plural = "意向人选"
        ordering = ["region_id", "role", "id"]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_role_display()} {self.name}"
