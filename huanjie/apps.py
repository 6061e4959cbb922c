from django.apps import AppConfig


class HuanjieConfig(AppConfig):
    name = "huanjie"
    verbose_name = "换届通"

    def ready(self) -> None:
        from huanjie import checks  # noqa: F401  (registers the deploy checks)
