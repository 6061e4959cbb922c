from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "huanjie.rosters"
    verbose_name = "干部名册"

    def ready(self) -> None:
        from huanjie.audit.labels import add_value_labels
        from huanjie.rosters.models import EndReason, RecallStatus, Source

        add_value_labels(Source.choices, EndReason.choices, RecallStatus.choices)
