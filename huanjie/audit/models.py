"""The audit log: append-only, each row chained to the previous one by its hash."""

from __future__ import annotations

from django.db import models


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    user_id = models.BigIntegerField("用户ID", null=True)  # no FK: the log outlives accounts
    username = models.CharField("用户名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=200, blank=True)
    scope = models.CharField("数据范围", max_length=12, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True)
    request_id = models.CharField("请求ID", max_length=32, blank=True)
    action = models.CharField("事件", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices)
    message = models.CharField("说明", max_length=500, blank=True)
    prev_hash = models.CharField("前一行哈希", max_length=64)
    row_hash = models.CharField("本行哈希", max_length=64)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"
