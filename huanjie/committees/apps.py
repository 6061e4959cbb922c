from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "huanjie.committees"
    verbose_name = "村民选举委员会"
