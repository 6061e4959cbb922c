from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "huanjie.uploads"
    verbose_name = "文件导入"
