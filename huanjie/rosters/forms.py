"""The roster pages' forms: they read the posted fields only; every rule is the services'
(huanjie.rosters.services), which name the field in their refusals."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms

# Bounds that keep a mistyped figure out of the database's integer; the services say the rule.
MOST: int = 1_000_000
MSG_LINE: str = "候选人第{n}行：{message}"
MSG_LINE_SHAPE: str = "请按“姓名 性别 得票数”填写，例如“王芳 女 320”，另选他人在末尾加“另选”"
MSG_LINE_SEX: str = "性别须为“男”或“女”"
MSG_LINE_VOTES: str = "得票数须为0至1000000之间的整数"
MSG_NO_LINES: str = "请填写候选人及其得票数，每行一人"
MSG_TOO_MANY_LINES: str = "候选人最多填写50人"


def _bootstrap(form: forms.Form) -> None:
    """The site's look: Bootstrap's classes on every widget (date fields as date pickers)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"
        if isinstance(field, forms.DateField):
            widget.input_type = "date"  # type: ignore[attr-defined]


SEXES = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F"}
WRITE_IN = ("另选", "另选他人")


class RecallForm(forms.Form):
    cadre = forms.TypedChoiceField(label="被罢免人", coerce=int)
    reason = forms.CharField(
        label="罢免理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    by_representatives = forms.BooleanField(label="由村民（居民）代表联名提出", required=False)
    signers = forms.IntegerField(label="联名人数", min_value=0, max_value=MOST)
    of = forms.IntegerField(
        label="有选举权的村民（居民）人数或代表人数", min_value=1, max_value=MOST
    )
    motion_on = forms.DateField(label="提出日期")

    def __init__(self, *args: Any, cadres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = cadres  # type: ignore[attr-defined]
        _bootstrap(self)


class RecallVoteForm(forms.Form):
    voted_on = forms.DateField(label="表决日期")
    electorate = forms.IntegerField(label="登记参加选举的人数", min_value=1, max_value=MOST)
    voted = forms.IntegerField(label="参加投票人数", min_value=0, max_value=MOST)
    yes = forms.IntegerField(label="赞成罢免票数", min_value=0, max_value=MOST)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class ByElectionForm(forms.Form):
    post = forms.ChoiceField(label="补选职位")
    seats = forms.IntegerField(label="补选名额", min_value=1, max_value=9, initial=1)
    reason = forms.CharField(label="补选原因", max_length=500)
    held_on = forms.DateField(label="补选日期")
    electorate = forms.IntegerField(label="登记参加选举的人数", min_value=1, max_value=MOST)
    voted = forms.IntegerField(label="参加投票人数", min_value=0, max_value=MOST)
    ballots_issued = forms.IntegerField(label="发出选票数", min_value=0, max_value=MOST)
    valid = forms.IntegerField(label="有效票数", min_value=0, max_value=MOST)
    invalid = forms.IntegerField(label="无效票数", min_value=0, max_value=MOST)
    lines = forms.CharField(
        label="候选人及得票",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "王芳 女 320\n刘洋 男 150"}),
    )

    def __init__(self, *args: Any, posts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = posts  # type: ignore[attr-defined]
        _bootstrap(self)

    def clean_lines(self) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """One candidate a line: name, sex, votes, and "另选" for a write-in."""
        # Full-width digits and letters as typed on a Chinese keyboard read as their ASCII forms.
        text = unicodedata.normalize("NFKC", self.cleaned_data["lines"])
        rows = [line.strip() for line in text.splitlines() if line.strip()]
        if not rows:
            raise forms.ValidationError(MSG_NO_LINES)
        if len(rows) > 50:
            raise forms.ValidationError(MSG_TOO_MANY_LINES)
        candidates: list[dict[str, Any]] = []
        votes: dict[str, int] = {}
        for n, row in enumerate(rows, start=1):
            parts = [p for p in re.split(r"[\s,，、;；]+", row) if p]
            write_in = bool(parts) and parts[-1] in WRITE_IN
            if write_in:
                parts = parts[:-1]
            if len(parts) != 3:
                raise forms.ValidationError(MSG_LINE.format(n=n, message=MSG_LINE_SHAPE))
            name, sex, count = parts
            if sex not in SEXES:
                raise forms.ValidationError(MSG_LINE.format(n=n, message=MSG_LINE_SEX))
            if not count.isascii() or not count.isdigit() or int(count) > MOST:
                raise forms.ValidationError(MSG_LINE.format(n=n, message=MSG_LINE_VOTES))
            candidates.append({"name": name, "sex": SEXES[sex], "write_in": write_in})
            votes[name] = int(count)
        return candidates, votes
