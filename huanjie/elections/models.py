"""Campaigns (换届): one county's (or city's, or province's) renewal of all its village bodies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.regions.models import Region


class Campaign(models.Model):
    name = models.CharField("换届名称", max_length=100)
    term_number = models.PositiveSmallIntegerField("届次")
    region = models.ForeignKey(
        Region, verbose_name="组织单位区划", on_delete=models.PROTECT, related_name="campaigns"
    )
    # "" = the national laws alone; otherwise a 2-digit province code of a rule profile.
    rule_province = models.CharField("选举规则", max_length=2, blank=True)
    window_start = models.DateField("换届开始日期")
    window_end = models.DateField("换届结束日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # SECURITY.md P7: the last day the campaign's personal data (the rolls, objections, proxies,
    # conflicts, import problems) is kept; after it the hourly purge (huanjie.retention) removes
    # it and sets `personal_data_purged_on`. The counts stay. Set at creation
    # (elections.services.default_retention), changed only through campaign_set_retention.
    retention_until = models.DateField("个人信息保存期限")
    personal_data_purged_on = models.DateField("个人信息删除日期", null=True, blank=True)

    class Meta:
        verbose_name = "换届"
        verbose_name_plural = "换届"
        ordering = ["-window_start", "region_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")),
                name="campaign_window_not_inverted",
            ),
            models.UniqueConstraint(fields=["region", "term_number"], name="campaign_one_per_term"),
            models.CheckConstraint(
                condition=models.Q(retention_until__gte=models.F("window_end")),
                name="campaign_retention_after_window",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def purged(self) -> bool:
        """Its personal data was removed (SECURITY.md P7): read-only from then on."""
        return self.personal_data_purged_on is not None


class CampaignVillage(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="villages")
    region = models.ForeignKey(
        Region, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="campaign_entries"
    )
    included = models.BooleanField("纳入本次换届", default=True)
    exclusion_reason = models.CharField("不纳入原因", max_length=200, blank=True)
    # The day this village elects its villagers' (residents') committee: the anchor of the
    # legal calendar (voter list D-20, objections, proxies). Set by the town.
    election_date = models.DateField("选举日", null=True, blank=True)

    class Meta:
        verbose_name = "换届村(社区)"
        verbose_name_plural = "换届村(社区)"
        ordering = ["region_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "region"], name="campaignvillage_unique"),
            models.CheckConstraint(
                condition=models.Q(included=True) | ~models.Q(exclusion_reason=""),
                name="campaignvillage_exclusion_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.region}"
