"""The one job model of every spreadsheet upload (the roll, the 变动名单, the Party roll, and
whatever import comes next): abstract, so each import keeps its own table with its own counts
and references (a campaign, a region), while the lifecycle (``uploads.services``) is written
once against these fields."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from huanjie.regions.models import Region


class UploadJob(models.Model):
    """One uploaded file: stored, previewed (a dry run), confirmed, run (in the background or,
    for a small file, in the request), all or nothing. The file is deleted when the job ends,
    whatever the outcome, and with an unconfirmed preview after a day (SECURITY.md R2)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        SUCCEEDED = "succeeded", "已导入"
        REJECTED = "rejected", "有错误，未导入"
        FAILED = "failed", "失败"

    region = models.ForeignKey(
        Region, verbose_name="导入范围", on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("文件SHA-256", max_length=64)
    stored_path = models.CharField(max_length=300, blank=True)  # deleted after the job ends
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    total_rows = models.PositiveIntegerField("数据行", default=0)
    done_rows = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField("错误行", default=0)
    doubtful = models.PositiveIntegerField("待核实", default=0)
    # [{"row": 12, "field": "公民身份号码", "value": "6301**...", "message": ..., "level": ...}]
    problems = models.JSONField(default=list)
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Declared here so the lifecycle can query any import's jobs through the abstract type.
    objects: ClassVar[models.Manager[Any]] = models.Manager()

    class Meta:
        abstract = True
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
