from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hearth.notifications"
    label = "notifications"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in

        from hearth.core.events import on_events_committed
        from hearth.notifications import bell
        from hearth.notifications.emails import warn_about_failing_address
        from hearth.notifications.scheduler import register_jobs
        from hearth.notifications.tasks import schedule_notifications

        on_events_committed(schedule_notifications)
        register_jobs()
        bell.connect()
        user_logged_in.connect(warn_about_failing_address, dispatch_uid="notifications-address")
