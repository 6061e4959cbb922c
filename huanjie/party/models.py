"""The village Party organisation (村党组织), its members, and their registration for the members'
meeting of one campaign (党员选举登记), and the uploaded 党员名册 files that fill them
(`PartyRollImport`).

Who counts in the expected attendance (应到会人数) is the engine's answer
(`huanjie.rules.party.party_quorum`); these rows are its inputs, gathered by
`huanjie.party.selectors.attendance`.
"""

from __future__ import annotations

from django.db import models

from huanjie.elections.models import Campaign
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rules.profiles import EXCLUSION_LABELS
from huanjie.uploads.models import UploadJob


class BranchKind(models.TextChoices):
    # 中国共产党农村基层组织工作条例 (2019) 第二章 (RULES.md R1).
    BRANCH = "branch", "党支部"
    GENERAL_BRANCH = "general_branch", "党总支"
    COMMITTEE = "committee", "党委"


class PartyBranch(models.Model):
    """A village's Party organisation: one per village-level unit."""

    village = models.ForeignKey(
        Region, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="party_branches"
    )
    name = models.CharField("党组织名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=BranchKind.choices)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "村党组织"
        verbose_name_plural = "村党组织"
        ordering = ["village_id"]
        constraints = [
            models.UniqueConstraint(fields=["village"], name="partybranch_one_per_village"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    # 中国共产党基层组织选举工作条例 第五条 (RULES.md P1): only a full member votes; 预备党员 and
    # 留党察看 have no vote, and a member "被依法留置、逮捕" has his rights suspended.
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"
    PROBATION_DISCIPLINE = "probation_discipline", "留党察看"
    SUSPENDED = "suspended", "被依法留置、逮捕"


class PartyMember(models.Model):
    branch = models.ForeignKey(
        PartyBranch, verbose_name="党组织", on_delete=models.PROTECT, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="party_memberships"
    )
    status = models.CharField(
        "党员状态", max_length=30, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    # 流动党员: away from the village; counted at the members' meeting only once registered.
    flowing = models.BooleanField("流动党员", default=False)
    joined_on = models.DateField("入党日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["branch_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "person"], name="partymember_one_per_branch"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.branch}"

    @property
    def votes(self) -> bool:
        """Has the vote at the members' meeting (P1): a full member whose rights stand."""
        return self.status == MemberStatus.FULL


EXCLUSION_CHOICES = list(EXCLUSION_LABELS.items())


class MemberRegistration(models.Model):
    """One member's registration for one campaign's members' meeting, and, for a member who will
    not attend for a lawful reason, the request to leave him out of the expected attendance."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.PROTECT, related_name="member_registrations"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.PROTECT, related_name="registrations"
    )
    registered = models.BooleanField("已登记", default=False)
    registered_on = models.DateField("登记日期", null=True, blank=True)
    # A reason of the 中组部 rule (RULES.md P8b), a key of the engine's EXCLUSION_LABELS.
    exclusion = models.CharField(
        "不计入应到会人数的理由", max_length=30, choices=EXCLUSION_CHOICES, blank=True
    )
    exclusion_note = models.CharField("情况说明", max_length=200, blank=True)
    # Higher-level approval and the members' meeting's vote (P8b); without both the member stays
    # in the expected attendance.
    approved = models.BooleanField("已经上级批准并经党员大会通过", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "党员选举登记"
        verbose_name_plural = "党员选举登记"
        ordering = ["campaign_id", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"], name="memberregistration_one_per_campaign"
            ),
            models.CheckConstraint(
                condition=models.Q(registered=False) | models.Q(registered_on__isnull=False),
                name="memberregistration_registered_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(approved=False) | ~models.Q(exclusion=""),
                name="memberregistration_approval_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.campaign}"


class PartyRollImport(UploadJob):
    """One uploaded 党员名册 (a town's or the county's members, branch by branch) for one
    campaign: previewed, then run, all or nothing (the lifecycle is uploads.services; the
    importer party.imports)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.PROTECT, related_name="party_roll_imports"
    )
    added = models.PositiveIntegerField("新增党员", default=0)
    updated = models.PositiveIntegerField("更新党员", default=0)
    unchanged = models.PositiveIntegerField("未变化", default=0)

    class Meta(UploadJob.Meta):
        verbose_name = "党员名册导入"
        verbose_name_plural = "党员名册导入"
