"""The village election committee (村民选举委员会, GLOSSARY.md `ElectionCommittee`), its members
in the original order of the 推选, and the history of every change.

The committee is chosen (推选) by the 村民会议, the 村民代表会议 or the 村民小组会议 and runs the
villagers' committee election (村民委员会组织法(2025) 第十五条; (2018) 第十二条). A member who is
nominated as a candidate — or, under the 2025 text, whose close relative is — must withdraw, and
the place is filled in the original order of the 推选 ("按照原推选结果依次递补"), or by a new
推选 (补选) when nobody is left. Nothing here changes a status by itself: the services in
`committees.services` do, one per change, each appending an `ElectionCommitteeHistory` row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import CampaignVillage
from huanjie.people.models import Person


class ChosenBy(models.TextChoices):
    """How the committee was chosen (村民委员会组织法(2025) 第十五条: "由村民会议、村民代表会议
    或者各村民小组会议推选产生")."""

    VILLAGERS_MEETING = "villagers_meeting", "村民会议推选"
    REPRESENTATIVES_MEETING = "representatives_meeting", "村民代表会议推选"
    GROUP_MEETINGS = "group_meetings", "村民小组会议推选"


class ElectionCommittee(models.Model):
    """The election committee of one campaign village: when and how it was chosen and its size
    (成员名额: at least three, an odd number, 村民委员会选举规程 一). A place left empty after a
    withdrawal with no reserve is a vacancy to be filled by a new 推选 (补选)."""

    village = models.OneToOneField(
        CampaignVillage,
        verbose_name="换届村(社区)",
        on_delete=models.PROTECT,
        related_name="election_committee",
    )
    chosen_on = models.DateField("推选日期")
    chosen_by = models.CharField("推选方式", max_length=30, choices=ChosenBy.choices)
    seats = models.PositiveSmallIntegerField("成员名额")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "村民选举委员会"
        verbose_name_plural = "村民选举委员会"
        ordering = ["village_id"]
        constraints = [
            # 村民委员会选举规程 一: "成员人数应当为三人以上的奇数".
            models.CheckConstraint(condition=models.Q(seats__gte=3), name="committee_seats_min"),
        ]

    def __str__(self) -> str:
        return f"{self.village.region.display_name}村民选举委员会"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "主任"
    DEPUTY = "deputy", "副主任"
    MEMBER = "member", "委员"


class MemberStatus(models.TextChoices):
    SERVING = "serving", "在任"
    RESERVE = "reserve", "候补（待递补）"
    WITHDRAWN = "withdrawn", "已退出"


class WithdrawalKind(models.TextChoices):
    NOMINATED = "nominated", "本人被提名为候选人"
    RELATIVE_NOMINATED = "relative_nominated", "近亲属被提名为候选人"
    RESIGNED = "resigned", "本人辞去"
    OTHER = "other", "其他原因"


class ElectionCommitteeMember(models.Model):
    """A person chosen at the 推选: serving, or a reserve (候补) waiting to move up, in `order`,
    the original order of the 推选 (by votes), which 递补 follows. A withdrawn member keeps
    the kind and reason of the withdrawal, the nomination that caused it, and who replaced them
    (`replaced_by`; none: the place is vacant until a 补选)."""

    committee = models.ForeignKey(
        ElectionCommittee,
        verbose_name="选举委员会",
        on_delete=models.PROTECT,
        related_name="members",
    )
    # A person of the people records (never a typed name): the rule on nominees matches a
    # committee member to a nominee by the person. Their 户籍 is the village, or they are on the
    # village's roll of the campaign (committees.services.member_add).
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="election_committees"
    )
    role = models.CharField("职务", max_length=10, choices=MemberRole.choices, blank=True)
    votes = models.PositiveIntegerField("推选得票", null=True, blank=True)
    order = models.PositiveSmallIntegerField("推选结果顺序")
    status = models.CharField("状态", max_length=10, choices=MemberStatus.choices)
    withdrawal_kind = models.CharField(
        "退出情形", max_length=20, choices=WithdrawalKind.choices, blank=True
    )
    withdrawn_reason = models.CharField("退出原因", max_length=300, blank=True)
    withdrawn_at = models.DateTimeField("退出时间", null=True, blank=True)
    # The nomination that made the member leave (村民委员会组织法(2025) 第十五条).
    withdrawn_for = models.ForeignKey(
        "nomination.Nominee",
        verbose_name="因提名退出",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaced_by = models.OneToOneField(
        "self",
        verbose_name="递补人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced",
    )

    class Meta:
        verbose_name = "村民选举委员会成员"
        verbose_name_plural = "村民选举委员会成员"
        ordering = ["committee_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="committee_member_once"),
            models.UniqueConstraint(fields=["committee", "order"], name="committee_member_order"),
            # One serving chair at most (the committee elects a new one after a withdrawal).
            models.UniqueConstraint(
                fields=["committee"],
                condition=models.Q(role="chair", status="serving"),
                name="committee_one_chair",
            ),
            # A reserve holds no post; a serving member holds one.
            models.CheckConstraint(
                condition=~models.Q(status="reserve") | models.Q(role=""),
                name="committee_reserve_no_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="serving") | ~models.Q(role=""),
                name="committee_serving_has_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn")
                | (~models.Q(withdrawn_reason="") & ~models.Q(withdrawal_kind="")),
                name="committee_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_role_display() or self.get_status_display()}）"


class Event(models.TextChoices):
    CREATED = "created", "推选产生"
    ADDED = "added", "登记成员"
    WITHDRAWN = "withdrawn", "退出"
    MOVED_UP = "moved_up", "依次递补"
    PASSED_OVER = "passed_over", "已被提名，不予递补"
    VACANT = "vacant", "出缺待补选"
    CHAIR = "chair", "推选主任"


class ElectionCommitteeHistory(models.Model):
    """One change of a committee: who, when, which member, what happened (from which status to
    which), and why."""

    committee = models.ForeignKey(
        ElectionCommittee,
        verbose_name="选举委员会",
        on_delete=models.PROTECT,
        related_name="history",
    )
    member = models.ForeignKey(
        ElectionCommitteeMember,
        verbose_name="成员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="history",
    )
    event = models.CharField("事项", max_length=20, choices=Event.choices)
    from_status = models.CharField(
        "原状态", max_length=10, choices=MemberStatus.choices, blank=True
    )
    to_status = models.CharField("新状态", max_length=10, choices=MemberStatus.choices, blank=True)
    reason = models.CharField("说明", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "村民选举委员会变动记录"
        verbose_name_plural = "村民选举委员会变动记录"
        ordering = ["committee_id", "id"]

    def __str__(self) -> str:
        return f"{self.committee_id}: {self.event}"
