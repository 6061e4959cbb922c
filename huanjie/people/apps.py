from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "huanjie.people"
    verbose_name = "人员"

    def ready(self) -> None:
        from huanjie.audit.labels import add_value_labels
        from huanjie.people.models import StatusKind

        # The audit page names this app's coded values in Chinese.
        add_value_labels(StatusKind.choices)
