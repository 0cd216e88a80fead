from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "hearth.benefits"
    label = "benefits"
    verbose_name = "Benefits"
