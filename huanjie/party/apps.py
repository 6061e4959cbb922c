from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "huanjie.party"
    verbose_name = "党组织与党员"

    def ready(self) -> None:
        # The Party roll's importer registers itself with the upload pipeline.
        import huanjie.party.imports  # noqa: F401
        from huanjie.audit.labels import add_value_labels
        from huanjie.party.models import BranchKind, MemberStatus

        # The audit page names this app's coded values in Chinese.
        add_value_labels(BranchKind.choices, MemberStatus.choices)
