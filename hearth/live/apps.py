from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "hearth.live"
    label = "live"

    def ready(self) -> None:
        from hearth.core.events import on_events_committed
        from hearth.live.consumers import announce, announce_unread_counts
        from hearth.notifications.signals import notifications_created

        on_events_committed(announce)
        notifications_created.connect(announce_unread_counts, dispatch_uid="live-unread-counts")
