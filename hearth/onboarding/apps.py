from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "hearth.onboarding"
    label = "onboarding"
