from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "huanjie.regions"
    verbose_name = "行政区划"
