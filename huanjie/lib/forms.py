"""Form helpers: the office look (Bootstrap classes) set once, not in every template."""

from __future__ import annotations

from typing import Any

from django import forms


class StyledFormMixin:
    """Gives every widget its Bootstrap class; `small=True` for compact filter bars."""

    small = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        size = "-sm" if self.small else ""
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = (
                    widget.attrs.get("class", "") + " form-check-input"
                ).strip()
                continue
            css = (
                f"form-select form-select{size}"
                if isinstance(widget, forms.Select)
                else f"form-control form-control{size}"
            )
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2027-01-10) whatever the interface
    locale: with zh-hans Django would render 2027/01/10, which the picker shows as empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")


class CountField(forms.IntegerField):
    """A whole number typed as plain ASCII digits, nothing else (SECURITY.md V11): Django's
    IntegerField takes "+7", "１２", "12.000", "1_0" and " 7 ", which a count must refuse, since
    the number a person meant is not certain. Use it for every count and every ordinal a form
    asks for (届次, seats, votes, ballots).

    >>> f = CountField(min_value=0)
    >>> f.clean("12")
    12
    >>> for bad in ("+7", "１２", "12.000", "1_0", "-1", "1e3"):
    ...     try:
    ...         f.clean(bad)
    ...     except forms.ValidationError as exc:
    ...         print(bad, exc.messages[0])
    +7 请只填写阿拉伯数字（0-9），不要带符号、小数点、空格或全角数字
    １２ 请只填写阿拉伯数字（0-9），不要带符号、小数点、空格或全角数字
    12.000 请只填写阿拉伯数字（0-9），不要带符号、小数点、空格或全角数字
    1_0 请只填写阿拉伯数字（0-9），不要带符号、小数点、空格或全角数字
    -1 请只填写阿拉伯数字（0-9），不要带符号、小数点、空格或全角数字
    1e3 请只填写阿拉伯数字（0-9），不要带符号、小数点、空格或全角数字
    """

    MSG_DIGITS = "请只填写阿拉伯数字（0-9），不要带符号、小数点、空格或全角数字"

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            raise forms.ValidationError(self.MSG_DIGITS, code="invalid")
        return int(text)
