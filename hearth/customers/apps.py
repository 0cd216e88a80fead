from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "hearth.customers"
    label = "customers"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from hearth.core import scheduler
        from hearth.core.events import on_events_committed
        from hearth.customers.services import staged_uploads_forget
        from hearth.customers.tasks import enqueue_matching, match_on_email_confirmed

        # Joining is in the event log; confirming an address is allauth's (no event).
        on_events_committed(enqueue_matching)
        email_confirmed.connect(match_on_email_confirmed, dispatch_uid="customers.match")
        # A CSV nobody mapped within the hour is not kept (it holds hashed addresses).
        scheduler.register("customers:staged", staged_uploads_forget)
