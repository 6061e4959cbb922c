"""People: one record per real person, keyed by the keyed hash of their ID number."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from huanjie.lib import ethnicity
from huanjie.regions.models import Region
from huanjie.rules.voters import age_on


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
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["region_id", "household_no", "id"]
        indexes = [models.Index(fields=["region", "household_no"], name="person_region_household")]
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="person_id_hash_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def ethnicity_name(self) -> str:
        return ethnicity.name_of(self.ethnicity) or self.ethnicity

    @property
    def age(self) -> int:
        """Whole years today (Asia/Shanghai); eligibility on election day is the engine's job."""
        return age_on(self.birth_date, timezone.localdate())
