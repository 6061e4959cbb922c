from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huanjie.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from huanjie.accounts import checks  # noqa: F401  (registers the deploy check)
