from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "hearth.onboarding"
    label = "onboarding"

    def ready(self) -> None:
        from hearth.core.events import on_events_committed
        from hearth.onboarding.tasks import enqueue_onboarding_work

        on_events_committed(enqueue_onboarding_work)
