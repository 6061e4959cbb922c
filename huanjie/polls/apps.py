from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "huanjie.polls"
    verbose_name = "投票与计票"

    def ready(self) -> None:
        from huanjie.audit.labels import add_value_labels
        from huanjie.polls.models import PollKind, PollStatus, SheetStatus, StaffRole

        # The audit page names this app's coded values in Chinese.
        add_value_labels(
            PollKind.choices, PollStatus.choices, SheetStatus.choices, StaffRole.choices
        )
