from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "huanjie.progress"
    verbose_name = "工作日程与进度"

    def ready(self) -> None:
        # The schedule follows the records of the apps below (progress.signals).
        from huanjie.progress import signals

        signals.connect()
