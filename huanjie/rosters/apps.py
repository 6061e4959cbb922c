from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "huanjie.rosters"
    verbose_name = "干部名册"

    def ready(self) -> None:
        # The roster file registers itself with the upload pipeline.
        import huanjie.rosters.imports  # noqa: F401
        from huanjie.audit.labels import add_value_labels
        from huanjie.rosters.models import EndReason, RecallStatus, Source

        add_value_labels(Source.choices, EndReason.choices, RecallStatus.choices)

        from huanjie.results.signals import version_in_force
        from huanjie.rosters.services.results import roster_on_version_in_force

        # Certified winners join the roster in the transaction that certifies them.
        version_in_force.connect(roster_on_version_in_force, dispatch_uid="rosters.from_result")
