from django.apps import AppConfig


class AudienceConfig(AppConfig):
    name = "hearth.audience"
    label = "audience"
