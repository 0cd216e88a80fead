from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "hearth.recognition"
    label = "recognition"

    def ready(self) -> None:
        from hearth.core.events import on_events_committed
        from hearth.recognition.tasks import enqueue_for_events

        on_events_committed(enqueue_for_events)
