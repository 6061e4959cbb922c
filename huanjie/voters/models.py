"""Voter registration (选民登记): the roll of each village in a campaign, its published list,
objections, proxies and imports.

One person is actively registered in one village only per campaign (村民委员会组织法(2025) 第十六条:
"已在户籍所在村或者居住村登记参加选举的村民，不得再参加其他地方村民委员会的选举"): the database
enforces it with a unique constraint on (campaign, person) over active rows; a second attempt becomes a
RegistrationConflict for the county to resolve, naming where the first registration is. Across
campaigns of the same term (overlapping windows, another county's or a province's) no index can
say it: the services check it with the person's row locked (services.registrations).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import Campaign
from huanjie.people.models import Person, PersonStatusChange
from huanjie.regions.models import Region
from huanjie.uploads.models import UploadJob


class Category(models.TextChoices):
    """The legal registration categories; the codes are the engine's (huanjie.rules.voters)."""

    # 村民委员会组织法(2025) 第十六条 (2018 第十三条)
    HUKOU_RESIDENT = "hukou_resident", "户籍在本村并且在本村居住"
    HUKOU_ABSENT = "hukou_absent", "户籍在本村，不在本村居住，本人表示参加选举"
    INCOMER_ONE_YEAR = "incomer_one_year", "户籍不在本村，在本村居住一年以上，本人申请并经同意"
    INCOMER_OR_WORKER = (
        "incomer_or_worker_one_year",
        "户籍不在本村，在本村居住或者从事村务工作一年以上，本人申请并经同意",
    )
    # 城市居民委员会组织法(2025) 第十六条
    COMMUNITY_HUKOU = "community_hukou", "户籍在本社区"
    COMMUNITY_RESIDENT = "community_resident", "户籍不在本社区但在本社区常住"
    COMMUNITY_WORKER = "community_worker", "在本社区工作六个月以上的社区工作者，本人申请"
    # 城市居民委员会组织法(2018) 第八条
    AREA_RESIDENT = "area_resident", "本居住地区居民"


class ChangeReason(models.TextChoices):
    """Why a person joins or leaves the roll against the previous term (四增四减)."""

    NEW = "new", "新登记"
    CARRIED = "carried", "上届选民名单结转"
    TURNED_18 = "turned_18", "新满十八周岁"
    MOVED_IN = "moved_in", "迁入"
    RIGHTS_RESTORED = "rights_restored", "恢复政治权利"
    OBJECTION_UPHELD = "objection_upheld", "申诉成立，补登"
    MOVED_OUT = "moved_out", "迁出"
    DIED = "died", "死亡"
    LOST_RIGHTS = "lost_rights", "被依法剥夺政治权利"
    OBJECTION_REMOVED = "objection_removed", "申诉成立，删除"
    REGISTERED_ELSEWHERE = "registered_elsewhere", "已在其他村(社区)登记"


REMOVAL_REASONS = frozenset(
    {
        ChangeReason.MOVED_OUT,
        ChangeReason.DIED,
        ChangeReason.LOST_RIGHTS,
        ChangeReason.OBJECTION_REMOVED,
        ChangeReason.REGISTERED_ELSEWHERE,
    }
)


