"""Nominees (提名人选) of an election and the history of their stages.

A nominee moves through the stages of WORKFLOW.md by one service per transition
(`nomination.services`), each appending a `NomineeHistory` row; the table of allowed moves is
`nomination.services.TRANSITIONS`. Nothing here changes a stage by itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import Campaign, Election, ElectionPost
from huanjie.people.models import Person
from huanjie.uploads.models import UploadJob


class Stage(models.TextChoices):
    NOMINATED = "nominated", "初步人选"
    UNDER_REVIEW = "under_review", "资格审查中"
    QUALIFIED = "qualified", "资格审查通过"
    DISQUALIFIED = "disqualified", "资格审查未通过"
    # The Party's 三推 only: the democratic recommendation meeting (党员推荐 + 群众推荐) ...
    RECOMMENDED = "recommended", "民主推荐人选"
    # ... and the town Party committee's competitive vote (差额票决): 候选人预备人选.
    PRESELECTED = "preselected", "预备人选"
    FORMAL = "formal", "正式候选人"
    WITHDRAWN = "withdrawn", "已退出"


class HowNominated(models.TextChoices):
    SELF = "self", "本人自荐"
    VOTERS_JOINTLY = "voters_jointly", "选民联名提名"
    PARTY_ORGANISATION = "party_organisation", "党组织推荐"
    MEMBERS_AND_MASSES = "members_and_masses", "党员群众联名推荐"
    ORGANISATION = "organisation", "组织推荐"


class Nominee(models.Model):
    """A person nominated for a post of an election, at one stage. `order` is the order of
    nomination in the election: the order in which a withdrawn place is filled (递补)."""

    election = models.ForeignKey(
        Election, verbose_name="选举", on_delete=models.PROTECT, related_name="nominees"
    )
    post = models.ForeignKey(
        ElectionPost, verbose_name="职位", on_delete=models.PROTECT, related_name="nominees"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="nominations"
    )
    how_nominated = models.CharField("提名方式", max_length=30, choices=HowNominated.choices)
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    order = models.PositiveIntegerField("提名顺序")
    # The democratic recommendation meeting's votes (党员推荐票, 群众推荐票) and the town Party
    # committee's competitive vote (差额票决), for the Party's 三推.
    member_votes = models.PositiveIntegerField("党员推荐票数", null=True, blank=True)
    mass_votes = models.PositiveIntegerField("群众推荐票数", null=True, blank=True)
    committee_votes = models.PositiveIntegerField("乡镇党委票决票数", null=True, blank=True)
    # A cannot-stand finding (不得作为候选人): the person is kept off every list of the campaign.
    barred = models.BooleanField("不得作为候选人", default=False)
    disqualified_reason = models.CharField("资格审查未通过原因", max_length=500, blank=True)
    withdrawn_reason = models.CharField("退出原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    created_at = models.DateTimeField("提名时间", auto_now_add=True)

    class Meta:
        verbose_name = "提名人选"
        verbose_name_plural = "提名人选"
        ordering = ["election_id", "order"]
        constraints = [
            # One person, one post in an election (浙江 17: one person for two posts is void).
            models.UniqueConstraint(fields=["election", "person"], name="nominee_one_per_election"),
            models.UniqueConstraint(fields=["election", "order"], name="nominee_order_unique"),
            models.CheckConstraint(
                condition=~models.Q(stage="withdrawn") | ~models.Q(withdrawn_reason=""),
                name="nominee_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="disqualified") | ~models.Q(disqualified_reason=""),
                name="nominee_disqualified_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(barred=False) | models.Q(stage="disqualified"),
                name="nominee_barred_is_disqualified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.post.get_post_display()}，{self.get_stage_display()}）"


class NomineeHistory(models.Model):
    """One move of a nominee: who, when, from which stage to which, and why. The first row of
    a nominee has no `from_stage` (the nomination itself)."""

    nominee = models.ForeignKey(
        Nominee, verbose_name="提名人选", on_delete=models.PROTECT, related_name="history"
    )
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices)
    reason = models.CharField("说明", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "提名人选变动记录"
        verbose_name_plural = "提名人选变动记录"
        ordering = ["nominee_id", "id"]

    def __str__(self) -> str:
        return f"{self.nominee_id}: {self.from_stage or '—'} → {self.to_stage}"


# ---------------------------------------------------------------------------------------------
# 两述, 公示 and the formal candidate list (issue 10 items 2 and 4; services in
# `nomination.lists`).


class Statement(models.Model):
    """One 两述 session of a nominee (WORKFLOW.md §1 step 10, §2 step 8; seed 002 三推两述一选):
    the nominee's statement (竞职陈述, its summary) and the questions put to them (问答), each a
    `StatementQuestion`. Free texts are stored with anything like an ID number masked."""

    nominee = models.ForeignKey(
        Nominee, verbose_name="提名人选", on_delete=models.PROTECT, related_name="statements"
    )
    held_on = models.DateField("日期")
    place = models.CharField("地点或会议", max_length=100, blank=True)
    summary = models.TextField("陈述要点", max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "两述记录"
        verbose_name_plural = "两述记录"
        ordering = ["nominee_id", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.nominee.person.name} {self.held_on}"


class StatementQuestion(models.Model):
    """A question put to a nominee at a 两述 session: the question, who asked it (a name or
    "党员代表" and the like: free text, no ID number) and the summary of the answer."""

    statement = models.ForeignKey(
        Statement, verbose_name="两述记录", on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("序号")
    question = models.CharField("提问", max_length=500)
    asked_by = models.CharField("提问人", max_length=50)
    answer = models.CharField("回答要点", max_length=1000)

    class Meta:
        verbose_name = "两述问答"
        verbose_name_plural = "两述问答"
        ordering = ["statement_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "position"], name="statementquestion_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.question[:30]


class PublicitySubject(models.TextChoices):
    """What a 公示 publicises."""

    NOMINEES = "nominees", "初步人选"
    PRESELECTED = "preselected", "候选人预备人选"
    FORMAL = "formal", "正式候选人"


class Publicity(models.Model):
    """A publicity period (公示) of an election's nominees: of one post, or of every post when
    `post` is empty. It cannot end before it starts."""

    election = models.ForeignKey(
        Election, verbose_name="选举", on_delete=models.PROTECT, related_name="publicities"
    )
    post = models.ForeignKey(
        ElectionPost,
        verbose_name="职位",
        on_delete=models.PROTECT,
        related_name="publicities",
        null=True,
        blank=True,
    )
    subject = models.CharField("公示内容", max_length=20, choices=PublicitySubject.choices)
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示结束日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["election_id", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="publicity_not_inverted",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()}公示 {self.starts_on}至{self.ends_on}"


class ObjectionDecision(models.TextChoices):
    UPHELD = "upheld", "异议成立"
    REJECTED = "rejected", "异议不成立"


class PublicityObjection(models.Model):
    """An objection received during a publicity period: when, from whom (a name as given, no ID
    number), what, about which nominee; then the decision and its day. A decision is final."""

    publicity = models.ForeignKey(
        Publicity, verbose_name="公示", on_delete=models.PROTECT, related_name="objections"
    )
    received_on = models.DateField("收到日期")
    from_name = models.CharField("反映人", max_length=50)
    content = models.TextField("反映内容", max_length=2000)
    nominee = models.ForeignKey(
        Nominee,
        verbose_name="涉及人选",
        on_delete=models.PROTECT,
        related_name="objections",
        null=True,
        blank=True,
    )
    decision = models.CharField(
        "处理结果", max_length=20, choices=ObjectionDecision.choices, blank=True
    )
    decision_note = models.CharField("处理意见", max_length=1000, blank=True)
    decided_on = models.DateField("处理日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="处理人",
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "公示期间反映的问题"
        verbose_name_plural = "公示期间反映的问题"
        ordering = ["publicity_id", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(decision="") & models.Q(decided_on__isnull=True))
                | (~models.Q(decision="") & models.Q(decided_on__isnull=False)),
                name="publicityobjection_decided_has_day",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True)
                | models.Q(decided_on__gte=models.F("received_on")),
                name="publicityobjection_decided_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_name} {self.received_on}"


class ListOrder(models.TextChoices):
    STROKES = "strokes", "按姓氏笔画为序"
    VOTES = "votes", "按得票多少为序"


class ListStatus(models.TextChoices):
    OPEN = "open", "未确定"
    FIXED = "fixed", "已确定"


class CandidateList(models.Model):
    """The formal candidate list (正式候选人名单) of one post. Fixing it (`lists.list_fix`)
    checks the surplus, orders the formal candidates into `CandidateListEntry` rows and freezes
    the post: no nominee is added, the seats do not change; only a withdrawal and its 递补, or
    the county's unfixing with a reason, change it. Every change is a `CandidateListHistory`
    row."""

    post = models.OneToOneField(
        ElectionPost, verbose_name="职位", on_delete=models.PROTECT, related_name="candidate_list"
    )
    status = models.CharField("状态", max_length=10, choices=ListStatus.choices)
    order = models.CharField("排序方式", max_length=10, choices=ListOrder.choices)
    order_basis = models.CharField("排序依据", max_length=300, blank=True)
    seats = models.PositiveSmallIntegerField("确定时的应选名额")
    surplus_basis = models.CharField("差额依据", max_length=300, blank=True)
    fixed_on = models.DateField("确定日期", null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="确定人",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "正式候选人名单"
        verbose_name_plural = "正式候选人名单"
        ordering = ["post_id"]

    def __str__(self) -> str:
        return f"{self.post}（{self.get_status_display()}）"

    @property
    def fixed(self) -> bool:
        return self.status == ListStatus.FIXED


class CandidateListEntry(models.Model):
    """A place on a fixed list. A candidate who withdraws keeps the row (their nominee is
    WITHDRAWN); the one who fills the place (递补) has `fills` pointing at it."""

    candidate_list = models.ForeignKey(
        CandidateList, verbose_name="名单", on_delete=models.CASCADE, related_name="entries"
    )
    nominee = models.ForeignKey(
        Nominee, verbose_name="候选人", on_delete=models.PROTECT, related_name="list_entries"
    )
    position = models.PositiveSmallIntegerField("排序")
    fills = models.OneToOneField(
        "self",
        verbose_name="递补",
        on_delete=models.PROTECT,
        related_name="filled_by",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "正式候选人名单人选"
        verbose_name_plural = "正式候选人名单人选"
        ordering = ["candidate_list_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate_list", "nominee"], name="candidatelistentry_once"
            ),
            models.UniqueConstraint(
                fields=["candidate_list", "position"], name="candidatelistentry_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.nominee.person.name}"


class ListEvent(models.TextChoices):
    FIXED = "fixed", "确定名单"
    FILLED = "filled", "退出递补"
    UNFIXED = "unfixed", "撤销确定"


class CandidateListHistory(models.Model):
    """One change of a candidate list: who, when, what, why, and the names on it afterwards
    (names only: the list is public; never an ID number)."""

    candidate_list = models.ForeignKey(
        CandidateList, verbose_name="名单", on_delete=models.PROTECT, related_name="history"
    )
    event = models.CharField("事项", max_length=10, choices=ListEvent.choices)
    reason = models.CharField("说明", max_length=500, blank=True)
    names = models.JSONField("名单", default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "正式候选人名单变动记录"
        verbose_name_plural = "正式候选人名单变动记录"
        ordering = ["candidate_list_id", "id"]

    def __str__(self) -> str:
        return f"{self.candidate_list_id}: {self.event}"


class NomineeImport(UploadJob):
    """One uploaded nominee file for one campaign: previewed, then run, all or nothing (the
    lifecycle is uploads.services; the importer is nomination.imports)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="换届", on_delete=models.PROTECT, related_name="nominee_imports"
    )
    added = models.PositiveIntegerField("新增提名人选", default=0)

    class Meta(UploadJob.Meta):
        verbose_name = "提名人选导入"
        verbose_name_plural = "提名人选导入"
