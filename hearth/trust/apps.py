from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "hearth.trust"
    label = "trust"

    def ready(self) -> None:
        from hearth.core import scheduler
        from hearth.core.events import on_events_committed
        from hearth.trust.tasks import daily_sweep, schedule_trust

        on_events_committed(schedule_trust)
        scheduler.register("trust:sweep", daily_sweep, slot=scheduler.daily, per_community=True)
