from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "hearth.search"
    label = "search"

    def ready(self) -> None:
        from hearth.core.events import on_event_recorded
        from hearth.search import subscribers

        on_event_recorded(subscribers.POST_VERBS, subscribers.sync_post)
        on_event_recorded(subscribers.TOPIC_VERBS, subscribers.sync_topic)
        on_event_recorded(["post.move"], subscribers.sync_moved_posts)
