"""People: one record per real person, keyed by the keyed hash of their ID number."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from huanjie.lib import ethnicity
from huanjie.regions.models import Region
from huanjie.rules import voters as voter_rules
from huanjie.uploads.models import UploadJob


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Person(models.Model):
    # The ID number itself is never stored in clear (SECURITY.md D2/D3): an AES-GCM ciphertext,
    # a keyed hash for lookups and duplicate checks, and the mask shown on every page.
    id_cipher = models.TextField("身份证号(密文)")
    # Unique through Meta.constraints, not unique=True: on PostgreSQL that would add a second,
    # pattern-ops index that no query uses and every bulk load pays for.
    id_hash = models.CharField("身份证号索引", max_length=64)
    id_masked = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=2, default="01")  # GB 3304 code
    # The village-level unit of the household registration (户籍所在村/社区).
    region = models.ForeignKey(
        Region,
        verbose_name="户籍地",
        on_delete=models.PROTECT,
        related_name="people",
        db_index=False,  # the (region, household_no) index serves every lookup by region
    )
    group_name = models.CharField("村民小组", max_length=50, blank=True)
    household_no = models.CharField("户号", max_length=30, blank=True)
    # Status recorded from the notices (people.status, never edited by hand): the day of death,
    # and the deprivation of political rights with its first and last day as the court or the
    # public-security notice gives them (刑法 第五十五条、第五十八条); no last day = 终身
    # (刑法 第五十七条). A restoration sets the last day. The history is PersonStatusChange.
    died_on = models.DateField("死亡日期", null=True, blank=True)
    rights_deprived_from = models.DateField("剥夺政治权利起始日期", null=True, blank=True)
    rights_deprived_until = models.DateField("剥夺政治权利截止日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # SECURITY.md P7: the day the retention purge erased this person (the ID's ciphertext, its
    # lookup hash, the name and the household details), every campaign that named them being
    # past its end date. The row stays only so the purged campaigns' counts still add up (by
    # sex, by village); no list, search or roll build shows it (people.services.people_erase).
    erased_on = models.DateField("个人信息删除日期", null=True, blank=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["region_id", "household_no", "id"]
        indexes = [models.Index(fields=["region", "household_no"], name="person_region_household")]
        constraints = [
            models.UniqueConstraint(fields=["id_hash"], name="person_id_hash_unique"),
            models.CheckConstraint(
                condition=models.Q(rights_deprived_until__isnull=True)
                | models.Q(
                    rights_deprived_from__isnull=False,
                    rights_deprived_until__gte=models.F("rights_deprived_from"),
                ),
                name="person_rights_deprived_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def ethnicity_name(self) -> str:
        return ethnicity.name_of(self.ethnicity) or self.ethnicity

    @property
    def age(self) -> int:
        """Whole years today (Asia/Shanghai); eligibility on election day is the engine's job."""
        return voter_rules.age_on(self.birth_date, timezone.localdate())

    def alive_on(self, day: date) -> bool:
        return voter_rules.alive_on(self.died_on, day)

    def deprived_on(self, day: date) -> bool:
        """Deprived of political rights on `day` (the engine reads the recorded period)."""
        return voter_rules.deprived_on(self.rights_deprived_from, self.rights_deprived_until, day)

    @property
    def deprivation_text(self) -> str:
        if self.rights_deprived_from is None:
            return ""
        return voter_rules.deprivation_text(self.rights_deprived_from, self.rights_deprived_until)


class StatusKind(models.TextChoices):
    """The kinds of a 变动名单 row: what a death or a court's (public security's) notice records."""

    DIED = "died", "死亡"
    RIGHTS_DEPRIVED = "rights_deprived", "剥夺政治权利"
    RIGHTS_RESTORED = "rights_restored", "恢复政治权利"


class PersonChangeImport(UploadJob):
    """One uploaded 变动名单 (list of deaths and deprivations): previewed, then applied, all or
    nothing (the lifecycle is uploads.services; the importer voters.status)."""

    applied = models.PositiveIntegerField("登记变动", default=0)
    unchanged = models.PositiveIntegerField("已登记过", default=0)
    removed = models.PositiveIntegerField("除名", default=0)
    flagged = models.PositiveIntegerField("待核实", default=0)

    class Meta(UploadJob.Meta):
        verbose_name = "变动名单导入"
        verbose_name_plural = "变动名单导入"


class PersonStatusChange(models.Model):
    """The history of recorded deaths, deprivations and restorations: one row per change, with
    what it did to the rolls. `region` is where it was recorded (the import's area, or the
    recording user's region), which with the person's 户籍地 decides who sees it.

    A change recorded by mistake is corrected, never deleted: it stays in the history marked
    corrected (who, when, why), the person's fields return to the `previous_*` values kept here,
    and the registrations it removed or flagged (PersonStatusEffect) are put back or flagged."""

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="status_changes"
    )
    kind = models.CharField("变动类型", max_length=20, choices=StatusKind.choices)
    changed_on = models.DateField("变动日期")
    until = models.DateField("截止日期", null=True, blank=True)
    source = models.CharField("依据", max_length=200)
    region = models.ForeignKey(
        Region, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        PersonChangeImport,
        verbose_name="变动名单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
    )
    removed = models.PositiveIntegerField("除名登记数", default=0)
    flagged = models.PositiveIntegerField("待核实登记数", default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # The person's fields just before this change: what a correction puts back. A deprivation
    # may replace an earlier, ended one, so the history alone does not always say.
    previous_died_on = models.DateField("变动前死亡日期", null=True, blank=True)
    previous_deprived_from = models.DateField("变动前剥夺政治权利起始日期", null=True, blank=True)
    previous_deprived_until = models.DateField("变动前剥夺政治权利截止日期", null=True, blank=True)
    corrected_at = models.DateTimeField("更正时间", null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更正人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    correction_reason = models.CharField("更正原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "人员变动"
        verbose_name_plural = "人员变动"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(corrected_at__isnull=True, correction_reason="")
                | models.Q(corrected_at__isnull=False) & ~models.Q(correction_reason=""),
                name="status_change_corrected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}：{self.get_kind_display()}（{self.changed_on:%Y-%m-%d}）"

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None
