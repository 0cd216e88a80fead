from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "hearth.discussions"
    label = "discussions"
