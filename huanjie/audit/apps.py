from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "huanjie.audit"
    verbose_name = "审计日志"
