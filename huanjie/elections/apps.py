from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "huanjie.elections"
    verbose_name = "换届与选举"
