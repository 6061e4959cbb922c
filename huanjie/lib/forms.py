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
