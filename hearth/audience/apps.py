from django.apps import AppConfig


class AudienceConfig(AppConfig):
    name = "hearth.audience"
    label = "audience"

    def ready(self) -> None:
        from hearth.audience.recording import buffer
        from hearth.core.lifecycle import on_shutdown

        # Page views waiting in memory are written when a server process stops.
        on_shutdown(buffer.flush)
