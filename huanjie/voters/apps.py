from django.apps import AppConfig


class VotersConfig(AppConfig):
    name = "huanjie.voters"
    verbose_name = "选民登记"

    def ready(self) -> None:
        # The roll's and the 变动名单's importers register themselves with the upload pipeline.
        import huanjie.voters.imports
        import huanjie.voters.status  # noqa: F401
        from huanjie.audit.labels import add_value_labels
        from huanjie.voters.models import Category, ChangeReason

        # The audit page names this app's coded values in Chinese.
        add_value_labels(Category.choices, ChangeReason.choices)
