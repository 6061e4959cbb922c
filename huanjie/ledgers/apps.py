from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "huanjie.ledgers"
    verbose_name = "工作台账"
