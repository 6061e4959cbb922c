from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "huanjie.progress"
    verbose_name = "工作日程与进度"
