from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "hearth.communities"
    label = "communities"
