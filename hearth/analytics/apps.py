from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "hearth.analytics"
    label = "analytics"

    def ready(self) -> None:
        from hearth.analytics.tasks import catch_up_rollups, schedule_rollups, weekly_email
        from hearth.core import scheduler
        from hearth.core.events import on_events_committed

        on_events_committed(schedule_rollups)
        scheduler.register("analytics:rollups", catch_up_rollups, per_community=True)
        scheduler.register(
            "analytics:weekly-email", weekly_email, slot=scheduler.weekly, per_community=True
        )
