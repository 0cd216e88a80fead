from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "hearth.sharing"
    label = "sharing"
