from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "hearth.trust"
    label = "trust"

    def ready(self) -> None:
        from hearth.core.events import on_events_committed
        from hearth.trust.tasks import schedule_trust

        on_events_committed(schedule_trust)
