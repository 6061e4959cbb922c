from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "huanjie.elections"
    verbose_name = "换届与选举"

    def ready(self) -> None:
        # SECURITY.md P7: no import of any kind into a campaign whose personal data is gone.
        from huanjie.elections.services import purged_refusal
        from huanjie.uploads.importers import campaign_guards

        if purged_refusal not in campaign_guards:
            campaign_guards.append(purged_refusal)
