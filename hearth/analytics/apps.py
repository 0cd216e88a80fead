from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "hearth.analytics"
    label = "analytics"

    def ready(self) -> None:
        from hearth.analytics.tasks import schedule_rollups
        from hearth.core.events import on_events_committed

        on_events_committed(schedule_rollups)
