"""Campaigns (换届): one county's (or city's, or province's) renewal of all its village bodies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.regions.models import Region


class RuleProfile(models.Model):
    """A county's own election rules, for a province whose measure the engine does not carry
    (huanjie.rules.custom): the national law as the base, the parameters the county sets, each
    with the article of `measure` it cites, as JSON {parameter: {"value": ..., "article": n}}
    (the engine's JSON form; `article` None cites the measure as a whole).

    One row is one version. A draft becomes published; a published version a campaign uses is
    frozen once an election of that campaign has begun (elections.rule_profiles): an edit then
    makes a new version, and the campaign keeps the frozen one."""

    region = models.ForeignKey(
        Region, verbose_name="县级区划", on_delete=models.PROTECT, related_name="rule_profiles"
    )
    name = models.CharField("规则名称", max_length=100)
    law = models.CharField(
        "基准法律",
        max_length=4,
        choices=[("2025", "村民委员会组织法(2025)"), ("2018", "村民委员会组织法(2018)")],
    )
    measure = models.CharField("引用的选举办法", max_length=100)
    version = models.PositiveSmallIntegerField("版本")
    parameters = models.JSONField("参数", default=dict, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "县级选举规则"
        verbose_name_plural = "县级选举规则"
        ordering = ["region_id", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name", "version"], name="ruleprofile_one_per_version"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="ruleprofile_version"),
            # Only a published version is frozen.
            models.CheckConstraint(
                condition=models.Q(frozen_at__isnull=True) | models.Q(published_at__isnull=False),
                name="ruleprofile_frozen_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    @property
    def status(self) -> str:
        if self.frozen_at is not None:
            return "已冻结"
        return "已发布" if self.published_at is not None else "草稿"


class Campaign(models.Model):
    name = models.CharField("换届名称", max_length=100)
    term_number = models.PositiveSmallIntegerField("届次")
    region = models.ForeignKey(
        Region, verbose_name="组织单位区划", on_delete=models.PROTECT, related_name="campaigns"
    )
    # "" = the national laws alone; otherwise a 2-digit province code of a rule profile.
    rule_province = models.CharField("选举规则", max_length=2, blank=True)
    # A county's own rules (a published RuleProfile version) for a province the engine does not
    # carry: it then governs the villagers' committees' elections (elections.rule_profiles).
    rule_profile = models.ForeignKey(
        RuleProfile,
        verbose_name="县级选举规则",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
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


class Body(models.TextChoices):
    """The bodies a village elects (GLOSSARY.md `body`)."""

    PARTY = "party", "村党组织"
    VILLAGERS = "villagers", "村民委员会"
    RESIDENTS = "residents", "居民委员会"
    SUPERVISION = "supervision", "村务监督委员会"
    COOPERATIVE = "cooperative", "经济合作社"


# What a 社区 calls the bodies whose names say 村 (Election.get_body_display).
COMMUNITY_BODY_LABELS: dict[str, str] = {
    Body.PARTY: "社区党组织",
    Body.SUPERVISION: "居务监督委员会",
}


class NominationMethod(models.TextChoices):
    """How the county decided a body's candidates are nominated."""

    # 三推两述一选 (seed 002): initial nomination → democratic recommendation meeting → the town
    # Party committee's competitive vote (差额票决) → formal candidates. The Party's only path.
    THREE_RECOMMENDATIONS = "three_recommendations", "三推两述一选"
    # "由登记参加选举的村民直接提名候选人" (村民委员会组织法(2018) 第十五条).
    VOTERS = "voters", "选民直接提名"
    # "由村党组织或者登记参加选举的村民提名推荐" (村民委员会组织法(2025) 第十八条).
    PARTY_OR_VOTERS = "party_or_voters", "党组织或选民提名推荐"
    # 自荐直选: self-nominees, no candidate list; the voters write the names.
    SELF_NOMINATED = "self_nominated", "自荐直选"


class Post(models.TextChoices):
    """The posts of a body (GLOSSARY.md), with the engine's codes."""

    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    DIRECTOR = "director", "主任"
    DEPUTY_DIRECTOR = "deputy_director", "副主任"
    WOMAN_MEMBER = "woman_member", "妇女委员"
    MEMBER = "member", "委员"


class Election(models.Model):
    """One body's election in one village in one campaign (GLOSSARY.md), with the nomination
    method the county chose. Its posts and seats are `ElectionPost` rows."""

    village = models.ForeignKey(
        CampaignVillage,
        verbose_name="换届村(社区)",
        on_delete=models.PROTECT,
        related_name="elections",
    )
    body = models.CharField("选举的组织", max_length=20, choices=Body.choices)
    nomination_method = models.CharField(
        "提名方式", max_length=30, choices=NominationMethod.choices
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "选举"
        verbose_name_plural = "选举"
        ordering = ["village_id", "body"]
        constraints = [
            models.UniqueConstraint(fields=["village", "body"], name="election_one_per_body"),
            # The Party organisation's candidates come through 三推, and only the Party's do.
            models.CheckConstraint(
                condition=models.Q(body="party", nomination_method="three_recommendations")
                | (~models.Q(body="party") & ~models.Q(nomination_method="three_recommendations")),
                name="election_party_three_recommendations",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village.region} · {self.get_body_display()}"

    def get_body_display(self) -> str:  # type: ignore[no-redef]  # the stubs add the generated one
        """The body's name as its village calls it: a 社区 elects a 社区党组织 and a 居务监督
        委员会 (and a 居民委员会, which is a body of its own)."""
        label = str(Body(self.body).label)
        if self.village.region.kind == "community":
            return COMMUNITY_BODY_LABELS.get(self.body, label)
        return label

    @property
    def has_list(self) -> bool:
        """Whether the election has a formal candidate list (自荐直选 has none)."""
        return self.nomination_method != NominationMethod.SELF_NOMINATED


class ElectionPost(models.Model):
    """A post of an election and its seats (职数), set within the engine's limits."""

    election = models.ForeignKey(
        Election, verbose_name="选举", on_delete=models.CASCADE, related_name="posts"
    )
    post = models.CharField("职位", max_length=20, choices=Post.choices)
    seats = models.PositiveSmallIntegerField("应选名额")

    class Meta:
        verbose_name = "职位职数"
        verbose_name_plural = "职位职数"
        constraints = [
            models.UniqueConstraint(fields=["election", "post"], name="electionpost_unique"),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="electionpost_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.seats}名"
