"""Rosters (干部名册): who holds which post on which body of which village in which term.

A `Cadre` row is one post held by one person: filled from a certified result (huanjie.results:
every winner of the version in force, with the post), from a by-election, or (the rosters issue)
imported from xlsx. Changes during the term keep the history: a row is never deleted, it ends
(`ended_on`, `end_reason`): superseded by a corrected result, recalled, resigned.

A `Term` (届) is one county's term of its village organisations: its number and its reference
date (the campaign's completion date), at which every age of the term is counted. Each cadre row
keeps what the county reports of the person (ethnicity, education, political status, the tags);
dual role (一肩挑) and cross appointments (交叉任职) are derived from the rows, never typed.

A `Recall` (罢免) of a cadre and a `ByElection` (补选) are judged by the election-law engine
(huanjie.rules.recall, huanjie.rules.tally) with their thresholds kept (RULES.md V15, V18).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.elections.models import Body, Campaign, Election, Post
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.uploads.models import UploadJob


class RosterBody(models.TextChoices):
    """The bodies on a roster: those a village elects (elections.Body) and the cooperative's
    supervisory board (社监会), which the roster must know to check that nobody sits on both it
    and the cooperative's management (seed 003: "社管会成员与社监会…不得交叉任职")."""

    PARTY = Body.PARTY.value, Body.PARTY.label
    VILLAGERS = Body.VILLAGERS.value, Body.VILLAGERS.label
    RESIDENTS = Body.RESIDENTS.value, Body.RESIDENTS.label
    SUPERVISION = Body.SUPERVISION.value, Body.SUPERVISION.label
    COOPERATIVE = Body.COOPERATIVE.value, Body.COOPERATIVE.label
    COOPERATIVE_SUPERVISION = "cooperative_supervision", "经济合作社监事会"


# The tags a county reports of its cadres (seed 003 §二): the field on Cadre and its label.
# 大学生村官 do not count against the posts (seed 003: "大学生村官进班子后不占职数").
TAGS: tuple[tuple[str, str], ...] = (
    ("tag_college_official", "大学生村官"),
    ("tag_veteran", "退役军人"),
    ("tag_entrepreneur", "私营企业主/致富带头人"),
    ("tag_grower", "种养大户"),
    ("tag_returnee", "回乡创业"),
)


class Term(models.Model):
    """One county's term (届) of its village organisations. Ages on its roster are counted at
    its reference date: the completion date of the campaign that elected it."""

    county = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="terms", verbose_name="县(市、区)"
    )
    number = models.PositiveSmallIntegerField("届次")
    reference_date = models.DateField("基准日期")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="terms"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["county", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="term_county_number_unique")
        ]

    def __str__(self) -> str:
        return f"第{self.number}届（基准日期{self.reference_date:%Y-%m-%d}）"


class Source(models.TextChoices):
    RESULT = "result", "选举结果"
    BY_ELECTION = "by_election", "补选"
    IMPORT = "import", "导入"


class EndReason(models.TextChoices):
    CORRECTED = "corrected", "选举结果更正"
    RECALLED = "recalled", "被罢免"
    RESIGNED = "resigned", "辞职"
    OTHER = "other", "其他"


