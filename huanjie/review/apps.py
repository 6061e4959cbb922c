from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "huanjie.review"
    verbose_name = "资格联审"

    def ready(self) -> None:
        # The 联审台账's importer registers itself with the upload pipeline.
        import huanjie.review.imports  # noqa: F401
        from huanjie.audit.labels import add_value_labels
        from huanjie.nomination.services import (
            qualification_guards,
            review_status_lookups,
            sent_to_review_hooks,
        )
        from huanjie.review.guards import cleared_by_review, review_status
        from huanjie.review.models import ConditionKind, ReviewState
        from huanjie.review.services import on_sent_to_review

        # Once a campaign's review is set up, only its clearance qualifies a nominee.
        if cleared_by_review not in qualification_guards:
            qualification_guards.append(cleared_by_review)
        # The progress board shows who waits on which department.
        from huanjie.nomination.progress import board_sections
        from huanjie.review.board import review_section

        if review_section not in board_sections:
            board_sections.append(review_section)
        # ... and a nominee sent to the review enters it.
        if on_sent_to_review not in sent_to_review_hooks:
            sent_to_review_hooks.append(on_sent_to_review)
        # ... and the nominee page shows where the nominee's review stands.
        if review_status not in review_status_lookups:
            review_status_lookups.append(review_status)

        # The audit page names this app's coded values in Chinese.
        add_value_labels(ReviewState.choices, ConditionKind.choices)
