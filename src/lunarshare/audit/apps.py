from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lunarshare.audit"
    label = "audit"
    verbose_name = "Audit log"
