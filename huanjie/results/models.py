"""Results (选举结果): what a village's election produced, certified, published and kept.

A `Result` belongs to one `Election` (one body of one village in one campaign) and is a chain of
`ResultVersion`s. Version 1 is built from the election's closed, official polls (never a
rehearsal's); every later version is a correction. A version is a state machine
(`results.services.TRANSITIONS`, one guarded service per move, a `ResultHistory` row each):

    version 1:    draft (待确认) → town_certified (乡镇已确认) → certified (县级已确认，现行)
    a correction: proposed (更正待批准) → certified (批准，现行) | rejected (未批准)
    any certified version → superseded (已被更正) when a later one is certified

Two different people certify: the town first, then the county (never the same person); an
approved correction needs a second person too. A certified version is locked: its `document`
(the canonical result file of docs/results.md, with every poll's entered count, the rule profile
and the engine version) and its SHA-256 never change; the short `code` printed with a QR code on
every notice answers on the public verification page.

Beside the numbers: the photo or scan of each box's signed tally sheet (`TallySheetScan`), the
town's and the county's side-by-side comparison of it with what was entered (`BoxCheck`), and
incidents (`BoxIncident`) that hold certification until resolved. A `Correction` is a session:
an amendment of chosen boxes' figures, or a recount the county orders; its boxes' original and
corrected figures (`CorrectionBox`) are shown side by side and its outcome is a new version.

Certified winners go to the body's roster (huanjie.rosters), where recalls and by-elections
are kept too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import Election
from huanjie.polls.models import BallotBox, Poll


class Result(models.Model):
    """An election's result: its versions, the current one among them."""

    election = models.OneToOneField(
        Election, on_delete=models.PROTECT, related_name="result", verbose_name="选举"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "选举结果"
        verbose_name_plural = "选举结果"

    def __str__(self) -> str:
        return f"{self.election}的选举结果"

    def current(self) -> ResultVersion | None:
        """The certified version in force, if any."""
        return self.versions.filter(status=VersionStatus.CERTIFIED).order_by("-number").first()


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "待确认"
    TOWN_CERTIFIED = "town_certified", "乡镇已确认"
    CERTIFIED = "certified", "已确认（现行）"
    SUPERSEDED = "superseded", "已被更正"
    PROPOSED = "proposed", "更正待批准"
    REJECTED = "rejected", "更正未批准"


class ResultVersion(models.Model):
    """One version of a result: the canonical document, frozen with its SHA-256 once certified."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField("版本")
    status = models.CharField("状态", max_length=20, choices=VersionStatus.choices)
    reason = models.CharField("更正原因", max_length=500, blank=True)
    correction = models.OneToOneField(
        "Correction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="version",
        verbose_name="更正",
    )
    document = models.JSONField("结果文件")
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    code = models.CharField("核验码", max_length=20, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    town_certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="乡镇确认人",
    )
    town_certified_at = models.DateTimeField("乡镇确认时间", null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="县级确认（批准）人",
    )
    certified_at = models.DateTimeField("县级确认（批准）时间", null=True, blank=True)
    superseded_at = models.DateTimeField("被更正时间", null=True, blank=True)

    class Meta:
        verbose_name = "选举结果版本"
        verbose_name_plural = "选举结果版本"
        constraints = [
            models.UniqueConstraint(fields=["result", "number"], name="result_version_number"),
            # At most one version in force per result (a race of two approvals cannot make two).
            models.UniqueConstraint(
                fields=["result"],
                condition=models.Q(status="certified"),
                name="result_one_current",
            ),
        ]
        ordering = ["result", "number"]

    def __str__(self) -> str:
        return f"第{self.number}版"


class ResultHistory(models.Model):
    """One move of a version: who, when, why."""

    version = models.ForeignKey(ResultVersion, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(
        "原状态", max_length=20, choices=VersionStatus.choices, blank=True
    )
    to_status = models.CharField("新状态", max_length=20, choices=VersionStatus.choices)
    reason = models.CharField("说明", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "选举结果记录"
        verbose_name_plural = "选举结果记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


# ---------------------------------------------------------------------------------------------
# The signed paper beside the numbers.


class TallySheetScan(models.Model):
    """A photo or scan of a box's signed tally sheet (计票结果报告单), sealed on disk like the
    review's attachments (`path` under VAR_DIR/uploads/results, relative to VAR_DIR)."""

    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="scans")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    size = models.PositiveIntegerField("大小")
    path = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    removed_at = models.DateTimeField("撤下时间", null=True, blank=True)
    removed_reason = models.CharField("撤下原因", max_length=500, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤下人",
    )

    class Meta:
        verbose_name = "计票结果报告单扫描件"
        verbose_name_plural = "计票结果报告单扫描件"
        ordering = ["box", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class CheckLevel(models.TextChoices):
    TOWN = "town", "乡镇"
    COUNTY = "county", "县级"


class BoxCheck(models.Model):
    """The town's or the county's comparison of a box's signed sheet with what was entered."""

    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="paper_checks")
    level = models.CharField("层级", max_length=10, choices=CheckLevel.choices)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="核对人"
    )
    checked_at = models.DateTimeField("核对时间", auto_now_add=True)

    class Meta:
        verbose_name = "报告单核对"
        verbose_name_plural = "报告单核对"
        constraints = [
            models.UniqueConstraint(fields=["box", "level"], name="box_check_level"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}核对"


class BoxIncident(models.Model):
    """A box marked "with incidents" (有异常): holds the result's certification until resolved."""

    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="incidents")
    note = models.CharField("异常情况", max_length=500)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="标记人"
    )
    raised_at = models.DateTimeField("标记时间", auto_now_add=True)
    resolution = models.CharField("处理结果", max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "票箱异常"
        verbose_name_plural = "票箱异常"
        ordering = ["box", "raised_at", "id"]

    def __str__(self) -> str:
        return self.note


# ---------------------------------------------------------------------------------------------
# Corrections and recounts.


class CorrectionKind(models.TextChoices):
    AMEND = "amend", "更正计票数据"
    RECOUNT = "recount", "重新计票"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "录入中"
    PROPOSED = "proposed", "待批准"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"
    WITHDRAWN = "withdrawn", "已撤回"


class Correction(models.Model):
    """A correction session of a certified result: the chosen boxes of one poll get corrected
    figures (typed from the signed sheet, or counted again in a recount the county ordered);
    approved by a second person, it becomes the result's next version."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="corrections")
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField("类别", max_length=10, choices=CorrectionKind.choices)
    status = models.CharField("状态", max_length=10, choices=CorrectionStatus.choices)
    reason = models.CharField("原因", max_length=500)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发起人"
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=500, blank=True)

    class Meta:
        verbose_name = "结果更正"
        verbose_name_plural = "结果更正"
        ordering = ["result", "opened_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_status_display()}）"


class CorrectionBox(models.Model):
    """One box of a correction: its figures as certified and as corrected (the shape of a count
    sheet's agreed figures, polls.figures)."""

    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="boxes")
    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="+")
    original = models.JSONField("原结果")
    corrected = models.JSONField("更正后结果", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    entered_at = models.DateTimeField("录入时间", null=True, blank=True)

    class Meta:
        verbose_name = "更正的票箱"
        verbose_name_plural = "更正的票箱"
        constraints = [
            models.UniqueConstraint(fields=["correction", "box"], name="correction_box_once"),
        ]

    def __str__(self) -> str:
        return f"{self.correction} · 票箱{self.box_id}"


class PublicCheck(models.Model):
    """The public verification page's allowance per client address (keyed hash, never the
    address itself) and minute: rate-limited without a login."""

    client = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client"], name="public_check_client")]

    def __str__(self) -> str:
        return self.client[:8]
