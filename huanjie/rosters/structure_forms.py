"""The structure pages' forms: the campaign's settings and a kinship. They read the posted
fields; the rules are the engine's and the services' (which name the field in a refusal)."""

from __future__ import annotations

from typing import Any

from django import forms

from huanjie.lib.forms import CountField, StyledFormMixin
from huanjie.rosters.models import Relation
from huanjie.rules.structure import BOOL_FIELDS, SETTING_FIELDS, Settings

# What each setting comes from, shown beside its field.
SOURCES: dict[str, str] = {
    "cadres_min": "seed 003：村干部职数为3-5名、不得超过7名；大学生村官不占职数",
    "cadres_usual_max": "seed 003：村干部职数为3-5名",
    "cadres_max": "seed 003：不得超过7名",
    "women_min": "seed 003：每村至少有1名女干部",
    "young_min": "seed 003：每村至少有1名35岁以下干部",
    "young_age": "“35岁以下”包括35岁（刑法 第九十九条：以下包括本数）",
    "men_joining_age": "seed 003：男55岁以上原则上不再进班子（达到该年龄且不在上届名册的男性；以上包括本数）",
    "villagers_min": "村民委员会组织法(2025) 第八条：三至七人，只能在此范围内收紧",
    "villagers_max": "村民委员会组织法(2025) 第八条：三至七人，只能在此范围内收紧",
    "residents_min": "城市居民委员会组织法(2025) 第八条：五至九人，只能在此范围内收紧",
    "residents_max": "城市居民委员会组织法(2025) 第八条：五至九人，只能在此范围内收紧",
    "young_heads_share": "seed 003：35岁以下村主要负责人达到10%以上（全县统计）",
    "dual_role_share": (
        "中共中央 国务院《乡村振兴战略规划（2018－2022年）》"
        "“村党组织书记兼任村委会主任的村占比”2022年目标值50%（全县统计）"
    ),
    "cooperative_exclusions": "seed 003：社管会成员与社监会、村务监督委员会成员不得交叉任职",
}


class StructureRulesForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, (label, least, most) in SETTING_FIELDS.items():
            self.fields[key] = CountField(
                label=label, min_value=least, max_value=most, help_text=SOURCES[key]
            )
        for key, label in BOOL_FIELDS.items():
            self.fields[key] = forms.BooleanField(
                label=label, required=False, help_text=SOURCES[key]
            )
        # The mixin styled the fields present at its __init__; these are added after it.
        self._style()

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = "form-control form-control-sm"
                widget.attrs["style"] = "max-width: 8rem"

    @staticmethod
    def initial_of(settings: Settings) -> dict[str, Any]:
        return settings.as_values()


class KinshipForm(StyledFormMixin, forms.Form):
    small = True
    person_a = forms.TypedChoiceField(label="甲", coerce=int)
    person_b = forms.TypedChoiceField(label="乙", coerce=int)
    relation = forms.ChoiceField(label="关系", choices=Relation.choices)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "请选择"), *people]
        self.fields["person_a"].choices = choices  # type: ignore[attr-defined]
        self.fields["person_b"].choices = choices  # type: ignore[attr-defined]
