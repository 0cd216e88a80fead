from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "hearth.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from hearth.communities.models import STAFF_ACTION_LABELS
        from hearth.core import scheduler
        from hearth.core.events import on_events_committed
        from hearth.webhooks import tasks
        from hearth.webhooks.models import STAFF_LOG_LABELS

        # The staff log's labels for this app's lines, kept here so communities need not
        # know about webhooks.
        STAFF_ACTION_LABELS.update(STAFF_LOG_LABELS)
        on_events_committed(tasks.schedule_webhooks)
        scheduler.register("webhooks:follow", tasks.follow_job, per_community=True)
        scheduler.register("webhooks:retry", tasks.retry_job)
