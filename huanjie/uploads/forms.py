from __future__ import annotations

from django import forms

from huanjie.lib.forms import StyledFormMixin
from huanjie.lib.workbooks import MAX_FILE_BYTES

ACCEPT = ".xlsx,.xls,.ods,.csv"


class UploadForm(StyledFormMixin, forms.Form):
    """The one upload form: `what` names the file (选民名单, 变动名单, 党员名册)."""

    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def __init__(
        self, *args: object, what: str = "文件", max_bytes: int = MAX_FILE_BYTES, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields[
            "file"
        ].label = f"{what}文件（.xlsx、.xls、.ods 或 .csv，不超过 {max_bytes // 1024 // 1024} MB）"
