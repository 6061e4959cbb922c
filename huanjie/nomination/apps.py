from django.apps import AppConfig


class NominationConfig(AppConfig):
    name = "huanjie.nomination"
    verbose_name = "提名与候选人"

    def ready(self) -> None:
        from huanjie.audit.labels import add_value_labels
        from huanjie.elections.models import Body, NominationMethod, Post
        from huanjie.nomination.models import HowNominated, Stage

        # The audit page names this app's coded values in Chinese.
        add_value_labels(
            Stage.choices, HowNominated.choices, Body.choices, NominationMethod.choices
        )
        add_value_labels(Post.choices)
