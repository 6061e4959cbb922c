"""The real administrative division tree (统计用区划代码), province down to village level."""

from __future__ import annotations

from django.db import models


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "地级"
        COUNTY = 3, "县级"
        TOWN = 4, "乡级"
        VILLAGE = 5, "村级"

    class Kind(models.TextChoices):
        # A village elects a 村民委员会, a community a 居民委员会 (glossary: Region.kind).
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"

    # 2, 4, 6, 9 or 12 digits: a region's descendants are exactly the codes that start with it.
    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=100)
    # The name as people say it, without the registry's tail: "东门村委会" -> "东门村".
    short_name = models.CharField("简称", max_length=100, blank=True)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField("村/社区", max_length=10, choices=Kind.choices, blank=True)
    # Set when a county user corrected the kind by hand; a reload of the region file keeps it.
    kind_corrected = models.BooleanField("类别已人工更正", default=False)
    # Set by the loader when the kind was a fallback guess from the name (kinds.py), so that a
    # county user confirms or corrects it; a correction clears it.
    kind_doubtful = models.BooleanField("类别存疑", default=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=5) | models.Q(kind=""),
                name="region_kind_only_on_village_level",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def full_label(self) -> str:
        """A village-level unit with its town (桥头镇红河限村), as messages and lists name it;
        other levels by their own name. Select the parent with it (`select_related`)."""
        if self.is_village_level and self.parent_id and self.parent is not None:
            return f"{self.parent.display_name}{self.display_name}"
        return self.display_name

    @property
    def is_village_level(self) -> bool:
        return self.level == self.Level.VILLAGE

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of the ancestors, province first ("630121100" -> ["63", "6301", "630121"])."""
        cuts = [2, 4, 6, 9]
        return [self.code[:n] for n in cuts if n < len(self.code)]
