from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "hearth.live"
    label = "live"

    def ready(self) -> None:
        from hearth.core.events import on_events_committed
        from hearth.live.consumers import announce

        on_events_committed(announce)
