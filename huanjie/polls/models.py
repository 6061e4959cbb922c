"""Election day (投票 / 唱票计票): the polls of an election, their boxes and staff, who received a
ballot, the count entered twice, and the frozen result of each closed poll.

A `Poll` is one act of voting inside an `Election` (GLOSSARY.md): the first poll, a
supplementary poll (另行选举) for seats still open, or a run-off (再次投票) among tied people.
It is a state machine (`polls.services.TRANSITIONS`, one guarded service per move, a
`PollHistory` row each):

    setup (筹备) → voting (投票中) → counting (计票中) → closed (已结束)
    setup / voting / counting → cancelled (已取消)       with a reason

Closing runs the engine on exactly what was entered (`polls.closing`): its input and output are
stored frozen with their SHA-256, and the polls that follow (a run-off, a supplementary poll, a
women-only poll) are created as the engine says. A rehearsal poll (`rehearsal`) goes through
every step with test data, is marked so on every screen and paper, and never counts.

The count of a box is entered on `CountSheet`s (计票结果报告单, one per counting group; a box may
have several that the system adds up), each typed twice blind (`SheetEntry` 1 and 2) either as
the sheet's figures or ballot by ballot as read out (唱票, `BallotEntry`). Where the two differ,
only the differing fields are shown; the coordinator keeps the first, keeps the second, or sends
just those fields back (`SheetEntry.rekey`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import Election, Post
from huanjie.people.models import Person
from huanjie.voters.models import VoterRegistration


class PollKind(models.TextChoices):
    FIRST = "first", "第一次投票"
    SUPPLEMENTARY = "supplementary", "另行选举"
    RUNOFF = "runoff", "再次投票"


class PollStatus(models.TextChoices):
    SETUP = "setup", "筹备"
    VOTING = "voting", "投票中"
    COUNTING = "counting", "计票中"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已取消"


class Meeting(models.TextChoices):
    """Who votes in a Party poll: the members' meeting, or the new committee electing its
    secretary and deputy (中国共产党基层组织选举工作条例, WORKFLOW.md §2 step 9)."""

    MEMBERS = "members", "党员大会"
    COMMITTEE = "committee", "委员会全体会议"


class Poll(models.Model):
    election = models.ForeignKey(
        Election, verbose_name="选举", on_delete=models.PROTECT, related_name="polls"
    )
    number = models.PositiveSmallIntegerField("轮次")
    kind = models.CharField("投票类别", max_length=20, choices=PollKind.choices)
    status = models.CharField("状态", max_length=20, choices=PollStatus.choices)
    rehearsal = models.BooleanField("演练", default=False)
    follows = models.ForeignKey(
        "self",
        verbose_name="前一轮投票",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_by",
    )
    held_on = models.DateField("投票日期")
    # residents' committees: all_voters / households / representatives (城市居民委员会组织法(2025)
    # 第十四条); the Party: members / committee.
    mode = models.CharField("选举方式", max_length=20, blank=True)
    # The committee's seats across its rounds (上海 15, 四川 29: post by post); null = this poll.
    committee_seats = models.PositiveSmallIntegerField("委员会职数", null=True, blank=True)
    # The electorate: registered voters (or households, representatives), or for the Party the
    # members expected to attend (应到会), fixed when voting opens.
    electorate = models.PositiveIntegerField("应参加投票人数", null=True, blank=True)
    # The village's usual turnout and invalid-ballot rate (per mille), for the warnings.
    usual_turnout = models.PositiveSmallIntegerField("往届参选率(‰)", null=True, blank=True)
    usual_invalid = models.PositiveSmallIntegerField("往届无效票率(‰)", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    # Closing: exactly what the engine read and said, frozen with the SHA-256 of both.
    engine_input = models.JSONField("计票输入", null=True, blank=True)
    engine_output = models.JSONField("计票结果", null=True, blank=True)
    engine_hash = models.CharField("计票哈希", max_length=64, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="结束人",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "投票"
        verbose_name_plural = "投票"
        ordering = ["election_id", "rehearsal", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "rehearsal", "number"], name="poll_number_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(engine_hash=""),
                name="poll_closed_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        label = "演练·" if self.rehearsal else ""
        return f"{self.election} {label}第{self.number}轮{self.get_kind_display()}"

    @property
    def title(self) -> str:
        return f"第{self.number}轮 {self.get_kind_display()}"


class PollPost(models.Model):
    """A post voted on in a poll and its seats; `women_only`: only women can take these seats
    (the women's seat re-voted, 四川 34, 海南 32)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="posts")
    post = models.CharField("职位", max_length=20, choices=Post.choices)
    seats = models.PositiveSmallIntegerField("应选名额")
    women_only = models.BooleanField("限选妇女", default=False)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "投票职位"
        verbose_name_plural = "投票职位"
        ordering = ["poll_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "post"], name="pollpost_unique"),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="pollpost_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.seats}名"


class PollCandidate(models.Model):
    """A name printed on the ballot for a post, in the prescribed order (`position`). `initials`
    is what a counter types for them on the keyboard screen."""

    poll_post = models.ForeignKey(PollPost, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="poll_candidacies", null=True, blank=True
    )
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1)
    position = models.PositiveSmallIntegerField("排序")
    initials = models.CharField("简拼", max_length=10, blank=True)

    class Meta:
        verbose_name = "选票候选人"
        verbose_name_plural = "选票候选人"
        ordering = ["poll_post_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["poll_post", "position"], name="pollcandidate_position"
            ),
            models.UniqueConstraint(fields=["poll_post", "name"], name="pollcandidate_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PollHistory(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField("原状态", max_length=20, choices=PollStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=PollStatus.choices)
    reason = models.CharField("说明", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "投票状态记录"
        verbose_name_plural = "投票状态记录"
        ordering = ["poll_id", "id"]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.from_status} → {self.to_status}"


class BallotBox(models.Model):
    """A ballot box: the central box, a polling station's, or a mobile box (流动票箱) with its
    listed voters (`MobileBoxVoter`). Ballots issued to it and their serial range."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="boxes")
    name = models.CharField("票箱", max_length=30)
    place = models.CharField("投票地点", max_length=100, blank=True)
    mobile = models.BooleanField("流动票箱", default=False)
    route = models.CharField("路线", max_length=200, blank=True)
    issued = models.PositiveIntegerField("发出选票数", default=0)
    serial_from = models.PositiveIntegerField("选票起始编号", null=True, blank=True)
    serial_to = models.PositiveIntegerField("选票截止编号", null=True, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "票箱"
        verbose_name_plural = "票箱"
        ordering = ["poll_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "name"], name="ballotbox_name"),
            models.CheckConstraint(
                condition=models.Q(serial_from__isnull=True)
                | models.Q(serial_to__gte=models.F("serial_from")),
                name="ballotbox_serial_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MobileBoxVoter(models.Model):
    """A voter published as voting by a mobile box (流动票箱投票人员名单), with the reason."""

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="listed")
    registration = models.ForeignKey(
        VoterRegistration, on_delete=models.PROTECT, related_name="mobile_box_entries"
    )
    reason = models.CharField("原因", max_length=100)

    class Meta:
        verbose_name = "流动票箱投票人员"
        verbose_name_plural = "流动票箱投票人员"
        constraints = [
            models.UniqueConstraint(fields=["box", "registration"], name="mobileboxvoter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.box} · {self.registration_id}"


class StaffRole(models.TextChoices):
    CHIEF_SCRUTINEER = "chief_scrutineer", "总监票员"
    SCRUTINEER = "scrutineer", "监票员"
    READER = "reader", "唱票员"
    COUNTER = "counter", "计票员"
    ISSUER = "issuer", "验证发票员"
    WRITER = "writer", "代书员"
    MOBILE_STAFF = "mobile_staff", "流动票箱工作人员"


class PollStaff(models.Model):
    """A member of the poll's staff (工作人员名单). Never a candidate or a candidate's close
    relative (WORKFLOW.md §1 step 11; 中国共产党基层组织选举工作条例 第二十二条 for scrutineers)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="staff")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="poll_duties")
    role = models.CharField("职责", max_length=20, choices=StaffRole.choices)
    box = models.ForeignKey(
        BallotBox,
        verbose_name="票箱",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff",
    )

    class Meta:
        verbose_name = "投票工作人员"
        verbose_name_plural = "投票工作人员"
        ordering = ["poll_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "person", "role"],
                condition=models.Q(box__isnull=True),
                name="pollstaff_unique",
            ),
            models.UniqueConstraint(
                fields=["poll", "person", "role", "box"],
                condition=models.Q(box__isnull=False),
                name="pollstaff_unique_per_box",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person_id}"


