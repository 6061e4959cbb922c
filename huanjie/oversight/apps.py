from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "huanjie.oversight"
    verbose_name = "督导、信访与培训"

    def ready(self) -> None:
        from huanjie.ledgers.framework import register_kind
        from huanjie.oversight.ledgers import KINDS
        from huanjie.oversight.panels import inspector_problems, petitions_near_due
        from huanjie.progress.home import register_panel

        # Each oversight ledger gets the framework's list, export, item page and import.
        for kind in KINDS:
            register_kind(kind)
        register_panel(inspector_problems)
        register_panel(petitions_near_due)
