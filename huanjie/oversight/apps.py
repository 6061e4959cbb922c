from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "huanjie.oversight"
    verbose_name = "督导、信访与培训"
