from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "huanjie.review"
    verbose_name = "资格联审"
