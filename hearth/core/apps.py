from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "hearth.core"
    label = "core"

    def ready(self):
        from hearth.core.converters import IdConverter

        # Registered before any URLconf is imported, so every app's urls.py can use <id:…>.
        register_converter(IdConverter, "id")

        from hearth.core import page_cache

        # Visitors' cached pages go stale on every write to what they show.
        page_cache.connect()

        from hearth.core import panel_cache

        # The home's cached side panels go stale when memberships or profiles change.
        panel_cache.connect()
