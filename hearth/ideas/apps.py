from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "hearth.ideas"
    label = "ideas"

    def ready(self) -> None:
        from hearth.core.events import on_event_recorded
        from hearth.ideas import services

        on_event_recorded(["topic.create"], services.idea_created)
