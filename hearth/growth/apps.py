from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "hearth.growth"
    label = "growth"

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up

        from hearth.growth.services import arrival_record_signup

        # Social sign-ups send the same signal, so attribution survives both ways in.
        user_signed_up.connect(arrival_record_signup, dispatch_uid="growth.arrival")
