from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "huanjie.results"
    verbose_name = "选举结果"

    def ready(self) -> None:
        from huanjie.audit.labels import add_value_labels
        from huanjie.results.models import CorrectionKind, CorrectionStatus, VersionStatus

        # The audit page names this app's coded values in Chinese.
        add_value_labels(VersionStatus.choices, CorrectionStatus.choices, CorrectionKind.choices)