class Cadre(models.Model):
    """One post held by one person on one body of one village in one term."""

    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="cadres", verbose_name="村(社区)"
    )
    body = models.CharField("组织", max_length=30, choices=RosterBody.choices)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="cadres")
    term_number = models.PositiveSmallIntegerField("届次")  # = term.number, for the village pages
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="cadres"
    )
    post = models.CharField("职务", max_length=20, choices=Post.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="posts_held"
    )
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1)
    # From the ID number (or the person's record); the age is counted at the term's reference
    # date and recounted when that date changes (rosters.services.terms).
    birth_date = models.DateField("出生日期", null=True, blank=True)
    age = models.PositiveSmallIntegerField("年龄", null=True, blank=True)
    ethnicity = models.CharField("民族", max_length=2, blank=True)  # GB 3304
    education = models.CharField("文化程度", max_length=2, blank=True)  # GB/T 4658 category
    political_status = models.CharField("政治面貌", max_length=2, blank=True)  # GB/T 4762
    tag_college_official = models.BooleanField("大学生村官", default=False)
    tag_veteran = models.BooleanField("退役军人", default=False)
    tag_entrepreneur = models.BooleanField("私营企业主/致富带头人", default=False)
    tag_grower = models.BooleanField("种养大户", default=False)
    tag_returnee = models.BooleanField("回乡创业", default=False)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    roster_import = models.ForeignKey(
        "RosterImport", on_delete=models.PROTECT, null=True, blank=True, related_name="cadres"
    )
    result_version = models.ForeignKey(
        "results.ResultVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
        verbose_name="选举结果版本",
    )
    by_election = models.ForeignKey(
        "ByElection", on_delete=models.PROTECT, null=True, blank=True, related_name="cadres"
    )
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField("离任说明", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部名册"
        ordering = ["village", "body", "term_number", "id"]
        indexes = [
            models.Index(fields=["village", "body", "term_number"]),
            models.Index(fields=["term", "village"], name="cadre_term_village"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"


class RecallStatus(models.TextChoices):
    MOTION = "motion", "罢免要求已提出"
    REFUSED = "refused", "联名人数不足"
    RECALLED = "recalled", "罢免通过"
    NOT_RECALLED = "not_recalled", "罢免未通过"


class Recall(models.Model):
    """A recall of one cadre: the motion with its names, the vote, the engine's judgement."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="recalls", verbose_name="被罢免人"
    )
    status = models.CharField("状态", max_length=20, choices=RecallStatus.choices)
    reason = models.CharField("罢免理由", max_length=500)
    by_representatives = models.BooleanField("村民代表联名", default=False)
    signers = models.PositiveIntegerField("联名人数")
    of = models.PositiveIntegerField("有选举权的村民（村民代表）人数")
    motion_on = models.DateField("提出日期")
    voted_on = models.DateField("表决日期", null=True, blank=True)
    electorate = models.PositiveIntegerField("登记参加选举的人数", null=True, blank=True)
    voted = models.PositiveIntegerField("参加投票人数", null=True, blank=True)
    yes = models.PositiveIntegerField("赞成罢免票数", null=True, blank=True)
    judgement = models.JSONField("判定", default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "罢免"
        verbose_name_plural = "罢免"
        ordering = ["-motion_on", "-id"]

    def __str__(self) -> str:
        return f"罢免 {self.cadre}（{self.get_status_display()}）"


class ByElection(models.Model):
    """A by-election (补选) of a post left open during the term, judged by the engine from its
    figures; the winner joins the roster for the rest of the term."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="by_elections")
    post = models.CharField("职位", max_length=20, choices=Post.choices)
    seats = models.PositiveSmallIntegerField("补选名额", default=1)
    reason = models.CharField("补选原因", max_length=500)
    held_on = models.DateField("补选日期")
    engine_input = models.JSONField("计票输入")
    engine_output = models.JSONField("计票结果")
    engine_hash = models.CharField("计票哈希", max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "补选"
        verbose_name_plural = "补选"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"补选 {self.get_post_display()}（{self.held_on}）"


class RosterImport(UploadJob):
    """One uploaded roster file of one term for a county or a town (the lifecycle is
    uploads.services; the importer is rosters.imports): it replaces the term's imported rows of
    the villages in its scope, all or nothing."""

    term_number = models.PositiveSmallIntegerField("届次")
    reference_date = models.DateField("基准日期")
    added = models.PositiveIntegerField("导入任职记录", default=0)
    replaced = models.PositiveIntegerField("替换原有记录", default=0)

    class Meta(UploadJob.Meta):
        verbose_name = "干部名册导入"
        verbose_name_plural = "干部名册导入"


class Relation(models.TextChoices):
    """近亲属: "配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女"
    (民法典 第一千零四十五条)."""

    SPOUSE = "spouse", "配偶"
    PARENT_CHILD = "parent_child", "父母子女"
    SIBLINGS = "siblings", "兄弟姐妹"
    GRANDPARENT = "grandparent", "祖父母、外祖父母与孙子女、外孙子女"


class Kinship(models.Model):
    """Two people of a village declared close relatives (the town records what the candidates
    declared or the review found), for the checks of 近亲属回避 on the roster."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="kinships")
    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField("关系", max_length=20, choices=Relation.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "近亲属关系"
        verbose_name_plural = "近亲属关系"
        ordering = ["village", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="kinship_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="kinship_ordered_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"近亲属（{self.get_relation_display()}）"


class StructureRules(models.Model):
    """The structure a campaign sets for its villages' new bodies (seed 003's values as the
    defaults; the engine, huanjie.rules.structure, says where each comes from)."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="structure_rules"
    )
    values = models.JSONField("结构要求", default=dict)  # rules.structure.Settings as a dict
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "班子结构要求"
        verbose_name_plural = "班子结构要求"

    def __str__(self) -> str:
        return f"{self.campaign} 班子结构要求"


class ReserveStatus(models.TextChoices):
    RESERVE = "reserve", "在库"
    REMOVED = "removed", "已调出"


class ReserveCadre(models.Model):
    """A reserve cadre (后备干部) of a village: someone the town keeps in view for a post.
    Whether they were elected is read from the roster, never typed."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="reserve_cadres")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    education = models.CharField("文化程度", max_length=2, blank=True)
    political_status = models.CharField("政治面貌", max_length=2, blank=True)
    occupation = models.CharField("现工作单位及职务", max_length=100, blank=True)
    intended_body = models.CharField(
        "拟培养组织", max_length=30, choices=RosterBody.choices, blank=True
    )
    intended_post = models.CharField("拟培养职务", max_length=20, choices=Post.choices, blank=True)
    channel = models.CharField("来源渠道", max_length=50, blank=True)  # 竞争性选拔、机关下派 ...
    added_on = models.DateField("入库日期")
    status = models.CharField(
        "状态", max_length=20, choices=ReserveStatus.choices, default=ReserveStatus.RESERVE
    )
    removed_on = models.DateField("调出日期", null=True, blank=True)
    removed_reason = models.CharField("调出原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "后备干部"
        verbose_name_plural = "后备干部"
        ordering = ["village", "-added_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "person"],
                condition=models.Q(status="reserve"),
                name="reserve_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"后备干部 {self.name}"


class DepartureCare(models.Model):
    """The care of one cadre who left the village's organisations at a change of term (离任
    关爱): who left is derived from the two terms' rosters; this row records what was done."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departures")
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="departures", verbose_name="离任时的届次"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    talked_on = models.DateField("谈心谈话日期", null=True, blank=True)
    one_off_payment = models.DecimalField(
        "一次性补助（元）", max_digits=10, decimal_places=2, default=0
    )
    pension_support = models.DecimalField(
        "养老保险补助（元）", max_digits=10, decimal_places=2, default=0
    )
    placed = models.BooleanField("另行安排工作", default=False)
    placement = models.CharField("安排去向", max_length=200, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now=True)

    class Meta:
        verbose_name = "离任关爱"
        verbose_name_plural = "离任关爱"
        ordering = ["village", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "village", "person"], name="departure_one_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(placed=True) | models.Q(placement=""),
                name="departure_placement_only_when_placed",
            ),
        ]

    def __str__(self) -> str:
        return f"离任关爱 {self.name}"