class CheckInMethod(models.TextChoices):
    ID_NUMBER = "id_number", "输入身份证号"
    CARD_READER = "card_reader", "身份证读卡器"
    LIST = "list", "按公布名单"


class CheckIn(models.Model):
    """A voter who received a ballot (验证发票), at one box; `for_principal` when a proxy holder
    votes for the principal of a proxy in force. Undone (by the manager, with a reason) rather
    than deleted."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="check_ins")
    registration = models.ForeignKey(
        VoterRegistration, on_delete=models.PROTECT, related_name="check_ins"
    )
    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="check_ins")
    by_proxy = models.ForeignKey(
        VoterRegistration,
        verbose_name="受委托人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proxy_check_ins",
    )
    method = models.CharField("核验方式", max_length=20, choices=CheckInMethod.choices)
    at = models.DateTimeField("时间", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    undo_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "领票登记"
        verbose_name_plural = "领票登记"
        ordering = ["poll_id", "id"]
        constraints = [
            # One ballot per voter per poll: a second check-in needs the first undone.
            models.UniqueConstraint(
                fields=["poll", "registration"],
                condition=models.Q(undone_at__isnull=True),
                name="checkin_once",
            ),
            models.CheckConstraint(
                condition=models.Q(undone_at__isnull=True, undone_by__isnull=True, undo_reason="")
                | models.Q(undone_at__isnull=False, undone_by__isnull=False)
                & ~models.Q(undo_reason=""),
                name="checkin_undo_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} · {self.registration_id}"


class PartyAttendance(models.Model):
    """A Party poll's attendance (实到会): members present with the right to vote."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "party.PartyMember", on_delete=models.PROTECT, related_name="attendance"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    undo_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "党员到会登记"
        verbose_name_plural = "党员到会登记"
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "member"],
                condition=models.Q(undone_at__isnull=True),
                name="partyattendance_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} · {self.member_id}"


