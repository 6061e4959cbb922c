from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "huanjie.ledgers"
    verbose_name = "工作台账"

    def ready(self) -> None:
        # The village ledgers declare themselves (and their importers, "ledger-<key>").
        from huanjie.ledgers.kinds import register_all

        register_all()
        # The home page's panel, once the board's registry exists (huanjie.progress.home).
        try:
            from huanjie.progress.home import register_panel
        except ImportError:
            return
        from huanjie.ledgers.panels import rectification_panel

        register_panel(rectification_panel)