class VillageSummary(models.Model):
    """The counts of one village's roster in one term, as the statistics report sums them
    (rosters.report_sql: what each column counts; rosters.summary: refreshed by every write of
    the roster, in its transaction). Counts only, never a person: a province's report sums at
    most one row per village and term instead of grouping a million roster rows."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    villages = models.PositiveSmallIntegerField("有在任村干部（0/1）", default=0)
    dual_role_villages = models.PositiveSmallIntegerField("书记、主任一肩挑（0/1）", default=0)
    cadres = models.PositiveIntegerField("村干部", default=0)
    tag_college_official = models.PositiveIntegerField("大学生村官", default=0)
    young = models.PositiveIntegerField("35岁以下", default=0)
    age_36_45 = models.PositiveIntegerField("36至45岁", default=0)
    age_46_55 = models.PositiveIntegerField("46至55岁", default=0)
    age_over_55 = models.PositiveIntegerField("56岁以上", default=0)
    age_unknown = models.PositiveIntegerField("年龄不详", default=0)
    aged = models.PositiveIntegerField("年龄已知", default=0)
    edu_high_school_up = models.PositiveIntegerField("高中（中专）以上", default=0)
    edu_college_up = models.PositiveIntegerField("大专以上", default=0)
    edu_postgraduate = models.PositiveIntegerField("研究生", default=0)
    edu_undergraduate = models.PositiveIntegerField("大学本科", default=0)
    edu_college = models.PositiveIntegerField("大学专科", default=0)
    edu_secondary = models.PositiveIntegerField("高中（中专）", default=0)
    edu_junior_or_below = models.PositiveIntegerField("初中及以下", default=0)
    edu_unknown = models.PositiveIntegerField("文化程度未填", default=0)
    women = models.PositiveIntegerField("女干部", default=0)
    minority = models.PositiveIntegerField("少数民族", default=0)
    party_members = models.PositiveIntegerField("党员", default=0)
    heads = models.PositiveIntegerField("主要负责人", default=0)
    young_heads = models.PositiveIntegerField("35岁以下主要负责人", default=0)
    secretaries = models.PositiveIntegerField("村党组织书记", default=0)
    secretary_coop_head = models.PositiveIntegerField("书记兼任经济合作社社长", default=0)
    supervision_directors = models.PositiveIntegerField("村务监督委员会主任", default=0)
    supervision_chairs_in_party = models.PositiveIntegerField(
        "村务监督委员会主任由村党组织成员兼任", default=0
    )
    directors = models.PositiveIntegerField("村（居）委会主任", default=0)
    party_directors = models.PositiveIntegerField("党员村（居）委会主任", default=0)
    committee_members = models.PositiveIntegerField("村（居）委会成员", default=0)
    party_committee_members = models.PositiveIntegerField("党员村（居）委会成员", default=0)
    tag_veteran = models.PositiveIntegerField("退役军人", default=0)
    tag_entrepreneur = models.PositiveIntegerField("私营企业主/致富带头人", default=0)
    tag_grower = models.PositiveIntegerField("种养大户", default=0)
    tag_returnee = models.PositiveIntegerField("回乡创业", default=0)
    age_total = models.PositiveIntegerField("年龄合计（岁）", default=0)
    cross_appointments = models.PositiveIntegerField("交叉任职（人次）", default=0)
    new_secretaries = models.PositiveIntegerField("新任村党组织书记", default=0)
    new_directors = models.PositiveIntegerField("新任村（居）委会主任", default=0)
    departed = models.PositiveIntegerField("离任村干部", default=0)
    departed_placed = models.PositiveIntegerField("离任后另行安排工作", default=0)
    departure_payments = models.DecimalField(
        "离任补助合计（元）", max_digits=14, decimal_places=2, default=0
    )
    reserve_elected = models.PositiveIntegerField("后备干部进入本届班子", default=0)

    class Meta:
        verbose_name = "村干部统计汇总"
        verbose_name_plural = "村干部统计汇总"
        constraints = [
            models.UniqueConstraint(fields=["term", "village"], name="summary_term_village")
        ]

    def __str__(self) -> str:
        return f"{self.village_id} 届次{self.term_id} 汇总"


class VillageEthnicity(models.Model):
    """The cadres of one village in one term by ethnicity (GB 3304; "" not filled): counts."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    ethnicity = models.CharField("民族", max_length=2, blank=True)
    cadres = models.PositiveIntegerField("村干部", default=0)

    class Meta:
        verbose_name = "村干部民族汇总"
        verbose_name_plural = "村干部民族汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["term", "village", "ethnicity"], name="summary_ethnicity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.ethnicity or '民族未填'} {self.cadres}"
