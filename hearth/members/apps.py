from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "hearth.members"
    label = "members"
