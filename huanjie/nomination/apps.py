from django.apps import AppConfig


class NominationConfig(AppConfig):
    name = "huanjie.nomination"
    verbose_name = "提名与候选人"

    def ready(self) -> None:
        # The nominee file registers itself with the upload pipeline; the proxy check of voters
        # asks nomination who is a candidate (it may not import an app above its own).
        import huanjie.nomination.imports  # noqa: F401
        from huanjie.audit.labels import add_value_labels
        from huanjie.elections.models import Body, NominationMethod, Post
        from huanjie.nomination.candidacy import standing_as
        from huanjie.nomination.models import HowNominated, Stage
        from huanjie.voters.services.proxies import candidate_lookups

        if standing_as not in candidate_lookups:
            candidate_lookups.append(standing_as)
        # The election committee asks who is an open nominee (committees sits below nomination).
        from huanjie.committees.services import open_nomination_lookups
        from huanjie.nomination.candidacy import open_nomination_elections

        if open_nomination_elections not in open_nomination_lookups:
            open_nomination_lookups.append(open_nomination_elections)
        # A post whose formal candidate list is fixed keeps its seats (nomination.lists).
        from huanjie.elections.services import seats_guards
        from huanjie.nomination.lists import seats_guard

        if seats_guard not in seats_guards:
            seats_guards.append(seats_guard)

        # The audit page names this app's coded values in Chinese.
        add_value_labels(
            Stage.choices, HowNominated.choices, Body.choices, NominationMethod.choices
        )
        add_value_labels(Post.choices)
