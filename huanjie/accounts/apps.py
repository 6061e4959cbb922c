from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huanjie.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from huanjie.accounts import checks  # noqa: F401  (registers the deploy check)
        from huanjie.accounts.permissions import ACTION_LABELS
        from huanjie.audit.labels import add_value_labels

        add_value_labels([("totp", "手机验证器动态口令"), ("recovery", "恢复码")])
        add_value_labels([(str(action), label) for action, label in ACTION_LABELS.items()])
