from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "hearth.customers"
    label = "customers"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from hearth.core.events import on_events_committed
        from hearth.customers.tasks import enqueue_matching, match_on_email_confirmed

        # Joining is in the event log; confirming an address is allauth's (no event).
        on_events_committed(enqueue_matching)
        email_confirmed.connect(match_on_email_confirmed, dispatch_uid="customers.match")
