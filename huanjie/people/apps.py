from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "huanjie.people"
    verbose_name = "人员"
