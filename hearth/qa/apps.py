from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "hearth.qa"
    label = "qa"