class VoterRegistration(models.Model):
    # No single-column indexes: the composite indexes below lead with campaign or person and
    # serve every query, and each extra index slows a bulk import of a province.
    # The database checks (campaign, village) as one reference to the campaign's village list
    # (elections.CampaignVillage; migration 0007): a registration can only be in a village the
    # campaign took in, and it costs one check a row instead of two. Hence no constraint on
    # either column alone; the ORM still protects both (on_delete=PROTECT).
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="registrations",
        db_index=False,
        db_constraint=False,
    )
    village = models.ForeignKey(
        Region,
        verbose_name="村(社区)",
        on_delete=models.PROTECT,
        related_name="registrations",
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(
        Person,
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="registrations",
        db_index=False,  # registration_person leads with it
    )
    category = models.CharField("登记类别", max_length=30, choices=Category.choices)
    group_name = models.CharField("村民小组", max_length=50, blank=True)
    active = models.BooleanField("在册", default=True)
    added_reason = models.CharField(
        "登记原因", max_length=30, choices=ChangeReason.choices, default=ChangeReason.NEW
    )
    removed_reason = models.CharField(
        "除名原因", max_length=30, choices=ChangeReason.choices, blank=True
    )
    # Set when the engine or a person doubts the record: a person decides, nothing is dropped.
    flag = models.CharField("待核实", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "选民登记"
        verbose_name_plural = "选民登记"
        ordering = ["village_id", "group_name", "id"]
        constraints = [
            # Only an active registration counts: a person removed from one roll (迁出) may be
            # registered in another village of the same campaign, and the removal stays on record.
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=models.Q(active=True),
                name="registration_one_village_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["campaign", "village", "person"], name="registration_once_per_village"
            ),
            models.CheckConstraint(
                condition=models.Q(active=True, removed_reason="")
                | models.Q(active=False) & ~models.Q(removed_reason=""),
                name="registration_removed_has_reason",
            ),
        ]
        indexes = [
            # The roll of a village reads the (campaign, village, person) unique index. This one
            # serves a person's registrations (the foreign key, the import's "registered
            # elsewhere" join) and the cross-village duplicate check reads it alone
            # (ECOSYSTEM.md §2.3): one index instead of a person index plus a campaign-first
            # twin, which every bulk import paid for.
            models.Index(fields=["person", "campaign", "village"], name="registration_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.village}"


class RegistrationConflict(models.Model):
    """A second registration of the same person in one campaign, kept for the county to resolve."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        KEPT_FIRST = "kept_first", "保留原登记"
        MOVED = "moved", "改在本村登记"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="conflicts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="conflicts")
    first = models.ForeignKey(
        VoterRegistration, verbose_name="原登记", on_delete=models.PROTECT, related_name="conflicts"
    )
    village = models.ForeignKey(
        Region, verbose_name="再次登记的村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField("登记类别", max_length=30, choices=Category.choices)
    group_name = models.CharField("村民小组", max_length=50, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("处理说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "重复登记"
        verbose_name_plural = "重复登记"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person", "village"],
                condition=models.Q(status="open"),
                name="conflict_one_open_per_village",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}：{self.first.village} / {self.village}"


class VoterListPublication(models.Model):
    """A published voter list (选民名单公告): the roll of one village frozen on a date."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="publications")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveSmallIntegerField("版本", default=1)  # 1 = 选民名单; 2+ = 补正榜
    published_on = models.DateField("公布日期")
    election_date = models.DateField("选举日")
    objection_deadline = models.DateField("申诉截止日期")
    # The frozen list: [{"group": "第一村民小组", "names": ["张三", ...]}, ...] — no ID numbers.
    snapshot = models.JSONField("名单")
    voters = models.PositiveIntegerField("选民人数")
    # What a 补正榜 (version 2+) changes against the list before it: [{"change": "增加"|"删除"|
    # "更正", "name": ..., "group": ..., "reason": ..., "objection": id}]; empty for version 1.
    changes = models.JSONField("补正内容", default=list, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "选民名单公告"
        verbose_name_plural = "选民名单公告"
        ordering = ["campaign_id", "village_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "village", "version"], name="publication_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} 选民名单（第{self.version}版）"


class Objection(models.Model):
    """申诉: an objection to the published list (村民委员会组织法(2025) 第十七条)."""

    class Kind(models.TextChoices):
        OMITTED = "omitted", "应登记而未登记"
        WRONGLY_LISTED = "wrongly_listed", "不应登记而登记"
        WRONG_DETAILS = "wrong_details", "登记信息有误"

    class Outcome(models.TextChoices):
        PENDING = "pending", "待处理"
        UPHELD = "upheld", "申诉成立"
        REJECTED = "rejected", "申诉不成立"

    publication = models.ForeignKey(
        VoterListPublication, on_delete=models.PROTECT, related_name="objections"
    )
    filer_name = models.CharField("申诉人", max_length=50)
    subject_name = models.CharField("涉及人员", max_length=50)
    subject = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    kind = models.CharField("申诉事由", max_length=20, choices=Kind.choices)
    detail = models.CharField("申诉内容", max_length=500)
    filed_on = models.DateField("提出日期")
    received_on = models.DateField("受理日期")
    decision_due = models.DateField("处理期限")
    outcome = models.CharField(
        "处理结果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField("处理日期", null=True, blank=True)
    decision = models.CharField("处理意见", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "选民名单申诉"
        verbose_name_plural = "选民名单申诉"
        ordering = ["filed_on", "id"]

    def __str__(self) -> str:
        return f"{self.filer_name}：{self.subject_name}（{self.get_kind_display()}）"


class Proxy(models.Model):
    """委托投票: a written authorisation (村民委员会组织法(2025) 第十八条第四款).

    The principal may withdraw it before election day (民法典 第一百七十三条: the agency ends when
    the principal cancels it); the withdrawn row stays on record, and the principal may then
    authorise someone else. Only a proxy in force (`withdrawn_on` empty) counts anywhere."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="proxies")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="proxies")
    principal = models.ForeignKey(
        VoterRegistration,
        verbose_name="委托人",
        on_delete=models.PROTECT,
        related_name="proxies_given",
    )
    holder = models.ForeignKey(
        VoterRegistration,
        verbose_name="受委托人",
        on_delete=models.PROTECT,
        related_name="proxies_held",
    )
    relation = models.CharField("与委托人关系", max_length=20)
    close_relative = models.BooleanField("近亲属", default=True)
    filed_on = models.DateField("办理日期")
    written = models.BooleanField("书面委托", default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField("撤销日期", null=True, blank=True)
    withdrawal_reason = models.CharField("撤销原因", max_length=200, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "委托投票"
        verbose_name_plural = "委托投票"
        ordering = ["village_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(principal=models.F("holder")), name="proxy_not_to_self"
            ),
            # One proxy in force per principal; withdrawn ones stay on record beside it.
            models.UniqueConstraint(
                fields=["principal"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="proxy_one_in_force_per_principal",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    withdrawn_on__isnull=True, withdrawn_by__isnull=True, withdrawal_reason=""
                )
                | models.Q(withdrawn_on__isnull=False, withdrawn_by__isnull=False)
                & ~models.Q(withdrawal_reason=""),
                name="proxy_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.principal.person.name} 委托 {self.holder.person.name}"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None


class ImportJob(UploadJob):
    """One uploaded roll file: previewed, then run in the background, all or nothing (the
    lifecycle is uploads.services; the importer voters.imports)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    accepted = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta(UploadJob.Meta):
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"


class PersonStatusEffect(models.Model):
    """What one recorded change did to one registration: removed it (the list unpublished) or
    flagged it (published, or a restoration), with the reason or the flag text, so that
    correcting the change undoes exactly that and nothing else."""

    class Effect(models.TextChoices):
        REMOVED = "removed", "除名"
        FLAGGED = "flagged", "待核实"

    change = models.ForeignKey(
        PersonStatusChange, on_delete=models.PROTECT, related_name="effects", db_index=False
    )
    registration = models.ForeignKey(
        VoterRegistration,
        verbose_name="选民登记",
        on_delete=models.PROTECT,
        related_name="+",
    )
    effect = models.CharField("影响", max_length=10, choices=Effect.choices)
    # The removal reason (voters.ChangeReason) or the flag text the change added.
    text = models.CharField(max_length=200)

    class Meta:
        # Kept in the table it had when it lived in people (it moved with the roll's effects).
        db_table = "people_personstatuseffect"
        verbose_name = "人员变动对选民登记的影响"
        verbose_name_plural = "人员变动对选民登记的影响"
        constraints = [
            # Its unique index serves the change's effects (it leads with the change).
            models.UniqueConstraint(
                fields=["change", "registration"], name="status_effect_once_per_registration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change_id} → {self.registration_id}：{self.get_effect_display()}"
