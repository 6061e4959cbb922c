"""`huanjie check --deploy` refuses the development keys (SECURITY.md D2: keys outside the code)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

DEV_MARKERS = ("dev-only", "ZGV2LW9ubHkt")  # the literal and its base64 form


@register(Tags.security, deploy=True)
def development_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    for name in ("SECRET_KEY", "HUANJIE_FIELD_KEYS", "HUANJIE_LOOKUP_KEY"):
        value = str(getattr(settings, name, ""))
        if any(marker in value for marker in DEV_MARKERS):
            errors.append(
                Error(
                    f"{name} 仍是开发用密钥，生产环境必须通过环境变量设置",
                    id=f"huanjie.E00{len(errors) + 1}",
                )
            )
    return errors
