from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "huanjie.party"
    verbose_name = "党组织与党员"