class EntryMethod(models.TextChoices):
    SHEET = "sheet", "计票结果报告单"
    BALLOTS = "ballots", "逐张唱票录入"


class SheetStatus(models.TextChoices):
    ENTERING = "entering", "录入中"
    DIFFERENT = "different", "两次录入不一致"
    AGREED = "agreed", "已核对一致"


class CountSheet(models.Model):
    """One counting group's count of one box (计票结果报告单), entered twice blind. `agreed` holds
    the figures both entries (or the coordinator's choices) settled on:

        {"returned": n, "valid": n, "invalid": n, "blank": n, "spoiled": n, "replaced": n,
         "invalid_reasons": {reason: n}, "votes": {post: {name: n}}}
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="sheets")
    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="sheets")
    group = models.PositiveSmallIntegerField("计票组", default=1)
    method = models.CharField("录入方式", max_length=10, choices=EntryMethod.choices)
    status = models.CharField("状态", max_length=10, choices=SheetStatus.choices)
    agreed = models.JSONField("核对后的结果", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "计票结果报告单"
        verbose_name_plural = "计票结果报告单"
        ordering = ["poll_id", "box_id", "group"]
        constraints = [
            models.UniqueConstraint(fields=["box", "group"], name="countsheet_group"),
        ]

    def __str__(self) -> str:
        return f"{self.box} 第{self.group}计票组"


class SheetEntry(models.Model):
    """One of the two blind entries of a sheet. `figures` has the shape of `CountSheet.agreed`
    (ballot by ballot: computed from the `BallotEntry` rows when the entry is finished).
    `rekey` lists the fields the coordinator sent back to be keyed again; the entrant sees and
    types only those."""

    sheet = models.ForeignKey(CountSheet, on_delete=models.CASCADE, related_name="entries")
    number = models.PositiveSmallIntegerField("第几次录入")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField("录入结果", default=dict)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    rekey = models.JSONField("需重新录入的项", default=list)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "录入"
        verbose_name_plural = "录入"
        ordering = ["sheet_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="sheetentry_number"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=2), name="sheetentry_one_or_two"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id} 第{self.number}次录入"


class BallotEntry(models.Model):
    """One ballot as read out (唱票), typed by one counter: per post the names marked (write-ins
    by name), or invalid with its reason. `seq` is the ballot's place in the reading."""

    entry = models.ForeignKey(SheetEntry, on_delete=models.CASCADE, related_name="ballots")
    seq = models.PositiveIntegerField("序号")
    picks = models.JSONField("所选", default=dict)
    invalid = models.BooleanField("无效票", default=False)
    reason = models.CharField("无效原因", max_length=50, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "逐张选票"
        verbose_name_plural = "逐张选票"
        ordering = ["entry_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "seq"], name="ballotentry_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} 第{self.seq}张"


class SheetDecision(models.Model):
    """The coordinator's decision on one differing field of a sheet: keep the first entry's
    value, keep the second's, or send the field back to be keyed again."""

    sheet = models.ForeignKey(CountSheet, on_delete=models.CASCADE, related_name="decisions")
    field = models.CharField("项目", max_length=200)
    first = models.JSONField("第一次录入", null=True)
    second = models.JSONField("第二次录入", null=True)
    choice = models.CharField(
        "处理",
        max_length=10,
        choices=[("first", "采用第一次"), ("second", "采用第二次"), ("rekey", "退回重录")],
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "差异处理"
        verbose_name_plural = "差异处理"
        ordering = ["sheet_id", "id"]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.field}: {self.choice}"


class CheckExplanation(models.Model):
    """The written explanation that lets a warning of the check catalogue pass."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="explanations")
    code = models.CharField("检查编号", max_length=10)
    box = models.CharField("票箱", max_length=30, blank=True)
    text = models.CharField("说明", max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "预警说明"
        verbose_name_plural = "预警说明"
        constraints = [
            models.UniqueConstraint(fields=["poll", "code", "box"], name="checkexplanation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.box}"


class DisplayLink(models.Model):
    """A per-poll link for the hall's big screen (大屏): no login, only the running count. The
    town issues it and can revoke it; only the SHA-256 of the token is stored."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="display_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField("用途", max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = "大屏链接"
        verbose_name_plural = "大屏链接"

    def __str__(self) -> str:
        return f"{self.poll_id} {self.label}"
