from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "hearth.events"
    label = "events"

    def ready(self) -> None:
        from hearth.core import scheduler
        from hearth.events import reminders

        # A catch-up: every tick sends the reminders that fell due since the last one; a
        # row per (event, occurrence, reminder) makes each go out once.
        scheduler.register("events:reminders", reminders.run)
