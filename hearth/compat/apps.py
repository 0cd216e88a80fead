from django.apps import AppConfig


class CompatConfig(AppConfig):
    name = "hearth.compat"
    label = "compat"
    verbose_name = "Discourse-compatible API"
