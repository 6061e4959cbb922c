from django.apps import AppConfig


class VotersConfig(AppConfig):
    name = "huanjie.voters"
    verbose_name = "选民登记"

    def ready(self) -> None:
        from huanjie.audit.labels import add_value_labels
        from huanjie.voters.models import Category, ChangeReason

        # The audit page names this app's coded values in Chinese.
        add_value_labels(Category.choices, ChangeReason.choices)
