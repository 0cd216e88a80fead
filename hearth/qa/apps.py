from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "hearth.qa"
    label = "qa"

    def ready(self) -> None:
        from hearth.core.events import on_event_recorded
        from hearth.qa import services

        on_event_recorded(["topic.create"], services.question_created)
        on_event_recorded(["post.reply"], services.answer_posted)
