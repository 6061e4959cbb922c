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


@register(Tags.security)
def admin_networks(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Every entry of HUANJIE_ADMIN_NETWORKS is a network (SECURITY.md A9): a typo, or the
    example file's CHANGE-ME, is named here rather than silently shutting the administrators
    out (an entry that is not a network lets nobody in)."""
    import ipaddress

    errors: list[Error] = []
    for entry in getattr(settings, "HUANJIE_ADMIN_NETWORKS", []):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"HUANJIE_ADMIN_NETWORKS 中的“{entry}”不是网段（如 10.63.1.0/24），"
                    "三员将无法从该处登录",
                    id="huanjie.E010",
                )
            )
    return errors
